import Foundation
@testable import SwitchboardCore
import Testing

@Suite struct GrantedScopesTests {
    @Test func whatEachProviderAnswersCountsAsGranted() {
        // GitHub and Slack answer with commas, in their own order.
        #expect(GrantedScopes.missing(requested: ["repo", "read:user"], granted: "read:user,repo", aliases: [:]).isEmpty)
        // Microsoft and Salesforce leave offline_access out (the refresh token is the proof).
        #expect(GrantedScopes.missing(requested: ["offline_access", "User.Read"], granted: "User.Read profile openid email", aliases: [:]).isEmpty)
        // Google spells email with its full name.
        let google = ["email": "https://www.googleapis.com/auth/userinfo.email"]
        #expect(GrantedScopes.missing(requested: ["openid", "email"], granted: "https://www.googleapis.com/auth/userinfo.email openid", aliases: google).isEmpty)
        // No scope in the answer: as requested.
        #expect(GrantedScopes.missing(requested: ["read", "write"], granted: nil, aliases: [:]).isEmpty)
    }

    @Test func aNarrowerGrantNamesWhatIsMissingInRequestOrder() {
        #expect(GrantedScopes.missing(requested: ["files.content.write", "account_info.read", "files.content.read"],
                                      granted: "account_info.read", aliases: [:]) == ["files.content.write", "files.content.read"])
        #expect(GrantedScopes.missing(requested: ["email"], granted: "openid", aliases: ["email": "https://www.googleapis.com/auth/userinfo.email"]) == ["email"])
        #expect(GrantedScopes.missing(requested: ["Read"], granted: "read", aliases: [:]) == ["Read"], "scopes are case sensitive (RFC 6749 §3.3)")
    }

    @Test func connectWithFewerScopesIsAnErrorWithTheReconnectHint() throws {
        let f = try OAuthStoreFixture()
        try f.store.storeTokens(f.connection(), TokenResponse(accessToken: "AT-1", refreshToken: "RT-1", scope: "read", expiresIn: 3600),
                                source: .authorizationCode)
        let detail = try f.store.connectionDetail(instance: f.instance, variable: "confidential")
        #expect(detail.status == .error)
        #expect(detail.reason == "the provider did not grant write; reconnect and approve every scope: switchboard connect acme/local-oauth-demo confidential (c in the wizard)")
        #expect(try f.logs().first == detail.reason)
        #expect(try f.store.tokens(for: f.connection())?.scope == "read", "the granted scope is what is stored")
    }

    @Test func anAnswerWithoutScopeStoresTheRequestedOnes() throws {
        let f = try OAuthStoreFixture()
        try f.store.storeTokens(f.connection(), TokenResponse(accessToken: "AT-1", refreshToken: "RT-1", scope: nil, expiresIn: 3600),
                                source: .authorizationCode)
        #expect(try f.status() == .configured)
        #expect(try f.store.tokens(for: f.connection())?.scope == "read write")
    }

    @Test func askingForMoreScopesOnAConnectedConnectionNeedsAReconnect() throws {
        let f = try OAuthStoreFixture()
        try f.connect()   // granted "read write"
        #expect(try f.store.connectionDetail(instance: f.instance, variable: "confidential").grantedScopes == "read write")
        let wider = try f.store.configure(instance: f.instance, changes: [FieldChange(variable: "confidential", field: "scopes", value: "read write offline_access admin")])
        #expect(wider.first?.status == .error)
        #expect(wider.first?.reason == "the requested scopes now include admin, which this connection's grant lacks; reconnect: switchboard connect acme/local-oauth-demo confidential (c in the wizard)")
        let narrower = try f.store.configure(instance: f.instance, changes: [FieldChange(variable: "confidential", field: "scopes", value: "read")])
        #expect(narrower.first?.status == .configured, "fewer scopes than granted need no reconnect")
        #expect(narrower.first?.reason == nil)
    }

    @Test func hiddenScopeNamesStayTheTeamsInTheReason() throws {
        let f = try OAuthStoreFixture()
        var connection = try f.connection()
        connection.customerSeesScopes = false
        let reason = Store.missingScopes(["admin:secret-project-x"], connection: connection)
        #expect(reason.teamText.contains("admin:secret-project-x"))
        #expect(!reason.rendered(for: .customer(HiddenFieldRedactor.customerView(of: []))).contains("secret-project"))
    }

    @Test func theBundledGoogleTypesDeclareTheirAliases() throws {
        let google = try #require(try BundledCatalog.components().first { $0.value.key == "google" }?.value)
        for type in google.connections {
            #expect(type.oauth2?.scopeAliases?["email"] == "https://www.googleapis.com/auth/userinfo.email", "\(type.key)")
        }
    }
}
