import Foundation
import GRDB
import Synchronization

/// Tells whether anything was committed to the database since the last ask, by any
/// process: SQLite's `PRAGMA data_version` read on a connection of its own (it changes
/// when another connection commits). Lets a screen that re-reads a long list now and then
/// skip the read when nothing changed, at the cost of one pragma.
public final class DatabaseChangeMonitor: Sendable {
    private let connection: DatabaseQueue
    private let lastVersion = Mutex<Int?>(nil)

    init(path: String) throws {
        var config = AppDatabase.configuration()
        config.readonly = true
        connection = try DatabaseQueue(path: path, configuration: config)
    }

    /// True the first time, and whenever a commit happened since the previous call; also
    /// true when the version cannot be read, so a caller never misses a change.
    public func hasChanged() -> Bool {
        guard let version = try? connection.read({ try Int.fetchOne($0, sql: "PRAGMA data_version") }) ?? nil else { return true }
        return lastVersion.withLock { last in
            defer { last = version }
            return last != version
        }
    }
}

extension Store {
    /// A monitor of commits to this store's database (see `DatabaseChangeMonitor`).
    public func changeMonitor() throws -> DatabaseChangeMonitor {
        do { return try DatabaseChangeMonitor(path: database.path) } catch { throw AppDatabase.wrap(error) }
    }
}
