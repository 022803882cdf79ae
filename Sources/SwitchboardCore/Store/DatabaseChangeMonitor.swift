import Foundation
import GRDB
import Synchronization

/// Tells whether anything was committed to the database since a read, by any process:
/// SQLite's `PRAGMA data_version` on a connection of its own (it changes when another
/// connection commits, and this one never writes). Lets a screen that re-reads a long list
/// now and then skip the read when nothing changed, at the cost of one pragma.
///
/// Take `version()` before a read and pass it to `markRead(_:)` once the read succeeded.
package final class DatabaseChangeMonitor: Sendable {
    private let connection: DatabaseQueue
    /// The version each reader last marked read: the whole list (key "") and narrower
    /// reads (a log pane, one instance's badges) each tell their own "changed since".
    private let lastRead = Mutex<[String: Int]>([:])

    init(path: String) throws {
        var config = AppDatabase.configuration()
        config.readonly = true
        connection = try DatabaseQueue(path: path, configuration: config)
    }

    /// The current version, or nil when it cannot be read.
    package func version() -> Int? {
        (try? connection.read { try Int.fetchOne($0, sql: "PRAGMA data_version") }) ?? nil
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
    /// A monitor of commits to this store's database (see `DatabaseChangeMonitor`).
    package func changeMonitor() throws -> DatabaseChangeMonitor {
        do { return try DatabaseChangeMonitor(path: database.path) } catch { throw AppDatabase.wrap(error) }
    }
}
