import Foundation
import Testing
import SwitchboardTestSupport
@testable import SwitchboardCore

/// Real failures against the test cluster: each is the one sentence `PostgresEngine.wrap`
/// gives, never holds the password, and leaves nothing behind (no database, no schema, no
/// SQLite file named after the URL).
@Suite("Engine: PostgreSQL failures", .enabled(if: TestDatabase.isPostgres, "needs the PostgreSQL cluster (second pass of scripts/test)"))
struct PostgresErrorTests {
    /// The cluster's address (scripts/postgres.sh: 127.0.0.1 and a port of its own).
    static var cluster: (host: String, port: Int) {
        let components = URLComponents(string: TestDatabase.server ?? "")
        return (components?.host ?? "127.0.0.1", components?.port ?? 5432)
    }

    static var place: String { "\(cluster.host):\(cluster.port)" }

    /// The cluster's URL for `user` (with `password`) and `database`, with `query`.
    static func url(user: String = "postgres", password: String? = nil, database: String, query: String = "sslmode=disable") -> String {
        "postgres://\(user)\(password.map { ":\($0)" } ?? "")@\(place)/\(database)?\(query)"
    }

    /// The sentence opening `url` fails with; records an issue when it opens or fails
    /// otherwise. Also checks it is one line and that nothing was made on this host.
    static func failure(opening url: String, sourceLocation: SourceLocation = #_sourceLocation) -> String? {
        let before = (try? FileManager.default.contentsOfDirectory(atPath: FileManager.default.currentDirectoryPath)) ?? []
        defer {
            let after = (try? FileManager.default.contentsOfDirectory(atPath: FileManager.default.currentDirectoryPath)) ?? []
            #expect(Set(after).subtracting(before).filter { $0.hasPrefix("postgres") }.isEmpty,
                    "no SQLite file named after the URL", sourceLocation: sourceLocation)
        }
        do {
            let database = try AppDatabase.open(path: url)
            Issue.record("\(url) opened as \(database.path)", sourceLocation: sourceLocation)
            return nil
        } catch let error as SwitchboardError {
            guard case .database(let message) = error else {
                Issue.record("expected a database error, got \(error)", sourceLocation: sourceLocation)
                return nil
            }
            let oneLine = !message.contains { $0.isNewline }
            #expect(oneLine, "one line: \(message.debugDescription)", sourceLocation: sourceLocation)
            return message
        } catch {
            Issue.record("expected a SwitchboardError, got \(type(of: error)): \(error)", sourceLocation: sourceLocation)
            return nil
        }
    }

    static func exists(database name: String) throws -> Bool {
        try TestDatabase.sql(TestDatabase.server!, "SELECT count(*) FROM pg_database WHERE datname = '\(name)'")
            .trimmingCharacters(in: .whitespacesAndNewlines) == "1"
    }

    /// A new, empty database on the cluster (owned by `owner`).
    static func emptyDatabase(owner: String = "postgres") throws -> String {
        let name = "sb_err_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        try TestDatabase.sql(TestDatabase.server!, "CREATE DATABASE \"\(name)\" OWNER \"\(owner)\"")
        return name
    }

    /// How many tables `database` holds (none: the engine did not migrate it).
    static func tableCount(_ database: String) throws -> Int {
        let output = try TestDatabase.sql(TestDatabase.url(TestDatabase.server!, database: database),
                                          "SELECT count(*) FROM pg_class WHERE relkind = 'r' AND relnamespace = 'public'::regnamespace")
        return Int(output.trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1
    }

    // MARK: Connecting

    @Test("given a closed port on 127.0.0.1, when the store is opened, then the connection is refused in one sentence")
    func connectionRefused() throws {
        // A socket bound and not listening: nothing accepts on its port while it is held,
        // and no other process can take the port meanwhile.
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        try #require(socket >= 0)
        defer { close(socket) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(socket, $0, length) == 0 && getsockname(socket, $0, &length) == 0 }
        }
        try #require(bound)
        let port = Int(UInt16(bigEndian: address.sin_port))
        let message = Self.failure(opening: "postgres://postgres:pw-refused@127.0.0.1:\(port)/postgres?sslmode=disable")
        #expect(message == "could not connect to PostgreSQL at 127.0.0.1:\(port): Connection refused")
        #expect(message?.contains("pw-refused") == false)
    }

    @Test("given a database that does not exist, when the store is opened, then it says so and does not create it")
    func missingDatabase() throws {
        let name = "sb_missing_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        let message = Self.failure(opening: Self.url(password: "pw-missing", database: name))
        #expect(message == "PostgreSQL at \(Self.place) has no database \(name)")
        #expect(message?.contains("pw-missing") == false)
        #expect(try !Self.exists(database: name), "the engine never creates a database")
    }

    @Test("given an sslmode that insists on TLS against a server without it, then it says the server does not offer TLS",
          arguments: ["require", "verify-ca", "verify-full"])
    func tlsRequired(mode: String) throws {
        let database = try Self.emptyDatabase()
        // The verifying modes need a root certificate before they try (as libpq): the system's here.
        let query = mode == "require" ? "sslmode=\(mode)" : "sslmode=\(mode)&sslrootcert=system"
        let message = Self.failure(opening: Self.url(password: "pw-tls", database: database, query: query))
        #expect(message == "PostgreSQL at \(Self.place) does not offer TLS, which sslmode=\(mode) requires")
        #expect(message?.contains("pw-tls") == false)
        #expect(try Self.tableCount(database) == 0, "nothing was migrated into \(database)")
    }

    @Test("given a verifying sslmode and no root certificate, then it says which file it needs, as libpq does")
    func verifyingNeedsARootCertificate() throws {
        let database = try Self.emptyDatabase()
        for mode in ["verify-ca", "verify-full"] {
            do {
                _ = try AppDatabase.open(path: Self.url(password: "pw-root", database: database, query: "sslmode=\(mode)&sslrootcert=/nonexistent/root.crt"))
                Issue.record("\(mode) opened without a root certificate")
            } catch let error as SwitchboardError {
                #expect(error.description == "database URL: sslmode=\(mode) needs the server's root certificate: /nonexistent/root.crt is not a readable file (sslrootcert=FILE, or sslrootcert=system for the system's roots)")
                #expect(!error.description.contains("pw-root"))
            }
        }
        #expect(try Self.tableCount(database) == 0)
    }

    @Test("given an sslmode that only tries TLS against a server without it, then the store opens in the clear",
          arguments: ["prefer", "allow", "disable"])
    func tlsOptional(mode: String) throws {
        let database = try Self.emptyDatabase()
        let store = try AppDatabase.open(path: Self.url(database: database, query: "sslmode=\(mode)"))
        #expect(store.path == "postgres://postgres@\(Self.place)/\(database)")
        #expect(try Self.tableCount(database) > 0)
    }

    // MARK: Passwords

    static let role = "sb_password"
    static let rightPassword = "right-pass"

    /// The role scripts/postgres.sh's pg_hba.conf makes give a password on 127.0.0.1.
    static func ensureRole() throws {
        try TestDatabase.sql(TestDatabase.server!, """
            DO $$ BEGIN CREATE ROLE \(role) LOGIN PASSWORD '\(rightPassword)';
            EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$
            """)
    }

    /// Whether this cluster makes `sb_password` authenticate (a cluster started by an older
    /// scripts/postgres.sh trusts everyone, and a wrong password would be let in).
    static var passwordRequired: Bool {
        guard let server = TestDatabase.server else { return false }
        let rules = try? TestDatabase.sql(server, """
            SELECT count(*) FROM pg_hba_file_rules WHERE type = 'host' AND '\(role)' = ANY(user_name) AND auth_method = 'scram-sha-256'
            """)
        return rules?.trimmingCharacters(in: .whitespacesAndNewlines) == "1"
    }

    @Test("given a wrong password, when the store is opened, then the login is refused, the password is never shown and nothing is migrated",
          .enabled(if: passwordRequired, "needs a cluster whose pg_hba.conf makes sb_password give a password (restart it with the current scripts/postgres.sh)"))
    func wrongPassword() throws {
        try Self.ensureRole()
        let database = try Self.emptyDatabase(owner: Self.role)
        let message = Self.failure(opening: Self.url(user: Self.role, password: "wrong-pass", database: database))
        #expect(message == "PostgreSQL at \(Self.place) refused the login of \(Self.role): password authentication failed for user \"\(Self.role)\"")
        #expect(message?.contains("wrong-pass") == false)
        #expect(message?.contains(Self.rightPassword) == false)
        #expect(try Self.tableCount(database) == 0)
    }

    @Test("given no password for a role that needs one, then it says where to put one",
          .enabled(if: passwordRequired, "needs a cluster whose pg_hba.conf makes sb_password give a password (restart it with the current scripts/postgres.sh)"))
    func noPassword() async throws {
        try Self.ensureRole()
        let database = try Self.emptyDatabase(owner: Self.role)
        // Through the binary, whose environment (no PGPASSWORD) the test chooses.
        let sandbox = try CLISandbox()
        let result = try await sandbox.run(["status"], environment: ["SWITCHBOARD_DB": Self.url(user: Self.role, database: database),
                                                                     "PGPASSWORD": nil])
        #expect(result.status != 0, "\(result)")
        #expect(result.errorLine.hasSuffix("PostgreSQL at \(Self.place) wants a password for \(Self.role): put it in the URL or PGPASSWORD"),
                "\(result)")
        #expect(try Self.tableCount(database) == 0)
    }

    @Test("given the right password in the URL, then the store opens, and its path never holds the password",
          .enabled(if: passwordRequired, "needs a cluster whose pg_hba.conf makes sb_password give a password (restart it with the current scripts/postgres.sh)"))
    func rightPasswordInURL() throws {
        try Self.ensureRole()
        let database = try Self.emptyDatabase(owner: Self.role)
        let store = try AppDatabase.open(path: Self.url(user: Self.role, password: Self.rightPassword, database: database))
        #expect(store.path == "postgres://\(Self.role)@\(Self.place)/\(database)")
        #expect(!store.path.contains(Self.rightPassword))
        #expect(!store.engine.location.contains(Self.rightPassword))
        let applied = try store.engine.read { db in
            try db.values(String.self, "SELECT \"identifier\" FROM \"switchboardMigration\" ORDER BY \"position\"")
        }
        #expect(applied == PostgresMigrations.migrations.map(\.name))
    }

    @Test("given the right password in PGPASSWORD and none in the URL, then the store opens",
          .enabled(if: passwordRequired, "needs a cluster whose pg_hba.conf makes sb_password give a password (restart it with the current scripts/postgres.sh)"))
    func rightPasswordFromEnvironment() async throws {
        try Self.ensureRole()
        let database = try Self.emptyDatabase(owner: Self.role)
        let location = try PostgresLocation(Self.url(user: Self.role, database: database), environment: ["PGPASSWORD": Self.rightPassword])
        #expect(location.password == Self.rightPassword)
        #expect(!location.redacted.contains(Self.rightPassword))
        // `PostgresEngine.open` reads the process's environment: through the binary, whose
        // environment the test chooses.
        let sandbox = try CLISandbox()
        let url = Self.url(user: Self.role, database: database)
        let opened = try await sandbox.run(["status"], environment: ["SWITCHBOARD_DB": url, "PGPASSWORD": Self.rightPassword])
        #expect(opened.status == 0, "\(opened)")
        #expect(!opened.stdout.contains(Self.rightPassword) && !opened.stderr.contains(Self.rightPassword))
        #expect(try Self.tableCount(database) > 0, "the first open migrated the database")
        let refused = try await sandbox.run(["status"], environment: ["SWITCHBOARD_DB": url, "PGPASSWORD": "wrong-pass"])
        #expect(refused.status != 0, "\(refused)")
        #expect(refused.errorLine.hasSuffix(
            "PostgreSQL at \(Self.place) refused the login of \(Self.role): password authentication failed for user \"\(Self.role)\""), "\(refused)")
        #expect(!refused.stderr.contains("wrong-pass") && !refused.stderr.contains(Self.rightPassword))
    }
}
