import Foundation
import Synchronization
@testable import SwitchboardCore
import Testing

/// The flows with a real loopback catcher and a scripted provider.
@Suite struct OAuthFlowTests {
    let curl = CurlTransport()

    func stateParameter(_ url: String) -> String? { OAuthFixtures.query(url).first { $0.name == "state" }?.value }

    @Test func authorizationCodeWithPKCEOverTheLoopbackCatcher() async throws {
        let f = try OAuthStoreFixture()
        let connection = try f.connection()
        let provider = OAuthFixtures.scripted([])
        let flows = OAuthFlows(store: f.store, transport: provider)
        let session = try await flows.beginAuthorization(connection, redirect: .loopback(host: "127.0.0.1", port: 0), lifetime: .seconds(30))
        let state = try #require(stateParameter(session.authorizeURL))
        #expect(session.authorizeURL.hasPrefix("https://provider.test/o/authorize/?response_type=code&client_id=sb-confidential&redirect_uri="))
        #expect(session.redirectURI == "http://127.0.0.1:\(session.listeningPort!)/callback")

        let browser = try await curl.send(HTTPRequest(url: "\(session.redirectURI)?code=CODE-1&state=\(state)"))
        #expect(browser.status == 200)
        let callback = try await session.waitForCallback(timeout: .seconds(10)).callback
        #expect(callback.code == "CODE-1")

        let exchange = OAuthFixtures.scripted([
            .init("POST", .exact(f.tokenURL),
                  body: .form(["grant_type": "authorization_code", "code": "CODE-1", "redirect_uri": session.redirectURI]),
                  headers: [.equals("Authorization", FormEncoding.basicAuthorization(clientId: "sb-confidential", clientSecret: "sb-confidential-secret"))],
                  respond: .json(200, #"{"access_token":"AT-1","refresh_token":"RT-1","expires_in":3600,"token_type":"Bearer","scope":"read write"}"#)),
        ])
        let token = try await OAuthFlows(store: f.store, transport: exchange).complete(session, with: callback)
        try exchange.assertAllUsed()
        #expect(token.accessToken == "AT-1")
        let verifier = try #require(OAuthFixtures.form(exchange.requests[0])["code_verifier"])
        let challenge = OAuthFixtures.query(session.authorizeURL).first { $0.name == "code_challenge" }?.value
        #expect(PKCE.challenge(for: verifier, method: .s256) == challenge)
        #expect(try f.status() == .configured)
        // Single use: the same callback cannot be completed twice.
        await #expect(throws: SwitchboardError.self) { try await OAuthFlows(store: f.store, transport: exchange).complete(session, with: callback) }
        let logs = try f.logs().joined(separator: "\n")
        for secret in ["CODE-1", verifier, "AT-1", "RT-1"] { #expect(!logs.contains(secret)) }
    }

    @Test func providerRefusalIsLoggedAndStoresNothing() async throws {
        let f = try OAuthStoreFixture()
        let flows = OAuthFlows(store: f.store, transport: OAuthFixtures.scripted([]))
        let session = try await flows.beginAuthorization(f.connection(), redirect: .loopback(host: "127.0.0.1", port: 0), lifetime: .seconds(30))
        let state = try #require(stateParameter(session.authorizeURL))
        let page = try await curl.send(HTTPRequest(url: "\(session.redirectURI)?error=access_denied&error_description=The+user+said+no&state=\(state)"))
        #expect(page.text.contains("Authorization was not granted"))
        let callback = try await session.waitForCallback(timeout: .seconds(10)).callback
        let error = await #expect(throws: SwitchboardError.self) { try await flows.complete(session, with: callback) }
        #expect(error?.description == "the provider did not authorize the connection: access_denied: The user said no")
        #expect(try f.logs().first == "CONNECT refused by the provider: access_denied: The user said no")
        #expect(try f.store.tokens(for: f.connection()) == nil)
        #expect(try f.status() == .unconfigured)
    }

    /// The use case as both front ends run it: a cut-off paste is refused and logged while
    /// the wait goes on, the whole URL then connects; a silent browser times out, logged.
    @Test func connectUseCaseRefusesACutPasteThenAcceptsTheWholeURL() async throws {
        let f = try OAuthStoreFixture()
        let provider = OAuthFixtures.scripted([
            .init("POST", .exact(f.tokenURL), body: .form(["grant_type": "authorization_code", "code": "PASTED"]),
                  respond: .json(200, #"{"access_token":"AT-P","refresh_token":"RT-P","expires_in":3600,"token_type":"Bearer"}"#)),
        ])
        let useCase = ConnectUseCase(store: f.store, transport: provider, settings: OAuthSettings())
        let (pasted, input) = AsyncStream.makeStream(of: String.self)
        let seen = Mutex<[ConnectProgress]>([])
        let outcome = try await useCase.run(.init(instance: f.instance, variable: "confidential", timeout: .seconds(10), pasted: .required(pasted))) { event in
            seen.withLock { $0.append(event) }
            if case .authorize(let url, _, _) = event {
                let state = OAuthFixtures.query(url).first { $0.name == "state" }!.value
                input.yield("   ")
                input.yield("http://127.0.0.1:9/callback?code=PASTED&state=\(state.prefix(10))")
                input.yield("  http://127.0.0.1:9/callback?code=PASTED&state=\(state)  ")
            }
        }
        try provider.assertAllUsed()
        #expect(outcome.token.accessToken == "AT-P")
        #expect(outcome.grant == .authorizationCode)
        let events = seen.withLock { $0 }
        let refusals = events.filter(\.isRefusal)
        #expect(refusals.count == 1)
        #expect(refusals.first?.message.contains("cut off") == true)
        #expect(events.contains(.pastedURLAccepted))
        #expect(events.last == .stored(expiresAt: outcome.token.expiresAt))
        #expect(try f.logs().contains { $0.hasPrefix("Pasted redirect URL refused: the pasted URL is cut off") })

        let silent = try await #require(throws: SwitchboardError.self) {
            try await useCase.run(.init(instance: f.instance, variable: "confidential", timeout: .seconds(1))) { _ in }
        }
        #expect(silent.description.hasPrefix("no callback arrived within 1 s"))
        #expect(try f.logs().first == "CONNECT timed out after 1 s without a callback")
    }

    /// A script pipes one wrong URL into `connect --paste`: once its input ends, the refusal
    /// ends the wait at once instead of running out the timeout.
    @Test func aRefusedPasteEndsTheWaitWhenTheInputEnds() async throws {
        let f = try OAuthStoreFixture()
        let useCase = ConnectUseCase(store: f.store, transport: OAuthFixtures.scripted([]), settings: OAuthSettings())
        let (pasted, input) = AsyncStream.makeStream(of: String.self)
        input.yield("http://127.0.0.1:9/callback?code=X&state=wrong")
        input.finish()
        let started = ContinuousClock.now
        let error = try await #require(throws: SwitchboardError.self) {
            try await useCase.run(.init(instance: f.instance, variable: "confidential", timeout: .seconds(600), pasted: .required(pasted))) { _ in }
        }
        #expect(error.description.contains("does not match this connect attempt"))
        // Far under the timeout, with room for a full parallel test pass on two cores
        // (where this took 40 s of waiting for a thread).
        #expect(ContinuousClock.now - started < .seconds(180))
        #expect(try f.status() == .unconfigured)
    }

    @Test func connectUseCaseCancelledLeavesNothingPending() async throws {
        let f = try OAuthStoreFixture()
        let useCase = ConnectUseCase(store: f.store, transport: OAuthFixtures.scripted([]), settings: OAuthSettings())
        let started = AsyncStream.makeStream(of: Void.self)
        let task = Task {
            // Should run() end without asking to authorize, the wait below ends too.
            defer { started.continuation.finish() }
            _ = try await useCase.run(.init(instance: f.instance, variable: "confidential", timeout: .seconds(60))) { event in
                if case .authorize = event { started.continuation.yield() }
            }
        }
        for await _ in started.stream { break }
        task.cancel()
        await #expect(throws: CancellationError.self) { try await task.value }
        #expect(try f.logs().first == "CONNECT cancelled")
        #expect(try f.status() == .unconfigured)
    }

    @Test func pastingIsRefusedForGrantsWithoutABrowser() async throws {
        let f = try OAuthStoreFixture()
        let useCase = ConnectUseCase(store: f.store, transport: OAuthFixtures.scripted([]), settings: OAuthSettings())
        let (pasted, _) = AsyncStream.makeStream(of: String.self)
        let error = try await #require(throws: SwitchboardError.self) {
            try await useCase.run(.init(instance: f.instance, variable: "service", pasted: .required(pasted))) { _ in }
        }
        guard case .usage(let text) = error else { Issue.record("not a usage error: \(error)"); return }
        #expect(text.contains("client credentials"))
    }

    /// Salesforce's API host and QuickBooks' company id come back with the tokens or the
    /// callback: a test request may name them.
    @Test func testRequestsUseTokenAndCallbackMetadata() async throws {
        let f = try OAuthStoreFixture()
        _ = try f.connect(metadata: ["realmId": "9130"])
        let base = try #require(f.store.connectionDetail(instance: f.instance, variable: "confidential").connectionType.test)
        let provider = OAuthFixtures.scripted([
            .init("GET", .exact("https://provider.test/v3/company/9130/companyinfo/9130"), headers: [.equals("Authorization", "Bearer AT-1")],
                  respond: .json(200, #"{"CompanyInfo": {"Id": "9130"}}"#)),
        ])
        var test = base
        test.url = "https://provider.test/v3/company/{{realmId}}/companyinfo/{{realmId}}"
        test.expectJson = ["CompanyInfo.Id": .string("9130")]
        let subject = try f.store.testSubject(instance: f.instance, variable: "confidential")
        #expect(subject.values["realmId"] == "9130")
        let result = await TestRequestRunner(transport: provider).run(test, values: subject.values, accessToken: subject.accessToken)
        #expect(result.passed, "\(result.message)")
        try provider.assertAllUsed()
    }

    /// Salesforce sends no expires_in: its lifetime is assumed, a 401 may mean it ended
    /// sooner, so one refresh and one retry come before the badge turns red.
    @Test func a401WithATokenOfUnknownLifetimeRefreshesAndRetriesOnce() async throws {
        let f = try OAuthStoreFixture()
        _ = try f.store.storeTokens(f.connection(), TokenResponse(accessToken: "AT-1", refreshToken: "RT-1", scope: nil, expiresIn: nil),
                                    source: .authorizationCode)
        let provider = OAuthFixtures.scripted([
            .init("GET", .exact(f.base + "/api/me"), headers: [.equals("Authorization", "Bearer AT-1")], respond: .json(401, #"{"error":"invalid_token"}"#)),
            .init("POST", .exact(f.tokenURL), body: .form(["grant_type": "refresh_token", "refresh_token": "RT-1"]),
                  respond: .json(200, #"{"access_token":"AT-2","refresh_token":"RT-2","token_type":"Bearer"}"#)),
            .init("GET", .exact(f.base + "/api/me"), headers: [.equals("Authorization", "Bearer AT-2")], respond: .json(200, #"{"id":1}"#)),
        ])
        // No expires_in: the type's assumedLifetime (7200 s) stands in, marked as assumed.
        let stored = try #require(try f.store.tokens(for: f.connection()))
        #expect(stored.expiryAssumed == true && !stored.expiryKnown)
        let expiry = try #require(stored.expiresAt.flatMap(Timestamp.date(from:)))
        #expect(abs(expiry.timeIntervalSinceNow - 7200) < 60)
        let result = try await OAuthFlows(store: f.store, transport: provider).testConnection(instance: f.instance, variable: "confidential")
        try provider.assertAllUsed()
        #expect(result.passed, "\(result.message)")
        #expect(try f.status() == .ok)
        #expect(try f.logs().contains("The test got 401 with a token of unknown lifetime: refreshed it and tried once more"))

        // Still 401 after the refresh: red, and no third request.
        let dead = OAuthFixtures.scripted([
            .init("GET", .exact(f.base + "/api/me"), respond: .json(401, "{}")),
            .init("POST", .exact(f.tokenURL), body: .form(["grant_type": "refresh_token", "refresh_token": "RT-2"]),
                  respond: .json(200, #"{"access_token":"AT-3","refresh_token":"RT-3","token_type":"Bearer"}"#)),
            .init("GET", .exact(f.base + "/api/me"), respond: .json(401, "{}")),
        ])
        let failed = try await OAuthFlows(store: f.store, transport: dead).testConnection(instance: f.instance, variable: "confidential")
        try dead.assertAllUsed()
        #expect(!failed.passed)
        #expect(try f.status() == .error)
    }

    @Test func redirectURIValuesAreReadWithoutSurprises() throws {
        #expect(try RedirectTarget.parse("http://localhost:53682/callback")
            == .loopback(bindHost: "127.0.0.1", advertisedHost: "localhost", port: 53682, path: "/callback"))
        #expect(try RedirectTarget.parse("http://127.0.0.1:8910/oauth/done")
            == .loopback(bindHost: "127.0.0.1", advertisedHost: "127.0.0.1", port: 8910, path: "/oauth/done"))
        #expect(try RedirectTarget.parse("http://[::1]:8910/cb") == .loopback(bindHost: "::1", advertisedHost: "[::1]", port: 8910, path: "/cb"))
        #expect(try RedirectTarget.parse("http://localhost/cb") == .loopback(bindHost: "127.0.0.1", advertisedHost: "localhost", port: 0, path: "/cb"))
        #expect(try RedirectTarget.parse("https://connect.vendor.example/oauth/callback") == .teamServer("https://connect.vendor.example/oauth/callback"))
        for (bad, why) in [("http://connect.vendor.example/cb", "must use https"), ("https://localhost:8910/cb", "use http://"),
                           ("http://localhost:8910/cb?x=1", "query"), ("localhost:8910", "absolute"), ("ftp://x.example/cb", "must use https")] {
            let error = try #require(throws: SwitchboardError.self) { try RedirectTarget.parse(bad) }
            #expect(error.description.contains(why), "\(bad): \(error)")
            #expect(error.description.contains("redirectUri"))
        }
    }

    /// Salesforce, Dropbox and Atlassian accept only the registered URI: the catcher listens
    /// exactly where the field says, and sends exactly that string.
    @Test func aRedirectURIFieldPinsTheCatcher() async throws {
        let f = try OAuthStoreFixture()
        let port = try EndToEnd.freePort()
        let registered = "http://localhost:\(port)/oauth/done"
        // A redirect nothing here could serve is refused when typed, and nothing is stored.
        for bad in ["http://connect.vendor.example/cb", "https://127.0.0.1:8910/cb"] {
            let refused = try #require(throws: SwitchboardError.self) {
                try f.store.configure(instance: f.instance, changes: [FieldChange(variable: "confidential", field: "redirectUri", value: bad)])
            }
            #expect(refused.description.contains("Redirect URI"), "\(refused)")
        }
        #expect(try f.store.connectionDetail(instance: f.instance, variable: "confidential").fields.first { $0.key == "redirectUri" }?.effectiveValue == nil)
        try f.store.configure(instance: f.instance, changes: [FieldChange(variable: "confidential", field: "redirectUri", value: registered)])
        let useCase = ConnectUseCase(store: f.store, transport: OAuthFixtures.scripted([]), settings: OAuthSettings(teamCallbackURL: "https://ignored.example/cb"))
        let authorized = AsyncStream.makeStream(of: String.self)
        let task = Task {
            defer { authorized.continuation.finish() }  // a run() that fails first ends the wait below
            _ = try await useCase.run(.init(instance: f.instance, variable: "confidential", timeout: .seconds(30))) { event in
                if case .authorize(let url, let redirectURI, let listening) = event {
                    #expect(redirectURI == registered)
                    #expect(listening == Int(port))
                    authorized.continuation.yield(url)
                }
            }
        }
        var authorizeURL = ""
        for await url in authorized.stream { authorizeURL = url; break }
        guard !authorizeURL.isEmpty else {
            let outcome = await task.result
            Issue.record("CONNECT ended before asking to authorize: \(outcome)")
            return
        }
        #expect(OAuthFixtures.query(authorizeURL).first { $0.name == "redirect_uri" }?.value == registered)
        // The default path is not served; the registered one is.
        #expect(try await curl.send(HTTPRequest(url: "http://127.0.0.1:\(port)/callback?code=x&state=y")).status == 404)
        #expect(try await curl.send(HTTPRequest(url: "http://127.0.0.1:\(port)/oauth/done?code=x&state=y")).status == 400)

        // While it listens, a second CONNECT on the same fixed port says the port is taken.
        let busy = try await #require(throws: SwitchboardError.self) {
            try await useCase.run(.init(instance: f.instance, variable: "confidential", timeout: .seconds(5))) { _ in }
        }
        #expect(busy.description.contains("in use"), "\(busy)")
        task.cancel()
        _ = try? await task.value
    }

    @Test func theTeamCallbackURLIsResolvedInOnePlace() {
        #expect(OAuthSettings.resolve(environment: [:]).teamCallbackURL == nil)
        #expect(OAuthSettings.resolve(environment: ["SWITCHBOARD_CALLBACK_URL": ""]).teamCallbackURL == nil)
        #expect(OAuthSettings.resolve(environment: ["SWITCHBOARD_CALLBACK_URL": "https://cb.test/callback"]).teamCallbackURL == "https://cb.test/callback")
        #expect(OAuthSettings.resolve(explicitCallbackURL: "https://x.test/cb", environment: ["SWITCHBOARD_CALLBACK_URL": "https://cb.test/callback"])
            .teamCallbackURL == "https://x.test/cb")
    }

    @Test func teamCallbackServerHandsTheCallbackOverThroughTheDatabase() async throws {
        let f = try OAuthStoreFixture()
        let server = try await TeamCallbackServer.start(store: f.store, host: "127.0.0.1", port: 0)
        defer { Task { await server.stop() } }
        let flows = OAuthFlows(store: f.store, transport: OAuthFixtures.scripted([]))
        let session = try await flows.beginAuthorization(f.connection(), redirect: .registered(server.redirectURI), lifetime: .seconds(30))
        #expect(session.listeningPort == nil)
        let state = try #require(stateParameter(session.authorizeURL))
        let forged = try await curl.send(HTTPRequest(url: "\(server.redirectURI)?code=X&state=forged"))
        #expect(forged.status == 400)
        let page = try await curl.send(HTTPRequest(url: "\(server.redirectURI)?code=TEAM-CODE&state=\(state)&realmId=42"))
        #expect(page.status == 200)
        let callback = try await session.waitForCallback(timeout: .seconds(10), pollInterval: .milliseconds(20)).callback
        #expect(callback.code == "TEAM-CODE")
        #expect(callback.metadata.isEmpty, "local-provider keeps no callbackMetadata")
        await server.stop()
    }

    @Test func disconnectDeletesFirstAndRevokesBestEffort() async throws {
        let f = try OAuthStoreFixture()
        try f.connect(access: "AT-1", refresh: "RT-1")
        let transport = OAuthFixtures.scripted([
            .init("POST", .exact(f.revokeURL), body: .form(["token": "RT-1", "token_type_hint": "refresh_token"]), respond: .text(200, "")),
            .init("POST", .exact(f.revokeURL), body: .form(["token": "AT-1", "token_type_hint": "access_token"]), fail: SwitchboardError.http("timed out after 10 s")),
        ])
        let report = try await OAuthFlows(store: f.store, transport: transport).disconnect(instance: f.instance, variable: "confidential")
        try transport.assertAllUsed()
        #expect(report.hadTokens)
        #expect(!report.revoked)
        #expect(report.revocation == [
            "Revoked the refresh token at the provider",
            "Revocation of the access token failed (timed out after 10 s); the tokens were deleted locally",
        ])
        #expect(try f.status() == .unconfigured)
        #expect(try f.store.tokens(for: f.connection()) == nil)
        // Nothing left to revoke the second time.
        let again = try await OAuthFlows(store: f.store, transport: OAuthFixtures.scripted([])).disconnect(instance: f.instance, variable: "confidential")
        #expect(!again.hadTokens)
    }

    /// The revocation notes go back to whoever disconnected: a customer's copy must not name
    /// a field only the team sees, while the log keeps the whole line for the team.
    @Test func aCustomersDisconnectReportKeepsHiddenFieldsOut() async throws {
        let f = try OAuthStoreFixture()
        try f.connect(access: "AT-1", refresh: "RT-1")
        let refusal = #"{"error":"invalid_client","error_description":"clientSecret does not match sb-confidential"}"#
        let transport = OAuthFixtures.scripted([
            .init("POST", .exact(f.revokeURL), body: .form(["token": "RT-1", "token_type_hint": "refresh_token"]), respond: .json(401, refusal)),
            .init("POST", .exact(f.revokeURL), body: .form(["token": "AT-1", "token_type_hint": "access_token"]), respond: .json(401, refusal)),
        ])
        let customer = f.store.withActor(Actor(user: "tester", role: .customer("acme"), source: "test"))
        let report = try await OAuthFlows(store: customer, transport: transport).disconnect(instance: f.instance, variable: "confidential")
        try transport.assertAllUsed()
        #expect(report.hadTokens && !report.revoked)
        #expect(report.revocation == [HiddenFieldRedactor.replacement, HiddenFieldRedactor.replacement])
        let teamLog = try f.logs().prefix(2).joined(separator: "\n")
        #expect(teamLog.contains("Revocation of the access token was not confirmed (invalid_client: clientSecret does not match sb-confidential)"))
        let customerLog = try customer.logs(instance: f.instance, variable: "confidential", limit: 2).map(\.message)
        #expect(customerLog == [HiddenFieldRedactor.replacement, HiddenFieldRedactor.replacement])

        // The team's own DISCONNECT reports the same refusal in full.
        try f.connect(access: "AT-2", refresh: nil)
        let teamTransport = OAuthFixtures.scripted([
            .init("POST", .exact(f.revokeURL), body: .form(["token": "AT-2", "token_type_hint": "access_token"]), respond: .json(401, refusal)),
        ])
        let team = try await OAuthFlows(store: f.store, transport: teamTransport).disconnect(instance: f.instance, variable: "confidential")
        #expect(team.revocation == ["Revocation of the access token was not confirmed (invalid_client: clientSecret does not match sb-confidential); the tokens were deleted locally"])
    }

    @Test func testConnectionSetsOkOrError() async throws {
        let f = try OAuthStoreFixture()
        let none = try await OAuthFlows(store: f.store, transport: OAuthFixtures.scripted([])).testConnection(instance: f.instance, variable: "confidential")
        #expect(!none.passed)
        #expect(try f.status() == .unconfigured)
        try f.connect(access: "AT-1", refresh: "RT-1")
        let transport = OAuthFixtures.scripted([
            .init("GET", "https://provider.test/api/me", headers: [.equals("Authorization", "Bearer AT-1")], respond: .json(200, #"{"user":"alice"}"#)),
            .init("GET", "https://provider.test/api/me", respond: .json(401, #"{"error":"invalid_token","error_description":"AT-1 expired"}"#)),
        ])
        let flows = OAuthFlows(store: f.store, transport: transport)
        #expect(try await flows.testConnection(instance: f.instance, variable: "confidential").passed)
        #expect(try f.status() == .ok)
        let failed = try await flows.testConnection(instance: f.instance, variable: "confidential")
        #expect(!failed.passed)
        #expect(!failed.message.contains("AT-1"))
        #expect(try f.status() == .error)
    }

    @Test func clientCredentialsAndDeviceCode() async throws {
        let f = try OAuthStoreFixture()
        let transport = OAuthFixtures.scripted([
            .init("POST", .exact(f.tokenURL), body: .form(["grant_type": "client_credentials"]), respond: .json(200, #"{"access_token":"SVC","expires_in":60}"#)),
            .init("POST", "https://provider.test/o/device-authorization/", body: .form(["client_id": "sb-device", "scope": "read write"]),
                  respond: .json(200, #"{"device_code":"DC","user_code":"ABCD","verification_uri":"https://provider.test/o/device/","expires_in":600,"interval":1}"#)),
            .init("POST", .exact(f.tokenURL), body: .form(["device_code": "DC"]), respond: .json(400, #"{"error":"authorization_pending"}"#)),
            .init("POST", .exact(f.tokenURL), body: .form(["device_code": "DC"]), respond: .json(200, #"{"access_token":"DEV","refresh_token":"DRT","expires_in":60}"#)),
        ])
        let flows = OAuthFlows(store: f.store, transport: transport)
        #expect(try await flows.connectClientCredentials(f.connection("service")).accessToken == "SVC")
        #expect(try f.status("service") == .configured)
        let authorization = try await flows.beginDeviceAuthorization(f.connection("device"))
        #expect(authorization.userCode == "ABCD")
        let poller = DevicePoller(transport: transport, sleep: { _ in })
        #expect(try await flows.completeDeviceAuthorization(f.connection("device"), authorization, poller: poller).refreshToken == "DRT")
        #expect(try f.status("device") == .configured)
        try transport.assertAllUsed()
        #expect(try f.logs("device").allSatisfy { !$0.contains("DC") || $0.contains("DC ") == false })
    }
}
