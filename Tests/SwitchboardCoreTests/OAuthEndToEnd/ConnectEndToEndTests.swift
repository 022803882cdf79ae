import Foundation
import SwitchboardTestSupport
import SwitchboardCore
import Testing

/// CONNECT against the real local provider (django-oauth-toolkit), driving the built
/// binary and the scripted browser.
@Suite(.localProvider, .timeLimit(.minutes(10)))
struct ConnectEndToEndTests {
    /// connect → the URL alone on the first stdout line → the browser approves → exit 0.
    func connectWithBrowser(_ sandbox: SwitchboardSandbox, _ variable: String, extra: [String] = [],
                            sourceLocation: SourceLocation = #_sourceLocation) async throws -> (url: String, code: String?) {
        let child = try sandbox.spawn(["connect", sandbox.instance, variable] + extra)
        let url = try await child.firstLine()
        #expect(url.hasPrefix(try LocalProviderTrait.provider().baseURL + "/o/authorize/?"), sourceLocation: sourceLocation)
        #expect(!url.contains(" ") && !url.contains("\u{1B}"), "the URL is printed alone and undecorated", sourceLocation: sourceLocation)
        let browser = try await ScriptedBrowser.authorize(url)
        #expect(browser.status == 0, "browser: \(browser.log)", sourceLocation: sourceLocation)
        #expect(browser.log.contains("Authorization completed successfully"), "the catcher's page: \(browser.log)", sourceLocation: sourceLocation)
        let status = try await child.exitStatus()
        sandbox.record(child)
        #expect(status == 0, "connect exited \(status): \(child.stderr)", sourceLocation: sourceLocation)
        #expect(child.stdoutLines.count == 2, sourceLocation: sourceLocation)
        #expect(child.stdoutLines.last?.hasPrefix("Connected \(sandbox.instance) \(variable): configured") == true, sourceLocation: sourceLocation)
        return (url, ScriptedBrowser.code(in: browser.finalURL))
    }

    @Test func basicClientAuthentication() async throws {
        let provider = try LocalProviderTrait.provider()
        let sandbox = try SwitchboardSandbox()
        defer { sandbox.remove() }
        try await sandbox.setUpDemo(provider)
        #expect(try await sandbox.status("confidential").status == "unconfigured")
        let (url, code) = try await connectWithBrowser(sandbox, "confidential")
        #expect(url.contains("code_challenge_method=S256"))
        #expect(try await sandbox.status("confidential").status == "configured")
        let token = try #require(try await sandbox.accessToken("confidential"))
        #expect(try await provider.me(token) == 200)
        let refresh = try #require(try await provider.refreshToken(issuedWith: token))
        // The declared test request with the bearer token: badge ok.
        #expect(try await sandbox.ok(["test", sandbox.instance, "confidential"]).hasPrefix("Test passed: GET"))
        #expect(try await sandbox.status("confidential").status == "ok")
        let logs = try await sandbox.logs("confidential")
        #expect(logs.contains { $0.hasPrefix("Connected (authorization code): tokens stored encrypted") })
        try await sandbox.expectNoPlainSecrets([token, refresh, try #require(code)])
    }

    @Test func bodyClientAuthentication() async throws {
        let provider = try LocalProviderTrait.provider()
        let sandbox = try SwitchboardSandbox()
        defer { sandbox.remove() }
        try await sandbox.setUpDemo(provider)
        let (_, code) = try await connectWithBrowser(sandbox, "confidentialBody")
        let token = try #require(try await sandbox.accessToken("confidentialBody"))
        #expect(try await provider.me(token) == 200)
        try await sandbox.expectNoPlainSecrets([token, try #require(code)])
    }

    @Test func publicClientWithPKCE() async throws {
        let provider = try LocalProviderTrait.provider()
        let sandbox = try SwitchboardSandbox()
        defer { sandbox.remove() }
        try await sandbox.setUpDemo(provider)
        let (url, code) = try await connectWithBrowser(sandbox, "public", extra: ["--port", "\(try EndToEnd.freePort())"])
        #expect(url.contains("client_id=sb-public") && url.contains("code_challenge="))
        let token = try #require(try await sandbox.accessToken("public"))
        #expect(try await provider.me(token) == 200)
        try await sandbox.expectNoPlainSecrets([token, try #require(code)])
    }

    @Test func denyLogsAccessDeniedAndStoresNothing() async throws {
        let provider = try LocalProviderTrait.provider()
        let sandbox = try SwitchboardSandbox()
        defer { sandbox.remove() }
        try await sandbox.setUpDemo(provider)
        let child = try sandbox.spawn(["connect", sandbox.instance, "confidential"])
        let browser = try await ScriptedBrowser.authorize(try await child.firstLine(), approve: false)
        #expect(browser.finalURL.contains("error=access_denied"))
        #expect(browser.log.contains("Authorization was not granted"))
        let status = try await child.exitStatus()
        sandbox.record(child)
        #expect(status == 1)
        #expect(child.stderr.contains("switchboard: the provider did not authorize the connection: access_denied"))
        #expect(try await sandbox.logs("confidential").contains { $0.hasPrefix("CONNECT refused by the provider: access_denied") })
        #expect(try await sandbox.accessToken("confidential") == nil)
        #expect(try await sandbox.status("confidential").status == "unconfigured")
    }

    @Test func forgedStateIsRejectedAndTheRealCallbackStillCompletes() async throws {
        let provider = try LocalProviderTrait.provider()
        let sandbox = try SwitchboardSandbox()
        defer { sandbox.remove() }
        try await sandbox.setUpDemo(provider)
        let child = try sandbox.spawn(["connect", sandbox.instance, "confidential", "--json"])
        let first = try await child.firstLine()
        let event = try #require(try JSONSerialization.jsonObject(with: Data(first.utf8)) as? [String: Any])
        let redirect = try #require(event["redirectUri"] as? String)
        let curl = CurlTransport()
        let forged = try await curl.send(HTTPRequest(url: redirect + "?code=forged-code&state=forged-state"))
        #expect(forged.status == 400)
        #expect(!forged.text.contains("forged"))
        #expect(try await curl.send(HTTPRequest(url: redirect.replacingOccurrences(of: "/callback", with: "/favicon.ico"))).status == 404)
        #expect(child.isRunning, "a forged callback must not end the wait")
        let browser = try await ScriptedBrowser.authorize(try #require(event["authorizeUrl"] as? String))
        #expect(browser.status == 0)
        #expect(try await child.exitStatus() == 0)
        sandbox.record(child)
        let result = try #require(child.stdoutLines.last.flatMap { try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] })
        #expect(result["event"] as? String == "connected")
        #expect(result["status"] as? String == "configured")
        let logs = try await sandbox.logs("confidential")
        #expect(logs.contains("Rejected a callback whose state does not match the pending authorization"))
        let token = try #require(try await sandbox.accessToken("confidential"))
        try await sandbox.expectNoPlainSecrets([token, try #require(ScriptedBrowser.code(in: browser.finalURL))])
    }

    @Test func pastedRedirectURL() async throws {
        let provider = try LocalProviderTrait.provider()
        let sandbox = try SwitchboardSandbox()
        defer { sandbox.remove() }
        try await sandbox.setUpDemo(provider)
        // A truncated paste is refused with a clear line and the wait goes on (as in the
        // wizard); the whole address, pasted next, connects.
        let child = try sandbox.spawn(["connect", sandbox.instance, "confidential", "--paste"])
        let url = try await child.firstLine()
        let browser = try await ScriptedBrowser.authorize(url, follow: false)
        #expect(browser.finalURL.contains("code=") && browser.finalURL.contains("state="))
        let cutFinal = browser.finalURL
        child.write(String(cutFinal.prefix(cutFinal.count - 20)) + "\n")
        try await child.waitFor("the refusal") { $0.stderr.contains("Pasted URL refused: ") && $0.stderr.contains("cut off") }
        #expect(child.isRunning)
        #expect(try await sandbox.accessToken("confidential") == nil)
        child.write("   \(browser.finalURL)   \n")
        #expect(try await child.exitStatus() == 0, "connect --paste: \(child.stderr)")
        sandbox.record(child)
        #expect(try await sandbox.logs("confidential").contains { $0.hasPrefix("Pasted redirect URL refused") })
        let token = try #require(try await sandbox.accessToken("confidential"))
        #expect(try await provider.me(token) == 200)
        try await sandbox.expectNoPlainSecrets([token, try #require(ScriptedBrowser.code(in: browser.finalURL))])
    }

    @Test func deviceCode() async throws {
        let provider = try LocalProviderTrait.provider()
        let sandbox = try SwitchboardSandbox()
        defer { sandbox.remove() }
        try await sandbox.setUpDemo(provider)
        let child = try sandbox.spawn(["connect", sandbox.instance, "device", "--json"])
        let first = try await child.firstLine()
        let event = try #require(try JSONSerialization.jsonObject(with: Data(first.utf8)) as? [String: Any])
        #expect(event["event"] as? String == "device")
        let userCode = try #require(event["userCode"] as? String)
        let complete = try #require(event["verificationUriComplete"] as? String)
        #expect(complete.contains(userCode))
        let browser = try await ScriptedBrowser.approveDevice(complete)
        #expect(browser.status == 0, "\(browser.output)")
        #expect(try await child.exitStatus() == 0, "\(child.stderr)")
        sandbox.record(child)
        #expect(child.stderr.contains("█"), "the QR code of verification_uri_complete")
        let token = try #require(try await sandbox.accessToken("device"))
        #expect(try await provider.me(token) == 200)
        #expect(try await sandbox.status("device").status == "configured")
        try await sandbox.expectNoPlainSecrets([token])
    }

    @Test func clientCredentialsWithoutABrowser() async throws {
        let provider = try LocalProviderTrait.provider()
        let sandbox = try SwitchboardSandbox()
        defer { sandbox.remove() }
        try await sandbox.setUpDemo(provider)
        let out = try await sandbox.ok(["connect", sandbox.instance, "service", "--json"])
        #expect(out.contains(#""event":"connected""#))
        let token = try #require(try await sandbox.accessToken("service"))
        #expect(try await provider.me(token) == 200)
        #expect(try await sandbox.ok(["test", sandbox.instance, "service"]).hasPrefix("Test passed"))
        try await sandbox.expectNoPlainSecrets([token])
    }

    @Test func disconnectRevokesAtTheProvider() async throws {
        let provider = try LocalProviderTrait.provider()
        let sandbox = try SwitchboardSandbox()
        defer { sandbox.remove() }
        try await sandbox.setUpDemo(provider)
        _ = try await connectWithBrowser(sandbox, "confidential")
        let token = try #require(try await sandbox.accessToken("confidential"))
        let refresh = try #require(try await provider.refreshToken(issuedWith: token))
        #expect(try await provider.me(token) == 200)
        let out = try await sandbox.ok(["disconnect", sandbox.instance, "confidential", "--json"])
        #expect(out.contains(#""revoked":true"#))
        #expect(try await provider.me(token) == 401)
        let replay = try await provider.refresh(refresh)
        #expect(replay.text.contains("invalid_grant"))
        #expect(try await sandbox.status("confidential").status == "unconfigured")
        #expect(try await sandbox.accessToken("confidential") == nil)
        let logs = try await sandbox.logs("confidential")
        #expect(logs.contains("Revoked the refresh token at the provider"))
        #expect(logs.contains("Disconnected: access and refresh tokens deleted; refreshing stopped"))
        try await sandbox.expectNoPlainSecrets([token, refresh])
    }

    @Test func ctrlCAndTimeoutEndTheWaitCleanly() async throws {
        let provider = try LocalProviderTrait.provider()
        let sandbox = try SwitchboardSandbox()
        defer { sandbox.remove() }
        try await sandbox.setUpDemo(provider)
        let child = try sandbox.spawn(["connect", sandbox.instance, "confidential", "--json"])
        let first = try await child.firstLine()
        let redirect = try #require((try JSONSerialization.jsonObject(with: Data(first.utf8)) as? [String: Any])?["redirectUri"] as? String)
        child.signal(SIGINT)
        #expect(try await child.exitStatus() == 130)
        sandbox.record(child)
        #expect(child.stderr.contains("switchboard: cancelled; nothing was changed"))
        #expect(try await sandbox.logs("confidential").first == "CONNECT cancelled")
        // The catcher is gone.
        await #expect(throws: (any Error).self) { try await CurlTransport().send(HTTPRequest(url: redirect, timeout: .seconds(5))) }

        let timeout = try await sandbox.run(["connect", sandbox.instance, "confidential", "--timeout", "1"])
        #expect(timeout.status == 1)
        #expect(timeout.stderr.contains("switchboard: no callback arrived within 1 s"))
        #expect(try await sandbox.logs("confidential").first == "CONNECT timed out after 1 s without a callback")
        #expect(try await sandbox.status("confidential").status == "unconfigured")
    }

    @Test func hangUpDuringConnectCancelsLikeCtrlCAndLeavesNoPendingAuthorization() async throws {
        let provider = try LocalProviderTrait.provider()
        let sandbox = try SwitchboardSandbox()
        defer { sandbox.remove() }
        try await sandbox.setUpDemo(provider)
        let child = try sandbox.spawn(["connect", sandbox.instance, "confidential", "--json"])
        _ = try await child.firstLine()
        child.signal(SIGHUP)
        #expect(try await child.exitStatus() == 130)
        sandbox.record(child)
        #expect(try await sandbox.logs("confidential").first == "CONNECT cancelled")
        let pending = try TestDatabase.sql(sandbox.databasePath, "SELECT count(*) FROM \"oauthPending\"")
        #expect(pending.trimmingCharacters(in: .whitespacesAndNewlines) == "0", "\(pending)")
    }

    @Test func runRefreshesATokenNearExpiryFirst() async throws {
        let provider = try LocalProviderTrait.provider()
        let sandbox = try SwitchboardSandbox()
        defer { sandbox.remove() }
        try await sandbox.setUpDemo(provider)
        try await sandbox.ok(["connect", sandbox.instance, "service"])
        let before = try #require(try await sandbox.accessToken("service"))
        try await sandbox.makeTokensExpire(in: 20)
        let after = try #require(try await sandbox.accessToken("service"))
        #expect(after != before)
        #expect(try await provider.me(after) == 200)
        #expect(try await sandbox.logs("service").contains { $0.hasPrefix("Token refreshed:") })
        try await sandbox.expectNoPlainSecrets([before, after])
    }

    @Test func teamCallbackServerHandsTheCallbackToTheWaitingCLI() async throws {
        let provider = try LocalProviderTrait.provider()
        let sandbox = try SwitchboardSandbox()
        defer { sandbox.remove() }
        try await sandbox.setUpDemo(provider)
        // Port 0: the server picks a free one and names it (a port chosen here first could
        // be taken by another test's catcher before the server binds it).
        let server = try sandbox.spawn(["callback-server", "--listen", "127.0.0.1:0"])
        let listening = try await server.firstLine()
        let prefix = "Listening on http://127.0.0.1:"
        #expect(listening.hasPrefix(prefix) && listening.hasSuffix("/callback"), "\(listening)")
        let port = try #require(Int(listening.dropFirst(prefix.count).dropLast("/callback".count)), "\(listening)")
        #expect(port > 0)
        let child = try sandbox.spawn(["connect", sandbox.instance, "confidential", "--callback-url", "http://127.0.0.1:\(port)/callback"])
        let url = try await child.firstLine()
        #expect(url.contains("redirect_uri=http%3A%2F%2F127.0.0.1%3A\(port)%2Fcallback"))
        let browser = try await ScriptedBrowser.authorize(url)
        #expect(browser.log.contains("Authorization completed successfully"))
        #expect(try await child.exitStatus() == 0, "\(child.stderr)")
        sandbox.record(child)
        server.signal(SIGTERM)
        #expect(try await server.exitStatus() == 0)
        sandbox.record(server)
        let token = try #require(try await sandbox.accessToken("confidential"))
        #expect(try await provider.me(token) == 200)
        try await sandbox.expectNoPlainSecrets([token, try #require(ScriptedBrowser.code(in: browser.finalURL))])
    }
}
