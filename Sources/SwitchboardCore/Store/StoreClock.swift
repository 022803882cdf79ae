import Foundation

/// The clock a `Store` records times with (log lines, updates, executions).
public struct StoreClock: Sendable {
    public let now: @Sendable () -> Date

    public init(now: @escaping @Sendable () -> Date) {
        self.now = now
    }

    public static let system = StoreClock { Date() }
}
