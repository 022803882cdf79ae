import Foundation
import Testing
@testable import SwitchboardCore

@Suite("CLI: run")
struct CLIRunTests {
    /// A step that records what it was handed, writes two stderr lines and exits with $2.
    static let step = """
        #!/bin/sh
        out="$1"
        cat > "$out/stdin.json"
        cp "$SWITCHBOARD_CONNECTION_FILE" "$out/file.json"
        ls -l "$SWITCHBOARD_CONNECTION_FILE" | cut -c1-10 > "$out/mode"
        printf '%s' "$SWITCHBOARD_CONNECTION_FILE" > "$out/path"
        printf '%s' "${SWITCHBOARD_MASTER_KEY:-unset}" > "$out/key"
        echo "first line of stderr" >&2
        echo "$3" >&2
        exit "$2"

        """

    static let password = "SECRET-RUN-PASSWORD-0c1d"

    /// A configured test-sync instance and the step script.
    func prepare() async throws -> (CLISandbox, String, String) {
        let sb = try CLISandbox()
        let id = try await sb.deployTestSync()
        try await sb.ok(["configure", id, "--set", "api.username=runner"])
        try await sb.ok(["configure", id, "--set-secret", "api.password"], stdin: Self.password)
        let script = try sb.write("step.sh", Self.step, mode: 0o755)
        return (sb, id, script)
    }

    func outputDirectory(_ sb: CLISandbox) throws -> String {
        let dir = sb.directory + "/files/out-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    @Test("exit 0: the code gets the connection on stdin and in a 0600 file deleted afterwards; status ok")
    func success() async throws {
        let (sb, id, script) = try await prepare()
        #expect(try await sb.connection(id, "api")["status"] as? String == "configured")
        let out = try outputDirectory(sb)
        let result = try await sb.run(["run", id, "push", "--", script, out, "0", "all good"])
        #expect(result.status == 0, "\(result)")

        let stdinData = try #require(FileManager.default.contents(atPath: out + "/stdin.json"))
        let fileData = try #require(FileManager.default.contents(atPath: out + "/file.json"))
        #expect(stdinData == fileData)
        let payload = try #require(try JSONSerialization.jsonObject(with: stdinData) as? [String: Any])
        for key in ["variable", "component", "connectionType", "fields", "token", "metadata"] {
            #expect(payload.keys.contains(key), "payload lacks \(key)")
        }
        #expect(payload["variable"] as? String == "api")
        #expect(payload["component"] as? String == "test-api")
        #expect(payload["connectionType"] as? String == "basic")
        #expect(payload["token"] is NSNull)
        #expect(payload["metadata"] is [String: Any])
        let fields = try #require(payload["fields"] as? [String: String])
        #expect(fields["username"] == "runner")
        #expect(fields["password"] == Self.password)
        #expect(fields["apiSecret"] == Fixtures.integrationSecretDefault)
        #expect(fields["endpoint"] == "https://api.test.example/eu/runner")

        let mode = try String(contentsOfFile: out + "/mode", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(mode == "-rw-------")
        let path = try String(contentsOfFile: out + "/path", encoding: .utf8)
        #expect(!path.isEmpty)
        #expect(!FileManager.default.fileExists(atPath: path), "the connection file is deleted afterwards")
        #expect(!FileManager.default.fileExists(atPath: (path as NSString).deletingLastPathComponent))

        let key = try String(contentsOfFile: out + "/key", encoding: .utf8)
        #expect(key == "unset", "the step's code is not handed the master key")

        let connection = try await sb.connection(id, "api")
        #expect(connection["status"] as? String == "ok")
        #expect(connection["reason"] is NSNull)
        let newest = try #require(try await sb.logEntries([id, "api", "--limit", "1"]).first)
        #expect(newest["source"] as? String == "run")
        #expect((newest["message"] as? String)?.contains("push") == true)
    }

    @Test("exit 78: status error with the last stderr line as reason, its secret redacted in status and logs")
    func connectionError() async throws {
        let (sb, id, script) = try await prepare()
        let out = try outputDirectory(sb)
        let last = "401 from api.test.example for runner:\(Self.password)"
        let result = try await sb.run(["run", id, "fetch", "--", script, out, "78", last])
        #expect(result.status == 78, "\(result)")
        let connection = try await sb.connection(id, "api")
        #expect(connection["status"] as? String == "error")
        #expect(connection["reason"] as? String == "401 from api.test.example for runner:[redacted]")
        let entries = try await sb.logEntries([id, "api"])
        let newest = try #require(entries.first)
        #expect(newest["level"] as? String == "error")
        #expect((newest["message"] as? String)?.contains("401 from api.test.example for runner:[redacted]") == true)
        let logs = try await sb.ok(["logs", id, "--json", "--limit", "1000"]).stdout
        #expect(!logs.contains(Self.password))
        #expect(!(try await sb.ok(["status", "--json"]).stdout.contains(Self.password)))

        // A value change returns it to configured.
        try await sb.ok(["configure", id, "--set", "api.username=runner2"])
        let fixed = try await sb.connection(id, "api")
        #expect(fixed["status"] as? String == "configured")
        #expect(fixed["reason"] is NSNull)
    }

    @Test("customer role: a reason that shows a hidden field's value is masked in status and show")
    func customerReasonsHideHiddenFields() async throws {
        let (sb, id, script) = try await prepare()
        try await sb.ok(["configure", id, "--set", "api.tenant=TEAM-ONLY-TENANT-77"])
        let out = try outputDirectory(sb)
        let result = try await sb.run(["run", id, "fetch", "--", script, out, "78", "403: TEAM-ONLY-TENANT-77 is suspended"])
        #expect(result.status == 78, "\(result)")
        #expect(try await sb.connection(id, "api")["reason"] as? String == "403: TEAM-ONLY-TENANT-77 is suspended")

        let asCustomer = ["--role", "customer", "--customer", "acme"]
        let shown = try await sb.json(["show", id, "api", "--json"] + asCustomer)
        #expect(shown["reason"] as? String == "403: \(HiddenFieldRedactor.mask) is suspended")
        #expect(shown["status"] as? String == "error")
        let status = try await sb.ok(["status", "--json"] + asCustomer).stdout
        #expect(status.contains("403: \(HiddenFieldRedactor.mask) is suspended"), "\(status)")
        #expect(!status.contains("TEAM-ONLY-TENANT-77"))
        #expect(!(try await sb.ok(["show", id, "api"] + asCustomer).stdout.contains("TEAM-ONLY-TENANT-77")))

        // Without the right master key the reason cannot be checked: withheld, the listing still works.
        let wrongKey = try await sb.run(["status", "--json"] + asCustomer, environment: [MasterKey.environmentVariable: randomMasterKey()])
        #expect(wrongKey.status == 0, "\(wrongKey)")
        #expect(wrongKey.stdout.contains(Store.withheldReason), "\(wrongKey)")
        #expect(!wrongKey.stdout.contains("TEAM-ONLY-TENANT-77"))
    }

    @Test("any other exit: logged as an execution failure, status unchanged, run exits with the code's status")
    func otherFailure() async throws {
        let (sb, id, script) = try await prepare()
        let out = try outputDirectory(sb)
        try await sb.ok(["run", id, "fetch", "--", script, out, "0", "fine"])
        let before = try await sb.connection(id, "api")
        #expect(before["status"] as? String == "ok")
        for code in [3, 1] {
            let result = try await sb.run(["run", id, "fetch", "--", script, out, "\(code)", "disk is full (\(code))"])
            #expect(result.status == Int32(code), "\(result)")
            let after = try await sb.connection(id, "api")
            #expect(after["status"] as? String == "ok")
            #expect(after["updatedAt"] as? String == before["updatedAt"] as? String)
            let newest = try #require(try await sb.logEntries([id, "api", "--limit", "1"]).first)
            #expect(newest["level"] as? String == "warning")
            #expect((newest["message"] as? String)?.contains("exit \(code)") == true)
            #expect((newest["message"] as? String)?.contains("disk is full (\(code))") == true)
        }
    }

    @Test("a process the code leaves running in the background (holding stderr) does not keep run waiting")
    func backgroundProcessHoldingStderr() async throws {
        let (sb, id, _) = try await prepare()
        let out = try outputDirectory(sb)
        let script = try sb.write("detach.sh", """
            #!/bin/sh
            sleep 600 >/dev/null &
            echo $! > "$1/background.pid"
            echo "token expired: reconnect" >&2
            exit 78

            """, mode: 0o755)
        let result = try await sb.run(["run", id, "fetch", "--", script, out])
        if let pid = Int32((try? String(contentsOfFile: out + "/background.pid", encoding: .utf8))?
            .trimmingCharacters(in: .whitespacesAndNewlines) ?? "") { kill(pid, SIGKILL) }
        #expect(result.status == 78, "\(result)")
        let connection = try await sb.connection(id, "api")
        #expect(connection["status"] as? String == "error")
        #expect((connection["reason"] as? String)?.contains("token expired: reconnect") == true, "\(connection)")
    }

    @Test("run refuses an unknown step, and a missing command, without running anything")
    func badInvocation() async throws {
        let (sb, id, _) = try await prepare()
        let step = try await sb.run(["run", id, "no-such-step", "--", "true"])
        #expect(step.status == 4, "\(step)")
        #expect(step.errorLine.contains("no-such-step"))
        let command = try await sb.run(["run", id, "fetch"])
        #expect(command.status == 2, "\(command)")
        #expect(try await sb.connection(id, "api")["status"] as? String == "configured")
    }
}
