import Testing
import SwitchboardCore
import SwitchboardTestSupport
@testable import SwitchboardTUI

@Suite struct CustomerRoleTests {
    let acme = Role.customer("acme")

    /// Every screen a customer can reach in the demo, as plain text.
    func screensSeenBy(_ role: Role) -> [String] {
        var screens: [String] = []
        var h = Harness(role: role)
        screens.append(h.screen)
        for name in h.state.home.instances.map(\.name) {
            h.open(name)
            screens.append(h.screen)
            for _ in h.state.instance!.summary.connections {
                h.press(.enter)
                for _ in 0..<10 {
                    h.press(.tab)
                    h.press(.ctrl("r"))
                    screens.append(h.screen)
                }
                h.press(.escape, .down)
                screens.append(h.screen)
            }
            h.press(.escape)
            if h.state.dialog != nil { h.press(.char("d")) }
        }
        return screens
    }

    @Test func onlyThatCustomersInstances() {
        let h = Harness(role: acme)
        #expect(h.state.home.instances.map(\.name) == ["acme/crm-oauth", "acme/sync-invoices"])
        #expect(!h.screen.contains("globex"))
        #expect(h.screen.contains("customer acme"))
    }

    @Test func hiddenFieldsNeverReachStateOrScreen() {
        var h = Harness(role: acme)
        h.open("acme/crm-oauth")
        #expect(h.form?.fields.map(\.key) == ["authorizeUrl", "tokenUrl", "scopes"])
        #expect(h.form?.detail.fields.allSatisfy(\.customerVisible) == true)
        for screen in screensSeenBy(acme) {
            for hidden in ["Client ID", "Consumer Key", "Client Secret", "abc123", "s3cr3t", "Host URL", "api.acme.test/v1"] {
                #expect(!screen.contains(hidden), "customer saw \(hidden)")
            }
        }
    }

    @Test func hiddenFieldsStayHiddenEvenIfTheBackendSendsThem() {
        var detail = WizardConnection(variable: "crm", label: "x", fields: [], revision: 1, status: .configured)
        let variable = DemoCatalog.crmOAuth.variables[0]
        detail.fields = FieldStates.compute(variable: variable, stored: [:])
        let form = ConnectionForm(detail: detail, role: acme)
        #expect(!form.fields.contains { $0.key == "clientSecret" || $0.key == "clientId" })
        #expect(form.detail.fields.count == 3)
    }

    @Test func customersCannotRevealSecrets() {
        var h = Harness(role: acme)
        h.open("acme/sync-invoices")
        h.focus("apiKey")
        h.type("typed-secret")
        h.press(.ctrl("r"))
        #expect(!h.screen.contains("typed-secret"))
        #expect(h.state.message?.text == "Secrets are never shown in customer role")
        #expect(!h.frame.text(row: h.frame.height - 1).contains("reveal"))
    }

    @Test func customersDeployForThemselvesOnly() {
        var h = Harness(role: acme)
        h.press(.char("n"))
        #expect(h.screen.contains("It will be deployed for acme."))
        h.press(.enter)
        #expect(h.state.deploy?.step == .integration)
        #expect(h.screen.contains("acme/sync-invoices is already deployed"))
    }

    @Test func teamSeesEveryField() {
        var h = Harness()
        h.open("acme/crm-oauth")
        #expect(h.form?.fields.map(\.key) == ["authorizeUrl", "tokenUrl", "scopes", "clientId", "clientSecret"])
        #expect(h.screen.contains("Consumer Key"))
    }
}
