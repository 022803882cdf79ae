import Foundation
import Logging
import NIOCore
import NIOPosix
import NIOSSL
import PostgresNIO
import Synchronization

/// The engine for a team on several hosts: PostgreSQL through postgres-nio, run
/// synchronously (the store's callers are plain threads; each call waits for its
/// future on the engine's own event loop, never on a caller's).
///
/// Writers are serialised by one transaction-scoped advisory lock, as SQLite serialises
/// them with its write lock: every read-modify-write of the store (revision checks,
/// leases, single-use authorizations) keeps the meaning it has on SQLite, on any number of
/// hosts, without each statement having to be written for concurrent writers. Store
/// writes never wait on the network inside a transaction, so the lock is held for
/// milliseconds. Reads run in REPEATABLE READ snapshots and never wait for writers.
final class PostgresEngine: StoreEngine, @unchecked Sendable {
    // @unchecked: `connection` is only touched with `lock` held.
    let target: PostgresLocation
    private let loop = PostgresEventLoop()
    private var group: MultiThreadedEventLoopGroup { loop.group }
    private let lock = NSLock()
    private var connection: PostgresConnection?
    /// `numbered` translations by statement text (pure text: they outlive a reconnect).
    private var statements: [String: (text: String, placeholders: Int)] = [:]
    private let offset = Mutex<TimeInterval>(0)

    var clockOffset: TimeInterval { offset.withLock { $0 } }
    static let logger = Logger(label: "switchboard.postgres", factory: { _ in SwiftLogNoOpLogHandler() })

    /// The advisory lock every write transaction takes (and migrations take for the session).
    static let writeLockKey: Int64 = 0x5357_4254_4452_0001
    static let migrationLockKey: Int64 = 0x5357_4254_4452_0002
    /// The channel every write transaction notifies on commit (`StoreChangeSignal`).
    static let changeChannel = "switchboard_changes"

    var dialect: SQLDialect { .postgres }
    var location: String { target.redacted }

    private init(target: PostgresLocation) {
        self.target = target
    }

    deinit {
        try? connection?.close().wait()
    }

    /// Connects and brings the schema up to date (once, even when several hosts start
    /// together: the migrations run under a session advisory lock).
    /// With `migrate: false` the schema must already be current (`db copy`'s source).
    static func open(url: String, migrate: Bool = true) throws -> PostgresEngine {
        let engine = PostgresEngine(target: try PostgresLocation(url))
        try engine.withConnection { connection in
            if migrate {
                try PostgresMigrations.migrate(connection, engine: engine)
            } else if try !PostgresMigrations.isCurrent(connection) {
                throw AppDatabase.outdated(engine.location)
            }
        }
        return engine
    }

    // MARK: Transactions

    func read<T>(_ body: (any SQLConnection) throws -> T) throws -> T {
        try transaction(begin: "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", lockKey: nil, notify: false, body)
    }

    func write<T>(_ body: (any SQLConnection) throws -> T) throws -> T {
        try transaction(begin: "BEGIN ISOLATION LEVEL READ COMMITTED", lockKey: Self.writeLockKey, notify: true, body)
    }

    private func transaction<T>(begin: String, lockKey: Int64?, notify: Bool, _ body: (any SQLConnection) throws -> T) throws -> T {
        try withConnection { connection in
            let session = PostgresSession(connection: connection, engine: self)
            try session.run(begin)
            do {
                if let lockKey { try session.run("SELECT pg_advisory_xact_lock(\(lockKey))") }
                let result = try body(session)
                if notify { try session.run("NOTIFY \(Self.changeChannel)") }
                // PostgreSQL answers COMMIT of a transaction an earlier statement aborted with
                // ROLLBACK, not an error: that must not pass for saved.
                guard try session.run("COMMIT") == "COMMIT" else {
                    throw SwitchboardError.database("database error: a statement of this change failed, so PostgreSQL rolled it back; nothing was saved")
                }
                return result
            } catch {
                if !connection.isClosed { _ = try? session.run("ROLLBACK") }
                throw error
            }
        }
    }

    /// Runs `body` with the engine's connection (opened on first use, opened again after
    /// it was lost), one caller at a time. Failures arrive as sentences.
    func withConnection<T>(_ body: (PostgresConnection) throws -> T) throws -> T {
        lock.lock()
        defer { lock.unlock() }
        do {
            if connection == nil || connection?.isClosed == true {
                connection = try Self.connect(target, on: group.next())
                offset.withLock { $0 = (try? Self.measureOffset(connection!)) ?? $0 }
            }
            return try body(connection!)
        } catch {
            throw Self.wrap(error, target: target)
        }
    }

    /// The server's clock minus this host's, against the middle of the round trip.
    /// clock_timestamp(), not now(): the time of the statement, not of a transaction.
    static func measureOffset(_ connection: PostgresConnection) throws -> TimeInterval {
        let sent = Date()
        let result = try answer(connection.query("SELECT EXTRACT(EPOCH FROM clock_timestamp())::float8", logger: logger), on: connection, deadline: .seconds(10))
        let received = Date()
        guard let server = try result.rows.first?.decode(Double.self) else { return 0 }
        return server - (sent.timeIntervalSince1970 + received.timeIntervalSince1970) / 2
    }

    /// `?` placeholders numbered as PostgreSQL wants them ($1, $2, ...), outside quotes;
    /// remembered per statement text (callers are locked out meanwhile).
    func numbered(_ sql: String) -> (text: String, placeholders: Int) {
        if let known = statements[sql] { return known }
        var out = ""
        out.reserveCapacity(sql.utf8.count + 8)
        var quote: Character?
        var index = 0
        for character in sql {
            if let open = quote {
                if character == open { quote = nil }
                out.append(character)
            } else if character == "'" || character == "\"" {
                quote = character
                out.append(character)
            } else if character == "?" {
                index += 1
                out += "$\(index)"
            } else {
                out.append(character)
            }
        }
        statements[sql] = (out, index)
        return (out, index)
    }

    static func connect(_ target: PostgresLocation, on eventLoop: any EventLoop) throws -> PostgresConnection {
        var configuration: PostgresConnection.Configuration
        if let socket = target.socketDirectory {
            configuration = .init(unixSocketPath: "\(socket)/.s.PGSQL.\(target.port)", username: target.user,
                                  password: target.password, database: target.database)
        } else {
            configuration = .init(host: target.host, port: target.port, username: target.user, password: target.password,
                                  database: target.database, tls: try tls(target))
        }
        configuration.options.connectTimeout = .seconds(Int64(target.connectTimeout))
        // Set for the session at login, no round trip of their own. A lock held by another
        // host is waited for as long as SQLite waits for its write lock, then reported
        // busy; a session that stalls inside a transaction (its host hung or cut off) is
        // ended by the server after a minute, which frees the write lock for every other
        // host; keepalives find a peer that vanished without closing the connection.
        configuration.options.additionalStartupParameters = [
            ("application_name", target.applicationName),
            ("lock_timeout", "15s"),
            ("idle_in_transaction_session_timeout", "60s"),
            ("tcp_keepalives_idle", "30"), ("tcp_keepalives_interval", "10"), ("tcp_keepalives_count", "3"),
            // The full listing sorts every connection (30,000 rows: about 20 MB); the
            // default 4 MB spilled it to disk (EXPLAIN ANALYZE: external merge). Memory is
            // taken only by a sort that needs it.
            ("work_mem", "32MB"),
        ]
        return try PostgresConnection.connect(on: eventLoop, configuration: configuration, id: 1, logger: logger).wait()
    }

    /// libpq's sslmode over swift-nio-ssl: disable; allow and prefer try TLS without
    /// verifying; require insists on TLS without verifying (as libpq without a root
    /// certificate); verify-ca checks the chain; verify-full the chain and the host name.
    static func tls(_ target: PostgresLocation) throws -> PostgresConnection.Configuration.TLS {
        var tls = TLSConfiguration.makeClientConfiguration()
        switch target.tls {
        case .disable: return .disable
        case .allow, .prefer: tls.certificateVerification = .none
        // As libpq: require checks the chain when a root certificate is given.
        case .require: tls.certificateVerification = target.rootCertificate == nil ? .none : .noHostnameVerification
        case .verifyCA: tls.certificateVerification = .noHostnameVerification
        case .verifyFull: tls.certificateVerification = .fullVerification
        }
        // libpq's default root file; "system" for the system's roots. verify-ca and
        // verify-full without either fail, as with libpq (any public certificate would do).
        let root = target.rootCertificate ?? (target.tls == .verifyCA || target.tls == .verifyFull ? Self.defaultRootCertificate() : nil)
        switch root {
        case "system":
            tls.trustRoots = .default
        case let file?:
            guard FileManager.default.isReadableFile(atPath: file) else {
                if target.tls == .verifyCA || target.tls == .verifyFull {
                    throw SwitchboardError.invalidValue("database URL: sslmode=\(target.tls.rawValue) needs the server's root certificate: \(TerminalText.escaped(file)) is not a readable file (sslrootcert=FILE, or sslrootcert=system for the system's roots)")
                }
                throw SwitchboardError.invalidValue("database URL: sslrootcert \(TerminalText.escaped(file)) is not a readable file")
            }
            tls.trustRoots = .file(file)
        case nil:
            break
        }
        let context = try NIOSSLContext(configuration: tls)
        return target.tls == .allow || target.tls == .prefer ? .prefer(context) : .require(context)
    }

    func appliedMigrations() throws -> [String] {
        try read { db in try db.values(String.self, "SELECT \"identifier\" FROM \"switchboardMigration\" ORDER BY \"position\"") }
    }

    /// `~/.postgresql/root.crt`, where libpq looks when the URL names none.
    static func defaultRootCertificate() -> String {
        (ProcessInfo.processInfo.environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()) + "/.postgresql/root.crt"
    }

    func changeSignal() throws -> any StoreChangeSignal {
        try PostgresChangeSignal(target: target, loop: loop)
    }

    /// The longest a statement may go unanswered: then the connection is closed (and
    /// opened again by the next call), so a host cut off from the server fails in one
    /// sentence instead of hanging with the store's lock held.
    static let statementDeadline: TimeAmount = .seconds(120)

    /// Waits for `future` on a caller's thread, closing `connection` if no answer comes
    /// within `deadline`.
    static func answer<T: Sendable>(_ future: EventLoopFuture<T>, on connection: PostgresConnection, deadline: TimeAmount = statementDeadline) throws -> T {
        let timer = future.eventLoop.scheduleTask(in: deadline) { connection.close().whenComplete { _ in } }
        defer { timer.cancel() }
        return try future.wait()
    }

    // MARK: Errors

    /// The sentences SQLite's engine gives where the failure is the same; the others name
    /// the server and what to check.
    static func wrap(_ error: any Error, target: PostgresLocation) -> any Error {
        if error is SwitchboardError { return error }
        let place = target.socketDirectory ?? "\(target.host):\(target.port)"
        if let error = error as? PSQLError {
            switch error.code {
            case .server:
                let state = error.serverInfo?[.sqlState] ?? ""
                let message = error.serverInfo?[.message] ?? "\(error)"
                switch state {
                case "55P03":
                    return SwitchboardError.database(StoreFailure.busy)
                case "40001", "40P01":
                    return SwitchboardError.database("another session's change collided with this one; nothing was saved, try again")
                case "57014":
                    return SwitchboardError.database("PostgreSQL at \(place) cancelled the statement (an administrator or a timeout); nothing was saved")
                case "25P03", "57P01", "57P02", "57P03":
                    return SwitchboardError.database("PostgreSQL at \(place) ended the session (\(message)); nothing was saved, try again")
                case "28P01", "28000":
                    return SwitchboardError.database("PostgreSQL at \(place) refused the login of \(target.user): \(message)")
                case "3D000":
                    return SwitchboardError.database("PostgreSQL at \(place) has no database \(target.database)")
                case "42501":
                    return SwitchboardError.database("the database role \(target.user) lacks a privilege: \(message)")
                case "53100":
                    return SwitchboardError.database("the disk is full; nothing was saved")
                default:
                    return SwitchboardError.database("database error: \(message)")
                }
            case .serverClosedConnection, .clientClosedConnection, .uncleanShutdown:
                return SwitchboardError.database("the connection to PostgreSQL at \(place) was lost; nothing more was saved, try again")
            case .sslUnsupported:
                return SwitchboardError.database("PostgreSQL at \(place) does not offer TLS, which sslmode=\(target.tls.rawValue) requires")
            case .failedToAddSSLHandler:
                return SwitchboardError.database("TLS with PostgreSQL at \(place) failed")
            case .authMechanismRequiresPassword:
                return SwitchboardError.database("PostgreSQL at \(place) wants a password for \(target.user): put it in the URL or PGPASSWORD")
            case .connectionError:
                if let underlying = error.underlying { return connectFailure(underlying, place: place, host: target.host) }
                return SwitchboardError.database("could not connect to PostgreSQL at \(place)")
            default:
                return SwitchboardError.database("database error: \(error.code)")
            }
        }
        return connectFailure(error, place: place, host: target.host)
    }

    private static func connectFailure(_ error: any Error, place: String, host: String) -> SwitchboardError {
        // swift-nio-ssl reports a refused certificate as a dump of BoringSSL's error queue
        // (or of its own error type): say which check failed, in one line.
        if let extra = error as? NIOSSLExtraError, extra == .failedToValidateHostname {
            return .database("TLS with PostgreSQL at \(place) failed: the server's certificate does not name the host \(host) (sslmode=verify-full checks it; verify-ca does not)")
        }
        if error is NIOSSLError || "\(type(of: error))".contains("SSL") || "\(type(of: error))".contains("TLS") {
            if "\(error)".contains("CERTIFICATE_VERIFY_FAILED") {
                return .database("TLS with PostgreSQL at \(place) failed: the server's certificate is not signed by the trusted root (sslrootcert)")
            }
            let detail = "\(error)".split(whereSeparator: \.isNewline).joined(separator: " ")
            return .database("TLS with PostgreSQL at \(place) failed: \(detail)")
        }
        if let io = error as? IOError {
            return .database("could not connect to PostgreSQL at \(place): \(String(cString: strerror(io.errnoCode)))")
        }
        // NIO's connect tries every address of the host and reports them all in one
        // debug dump: say what the first attempt's system call said instead.
        if let failure = error as? NIOConnectionError {
            if let io = failure.connectionErrors.lazy.compactMap({ $0.error as? IOError }).first {
                return .database("could not connect to PostgreSQL at \(place): \(String(cString: strerror(io.errnoCode)))")
            }
            if failure.connectionErrors.isEmpty && (failure.dnsAError != nil || failure.dnsAAAAError != nil) {
                return .database("could not connect to PostgreSQL at \(place): the host name does not resolve")
            }
        }
        return .database("could not connect to PostgreSQL at \(place): \(error)")
    }
}

/// The engine's connection inside one transaction.
final class PostgresSession: SQLConnection {
    let connection: PostgresConnection
    let engine: PostgresEngine
    private var savepoints = 0
    var dialect: SQLDialect { .postgres }

    init(connection: PostgresConnection, engine: PostgresEngine) {
        self.connection = connection
        self.engine = engine
    }

    /// Runs a statement without arguments; returns its command tag ("COMMIT", "ROLLBACK", ...).
    @discardableResult
    func run(_ sql: String) throws -> String {
        try inSentences { try PostgresEngine.answer(connection.query(PostgresQuery(unsafeSQL: sql), logger: PostgresEngine.logger), on: connection).metadata.command }
    }

    func execute(_ sql: String, _ arguments: SQLArguments) throws -> Int {
        let query = try query(sql, arguments)
        let result = try inSentences { try PostgresEngine.answer(connection.query(query, logger: PostgresEngine.logger), on: connection) }
        return result.metadata.rows ?? 0
    }

    /// The server's failures as sentences already here, not only once they leave the
    /// transaction: a caller that catches one inside it (a refresh whose bookkeeping
    /// failed reports why) would otherwise tell postgres-nio's generic "PSQLError" text.
    private func inSentences<T>(_ body: () throws -> T) throws -> T {
        do { return try body() } catch { throw PostgresEngine.wrap(error, target: engine.target) }
    }

    /// Rows are decoded on the engine's event loop as they arrive and handed over in
    /// batches, so decoding overlaps the server's work and this thread's use of the rows
    /// (`status --json` on 30,000 connections: the server sends for ~60 ms, decoding takes
    /// about as long again; one after the other they were most of the listing).
    func forEachRow(_ sql: String, _ arguments: SQLArguments, _ body: (SQLRow) throws -> Void) throws {
        let stream = PostgresRowStream()
        let query = try query(sql, arguments)
        let done = connection.query(query, logger: PostgresEngine.logger) { row in
            var values: [SQLValue] = []
            values.reserveCapacity(row.count)
            for cell in row { values.append(try Self.value(cell)) }
            stream.push(values) { row.map(\.columnName) }
        }
        let connection = connection
        let timer = done.eventLoop.scheduleTask(in: PostgresEngine.statementDeadline) { connection.close().whenComplete { _ in } }
        done.whenComplete { result in stream.finish(result.map { _ in () }) }
        defer { timer.cancel() }
        var failure: (any Error)?
        while let (batch, columns) = try inSentences({ try stream.next() }) {
            // After the body failed the rest is drained, so the connection is ready for
            // the ROLLBACK that follows.
            guard failure == nil else { continue }
            do {
                for values in batch { try body(SQLRow(values: values, columns: columns)) }
            } catch {
                failure = error
            }
        }
        if let failure { throw failure }
    }

    func savepoint<T>(_ body: () throws -> T) throws -> T {
        savepoints += 1
        let name = "sb_\(savepoints)"
        try run("SAVEPOINT \(name)")
        do {
            let result = try body()
            try run("RELEASE SAVEPOINT \(name)")
            return result
        } catch {
            _ = try? run("ROLLBACK TO SAVEPOINT \(name)")
            throw error
        }
    }

    private func query(_ sql: String, _ arguments: SQLArguments) throws -> PostgresQuery {
        let (text, placeholders) = engine.numbered(sql)
        // As SQLite answers: PostgreSQL itself accepts arguments no placeholder uses.
        guard arguments.count == placeholders else {
            throw SwitchboardError.database("database error: wrong number of statement arguments: \(arguments.count), expected \(placeholders)")
        }
        var binds = PostgresBindings(capacity: arguments.count)
        for argument in arguments {
            switch argument.sqlValue {
            case .null: binds.appendNull()
            case .integer(let number): binds.append(number)
            case .real(let number): binds.append(number)
            // PostgreSQL's text cannot hold NUL (SQLite's can): stored as U+2400 SYMBOL FOR
            // NULL, so outside text that carries one is kept, visibly, instead of failing
            // the whole write.
            case .text(let text): binds.append(text.contains("\u{0}") ? text.replacingOccurrences(of: "\u{0}", with: "\u{2400}") : text)
            case .blob(let data): binds.append(ByteBuffer(bytes: data))
            case .bool(let flag): binds.append(flag)
            }
        }
        return PostgresQuery(unsafeSQL: text, binds: binds)
    }

    /// Binary cells decoded straight from their bytes (the common types; PostgreSQL sends
    /// integers, floats and booleans big-endian), the rest through postgres-nio: the
    /// generic decoder was most of a listing's client time (30,000 rows, 25 columns).
    static func value(_ cell: PostgresCell) throws -> SQLValue {
        guard let bytes = cell.bytes else { return .null }
        if cell.format == .binary {
            switch cell.dataType {
            case .text, .varchar, .name, .bpchar:
                return .text(String(buffer: bytes))
            case .int8 where bytes.readableBytes == 8:
                return .integer(bytes.getInteger(at: bytes.readerIndex, as: Int64.self)!)
            case .int4 where bytes.readableBytes == 4:
                return .integer(Int64(bytes.getInteger(at: bytes.readerIndex, as: Int32.self)!))
            case .bool where bytes.readableBytes == 1:
                return .bool(bytes.getInteger(at: bytes.readerIndex, as: UInt8.self)! != 0)
            case .bytea:
                return .blob(Data(bytes.readableBytesView))
            default:
                break
            }
        }
        switch cell.dataType {
        case .int2: return .integer(Int64(try cell.decode(Int16.self)))
        case .int4: return .integer(Int64(try cell.decode(Int32.self)))
        case .int8: return .integer(try cell.decode(Int64.self))
        case .bool: return .bool(try cell.decode(Bool.self))
        case .float4, .float8: return .real(try cell.decode(Double.self))
        case .bytea: return .blob(Data(try cell.decode(ByteBuffer.self).readableBytesView))
        case .numeric:
            // By way of Decimal: postgres-nio reads a binary numeric as String to "" (found by
            // RowReadingTests; the store's own columns hold no numeric, aggregates may).
            let text = cell.format == .binary ? "\(try cell.decode(Decimal.self))" : try cell.decode(String.self)
            if let number = Int64(text) { return .integer(number) }
            guard let number = Double(text) else {
                throw SwitchboardError.database("database error: column \(cell.columnName) holds the number \(text), which does not fit")
            }
            return .real(number)
        default: return .text(try cell.decode(String.self))
        }
    }
}

/// A counter of NOTIFY messages on the store's channel, on a connection of its own: every
/// write transaction notifies at commit, from any host. While the listening connection is
/// down the version is unknown (nil), so readers fall back to reading every time.
final class PostgresChangeSignal: StoreChangeSignal, @unchecked Sendable {
    // @unchecked: `connection` is set once in init and only closed in deinit.
    private final class State: Sendable {
        let notifications = Atomic<Int>(0)
        let listening = Atomic<Bool>(false)
    }
    private let state = State()
    private let connection: PostgresConnection
    /// Held so the event loop outlives this connection whatever is released first.
    private let loop: PostgresEventLoop

    init(target: PostgresLocation, loop: PostgresEventLoop) throws {
        self.loop = loop
        do {
            connection = try PostgresEngine.connect(target, on: loop.group.next())
        } catch {
            throw PostgresEngine.wrap(error, target: target)
        }
        let state = self.state
        connection.addListener(channel: PostgresEngine.changeChannel) { _, _ in
            state.notifications.add(1, ordering: .relaxed)
        }
        state.listening.store(true, ordering: .relaxed)
        connection.closeFuture.whenComplete { _ in state.listening.store(false, ordering: .relaxed) }
    }

    deinit { try? connection.close().wait() }

    /// Watches the count of notifications (kept in memory by the listening connection, so
    /// a look costs nothing) every few milliseconds until one arrives or `timeout` passes;
    /// while the connection is down, only the timeout ends the wait.
    func waitForCommit(upTo timeout: Duration) async {
        let seen = state.notifications.load(ordering: .relaxed)
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline, state.notifications.load(ordering: .relaxed) == seen {
            guard (try? await Task.sleep(for: .milliseconds(10))) != nil else { return }
        }
    }

    /// One round trip first: PostgreSQL delivers a listening session's pending
    /// notifications before it answers a query, so the count then includes every commit
    /// that finished before this call (a commit is never missed, and a read that follows
    /// never looks changed by a write it already saw).
    func version() -> Int? {
        guard state.listening.load(ordering: .relaxed),
              (try? PostgresEngine.answer(connection.query("SELECT 1", logger: PostgresEngine.logger), on: connection, deadline: .seconds(2))) != nil
        else { return nil }
        return state.notifications.load(ordering: .relaxed)
    }
}

/// The engine's own event loop (one thread), shut down when the last of the engine and
/// its change signal lets it go. Its own loop, never a caller's: the store's calls wait on
/// futures, which must not happen on the loop that completes them.
final class PostgresEventLoop: Sendable {
    let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    deinit { try? group.syncShutdownGracefully() }
}

/// Rows handed from the event loop that decodes them to the thread that reads them.
final class PostgresRowStream: @unchecked Sendable {
    // @unchecked: every field is read and written with `condition` locked.
    private let condition = NSCondition()
    private var rows: [[SQLValue]] = []
    private var columns: SQLColumns?
    private var outcome: Result<Void, any Error>?

    /// Rows handed over at a time. Waking the reader for every row made the two threads
    /// trade each of 30,000 rows with a futex wake and a sleep (`status --json`).
    static let batch = 256

    func push(_ values: [SQLValue], names: () -> [String]) {
        condition.lock()
        if columns == nil { columns = SQLColumns(names()) }
        rows.append(values)
        if rows.count >= Self.batch { condition.signal() }
        condition.unlock()
    }

    func finish(_ result: Result<Void, any Error>) {
        condition.lock()
        outcome = result
        condition.signal()
        condition.unlock()
    }

    /// The rows that arrived since the last call (waiting for a batch, or the end), or nil once
    /// the query is over and every row was taken; the query's error, if it failed.
    func next() throws -> ([[SQLValue]], SQLColumns)? {
        condition.lock()
        defer { condition.unlock() }
        while rows.count < Self.batch && outcome == nil { condition.wait() }
        if !rows.isEmpty, let columns {
            defer { rows = [] }
            return (rows, columns)
        }
        try outcome?.get()
        return nil
    }
}
