import Foundation
import SwitchboardCore
import Testing

/// A connection that gives only its issuer (RFC 8414), against the real local provider
/// started with SB_PROVIDER_ISS=1: its metadata promises `iss` on every callback (RFC 9207).
@Suite(.timeLimit(.minutes(10)))
struct DiscoveryEndToEndTests {
    static let definition = """
        component: discovered-provider
        label: Provider found by its issuer
        actions: [whoami]
        connections:
          - key: oauth
            label: OAuth 2.0 (endpoints from the issuer's metadata)
            oauth2: {grant: authorization_code, pkce: S256, clientAuth: basic}
            fields:
              - {key: issuer, label: Issuer, type: url, required: true}
              - {key: scopes, label: Scopes, type: string, required: false, default: "read write"}
              - {key: clientId, label: Client ID, type: string, required: true, default: sb-confidential}
              - {key: clientSecret, label: Client Secret, type: password, required: true, default: sb-confidential-secret}
            test: {method: GET, url: "{{issuer}}/api/me", headers: {Authorization: "Bearer {{access_token}}"}, expectStatus: 200}
        ---
        integration: discovered-demo
        name: Discovered demo
        configVariables:
          - {key: provider, component: discovered-provider, connection: oauth}
        steps:
          - {key: whoami, component: discovered-provider, action: whoami, connection: provider}
        """

    func sandbox(issuer: String) async throws -> SwitchboardSandbox {
        let sandbox = try SwitchboardSandbox()
        let file = sandbox.directory + "/discovered.yaml"
        try Self.definition.write(toFile: file, atomically: true, encoding: .utf8)
        try await sandbox.ok(["import", file])
        try await sandbox.ok(["deploy", "discovered-demo", "--customer", "acme", "--name", "acme/discovered"])
        try await sandbox.ok(["configure", "acme/discovered", "--set", "provider.issuer=\(issuer)"])
        return sandbox
    }

    /// Pastes `query` on a `connect --paste` and returns what connect said and how it ended.
    func paste(_ sandbox: SwitchboardSandbox, _ query: (String) -> String) async throws -> (status: Int32, stderr: String) {
        let child = try sandbox.spawn(["connect", "acme/discovered", "provider", "--paste", "--timeout", "30"])
        let url = try await child.firstLine()
        let state = try #require(URLComponents(string: url)?.queryItems?.first { $0.name == "state" }?.value)
        child.write("http://127.0.0.1:9/callback?\(query(state))\n")
        child.closeStdin()
        let status = try await child.exitStatus()
        sandbox.record(child)
        return (status, child.stderr)
    }

    @Test func discoveryConnectsTestsAndRevokesAndTheIssCheckRefusesMixUps() async throws {
        let provider = try await LocalProvider.start(settings: ["SB_PROVIDER_ISS": "1"])
        do {
            try await connectTestAndRefuse(provider)
            try await provider.stop()
        } catch {
            try? await provider.stop()
            throw error
        }
    }

    func connectTestAndRefuse(_ provider: LocalProvider) async throws {
        let sandbox = try await sandbox(issuer: provider.baseURL)
        defer { sandbox.remove() }

        // CONNECT: the authorize URL is the discovered endpoint, the callback carries iss.
        let child = try sandbox.spawn(["connect", "acme/discovered", "provider"])
        let url = try await child.firstLine()
        #expect(url.hasPrefix(provider.baseURL + "/o/authorize/?"), "\(url)")
        let browser = try await ScriptedBrowser.authorize(url)
        #expect(browser.finalURL.contains("iss="), "the provider sends iss: \(browser.finalURL)")
        #expect(try await child.exitStatus() == 0, "\(child.stderr)")
        sandbox.record(child)
        #expect(child.stderr.contains("Read the issuer's metadata at \(provider.baseURL)/.well-known/oauth-authorization-server"), "\(child.stderr)")
        let logs = try await sandbox.logs(instance: "acme/discovered")
        #expect(logs.contains { $0.hasPrefix("Discovered the issuer's endpoints (authorization, token, revocation, device authorization)") && $0.hasSuffix("its callbacks must carry iss (RFC 9207)") })

        // The cached endpoints serve test, refresh and DISCONNECT.
        try await sandbox.ok(["test", "acme/discovered", "provider"])
        let refreshed = try await sandbox.run(["refresh", "--force", "--json"])
        #expect(refreshed.status == 0 && refreshed.stdout.contains("\"refreshed\""), "\(refreshed.stdout) \(refreshed.stderr)")
        let disconnect = try await sandbox.run(["disconnect", "acme/discovered", "provider"])
        #expect(disconnect.status == 0)
        #expect(disconnect.stderr.contains("Revoked the refresh token at the provider"), "the discovered revocation endpoint: \(disconnect.stderr)")

        // A callback naming another issuer, and one without iss, are refused before any exchange.
        let mixUp = try await paste(sandbox) { "code=FORGED-CODE&state=\($0)&iss=https%3A%2F%2Fevil.example" }
        #expect(mixUp.status != 0)
        #expect(mixUp.stderr.contains("the callback's iss is not this connection's issuer; it may come from another authorization server (RFC 9207)"), "\(mixUp.stderr)")
        #expect(!mixUp.stderr.contains("evil.example"), "the callback's value is not echoed")
        let missing = try await paste(sandbox) { "code=FORGED-CODE&state=\($0)" }
        #expect(missing.status != 0)
        #expect(missing.stderr.contains("the callback carries no iss, but the issuer's metadata says every callback does"), "\(missing.stderr)")
        let after = try await sandbox.logs(instance: "acme/discovered")
        #expect(!after.contains { $0.contains("code exchange failed") }, "no code was sent to the token endpoint")
        try await sandbox.expectNoPlainSecrets(["FORGED-CODE"])
    }

    @Test func aDiscoveryFailureNamesTheAddress() async throws {
        let port = try EndToEnd.freePort()
        let sandbox = try await sandbox(issuer: "http://127.0.0.1:\(port)")
        defer { sandbox.remove() }
        let result = try await sandbox.run(["connect", "acme/discovered", "provider", "--timeout", "5"])
        #expect(result.status != 0)
        #expect(result.stderr.contains("discovery failed: http://127.0.0.1:\(port)/.well-known/oauth-authorization-server"), "\(result.stderr)")
        #expect(result.stderr.split(separator: "\n").count <= 2, "one clear line: \(result.stderr)")
    }
}
