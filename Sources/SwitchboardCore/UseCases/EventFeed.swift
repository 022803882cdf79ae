import Foundation

/// `switchboard events`: the events stored after an id, oldest first, and, when following,
/// each new one as soon as any process commits it. Waiting asks SQLite whether anything
/// was committed since the last read (`DatabaseChangeMonitor`, one pragma) and reads new
/// rows by id only then, so a quiet database costs a pragma per interval.
package struct EventFeed: Sendable {
    package let store: Store
    package let filter: EventFilter
    /// How often a follower asks whether anything was committed.
    package var pollInterval: Duration

    /// Rows per read while catching up.
    static let batch = 500

    package init(store: Store, filter: EventFilter = EventFilter(), pollInterval: Duration = .milliseconds(200)) {
        self.store = store
        self.filter = filter
        self.pollInterval = pollInterval
    }

    /// Delivers every event after `after` in id order and returns the last id delivered;
    /// without `follow` once what is stored is delivered, with it never (it ends by
    /// cancellation). Bad input (an unknown instance) fails before anything is delivered.
    @discardableResult
    package func run(after: Int64, follow: Bool, deliver: (ConnectionEvent) throws -> Void) async throws -> Int64 {
        var last = after
        // Opened before the first read: a commit made while it runs is then seen as a change.
        let monitor = follow ? try store.changeMonitor() : nil
        while true {
            let version = monitor?.version()
            var page: [ConnectionEvent]
            repeat {
                page = try store.events(after: last, filter, limit: Self.batch)
                for event in page {
                    try deliver(event)
                    last = event.id
                }
            } while page.count == Self.batch
            guard let monitor else { return last }
            monitor.markRead(version)
            // At least one interval between reads, even when the version cannot be read
            // (then every check says "changed").
            repeat {
                await monitor.waitForCommit(upTo: pollInterval)
                try Task.checkCancellation()
            } while !monitor.hasChanged()
        }
    }
}
