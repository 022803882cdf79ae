public enum LogLevel: String, Codable, Sendable, CaseIterable {
    case info, warning, error
}

/// One line of a connection's log (SPEC §5).
public struct LogEntry: Codable, Sendable, Equatable {
    public var id: Int64
    public var time: String
    public var instance: String
    public var variable: String?
    public var level: LogLevel
    public var source: String
    public var user: String
    public var message: String
}
