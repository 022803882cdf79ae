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
