import Foundation
import SwitchboardTestSupport
@testable import SwitchboardCore
import Testing

@Suite struct RefreshStoreTests {
    func refresher(_ f: OAuthStoreFixture, _ transport: ScriptedTransport) -> TokenRefresher {
        TokenRefresher(store: f.store, transport: transport, concurrency: 4, backoffBase: 30)
    }

    let window = RefreshSelection(within: 300)

    @Test func rotatedRefreshTokenIsStoredAndOnlyDueTokensAreRefreshed() async throws {
        let f = try OAuthStoreFixture()
        try f.connect(access: "AT-1", refresh: "RT-1")
        try f.connect("service", access: "SVC-1", refresh: nil)
        #expect(try f.store.dueRefreshes(window).isEmpty)
        try f.expire(in: 60)
        let transport = OAuthFixtures.scripted([
            .init("POST", .exact(f.tokenURL), body: .form(["grant_type": "refresh_token", "refresh_token": "RT-1"]),
                  headers: [.present("Authorization")],
                  respond: .json(200, #"{"access_token":"AT-2","refresh_token":"RT-2","expires_in":3600,"token_type":"Bearer"}"#)),
        ])
        let report = try await refresher(f, transport).refreshDue(window)
        #expect(report.refreshed == 1)
        try transport.assertAllUsed()
        let token = try #require(try f.store.tokens(for: f.connection()))
        #expect(token.accessToken == "AT-2")
        #expect(token.refreshToken == "RT-2")
        #expect(token.scope == "read write")
        #expect(try f.tokenColumn("leaseOwner") == nil)
        #expect(try f.status() == .configured)
        #expect(try f.logs().first == "Token refreshed: access token expires at \(token.expiresAt!), refresh token rotated")
        // Now not due: a second pass makes no request.
        let idle = OAuthFixtures.scripted([])
        #expect(try await refresher(f, idle).refreshDue(window).results.isEmpty)
    }

    @Test func aResponseWithoutARefreshTokenKeepsTheOldOne() async throws {
        let f = try OAuthStoreFixture()
        try f.connect(access: "AT-1", refresh: "RT-1")
        let transport = OAuthFixtures.scripted([
            .init("POST", .exact(f.tokenURL), body: .form(["refresh_token": "RT-1"]), respond: .json(200, #"{"access_token":"AT-2","expires_in":60}"#)),
        ])
        _ = try await refresher(f, transport).refreshDue(RefreshSelection(force: true))
        let token = try #require(try f.store.tokens(for: f.connection()))
        #expect(token.accessToken == "AT-2")
        #expect(token.refreshToken == "RT-1")
        #expect(try f.logs().first?.hasSuffix("refresh token kept") == true)
    }

    @Test func clientCredentialsConnectionsRefreshWithTheirCredentials() async throws {
        let f = try OAuthStoreFixture()
        try f.store.storeTokens(f.connection("service"), TokenResponse(accessToken: "SVC-1", expiresIn: 60), source: .clientCredentials)
        let transport = OAuthFixtures.scripted([
            .init("POST", .exact(f.tokenURL), body: .form(["grant_type": "client_credentials", "scope": "read write"]),
                  respond: .json(200, #"{"access_token":"SVC-2","expires_in":3600}"#)),
        ])
        #expect(try await refresher(f, transport).refreshDue(window).refreshed == 1)
        #expect(try f.store.tokens(for: f.connection("service"))?.accessToken == "SVC-2")
    }

    @Test func transientFailuresBackOffAndLeaveTheStatusAlone() async throws {
        let f = try OAuthStoreFixture()
        try f.connect(access: "AT-1", refresh: "RT-1")
        try f.store.recordOutcome(instance: f.instance, variable: "confidential", outcome: .ok, level: .info, message: "ran")
        try f.expire(in: 60)
        let transport = OAuthFixtures.scripted([
            .init("POST", .exact(f.tokenURL), fail: SwitchboardError.http("could not connect to provider.test:443 (connection refused)")),
        ])
        let report = try await refresher(f, transport).refreshDue(window)
        guard case .retryLater(let reason, let retryAt)? = report.results.first?.outcome else {
            Issue.record("expected a retry, got \(report.results)")
            return
        }
        #expect(reason.contains("connection refused"))
        #expect(retryAt != nil)
        #expect(try f.status() == .ok)
        #expect(try f.tokenColumn("refreshFailures") == "1")
        #expect(try f.logs().first?.contains("Token refresh failed temporarily (attempt 1)") == true)
        // Backing off: not due until retryAt, unless forced.
        #expect(try f.store.dueRefreshes(window).isEmpty)
        #expect(try f.store.dueRefreshes(RefreshSelection(within: 300, force: true)).count == 1)
        // 5xx: temporary too; the second failure doubles the delay.
        let server = OAuthFixtures.scripted([.init("POST", .exact(f.tokenURL), respond: .text(503, "<html>maintenance</html>"))])
        let second = try await refresher(f, server).refreshDue(RefreshSelection(within: 300, force: true))
        guard case .retryLater(_, let secondRetry)? = second.results.first?.outcome, let secondRetry, let retryAt,
              let first = Timestamp.date(from: retryAt), let later = Timestamp.date(from: secondRetry) else {
            Issue.record("expected a retry, got \(second.results)")
            return
        }
        #expect(later.timeIntervalSince(first) > 25)
        #expect(try f.status() == .ok)
        // A change of values (the token URL was wrong, say) retries without waiting.
        #expect(try f.store.dueRefreshes(window).isEmpty)
        try f.store.configure(instance: f.instance, changes: [FieldChange(variable: "confidential", field: "clientSecret", value: "changed-secret-9")])
        #expect(try f.logs().first == "Token refresh retries without waiting: the connection's values changed")
        #expect(try f.store.dueRefreshes(window).count == 1)
    }

    @Test func invalidGrantTurnsTheBadgeRedAndStopsAutomaticRefresh() async throws {
        let f = try OAuthStoreFixture()
        try f.connect(access: "AT-1", refresh: "RT-1")
        let transport = OAuthFixtures.scripted([
            .init("POST", .exact(f.tokenURL), respond: .json(400, #"{"error":"invalid_grant","error_description":"Token RT-1 was revoked"}"#)),
        ])
        let report = try await refresher(f, transport).refreshDue(RefreshSelection(force: true))
        #expect(report.failed == 1)
        let detail = try f.store.connectionDetail(instance: f.instance, variable: "confidential")
        #expect(detail.status == .error)
        #expect(detail.reason == "token refresh failed: invalid_grant: Token [redacted] was revoked; reconnect: switchboard connect acme/local-oauth-demo confidential (c in the wizard)")
        #expect(try f.logs().first?.contains("invalid_grant") == true)
        #expect(try f.logs().allSatisfy { !$0.contains("RT-1") })
        try f.expire(in: 10)
        #expect(try f.store.dueRefreshes(window).isEmpty)
        // Reconnecting clears it.
        try f.connect(access: "AT-9", refresh: "RT-9", expiresIn: 10)
        #expect(try f.status() == .configured)
        #expect(try f.store.dueRefreshes(window).count == 1)
    }

    @Test func aRefusedClientResumesRefreshOnceItsValuesChange() async throws {
        let f = try OAuthStoreFixture()
        try f.connect(access: "AT-1", refresh: "RT-1")
        let refused = OAuthFixtures.scripted([
            .init("POST", .exact(f.tokenURL), respond: .json(401, #"{"error":"invalid_client","error_description":"Client authentication failed"}"#)),
        ])
        #expect(try await refresher(f, refused).refreshDue(RefreshSelection(force: true)).failed == 1)
        #expect(try f.status() == .error)
        try f.expire(in: 10)
        #expect(try f.store.dueRefreshes(window).isEmpty)

        // The team fixes the client secret: the badge leaves red and refresh is due again.
        try f.store.configure(instance: f.instance, changes: [FieldChange(variable: "confidential", field: "clientSecret", value: "fixed-secret-31")])
        #expect(try f.status() == .configured)
        #expect(try f.tokenColumn("refreshError") == nil)
        #expect(try f.logs().first == "Automatic token refresh resumes: the connection's values changed")
        #expect(try f.store.dueRefreshes(window).count == 1)
        let accepted = OAuthFixtures.scripted([
            .init("POST", .exact(f.tokenURL), body: .form(["refresh_token": "RT-1"]),
                  respond: .json(200, #"{"access_token":"AT-2","expires_in":3600}"#)),
        ])
        #expect(try await refresher(f, accepted).refreshDue(window).refreshed == 1)
        #expect(try f.logs().allSatisfy { !$0.contains("fixed-secret-31") })

        // A change on a connection whose refresh runs fine logs nothing about refresh.
        try f.store.configure(instance: f.instance, changes: [FieldChange(variable: "confidential", field: "clientSecret", value: "fixed-secret-32")])
        #expect(try f.logs().first?.contains("refresh") == false)
    }

    @Test func oneLeaseAtATimeAndTheDueCheckIsRereadUnderIt() throws {
        let f = try OAuthStoreFixture()
        try f.connect(access: "AT-1", refresh: "RT-1")
        try f.expire(in: 60)
        let ids = try f.store.dueRefreshes(window)
        #expect(ids.count == 1)
        let first = try f.store.acquireRefreshLeases(ids, owner: "process-a", selection: window, leaseDuration: 120)
        let second = try f.store.acquireRefreshLeases(ids, owner: "process-b", selection: window, leaseDuration: 120)
        #expect(first.count == 1)
        #expect(second.isEmpty)
        _ = try f.store.storeRefreshedTokens(first[0], TokenResponse(accessToken: "AT-2", refreshToken: "RT-2", expiresIn: 3600))
        // B saw the connection as due before A finished; under the lease it is not any more.
        #expect(try f.store.acquireRefreshLeases(ids, owner: "process-b", selection: window, leaseDuration: 120).isEmpty)
        // An expired lease (a crashed process) can be taken over.
        try f.expire(in: 60)
        _ = try f.store.acquireRefreshLeases(ids, owner: "crashed", selection: window, leaseDuration: -1)
        #expect(try f.store.acquireRefreshLeases(ids, owner: "process-c", selection: window, leaseDuration: 120).count == 1)
    }

    @Test func aReconnectDuringARefreshWins() throws {
        let f = try OAuthStoreFixture()
        try f.connect(access: "AT-1", refresh: "RT-1")
        let lease = try #require(try f.store.acquireRefreshLeases(f.store.dueRefreshes(RefreshSelection(force: true)), owner: "a",
                                                                  selection: RefreshSelection(force: true), leaseDuration: 120).first)
        try f.connect(access: "AT-NEW", refresh: "RT-NEW")
        #expect(try f.store.storeRefreshedTokens(lease, TokenResponse(accessToken: "AT-2", refreshToken: "RT-2")) == nil)
        #expect(try f.store.tokens(for: f.connection())?.accessToken == "AT-NEW")
        // A final failure about the old tokens does not touch the new ones.
        try f.store.recordRefreshFailure(lease, .provider(code: "invalid_grant", description: nil, status: 400), backoffBase: 1)
        #expect(try f.status() == .configured)
    }
}
