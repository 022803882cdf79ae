import Foundation
import Testing
@testable import SwitchboardCore

@Suite("CLI: show, configure, roles, conflicts")
struct CLIConfigureTests {
    @Test("show --json has every SPEC key; a secret's value is null unless --reveal")
    func showShape() async throws {
        let sb = try CLISandbox()
        let id = try await sb.deployTestSync()
        try await sb.ok(["configure", id, "--set-secret", "api.password"], stdin: "SECRET-typed-in-4411\n")
        let shown = try await sb.json(["show", "acme/test-sync", "api"])
        for key in ["variable", "component", "connection", "status", "fields"] {
            #expect(shown.keys.contains(key), "show lacks \(key)")
        }
        #expect(shown["variable"] as? String == "api")
        #expect(shown["component"] as? String == "test-api")
        #expect(shown["connection"] as? String == "basic")
        let fields = try await sb.fields(id, "api")
        for (key, field) in fields {
            for attribute in ["key", "label", "type", "required", "customerVisible", "set", "value"] {
                #expect(field.keys.contains(attribute), "field \(key) lacks \(attribute)")
            }
        }
        #expect(fields["password"]?["set"] as? Bool == true)
        #expect(fields["password"]?["value"] is NSNull)
        #expect(fields["apiSecret"]?["value"] is NSNull, "a secret default is masked too")
        #expect(fields["tenant"]?["customerVisible"] as? Bool == false)
        #expect(fields["host"]?["value"] as? String == "https://api.test.example")

        let revealed = try await sb.fields(id, "api", extra: ["--reveal"])
        #expect(revealed["password"]?["value"] as? String == "SECRET-typed-in-4411", "--set-secret strips the trailing newline")
        #expect(revealed["apiSecret"]?["value"] as? String == Fixtures.integrationSecretDefault)
        let plain = try await sb.ok(["show", id, "api"])
        #expect(!plain.stdout.contains("SECRET-typed-in-4411"))
    }

    @Test("configure --set, --set-secret from stdin and --unset change the values shown")
    func setSecretUnset() async throws {
        let sb = try CLISandbox()
        let id = try await sb.deployTestSync()
        let before = try #require(try await sb.json(["show", id, "api"])["revision"] as? Int)
        try await sb.ok(["configure", id, "--set", "api.username=alice", "--set", "api.region=United States", "--set", "api.code=ABC12"])
        try await sb.ok(["configure", id, "--set-secret", "api.password"], stdin: "SECRET-stdin-9000")
        var fields = try await sb.fields(id, "api", extra: ["--reveal"])
        #expect(fields["username"]?["value"] as? String == "alice")
        #expect(fields["region"]?["value"] as? String == "us")
        #expect(fields["code"]?["value"] as? String == "ABC12")
        #expect(fields["password"]?["value"] as? String == "SECRET-stdin-9000")
        #expect(fields["endpoint"]?["value"] as? String == "https://api.test.example/us/alice")
        #expect(try await sb.json(["show", id, "api"])["revision"] as? Int == before + 2)
        #expect(try await sb.connection(id, "api")["status"] as? String == "configured")

        try await sb.ok(["configure", id, "--unset", "api.region", "--unset", "api.username"])
        fields = try await sb.fields(id, "api")
        #expect(fields["region"]?["value"] as? String == "eu", "the default applies again")
        #expect(fields["username"]?["set"] as? Bool == false)
        #expect(try await sb.connection(id, "api")["status"] as? String == "unconfigured")

        let empty = try await sb.run(["configure", id, "--set-secret", "api.password"], stdin: "")
        #expect(empty.status != 0)
        #expect(empty.errorLine.contains("api.password"))
    }

    static let invalidValues = [
        ("api.host", "ftp://files.example"), ("api.code", "abc12"), ("api.region", "mars"),
        ("api.verbose", "perhaps"), ("api.endpoint", "https://x.example"), ("api.colour", "red"),
        ("api.password", "SECRET-TWO\nLINES-1f"),
    ]

    @Test("values with quotes, backslashes, line breaks, tabs and wide characters round-trip through --json")
    func jsonEscaping() async throws {
        let sb = try CLISandbox()
        let id = try await sb.deployTestSync()
        let tricky = "say \"hi\" \\ back\\slash\nline two\ttab – 日本語 🔑 </script>"
        try await sb.ok(["configure", id, "--set", "api.notes=\(tricky)", "--set", "api.username=名前-\"q\""])
        let fields = try await sb.fields(id, "api")
        #expect(fields["notes"]?["value"] as? String == tricky)
        #expect(fields["username"]?["value"] as? String == "名前-\"q\"")
        let entries = try await sb.logEntries([id, "api"])
        #expect(entries.contains { ($0["message"] as? String)?.contains("名前-\"q\"") == true })
    }

    @Test("control characters are refused in every single-line and multi-line value, and nothing changes", arguments: [
        ("api.notes", "bell \u{07} in text"), ("api.notes", "\u{1B}]0;owned\u{07}"), ("api.username", "tab\there"),
        ("api.username", "\u{1B}[2J"), ("api.host", "https://x.example/\u{9B}31m"), ("api.username", "abc\u{202E}fed"),
        ("api.username", "del\u{7F}"),
    ])
    func controlCharactersRefused(target: String, value: String) async throws {
        let sb = try CLISandbox()
        let id = try await sb.deployTestSync()
        let before = try await sb.run(["show", id, "api", "--json"]).stdout
        let result = try await sb.run(["configure", id, "--set", "\(target)=\(value)"])
        #expect(result.status == 1)
        #expect(result.errorLine.contains("control character"), "\(result)")
        #expect(!result.stderr.unicodeScalars.contains { TerminalText.isControl($0) && $0 != "\n" })
        #expect(try await sb.run(["show", id, "api", "--json"]).stdout == before)
    }

    @Test("a value over the 64 KiB limit is refused naming the limit")
    func hugeValueRefused() async throws {
        let sb = try CLISandbox()
        let id = try await sb.deployTestSync()
        let result = try await sb.run(["configure", id, "--set", "api.notes=" + String(repeating: "x", count: 65 * 1024)])
        #expect(result.status == 1)
        #expect(result.errorLine.contains("64 KiB"), "\(result)")
    }

    @Test("--set-secret removes exactly one line ending (\\n, \\r\\n or \\r) and refuses an empty value", arguments: [
        ("s3cret\r\n", "s3cret"), ("s3cret\n", "s3cret"), ("s3cret\r", "s3cret"), ("s3cret", "s3cret"),
    ])
    func secretLineEndings(input: String, stored: String) async throws {
        let sb = try CLISandbox()
        let id = try await sb.deployTestSync()
        try await sb.ok(["configure", id, "--set-secret", "api.password"], stdin: input)
        let reveal = try await sb.run(["show", id, "api", "--json", "--reveal"]).json()
        let fields = (reveal["fields"] as? [[String: Any]]) ?? []
        #expect(fields.first { $0["key"] as? String == "password" }?["value"] as? String == stored)
    }

    @Test("--set-secret with only a line ending is refused, not a crash", arguments: ["\r\n", "\n", "\r"])
    func secretOnlyLineEnding(input: String) async throws {
        let sb = try CLISandbox()
        let id = try await sb.deployTestSync()
        let result = try await sb.run(["configure", id, "--set-secret", "api.password"], stdin: input)
        #expect(result.status == 1, "\(result)")
        #expect(result.errorLine.contains("empty"))
    }

    @Test("--set of a password field is refused with a pointer to --set-secret (exit 2)")
    func passwordOnCommandLineRefused() async throws {
        let sb = try CLISandbox()
        let id = try await sb.deployTestSync()
        let result = try await sb.run(["configure", id, "--set", "api.password=CMDLINE-SECRET"])
        #expect(result.status == 2)
        #expect(result.errorLine.contains("--set-secret api.password"))
        #expect(!result.stderr.contains("CMDLINE-SECRET"))
    }

    @Test("an invalid value exits non-zero naming the field, and nothing changes")
    func invalidValue() async throws {
        let sb = try CLISandbox()
        let id = try await sb.deployTestSync()
        let before = try await sb.ok(["show", id, "api", "--json", "--reveal"]).stdout
        let logsBefore = try await sb.ok(["logs", id, "--json"]).stdout
        for (target, value) in Self.invalidValues {
            let result = try await sb.run(["configure", id, "--set", "api.username=alice", "--set", "\(target)=\(value)"])
            #expect(result.status != 0, "\(result)")
            #expect(result.errorLine.contains(String(target.split(separator: ".")[1])), "names the field: \(result.errorLine)")
            #expect(!result.errorLine.isEmpty && !result.errorLine.contains("\n"))
            #expect(!result.stderr.contains(value), "an error never repeats the value: \(result)")
        }
        #expect(try await sb.ok(["show", id, "api", "--json", "--reveal"]).stdout == before)
        #expect(try await sb.ok(["logs", id, "--json"]).stdout == logsBefore)
    }

    @Test("unknown instance or variable: exit 4 and the name on stderr; malformed --set: usage error")
    func unknownTargets() async throws {
        let sb = try CLISandbox()
        let id = try await sb.deployTestSync()
        let instance = try await sb.run(["configure", "globex/test-sync", "--set", "api.username=x"])
        #expect(instance.status == 4)
        #expect(instance.errorLine.contains("globex/test-sync"))
        let variable = try await sb.run(["show", id, "ghost", "--json"])
        #expect(variable.status == 4)
        #expect(variable.errorLine.contains("ghost"))
        let malformed = try await sb.run(["configure", id, "--set", "api.username"])
        #expect(malformed.status == 2)
        #expect(malformed.errorLine.contains("VAR.FIELD=VALUE"))
    }

    // MARK: roles

    @Test("customer role: only own instances, hidden fields absent, hidden fields refused, --reveal refused")
    func customerRole() async throws {
        let sb = try CLISandbox()
        let acme = try await sb.deployTestSync(customer: "acme")
        let globex = try #require(try await sb.json(["deploy", "test-sync", "--customer", "globex"])["id"] as? String)
        let asAcme = ["--role", "customer", "--customer", "acme"]

        let status = try await sb.json(["status"] + asAcme)
        #expect((status["instances"] as? [[String: Any]])?.compactMap { $0["id"] as? String } == [acme])
        let instances = try await sb.json(["instances"] + asAcme)
        #expect((instances["instances"] as? [[String: Any]])?.compactMap { $0["id"] as? String } == [acme])

        for command in [["show", globex, "api"], ["status", globex], ["logs", globex], ["configure", globex, "--set", "api.username=x"]] {
            let result = try await sb.run(command + asAcme + (command[0] == "configure" ? [] : ["--json"]))
            #expect(result.status == 4, "\(result)")
            #expect(result.errorLine.contains("unknown instance"))
        }

        let fields = try await sb.fields(acme, "api", extra: asAcme)
        #expect(fields["username"] != nil)
        #expect(fields["tenant"] == nil)
        #expect(fields["apiSecret"] == nil)
        #expect(fields.values.allSatisfy { $0["customerVisible"] as? Bool == true })

        let reveal = try await sb.run(["show", acme, "api", "--json", "--reveal"] + asAcme)
        #expect(reveal.status == 5, "\(reveal)")
        #expect(reveal.errorLine.contains("--reveal"))
        #expect(reveal.stdout.isEmpty)

        let hidden = try await sb.run(["configure", acme, "--set", "api.tenant=evil"] + asAcme)
        #expect(hidden.status != 0, "\(hidden)")
        #expect(hidden.errorLine.contains("tenant"))
        #expect(try await sb.fields(acme, "api")["tenant"]?["value"] as? String == "integration-tenant")

        try await sb.ok(["configure", acme, "--set", "api.username=self-service"] + asAcme)
        #expect(try await sb.fields(acme, "api")["username"]?["value"] as? String == "self-service")
        let log = try await sb.logEntries([acme, "api", "--limit", "1"])
        #expect(log.first?["user"] as? String == "\(osUserName()) (customer acme)")
    }

    // MARK: conflicts

    @Test("two sessions: a stale --if-revision exits 3 with a conflict message and does not overwrite")
    func conflict() async throws {
        let sb = try CLISandbox()
        let id = try await sb.deployTestSync()
        let revision = try #require(try await sb.json(["show", id, "api"])["revision"] as? Int)
        // Session one saves.
        try await sb.ok(["configure", id, "--if-revision", "\(revision)", "--set", "api.username=session-one"])
        // Session two still holds the old revision.
        let stale = try await sb.run(["configure", id, "--if-revision", "\(revision)", "--set", "api.username=session-two"])
        #expect(stale.status == 3, "\(stale)")
        #expect(stale.errorLine.contains("another session"))
        #expect(stale.errorLine.contains("revision"))
        #expect(try await sb.fields(id, "api")["username"]?["value"] as? String == "session-one")
        #expect(try await sb.json(["show", id, "api"])["revision"] as? Int == revision + 1)
    }

    @Test("eight concurrent configure processes, each setting its own field: all succeed and all values land")
    func concurrentWriters() async throws {
        let sb = try CLISandbox()
        let file = try sb.write("wide.yaml", Fixtures.wide)
        try await sb.ok(["import", file])
        let id = try #require(try await sb.json(["deploy", "wide-sync", "--customer", "acme"])["id"] as? String)
        let results = try await withThrowingTaskGroup(of: CLIResult.self) { group in
            for n in 1...8 {
                group.addTask { try await sb.run(["configure", id, "--set", "wide.f\(n)=value-\(n)"], unthrottled: true) }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        for result in results {
            #expect(result.status == 0, "\(result)")
            #expect(!result.stderr.contains("locked"), "\(result)")
        }
        let fields = try await sb.fields(id, "wide")
        for n in 1...8 {
            #expect(fields["f\(n)"]?["value"] as? String == "value-\(n)")
        }
        #expect(try await sb.json(["show", id, "wide"])["revision"] as? Int == 9)
    }

    @Test("eight sessions starting at once on a new database without a key: all succeed and share one key")
    func concurrentFirstRun() async throws {
        let sb = try CLISandbox(masterKey: nil)
        let file = try sb.write("test-api.yaml", Fixtures.testAPI)
        let results = try await withThrowingTaskGroup(of: CLIResult.self) { group in
            for _ in 1...8 { group.addTask { try await sb.run(["import", file], unthrottled: true) } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        for result in results { #expect(result.status == 0, "\(result)") }
        let integrations = try #require(try await sb.json(["integrations"])["integrations"] as? [[String: Any]])
        #expect(integrations.first?["versions"] as? [Int] == [1], "one version however many imported it")
        let id = try #require(try await sb.json(["deploy", "test-sync", "--customer", "acme"])["id"] as? String)
        #expect(try await sb.fields(id, "api", extra: ["--reveal"])["apiSecret"]?["value"] as? String == Fixtures.integrationSecretDefault)
    }

    @Test("eight concurrent writers holding the same revision: exactly one wins, the rest get a conflict")
    func concurrentConflicts() async throws {
        let sb = try CLISandbox()
        let file = try sb.write("wide.yaml", Fixtures.wide)
        try await sb.ok(["import", file])
        let id = try #require(try await sb.json(["deploy", "wide-sync", "--customer", "acme"])["id"] as? String)
        let revision = try #require(try await sb.json(["show", id, "wide"])["revision"] as? Int)
        let results = try await withThrowingTaskGroup(of: CLIResult.self) { group in
            for n in 1...8 {
                group.addTask { try await sb.run(["configure", id, "--if-revision", "\(revision)", "--set", "wide.f1=writer-\(n)"], unthrottled: true) }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        let winners = results.filter { $0.status == 0 }
        #expect(winners.count == 1, "\(results)")
        #expect(results.filter { $0.status == 3 }.count == 7, "\(results)")
        let winner = try #require(winners.first?.arguments.last)
        #expect(try await sb.fields(id, "wide")["f1"]?["value"] as? String == String(winner.dropFirst("wide.f1=".count)))
    }
}
