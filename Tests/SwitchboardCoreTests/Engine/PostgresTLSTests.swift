import Foundation
import Testing
import SwitchboardTestSupport
@testable import SwitchboardCore

/// A cluster of the suite's own that offers TLS (scripts/postgres.sh start DIR tls): started
/// once before the suite's first test, stopped after its last.
struct TLSClusterTrait: SuiteTrait, TestScoping {
    struct Cluster: Sendable {
        let directory: String
        /// The maintenance database, in the clear (psql's setup and checks).
        let server: String
        let port: Int
        var rootCertificate: String { directory + "/ca.crt" }
        var otherRootCertificate: String { directory + "/other-ca.crt" }
    }

    @TaskLocal static var current: Cluster?

    func provideScope(for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void) async throws {
        guard TestDatabase.isPostgres else { return try await function() }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("sb-tls-\(UUID().uuidString)").path
        do {
            let server = try await TestDatabase.startCluster(in: directory, "tls")
            let port = try #require(URLComponents(string: server)?.port, "the cluster's URL names its port: \(server)")
            try await Self.$current.withValue(Cluster(directory: directory, server: server, port: port)) {
                try await function()
            }
        } catch {
            await TestDatabase.stopCluster(in: directory)
            throw error
        }
        await TestDatabase.stopCluster(in: directory)
    }
}

/// TLS against a real server, mode by mode as libpq reads sslmode: each case opens the store
/// and reads through the engine (and asks the server whether the session is TLS), or fails
/// with the one sentence `PostgresEngine.wrap` gives, never holding the password, having
/// migrated nothing.
@Suite("Engine: PostgreSQL over TLS", .serialized, TLSClusterTrait(),
       .enabled(if: TestDatabase.isPostgres, "needs the PostgreSQL cluster (second pass of scripts/test)"))
struct PostgresTLSTests {
    static let password = "pw-tls-secret"

    var cluster: TLSClusterTrait.Cluster {
        get throws { try #require(TLSClusterTrait.current, "the suite's TLS cluster is running") }
    }

    /// A new, empty database on the TLS cluster.
    func emptyDatabase() throws -> String {
        let name = "sb_tls_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        try TestDatabase.sql(try cluster.server, "CREATE DATABASE \"\(name)\"")
        return name
    }

    /// The URL of `database` at `host` on the TLS cluster with `query` (and a password,
    /// which trust auth never asks for, so messages can be checked for it).
    func url(host: String = "127.0.0.1", database: String, query: String) throws -> String {
        "postgres://postgres:\(Self.password)@\(host):\(try cluster.port)/\(database)?\(query)"
    }

    /// How many tables `database` holds (none: the engine did not migrate it).
    func tableCount(_ database: String) throws -> Int {
        let output = try TestDatabase.sql(TestDatabase.url(try cluster.server, database: database),
                                          "SELECT count(*) FROM pg_class WHERE relkind = 'r' AND relnamespace = 'public'::regnamespace")
        return Int(output.trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1
    }

    /// Opens `query` on a new database at `host`, reads through the engine, and returns
    /// whether the server says the session is TLS.
    func opened(host: String = "127.0.0.1", query: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> Bool? {
        let database = try emptyDatabase()
        let store = try AppDatabase.open(path: try url(host: host, database: database, query: query))
        #expect(store.path == "postgres://postgres@\(host):\(try cluster.port)/\(database)", sourceLocation: sourceLocation)
        #expect(!store.path.contains(Self.password), sourceLocation: sourceLocation)
        let applied = try store.engine.read { db in
            try db.values(String.self, "SELECT \"identifier\" FROM \"switchboardMigration\" ORDER BY \"position\"")
        }
        #expect(applied == PostgresMigrations.migrations.map(\.name), sourceLocation: sourceLocation)
        return try store.engine.read { db in try db.value(Bool.self, "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()") }
    }

    /// The sentence opening `query` on a new database at `host` fails with (one line, never
    /// the password); checks nothing was migrated.
    func failure(host: String = "127.0.0.1", query: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> String? {
        let database = try emptyDatabase()
        let message = PostgresErrorTests.failure(opening: try url(host: host, database: database, query: query), sourceLocation: sourceLocation)
        #expect(message?.contains(Self.password) == false, sourceLocation: sourceLocation)
        #expect(try tableCount(database) == 0, "nothing was migrated into \(database)", sourceLocation: sourceLocation)
        return message
    }

    // MARK: verify-full

    @Test("given verify-full with the cluster's CA and host 127.0.0.1, then the store opens over TLS")
    func verifyFullByAddress() throws {
        #expect(try opened(query: "sslmode=verify-full&sslrootcert=\(cluster.rootCertificate)") == true)
    }

    @Test("given verify-full with the cluster's CA and host localhost, then the store opens (the certificate's DNS name)")
    func verifyFullByName() throws {
        #expect(try opened(host: "localhost", query: "sslmode=verify-full&sslrootcert=\(cluster.rootCertificate)") == true)
    }

    @Test("given verify-full or verify-ca with an unrelated CA, then it says the certificate is not signed by the trusted root",
          arguments: ["verify-full", "verify-ca"])
    func wrongRoot(mode: String) throws {
        let port = try cluster.port
        let message = try failure(query: "sslmode=\(mode)&sslrootcert=\(cluster.otherRootCertificate)")
        #expect(message == "TLS with PostgreSQL at 127.0.0.1:\(port) failed: the server's certificate is not signed by the trusted root (sslrootcert)", "got \(message ?? "nil")")
    }

    @Test("given verify-full with the right CA and a host the certificate does not name (127.0.0.2), then it says the name does not match")
    func verifyFullWrongHost() throws {
        let port = try cluster.port
        let message = try failure(host: "127.0.0.2", query: "sslmode=verify-full&sslrootcert=\(cluster.rootCertificate)")
        #expect(message == "TLS with PostgreSQL at 127.0.0.2:\(port) failed: the server's certificate does not name the host 127.0.0.2 (sslmode=verify-full checks it; verify-ca does not)", "got \(message ?? "nil")")
    }

    // MARK: verify-ca, require

    @Test("given verify-ca with the right CA and a host the certificate does not name, then the store opens (no host-name check)")
    func verifyCAOtherHost() throws {
        #expect(try opened(host: "127.0.0.2", query: "sslmode=verify-ca&sslrootcert=\(cluster.rootCertificate)") == true)
    }

    @Test("given require without a root certificate, then the store opens over TLS without verifying")
    func requireUnverified() throws {
        #expect(try opened(query: "sslmode=require") == true)
    }

    @Test("given require with an unrelated CA, then the chain is checked (as libpq) and it fails")
    func requireWrongRoot() throws {
        let port = try cluster.port
        let message = try failure(query: "sslmode=require&sslrootcert=\(cluster.otherRootCertificate)")
        #expect(message == "TLS with PostgreSQL at 127.0.0.1:\(port) failed: the server's certificate is not signed by the trusted root (sslrootcert)", "got \(message ?? "nil")")
    }

    @Test("given require with the right CA and a host the certificate does not name, then the store opens (require checks no name)")
    func requireRightRootOtherHost() throws {
        #expect(try opened(host: "127.0.0.2", query: "sslmode=require&sslrootcert=\(cluster.rootCertificate)") == true)
    }

    // MARK: prefer, disable

    @Test("given prefer against a server that offers TLS, then the session is TLS")
    func preferred() throws {
        #expect(try opened(query: "sslmode=prefer") == true)
    }

    @Test("given disable against a server that offers TLS, then the session is in the clear")
    func disabled() throws {
        #expect(try opened(query: "sslmode=disable") == false)
    }
}
