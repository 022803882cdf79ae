import SwitchboardCore
import SwitchboardTestSupport
import Testing
@testable import SwitchboardTUI

@Suite struct HiddenFieldRedactorTests {
    /// The demo's crm-oauth connection hides clientId (default abc123, labelled Consumer Key)
    /// and clientSecret (default s3cr3t); `stored` adds values.
    func redactor(stored: [String: String] = [:]) -> HiddenFieldRedactor {
        let states = FieldStates.compute(variable: DemoCatalog.crmOAuth.variables[0], stored: stored)
        return HiddenFieldRedactor(hidden: states.filter { !$0.customerVisible })
    }

    @Test func aLineNamingAHiddenFieldIsReplacedWhole() {
        let redactor = redactor(stored: ["clientId": "team-set-id"])
        #expect(redactor.redact("Consumer Key (clientId) set to \"team-set-id\"") == HiddenFieldRedactor.replacement)
        #expect(redactor.redact("set clientSecret") == HiddenFieldRedactor.replacement)
        // A key inside another word is not a mention.
        #expect(redactor.redact("clientIds listed") == "clientIds listed")
    }

    @Test func hiddenValuesAreMaskedWherever() {
        let redactor = redactor(stored: ["clientId": "team-set-id"])
        #expect(redactor.redact("GET https://x.test/apps/team-set-id: 404") == "GET https://x.test/apps/•••: 404")
        #expect(redactor.redact("the default abc123 was refused") == "the default ••• was refused")
        #expect(redactor.redact("nothing hidden here") == "nothing hidden here")
    }

    @Test func shortValuesOnlyAsWholeWords() {
        let redactor = redactor(stored: ["clientId": "eu"])
        #expect(redactor.redact("queue eu-west") == "queue •••-west")
    }

    @Test func customersNeverSeeHiddenFieldsInTheInMemoryLog() throws {
        let backend = InMemoryWizardBackend.demo()
        let id = try backend.instances().first { $0.name == "acme/crm-oauth" }!.id
        try backend.appendLog(instance: id, variable: "crm", level: .info, source: "config", message: "set clientSecret")
        try backend.appendLog(instance: id, variable: "crm", level: .error, source: "test", message: "client abc123 refused")
        backend.role = .customer("acme")
        let messages = try backend.logs(instance: id, variable: "crm", limit: 10).map(\.message)
        #expect(messages.contains(HiddenFieldRedactor.replacement))
        #expect(messages.contains("client ••• refused"))
        #expect(!messages.joined().contains("abc123"))
    }
}
