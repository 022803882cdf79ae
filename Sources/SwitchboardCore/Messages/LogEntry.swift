package enum LogLevel: String, Codable, Sendable, CaseIterable {
    case info, warning, error
}

/// One line of a connection's log (SPEC §5).
package struct LogEntry: Codable, Sendable, Equatable {
    package var id: Int64
    package var time: String
    package var instance: String
    package var variable: String?
    package var level: LogLevel
    package var source: String
    package var user: String
    package var message: String
}
