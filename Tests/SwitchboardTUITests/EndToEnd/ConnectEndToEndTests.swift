import Foundation
import Testing

/// CONNECT in the wizard, once, end to end: the built binary in tmux, the project's real
/// authorization server, and a scripted browser that approves on its consent page.
@Suite("CONNECT end to end (tmux, local provider)") struct ConnectEndToEndTests {
    static let instance = "acme/local-oauth-demo"

    @Test func connectInTheWizardWithTheLoopbackCatcher() async throws {
        let sandbox = try Sandbox("connect")
        guard FileManager.default.isExecutableFile(atPath: sandbox.binary) else {
            throw EndToEndError("no switchboard binary at \(sandbox.binary): run `swift build` first (or set SWITCHBOARD_BIN)")
        }
        let provider = try await LocalProvider.start(in: sandbox)
        var tmux: TmuxSession?
        do {
            try await sandbox.ok("import", EndToEnd.root + "/examples/local-oauth.yaml")
            try await sandbox.ok("deploy", "local-oauth-demo", "--customer", "acme")
            try await sandbox.ok("configure", Self.instance, "--set", "confidential.baseUrl=\(provider.baseURL)")
            #expect(try await sandbox.status(Self.instance, "confidential") == "unconfigured")

            let session = try await TmuxSession.start(sandbox.wizardCommand(["configure", Self.instance]), in: sandbox,
                                                      forbidden: ["sb-confidential-secret"])
            tmux = session
            try await session.waitFor("▸ confidential", "c connect", "[ CONNECT ]")
            try await session.press("c")
            let screen = try await session.waitFor("Open this address in a browser", "Waiting for the browser", "ssh -L")
            let url = try Self.authorizeURL(on: screen)
            #expect(url.hasPrefix(provider.baseURL + "/o/authorize/?"))
            #expect(url.contains("state=") && url.contains("code_challenge=") && url.contains("redirect_uri=http%3A%2F%2F127.0.0.1%3A"))

            let browser = try await provider.browse(url, in: sandbox)
            #expect(browser.status == 0, "oauth-browser.py: \(browser.stderr)")
            #expect(browser.stderr.contains("Authorization completed successfully"))

            // The log pane is re-read off the terminal's thread: it follows within a moment.
            let connected = try await session.waitFor("Connected confidential: configured", "[ RECONNECT ]",
                                                      "Connected (authorization code): tokens stored encrypted")
            #expect(connected.split(separator: "\n").contains { $0.contains("│ [ configured ]") })
            #expect(connected.contains("Connected (authorization code): tokens stored encrypted"))
            try await session.press("q")
            try await session.waitFor("new instance")
            try await session.press("q")
            #expect(try await session.waitForExit() == 0)

            #expect(try await sandbox.status(Self.instance, "confidential") == "configured")
            let test = try await sandbox.cli(["test", Self.instance, "confidential"])
            #expect(test.status == 0, "the stored token works at the provider: \(test.stderr)")
        } catch {
            await tmux?.kill()
            await provider.stop(sandbox)
            sandbox.remove()
            throw error
        }
        await tmux?.kill()
        await provider.stop(sandbox)
        sandbox.remove()
    }

    /// The address printed under "Open this address…": its rows hold nothing else, so
    /// joining them up to the blank row gives it back whole.
    static func authorizeURL(on screen: String) throws -> String {
        let rows = screen.split(separator: "\n", omittingEmptySubsequences: false)
        guard let start = rows.firstIndex(where: { $0.contains("Open this address in a browser") }) else {
            throw EndToEndError("no authorize URL on screen:\n\(screen)")
        }
        var url = ""
        for row in rows[(start + 1)...] {
            let text = row.trimmingCharacters(in: .whitespaces)
            if text.isEmpty { break }
            url += text
        }
        guard url.hasPrefix("http") else { throw EndToEndError("no authorize URL on screen:\n\(screen)") }
        return url
    }
}
