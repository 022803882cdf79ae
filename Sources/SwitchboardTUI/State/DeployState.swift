import Foundation

/// Deploying a new instance: pick an integration, then pick or type a customer.
package struct DeployState: Equatable, Sendable {
    package enum Step: Equatable, Sendable { case integration, customer }

    package var step: Step = .integration
    package var integrations: [WizardIntegration] = []
    package var customers: [String] = []
    package var isLoaded = false
    package var integrationIndex = 0
    /// The customer name being typed; it also filters `customers`.
    package var customerEditor = LineEditor()
    /// Index into `matchingCustomers` once the person moves into the list.
    package var customerIndex: Int?
    package var isDeploying = false

    package init() {}

    package var selectedIntegration: WizardIntegration? {
        integrations.indices.contains(integrationIndex) ? integrations[integrationIndex] : nil
    }

    package var matchingCustomers: [String] {
        let needle = customerEditor.text.lowercased()
        return needle.isEmpty ? customers : customers.filter { $0.lowercased().contains(needle) }
    }

    /// The highlighted existing customer, else what was typed.
    package var chosenCustomer: String {
        if let customerIndex, matchingCustomers.indices.contains(customerIndex) { return matchingCustomers[customerIndex] }
        return customerEditor.text.trimmingCharacters(in: .whitespaces)
    }
}
