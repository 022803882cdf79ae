import Foundation

/// The project's local OAuth 2.0 provider (scripts/oauth-provider.sh: django-oauth-toolkit
/// on 127.0.0.1) in a state directory of its own. A provider that cannot start fails the
/// test with the script's reason; nothing is skipped.
struct LocalProvider: Sendable {
    let stateDirectory: String
    let baseURL: String

    static var script: String { EndToEnd.root + "/scripts/oauth-provider.sh" }

    /// Starts on any free port. The first start on a machine sets up the venv (.venv/,
    /// about 40 s), hence the long deadline.
    static func start(in sandbox: Sandbox) async throws -> LocalProvider {
        let directory = sandbox.directory + "/provider"
        let result = try await EndToEnd.run("/bin/bash", [script, "start", "--port", "0", "--state-dir", directory],
                                            environment: sandbox.environment, timeout: .seconds(300))
        let url = result.stdout.split(separator: "\n").last.map { String($0).trimmingCharacters(in: .whitespaces) } ?? ""
        guard result.status == 0, url.hasPrefix("http://127.0.0.1:") else {
            throw EndToEndError("the local OAuth provider did not start (scripts/oauth-provider.sh start exited \(result.status)): "
                                + result.stderr.trimmingCharacters(in: .whitespacesAndNewlines))
        }
        return LocalProvider(stateDirectory: directory, baseURL: url)
    }

    func stop(_ sandbox: Sandbox) async {
        _ = try? await EndToEnd.run("/bin/bash", [Self.script, "stop", "--state-dir", stateDirectory], environment: sandbox.environment)
    }

    /// The scripted browser: signs in as the test user and approves (or denies) on the
    /// provider's consent page, then follows the redirect to the wizard's catcher.
    func browse(_ url: String, approve: Bool = true, in sandbox: Sandbox) async throws -> CommandResult {
        let venvPython = EndToEnd.root + "/.venv/oauth-provider/bin/python"
        let python = FileManager.default.isExecutableFile(atPath: venvPython) ? venvPython : "/usr/bin/python3"
        return try await EndToEnd.run(python, [EndToEnd.root + "/scripts/oauth-browser.py", url, approve ? "--approve" : "--deny"],
                                      environment: sandbox.environment, timeout: .seconds(60))
    }
}
