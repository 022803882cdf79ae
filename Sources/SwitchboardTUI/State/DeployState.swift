import Foundation

/// Deploying a new instance: pick an integration, then pick or type a customer.
public struct DeployState: Equatable, Sendable {
    public enum Step: Equatable, Sendable { case integration, customer }

    public var step: Step = .integration
    public var integrations: [WizardIntegration] = []
    public var customers: [String] = []
    public var isLoaded = false
    public var integrationIndex = 0
    /// The customer name being typed; it also filters `customers`.
    public var customerEditor = LineEditor()
    /// Index into `matchingCustomers` once the person moves into the list.
    public var customerIndex: Int?
    public var isDeploying = false

    public init() {}

    public var selectedIntegration: WizardIntegration? {
        integrations.indices.contains(integrationIndex) ? integrations[integrationIndex] : nil
    }

    public var matchingCustomers: [String] {
        let needle = customerEditor.text.lowercased()
        return needle.isEmpty ? customers : customers.filter { $0.lowercased().contains(needle) }
    }

    /// The highlighted existing customer, else what was typed.
    public var chosenCustomer: String {
        if let customerIndex, matchingCustomers.indices.contains(customerIndex) { return matchingCustomers[customerIndex] }
        return customerEditor.text.trimmingCharacters(in: .whitespaces)
    }
}
