import Foundation

/// At most one admitted event per interval, counting those it held back (SPEC §12: forged
/// or stray callbacks are logged rate-limited). Anyone who can reach a callback port can
/// send thousands of requests a second; each must not become a database row.
package final class RateLimit: @unchecked Sendable {
    private let interval: TimeInterval
    private let lock = NSLock()
    private var last: Date?
    private var held = 0

    package init(interval: TimeInterval = 10) { self.interval = interval }

    /// nil when the event is held back; otherwise how many were held back since the last
    /// admitted one (to say so in the line).
    package func admit(now: Date = Date()) -> Int? {
        lock.withLock {
            if let last, now.timeIntervalSince(last) < interval {
                held += 1
                return nil
            }
            last = now
            defer { held = 0 }
            return held
        }
    }
}
