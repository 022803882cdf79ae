import Foundation
import Synchronization
import SwitchboardCore

/// Where the tests' stores live. By default a SQLite file in the test's own directory; with
/// `SWITCHBOARD_TEST_POSTGRES` (the URL of a throwaway cluster's maintenance database, as
/// scripts/postgres.sh prints it) a PostgreSQL database of its own per store, copied from a
/// migrated template, so the same suites prove both engines (scripts/test runs them twice).
package enum TestDatabase {
    package static var server: String? {
        ProcessInfo.processInfo.environment["SWITCHBOARD_TEST_POSTGRES"].flatMap { $0.isEmpty ? nil : $0 }
    }

    package static var isPostgres: Bool { server != nil }

    /// A new, empty (migrated) store location: a file path under `directory`, or a URL.
    package static func freshLocation(in directory: String) throws -> String {
        guard let server else { return directory + "/switchboard.sqlite" }
        let name = "sb_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        try ensureTemplate(server)
        // FILE_COPY: the copy is not written to the WAL as well (PostgreSQL 15's default
        // WAL_LOG strategy doubles the disk each database takes).
        try psql(server, "CREATE DATABASE \"\(name)\" TEMPLATE \"sb_template\" STRATEGY FILE_COPY")
        _ = created.withLock { $0.insert(name) }
        return url(server, database: name)
    }

    /// Drops a database `freshLocation` made (a store's owner calls it when done): a test
    /// run makes hundreds, about 8 MB each. Those left at exit are dropped then.
    package static func release(_ location: String) {
        guard let server, PostgresLocation.isURL(location), let name = URLComponents(string: location)?.path.dropFirst(),
              created.withLock({ $0.remove(String(name)) }) != nil else { return }
        _ = try? psql(server, "DROP DATABASE IF EXISTS \"\(name)\" WITH (FORCE)")
    }

    private static let created = Mutex<Set<String>>([])

    /// At exit: every database still registered, in one psql session.
    private static func releaseAll() {
        guard let server else { return }
        let names = created.withLock { names in defer { names = [] }; return names }
        guard !names.isEmpty else { return }
        var arguments = ["--no-psqlrc", "-q", "-d", server]
        for name in names.sorted() { arguments += ["-c", "DROP DATABASE IF EXISTS \"\(name)\" WITH (FORCE)"] }
        _ = try? run("/usr/bin/psql", arguments)
    }

    /// Everything stored, as text, for "no plaintext secret" scans: the SQLite file and its
    /// WAL, or `pg_dump --data-only` of the database.
    package static func rawContents(of location: String) throws -> String {
        if PostgresLocation.isURL(location) {
            return try run("/usr/bin/pg_dump", ["--data-only", "--dbname=\(location)"])
        }
        var data = (try? Data(contentsOf: URL(fileURLWithPath: location))) ?? Data()
        for suffix in ["-wal", "-shm"] {
            if let more = try? Data(contentsOf: URL(fileURLWithPath: location + suffix)) { data += more }
        }
        return String(decoding: data, as: UTF8.self)
    }

    /// Runs SQL (written for the store's engine) with the engine's own client: sqlite3 or
    /// psql. Returns its output (one row per line, columns separated by "|").
    @discardableResult
    package static func sql(_ location: String, _ statement: String) throws -> String {
        if PostgresLocation.isURL(location) { return try psql(location, statement) }
        return try run("/usr/bin/sqlite3", [location, statement])
    }

    private static let templateReady = Mutex<Bool>(false)

    /// `sb_template`: created and migrated once per test process (the engine migrates on
    /// open), then left without connections so CREATE DATABASE can copy it.
    private static func ensureTemplate(_ server: String) throws {
        try templateReady.withLock { ready in
            guard !ready else { return }
            atexit { TestDatabase.releaseAll() }
            let exists = try psql(server, "SELECT 1 FROM pg_database WHERE datname = 'sb_template'")
            if exists.trimmingCharacters(in: .whitespacesAndNewlines) != "1" {
                try psql(server, "CREATE DATABASE \"sb_template\"")
                _ = try AppDatabase.open(path: url(server, database: "sb_template"))
            }
            ready = true
        }
    }

    /// `server` with another database name (the path of the URL).
    package static func url(_ server: String, database: String) -> String {
        guard var components = URLComponents(string: server) else { return server }
        components.path = "/" + database
        return components.string ?? server
    }

    /// A throwaway cluster of a suite's own (`scripts/postgres.sh start DIRECTORY VARIANT`,
    /// e.g. "tls"): returns its maintenance database's URL; `stopCluster` ends it.
    package static func startCluster(in directory: String, _ variant: String...) async throws -> String {
        let url = directory + ".url"
        defer { try? FileManager.default.removeItem(atPath: url) }
        try await script(["start", directory] + variant, output: url)
        return try String(contentsOfFile: url, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Stops a cluster `startCluster` started and removes its directory.
    package static func stopCluster(in directory: String) async {
        try? await script(["stop", directory], output: "/dev/null")
    }

    /// scripts/postgres.sh with its output in a file, spawned and waited for directly: the
    /// server it starts outlives it and must not hold any descriptor of the test process
    /// (see `ChildDescriptors`). Waited for on a thread of its own: initdb, the
    /// certificates and the start take many seconds on a loaded machine, too long to hold
    /// a concurrency-pool thread.
    private static func script(_ arguments: [String], output: String) async throws {
        let argv = ["/bin/bash", "-c", "exec \"$0\" \"$@\" >\"$OUT\"", Checkout.path("scripts/postgres.sh")] + arguments
        var environment = ProcessInfo.processInfo.environment
        environment["OUT"] = output
        let envp = environment.map { "\($0.key)=\($0.value)" }
        var cArguments = argv.map { strdup($0) } + [nil]
        var cEnvironment = envp.map { strdup($0) } + [nil]
        defer { (cArguments + cEnvironment).forEach { free($0) } }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        ChildDescriptors.closeAllButStandardStreams(&actions)
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, "/bin/bash", &actions, nil, &cArguments, &cEnvironment)
        guard spawned == 0 else { throw SwitchboardError.database("scripts/postgres.sh \(arguments.joined(separator: " ")) could not start: \(String(cString: strerror(spawned)))") }
        let status = await ChildDescriptors.exitStatus(of: pid)
        guard status == 0 else { throw SwitchboardError.database("scripts/postgres.sh \(arguments.joined(separator: " ")) failed (status \(status))") }
    }

    @discardableResult
    static func psql(_ location: String, _ statement: String) throws -> String {
        try run("/usr/bin/psql", ["--no-psqlrc", "-v", "ON_ERROR_STOP=1", "-At", "-d", location, "-c", statement])
    }

    static func run(_ executable: String, _ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        let errorData = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw SwitchboardError.database("\(executable) \(arguments.last ?? "") failed: \(String(decoding: errorData, as: UTF8.self))")
        }
        return String(decoding: data, as: UTF8.self)
    }
}

extension AppDatabase {
    /// A private store for a test: a SQLite file in a new temporary directory, or a new
    /// PostgreSQL database (see `TestDatabase`).
    package static func temporary() throws -> AppDatabase {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("switchboard-\(UUID().uuidString)")
        if TestDatabase.isPostgres {
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        }
        return try open(path: try TestDatabase.freshLocation(in: dir.path))
    }
}
