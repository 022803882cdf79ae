import Foundation

/// The clock a `Store` records times with (log lines, updates, executions).
package struct StoreClock: Sendable {
    package let now: @Sendable () -> Date
    /// The system clock, which a store on a shared server corrects to the server's.
    package let isSystem: Bool

    package init(now: @escaping @Sendable () -> Date) {
        self.now = now
        isSystem = false
    }

    private init(system now: @escaping @Sendable () -> Date) {
        self.now = now
        isSystem = true
    }

    package static let system = StoreClock(system: { Date() })

    /// A host's own clock, corrected like the system's on a shared server: the system
    /// clock, or in tests one that runs ahead or behind.
    package static func host(_ now: @escaping @Sendable () -> Date) -> StoreClock { StoreClock(system: now) }

    /// This host's clock moved by how far it is from the engine's server (zero for an
    /// embedded engine): every time a store on PostgreSQL records or compares (leases,
    /// expiries, retry times, pending authorizations, log lines) is the server's, so hosts
    /// whose clocks differ still agree on what has expired.
    func serverCorrected(_ engine: any StoreEngine) -> StoreClock {
        let host = now
        return StoreClock(now: { host().addingTimeInterval(engine.clockOffset) })
    }
}
