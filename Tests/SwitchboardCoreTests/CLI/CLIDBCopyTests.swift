import Foundation
import SwitchboardTestSupport
import Testing
@testable import SwitchboardCore

@Suite("CLI: db copy")
struct CLIDBCopyTests {
    static let secret = "pw-DBCOPY-7c1e"

    /// Two customers' instances with values, a secret, runs that succeed and fail: logs,
    /// executions and events in every table the copy walks.
    static func populate(_ sb: CLISandbox) async throws -> [String] {
        let acme = try await sb.deployTestSync(customer: "acme")
        let globex = try #require(try await sb.json(["deploy", "test-sync", "--customer", "globex"])["id"] as? String)
        for id in [acme, globex] {
            try await sb.ok(["configure", id, "--set", "api.username=ann", "--set-secret", "api.password"], stdin: secret)
            try await sb.ok(["run", id, "fetch", "--", "sh", "-c", "cat > /dev/null"])
        }
        let failed = try await sb.run(["run", globex, "fetch", "--", "sh", "-c", "cat > /dev/null; echo 'account locked' >&2; exit 78"])
        #expect(failed.status == 78, "\(failed)")
        return [acme, globex]
    }

    /// What a person reads from a store, command by command.
    static func views(_ sb: CLISandbox, _ location: String, _ instances: [String]) async throws -> [String: String] {
        var views: [String: String] = [:]
        views["status"] = try await sb.ok(["status", "--json", "--db", location]).stdout
        views["events"] = try await sb.ok(["events", "--json", "--db", location]).stdout
        for id in instances {
            views["logs \(id)"] = try await sb.ok(["logs", id, "--json", "--db", location]).stdout
            views["show \(id)"] = try await sb.ok(["show", id, "api", "--json", "--db", location]).stdout
        }
        return views
    }

    static func expectSame(_ a: [String: String], _ b: [String: String], _ label: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(a.keys.sorted() == b.keys.sorted(), sourceLocation: sourceLocation)
        for key in a.keys.sorted() {
            #expect(a[key] == b[key], "\(label): `\(key)` differs", sourceLocation: sourceLocation)
            #expect(!(a[key] ?? "").isEmpty, "\(key) printed nothing", sourceLocation: sourceLocation)
        }
    }

    @Test("a copy reads back byte for byte (status, logs, events, show --json); secrets stay sealed; ids are never handed out twice")
    func copyReadsBackTheSame() async throws {
        let sb = try CLISandbox()
        let instances = try await Self.populate(sb)
        let before = try await Self.views(sb, sb.databasePath, instances)

        // Into a new SQLite file; on the PostgreSQL pass from the server to the file.
        let file = sb.directory + "/copies/copy.sqlite"
        let copied = try await sb.json(["db", "copy", sb.databasePath, file])
        let tables = try #require(copied["tables"] as? [String: Int])
        #expect(tables["instance"] == 2 && (tables["logEntry"] ?? 0) > 0 && (tables["connectionEvent"] ?? 0) > 0, "\(tables)")
        Self.expectSame(before, try await Self.views(sb, file, instances), "copy in \(file)")
        #expect(!(try TestDatabase.rawContents(of: file)).contains(Self.secret), "the secret is sealed in the copy")

        // Back into another empty store of the pass's engine (PostgreSQL: from the file).
        let again = try TestDatabase.freshLocation(in: sb.directory + "/copies")
        try await sb.ok(["db", "copy", file, again])
        Self.expectSame(before, try await Self.views(sb, again, instances), "copy in \(again)")
        #expect(!(try TestDatabase.rawContents(of: again)).contains(Self.secret))

        // The copy goes on where the source was: the next event's id is past every copied one.
        let lastID = try #require(CLIEventsTests.ids(try await CLIEventsTests.events(sb, ["--db", again])).max())
        let failed = try await sb.run(["run", instances[0], "fetch", "--db", again, "--", "sh", "-c", "cat > /dev/null; exit 78"])
        #expect(failed.status == 78, "\(failed)")
        let newer = try await CLIEventsTests.events(sb, ["--since", String(lastID), "--db", again])
        #expect(newer.count == 1 && (CLIEventsTests.ids(newer).first ?? 0) > lastID, "\(newer)")
    }

    @Test("a target that holds anything is refused whole (exit 3) and left as it was; a missing source creates nothing")
    func nonEmptyTargetIsRefused() async throws {
        let sb = try CLISandbox()
        let instances = try await Self.populate(sb)
        let target = sb.directory + "/copies/target.sqlite"
        try await sb.ok(["db", "copy", sb.databasePath, target])
        let before = try await Self.views(sb, target, instances)

        let refused = try await sb.run(["db", "copy", sb.databasePath, target])
        #expect(refused.status == 3, "\(refused)")
        #expect(refused.errorLine.contains("already holds a store"), "\(refused.errorLine)")
        #expect(refused.stderr.split(separator: "\n").count == 1, "one line: \(refused.stderr)")
        Self.expectSame(before, try await Self.views(sb, target, instances), "after the refusal")

        let missing = sb.directory + "/nowhere/none.sqlite"
        let absent = try await sb.run(["db", "copy", missing, sb.directory + "/copies/other.sqlite"])
        #expect(absent.status == 4, "\(absent)")
        #expect(!FileManager.default.fileExists(atPath: missing) && !FileManager.default.fileExists(atPath: sb.directory + "/copies/other.sqlite"))

        let same = try await sb.run(["db", "copy", target, target])
        #expect(same.status != 0 && same.errorLine.contains("same store"), "\(same)")

        let customer = try await sb.run(["db", "copy", sb.databasePath, sb.directory + "/copies/c.sqlite", "--role", "customer"])
        #expect(customer.status == 5, "\(customer)")
        #expect(!FileManager.default.fileExists(atPath: sb.directory + "/copies/c.sqlite"))
    }

    @Test("the source is only read: an empty or outdated store is refused and left as it was; another program's file is not a target")
    func sourceIsOnlyReadAndTargetsAreStores() async throws {
        let sb = try CLISandbox()
        // An empty store (migrated, no rows) is no source.
        let empty = try TestDatabase.freshLocation(in: sb.directory + "/db")
        _ = try AppDatabase.open(path: empty)
        let nothing = try await sb.run(["db", "copy", empty, sb.directory + "/copies/none.sqlite"])
        #expect(nothing.status == 1 && nothing.errorLine.contains("holds no store"), "\(nothing)")

        // A store of an older version (its last migration not applied) is not migrated by a copy.
        let instances = try await Self.populate(sb)
        let file = sb.directory + "/copies/old.sqlite"
        try await sb.ok(["db", "copy", sb.databasePath, file])
        let last = try #require(try TestDatabase.sql(file, "SELECT identifier FROM grdb_migrations ORDER BY rowid DESC LIMIT 1")
            .trimmingCharacters(in: .whitespacesAndNewlines).nilIfEmpty)
        try TestDatabase.sql(file, "DELETE FROM grdb_migrations WHERE identifier = '\(last)'")
        let outdated = try await sb.run(["db", "copy", file, sb.directory + "/copies/new.sqlite"])
        #expect(outdated.status == 1 && outdated.errorLine.contains("older Switchboard") && outdated.errorLine.contains("db migrate"), "\(outdated)")
        #expect(try TestDatabase.sql(file, "SELECT COUNT(*) FROM grdb_migrations WHERE identifier = '\(last)'").hasPrefix("0"), "the source was not migrated")
        #expect(!FileManager.default.fileExists(atPath: sb.directory + "/copies/new.sqlite"))

        // Another program's SQLite file: refused before anything is written to it.
        let foreign = sb.directory + "/copies/other-app.db"
        try TestDatabase.sql(foreign, "CREATE TABLE notes (body TEXT)")
        let refused = try await sb.run(["db", "copy", sb.databasePath, foreign])
        #expect(refused.status == 1 && refused.errorLine.contains("not a Switchboard store"), "\(refused)")
        #expect(try TestDatabase.sql(foreign, "SELECT name FROM sqlite_master WHERE type = 'table'").trimmingCharacters(in: .whitespacesAndNewlines) == "notes")
        _ = instances
    }

    @Test("a location that is a URL of another scheme is refused naming only the scheme: no file is created, the password never shown")
    func mistypedSchemeIsRefused() async throws {
        let sb = try CLISandbox()
        let typo = "postgress://team:Hunter2-SECRET@db.internal/switchboard"
        for arguments in [["status", "--db", typo], ["import", try sb.write("test-api.yaml", Fixtures.testAPI), "--db", typo],
                          ["db", "migrate", "--db", typo], ["db", "copy", sb.databasePath, typo], ["db", "copy", typo, sb.directory + "/x.sqlite"]] {
            let result = try await sb.run(arguments, environment: ["SWITCHBOARD_DB": nil])
            #expect(result.status != 0 && result.stderr.contains("'postgress://'"), "\(arguments): \(result.stderr)")
            #expect(!result.stdout.contains("Hunter2") && !result.stderr.contains("Hunter2"), "the password was shown: \(result)")
        }
        let made = try FileManager.default.subpathsOfDirectory(atPath: sb.directory).filter { $0.contains("postgress") || $0.contains("Hunter2") }
        #expect(made.isEmpty, "created: \(made)")
    }

    @Test("db copy walks every table of the schema (a new table cannot be left behind silently)")
    func copyWalksEveryTable() throws {
        let database = try AppDatabase.open(path: FileManager.default.temporaryDirectory.appendingPathComponent("sb-tables-\(UUID().uuidString).sqlite").path)
        defer { try? FileManager.default.removeItem(atPath: database.path) }
        let tables = try database.read { db in
            try db.values(String.self, "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name != 'grdb_migrations' ORDER BY name")
        }
        #expect(tables == StoreCopy.tables.map(\.name).sorted())
    }
}

private extension String {
    var nilIfEmpty: String? { isEmpty ? nil : self }
}
