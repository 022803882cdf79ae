import Foundation

/// What a failed refresh did to the connection.
package enum RecordedRefreshFailure: Sendable, Equatable {
    /// Temporary: retried after the date, status unchanged.
    case retrying(Date)
    /// Temporary, but failing for the give-up period: status error, retried after the date.
    case failing(Date)
    /// Final (`invalid_grant`…): status error, automatic refresh stopped.
    case stopped
}

extension Store {
    /// A failed refresh. Temporary trouble (network, 5xx) schedules a retry with
    /// exponential backoff and leaves the status alone until the failures have lasted
    /// `giveUpAfter`; then the badge turns red, retries going on (an outage that ends
    /// heals by itself). A final refusal (`invalid_grant`, `invalid_client`, …) stops
    /// automatic refresh and turns the badge red at once. Every red reason says how to
    /// recover. Nil when newer tokens were stored meanwhile (this failure is about old ones).
    @discardableResult
    package func recordRefreshFailure(_ lease: RefreshLease, _ error: OAuthError, backoffBase: TimeInterval,
                                      giveUpAfter: TimeInterval = RefreshHealth.defaultGiveUpPeriod, now: Date? = nil) throws -> RecordedRefreshFailure? {
        let now = now ?? clock.now()
        let connection = lease.connection
        let reason = connection.redactor().redact(error.description)
        let lastError = connection.forAudiences(Message(outside: reason)).json
        guard error.isTransient else {
            return try recordFinalFailure(lease, error, reason: reason, lastError: lastError, now: now) ? .stopped : nil
        }
        let delay = min(backoffBase * pow(2, Double(min(lease.failures, 10))), 15 * 60)
        let retryAt = now.addingTimeInterval(delay)
        let nowText = Timestamp.string(from: now)
        return try database.write { db -> RecordedRefreshFailure? in
            // A run of failures starts over when the count was reset (a success, new values,
            // a reconnect), whatever an older run left in `failingSince` and `gaveUpAt`.
            let changed = try db.execute("""
                UPDATE "token" SET "refreshFailures" = "refreshFailures" + 1, "retryAt" = ?, "lastFailureAt" = ?, "lastError" = ?,
                    "failingSince" = CASE WHEN "refreshFailures" = 0 OR "failingSince" IS NULL THEN ? ELSE "failingSince" END,
                    "gaveUpAt" = CASE WHEN "refreshFailures" = 0 THEN NULL ELSE "gaveUpAt" END,
                    "leaseOwner" = CASE WHEN "leaseOwner" = ? THEN NULL ELSE "leaseOwner" END,
                    "leaseUntil" = CASE WHEN "leaseOwner" = ? THEN NULL ELSE "leaseUntil" END
                WHERE "connectionId" = ? AND "generation" = ?
                """, [Timestamp.string(from: retryAt), nowText, lastError, nowText, lease.owner, lease.owner,
                      connection.connectionId, lease.generation])
            guard changed == 1,
                  let row = try db.row("SELECT \"refreshFailures\", \"failingSince\", \"gaveUpAt\" FROM \"token\" WHERE \"connectionId\" = ?",
                                       [connection.connectionId]) else { return nil }
            let attempts: Int = try row.get("refreshFailures")
            let since: String = try row.get("failingSince", as: String?.self) ?? nowText
            let alreadyRed = try row.get("gaveUpAt", as: String?.self) != nil
            let start = Timestamp.date(from: since) ?? now
            let retry = Timestamp.string(from: retryAt)
            guard alreadyRed || RefreshHealth.givesUp(failingSince: start.timeIntervalSince1970, now: now.timeIntervalSince1970, after: giveUpAfter) else {
                let message = connection.forAudiences("Token refresh failed temporarily (attempt \(attempts)): \(outside: reason); retrying after \(name: retry); status unchanged")
                try appendLog(db, instanceId: connection.instanceId, connectionId: connection.connectionId, level: .warning, message: message)
                try appendEvent(db, connectionId: connection.connectionId, kind: .refreshFailed, reason: message)
                return .retrying(retryAt)
            }
            let failing = connection.forAudiences(
                "token refresh failing since \(name: since) (\(attempts) attempts; give-up period \(name: DurationText.describe(Int(giveUpAfter)))): \(outside: reason); retries go on; if they keep failing, "
                    + Self.reconnectHint(connection))
            if alreadyRed {
                let message = connection.forAudiences("Token refresh failed again (attempt \(attempts)): \(outside: reason); retrying after \(name: retry); status stays error")
                try appendLog(db, instanceId: connection.instanceId, connectionId: connection.connectionId, level: .warning, message: message)
                try appendEvent(db, connectionId: connection.connectionId, kind: .refreshFailed, reason: message)
                return .failing(retryAt)
            }
            try db.execute("UPDATE \"token\" SET \"gaveUpAt\" = ? WHERE \"connectionId\" = ?", [nowText, connection.connectionId])
            if var record = try db.record(ConnectionRecord.self, "SELECT * FROM \"connection\" WHERE \"id\" = ?", [connection.connectionId]) {
                record.outcome = .error
                record.setReason(failing)
                record.updatedAt = nowText
                try updateConnection(db, record, event: .refreshFailed, because: "Token refresh gave up: " + failing)
            }
            try appendLog(db, instanceId: connection.instanceId, connectionId: connection.connectionId, level: .error,
                          message: "Token refresh gave up: " + failing)
            return .failing(retryAt)
        }
    }

    /// A final refusal: refresh stops until a reconnect or a values change; status error.
    private func recordFinalFailure(_ lease: RefreshLease, _ error: OAuthError, reason: String, lastError: String, now: Date) throws -> Bool {
        let connection = lease.connection
        let nowText = Timestamp.string(from: now)
        return try database.write { db in
            let changed = try db.execute("""
                UPDATE "token" SET "refreshError" = ?, "refreshFailures" = "refreshFailures" + 1, "retryAt" = NULL, "lastFailureAt" = ?, "lastError" = ?,
                    "failingSince" = CASE WHEN "refreshFailures" = 0 OR "failingSince" IS NULL THEN ? ELSE "failingSince" END,
                    "leaseOwner" = CASE WHEN "leaseOwner" = ? THEN NULL ELSE "leaseOwner" END,
                    "leaseUntil" = CASE WHEN "leaseOwner" = ? THEN NULL ELSE "leaseUntil" END
                WHERE "connectionId" = ? AND "generation" = ?
                """, [reason, nowText, lastError, nowText, lease.owner, lease.owner, connection.connectionId, lease.generation])
            // Another process stored newer tokens meanwhile: this refusal is about old ones.
            guard changed == 1 else { return false }
            let hint = Self.recoveryHint(error, connection)
            // The log line holds the reason whole, so the event to error carries no copy of it.
            let message = connection.forAudiences("Token refresh failed: \(outside: reason); " + hint + "; automatic refresh stopped")
            if var record = try db.record(ConnectionRecord.self, "SELECT * FROM \"connection\" WHERE \"id\" = ?", [connection.connectionId]) {
                record.outcome = .error
                record.setReason(connection.forAudiences("token refresh failed: \(outside: reason); " + hint))
                record.updatedAt = nowText
                // One event for the failure and the status it causes.
                try updateConnection(db, record, event: .refreshFailed, because: message)
            }
            try appendLog(db, instanceId: connection.instanceId, connectionId: connection.connectionId, level: .error, message: message)
            return true
        }
    }

    /// How to get a connection working again after a final refusal. A refused client is
    /// fixed in its values (refresh resumes when they change); a dead grant only by a new one.
    static func recoveryHint(_ error: OAuthError, _ connection: OAuthConnection) -> Message {
        switch error.providerCode {
        case "invalid_client", "unauthorized_client":
            "check the client ID and secret (refresh resumes when the values change), or " + reconnectHint(connection)
        default:
            reconnectHint(connection)
        }
    }

    /// The command and the wizard key that make a new grant.
    static func reconnectHint(_ connection: OAuthConnection) -> Message {
        "reconnect: switchboard connect \(name: connection.instanceName) \(name: connection.variable) (c in the wizard)"
    }
}
