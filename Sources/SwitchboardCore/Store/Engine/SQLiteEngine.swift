import Foundation
import GRDB
import GRDBSQLite

/// The embedded engine: a GRDB `DatabasePool` in WAL mode so several SSH sessions, `run`
/// and a refresher on one host can work at once (SPEC §9). The only file besides the
/// SQLite migrations that knows GRDB.
struct SQLiteEngine: StoreEngine {
    let writer: any DatabaseWriter
    let path: String

    var dialect: SQLDialect { .sqlite }
    var location: String { path }
    var clockOffset: TimeInterval { 0 }

    /// Opens (creating when missing, mode 0600) and migrates the database at `path`.
    /// `readOnly` serves listing commands: one read-only connection, no write at open (a
    /// pool writes to recreate the WAL file, which costs an fsync on every start).
    /// A read-only open of a missing file creates nothing and fails with `notFound`.
    static func open(path: String, readOnly: Bool = false) throws -> SQLiteEngine {
        if readOnly {
            guard FileManager.default.fileExists(atPath: path) else { throw AppDatabase.missing(path) }
            var config = configuration()
            config.readonly = true
            do {
                let queue = try DatabaseQueue(path: path, configuration: config)
                if try queue.read({ try hasCompletedMigrations($0) }) {
                    return SQLiteEngine(writer: queue, path: path)
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
            let migrator = SQLiteMigrations.migrator
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
            return SQLiteEngine(writer: pool, path: path)
        } catch let error as DatabaseError {
            throw SwitchboardError.database("cannot open database \(path): \(error.message ?? "\(error.resultCode)")")
        }
    }

    /// The file, read-only and unchanged, when it is a store at the current version.
    static func openExisting(path: String) throws -> SQLiteEngine {
        var config = configuration()
        config.readonly = true
        do {
            let queue = try DatabaseQueue(path: path, configuration: config)
            guard try queue.read({ try hasCompletedMigrations($0) }) else {
                throw isStore(path: path) ? AppDatabase.outdated(path) : SwitchboardError.invalidValue("\(path) is not a Switchboard store")
            }
            return SQLiteEngine(writer: queue, path: path)
        } catch let error as DatabaseError {
            throw SwitchboardError.database("cannot open database \(path): \(error.message ?? "\(error.resultCode)")")
        }
    }

    /// Whether the file holds a Switchboard store (of any version): its migrations table.
    static func isStore(path: String) -> Bool {
        var config = configuration()
        config.readonly = true
        return (try? DatabaseQueue(path: path, configuration: config).read { try $0.tableExists("grdb_migrations") }) ?? false
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
        return SQLiteMigrations.migrator.migrations.allSatisfy(applied.contains)
    }

    /// The names of the applied migrations, oldest first (the engines' parity test).
    func appliedMigrations() throws -> [String] {
        try read { db in try db.values(String.self, "SELECT identifier FROM grdb_migrations ORDER BY rowid") }
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

    func read<T>(_ body: (any SQLConnection) throws -> T) throws -> T {
        do { return try writer.read { db in try body(SQLiteConnection(db)) } } catch { throw Self.wrap(error) }
    }

    func write<T>(_ body: (any SQLConnection) throws -> T) throws -> T {
        do { return try writer.write { db in try body(SQLiteConnection(db)) } } catch { throw Self.wrap(error) }
    }

    func changeSignal() throws -> any StoreChangeSignal {
        do { return try SQLiteChangeSignal(path: path) } catch { throw Self.wrap(error) }
    }

    static func wrap(_ error: any Error) -> any Error {
        guard let dbError = error as? DatabaseError else { return error }
        switch dbError.resultCode {
        case .SQLITE_BUSY, .SQLITE_LOCKED:
            return SwitchboardError.database(StoreFailure.busy)
        case .SQLITE_READONLY:
            return SwitchboardError.database("the database file is read-only for this user")
        case .SQLITE_FULL:
            return SwitchboardError.database("the disk is full; nothing was saved")
        default:
            return SwitchboardError.database("database error: \(dbError.message ?? "\(dbError.resultCode)")")
        }
    }
}

/// The sentences both engines give for the same failure.
enum StoreFailure {
    static let busy = "the database stayed busy for 15 s (another session is writing); try again"
}

/// A GRDB connection inside one of its transactions. Every statement is GRDB's cached
/// statement: compiled once per connection (sqlite3_prepare was 30% of a refresh's
/// instructions before statements were cached, callgrind).
final class SQLiteConnection: SQLConnection {
    let db: Database
    var dialect: SQLDialect { .sqlite }

    init(_ db: Database) { self.db = db }

    func execute(_ sql: String, _ arguments: SQLArguments) throws -> Int {
        let statement = try db.cachedStatement(sql: sql)
        try statement.execute(arguments: Self.arguments(arguments))
        return db.changesCount
    }

    /// Rows read straight from the stepped statement (`SteppedRow`): GRDB's `Row` pairs
    /// each value with its column name, read again for every row (perf, `status --json`
    /// on 30,000 connections: column names and their retains were a quarter of it), and a
    /// row of `SQLValue`s copied each text twice.
    func forEachRow(_ sql: String, _ arguments: SQLArguments, _ body: (SQLRow) throws -> Void) throws {
        let statement = try db.cachedStatement(sql: sql)
        let columns = Self.columns(of: statement, sql: sql)
        let cursor = try Row.fetchCursor(statement, arguments: Self.arguments(arguments))
        let row = SQLRow(source: SteppedRow(statement.sqliteStatement, count: statement.columnCount), columns: columns)
        while try cursor.next() != nil {
            try body(row)
        }
    }

    /// Column lookups by statement text, shared by every connection: making one hashes
    /// each column name, and a refresh reads a row or two from each of the same statements
    /// (callgrind over 300 refreshes: reading a connection's and an instance's row cost
    /// 67,000 instructions each, most of it this). One is reused only while its statement
    /// returns the same names, so a schema change or a store of another version makes its
    /// own; long texts (built with many placeholders) are not kept.
    private static let columnMemo = BoundedMemo<SQLColumns>(capacity: 512, maxKeyLength: 2048)

    static func columns(of statement: Statement, sql: String) -> SQLColumns {
        let names = statement.columnNames
        return columnMemo.value(for: sql, isCurrent: { $0.names == names }) { SQLColumns(names) }
    }

    func savepoint<T>(_ body: () throws -> T) throws -> T {
        var result: T?
        try db.inSavepoint {
            result = try body()
            return .commit
        }
        return result!
    }

    /// GRDB's arguments of a statement. Handed over as optional existentials: GRDB's
    /// initializer for a sequence of concrete values maps it with a key path, generic code
    /// the compiler cannot specialize across the module boundary (callgrind: 12,500
    /// instructions a statement, a tenth of a refresh's store writes).
    static func arguments(_ values: SQLArguments) -> StatementArguments {
        var converted: [(any DatabaseValueConvertible)?] = []
        converted.reserveCapacity(values.count)
        for value in values {
            switch value.sqlValue {
            case .null: converted.append(nil)
            case .integer(let number): converted.append(number)
            case .real(let number): converted.append(number)
            case .text(let text): converted.append(text)
            case .blob(let data): converted.append(data)
            case .bool(let flag): converted.append(flag ? 1 : 0)
            }
        }
        return StatementArguments(converted)
    }

    static func value(_ value: DatabaseValue) -> SQLValue {
        switch value.storage {
        case .null: .null
        case .int64(let number): .integer(number)
        case .double(let number): .real(number)
        case .string(let text): .text(text)
        case .blob(let data): .blob(data)
        }
    }
}

/// The row a statement stands on, read column by column with SQLite's own accessors, as
/// GRDB's `DatabaseValue(sqliteStatement:index:)` reads them (text up to its first NUL).
final class SteppedRow: SQLRowSource {
    private let statement: SQLiteStatement
    let count: Int

    init(_ statement: SQLiteStatement, count: Int) {
        self.statement = statement
        self.count = count
    }

    func value(at index: Int) -> SQLValue {
        SQLiteConnection.value(DatabaseValue(sqliteStatement: statement, index: CInt(index)))
    }

    func text(at index: Int) -> String? {
        guard sqlite3_column_type(statement, CInt(index)) == SQLITE_TEXT else { return nil }
        return String(cString: sqlite3_column_text(statement, CInt(index)))
    }

    func integer(at index: Int) -> Int64? {
        guard sqlite3_column_type(statement, CInt(index)) == SQLITE_INTEGER else { return nil }
        return sqlite3_column_int64(statement, CInt(index))
    }

    func isNull(at index: Int) -> Bool {
        sqlite3_column_type(statement, CInt(index)) == SQLITE_NULL
    }
}

/// SQLite's `PRAGMA data_version` on a read-only connection of its own: it changes when
/// another connection commits, and this one never writes.
final class SQLiteChangeSignal: StoreChangeSignal {
    private let connection: DatabaseQueue

    init(path: String) throws {
        var config = SQLiteEngine.configuration()
        config.readonly = true
        connection = try DatabaseQueue(path: path, configuration: config)
    }

    func version() -> Int? {
        (try? connection.read { try Int.fetchOne($0, sql: "PRAGMA data_version") }) ?? nil
    }
}
