import Foundation

/// One test's private world: a temporary directory holding the database, the XDG
/// directories and a fixed master key, and the CLI run against it.
final class Sandbox: Sendable {
    let directory: String
    let environment: [String: String]

    static let masterKey = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="

    init(_ name: String) throws {
        directory = try EndToEnd.temporaryDirectory("sb-e2e-\(name)")
        var environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("SWITCHBOARD_") && $0.key != "NO_COLOR" && $0.key != "TMUX" }
        environment["SWITCHBOARD_DB"] = directory + "/switchboard.sqlite"
        environment["XDG_CONFIG_HOME"] = directory + "/config"
        environment["XDG_DATA_HOME"] = directory + "/data"
        environment["SWITCHBOARD_MASTER_KEY"] = Self.masterKey
        environment["LANG"] = "C.UTF-8"
        environment["LC_ALL"] = "C.UTF-8"
        self.environment = environment
    }

    var binary: String { EndToEnd.binary }

    /// Runs `switchboard ARGS` against this sandbox.
    @discardableResult
    func cli(_ arguments: [String], stdin: String? = nil) async throws -> CommandResult {
        try await EndToEnd.run(binary, arguments, environment: environment, stdin: stdin)
    }

    /// Runs a command that must succeed, failing with its stderr otherwise.
    @discardableResult
    func ok(_ arguments: String...) async throws -> CommandResult {
        let result = try await cli(arguments)
        guard result.status == 0 else {
            throw EndToEndError("switchboard \(arguments.joined(separator: " ")) exited \(result.status): \(result.stderr)")
        }
        return result
    }

    /// Runs a `--json` command that must succeed and decodes its output.
    func json(_ arguments: String...) async throws -> [String: Any] {
        let result = try await cli(arguments)
        guard result.status == 0 else {
            throw EndToEndError("switchboard \(arguments.joined(separator: " ")) exited \(result.status): \(result.stderr)")
        }
        guard let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any] else {
            throw EndToEndError("switchboard \(arguments.joined(separator: " ")) did not print a JSON object: \(result.stdout)")
        }
        return object
    }

    /// The command line that starts the wizard in this sandbox. tmux passes the pane the
    /// environment of the client that started its server (this sandbox's) plus its own TERM.
    func wizardCommand(_ arguments: [String] = [], extraEnvironment: [String: String] = [:]) -> [String] {
        let variables = extraEnvironment.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        return (variables.isEmpty ? [] : ["/usr/bin/env"] + variables) + [binary] + arguments
    }

    /// Status of one connection from `status INSTANCE --json`.
    func status(_ instance: String, _ variable: String) async throws -> String {
        let status = try await json("status", instance, "--json")
        let instances = status["instances"] as? [[String: Any]] ?? []
        let connections = instances.first?["connections"] as? [[String: Any]] ?? []
        guard let connection = connections.first(where: { $0["variable"] as? String == variable }),
              let value = connection["status"] as? String else {
            throw EndToEndError("status --json has no connection \(variable): \(status)")
        }
        return value
    }

    /// The connection config variables of an instance, in the order the wizard lists them.
    func variables(_ instance: String) async throws -> [String] {
        let status = try await json("status", instance, "--json")
        let instances = status["instances"] as? [[String: Any]] ?? []
        return (instances.first?["connections"] as? [[String: Any]] ?? []).compactMap { $0["variable"] as? String }
    }

    /// Field key → value from `show INSTANCE VAR --json --reveal`.
    func values(_ instance: String, _ variable: String) async throws -> [String: String] {
        let shown = try await json("show", instance, variable, "--json", "--reveal")
        var values: [String: String] = [:]
        for field in shown["fields"] as? [[String: Any]] ?? [] {
            if let key = field["key"] as? String, let value = field["value"] as? String { values[key] = value }
        }
        return values
    }

    func remove() {
        try? FileManager.default.removeItem(atPath: directory)
    }
}
