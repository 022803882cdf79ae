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
        do {
            return try writer.writeWithoutTransaction { db in try Self.inTransaction(db) { try body(SQLiteConnection(db, inTransaction: true)) } }
        } catch { throw Self.wrap(error) }
    }

    /// GRDB's `write` transaction with its BEGIN and COMMIT kept compiled: `inTransaction`
    /// compiles both anew each time (callgrind, 300 refreshes: 26,000 instructions a
    /// transaction, 4% of a refresh). What it does besides is kept: the same BEGIN (deferred
    /// on a read-only connection, where SQLite refuses an immediate one), no statement run
    /// once SQLite has rolled the transaction back by itself (`SQLiteConnection`'s guard,
    /// for GRDB's `checkForAbortedTransaction`, which only guards its own blocks), the same
    /// check before COMMIT, and a rollback after any error, throwing the first error.
    static func inTransaction<T>(_ db: Database, _ body: () throws -> T) throws -> T {
        try db.cachedStatement(sql: db.configuration.readonly ? "BEGIN DEFERRED TRANSACTION" : "BEGIN IMMEDIATE TRANSACTION").execute()
        do {
            let result = try body()
            try SQLiteConnection.checkNotAborted(db)
            try db.cachedStatement(sql: "COMMIT TRANSACTION").execute()
            return result
        } catch {
            if !db.isInsideTransaction { throw error }
            try? db.rollback()
            throw error
        }
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
    /// Inside `SQLiteEngine.inTransaction`: statements check that SQLite has not rolled the
    /// transaction back by itself (a full disk), which would run the rest in autocommit.
    let inTransaction: Bool
    var dialect: SQLDialect { .sqlite }

    init(_ db: Database, inTransaction: Bool = false) {
        self.db = db
        self.inTransaction = inTransaction
    }

    /// GRDB's SQLITE_ABORT "Transaction was aborted" when the transaction has ended early.
    static func checkNotAborted(_ db: Database) throws {
        guard sqlite3_get_autocommit(db.sqliteConnection) != 0 else { return }
        throw DatabaseError(resultCode: .SQLITE_ABORT, message: "Transaction was aborted")
    }

    func execute(_ sql: String, _ arguments: SQLArguments) throws -> Int {
        if inTransaction { try Self.checkNotAborted(db) }
        let statement = try db.cachedStatement(sql: sql)
        try Self.bind(arguments, to: statement)
        try statement.execute()
        return db.changesCount
    }

    /// Rows read straight from the stepped statement (`SteppedRow`): GRDB's `Row` pairs
    /// each value with its column name, read again for every row (perf, `status --json`
    /// on 30,000 connections: column names and their retains were a quarter of it), and a
    /// row of `SQLValue`s copied each text twice.
    func forEachRow(_ sql: String, _ arguments: SQLArguments, _ body: (SQLRow) throws -> Void) throws {
        if inTransaction { try Self.checkNotAborted(db) }
        let statement = try db.cachedStatement(sql: sql)
        let columns = Self.columns(of: statement)
        try Self.bind(arguments, to: statement)
        let cursor = StepCursor(statement)
        let row = SQLRow(source: SteppedRow(statement.sqliteStatement, count: statement.columnCount), columns: columns)
        while try cursor.next() != nil {
            try body(row)
        }
    }

    /// Column lookups by statement, reused while the statement returns the same names:
    /// making one hashes each column name, and a refresh reads a row or two from each of
    /// the same statements (callgrind over 300 refreshes: reading a connection's and an
    /// instance's row cost 67,000 instructions each, most of it this). Keyed by the
    /// statement object (GRDB keeps each connection's statements), not by its text, whose
    /// hash cost as much again for a long query; a new statement at a freed one's address
    /// gets the same lookup only when its names are the same, and then it is the same.
    private static let columnMemo = BoundedMemo<ObjectIdentifier, SQLColumns>(capacity: 512)

    static func columns(of statement: Statement) -> SQLColumns {
        let names = statement.columnNames
        return columnMemo.value(for: ObjectIdentifier(statement), isCurrent: { $0.names == names }) { SQLColumns(names) }
    }

    /// A savepoint through the connection's cached statements: GRDB's `inSavepoint`
    /// compiles its statements anew each time (callgrind: 33,000 instructions, a third of
    /// storing a refresh's bookkeeping). Always inside a transaction here (every
    /// `SQLConnection` is), where `inSavepoint` does the same: when the body or the
    /// release fails, roll back to the savepoint, release it and throw the first error.
    /// When SQLite has rolled back the whole transaction (a full disk), the rollback fails
    /// and the commit reports it.
    func savepoint<T>(_ body: () throws -> T) throws -> T {
        _ = try execute("SAVEPOINT \"switchboard\"", [])
        do {
            let result = try body()
            _ = try execute("RELEASE SAVEPOINT \"switchboard\"", [])
            return result
        } catch {
            do {
                _ = try execute("ROLLBACK TRANSACTION TO SAVEPOINT \"switchboard\"", [])
                _ = try execute("RELEASE SAVEPOINT \"switchboard\"", [])
            } catch {}
            throw error
        }
    }

    /// Binds `values` to the statement's `?` parameters with GRDB's own binders (the same
    /// text, blob and number semantics as `StatementArguments`), after resetting it and
    /// clearing the previous bindings; GRDB then executes it without binding anything.
    /// `StatementArguments` boxed each value as an existential, checked them against the
    /// statement and bound them again (callgrind over 300 refreshes: 13,800 instructions
    /// a statement, about a tenth of a refresh's store work).
    static func bind(_ values: SQLArguments, to statement: Statement) throws {
        let handle = statement.sqliteStatement
        let expected = Int(sqlite3_bind_parameter_count(handle))
        guard values.count == expected else {
            throw DatabaseError(resultCode: .SQLITE_MISUSE, message: "wrong number of statement arguments: \(values.count), expected \(expected)",
                                sql: statement.sql)
        }
        // Resets the statement and clears its bindings; with no arguments, binds nothing.
        statement.setUncheckedArguments([])
        for (offset, value) in values.enumerated() {
            let index = CInt(offset + 1)
            let code: CInt
            switch value.sqlValue {
            case .null: code = sqlite3_bind_null(handle, index)
            case .integer(let number): code = number.bind(to: handle, at: index)
            case .real(let number): code = number.bind(to: handle, at: index)
            case .text(let text): code = bindText(text, to: handle, at: index)
            case .blob(let data): code = data.bind(to: handle, at: index)
            case .bool(let flag): code = flag.bind(to: handle, at: index)
            }
            guard code == SQLITE_OK else {
                throw DatabaseError(resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(sqlite3_db_handle(handle))),
                                    sql: statement.sql)
            }
        }
    }

    /// Binds text as GRDB's `String.bind` does (`sqlite3_bind_text` of length -1: the text
    /// up to its first NUL, copied by SQLite), from the string's own UTF-8: passing the
    /// String as a C string made a NUL-terminated copy of it first, one allocation per
    /// argument (callgrind, 2,000 refreshes: 1,200 instructions a text argument, 13 of them
    /// a refresh). An empty text binds an empty text, never NULL.
    static func bindText(_ text: String, to handle: SQLiteStatement, at index: CInt) -> CInt {
        var text = text
        return text.withUTF8 { bytes in
            let length = bytes.firstIndex(of: 0) ?? bytes.count
            guard length > 0, let start = bytes.baseAddress else { return sqlite3_bind_text(handle, index, "", 0, transient) }
            // The 64-bit length: SQLite itself refuses a text over its limit, with its message.
            return start.withMemoryRebound(to: CChar.self, capacity: length) {
                sqlite3_bind_text64(handle, index, $0, sqlite3_uint64(length), transient, UInt8(SQLITE_UTF8))
            }
        }
    }

    /// SQLite's SQLITE_TRANSIENT (copy the value before the call returns), which the C
    /// header defines as a cast Swift does not import.
    private static let transient = unsafeBitCast(OpaquePointer(bitPattern: -1), to: sqlite3_destructor_type.self)

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

/// Steps a statement `SQLiteConnection.bind` has reset and bound, for `forEachRow`, whose
/// rows are read from the statement itself (`SteppedRow`). GRDB's `RowCursor` made a `Row`
/// for each run, with a dictionary of the lowercased column names (callgrind: 16,000
/// instructions a statement, as much as SQLite's own work for a refresh's reads).
/// `DatabaseCursor` steps it as GRDB's cursors do (its execution hooks included).
private final class StepCursor: DatabaseCursor {
    typealias Element = Void
    let _statement: Statement
    var _isDone = false

    init(_ statement: Statement) { _statement = statement }

    // As GRDB's cursors: reset when done, so no read stays open; an error here repeats
    // the step's, which was thrown already.
    deinit { sqlite3_reset(_statement.sqliteStatement) }

    func _element(sqliteStatement: SQLiteStatement) {}
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
