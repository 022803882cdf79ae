import Foundation
import Synchronization

/// Tells whether anything was committed to the store since a read, by any process (on
/// SQLite: `PRAGMA data_version`; on PostgreSQL: a counter of NOTIFY messages). Lets a
/// screen that re-reads a long list now and then skip the read when nothing changed, at
/// the cost of one cheap check.
///
/// Take `version()` before a read and pass it to `markRead(_:)` once the read succeeded.
package final class DatabaseChangeMonitor: Sendable {
    private let signal: any StoreChangeSignal
    /// The version each reader last marked read: the whole list (key "") and narrower
    /// reads (a log pane, one instance's badges) each tell their own "changed since".
    private let lastRead = Mutex<[String: Int]>([:])

    init(signal: any StoreChangeSignal) {
        self.signal = signal
    }

    /// The current version, or nil when it cannot be read.
    package func version() -> Int? { signal.version() }

    /// Returns when something may have been committed, or after `timeout` at the latest
    /// (at once on PostgreSQL's NOTIFY; SQLite announces nothing, so there it is the
    /// timeout: polling).
    package func waitForCommit(upTo timeout: Duration) async {
        await signal.waitForCommit(upTo: timeout)
    }

    package func markRead(_ version: Int?, key: String = "") {
        lastRead.withLock { $0[key] = version }
    }

    /// False only when the version is readable and equals the one reader `key` last
    /// marked read.
    package func hasChanged(key: String = "") -> Bool {
        guard let current = version() else { return true }
        return lastRead.withLock { $0[key] } != current
    }
}

extension Store {
    /// A monitor of commits to this store (see `DatabaseChangeMonitor`).
    package func changeMonitor() throws -> DatabaseChangeMonitor {
        DatabaseChangeMonitor(signal: try database.engine.changeSignal())
    }
}
