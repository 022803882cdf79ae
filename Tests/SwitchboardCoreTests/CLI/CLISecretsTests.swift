import Foundation
import SwitchboardTestSupport
import Testing
@testable import SwitchboardCore

@Suite("CLI: secrets at rest, master key, files")
struct CLISecretsTests {
    static let typedSecret = "SECRET-TYPED-e91c0d"
    static let plainMarker = "PLAIN-MARKER-5a7b"

    @Test("secrets never appear in the database file or its WAL, while plain values do")
    func encryptedAtRest() async throws {
        let sb = try CLISandbox()
        let id = try await sb.deployTestSync()
        // Hold the database open, as a second session would: the WAL then stays on disk
        // with the latest frames instead of being checkpointed away when the CLI exits.
        let holder = try AppDatabase.open(path: sb.databasePath)
        try await sb.ok(["configure", id, "--set", "api.username=\(Self.plainMarker)"])
        try await sb.ok(["configure", id, "--set-secret", "api.password"], stdin: Self.typedSecret)
        try await sb.ok(["configure", id, "--set-secret", "api.apiSecret"], stdin: "SECRET-OVERRIDE-22f1")
        // The secret reaches code and comes back in an error line: it must be stored redacted.
        let script = try sb.write("leak.sh", "#!/bin/sh\necho \"rejected password $1\" >&2\nexit 78\n", mode: 0o755)
        let run = try await sb.run(["run", id, "fetch", "--", script, Self.typedSecret])
        #expect(run.status == 78, "\(run)")

        if !TestDatabase.isPostgres {
            #expect(FileManager.default.fileExists(atPath: sb.databasePath + "-wal"), "the WAL is kept while a session holds the database")
            for suffix in ["", "-wal", "-shm"] {
                #expect(posixMode(sb.databasePath + suffix) == 0o600, "mode of switchboard.sqlite\(suffix)")
            }
        }
        let bytes = sb.databaseBytes()
        #expect(bytes.range(of: Data(Self.plainMarker.utf8)) != nil, "control: a plain value is visible in the raw files")
        for secret in [Self.typedSecret, "SECRET-OVERRIDE-22f1", Fixtures.integrationSecretDefault, Fixtures.componentSecretDefault] {
            #expect(bytes.range(of: Data(secret.utf8)) == nil, "\(secret) is stored in plain text")
        }
        // The values are really there, sealed.
        let revealed = try await sb.fields(id, "api", extra: ["--reveal"])
        #expect(revealed["password"]?["value"] as? String == Self.typedSecret)
        _ = holder
    }

    @Test("a wrong SWITCHBOARD_MASTER_KEY gives one clear line naming the master key, no crash, and changes nothing")
    func wrongKey() async throws {
        let sb = try CLISandbox()
        let id = try await sb.deployTestSync()
        try await sb.ok(["configure", id, "--set-secret", "api.password"], stdin: Self.typedSecret)
        let other = [MasterKey.environmentVariable: randomMasterKey()]
        for command in [["show", id, "api", "--json", "--reveal"], ["configure", id, "--set", "api.username=mallory"], ["run", id, "fetch", "--", "true"]] {
            let result = try await sb.run(command, environment: other)
            #expect(result.status == 1, "\(result)")
            #expect(result.errorLine.contains("master key"), "\(result)")
            #expect(!result.errorLine.contains("\n"))
            #expect(result.stdout.isEmpty)
            #expect(!result.stderr.contains(Self.typedSecret))
        }
        let fields = try await sb.fields(id, "api", extra: ["--reveal"])
        #expect(fields["username"]?["set"] as? Bool == false)
        #expect(fields["password"]?["value"] as? String == Self.typedSecret)
    }

    @Test("a malformed SWITCHBOARD_MASTER_KEY gives one clear line saying what a key must be")
    func malformedKey() async throws {
        let sb = try CLISandbox()
        let id = try await sb.deployTestSync()
        let result = try await sb.run(["show", id, "api", "--json"], environment: [MasterKey.environmentVariable: "hunter2"])
        #expect(result.status == 1, "\(result)")
        #expect(result.errorLine.contains(MasterKey.environmentVariable))
        #expect(result.errorLine.contains("32 bytes"))
        #expect(!result.errorLine.contains("\n"))
    }

    @Test("without SWITCHBOARD_DB or a key, the default database and a key file are created 0600 under XDG dirs")
    func defaultsAndModes() async throws {
        let sb = try CLISandbox(masterKey: nil, useDefaultDatabase: true)
        let file = try sb.write("test-api.yaml", Fixtures.testAPI)
        try await sb.ok(["import", file])
        let database = sb.directory + "/data/switchboard/switchboard.sqlite"
        let keyFile = sb.directory + "/config/switchboard/master.key"
        #expect(posixMode(database) == 0o600)
        #expect(posixMode(keyFile) == 0o600)
        let id = try #require(try await sb.json(["deploy", "test-sync", "--customer", "acme"])["id"] as? String)
        try await sb.ok(["configure", id, "--set-secret", "api.password"], stdin: Self.typedSecret)
        #expect(try await sb.fields(id, "api", extra: ["--reveal"])["password"]?["value"] as? String == Self.typedSecret, "the key file is reused")

        // Replacing the key file is a wrong key, reported against the file.
        try (randomMasterKey() + "\n").write(toFile: keyFile, atomically: true, encoding: .utf8)
        // Private like the file it replaces (the process umask is not this test's to rely on).
        chmod(keyFile, 0o600)
        let wrong = try await sb.run(["show", id, "api", "--json"])
        #expect(wrong.status == 1, "\(wrong)")
        #expect(wrong.errorLine.contains("master key"))
        #expect(wrong.errorLine.contains("master.key"))
    }

    @Test("--db selects the database and creates it 0600; a command that needs a store creates nothing")
    func dbOption() async throws {
        let sb = try CLISandbox()
        let path = sb.directory + "/elsewhere/chosen.sqlite"
        let file = try sb.write("test-api.yaml", Fixtures.testAPI)
        for readOnly in [["status", "--json"], ["logs", "acme/x"], ["show", "acme/x", "crm"], ["instances"], ["integrations"],
                         ["test", "acme/x", "crm"], ["connect", "acme/x", "crm", "--timeout", "1"], ["disconnect", "acme/x", "crm"],
                         ["configure", "acme/x", "--set", "crm.user=u"], ["deploy", "x", "--customer", "acme"],
                         ["run", "acme/x", "step", "--db", path, "--", "true"]] {
            let missing = try await sb.run(readOnly.contains("--") ? readOnly : readOnly + ["--db", path])
            #expect(missing.status == 4, "\(readOnly): \(missing.stderr)")
            #expect(missing.errorLine.contains("no database at \(path) yet"))
            #expect(posixMode(path) == nil && posixMode(sb.directory + "/elsewhere") == nil, "\(readOnly) created something")
        }
        // The catalog needs no database: it shows the bundled one.
        #expect(try await sb.ok(["catalog", "--db", path]).stdout.contains("[bundled]"))
        #expect(posixMode(path) == nil)
        try await sb.ok(["import", file, "--db", path])
        #expect(posixMode(path) == 0o600)
        #expect(posixMode(sb.databasePath) == nil, "SWITCHBOARD_DB was not used")
        try await sb.ok(["import", file])
        // On PostgreSQL the sandbox's store is a database, not a file (modes don't apply).
        if !TestDatabase.isPostgres { #expect(posixMode(sb.databasePath) == 0o600) }
    }
}
