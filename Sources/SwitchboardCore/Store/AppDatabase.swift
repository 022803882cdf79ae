import Foundation
import GRDB

/// The one database of Switchboard: a GRDB `DatabasePool` in WAL mode so several SSH
/// sessions, `run` and a refresher can work at once (SPEC §9).
public struct AppDatabase: Sendable {
    public let writer: any DatabaseWriter
    public let path: String

    /// Opens (creating when missing, mode 0600) and migrates the database at `path`.
    public static func open(path: String) throws -> AppDatabase {
        try Paths.createPrivateDirectory(for: path)
        var config = Configuration()
        // Parallel sessions wait for each other instead of failing with "database is locked".
        config.busyMode = .timeout(15)
        config.prepareDatabase { db in
            try db.execute(sql: "PRAGMA foreign_keys = ON")
        }
        let previousMask = umask(0o077)
        defer { umask(previousMask) }
        do {
            let pool = try DatabasePool(path: path, configuration: config)
            try Migrations.migrator.migrate(pool)
            chmod(path, 0o600)
            return AppDatabase(writer: pool, path: path)
        } catch let error as DatabaseError {
            throw SwitchboardError.database("cannot open database \(path): \(error.message ?? "\(error.resultCode)")")
        }
    }

    /// A private database in a temporary directory, for tests.
    public static func temporary() throws -> AppDatabase {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("switchboard-\(UUID().uuidString)")
        return try open(path: dir.appendingPathComponent("test.sqlite").path)
    }

    /// Runs a read, turning SQLite failures into sentences.
    func read<T>(_ body: (Database) throws -> T) throws -> T {
        do { return try writer.read(body) } catch { throw Self.wrap(error) }
    }

    /// Runs a write transaction, turning SQLite failures into sentences.
    func write<T>(_ body: (Database) throws -> T) throws -> T {
        do { return try writer.write(body) } catch { throw Self.wrap(error) }
    }

    static func wrap(_ error: any Error) -> any Error {
        guard let dbError = error as? DatabaseError else { return error }
        switch dbError.resultCode {
        case .SQLITE_BUSY, .SQLITE_LOCKED:
            return SwitchboardError.database("the database stayed busy for 15 s (another session is writing); try again")
        case .SQLITE_READONLY:
            return SwitchboardError.database("the database file is read-only for this user")
        case .SQLITE_FULL:
            return SwitchboardError.database("the disk is full; nothing was saved")
        default:
            return SwitchboardError.database("database error: \(dbError.message ?? "\(dbError.resultCode)")")
        }
    }
}
