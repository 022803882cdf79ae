import Foundation
import Testing
@testable import SwitchboardCore

@Suite("CLI: trust model (roles, signals, key file, terminal-safe output)")
struct CLITrustTests {
    @Test("run and callback-server are refused for customers with exit 5; a customer deploys only inside their namespace", arguments: [
        ["run", "ID", "fetch", "--", "cat"],
        ["callback-server", "--listen", "127.0.0.1:0"],
        ["deploy", "test-sync", "--customer", "acme", "--name", "globex/test-sync"],
        ["show", "ID", "api", "--reveal"],
    ])
    func customerRefusals(arguments: [String]) async throws {
        let sb = try CLISandbox()
        let id = try await sb.deployTestSync()
        // The role goes before the arguments of run's command (everything after -- is the step's).
        let result = try await sb.run(Array(arguments.prefix(1)) + ["--role", "customer", "--customer", "acme"]
                                      + arguments.dropFirst().map { $0 == "ID" ? id : $0 })
        #expect(result.status == 5, "\(result)")
        #expect(!result.stdout.contains(Fixtures.integrationSecretDefault) && !result.stdout.contains("integration-tenant"))
        #expect(try await sb.run(["instances", "--json"]).stdout.contains("globex") == false)
    }

    @Test("SIGTERM, SIGINT or SIGHUP to run removes the connection file at once, stops the child and records the interrupted run",
          arguments: [SIGTERM, SIGINT, SIGHUP])
    func runInterrupted(signal: Int32) async throws {
        let sb = try CLISandbox()
        let id = try await sb.deployTestSync()
        let marker = sb.directory + "/files/started-\(signal)"
        let child = try ChildProcess(CLISandbox.binary, [
            "run", id, "fetch", "--", "sh", "-c", "printf '%s' \"$SWITCHBOARD_CONNECTION_FILE\" > \(marker).tmp && mv \(marker).tmp \(marker); exec sleep 60",
        ], environment: sb.environment)
        try await child.waitFor("the step to start") { _ in FileManager.default.fileExists(atPath: marker) }
        let file = try String(contentsOfFile: marker, encoding: .utf8)
        #expect(FileManager.default.fileExists(atPath: file))
        child.signal(signal)
        let status = try await child.exitStatus(timeout: .seconds(30))
        #expect(status != 0)
        #expect(!FileManager.default.fileExists(atPath: file), "the connection file outlived the run")
        #expect(!FileManager.default.fileExists(atPath: (file as NSString).deletingLastPathComponent))
        let entries = try await sb.logEntries([id, "api"])
        #expect(entries.contains { ($0["message"] as? String)?.contains("interrupted by") == true }, "\(entries)")
    }

    @Test("a connection file left by a killed run is swept by the next run")
    func abandonedFilesAreSwept() async throws {
        let sb = try CLISandbox()
        let id = try await sb.deployTestSync()
        // A pid that cannot be running: above the kernel's pid_max.
        let dir = sb.directory + "/tmp/switchboard-run-99999999-abcdef"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try "{\"token\": \"LEFT-BEHIND\"}".write(toFile: dir + "/connection.json", atomically: false, encoding: .utf8)
        _ = try await sb.run(["run", id, "push", "--", "true"])
        #expect(!FileManager.default.fileExists(atPath: dir + "/connection.json"))
    }

    @Test("a key file readable by group or others is refused, as ssh refuses such a private key")
    func keyFilePermissions() async throws {
        let sb = try CLISandbox(masterKey: nil)
        #expect(try await sb.deployTestSyncResult().status == 0)
        let keyFile = sb.directory + "/config/switchboard/master.key"
        #expect(FileManager.default.fileExists(atPath: keyFile))
        chmod(keyFile, 0o644)
        let refused = try await sb.run(["deploy", "test-sync", "--customer", "globex"])
        #expect(refused.status == 1)
        #expect(refused.errorLine.contains("chmod 600"), "\(refused)")
        chmod(keyFile, 0o600)
        try await sb.ok(["deploy", "test-sync", "--customer", "globex"])
    }

    @Test("control characters from names, provider text and file paths reach no terminal raw")
    func terminalSafeOutput() async throws {
        let sb = try CLISandbox()
        _ = try await sb.deployTestSync()
        let hostile = ["import", sb.directory + "/files/no\u{1B}]0;owned\u{07}such\u{9B}2J.yaml"]
        // The store's location is outside input too: a file path, a URL with a raw or an
        // encoded control character, `db copy`'s source and target.
        let stores = [["status", "--db", sb.directory + "/files/db\u{1B}]0;owned\u{07}.sqlite"],
                      ["status", "--db", "postgres://u\u{1B}[2J@127.0.0.1:1/db"],
                      ["db", "migrate", "--db", "postgres://u%1B%5B2J@127.0.0.1:1/db%07"],
                      ["db", "copy", sb.directory + "/files/no\u{1B}[2J.sqlite", sb.directory + "/files/copy.sqlite"],
                      ["db", "copy", sb.databasePath, "postgres://u@127.0.0.1:1/db?application_name=a%1B%5B2J", "--json"]]
        for arguments in [hostile, ["show", "acme/\u{1B}[2Jnothing", "api"], ["logs", "x\u{202E}gpj.exe"], ["deploy", "nope\u{1B}[31m", "--customer", "acme"]] + stores {
            let result = try await sb.run(arguments)
            #expect(result.status != 0)
            for output in [result.stdout, result.stderr] {
                #expect(!output.unicodeScalars.contains { TerminalText.isControl($0) && $0 != "\n" }, "\(result)")
            }
        }
        // A copy into a file whose name carries control characters works, and says so escaped.
        for form in [[], ["--json"]] {
            let copied = try await sb.run(["db", "copy", sb.databasePath, sb.directory + "/files/copy\u{1B}[2J\(form.count).sqlite"] + form)
            #expect(copied.status == 0, "\(copied)")
            #expect(!(copied.stdout + copied.stderr).unicodeScalars.contains { TerminalText.isControl($0) && $0 != "\n" }, "\(copied)")
        }
        let json = try await sb.run(["show", "acme/\u{1B}x", "api", "--json"])
        #expect(!json.stderr.unicodeScalars.contains { TerminalText.isControl($0) && $0 != "\n" })
    }

    @Test("definition keys and labels refuse control characters, naming the key's own line")
    func definitionControlCharacters() async throws {
        let sb = try CLISandbox()
        let file = try sb.write("bad.yaml", "component: ok\nlabel: Fine\nactions: [go]\nconnections:\n  - key: basic\n    label: \"B\\e[2J\"\n    fields: []\n")
        let result = try await sb.run(["import", file])
        #expect(result.status == 1)
        #expect(result.errorLine.contains("bad.yaml:6"), "\(result)")
        #expect(!result.stderr.unicodeScalars.contains { TerminalText.isControl($0) && $0 != "\n" })
    }
}

extension CLISandbox {
    /// Imports test-api and deploys test-sync, returning the deploy's result as it is.
    func deployTestSyncResult() async throws -> CLIResult {
        let file = try write("test-api.yaml", Fixtures.testAPI)
        _ = try await run(["import", file])
        return try await run(["deploy", "test-sync", "--customer", "acme", "--json"])
    }
}
