import Foundation

/// The clock a `Store` records times with (log lines, updates, executions).
package struct StoreClock: Sendable {
    package let now: @Sendable () -> Date

    package init(now: @escaping @Sendable () -> Date) {
        self.now = now
    }

    package static let system = StoreClock { Date() }
}
