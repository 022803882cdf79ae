extension WizardState {
    mutating func handleDeployKey(_ key: Key) -> [Effect] {
        guard var picker = deploy else { return [] }
        defer { deploy = picker }
        let action = KeyBindings.action(for: key, in: keyContext)
        switch picker.step {
        case .integration:
            switch action {
            case .up: picker.integrationIndex = max(0, picker.integrationIndex - 1)
            case .down: picker.integrationIndex = min(max(0, picker.integrations.count - 1), picker.integrationIndex + 1)
            case .choose:
                guard picker.selectedIntegration != nil, !picker.isDeploying else { return [] }
                if let customer = role.customerName {
                    // A customer deploys for themselves only.
                    return startDeploy(&picker, customer: customer)
                }
                picker.step = .customer
            case .cancel:
                screen = .home
                deploy = nil
                return []
            default: break
            }
        case .customer:
            if action == nil {
                if picker.customerEditor.handle(key) { picker.customerIndex = nil }
                return []
            }
            let count = picker.matchingCustomers.count
            switch action {
            case .up:
                picker.customerIndex = picker.customerIndex.flatMap { $0 > 0 ? $0 - 1 : nil }
            case .down:
                if count > 0 { picker.customerIndex = min(count - 1, (picker.customerIndex ?? -1) + 1) }
            case .choose:
                let customer = picker.chosenCustomer
                guard !customer.isEmpty else {
                    show("Type a customer name or pick one with ↓", isError: true)
                    return []
                }
                return startDeploy(&picker, customer: customer)
            case .cancel: picker.step = .integration
            default: break
            }
        }
        return []
    }

    private mutating func startDeploy(_ picker: inout DeployState, customer: String) -> [Effect] {
        guard let integration = picker.selectedIntegration, !picker.isDeploying else { return [] }
        picker.isDeploying = true
        return [.deploy(integration: integration.key, customer: customer)]
    }
}
