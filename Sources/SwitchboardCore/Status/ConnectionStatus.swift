/// The badge of a connection (SPEC §4).
package enum ConnectionStatus: String, Codable, Sendable, CaseIterable {
    case unconfigured, configured, ok, error

    /// The colour word themes map to a real colour; the badge also prints `rawValue`.
    package var colorName: String {
        switch self {
        case .unconfigured: "grey"
        case .configured: "yellow"
        case .ok: "green"
        case .error: "red"
        }
    }
}

/// What last happened to a connection since its values last changed.
package enum ConnectionOutcome: String, Codable, Sendable {
    case none, ok, error
}

package enum StatusRule {
    /// The one function that turns stored facts into a badge.
    /// - complete: every required field set and valid, and tokens present when the type needs them.
    /// - outcome: the last execution/test/refresh result since the values last changed.
    package static func status(complete: Bool, outcome: ConnectionOutcome) -> ConnectionStatus {
        switch (complete, outcome) {
        case (_, .error): .error
        case (false, _): .unconfigured
        case (true, .ok): .ok
        case (true, .none): .configured
        }
    }
}
