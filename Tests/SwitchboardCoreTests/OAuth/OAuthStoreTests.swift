import Foundation
@testable import SwitchboardCore
import Testing

@Suite struct OAuthStoreTests {
    @Test func storeTokensSealsKeepsMetadataAndReturnsToConfigured() throws {
        let f = try OAuthStoreFixture()
        try f.store.recordOutcome(instance: f.instance, variable: "confidential", outcome: .error, level: .error, message: "boom", reason: "boom")
        #expect(try f.status() == .error)
        let response = TokenResponse(accessToken: "ACCESS-secret-1", refreshToken: "REFRESH-secret-1", scope: "read write", expiresIn: 3600,
                                     metadata: ["instance_url": "https://acme.test"])
        try f.store.storeTokens(f.connection(), response, source: .authorizationCode, callbackMetadata: ["realmId": "123"])
        #expect(try f.status() == .configured)
        let detail = try f.store.connectionDetail(instance: f.instance, variable: "confidential")
        #expect(detail.hasTokens)
        #expect(detail.metadata == ["realmId": "123", "instance_url": "https://acme.test"])
        #expect(try f.store.tokens(for: f.connection())?.refreshToken == "REFRESH-secret-1")
        let logs = try f.logs().joined(separator: "\n")
        #expect(logs.contains("Connected (authorization code): tokens stored encrypted"))
        for secret in ["ACCESS-secret-1", "REFRESH-secret-1", "sb-confidential-secret"] {
            #expect(!logs.contains(secret))
            #expect(!(try f.rawDatabase()).contains(secret), "\(secret) in plain text in the database")
        }
    }

    @Test func connectionsWithoutTokensAreUnconfiguredAndDeleteTokensStopsEverything() throws {
        let f = try OAuthStoreFixture()
        #expect(try f.status() == .unconfigured)
        try f.connect()
        #expect(try f.status() == .configured)
        let deleted = try f.store.deleteTokens(f.connection())
        #expect(deleted?.accessToken == "AT-1")
        #expect(try f.store.tokens(for: f.connection()) == nil)
        #expect(try f.status() == .unconfigured)
        #expect(try f.store.dueRefreshes(RefreshSelection(force: true)).isEmpty)
        #expect(try f.logs().first == "Disconnected: access and refresh tokens deleted; refreshing stopped")
    }

    @Test func pendingAuthorizationsAreSingleUseAndExpire() throws {
        let f = try OAuthStoreFixture()
        let connection = try f.connection()
        let state = AuthorizationState.generate()
        let pkce = PKCE.generate(.s256)
        try f.store.beginAuthorization(connection, state: state, pkce: pkce, redirectURI: "http://127.0.0.1:1/callback", expiresAt: Date().addingTimeInterval(60))
        #expect(!(try f.rawDatabase()).contains(pkce.verifier))
        #expect(!(try f.rawDatabase()).contains(state.value))
        let consumed = try f.store.consumeAuthorization(connection, state: state)
        #expect(consumed.verifier == pkce.verifier)
        #expect(consumed.redirectURI == "http://127.0.0.1:1/callback")
        #expect(throws: SwitchboardError.self) { try f.store.consumeAuthorization(connection, state: state) }

        let old = AuthorizationState.generate()
        try f.store.beginAuthorization(connection, state: old, pkce: pkce, redirectURI: "x", expiresAt: Date().addingTimeInterval(-1))
        let expired = #expect(throws: SwitchboardError.self) { try f.store.consumeAuthorization(connection, state: old) }
        #expect(expired?.description.hasPrefix("this authorization expired") == true)
        // Another connection cannot use it.
        let other = AuthorizationState.generate()
        try f.store.beginAuthorization(connection, state: other, pkce: pkce, redirectURI: "x", expiresAt: Date().addingTimeInterval(60))
        #expect(throws: SwitchboardError.self) { try f.store.consumeAuthorization(f.connection("public"), state: other) }
    }

    @Test func teamCallbackHandOffIsMatchedByState() throws {
        let f = try OAuthStoreFixture()
        let connection = try f.connection()
        let state = AuthorizationState.generate()
        try f.store.beginAuthorization(connection, state: state, pkce: .generate(.s256), redirectURI: "https://team.test/callback", expiresAt: Date().addingTimeInterval(60))
        #expect(try f.store.receivedCallback(state: state) == nil)
        #expect(try !f.store.recordCallback(CallbackResult(state: "forged", code: "C")))
        #expect(try f.store.recordCallback(CallbackResult(state: state.value, code: "CODE-secret")))
        // Answered once only.
        #expect(try !f.store.recordCallback(CallbackResult(state: state.value, code: "CODE-2")))
        #expect(try f.store.receivedCallback(state: state)?.code == "CODE-secret")
        #expect(!(try f.rawDatabase()).contains("CODE-secret"))
        _ = try f.store.consumeAuthorization(connection, state: state)
        #expect(try f.store.receivedCallback(state: state) == nil)
    }
}

