import Foundation
import GRDB

/// The one database of Switchboard: a GRDB `DatabasePool` in WAL mode so several SSH
/// sessions, `run` and a refresher can work at once (SPEC §9).
///
/// Roles as GRDB's documentation names them: this is its `AppDatabase` (opening, the
/// migrator, the connection configuration); `Store` holds the intent-named reads and
/// writes that GRDB's sample puts on `AppDatabase` itself, split out because they also
/// carry the actor (role, user, source) and the secret box every operation needs.
package struct AppDatabase: Sendable {
    package let writer: any DatabaseWriter
    package let path: String

    /// Opens (creating when missing, mode 0600) and migrates the database at `path`.
    /// `readOnly` serves listing commands: one read-only connection, no write at open (a
    /// pool writes to recreate the WAL file, which costs an fsync on every start).
    /// A read-only open of a missing file creates nothing and fails with `notFound`.
    package static func open(path: String, readOnly: Bool = false) throws -> AppDatabase {
        if readOnly {
            guard FileManager.default.fileExists(atPath: path) else { throw missing(path) }
            var config = configuration()
            config.readonly = true
            do {
                let queue = try DatabaseQueue(path: path, configuration: config)
                if try queue.read({ try hasCompletedMigrations($0) }) {
                    return AppDatabase(writer: queue, path: path)
                }
            } catch let error as DatabaseError {
                throw SwitchboardError.database("cannot open database \(path): \(error.message ?? "\(error.resultCode)")")
            }
        }
        try Paths.createPrivateDirectory(for: path)
        let config = configuration()
        let previousMask = umask(0o077)
        defer { umask(previousMask) }
        do {
            let pool = try openPool(path: path, configuration: config)
            let migrator = Migrations.migrator
            // Checking first keeps read-only commands off the write lock on every start.
            if try !pool.read({ try migrator.hasCompletedMigrations($0) }) {
                // GRDB reads the applied migrations outside a transaction, so when several
                // processes create a new database at once the losers fail with "table ...
                // already exists". The winner's work is then done: check again, retry.
                var attempts = 0
                while true {
                    do {
                        try migrator.migrate(pool)
                        break
                    } catch is DatabaseError where attempts < 5 {
                        attempts += 1
                        if try pool.read({ try migrator.hasCompletedMigrations($0) }) { break }
                    }
                }
            }
            chmod(path, 0o600)
            return AppDatabase(writer: pool, path: path)
        } catch let error as DatabaseError {
            throw SwitchboardError.database("cannot open database \(path): \(error.message ?? "\(error.resultCode)")")
        }
    }

    /// GRDB's `hasCompletedMigrations` (every registered migration applied) over rows.
    /// GRDB reads the identifiers with `fetchSet`, whose generic cursor the Swift runtime
    /// instantiates on first use by checking it against every protocol conformance in the
    /// binary: 0.64 M instructions, 5% of a `logs` call (callgrind); rows are read anyway.
    static func hasCompletedMigrations(_ db: Database) throws -> Bool {
        let applied: [String]
        do {
            applied = try Row.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations").map { try $0.decode(atIndex: 0) }
        } catch {
            // As GRDB: a database without the table has no migration applied yet.
            if (try? !db.tableExists("grdb_migrations")) ?? false { return false }
            throw error
        }
        return Migrations.migrator.migrations.allSatisfy(applied.contains)
    }

    package static func missing(_ path: String) -> SwitchboardError {
        .notFound("no database at \(path) yet, so nothing is stored: import definitions first (switchboard import FILE), or choose another with --db or $SWITCHBOARD_DB")
    }

    /// Opening a pool switches the file to WAL. When several processes open a new file at
    /// once, SQLite answers the losers of that switch "database is locked" at once, without
    /// waiting through the busy timeout; they retry until the winner is done (15 s at most,
    /// the same as the busy timeout).
    static func openPool(path: String, configuration: Configuration) throws -> DatabasePool {
        let deadline = ContinuousClock.now + .seconds(15)
        while true {
            do {
                return try DatabasePool(path: path, configuration: configuration)
            } catch let error as DatabaseError where [.SQLITE_BUSY, .SQLITE_LOCKED].contains(error.resultCode) && ContinuousClock.now < deadline {
                usleep(UInt32.random(in: 1_000...10_000))
            }
        }
    }

    static func configuration() -> Configuration {
        var config = Configuration()
        // Parallel sessions wait for each other instead of failing with "database is locked".
        config.busyMode = .timeout(15)
        config.foreignKeysEnabled = true
        return config
    }

    /// A private database in a temporary directory, for tests.
    package static func temporary() throws -> AppDatabase {
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
