/// How an OAuth connection's token refresh is doing (SPEC §13): what `show --json` puts
/// under "refresh" and the wizard shows under the badge. Times are stored ISO 8601 UTC.
package struct RefreshHealth: Sendable, Hashable, Codable {
    package enum State: String, Sendable, Hashable, Codable {
        /// No failure since the last success (or since CONNECT).
        case ok
        /// Temporary failures, retried with backoff; the badge is unchanged.
        case retrying
        /// Failing for longer than the give-up period: the badge is red, retries go on.
        case failing
        /// A final refusal (`invalid_grant`, `invalid_client`, unusable fields): automatic
        /// refresh stopped until the connection is reconnected or its values change.
        case stopped
        /// Nothing to refresh with (no refresh token, not client credentials).
        case unavailable
    }

    package var state: State
    /// The last refresh that worked; nil when none has since CONNECT.
    package var lastSuccessAt: String?
    package var lastFailureAt: String?
    /// Consecutive failures; 0 after a success or a reconnect.
    package var failures: Int
    /// The last failure's reason, rendered for the reader (kept after a recovery).
    package var lastError: String?
    /// When the refresher tries again after temporary failures; nil otherwise.
    package var nextAttemptAt: String?
    /// When the current run of failures began (the give-up period counts from it).
    package var failingSince: String?
    /// When a type's `keepAlive` refreshes the token even if it is not about to expire.
    package var keepAliveBy: String?

    package init(state: State, lastSuccessAt: String? = nil, lastFailureAt: String? = nil, failures: Int = 0, lastError: String? = nil,
                 nextAttemptAt: String? = nil, failingSince: String? = nil, keepAliveBy: String? = nil) {
        self.state = state
        self.lastSuccessAt = lastSuccessAt
        self.lastFailureAt = lastFailureAt
        self.failures = failures
        self.lastError = lastError
        self.nextAttemptAt = nextAttemptAt
        self.failingSince = failingSince
        self.keepAliveBy = keepAliveBy
    }

    /// The state from the stored facts, in one switch (as `StatusRule` does for badges).
    package static func state(refreshable: Bool, stopped: Bool, gaveUp: Bool, failures: Int) -> State {
        switch (refreshable, stopped, gaveUp, failures > 0) {
        case (false, _, _, _): .unavailable
        case (true, true, _, _): .stopped
        case (true, false, true, _): .failing
        case (true, false, false, true): .retrying
        case (true, false, false, false): .ok
        }
    }

    /// How long temporary failures may last before the badge turns red (`refresh --give-up`).
    package static let defaultGiveUpPeriod: Double = 3 * 86_400

    /// Whether a run of temporary failures that began at `failingSince` has lasted the
    /// give-up period: then the badge turns red (retries go on).
    package static func givesUp(failingSince: Double, now: Double, after period: Double) -> Bool {
        now - failingSince >= period
    }

    /// One line for a person: "refresh: retrying (3 failures, next 03-14 12:04:30; last:
    /// HTTP 503)". Times in UTC as the log pane shows them.
    package var note: String {
        let last = lastError.map { "; last: \($0)" } ?? ""
        let attempts = "\(failures) failure\(failures == 1 ? "" : "s")"
        // Retries are at most 15 minutes apart: the time of day is enough.
        let next = nextAttemptAt.map { ", next \(Self.short($0, date: false))" } ?? ""
        switch state {
        case .ok:
            let success = lastSuccessAt.map { "last refreshed \(Self.short($0))" } ?? "not refreshed since CONNECT"
            return "refresh: ok (\(success)\(keepAliveBy.map { ", keep-alive by \(Self.short($0))" } ?? ""))"
        case .retrying: return "refresh: retrying (\(attempts)\(next)\(last))"
        case .failing: return "refresh: failing since \(failingSince.map { Self.short($0) } ?? "?") (\(attempts)\(next)\(last))"
        case .stopped: return "refresh: stopped\(lastError.map { " (\($0))" } ?? "")"
        case .unavailable: return "refresh: not possible (no refresh token)"
        }
    }

    /// `2025-03-14T12:04:30.000Z` → `03-14 12:04:30 UTC` (or `12:04:30 UTC`).
    static func short(_ iso: String, date: Bool = true) -> String {
        let characters = Array(iso)
        guard characters.count >= 19 else { return iso }
        return (date ? String(characters[5..<10]) + " " : "") + String(characters[11..<19]) + " UTC"
    }
}
