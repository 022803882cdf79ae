import Crypto
import Foundation
import Synchronization
import SwitchboardTestSupport
@testable import SwitchboardCore
import Testing

/// examples/local-oauth.yaml with an `oauth2: lookup:` on its client-credentials type
/// (connects without a browser), pointed at a scripted provider.
private struct LookupFixture {
    let store: Store
    let instance = "acme/local-oauth-demo"
    let base = "https://provider.test"

    init(lookup: String) throws {
        let box = SecretBox(key: SymmetricKey(size: .bits256), keySource: "test key")
        store = Store(database: try AppDatabase.temporary(), actor: Actor(user: "tester", role: .team, source: "test")) { box }
        var text = try String(contentsOfFile: Checkout.root + "/examples/local-oauth.yaml", encoding: .utf8)
        let anchor = "      grant: client_credentials\n"
        let range = try #require(text.range(of: anchor))
        text.replaceSubrange(range, with: anchor + "      lookup: \(lookup)\n")
        _ = try store.importDefinitions([(path: "local-oauth.yaml", text: text)])
        _ = try store.deploy(integration: "local-oauth-demo", customer: "acme")
        try store.configure(instance: instance, changes: [FieldChange(variable: "service", field: "baseUrl", value: base)])
    }

    func connect(_ expectations: [ScriptedTransport.Expectation]) async throws -> [ConnectProgress] {
        let transport = OAuthFixtures.scripted([
            .init("POST", .exact(base + "/o/token/"), respond: .json(200, #"{"access_token":"AT-LOOKUP-1","expires_in":3600,"token_type":"Bearer"}"#)),
        ] + expectations)
        let seen = Mutex<[ConnectProgress]>([])
        _ = try await ConnectUseCase(store: store, transport: transport, settings: OAuthSettings())
            .run(.init(instance: instance, variable: "service")) { event in seen.withLock { $0.append(event) } }
        try transport.assertAllUsed()
        return seen.withLock { $0 }
    }

    func metadata() throws -> [String: String] { try store.oauthConnection(instance: instance, variable: "service").metadata }
    func detail() throws -> ConnectionDetail { try store.connectionDetail(instance: instance, variable: "service") }
    func logs() throws -> [String] { try store.logs(instance: instance, variable: "service", limit: 50).map(\.message) }
}

@Suite struct MetadataLookupTests {
    static let atlassian = "{url: \"https://provider.test/oauth/token/accessible-resources\", keep: {cloudId: 0.id, siteUrl: 0.url}}"

    @Test func connectKeepsWhatTheLookupFinds() async throws {
        let f = try LookupFixture(lookup: Self.atlassian)
        let events = try await f.connect([
            .init("GET", .exact(f.base + "/oauth/token/accessible-resources"),
                  headers: [.equals("Authorization", "Bearer AT-LOOKUP-1"), .equals("Accept", "application/json")],
                  respond: .json(200, #"[{"id":"1324a887-45db-1bf4-1e99-ef0ff456d421","url":"https://acme.atlassian.net","name":"acme","scopes":["read:jira-work"]}]"#)),
        ])
        #expect(events.last == .lookedUp(keys: ["cloudId", "siteUrl"]))
        #expect(try f.metadata() == ["cloudId": "1324a887-45db-1bf4-1e99-ef0ff456d421", "siteUrl": "https://acme.atlassian.net"])
        #expect(try f.detail().status == .configured)
        #expect(try f.logs().first == "Looked up cloudId, siteUrl at https://provider.test/oauth/token/accessible-resources")
        #expect(try !f.logs().joined().contains("AT-LOOKUP-1"))
    }

    @Test func anEmptySiteListTurnsTheBadgeRedWithTheReconnectHint() async throws {
        let f = try LookupFixture(lookup: Self.atlassian)
        let events = try await f.connect([
            .init("GET", .exact(f.base + "/oauth/token/accessible-resources"), respond: .json(200, "[]")),
        ])
        #expect(events.last == .lookupFailed("the answer has no value at 0.id for cloudId"))
        let detail = try f.detail()
        #expect(detail.status == .error)
        #expect(detail.reason?.contains("reconnect: switchboard connect acme/local-oauth-demo service") == true)
        #expect(try f.store.tokens(for: f.store.oauthConnection(instance: f.instance, variable: "service")) != nil, "the tokens stay stored")
        #expect(try f.metadata()["cloudId"] == nil)
    }

    @Test func aRefusedLookupSaysItsStatusAndNeverEchoesTheToken() async throws {
        let f = try LookupFixture(lookup: Self.atlassian)
        let events = try await f.connect([
            .init("GET", .exact(f.base + "/oauth/token/accessible-resources"), respond: .json(401, #"{"message":"token AT-LOOKUP-1 is dead"}"#)),
        ])
        #expect(events.last == .lookupFailed("the lookup answered HTTP 401"))
        #expect(try f.detail().status == .error)
        #expect(try !f.logs().joined().contains("AT-LOOKUP-1"))
    }

    @Test func theDefinitionIsCheckedAtImport() throws {
        func problem(_ lookup: String) -> String {
            do { _ = try LookupFixture(lookup: lookup); return "imported" } catch { return "\(error)" }
        }
        #expect(problem("{url: \"{{baseUrl}}/resources\", keep: {a: b}}").contains("the lookup URL may name token metadata only, not 'baseUrl'"))
        #expect(problem("{url: \"https://x.test/r{{\", keep: {a: id}}").contains("unclosed {{"))
        #expect(problem("{url: \"https://x.test/r\", keep: {access_token: id}}").contains("'access_token' names the token itself"))
        #expect(problem("{url: \"https://x.test/r\", keep: {clientId: id}}").contains("'clientId' is a field of the connection"))
        #expect(problem("{url: \"ftp://x.test/r\", keep: {a: id}}").contains("the lookup URL is not usable: the scheme must be http or https"))
        #expect(problem("{url: \"https://x.test/r\", keep: {}}").contains("'keep' needs at least one key"))
        #expect(problem("{url: \"https://x.test/r\", keep: {\"a b\": 0.id}}").contains("a kept metadata key must be letters, digits and _"))
        #expect(problem("{url: \"https://x.test/r\", keep: {a: \"0..id\"}}").contains("must be dotted keys"))
        #expect(problem("{url: \"https://x.test/r\", headers: {X: \"{{clientSecret}}\"}, keep: {a: id}}").contains("may name access_token and metadata only"))
        #expect(problem("{url: \"https://x.test/r\", keep: {a: id}, extra: 1}").contains("extra"))
        #expect(problem("{url: \"https://x.test/r\", keep: {a: id}}") == "imported")
    }
}

@Suite struct TestStatusListTests {
    @Test func expectStatusTakesAListAndReportsIt() throws {
        let type = try #require(try BundledCatalog.components().first { $0.value.key == "microsoft" }?.value.connections.first { $0.key == "clientCredentials" })
        let test = try #require(type.test)
        #expect(test.accepts(200) && test.accepts(403) && !test.accepts(401))
        #expect(test.expectedStatuses == "200 or 403")
    }

    @Test func everyBundledOAuthTypeHasATestThatCanFail() throws {
        for component in try BundledCatalog.components().map(\.value) {
            for type in component.connections where type.oauth2 != nil {
                let test = try #require(type.test, "\(component.key) \(type.key) has no test request")
                #expect(test.headers.values.contains { $0.contains("{{access_token}}") }, "\(component.key) \(type.key): the test sends the token")
                #expect(!test.accepts(401), "\(component.key) \(type.key): a dead token (401) fails the test")
            }
        }
    }
}
