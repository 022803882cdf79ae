/// The badge of a connection (SPEC §4).
public enum ConnectionStatus: String, Codable, Sendable, CaseIterable {
    case unconfigured, configured, ok, error

    /// The colour word themes map to a real colour; the badge also prints `rawValue`.
    public var colorName: String {
        switch self {
        case .unconfigured: "grey"
        case .configured: "yellow"
        case .ok: "green"
        case .error: "red"
        }
    }
}

/// What last happened to a connection since its values last changed.
public enum ConnectionOutcome: String, Codable, Sendable {
    case none, ok, error
}

public enum StatusRule {
    /// The one function that turns stored facts into a badge.
    /// - complete: every required field set and valid, and tokens present when the type needs them.
    /// - outcome: the last execution/test/refresh result since the values last changed.
    public static func status(complete: Bool, outcome: ConnectionOutcome) -> ConnectionStatus {
        switch (complete, outcome) {
        case (_, .error): .error
        case (false, _): .unconfigured
        case (true, .ok): .ok
        case (true, .none): .configured
        }
    }
}
