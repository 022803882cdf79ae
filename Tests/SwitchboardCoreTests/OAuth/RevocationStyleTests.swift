import Crypto
import Foundation
import SwitchboardTestSupport
@testable import SwitchboardCore
import Testing

/// examples/local-oauth.yaml with a `revocation:` declared on its `oauth` type (and
/// optionally another revokeUrl template), deployed once and pointed at a fake provider.
private struct RevocationFixture {
    let store: Store
    let instance = "acme/local-oauth-demo"
    let base = "https://provider.test"

    init(revocation: String, revokeUrl: String? = nil) throws {
        let box = SecretBox(key: SymmetricKey(size: .bits256), keySource: "test key")
        store = Store(database: try AppDatabase.temporary(), actor: Actor(user: "tester", role: .team, source: "test")) { box }
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        let path = root.appendingPathComponent("examples/local-oauth.yaml").path
        var text = try String(contentsOfFile: path, encoding: .utf8)
        let anchor = "      clientAuth: basic\n    fields:\n"
        let range = try #require(text.range(of: anchor))
        text.replaceSubrange(range, with: "      clientAuth: basic\n      revocation: \(revocation)\n    fields:\n")
        if let revokeUrl {
            let old = try #require(text.range(of: #"default: "{{baseUrl}}/o/revoke_token/""#))
            text.replaceSubrange(old, with: "default: \"\(revokeUrl)\"")
        }
        _ = try store.importDefinitions([(path: path, text: text)])
        _ = try store.deploy(integration: "local-oauth-demo", customer: "acme")
        try store.configure(instance: instance, changes: [FieldChange(variable: "confidential", field: "baseUrl", value: base)])
    }

    func connect(access: String = "AT-1", refresh: String? = "RT-1") throws {
        let connection = try store.oauthConnection(instance: instance, variable: "confidential")
        try store.storeTokens(connection, TokenResponse(accessToken: access, refreshToken: refresh, scope: "read", expiresIn: 3600),
                              source: .authorizationCode, callbackMetadata: [:])
    }

    func disconnect(_ transport: ScriptedTransport) async throws -> DisconnectReport {
        let report = try await OAuthFlows(store: store, transport: transport).disconnect(instance: instance, variable: "confidential")
        try transport.assertAllUsed()
        #expect(try store.tokens(for: store.oauthConnection(instance: instance, variable: "confidential")) == nil, "tokens are deleted whatever revocation does")
        return report
    }

    func logs() throws -> String {
        try store.logs(instance: instance, variable: "confidential", limit: 100).map(\.message).joined(separator: "\n")
    }
}

private let basic = "Basic " + Data("sb-confidential:sb-confidential-secret".utf8).base64EncodedString()

@Suite struct RevocationStyleTests {
    // MARK: The request each style sends

    @Test func rfc7009IsTodaysFormWithTheTypesClientAuth() throws {
        let client = try OAuthFixtures.client { $0.clientAuth = .body }
        #expect(client.options.revocation == nil)
        let request = OAuthRequests.revocation(client: client, token: "RT", kind: .refreshToken)
        #expect(request.method == "POST")
        #expect(request.url == "https://login.acme.test/oauth/revoke")
        #expect(request.headers["Content-Type"] == "application/x-www-form-urlencoded")
        #expect(request.headers["Authorization"] == nil)
        #expect(OAuthFixtures.form(request) == [
            "token": "RT", "token_type_hint": "refresh_token", "client_id": "abc123", "client_secret": "s3cr3t:with/odd+chars",
        ])
    }

    @Test func bearerSendsTheTokenAsCredentialAndNoBody() throws {
        let client = try OAuthFixtures.client { $0.revocation = RevocationOptions(style: .bearer) }
        #expect(client.options.revocationStyle.tokens == [.accessToken])
        let request = OAuthRequests.revocation(client: client, token: "AT", kind: .accessToken)
        #expect(request.method == "POST")
        #expect(request.url == "https://login.acme.test/oauth/revoke")
        #expect(request.headers["Authorization"] == "Bearer AT")
        #expect(request.headers["Content-Type"] == nil)
        #expect(request.body == nil)
    }

    @Test func jsonSendsTheTokenInAJSONObjectWithBasicClientAuth() throws {
        let client = try OAuthFixtures.client {
            $0.clientAuth = .body
            $0.revocation = RevocationOptions(style: .json, clientAuth: .basic)
        }
        let request = OAuthRequests.revocation(client: client, token: "RT", kind: .refreshToken)
        #expect(request.method == "POST")
        #expect(request.headers["Content-Type"] == "application/json")
        #expect(request.headers["Accept"] == "application/json")
        #expect(request.headers["Authorization"] == FormEncoding.basicAuthorization(clientId: "abc123", clientSecret: "s3cr3t:with/odd+chars"))
        #expect(request.body.map { String(decoding: $0, as: UTF8.self) } == #"{"token":"RT"}"#)
    }

    @Test func jsonWithBodyClientAuthPutsTheCredentialsInTheObject() throws {
        let client = try OAuthFixtures.client { $0.revocation = RevocationOptions(style: .json, clientAuth: .body) }
        let request = OAuthRequests.revocation(client: client, token: "RT", kind: .refreshToken)
        #expect(request.headers["Authorization"] == nil)
        #expect(request.body.map { String(decoding: $0, as: UTF8.self) } == #"{"client_id":"abc123","client_secret":"s3cr3t:with/odd+chars","token":"RT"}"#)
    }

    @Test func deleteSendsTheNamedKeyWithDELETE() throws {
        var values = OAuthFixtures.values
        values["revokeUrl"] = "https://api.github.test/applications/abc123/grant"
        let client = try OAuthFixtures.client({
            $0.clientAuth = .body
            $0.revocation = RevocationOptions(style: .delete, tokens: [.accessToken], tokenParam: "access_token", clientAuth: .basic, successStatus: [204])
        }, values: values)
        let request = OAuthRequests.revocation(client: client, token: "AT", kind: .accessToken)
        #expect(request.method == "DELETE")
        #expect(request.url == "https://api.github.test/applications/abc123/grant")
        #expect(request.headers["Authorization"]?.hasPrefix("Basic ") == true)
        #expect(request.headers["Content-Type"] == "application/json")
        #expect(request.body.map { String(decoding: $0, as: UTF8.self) } == #"{"access_token":"AT"}"#)
    }

    // MARK: What counts as success

    @Test func successIsTheStatusAndTheJSONPredicate() {
        let rfc = RevocationOptions()
        #expect(rfc.confirms(.text(200, "")))
        #expect(!rfc.confirms(.text(204, "")), "RFC 7009 stays exactly as before: 200 only")
        #expect(!rfc.confirms(.json(400, #"{"error":"unsupported_token_type"}"#)))

        let github = RevocationOptions(style: .delete, successStatus: [204])
        #expect(github.confirms(.text(204, "")))
        #expect(!github.confirms(.json(404, #"{"message":"Not Found"}"#)))

        let slack = RevocationOptions(style: .bearer, successJson: ["ok": .bool(true)])
        #expect(slack.confirms(.json(200, #"{"ok":true,"revoked":true}"#)))
        #expect(!slack.confirms(.json(200, #"{"ok":false,"error":"invalid_auth"}"#)))
        #expect(!slack.confirms(.json(200, #"{"ok":"true"}"#)), "a string is not the boolean")
        #expect(!slack.confirms(.json(200, #"{"ok":1}"#)), "a number is not the boolean")
        #expect(!slack.confirms(.text(200, "")), "no body, no ok")
        #expect(!slack.confirms(.json(500, #"{"ok":true}"#)))
        #expect(slack.unmetJsonExpectation(in: .json(200, #"{"ok":false}"#))?.found == "false")
    }

    // MARK: DISCONNECT through each style

    @Test func dropboxStyleRevokesTheAccessTokenOnlyAndNeverLogsIt() async throws {
        let f = try RevocationFixture(revocation: "{style: bearer}")
        try f.connect(access: "sl.AT-SECRET-1", refresh: "RT-SECRET-1")
        let transport = OAuthFixtures.scripted([
            .init("POST", .exact(f.base + "/o/revoke_token/"), body: ScriptedTransport.BodyMatch.none,
                  headers: [.equals("Authorization", "Bearer sl.AT-SECRET-1"), .absent("Content-Type")], respond: .json(200, "null")),
        ])
        let report = try await f.disconnect(transport)
        #expect(report.revoked)
        #expect(report.revocation == ["Revoked the access token at the provider"])
        #expect(try !f.logs().contains("SECRET"))
    }

    @Test func intuitStyleStopsAfterTheGrantIsGone() async throws {
        let f = try RevocationFixture(revocation: "{style: json, clientAuth: basic, revokesGrant: true}")
        try f.connect()
        let transport = OAuthFixtures.scripted([
            .init("POST", .exact(f.base + "/o/revoke_token/"), body: .text(#"{"token":"RT-1"}"#),
                  headers: [.equals("Authorization", basic), .equals("Content-Type", "application/json")], respond: .text(200, "")),
        ])
        let report = try await f.disconnect(transport)
        #expect(report.revoked)
        #expect(report.revocation == [
            "Revoked the refresh token at the provider",
            "The access token was not sent: one revocation ends the whole grant at this provider",
        ])
    }

    @Test func aGrantRevocationFallsBackToTheNextTokenWhenTheFirstFails() async throws {
        let f = try RevocationFixture(revocation: "{style: rfc7009, revokesGrant: true}")
        try f.connect()
        let transport = OAuthFixtures.scripted([
            .init("POST", .exact(f.base + "/o/revoke_token/"), body: .form(["token": "RT-1"]), respond: .json(400, #"{"error":"invalid_token"}"#)),
            .init("POST", .exact(f.base + "/o/revoke_token/"), body: .form(["token": "AT-1", "token_type_hint": "access_token"]), respond: .text(200, "")),
        ])
        let report = try await f.disconnect(transport)
        #expect(report.revoked, "the grant is gone once one revocation is confirmed")
        #expect(report.revocation.first?.hasPrefix("Revocation of the refresh token was not confirmed (invalid_token") == true)
    }

    @Test func githubStyleDeletesTheGrantOnATemplatedURL() async throws {
        let f = try RevocationFixture(
            revocation: "{style: delete, clientAuth: basic, tokenParam: access_token, tokens: [access_token], successStatus: [204]}",
            revokeUrl: "{{baseUrl}}/applications/{{clientId}}/grant")
        try f.connect(access: "gho_AT", refresh: nil)
        let transport = OAuthFixtures.scripted([
            .init("DELETE", .exact(f.base + "/applications/sb-confidential/grant"), body: .text(#"{"access_token":"gho_AT"}"#),
                  headers: [.equals("Authorization", basic), .equals("Content-Type", "application/json")], respond: .text(204, "")),
        ])
        let report = try await f.disconnect(transport)
        #expect(report.revoked)
        #expect(report.revocation == ["Revoked the access token at the provider"])
    }

    @Test func slackStyleReadsOkAndReportsTheProvidersError() async throws {
        let f = try RevocationFixture(revocation: "{style: bearer, successJson: {ok: true}}")
        try f.connect(access: "xoxb-AT", refresh: nil)
        let transport = OAuthFixtures.scripted([
            .init("POST", .exact(f.base + "/o/revoke_token/"), headers: [.equals("Authorization", "Bearer xoxb-AT")],
                  respond: .json(200, #"{"ok":false,"error":"invalid_auth","error_description":"token xoxb-AT is not valid"}"#)),
        ])
        let report = try await f.disconnect(transport)
        #expect(!report.revoked)
        #expect(report.revocation.count == 1)
        #expect(report.revocation[0].hasPrefix("Revocation of the access token was not confirmed (invalid_auth"))
        #expect(try !f.logs().contains("xoxb-AT"))

        try f.connect(access: "xoxb-AT2", refresh: nil)
        let silent = OAuthFixtures.scripted([
            .init("POST", .exact(f.base + "/o/revoke_token/"), respond: .json(200, #"{"ok":false}"#)),
        ])
        let second = try await f.disconnect(silent)
        #expect(second.revocation == ["Revocation of the access token was not confirmed (HTTP 200, but ok is false, not true); the tokens were deleted locally"])
    }

    @Test func aStyleThatTakesOnlyTheRefreshTokenSaysSoWhenThereIsNone() async throws {
        let f = try RevocationFixture(revocation: "{tokens: [refresh_token]}")
        try f.connect(refresh: nil)
        let report = try await f.disconnect(OAuthFixtures.scripted([]))
        #expect(!report.revoked)
        #expect(report.revocation == ["There was no refresh token to revoke at the provider; the tokens were deleted locally only"])
    }

    // MARK: Import

    private static func component(_ revocation: String) -> String {
        """
        component: c
        actions: [go]
        connections:
          - key: oauth
            oauth2:
              grant: authorization_code
              revocation: \(revocation)
            fields:
              - {key: authorizeUrl, type: url}
              - {key: tokenUrl, type: url}
              - {key: clientId, type: string}

        """
    }

    @Test func theDeclaredStyleIsParsedWithItsDefaults() throws {
        let batch = try DefinitionParser.parse(yaml: Self.component("{style: bearer, successJson: {ok: true, team.id: \"T1\"}}"), file: "r.yaml")
        let revocation = try #require(batch.components.first?.value.connections.first?.oauth2?.revocation)
        #expect(revocation == RevocationOptions(style: .bearer, successJson: ["ok": .bool(true), "team.id": .string("T1")]))
        #expect(revocation.tokens == [.accessToken])
        let none = try DefinitionParser.parse(yaml: Self.component("{style: delete, successStatus: 204}"), file: "r.yaml")
        #expect(none.components.first?.value.connections.first?.oauth2?.revocation?.successStatus == [204])
    }

    @Test(arguments: [
        ("{style: post}", "'style' must be one of: rfc7009, bearer, json, delete"),
        ("{style: bearer, tokens: [refresh_token]}", "a refresh token never is"),
        ("{tokens: [id_token]}", "'tokens' may name refresh_token and access_token only"),
        ("{tokens: [access_token, access_token]}", "names access_token twice"),
        ("{tokens: []}", "'tokens' needs at least one"),
        ("{style: rfc7009, tokenParam: t}", "'tokenParam' names the JSON body key"),
        ("{style: bearer, clientAuth: basic}", "remove 'clientAuth'"),
        ("{successStatus: [200, 401]}", "only a 2xx status"),
        ("{successStatus: [ok]}", "must be an HTTP status code or a list of them"),
        ("{successJson: {ok: [true]}}", "must be a single value"),
        ("{successJson: {a..b: 1}}", "must be a dotted path"),
        ("{url: \"https://x.test\"}", "unknown key 'url'"),
        ("bearer", "expected a mapping"),
    ])
    func aBadRevocationFailsAtImportWithFileAndLine(revocation: String, message: String) {
        #expect {
            _ = try DefinitionParser.parse(yaml: Self.component(revocation), file: "r.yaml")
        } throws: { error in
            let text = "\(error)"
            return text.hasPrefix("r.yaml:7:") && text.contains(message)
        }
    }

    @Test func everyBundledProviderDeclaresAStyleThatParses() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        func revocation(_ file: String, _ key: String = "oauth") throws -> RevocationOptions? {
            let text = try String(contentsOf: root.appendingPathComponent("catalog/\(file).yaml"), encoding: .utf8)
            let batch = try DefinitionParser.parse(yaml: text, file: file)
            return try #require(batch.components.first?.value.connections.first { $0.key == key }).oauth2?.revocation
        }
        #expect(try revocation("dropbox")?.style == .bearer)
        #expect(try revocation("quickbooks") == RevocationOptions(style: .json, clientAuth: .basic, revokesGrant: true))
        #expect(try revocation("github") == RevocationOptions(style: .delete, tokens: [.accessToken], tokenParam: "access_token",
                                                              clientAuth: .basic, successStatus: [204]))
        #expect(try revocation("slack") == RevocationOptions(style: .bearer, successJson: ["ok": .bool(true)]))
        for (file, key) in [("google", "oauth"), ("google", "device"), ("salesforce", "oauth"), ("salesforce", "sandbox")] {
            #expect(try revocation(file, key) == RevocationOptions(style: .rfc7009, revokesGrant: true))
        }
    }
}

@Suite struct ExpiredBearerRevocationTests {
    /// Dropbox's access tokens last 4 h and its revocation authenticates with one: a late
    /// DISCONNECT refreshes first (the new tokens are never stored) and revokes with that.
    @Test func anExpiredAccessTokenIsRenewedWithTheRefreshTokenBeforeABearerRevocation() async throws {
        let f = try OAuthStoreFixture()
        let text = try String(contentsOfFile: Checkout.root + "/examples/local-oauth.yaml", encoding: .utf8)
            .replacingOccurrences(of: "      clientAuth: basic\n    fields:\n", with: "      clientAuth: basic\n      revocation: {style: bearer}\n    fields:\n")
        _ = try f.store.importDefinitions([(path: "local-oauth.yaml", text: text)])
        _ = try f.store.deploy(integration: "local-oauth-demo", customer: "acme", name: "acme/late")
        try f.store.configure(instance: "acme/late", changes: [FieldChange(variable: "confidential", field: "baseUrl", value: f.base)])
        let connection = try f.store.oauthConnection(instance: "acme/late", variable: "confidential")
        try f.store.storeTokens(connection, TokenResponse(accessToken: "AT-STALE", refreshToken: "RT-KEPT", scope: "read", expiresIn: 0),
                                source: .authorizationCode, receivedAt: Date().addingTimeInterval(-60))
        let transport = OAuthFixtures.scripted([
            .init("POST", .exact(f.tokenURL), body: .form(["grant_type": "refresh_token", "refresh_token": "RT-KEPT"]),
                  respond: .json(200, #"{"access_token":"AT-FRESH","refresh_token":"RT-NEXT","expires_in":14400,"token_type":"bearer"}"#)),
            .init("POST", .exact(f.revokeURL), headers: [.equals("Authorization", "Bearer AT-FRESH")], respond: .json(200, "null")),
        ])
        let report = try await OAuthFlows(store: f.store, transport: transport).disconnect(instance: "acme/late", variable: "confidential")
        try transport.assertAllUsed()
        #expect(report.revoked)
        #expect(report.revocation == [
            "The access token had expired: the refresh token bought a fresh one to revoke the grant with (not stored)",
            "Revoked the access token at the provider",
        ])
        #expect(try f.store.tokens(for: f.store.oauthConnection(instance: "acme/late", variable: "confidential")) == nil)
        #expect(try !f.rawDatabase().contains("AT-FRESH"))
    }
}
