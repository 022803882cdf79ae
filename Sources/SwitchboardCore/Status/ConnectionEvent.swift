/// Something that happened to a connection that a person on call must hear about
/// (SPEC §13): its badge changed, or a token refresh failed or worked again. Read with
/// `switchboard events`; `reason` is rendered for the reader's role.
package struct ConnectionEvent: Sendable, Equatable, Codable {
    package enum Kind: String, Sendable, Codable, CaseIterable {
        /// The status changed (`from` ≠ `to`).
        case status
        /// A token refresh failed: temporarily (status unchanged) or for good (usually to `error`).
        case refreshFailed = "refresh-failed"
        /// The first refresh that worked after failures; the status may stay the same.
        case refreshRecovered = "refresh-recovered"
    }

    /// Increasing in commit order and never reused: `--since` resumes after it.
    package var id: Int64
    package var time: String
    package var instanceId: String
    /// The instance's name (`CUSTOMER/INTEGRATION` or its `--name`).
    package var instance: String
    package var customer: String
    package var variable: String
    package var kind: Kind
    package var from: ConnectionStatus
    package var to: ConnectionStatus
    package var reason: String?
    /// What acted ("cli", "wizard", "run", "refresh", ...) and the OS user, as logs record them.
    package var source: String
    package var user: String
}

/// Which events a reader asked for.
package struct EventFilter: Sendable, Equatable {
    /// An instance id or name; nil for every instance in reach.
    package var instance: String?
    /// A connection config variable of `instance`.
    package var variable: String?

    package init(instance: String? = nil, variable: String? = nil) {
        self.instance = instance
        self.variable = variable
    }
}
