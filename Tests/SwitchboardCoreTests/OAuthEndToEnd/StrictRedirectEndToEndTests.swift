import Foundation
import SwitchboardCore
import Testing

/// django-oauth-toolkit as a provider that matches the redirect URI exactly, port included
/// (SB_PROVIDER_STRICT_REDIRECTS=1, as Salesforce, Dropbox and Atlassian do): the
/// connection's redirectUri field makes the catcher listen on exactly the registered
/// address, and any other address is refused by the provider itself.
@Suite(.timeLimit(.minutes(10)))
struct StrictRedirectEndToEndTests {
    @Test func theRegisteredRedirectConnectsAndAnyOtherIsRefusedByTheProvider() async throws {
        let port = try EndToEnd.freePort()
        let registered = "http://localhost:\(port)/callback"
        let provider = try await LocalProvider.start(settings: ["SB_PROVIDER_STRICT_REDIRECTS": "1", "SB_PROVIDER_EXTRA_REDIRECT_URIS": registered])
        do {
            try await connect(provider, registered: registered, port: port)
            try await provider.stop()
        } catch {
            try? await provider.stop()
            throw error
        }
    }

    func connect(_ provider: LocalProvider, registered: String, port: UInt16) async throws {
        let sandbox = try SwitchboardSandbox()
        defer { sandbox.remove() }
        try await sandbox.setUpDemo(provider)

        // The default (127.0.0.1 on any port) is not registered: the provider refuses it.
        let loose = try sandbox.spawn(["connect", sandbox.instance, "confidential"])
        let looseURL = try await loose.firstLine()
        let refused = try await ScriptedBrowser.authorize(looseURL)
        #expect(refused.status != 0, "a strict provider refuses an unregistered redirect: \(refused.log)")
        #expect(refused.log.lowercased().contains("redirect"), "refused for its redirect URI: \(refused.log)")
        loose.signal(SIGINT)
        _ = try await loose.exitStatus()
        sandbox.record(loose)

        try await sandbox.ok(["configure", sandbox.instance, "--set", "confidential.redirectUri=\(registered)"])
        let child = try sandbox.spawn(["connect", sandbox.instance, "confidential"])
        let url = try await child.firstLine()
        #expect(url.contains("redirect_uri=http%3A%2F%2Flocalhost%3A\(port)%2Fcallback"), "\(url)")
        let browser = try await ScriptedBrowser.authorize(url)
        #expect(browser.status == 0, "\(browser.log)")
        #expect(browser.log.contains("Authorization completed successfully"), "\(browser.log)")
        #expect(try await child.exitStatus() == 0, "\(child.stderr)")
        sandbox.record(child)
        #expect(child.stderr.contains("Listening for the callback on \(registered)"), "\(child.stderr)")
        let token = try #require(try await sandbox.accessToken("confidential"))
        #expect(try await provider.me(token) == 200)
        try await sandbox.expectNoPlainSecrets([token])
    }
}
