import Foundation
import SwitchboardTestSupport
@testable import SwitchboardCore
import Testing

@Suite struct DiscoveryTests {
    @Test func candidatesFollowRFC8414ThenOpenIDConnect() {
        #expect(AuthorizationServerMetadata.candidateURLs(issuer: "https://login.example.com") == [
            "https://login.example.com/.well-known/oauth-authorization-server",
            "https://login.example.com/.well-known/openid-configuration",
        ])
        #expect(AuthorizationServerMetadata.candidateURLs(issuer: "https://login.example.com/tenant/v2.0/") == [
            "https://login.example.com/.well-known/oauth-authorization-server/tenant/v2.0",
            "https://login.example.com/tenant/v2.0/.well-known/openid-configuration",
        ])
    }

    func response(_ json: String, status: Int = 200) -> HTTPResponse {
        HTTPResponse(status: status, headers: ["Content-Type": "application/json"], body: Data(json.utf8))
    }

    @Test func theDocumentMustNameTheConfiguredIssuerAndUsableEndpoints() {
        let url = "https://as.example/.well-known/oauth-authorization-server"
        let good = AuthorizationServerMetadata.parse(response(#"{"issuer":"https://as.example","authorization_endpoint":"https://as.example/a","token_endpoint":"https://as.example/t","authorization_response_iss_parameter_supported":true}"#),
                                                     issuer: "https://as.example", url: url)
        #expect((try? good.get())?.tokenEndpoint == "https://as.example/t")
        #expect((try? good.get())?.issParameterSupported == true)

        let other = AuthorizationServerMetadata.parse(response(#"{"issuer":"https://evil.example","token_endpoint":"https://evil.example/t"}"#),
                                                      issuer: "https://as.example", url: url)
        #expect(other.failure?.description == "discovery failed: \(url) is not authorization server metadata (it names another issuer than https://as.example)")
        let bad = AuthorizationServerMetadata.parse(response(#"{"issuer":"https://as.example","token_endpoint":"javascript:alert(1)"}"#),
                                                    issuer: "https://as.example", url: url)
        #expect(bad.failure?.description.contains("its token_endpoint is not an absolute http(s) URL") == true)
        let missing = AuthorizationServerMetadata.parse(response("<html>", status: 404), issuer: "https://as.example", url: url)
        #expect(missing.failure == .status(url: url, 404))
        #expect(missing.failure?.tryNext == true, "a 404 moves on to the OpenID Connect address")
    }

    @Test func explicitFieldsWinOverDiscoveredEndpoints() throws {
        let metadata = AuthorizationServerMetadata(issuer: "https://as.example", authorizationEndpoint: "https://as.example/a",
                                                   tokenEndpoint: "https://as.example/t", revocationEndpoint: "https://as.example/r",
                                                   deviceAuthorizationEndpoint: nil, issParameterSupported: false, source: "x")
        var values = OAuthFixtures.values
        values["issuer"] = "https://as.example"
        values["authorizeUrl"] = nil
        values["revokeUrl"] = nil
        let client = try OAuthClient(type: OAuthFixtures.type(), values: values, discovery: metadata)
        #expect(client.authorizeUrl == "https://as.example/a")
        #expect(client.tokenUrl == OAuthFixtures.values["tokenUrl"], "the Token URL field wins")
        #expect(client.revokeUrl == "https://as.example/r")
        #expect(client.discovered == ["authorizeUrl", "revokeUrl"])
        #expect(client.destination("revokeUrl") == ["issuer"], "a discovered address is as chosen as the issuer field")
    }

    @Test func theIssCheckOfRFC9207() throws {
        var values = OAuthFixtures.values
        values["issuer"] = "https://as.example"
        let plain = try OAuthClient(type: OAuthFixtures.type(), values: values)
        #expect(OAuthFlows.mixUpRefusal(CallbackResult(state: "s", code: "c", issuer: "https://as.example"), client: plain) == nil)
        #expect(OAuthFlows.mixUpRefusal(CallbackResult(state: "s", code: "c"), client: plain) == nil, "no promise of iss: none needed")
        #expect(OAuthFlows.mixUpRefusal(CallbackResult(state: "s", error: "access_denied", issuer: "https://evil.example"), client: plain)?
            .hasPrefix("the callback's iss is not this connection's issuer;") == true,
                "error responses are checked too")
        var promised = plain
        promised.discovery = AuthorizationServerMetadata(issuer: "https://as.example", issParameterSupported: true, source: "x")
        #expect(OAuthFlows.mixUpRefusal(CallbackResult(state: "s", code: "c"), client: promised)?.hasPrefix("the callback carries no iss") == true)
        var unnamed = OAuthFixtures.values
        unnamed["issuer"] = nil
        #expect(OAuthFlows.mixUpRefusal(CallbackResult(state: "s", code: "c", issuer: "https://any.example"),
                                        client: try OAuthClient(type: OAuthFixtures.type(), values: unnamed)) == nil)
    }

    @Test func aTypeWithOnlyAnIssuerImports() throws {
        let text = """
            component: only-issuer
            label: Only issuer
            connections:
              - key: oauth
                label: OAuth
                oauth2: {grant: authorization_code}
                fields:
                  - {key: issuer, label: Issuer, type: url, required: true}
                  - {key: clientId, label: Client ID, type: string, required: true}
            """
        let batch = try DefinitionParser.parse(yaml: text, file: "only-issuer.yaml")
        for component in batch.components { try DefinitionValidator.validate(component) }
        #expect(batch.components.count == 1)
    }
}

extension Result {
    var failure: Failure? { if case .failure(let failure) = self { failure } else { nil } }
}

/// The hostile review's findings, kept fixed.
@Suite struct DiscoveryTrustTests {
    @Test func metadataFetchedForAnotherIssuerIsIgnored() throws {
        let evil = AuthorizationServerMetadata(issuer: "https://evil.example", tokenEndpoint: "https://evil.example/t",
                                               revocationEndpoint: "https://evil.example/r", issParameterSupported: false, source: "x")
        var values = OAuthFixtures.values
        values["issuer"] = "https://as.example"
        values["revokeUrl"] = nil
        let client = try OAuthClient(type: OAuthFixtures.type(), values: values, discovery: evil)
        #expect(client.discovery == nil)
        #expect(client.revokeUrl == nil, "no endpoint of another issuer's metadata is used")
        #expect(client.discovered.isEmpty)
    }

    @Test func aTestURLsHostMayNotComeFromCallbackMetadata() throws {
        let text = """
            component: steered
            label: Steered
            connections:
              - key: oauth
                label: OAuth
                oauth2: {grant: authorization_code, callbackMetadata: [site, realmId]}
                fields:
                  - {key: authorizeUrl, label: A, type: url, required: true, default: "https://as.example/a"}
                  - {key: tokenUrl, label: T, type: url, required: true, default: "https://as.example/t"}
                  - {key: clientId, label: Client ID, type: string, required: true}
                test: {method: GET, url: "URL", headers: {Authorization: "Bearer {{access_token}}"}}
            """
        func check(_ url: String) throws {
            for component in try DefinitionParser.parse(yaml: text.replacingOccurrences(of: "URL", with: url), file: "s.yaml").components {
                try DefinitionValidator.validate(component)
            }
        }
        #expect(throws: SwitchboardError.self) { try check("http://{{site}}/api/me") }
        #expect(throws: SwitchboardError.self) { try check("{{site}}/api/me") }
        #expect(throws: SwitchboardError.self) { try check("https://user@{{site}}:8443/api") }
        try check("https://api.example/v3/company/{{realmId}}/info")
        #expect(Template.authorityReferences(in: "{{apiBaseUrl}}/v3/company/{{realmId}}") == ["apiBaseUrl"])
        #expect(Template.authorityReferences(in: "https://{{host}}:{{port}}/x/{{id}}?q={{q}}") == ["host", "port"])
    }

    @Test func callbackValuesInATestURLStayOnePathSegment() throws {
        // The example's client-credentials type, declaring a callback value.
        var text = try String(contentsOfFile: Checkout.root + "/examples/local-oauth.yaml", encoding: .utf8)
        let anchor = "      grant: client_credentials\n"
        let range = try #require(text.range(of: anchor))
        text.replaceSubrange(range, with: anchor + "      callbackMetadata: [site]\n")
        let f = try OAuthStoreFixture()
        _ = try f.store.importDefinitions([(path: "local-oauth.yaml", text: text)])
        _ = try f.store.deploy(integration: "local-oauth-demo", customer: "acme", name: "acme/steered")
        try f.store.configure(instance: "acme/steered", changes: [FieldChange(variable: "service", field: "baseUrl", value: f.base)])
        try f.store.storeTokens(f.store.oauthConnection(instance: "acme/steered", variable: "service"),
                                TokenResponse(accessToken: "AT-1", scope: "read write", expiresIn: 3600), source: .clientCredentials,
                                callbackMetadata: ["site": "127.0.0.1:9/steal?x#y"])
        let subject = try f.store.testSubject(instance: "acme/steered", variable: "service")
        #expect(subject.values["site"] == "127.0.0.1%3A9%2Fsteal%3Fx%23y")
        #expect(try f.store.oauthConnection(instance: "acme/steered", variable: "service").metadata["site"] == "127.0.0.1:9/steal?x#y",
                "stored as sent: step code gets the value itself")
    }

    @Test func aHeaderWithALineBreakIsNeverSent() async throws {
        let result = await TestRequestRunner(transport: CurlTransport())
            .run(TestRequest(url: "http://127.0.0.1:9/x", headers: ["X-Site": "{{site}}"]), values: ["site": "a\r\nX-Injected: yes"],
                 accessToken: nil, secretValues: [], classes: [:], destinationChosenByCustomer: false)
        #expect(!result.passed)
        #expect(result.report.teamText.contains("not sent: a header holds a line break"), "\(result.report.teamText)")
    }

    @Test func lookupValuesAreOneShortPrintableLine() {
        let lookup = MetadataLookup(url: "https://x.example/r", keep: ["site": "0.url"])
        let long = String(repeating: "a", count: 600)
        for bad in ["https://a\u{1B}]0;x\u{7}", long] {
            let body = try! JSONSerialization.data(withJSONObject: [["url": bad]])
            #expect(lookup.values(from: HTTPResponse(status: 200, body: body)) == .failure(.unusable(key: "site", path: "0.url")))
        }
    }
}
