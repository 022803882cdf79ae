import Foundation
import Synchronization
import SwitchboardCore
import SwitchboardTestSupport
import Testing

/// One private Switchboard home (database, master key, XDG dirs) driving the BUILT binary
/// as a subprocess. Every output of every command is kept, so a test can assert at the
/// end that no secret ever reached stdout, stderr, a log or the database in plain text.
final class SwitchboardSandbox: Sendable {
    let directory: String
    let environment: [String: String]
    let instance = "acme/local-oauth-demo"
    private let transcript = Mutex<[String]>([])

    static let steps = ["confidential": "whoami-confidential", "confidentialBody": "whoami-confidential-body", "public": "whoami-public",
                        "device": "whoami-device", "service": "whoami-service"]
    /// Client secrets of the example (component defaults, sealed in the database).
    static let clientSecrets = ["sb-confidential-secret", "sb-service-secret"]

    init() throws {
        guard FileManager.default.isExecutableFile(atPath: EndToEnd.binary) else {
            throw EndToEndError("the switchboard binary is missing at \(EndToEnd.binary): run `swift build` first (or set SWITCHBOARD_BIN)")
        }
        directory = try EndToEnd.temporaryDirectory("sb-oauth-e2e")
        databasePath = try TestDatabase.freshLocation(in: directory)
        var environment = ProcessInfo.processInfo.environment
        environment["SWITCHBOARD_DB"] = databasePath
        environment["SWITCHBOARD_MASTER_KEY"] = Data((0..<32).map { _ in UInt8.random(in: 0...255) }).base64EncodedString()
        environment["XDG_CONFIG_HOME"] = directory + "/config"
        environment["XDG_DATA_HOME"] = directory + "/data"
        environment["SWITCHBOARD_CALLBACK_URL"] = nil
        self.environment = environment
    }

    /// A SQLite file in the sandbox, or a PostgreSQL database of its own (`TestDatabase`).
    let databasePath: String

    /// Runs `switchboard ARGS` to its end. `secretOutput` keeps the output out of the
    /// transcript (only for `run`, whose job is to hand tokens to code).
    @discardableResult
    func run(_ arguments: [String], stdin: String? = nil, secretOutput: Bool = false, timeout: Duration = .seconds(120)) async throws -> (status: Int32, stdout: String, stderr: String) {
        let result = try await EndToEnd.run(EndToEnd.binary, arguments, environment: environment, stdin: stdin, timeout: timeout)
        if !secretOutput { record(result.stdout, result.stderr) }
        return result
    }

    /// Runs and requires exit 0.
    @discardableResult
    func ok(_ arguments: [String], stdin: String? = nil, sourceLocation: SourceLocation = #_sourceLocation) async throws -> String {
        let result = try await run(arguments, stdin: stdin)
        #expect(result.status == 0, "switchboard \(arguments.joined(separator: " ")) exited \(result.status): \(result.stderr)", sourceLocation: sourceLocation)
        return result.stdout
    }

    /// Starts `switchboard ARGS` in the background.
    func spawn(_ arguments: [String]) throws -> ChildProcess {
        try ChildProcess(EndToEnd.binary, arguments, environment: environment)
    }

    /// Keeps a finished child's output for the secret scan.
    func record(_ child: ChildProcess) { record(child.stdout, child.stderr) }

    func record(_ texts: String...) { transcript.withLock { $0 += texts } }

    /// Imports examples/local-oauth.yaml, deploys it for customer acme (optionally more
    /// instances) and points every connection at the provider.
    func setUpDemo(_ provider: LocalProvider, instances: [String] = ["acme/local-oauth-demo"]) async throws {
        try await ok(["import", EndToEnd.root + "/examples/local-oauth.yaml"])
        for name in instances {
            try await ok(["deploy", "local-oauth-demo", "--customer", "acme", "--name", name])
            let sets = Self.steps.keys.sorted().flatMap { ["--set", "\($0).baseUrl=\(provider.baseURL)"] }
            try await ok(["configure", name] + sets)
        }
    }

    /// The connection's current tokens as `switchboard run` hands them to a step's code
    /// (exit 3: an execution failure that leaves the connection status alone).
    func accessToken(_ variable: String, instance: String? = nil) async throws -> String? {
        let step = try #require(Self.steps[variable])
        let result = try await run(["run", instance ?? self.instance, step, "--", "/bin/sh", "-c", "cat >/dev/null; cat \"$SWITCHBOARD_CONNECTION_FILE\"; exit 3"],
                                   secretOutput: true)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any], "run printed: \(result.stdout) \(result.stderr)")
        return (object["token"] as? [String: Any])?["access_token"] as? String
    }

    func status(_ variable: String, instance: String? = nil) async throws -> (status: String, reason: String?) {
        let out = try await ok(["status", instance ?? self.instance, "--json"])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(out.utf8)) as? [String: Any])
        let connections = try #require(((object["instances"] as? [[String: Any]])?.first)?["connections"] as? [[String: Any]])
        let row = try #require(connections.first { $0["variable"] as? String == variable })
        return (row["status"] as? String ?? "?", row["reason"] as? String)
    }

    func logs(_ variable: String? = nil, instance: String? = nil) async throws -> [String] {
        var arguments = ["logs", instance ?? self.instance, "--json", "--limit", "500"]
        if let variable { arguments.append(variable) }
        let out = try await ok(arguments)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(out.utf8)) as? [String: Any])
        return (object["entries"] as? [[String: Any]] ?? []).compactMap { $0["message"] as? String }
    }

    /// No secret in any output so far, in any log, or in the database files' bytes.
    func expectNoPlainSecrets(_ secrets: [String], sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let secrets = (secrets + Self.clientSecrets).filter { $0.count >= 6 }
        let logText = try await run(["logs", instance, "--json", "--limit", "10000"]).stdout
        let raw = try TestDatabase.rawContents(of: databasePath)
        let outputs = transcript.withLock { $0.joined(separator: "\n") }
        for secret in secrets {
            #expect(!outputs.contains(secret), "a secret (\(secret.prefix(4))…) appeared in switchboard's stdout or stderr", sourceLocation: sourceLocation)
            #expect(!logText.contains(secret), "a secret (\(secret.prefix(4))…) appeared in a connection log", sourceLocation: sourceLocation)
            #expect(!raw.contains(secret), "a secret (\(secret.prefix(4))…) is in plain text in the database", sourceLocation: sourceLocation)
        }
    }

    /// Moves every stored token's expiry to `seconds` from now, as if time had passed (the
    /// expiry column is plain; the tokens themselves stay sealed).
    func makeTokensExpire(in seconds: Int) async throws {
        let expiry = Timestamp.string(from: Date().addingTimeInterval(TimeInterval(seconds)))
        try TestDatabase.sql(databasePath, "UPDATE \"token\" SET \"expiresAt\" = '\(expiry)'")
    }

    /// connect → the URL on stdout → the scripted browser approves → exit 0.
    func connect(_ variable: String, instance: String? = nil, sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let child = try spawn(["connect", instance ?? self.instance, variable])
        let browser = try await ScriptedBrowser.authorize(try await child.firstLine(sourceLocation: sourceLocation))
        #expect(browser.status == 0, "browser: \(browser.log)", sourceLocation: sourceLocation)
        let status = try await child.exitStatus(sourceLocation: sourceLocation)
        record(child)
        #expect(status == 0, "connect exited \(status): \(child.stderr)", sourceLocation: sourceLocation)
    }

    func remove() {
        TestDatabase.release(databasePath)
        try? FileManager.default.removeItem(atPath: directory)
    }
}

/// The scripted browser (scripts/oauth-browser.py): logs in as alice, answers the real
/// consent page, follows the redirect to the catcher unless told not to.
enum ScriptedBrowser {
    static func authorize(_ url: String, approve: Bool = true, follow: Bool = true) async throws -> (status: Int32, finalURL: String, log: String) {
        var arguments = [EndToEnd.browserScript, url, approve ? "--approve" : "--deny"]
        if !follow { arguments.append("--no-follow") }
        let result = try await EndToEnd.run(EndToEnd.python, arguments)
        return (result.status, result.stdout.split(separator: "\n").last.map(String.init) ?? "", result.stderr)
    }

    static func approveDevice(_ verificationURIComplete: String) async throws -> (status: Int32, output: String) {
        let result = try await EndToEnd.run(EndToEnd.python, [EndToEnd.browserScript, "--device", verificationURIComplete, "--approve"])
        return (result.status, result.stdout + result.stderr)
    }

    /// The `code` of a redirect URL (to check it never leaks).
    static func code(in url: String) -> String? {
        guard let mark = url.firstIndex(of: "?") else { return nil }
        return FormEncoding.decodeFields(String(url[url.index(after: mark)...]))["code"]
    }
}

