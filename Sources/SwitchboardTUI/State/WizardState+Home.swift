extension WizardState {
    mutating func handleHomeKey(_ key: Key) -> [Effect] {
        let rows = Layout.homeListRows(size)
        let action = KeyBindings.action(for: key, in: keyContext)
        if home.isFiltering, action == nil {
            if home.filter.handle(key) {
                home.refilter()
                home.select(home.selected, rows: rows)
            }
            return []
        }
        switch action {
        case .up: home.select(home.selected - 1, rows: rows)
        case .down: home.select(home.selected + 1, rows: rows)
        case .pageUp: home.select(home.selected - rows, rows: rows)
        case .pageDown: home.select(home.selected + rows, rows: rows)
        case .first: home.select(0, rows: rows)
        case .last: home.select(home.matches.count - 1, rows: rows)
        case .filter: home.isFiltering = true
        case .finishFilter: home.isFiltering = false
        case .clearFilter:
            home.isFiltering = false
            home.filter = LineEditor()
            home.refilter(keeping: home.selectedInstance?.id)
            home.select(home.selected, rows: rows)
        case .open:
            if let summary = home.selectedInstance { return openInstance(summary) }
        case .deploy:
            screen = .deploy
            deploy = DeployState()
            return [.loadDeployChoices]
        case .refresh: return [.loadInstances]
        case .quit: return [.quit]
        default: break
        }
        return []
    }

    /// Enters the instance wizard: loads the first connection, its log, and any draft.
    mutating func openInstance(_ summary: InstanceSummary) -> [Effect] {
        screen = .instance
        var wizard = InstanceWizard(summary: summary)
        wizard.focus = .steps
        instance = wizard
        var effects: [Effect] = [.loadDraft(instance: summary.id)]
        if let variable = wizard.selectedVariable {
            effects += [.openConnection(instance: summary.id, variable: variable),
                        .loadLogs(instance: summary.id, variable: variable, limit: Self.logLimit)]
        } else {
            show("This instance has no connections to configure")
        }
        return effects
    }

    /// Back to the list, which is re-read so badges reflect what was saved.
    mutating func leaveInstance() -> [Effect] {
        screen = .home
        instance = nil
        dialog = nil
        return [.loadInstances]
    }
}
