import Foundation
import SwitchboardTestSupport
import Testing
@testable import SwitchboardCore

/// `show --json` and `status --json` "refresh", `refresh --give-up`, and `refresh` picking
/// keep-alive connections, through the built binary. The provider is an address nothing
/// listens on (every refresh fails temporarily), so no server is needed; tokens are stored
/// as a CONNECT would, through a Store on the sandbox's database and key.
@Suite("CLI: refresh health and keep-alive")
struct CLIRefreshHealthTests {
    static let nowhere = "http://127.0.0.1:1"
    static let healthKeys: Set<String> = ["state", "lastSuccessAt", "lastFailureAt", "failures", "lastError", "nextAttemptAt", "failingSince",
                                          "keepAliveBy", "note"]

    /// The local-oauth example (its `oauth` and `oauth-body` types with `keepAlive: 1h`)
    /// deployed for acme, every connection pointed at `nowhere`; returns the store.
    static func setUp(_ sb: CLISandbox) async throws -> Store {
        let example = try String(contentsOfFile: Checkout.root + "/examples/local-oauth.yaml", encoding: .utf8)
        let keeping = example
            .replacingOccurrences(of: "      assumedLifetime: 7200   # used only when a token response has no expires_in\n",
                                  with: "      assumedLifetime: 7200   # used only when a token response has no expires_in\n      keepAlive: 1h\n")
            .replacingOccurrences(of: "    label: Authorization code (confidential client, client secret in the body)\n    oauth2:\n",
                                  with: "    label: Authorization code (confidential client, client secret in the body)\n    oauth2:\n      keepAlive: 1h\n")
        try #require(keeping.components(separatedBy: "keepAlive: 1h").count == 3, "both edits took")
        try await sb.ok(["import", try sb.write("local-oauth.yaml", keeping)])
        try await sb.ok(["deploy", "local-oauth-demo", "--customer", "acme"])
        for variable in ["confidential", "confidentialBody", "public"] {
            try await sb.ok(["configure", "acme/local-oauth-demo", "--set", "\(variable).baseUrl=\(nowhere)"])
        }
        return Store(database: try AppDatabase.open(path: sb.databasePath), actor: Actor(user: "tester", role: .team, source: "test")) {
            try MasterKey.load(environment: sb.environment)
        }
    }

    static func refresh(_ shown: [String: Any], sourceLocation: SourceLocation = #_sourceLocation) throws -> [String: Any] {
        try #require(shown["refresh"] as? [String: Any], "no refresh object: \(shown)", sourceLocation: sourceLocation)
    }

    @Test("show --json: refresh health with every documented key; a temporary failure shows as retrying; --give-up 0s turns it error with the reconnect hint")
    func showAndGiveUp() async throws {
        let sb = try CLISandbox()
        let store = try await Self.setUp(sb)
        try store.storeTokens(store.oauthConnection(instance: "acme/local-oauth-demo", variable: "confidential"),
                              TokenResponse(accessToken: "AT-HEALTH-1", refreshToken: "RT-HEALTH-1", scope: "read write", expiresIn: 3600),
                              source: .authorizationCode)

        let fresh = try await sb.json(["show", "acme/local-oauth-demo", "confidential"])
        let healthy = try Self.refresh(fresh)
        #expect(Set(healthy.keys) == Self.healthKeys)
        #expect(healthy["state"] as? String == "ok" && healthy["failures"] as? Int == 0)
        #expect(healthy["lastSuccessAt"] is NSNull && healthy["nextAttemptAt"] is NSNull)
        #expect(healthy["keepAliveBy"] is String, "the type keeps the refresh token alive hourly")
        // No tokens, or no OAuth: the key is there, null.
        let unconnected = try await sb.json(["show", "acme/local-oauth-demo", "public"])
        #expect(unconnected.keys.contains("refresh") && unconnected["refresh"] is NSNull)

        let once = try await sb.run(["refresh", "acme/local-oauth-demo", "confidential", "--force", "--json"])
        #expect(once.status == 75, "\(once)")
        let retrying = try Self.refresh(try await sb.json(["show", "acme/local-oauth-demo", "confidential"]))
        #expect(retrying["state"] as? String == "retrying")
        #expect(retrying["failures"] as? Int == 1)
        #expect(retrying["lastFailureAt"] is String && retrying["nextAttemptAt"] is String && retrying["failingSince"] is String)
        #expect((retrying["lastError"] as? String)?.contains("127.0.0.1") == true, "\(retrying)")
        #expect((retrying["note"] as? String)?.hasPrefix("refresh: retrying (1 failure, next ") == true, "\(retrying)")
        #expect(try await sb.json(["show", "acme/local-oauth-demo", "confidential"])["status"] as? String == "configured")

        let gaveUp = try await sb.run(["refresh", "acme/local-oauth-demo", "confidential", "--force", "--give-up", "0s", "--json"])
        #expect(gaveUp.status == 1, "\(gaveUp)")
        let report = try gaveUp.json()
        #expect(report["failing"] as? Int == 1)
        #expect((report["results"] as? [[String: Any]])?.first?["outcome"] as? String == "failing")
        let red = try await sb.json(["show", "acme/local-oauth-demo", "confidential"])
        #expect(red["status"] as? String == "error")
        #expect((red["reason"] as? String)?.hasSuffix("if they keep failing, reconnect: switchboard connect acme/local-oauth-demo confidential (c in the wizard)") == true,
                "\(red["reason"] ?? "")")
        #expect(try Self.refresh(red)["state"] as? String == "failing")

        // status --json carries the same object per connection, null without tokens.
        let listed = try await sb.connection("acme/local-oauth-demo", "confidential")
        #expect(try Self.refresh(listed)["state"] as? String == "failing")
        #expect(try await sb.connection("acme/local-oauth-demo", "public")["refresh"] is NSNull)
        #expect(!String(decoding: sb.databaseBytes(), as: UTF8.self).contains("RT-HEALTH-1"))
    }

    @Test("refresh picks a connection whose keep-alive has passed though its token is a month from expiry, and no other")
    func keepAliveSelection() async throws {
        let sb = try CLISandbox()
        let store = try await Self.setUp(sb)
        let month = 30 * 86_400
        let twoHoursAgo = Date().addingTimeInterval(-7200)
        func connect(_ variable: String, at date: Date) throws {
            try store.storeTokens(store.oauthConnection(instance: "acme/local-oauth-demo", variable: variable),
                                  TokenResponse(accessToken: "AT-\(variable)", refreshToken: "RT-\(variable)", expiresIn: month),
                                  source: .authorizationCode, receivedAt: date)
        }
        try connect("confidential", at: twoHoursAgo)  // keep-alive 1h: overdue
        try connect("confidentialBody", at: Date())   // keep-alive 1h: due in an hour
        try connect("public", at: twoHoursAgo)        // no keep-alive: not due for a month

        let result = try await sb.run(["refresh", "--json"])
        #expect(result.status == 75, "the one due connection fails temporarily (nothing listens): \(result)")
        let report = try result.json()
        let results = try #require(report["results"] as? [[String: Any]])
        #expect(results.map { $0["variable"] as? String ?? "?" } == ["confidential"])
        #expect(results.first?["outcome"] as? String == "retryLater")
        let body = try Self.refresh(try await sb.json(["show", "acme/local-oauth-demo", "confidentialBody"]))
        #expect(body["keepAliveBy"] is String && body["state"] as? String == "ok")
        #expect(try Self.refresh(try await sb.json(["show", "acme/local-oauth-demo", "public"]))["keepAliveBy"] is NSNull)
    }
}
