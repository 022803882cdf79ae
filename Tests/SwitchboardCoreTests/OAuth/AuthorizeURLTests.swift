import Foundation
@testable import SwitchboardCore
import Testing

@Suite struct AuthorizeURLTests {
    let state = AuthorizationState(value: "STATE-0123456789abcdefghijklmnopqrstuvwxyz")
    let pkce = PKCE(method: .s256, verifier: "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk")

    @Test func carriesEveryProtocolParameterInOrder() throws {
        let client = try OAuthFixtures.client()
        let url = try AuthorizeURL.build(client: client, redirectURI: "http://127.0.0.1:5000/callback", state: state, pkce: pkce)
        #expect(url.hasPrefix("https://login.acme.test/oauth/authorize?response_type=code&client_id=abc123&redirect_uri=http%3A%2F%2F127.0.0.1%3A5000%2Fcallback&scope=read%20write&state="))
        let query = OAuthFixtures.query(url)
        #expect(query.map(\.name) == ["response_type", "client_id", "redirect_uri", "scope", "state", "code_challenge", "code_challenge_method"])
        #expect(query.first { $0.name == "code_challenge" }?.value == "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM")
        #expect(query.first { $0.name == "code_challenge_method" }?.value == "S256")
        #expect(query.first { $0.name == "state" }?.value == state.value)
        #expect(!url.contains(pkce.verifier))
        #expect(!url.contains("s3cr3t"))
        #expect(!url.contains(" ") && !url.contains("\n"))
    }

    @Test func scopesUseTheTypesSeparator() throws {
        var values = OAuthFixtures.values
        values["scopes"] = "chat:write, channels:read  files:write"
        let client = try OAuthFixtures.client({ $0.scopeSeparator = "," }, values: values)
        #expect(client.scopes == ["chat:write", "channels:read", "files:write"])
        let url = try AuthorizeURL.build(client: client, redirectURI: "http://127.0.0.1:1/callback", state: state, pkce: pkce)
        #expect(OAuthFixtures.query(url).first { $0.name == "scope" }?.value == "chat:write,channels:read,files:write")
    }

    @Test func noScopeParameterWhenThereAreNoScopes() throws {
        var values = OAuthFixtures.values
        values["scopes"] = "  "
        let url = try AuthorizeURL.build(client: OAuthFixtures.client(values: values), redirectURI: "http://127.0.0.1:1/callback", state: state, pkce: pkce)
        #expect(!OAuthFixtures.query(url).contains { $0.name == "scope" })
    }

    @Test func authorizeParamsAreAddedButCannotReplaceProtocolParameters() throws {
        let client = try OAuthFixtures.client {
            $0.authorizeParams = ["access_type": "offline", "prompt": "consent", "state": "evil", "redirect_uri": "https://evil.test"]
        }
        let url = try AuthorizeURL.build(client: client, redirectURI: "http://127.0.0.1:1/callback", state: state, pkce: pkce)
        let query = OAuthFixtures.query(url)
        #expect(query.filter { $0.name == "state" }.map(\.value) == [state.value])
        #expect(query.filter { $0.name == "redirect_uri" }.map(\.value) == ["http://127.0.0.1:1/callback"])
        #expect(query.suffix(2).map(\.name) == ["access_type", "prompt"])
    }

    @Test func pkcePlainAndNone() throws {
        let client = try OAuthFixtures.client()
        let plain = try AuthorizeURL.build(client: client, redirectURI: "http://127.0.0.1:1/callback", state: state, pkce: PKCE(method: .plain, verifier: pkce.verifier))
        #expect(OAuthFixtures.query(plain).first { $0.name == "code_challenge_method" }?.value == "plain")
        let none = try AuthorizeURL.build(client: client, redirectURI: "http://127.0.0.1:1/callback", state: state, pkce: .generate(.none))
        #expect(!none.contains("code_challenge"))
    }

    @Test func keepsAnExistingQueryAndFragmentOrder() throws {
        var values = OAuthFixtures.values
        values["authorizeUrl"] = "https://login.microsoftonline.test/tenant/oauth2/v2.0/authorize?domain_hint=acme.test"
        let url = try AuthorizeURL.build(client: OAuthFixtures.client(values: values), redirectURI: "http://127.0.0.1:1/callback", state: state, pkce: pkce)
        #expect(url.hasPrefix("https://login.microsoftonline.test/tenant/oauth2/v2.0/authorize?domain_hint=acme.test&response_type=code&"))
        #expect(AuthorizeURL.appendQuery("a=1", to: "https://x.test/auth#frag") == "https://x.test/auth?a=1#frag")
    }

    @Test func labelsRenameFieldsWithoutChangingKeys() throws {
        let type = OAuthFixtures.type { $0.labels = ["clientId": "Consumer Key", "clientSecret": "Consumer Secret"] }
        let client = try OAuthClient(type: type, values: OAuthFixtures.values)
        #expect(client.clientId == "abc123")
        #expect(client.clientSecret == "s3cr3t:with/odd+chars")
        let url = try AuthorizeURL.build(client: client, redirectURI: "http://127.0.0.1:1/callback", state: state, pkce: pkce)
        #expect(OAuthFixtures.query(url).contains { $0.name == "client_id" && $0.value == "abc123" })
        var missing = OAuthFixtures.values
        missing["clientId"] = ""
        #expect(throws: SwitchboardError.invalidValue("Consumer Key (clientId) is not set; configure it before connecting")) {
            try OAuthClient(type: type, values: missing)
        }
    }

    @Test func deviceAuthorizationUrlTemplatesAreRendered() throws {
        var values = OAuthFixtures.values
        values["baseUrl"] = "http://127.0.0.1:8765"
        let client = try OAuthFixtures.client({
            $0.grant = .deviceCode
            $0.deviceAuthorizationUrl = "{{baseUrl}}/o/device-authorization/"
        }, values: values)
        #expect(client.deviceAuthorizationUrl == "http://127.0.0.1:8765/o/device-authorization/")
        #expect(throws: SwitchboardError.self) { try OAuthFixtures.client { $0.grant = .deviceCode } }
    }
}
