import Foundation
import Testing
@testable import SwitchboardCore

@Suite("Trust: the store enforces the customer's limits")
struct TrustStoreTests {
    @Test("a customer session never sees a team member's draft, even as the same OS user")
    func draftsBelongToUserRoleAndCustomer() throws {
        let t = try TestStore(user: "vendor")
        let instance = try t.deployTestSync()
        try t.store.saveDraft(instance: instance.id, contents: "{\"tenant\": \"TEAM-ONLY-DRAFT\"}")
        let customer = t.acting(as: .customer("acme"), user: "vendor")
        #expect(try customer.loadDraft(instance: instance.id) == nil)
        #expect(try customer.draftInstances().isEmpty)
        #expect(try t.store.loadDraft(instance: instance.id)?.contents.contains("TEAM-ONLY-DRAFT") == true)
        try customer.saveDraft(instance: instance.id, contents: "customer's own")
        #expect(try t.store.loadDraft(instance: instance.id)?.contents.contains("TEAM-ONLY-DRAFT") == true)
    }

    @Test("a customer's instance names stay inside their own namespace")
    func customerNamespace() throws {
        let t = try TestStore()
        try t.importYAML(("test-api.yaml", Fixtures.testAPI))
        let customer = t.acting(as: .customer("acme"))
        for name in ["globex/test-sync", "acme", "acme/", "acmex/test", "x\u{1B}[2J"] {
            #expect(throws: SwitchboardError.self) { try customer.deploy(integration: "test-sync", customer: "acme", name: name) }
        }
        #expect(try customer.deploy(integration: "test-sync", customer: "acme", name: "acme/second").name == "acme/second")
        #expect(throws: SwitchboardError.self) { try t.store.deploy(integration: "test-sync", customer: "acme", name: "bell\u{07}") }
    }

    @Test("a customer cannot get a step's execution context (it holds hidden values and secrets)")
    func customerCannotRun() throws {
        let t = try TestStore()
        let instance = try t.deployTestSync()
        #expect {
            _ = try t.acting(as: .customer("acme")).executionContext(instance: instance.id, step: "fetch")
        } throws: { error in
            if case SwitchboardError.forbidden = error { return true }
            return false
        }
        #expect(throws: Never.self) { _ = try t.store.executionContext(instance: instance.id, step: "fetch") }
    }

    @Test("a long stderr line is masked whole before it is cut: no part of a secret straddling the cut is stored")
    func reasonMaskedBeforeCut() throws {
        let t = try TestStore()
        let instance = try t.deployTestSync()
        let secret = "STRADDLE-SECRET-" + String(repeating: "Q", count: 60)
        try t.store.configure(instance: instance.id, changes: [FieldChange(variable: "api", field: "password", value: secret)])
        let context = try t.store.executionContext(instance: instance.id, step: "fetch")
        let line = String(repeating: "x", count: 470) + secret + " end"
        try t.store.recordExecution(context, command: "step", exitCode: 78, lastErrorLine: line, startedAt: Timestamp.now(), durationMs: 1)
        let detail = try t.store.connectionDetail(instance: instance.id, variable: "api")
        #expect(detail.reason?.contains("STRADDLE") == false)
        #expect(detail.reason?.contains("QQQQ") == false)
        let logs = try t.store.logs(instance: instance.id, variable: "api", limit: 5)
        #expect(!logs.contains { $0.message.contains("STRADDLE") || $0.message.contains("QQQQ") })
    }

    @Test("a value change of a hidden field is logged for the team and reaches a customer only as the standard line")
    func typedConfigureLog() throws {
        let t = try TestStore()
        try t.importYAML(("derived.yaml", TrustUnitTests.derivedYAML))
        let instance = try t.store.deploy(integration: "derived-sync", customer: "acme")
        try t.set(instance.name, ["d.tenant": "NEW-HIDDEN-TENANT", "d.note": "visible note"])
        let team = try t.store.logs(instance: instance.id, variable: "d", limit: 5).map(\.message)
        #expect(team.contains { $0.contains("NEW-HIDDEN-TENANT") })
        let customer = try t.acting(as: .customer("acme")).logs(instance: instance.id, variable: "d", limit: 5).map(\.message)
        #expect(!customer.contains { $0.contains("NEW-HIDDEN-TENANT") || $0.contains("tenant") || $0.contains("Tenant") })
        #expect(customer.contains(HiddenFieldRedactor.replacement))
        #expect(customer.contains { $0.contains("visible note") })
    }
}

@Suite("Trust: the team's values never go to an address a customer chose")
struct ProvenanceTests {
    static let yaml = """
        component: keyed
        label: Keyed
        actions: [go]
        connections:
          - key: api
            label: API
            fields:
              - {key: host, label: Host, type: url, required: true, default: "https://api.keyed.example"}
              - {key: apiKey, label: API key, type: password, required: true}
            test: {method: GET, url: "{{host}}/me", headers: {Authorization: "Bearer {{apiKey}}"}, expectStatus: 200}
          - key: pub
            label: Public OAuth
            oauth2: {grant: authorization_code, pkce: S256}
            fields:
              - {key: baseUrl, label: Base URL, type: url, required: true, default: "https://keyed.example"}
              - {key: authorizeUrl, label: Authorize URL, type: url, required: true, default: "https://login.keyed.example/authorize"}
              - {key: tokenUrl, label: Token URL, type: url, required: true, default: "https://login.keyed.example/token"}
              - {key: clientId, label: Client ID, type: string, required: true, default: "public-app"}
            test: {method: GET, url: "{{baseUrl}}/me", headers: {Authorization: "Bearer {{access_token}}"}, expectStatus: 200}
          - key: oauth
            label: OAuth
            oauth2: {grant: client_credentials}
            fields:
              - {key: tokenUrl, label: Token URL, type: url, required: true, default: "https://login.keyed.example/token"}
              - {key: clientId, label: Client ID, type: string, required: true, default: "team-app"}
              - {key: clientSecret, label: Client secret, type: password, required: true, default: "TEAM-CLIENT-SECRET-5a"}
        ---
        integration: keyed-sync
        configVariables:
          - key: k
            component: keyed
            connection: api
            fields:
              apiKey: {default: "TEAM-API-KEY-77", customerVisible: false}
          - key: o
            component: keyed
            connection: oauth
            fields:
              clientId: {customerVisible: false}
              clientSecret: {customerVisible: false}
          - key: p
            component: keyed
            connection: pub
        steps:
          - {key: go, component: keyed, action: go, connection: k}
          - {key: auth, component: keyed, action: go, connection: o}
          - {key: pub, component: keyed, action: go, connection: p}

        """

    @Test("a test request carrying a hidden key is not sent to a host the customer entered, for either role")
    func testRequestRefused() async throws {
        let t = try TestStore()
        try t.importYAML(("keyed.yaml", Self.yaml))
        let instance = try t.store.deploy(integration: "keyed-sync", customer: "acme")
        let customer = t.acting(as: .customer("acme"))
        try customer.configure(instance: instance.id, changes: [FieldChange(variable: "k", field: "host", value: "http://127.0.0.1:9911")])
        for store in [customer, t.store] {
            // No request may be sent at all: the scripted transport fails on any.
            let result = try await OAuthFlows(store: store, transport: OAuthFixtures.scripted([])).testConnection(instance: instance.id, variable: "k")
            #expect(!result.passed)
            #expect(result.message.contains("address a customer entered"), "\(result.message)")
            #expect(!result.message.contains("TEAM-API-KEY") && !result.message.contains("apiKey"))
        }
        // The team resets the host: the default is the team's again, and the check passes.
        try t.store.configure(instance: instance.id, changes: [FieldChange(variable: "k", field: "host", value: nil)])
        let subject = try t.store.testSubject(instance: instance.id, variable: "k")
        #expect(subject.refusal == nil)
    }

    @Test("CONNECT, refresh and revocation refuse a token URL a customer entered while the client secret is the team's")
    func tokenURLRefused() throws {
        let t = try TestStore()
        try t.importYAML(("keyed.yaml", Self.yaml))
        let instance = try t.store.deploy(integration: "keyed-sync", customer: "acme")
        let customer = t.acting(as: .customer("acme"))
        try customer.configure(instance: instance.id, changes: [FieldChange(variable: "o", field: "tokenUrl", value: "http://127.0.0.1:9911/token")])
        for store in [customer, t.store] {
            #expect {
                _ = try store.oauthConnection(instance: instance.id, variable: "o")
            } throws: { error in
                "\(error)".contains("address a customer entered") && !"\(error)".contains("TEAM-CLIENT-SECRET")
            }
        }
        // A value the team entered is the team's choice.
        try t.store.configure(instance: instance.id, changes: [FieldChange(variable: "o", field: "tokenUrl", value: "https://login2.keyed.example/token")])
        #expect(throws: Never.self) { _ = try t.store.oauthConnection(instance: instance.id, variable: "o") }
    }
}

@Suite("Trust: upgrades follow the new version's classes")
struct UpgradeClassTests {
    static func yaml(secret: Bool) -> String {
        """
        component: up
        label: Up
        actions: [go]
        connections:
          - key: c
            label: C
            fields:
              - {key: tok, label: Token, type: \(secret ? "password" : "string")}
              - {key: endpoint, label: Endpoint, type: url, default: "https://team.up.example"}
        ---
        integration: up-sync
        configVariables:
          - key: v
            component: up
            connection: c
        \(secret ? "    fields:\n      endpoint: {customerVisible: false}" : "")
        steps:
          - {key: go, component: up, action: go, connection: v}

        """
    }

    @Test("after an upgrade that hides a field and makes another a password, the customer's value is gone and the now-secret one is sealed")
    func upgradeDropsAndSeals() throws {
        let t = try TestStore()
        try t.importYAML(("up1.yaml", Self.yaml(secret: false)))
        let instance = try t.store.deploy(integration: "up-sync", customer: "acme")
        try t.acting(as: .customer("acme")).configure(instance: instance.id, changes: [
            FieldChange(variable: "v", field: "tok", value: "PLAINSECRET-123"),
            FieldChange(variable: "v", field: "endpoint", value: "https://evil.example/x"),
        ])
        try t.importYAML(("up2.yaml", Self.yaml(secret: true)))
        _ = try t.store.upgrade(instance: instance.id)
        #expect(try t.value(instance.id, "v", "endpoint") == "https://team.up.example")
        #expect(try t.value(instance.id, "v", "tok") == "PLAINSECRET-123")
        let plain = try t.store.database.read { db in
            try db.values(String.self, "SELECT coalesce(\"value\", '') FROM \"fieldValue\"")
        }
        #expect(!plain.contains("PLAINSECRET-123"))
    }

    @Test("a test that sends the access token is not sent to a URL the customer entered (the token is the team's client's)")
    func accessTokenNotSentToCustomerURL() throws {
        let t = try TestStore()
        try t.importYAML(("keyed.yaml", ProvenanceTests.yaml))
        let instance = try t.store.deploy(integration: "keyed-sync", customer: "acme")
        #expect(try t.store.testSubject(instance: instance.id, variable: "p").refusal == nil)
        try t.acting(as: .customer("acme")).configure(instance: instance.id, changes: [FieldChange(variable: "p", field: "baseUrl", value: "http://127.0.0.1:18766")])
        #expect(try t.store.testSubject(instance: instance.id, variable: "p").refusal != nil)
    }

    @Test("what an endpoint the customer chose answers never reaches the customer, so the redactors are no oracle")
    func noOracleThroughCustomerEndpoints() throws {
        let t = try TestStore()
        try t.importYAML(("keyed.yaml", ProvenanceTests.yaml))
        let instance = try t.store.deploy(integration: "keyed-sync", customer: "acme")
        let customer = t.acting(as: .customer("acme"))
        try customer.configure(instance: instance.id, changes: [FieldChange(variable: "p", field: "tokenUrl", value: "http://127.0.0.1:18767/token")])
        let connection = try customer.oauthConnection(instance: instance.id, variable: "p")
        #expect(connection.endpointsChosenByCustomer)
        let probe = "invalid_request: g1=TEAM-CLIENT-SECRET-5a g2=TEAM-CLIENT-SECRET-5X"
        #expect(!connection.readerText(probe).contains("g2"))
        let message = connection.forAudiences("CONNECT failed: \(outside: probe)")
        #expect(!message.rendered(for: .customer(HiddenFieldRedactor(hidden: []))).contains("g2"))
        #expect(message.rendered(for: .team).contains("g2"))
        // The team's own view of the same connection is whole.
        #expect(try t.store.oauthConnection(instance: instance.id, variable: "p").readerText("x g2") == "x g2")
    }
}
