import Foundation
@testable import SwitchboardCore
import Testing

@Suite struct TokenRequestTests {
    @Test func authorizationCodeWithBasicClientAuthentication() throws {
        let client = try OAuthFixtures.client { $0.tokenParams = ["audience": "api.acme.test", "grant_type": "password"] }
        let request = OAuthRequests.token(client: client, grant: .authorizationCode(code: "CODE 1", redirectURI: "http://127.0.0.1:9/callback", verifier: "VERIFIER"))
        #expect(request.method == "POST")
        #expect(request.url == "https://login.acme.test/oauth/token")
        #expect(request.headers["Content-Type"] == "application/x-www-form-urlencoded")
        #expect(request.headers["Accept"] == "application/json")
        // RFC 6749 §2.3.1: id and secret each form-encoded, then joined and base64-encoded.
        let expected = "Basic " + Data("abc123:s3cr3t%3Awith%2Fodd%2Bchars".utf8).base64EncodedString()
        #expect(request.headers["Authorization"] == expected)
        let form = OAuthFixtures.form(request)
        #expect(form == [
            "grant_type": "authorization_code", "code": "CODE 1", "redirect_uri": "http://127.0.0.1:9/callback",
            "code_verifier": "VERIFIER", "audience": "api.acme.test",
        ])
        #expect(!"\(request)".contains("CODE"))
    }

    @Test func bodyClientAuthenticationPutsTheSecretInTheForm() throws {
        let client = try OAuthFixtures.client { $0.clientAuth = .body }
        let request = OAuthRequests.token(client: client, grant: .refreshToken("RT-1"))
        #expect(request.headers["Authorization"] == nil)
        #expect(OAuthFixtures.form(request) == [
            "grant_type": "refresh_token", "refresh_token": "RT-1", "client_id": "abc123", "client_secret": "s3cr3t:with/odd+chars",
        ])
    }

    @Test func publicClientsSendOnlyTheirId() throws {
        var values = OAuthFixtures.values
        values["clientSecret"] = nil
        let client = try OAuthFixtures.client(values: values)
        let request = OAuthRequests.token(client: client, grant: .authorizationCode(code: "C", redirectURI: "http://127.0.0.1:9/callback", verifier: nil))
        #expect(request.headers["Authorization"] == nil)
        #expect(OAuthFixtures.form(request) == ["grant_type": "authorization_code", "code": "C", "redirect_uri": "http://127.0.0.1:9/callback", "client_id": "abc123"])
    }

    @Test func clientCredentialsAsksForTheScopes() throws {
        let client = try OAuthFixtures.client()
        let form = OAuthFixtures.form(OAuthRequests.token(client: client, grant: .clientCredentials))
        #expect(form == ["grant_type": "client_credentials", "scope": "read write"])
    }

    @Test func deviceCodeGrant() throws {
        let client = try OAuthFixtures.client { $0.clientAuth = .body }
        var values = OAuthFixtures.values
        values["clientSecret"] = nil
        let publicClient = try OAuthFixtures.client({ $0.clientAuth = .body }, values: values)
        #expect(OAuthFixtures.form(OAuthRequests.token(client: publicClient, grant: .deviceCode("DC"))) == [
            "grant_type": "urn:ietf:params:oauth:grant-type:device_code", "device_code": "DC", "client_id": "abc123",
        ])
        #expect(OAuthFixtures.form(OAuthRequests.token(client: client, grant: .deviceCode("DC")))["client_secret"] == "s3cr3t:with/odd+chars")
    }

    @Test func revocationCarriesTheHint() throws {
        let client = try OAuthFixtures.client()
        let request = OAuthRequests.revocation(client: client, token: "RT", kind: .refreshToken)
        #expect(request.url == "https://login.acme.test/oauth/revoke")
        #expect(OAuthFixtures.form(request) == ["token": "RT", "token_type_hint": "refresh_token"])
        #expect(request.headers["Authorization"]?.hasPrefix("Basic ") == true)
    }
}

@Suite struct TokenResponseTests {
    @Test func parsesTheStandardFields() throws {
        let response = HTTPResponse.json(200, #"{"access_token":"AT","token_type":"bearer","expires_in":3600,"refresh_token":"RT","scope":"read write"}"#)
        let token = try OAuthResponseParser.token(response)
        #expect(token == TokenResponse(accessToken: "AT", tokenType: "bearer", refreshToken: "RT", scope: "read write", expiresIn: 3600))
        #expect(!"\(token)".contains("AT\"") && !"\(token)".contains("RT"))
        #expect(token.expiresAt(after: Date(timeIntervalSince1970: 0)) == Date(timeIntervalSince1970: 3600))
    }

    @Test func defaultsAndStringNumbers() throws {
        let token = try OAuthResponseParser.token(.json(200, #"{"access_token":"AT","expires_in":"120"}"#))
        #expect(token.tokenType == "Bearer")
        #expect(token.expiresIn == 120)
        #expect(token.refreshToken == nil)
        let noExpiry = try OAuthResponseParser.token(.json(200, #"{"access_token":"AT","refresh_token":""}"#))
        #expect(noExpiry.expiresIn == nil)
        #expect(noExpiry.refreshToken == nil)
    }

    @Test func keepsTokenMetadataIncludingDottedPaths() throws {
        let body = #"{"ok":true,"access_token":"xoxb","token_type":"bot","team":{"id":"T123","name":"Acme"},"bot_user_id":"U9","instance_url":"https://acme.my.salesforce.test","n":5,"flag":true,"nested":{"a":[1,2]}}"#
        let token = try OAuthResponseParser.token(.json(200, body), keepMetadata: ["team.id", "team.name", "bot_user_id", "instance_url", "n", "flag", "nested", "missing.key"])
        #expect(token.metadata == [
            "team.id": "T123", "team.name": "Acme", "bot_user_id": "U9", "instance_url": "https://acme.my.salesforce.test",
            "n": "5", "flag": "true", "nested": #"{"a":[1,2]}"#,
        ])
    }

    @Test func providerErrorsCarryCodeAndDescription() {
        #expect(throws: OAuthError.provider(code: "invalid_grant", description: "Invalid refresh token", status: 400)) {
            try OAuthResponseParser.token(.json(400, #"{"error":"invalid_grant","error_description":"Invalid refresh token"}"#))
        }
        // Slack answers errors with 200 and "ok": false.
        #expect(throws: OAuthError.provider(code: "invalid_code", description: nil, status: 200)) {
            try OAuthResponseParser.token(.json(200, #"{"ok":false,"error":"invalid_code"}"#))
        }
        let error = OAuthError.provider(code: "invalid_grant", description: "x", status: 400)
        #expect(!error.isTransient)
        #expect(error.description == "invalid_grant: x")
    }

    @Test func htmlAndNonJSONBodiesGiveAClearError() {
        let html = HTTPResponse(status: 200, headers: ["Content-Type": "text/html"], body: Data("<html><body>Login</body></html>".utf8))
        #expect(throws: OAuthError.unexpectedResponse("the token endpoint answered HTTP 200 with an HTML page instead of JSON; check the URL")) {
            try OAuthResponseParser.token(html)
        }
        #expect(throws: OAuthError.unexpectedResponse("the token endpoint answered HTTP 200 with a body that is not JSON")) {
            try OAuthResponseParser.token(.text(200, "access granted"))
        }
        #expect(throws: OAuthError.unexpectedResponse("the token endpoint answered HTTP 200 without an access_token")) {
            try OAuthResponseParser.token(.json(200, #"{"token":"x"}"#))
        }
        #expect(throws: OAuthError.unexpectedResponse("the token endpoint answered HTTP 404 without an OAuth error code")) {
            try OAuthResponseParser.token(.json(404, #"{"detail":"no"}"#))
        }
    }

    @Test func serverTroubleIsTransient() {
        #expect(throws: OAuthError.unavailable(status: 503)) { try OAuthResponseParser.token(.text(503, "<html>down</html>")) }
        #expect(throws: OAuthError.unavailable(status: 429)) { try OAuthResponseParser.token(.json(429, "{}")) }
        #expect(OAuthError.unavailable(status: 502).isTransient)
        #expect(OAuthError.network("could not connect").isTransient)
        #expect(OAuthError.provider(code: "temporarily_unavailable", description: nil, status: 400).isTransient)
        #expect(!OAuthError.unexpectedResponse("x").isTransient)
    }

    @Test func formEncodedAnswersAreRead() throws {
        let response = HTTPResponse(status: 200, headers: ["Content-Type": "application/x-www-form-urlencoded"],
                                    body: Data("access_token=gho_1&scope=repo&token_type=bearer".utf8))
        #expect(try OAuthResponseParser.token(response) == TokenResponse(accessToken: "gho_1", tokenType: "bearer", scope: "repo"))
    }

    @Test func errorDescriptionsAreKeptOnOneLine() {
        #expect(throws: OAuthError.provider(code: "invalid_request", description: "bad thing [31m happened", status: 400)) {
            try OAuthResponseParser.token(.json(400, #"{"error":"invalid_request","error_description":"bad\nthing\u001b[31m happened"}"#))
        }
    }
}
