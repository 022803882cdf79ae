import Foundation
import SwitchboardCore
import Testing

/// Each bundled OAuth connection type that uses a browser, end to end against a fake of
/// its provider (ProviderProfiles.swift): the catalog entry as shipped, only its hosts
/// pointed at the fake. Each test deploys it, CONNECTs, tests, refreshes, lets the
/// provider kill the token, reconnects and DISCONNECTs, checking at each step what the
/// provider's documentation says it sends and accepts. docs/providers.md lists the quirks.
@Suite(.timeLimit(.minutes(5)))
struct ProviderProfileEndToEndTests {
    @Test func dropbox() async throws {
        try await ProviderWorld.with(.dropbox) { world in
            let redirect = try ProviderWorld.fixedLoopbackRedirect()
            let client = FakeClient(id: "dbx-app-key-4f2k", secret: "dbx-app-secret-9x8w7v", redirectURIs: [redirect])
            world.fake.register(client)
            try await world.deploy(["clientId": client.id, "redirectUri": redirect], clientSecret: client.secret)
            let connected = try await world.connect()
            #expect(connected.authorizeQuery["token_access_type"] == "offline")
            #expect(connected.authorizeQuery["code_challenge_method"] == "S256")
            try world.expectCodeExchange(connected, .basic, client: client)
            try await world.expectExactRedirectMatching(connected.authorizeURL)
            #expect(try await world.metadata() == ["account_id": ProviderProfile.dropboxAccountId])
            try await world.expectLiveTest()
            // A body-less RPC POST: no Content-Type at all (Dropbox refuses a form type with 400).
            let call = try #require(world.fake.requests(.api).last)
            #expect(call.method == "POST" && call.contentType == nil && call.body.isEmpty)
            try await world.expectRefreshes(.basic, client: client, rotates: false)
            try await world.expectDeadTokenFails()
            _ = try await world.connect()
            let (report, tokens, revocations) = try await world.disconnect()
            // POST /2/auth/token/revoke with the access token as Bearer, no body, no Content-Type.
            let revoke = try #require(revocations.sole, "\(revocations)")
            #expect(revoke.method == "POST" && revoke.path == "/2/auth/token/revoke")
            #expect(revoke.bearer == tokens.access && revoke.body.isEmpty && revoke.contentType == nil)
            #expect(report["revoked"] as? Bool == true)
            #expect(!world.fake.isLive(refreshToken: try #require(tokens.refresh)), "revoking the access token ends its refresh token")
            // A DISCONNECT after the 4-hour access token expired: the refresh token buys a
            // fresh access token (never stored) to revoke the grant with.
            world.fake.issueShortLivedTokens(10)
            _ = try await world.connect()
            let stale = try #require(world.fake.latestAccessToken)
            world.fake.kill(accessToken: stale)
            let refreshes = world.fake.tokenRequests(grantType: "refresh_token").count
            let late = try await world.disconnect()
            #expect(world.fake.tokenRequests(grantType: "refresh_token").count == refreshes + 1)
            let lateRevoke = try #require(late.revocations.sole, "\(late.revocations)")
            #expect(lateRevoke.bearer == world.fake.latestAccessToken && lateRevoke.bearer != stale)
            #expect(late.report["revoked"] as? Bool == true)
            #expect(world.fake.liveTokenCount == 0)
            #expect(try await world.show()["hasTokens"] as? Bool == false, "the fresh access token is not stored")
            try await world.expectNoPlainSecrets()
        }
    }

    @Test func github() async throws {
        try await ProviderWorld.with(.github) { world in
            // The OAuth app's one callback URL; a loopback redirect may use any port.
            let client = FakeClient(id: "Ov23liFakeClient0001", secret: "ghsecret-3f6c1b2a9d8e7f60", redirectURIs: ["http://127.0.0.1/callback"])
            world.fake.register(client)
            try await world.deploy(["clientId": client.id], clientSecret: client.secret)
            let connected = try await world.connect()
            let exchange = try world.expectCodeExchange(connected, .body, client: client)
            // GitHub answers the token request form-encoded unless JSON is asked for.
            #expect(exchange.headers["accept"]?.contains("application/json") == true)
            try await world.expectLoopbackRedirectOnAnyPort(connected.authorizeURL)
            try await world.expectLiveTest()
            let call = try #require(world.fake.requests(.api).last)
            #expect(call.headers["user-agent"] == "Switchboard" && call.headers["x-github-api-version"] == "2022-11-28")
            // OAuth app tokens do not expire and come without a refresh token.
            #expect(try await world.show()["expiresAt"] is NSNull)
            try await world.expectNothingToRefresh()
            try await world.expectDeadTokenFails()
            _ = try await world.connect()
            let (report, tokens, revocations) = try await world.disconnect()
            // DELETE /applications/{client_id}/grant, Basic client auth, JSON {"access_token": …}, 204.
            let revoke = try #require(revocations.sole, "\(revocations)")
            #expect(revoke.method == "DELETE" && revoke.path == "/applications/\(client.id)/grant")
            #expect(revoke.basic?.id == client.id && revoke.basic?.secret == client.secret)
            #expect(revoke.contentType == "application/json")
            #expect(revoke.json?.keys.sorted() == ["access_token"] && revoke.json?["access_token"] as? String == tokens.access)
            #expect(report["revoked"] as? Bool == true)
            #expect(!world.fake.isLive(accessToken: tokens.access))
            try await world.expectNoPlainSecrets()
        }
    }

    @Test func google() async throws {
        try await ProviderWorld.with(.google) { world in
            // A "Desktop app" client: any loopback port.
            let client = FakeClient(id: "1234567890-switchboard.apps.googleusercontent.com", secret: "GOCSPX-fake-secret-4c5d6e",
                                    redirectURIs: ["http://127.0.0.1/callback"])
            world.fake.register(client)
            try await world.deploy(["clientId": client.id], clientSecret: client.secret)
            let connected = try await world.connect()
            // access_type=offline brings the refresh token; prompt=consent brings it on every consent.
            #expect(connected.authorizeQuery["access_type"] == "offline" && connected.authorizeQuery["prompt"] == "consent")
            try world.expectCodeExchange(connected, .body, client: client)
            try await world.expectLoopbackRedirectOnAnyPort(connected.authorizeURL)
            try await world.expectLiveTest()
            try await world.expectRefreshes(.body, client: client, rotates: false)
            try await world.expectDeadTokenFails()
            _ = try await world.connect()
            let (report, tokens, revocations) = try await world.disconnect()
            // RFC 7009 form with the refresh token, which ends the grant: the access token is not sent.
            let revoke = try #require(revocations.sole, "\(revocations)")
            #expect(revoke.method == "POST" && revoke.path == "/revoke")
            #expect(revoke.contentType == "application/x-www-form-urlencoded")
            #expect(revoke.form["token"] == tokens.refresh && revoke.form["token_type_hint"] == "refresh_token")
            #expect(report["revoked"] as? Bool == true)
            #expect(!world.fake.isLive(accessToken: tokens.access))
            try await world.expectNoPlainSecrets()
        }
    }

    @Test func microsoft() async throws {
        try await ProviderWorld.with(.microsoft) { world in
            // A single-tenant public client ("Mobile and desktop applications"): PKCE, no secret.
            let tenant = ProviderProfile.microsoftTenant
            let client = FakeClient(id: "6731de76-14a6-49ae-97bc-6eba6914391e", secret: nil, redirectURIs: ["http://127.0.0.1/callback"],
                                    info: ["tenant": tenant])
            world.fake.register(client)
            try await world.deploy(["clientId": client.id, "tenant": tenant], clientSecret: nil)
            let connected = try await world.connect()
            #expect(connected.authorizeURL.hasPrefix(world.fake.url("login.microsoftonline.com", "/\(tenant)/oauth2/v2.0/authorize?")))
            try world.expectCodeExchange(connected, .none, client: client)
            try await world.expectLoopbackRedirectOnAnyPort(connected.authorizeURL)
            // The catalog's default tenant, common, is refused by a single-tenant app.
            let common = try await Browser.get(connected.authorizeURL.replacingOccurrences(of: "/\(tenant)/", with: "/common/"))
            #expect(common.status == 400 && common.text.contains("AADSTS50194"))
            try await world.expectLiveTest()
            try await world.expectRefreshes(.none, client: client, rotates: true)
            try await world.expectDeadTokenFails()
            _ = try await world.connect()
            let (report, tokens, revocations) = try await world.disconnect()
            // Entra ID has no revocation endpoint: the tokens are deleted locally only.
            #expect(revocations.isEmpty)
            #expect(report["revoked"] as? Bool == false)
            #expect((report["revocation"] as? [String])?.first?.hasPrefix("No revocation endpoint") == true, "\(report)")
            #expect(world.fake.isLive(refreshToken: try #require(tokens.refresh)), "at Entra the grant outlives DISCONNECT")
            try await world.expectNoPlainSecrets()
        }
    }

    @Test(arguments: ["oauth", "sandbox"])
    func salesforce(connection: String) async throws {
        try await ProviderWorld.with(.salesforce, connection: connection) { world in
            let loginHost = connection == "sandbox" ? "test.salesforce.com" : "login.salesforce.com"
            let redirect = try ProviderWorld.fixedLoopbackRedirect()
            let client = FakeClient(id: "3MVG9fakeConsumerKey.\(connection)", secret: "sf-consumer-secret-7d8e9f", redirectURIs: [redirect])
            world.fake.register(client)
            try await world.deploy(["clientId": client.id, "redirectUri": redirect], clientSecret: client.secret)
            let connected = try await world.connect()
            #expect(connected.authorizeURL.hasPrefix(world.fake.url(loginHost, "/services/oauth2/authorize?")))
            try world.expectCodeExchange(connected, .body, client: client)
            try await world.expectExactRedirectMatching(connected.authorizeURL)
            // API calls go to the org's host from the token answer's instance_url.
            let instance = ProviderProfile.salesforceInstance(loginHost)
            let metadata = try await world.metadata()
            #expect(metadata["instance_url"] == world.fake.url(instance))
            #expect(metadata["id"]?.hasSuffix("/id/00D5e000000abcdEAA/0055e000003xyzAAA") == true)
            // No expires_in: the declared assumed lifetime (2 hours) stands in for it.
            let expiresAt = try #require((try await world.show()["expiresAt"] as? String).flatMap(Timestamp.date(from:)))
            #expect(abs(expiresAt.timeIntervalSinceNow - 7200) < 120, "\(expiresAt)")
            try await world.expectLiveTest()
            #expect(world.fake.requests(.api).last?.host == instance)
            try await world.expectRefreshes(.body, client: client, rotates: false)
            // The session ended before the assumed lifetime (an admin's shorter timeout): the
            // 401 brings one refresh and one retry, and the test passes.
            world.fake.kill(accessToken: try #require(world.fake.latestAccessToken))
            try await world.expectLiveTest()
            #expect(try await world.sandbox.logs(world.variable, instance: world.instance)
                .contains("The test got 401 with a token of unknown lifetime: refreshed it and tried once more"))
            try await world.expectDeadTokenFails()
            _ = try await world.connect()
            let (report, tokens, revocations) = try await world.disconnect()
            // RFC 7009 form with the refresh token, which revokes its access tokens too.
            let revoke = try #require(revocations.sole, "\(revocations)")
            #expect(revoke.method == "POST" && revoke.host == loginHost && revoke.path == "/services/oauth2/revoke")
            #expect(revoke.contentType == "application/x-www-form-urlencoded" && revoke.form["token"] == tokens.refresh)
            #expect(report["revoked"] as? Bool == true)
            #expect(!world.fake.isLive(accessToken: tokens.access))
            try await world.expectNoPlainSecrets()
        }
    }

    @Test func slack() async throws {
        try await ProviderWorld.with(.slack) { world in
            let https = "https://switchboard.example.test/callback"
            // Token rotation on: 12-hour tokens with refresh tokens.
            let client = FakeClient(id: "1234567890.1234567890123", secret: "slack-client-secret-5e6f7a", redirectURIs: [https],
                                    info: ["rotation": "on"])
            world.fake.register(client)
            try await world.deploy(["clientId": client.id], clientSecret: client.secret)
            // Slack takes only https redirects, so the type requires the Redirect URI: until it
            // is set CONNECT refuses at once, naming it, instead of offering a loopback URL
            // Slack would refuse.
            let unset = try await world.sandbox.run(["connect", world.instance, world.variable, "--timeout", "5"])
            #expect(unset.status != 0)
            #expect(unset.stderr.contains("Redirect URI") && unset.stderr.split(separator: "\n").count == 1, "\(unset.stderr)")
            #expect(world.fake.issuedCodes.isEmpty)
            // The fake plays Slack's refusal of an http redirect all the same (for a type that
            // would send one): the authorize endpoint answers 400.
            let loopback = "http://127.0.0.1:9/callback"
            let refused = try await Browser.get("\(world.fake.base)/slack.com/oauth/v2/authorize?client_id=\(client.id)&redirect_uri=\(loopback)&state=s&response_type=code")
            #expect(refused.status == 400 && refused.text.contains("must use https"), "\(refused.text)")
            // Through the team callback server behind the registered https URL: the browser
            // hands the callback to the server's local address, as the reverse proxy would.
            try await world.configure(["redirectUri": https])
            let server = try world.spawn(["callback-server", "--listen", "127.0.0.1:0"])
            let listening = try await server.firstLine()
            let local = try #require(listening.split(separator: " ").last.map(String.init), "\(listening)")
            #expect(local.hasPrefix("http://127.0.0.1:") && local.hasSuffix("/callback"), "\(listening)")
            let proxy: @Sendable (String) -> String = { $0.replacingOccurrences(of: https, with: local) }
            let connected = try await world.connect(deliver: proxy)
            #expect(connected.authorizeQuery["redirect_uri"] == https)
            #expect(connected.authorizeQuery["scope"] == "chat:write,channels:read", "Slack scopes are comma separated")
            try world.expectCodeExchange(connected, .body, client: client)
            try await world.expectExactRedirectMatching(connected.authorizeURL)
            // The workspace and bot user from the nested oauth.v2.access answer.
            #expect(try await world.metadata() == ["team.id": "T9TK3CUKW", "team.name": "Acme Softball", "bot_user_id": "U0KRQLJ9H"])
            try await world.expectLiveTest()
            try await world.expectRefreshes(.body, client: client, rotates: true)
            // A dead token is HTTP 200 {"ok": false}: only the expectJson predicate catches it.
            try await world.expectDeadTokenFails()
            let dead = try #require(world.fake.requests(.api).last)
            #expect(dead.path == "/api/auth.test")
            _ = try await world.connect(deliver: proxy)
            let (report, tokens, revocations) = try await world.disconnect()
            // auth.revoke with the token as Bearer; success is {"ok": true}.
            let revoke = try #require(revocations.sole, "\(revocations)")
            #expect(revoke.method == "POST" && revoke.path == "/api/auth.revoke")
            #expect(revoke.bearer == tokens.access && revoke.body.isEmpty)
            #expect(report["revoked"] as? Bool == true)
            #expect(!world.fake.isLive(accessToken: tokens.access))
            server.signal(SIGTERM)
            #expect(try await server.exitStatus() == 0)
            world.sandbox.record(server)
            try await world.expectNoPlainSecrets()
        }
    }

    @Test func jira() async throws {
        try await ProviderWorld.with(.jira) { world in
            let redirect = try ProviderWorld.fixedLoopbackRedirect()
            let client = FakeClient(id: "atl-client-Zx81qPfake", secret: "ATOAfake-secret-0a1b2c3d", redirectURIs: [redirect])
            world.fake.register(client)
            try await world.deploy(["clientId": client.id, "redirectUri": redirect], clientSecret: client.secret)
            let connected = try await world.connect()
            #expect(connected.authorizeQuery["audience"] == "api.atlassian.com" && connected.authorizeQuery["prompt"] == "consent")
            #expect(connected.authorizeQuery["code_challenge"] == nil)
            try world.expectCodeExchange(connected, .body, client: client)
            try await world.expectExactRedirectMatching(connected.authorizeURL)
            // After CONNECT the site is looked up once, with the new token; the first
            // resource's id and URL are kept.
            let lookup = try #require(world.fake.requests(.api).sole, "\(world.fake.requests(.api))")
            #expect(lookup.path == "/oauth/token/accessible-resources" && lookup.bearer == world.fake.latestAccessToken)
            #expect(try await world.metadata() == ["cloudId": ProviderProfile.atlassianCloudId, "siteUrl": ProviderProfile.atlassianSite])
            try await world.expectLiveTest()
            #expect(world.fake.requests(.api).last?.path == "/ex/jira/\(ProviderProfile.atlassianCloudId)/rest/api/3/myself")
            // Rotating refresh tokens: each refresh must send the one the last refresh returned.
            try await world.expectRefreshes(.body, client: client, rotates: true)
            try await world.expectDeadTokenFails()
            _ = try await world.connect()
            let (report, tokens, revocations) = try await world.disconnect()
            // Atlassian has no revocation endpoint for 3LO apps: local deletion only.
            #expect(revocations.isEmpty)
            #expect(report["revoked"] as? Bool == false)
            #expect(world.fake.isLive(refreshToken: try #require(tokens.refresh)), "the grant outlives DISCONNECT until the user removes the app")
            try await world.expectNoPlainSecrets()
        }
    }

    @Test func quickbooks() async throws {
        try await ProviderWorld.with(.quickbooks) { world in
            // Development keys (sandbox companies): http is accepted on localhost.
            let redirect = try ProviderWorld.fixedLoopbackRedirect()
            let client = FakeClient(id: "ABfakeIntuitDevClientId01", secret: "intuit-dev-secret-6b7c8d", redirectURIs: [redirect],
                                    info: ["environment": "development"])
            let production = FakeClient(id: "ABfakeIntuitProdClientId1", secret: "intuit-prod-secret-9e0f1a", redirectURIs: [redirect],
                                        httpsOnly: true, info: ["environment": "production"])
            world.fake.register(client)
            world.fake.register(production)
            let sandboxHost = world.fake.url("sandbox-quickbooks.api.intuit.com")
            try await world.deploy(["clientId": client.id, "redirectUri": redirect, "apiBaseUrl": sandboxHost], clientSecret: client.secret)
            let connected = try await world.connect()
            // The company the user picked arrives on the callback and is kept.
            #expect(connected.callback["realmId"] == ProviderProfile.intuitRealm)
            #expect(try await world.metadata() == ["realmId": ProviderProfile.intuitRealm])
            try world.expectCodeExchange(connected, .basic, client: client)
            // Exact URIs, no IP addresses; production keys refuse any http redirect.
            try await world.expectExactRedirectMatching(connected.authorizeURL)
            try await world.expectAuthorizeRefused(connected.authorizeURL, setting: "client_id", to: production.id, because: "must use https")
            try await world.expectLiveTest()
            let realm = ProviderProfile.intuitRealm
            #expect(world.fake.requests(.api).last.map { "\($0.host)\($0.path)" }
                    == "sandbox-quickbooks.api.intuit.com/v3/company/\(realm)/companyinfo/\(realm)")
            // Development keys against the production host: 403, the test fails.
            try await world.configure(["apiBaseUrl": world.fake.url("quickbooks.api.intuit.com")])
            let wrongHost = try await world.test()
            #expect(wrongHost.status == 1 && wrongHost.message.contains("403"), "\(wrongHost)")
            try await world.configure(["apiBaseUrl": sandboxHost])
            try await world.expectRefreshes(.basic, client: client, rotates: true)
            try await world.expectDeadTokenFails()
            _ = try await world.connect()
            let (report, tokens, revocations) = try await world.disconnect()
            // JSON {"token": refresh token} with Basic client auth; it ends the connection.
            let revoke = try #require(revocations.sole, "\(revocations)")
            #expect(revoke.method == "POST" && revoke.path == "/v2/oauth2/tokens/revoke")
            #expect(revoke.basic?.id == client.id && revoke.basic?.secret == client.secret)
            #expect(revoke.contentType == "application/json" && revoke.headers["accept"] == "application/json")
            #expect(revoke.json?.keys.sorted() == ["token"] && revoke.json?["token"] as? String == tokens.refresh)
            #expect(report["revoked"] as? Bool == true)
            #expect(!world.fake.isLive(accessToken: tokens.access))
            try await world.expectNoPlainSecrets()
        }
    }

    // MARK: Device code types

    @Test func githubDevice() async throws {
        try await ProviderWorld.with(.github, connection: "device") { world in
            // "Enable Device Flow" ticked; the device flow uses no client secret.
            let client = FakeClient(id: "Ov23liFakeDevice0002", secret: "ghsecret-never-sent-1a2b3c", redirectURIs: [])
            world.fake.register(client)
            try await world.deploy(["clientId": client.id], clientSecret: nil)
            let event = try await world.connectDevice()
            #expect(event["verificationUri"] as? String == "https://github.com/login/device")
            // GitHub answers form-encoded unless JSON is asked for.
            let start = try #require(world.fake.requests(.device).sole, "\(world.fake.requests(.device))")
            #expect(start.headers["accept"]?.contains("application/json") == true)
            #expect(start.form["client_id"] == client.id && start.form["client_secret"] == nil && start.form["scope"] == "repo read:user")
            let polls = world.fake.tokenRequests(grantType: FakeCore.deviceGrantType)
            #expect(polls.allSatisfy { $0.form["client_id"] == client.id && $0.form["client_secret"] == nil && $0.form["device_code"] != nil })
            try await world.expectLiveTest()
            try await world.expectNothingToRefresh()
            try await world.expectDeadTokenFails()
            let (report, _, revocations) = try await world.disconnect()
            // The device type declares no revokeUrl (GitHub's grant endpoint needs the client
            // secret): DISCONNECT deletes locally only.
            #expect(revocations.isEmpty && report["revoked"] as? Bool == false)
            try await world.expectNoPlainSecrets()
        }
    }

    @Test func googleDevice() async throws {
        try await ProviderWorld.with(.google, connection: "device") { world in
            // A "TVs and Limited Input devices" client; Google wants its secret on the polls too.
            let client = FakeClient(id: "1234567890-tv.apps.googleusercontent.com", secret: "GOCSPX-device-secret-7f8e9d", redirectURIs: [])
            world.fake.register(client)
            try await world.deploy(["clientId": client.id], clientSecret: client.secret)
            let event = try await world.connectDevice()
            // Google's answer spells it verification_url.
            #expect(event["verificationUri"] as? String == "https://www.google.com/device")
            let start = try #require(world.fake.requests(.device).sole, "\(world.fake.requests(.device))")
            #expect(start.form["client_id"] == client.id && start.form["scope"] == "openid email")
            // authorization_pending comes as HTTP 428; polling goes on.
            for poll in world.fake.tokenRequests(grantType: FakeCore.deviceGrantType) { expectClientAuth(poll, .body, client: client) }
            try await world.expectLiveTest()
            try await world.expectRefreshes(.body, client: client, rotates: false)
            try await world.expectDeadTokenFails()
            try await world.connectDevice()
            let (report, tokens, revocations) = try await world.disconnect()
            let revoke = try #require(revocations.sole, "\(revocations)")
            #expect(revoke.path == "/revoke" && revoke.form["token"] == tokens.refresh)
            #expect(report["revoked"] as? Bool == true)
            #expect(!world.fake.isLive(accessToken: tokens.access))
            try await world.expectNoPlainSecrets()
        }
    }

    @Test func microsoftDevice() async throws {
        try await ProviderWorld.with(.microsoft, connection: "device") { world in
            let tenant = ProviderProfile.microsoftTenant
            let client = FakeClient(id: "0b9f5c1e-7a3d-4e2f-9c8b-1a2b3c4d5e6f", secret: nil, redirectURIs: [], info: ["tenant": tenant])
            world.fake.register(client)
            try await world.deploy(["clientId": client.id], clientSecret: nil)
            // The default tenant, organizations, is refused by a single-tenant app (AADSTS50194).
            let refused = try await world.sandbox.run(["connect", world.instance, world.variable, "--no-qr", "--timeout", "60"])
            #expect(refused.status == 1 && refused.stderr.contains("AADSTS50194"), "\(refused.stderr)")
            #expect(world.fake.requests(.device).last?.path == "/organizations/oauth2/v2.0/devicecode")
            // The tenant field templates the device endpoint as well as the token endpoint.
            try await world.configure(["tenant": tenant])
            try await world.connectDevice()
            let start = try #require(world.fake.requests(.device).last)
            #expect(start.path == "/\(tenant)/oauth2/v2.0/devicecode" && start.form["client_id"] == client.id && start.form["client_secret"] == nil)
            for poll in world.fake.tokenRequests(grantType: FakeCore.deviceGrantType) {
                #expect(poll.path == "/\(tenant)/oauth2/v2.0/token")
                expectClientAuth(poll, .none, client: client)
            }
            try await world.expectLiveTest()
            try await world.expectRefreshes(.none, client: client, rotates: true)
            try await world.expectDeadTokenFails()
            let (report, _, revocations) = try await world.disconnect()
            #expect(revocations.isEmpty && report["revoked"] as? Bool == false)
            try await world.expectNoPlainSecrets()
        }
    }
}

fileprivate extension Array {
    /// The one element, or nil when there are none or several.
    var sole: Element? { count == 1 ? first : nil }
}
