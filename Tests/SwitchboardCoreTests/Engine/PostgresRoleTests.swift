import Foundation
import SwitchboardTestSupport
import Testing
@testable import SwitchboardCore

/// The least-privilege setup of the README ("Several hosts"): an owner role creates the
/// schema with `db migrate`; the role every host uses may only read and write rows.
@Suite("Engine: a least-privilege PostgreSQL role", .enabled(if: TestDatabase.isPostgres, "needs the PostgreSQL cluster (second pass of scripts/test)"))
struct PostgresRoleTests {
    /// A database set up as the README says, with its two roles (made once per cluster).
    static func readmeDatabase() throws -> (owner: String, app: String) {
        let server = try #require(TestDatabase.server)
        let name = "sb_roles_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(12)
        for role in ["sb_owner", "sb_app"] {
            try TestDatabase.sql(server, "DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '\(role)') THEN CREATE ROLE \(role) LOGIN; END IF; END $$")
        }
        try TestDatabase.sql(server, "CREATE DATABASE \(name) OWNER sb_owner")
        let database = TestDatabase.url(server, database: String(name))
        for statement in [
            "REVOKE ALL ON SCHEMA public FROM PUBLIC",
            "ALTER SCHEMA public OWNER TO sb_owner",
            "GRANT USAGE ON SCHEMA public TO sb_app",
            "ALTER DEFAULT PRIVILEGES FOR ROLE sb_owner IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO sb_app",
            "ALTER DEFAULT PRIVILEGES FOR ROLE sb_owner IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO sb_app",
        ] {
            try TestDatabase.sql(database, statement)
        }
        return (login(database, user: "sb_owner"), login(database, user: "sb_app"))
    }

    static func login(_ url: String, user: String) -> String {
        url.replacingOccurrences(of: "://postgres@", with: "://\(user)@")
    }

    @Test("the owner migrates with db migrate; the hosts' role then imports, deploys, configures and reads; it cannot change the schema, and says who can")
    func ownerMigratesAndTheAppRoleWorks() async throws {
        let (owner, app) = try Self.readmeDatabase()
        let sb = try CLISandbox()
        let before = try await sb.run(["status", "--db", app])
        #expect(before.status == 1 && before.errorLine.contains("may not change the schema") && before.errorLine.contains("switchboard db migrate"),
                "the hosts' role cannot create the schema: \(before)")

        let migrated = try await sb.json(["db", "migrate", "--db", owner])
        #expect((migrated["migrations"] as? [String])?.count == PostgresMigrations.migrations.count, "\(migrated)")
        #expect(!(try await sb.ok(["db", "migrate", "--db", app]).stdout.isEmpty), "nothing to do: the hosts' role may run it")

        let file = try sb.write("test-api.yaml", Fixtures.testAPI)
        try await sb.ok(["import", file, "--db", app])
        let id = try #require(try await sb.json(["deploy", "test-sync", "--customer", "acme", "--db", app])["id"] as? String)
        try await sb.ok(["configure", id, "--set", "api.username=ann", "--set-secret", "api.password", "--db", app], stdin: "pw-ROLE-31")
        #expect(try await sb.ok(["status", id, "--db", app]).stdout.contains("configured"))
        #expect(try TestDatabase.sql(owner, "SELECT COUNT(*) FROM \"instance\"").trimmingCharacters(in: .whitespacesAndNewlines) == "1")

        // A newer version that needs a migration, run as the hosts' role: refused in one
        // line naming the remedy; nothing changed (the owner's run then applies it).
        let last = try #require(PostgresMigrations.migrations.last?.name)
        try TestDatabase.sql(owner, "DELETE FROM \"switchboardMigration\" WHERE \"identifier\" = '\(last)'")
        let refused = try await sb.run(["status", "--db", app])
        #expect(refused.status == 1, "\(refused)")
        #expect(refused.errorLine.contains("the database role sb_app may not change the schema") && refused.stderr.split(separator: "\n").count == 1,
                "\(refused.stderr)")
        #expect(try TestDatabase.sql(owner, "SELECT COUNT(*) FROM \"switchboardMigration\"").trimmingCharacters(in: .whitespacesAndNewlines)
                == String(PostgresMigrations.migrations.count - 1))
    }
}
