extension WizardState {
    mutating func handleHomeKey(_ key: Key) -> [Effect] {
        let rows = Layout.homeListRows(size)
        let action = KeyBindings.action(for: key, in: keyContext)
        home.openOnArrival = false
        if home.isFiltering, action == nil {
            // The matches are counted and read by the store: the first rows of what the
            // filter now matches are asked for (the old rows stay until they arrive).
            return home.filter.handle(key) ? [.loadInstances(home.filterRequest(rows: rows))] : []
        }
        switch action {
        case .up: return moveHomeSelection(to: home.selected - 1)
        case .down: return moveHomeSelection(to: home.selected + 1)
        case .pageUp: return moveHomeSelection(to: home.selected - rows)
        case .pageDown: return moveHomeSelection(to: home.selected + rows)
        case .first: return moveHomeSelection(to: 0)
        case .last: return moveHomeSelection(to: home.matchCount - 1)
        case .filter: home.isFiltering = true
        case .finishFilter: home.isFiltering = false
        case .clearFilter:
            home.isFiltering = false
            guard !home.filter.isEmpty else { return [] }
            home.filter = LineEditor()
            return [.loadInstances(home.reloadRequest(rows: rows))]
        case .open:
            // What is selected may not match what was asked for yet (a filter just typed,
            // End): open it once the rows on their way have arrived.
            if home.isRequesting {
                home.openOnArrival = true
                return []
            }
            if let summary = home.selectedInstance { return openInstance(summary) }
        case .deploy:
            screen = .deploy
            deploy = DeployState()
            return [.loadDeployChoices]
        case .refresh: return [.loadInstances(home.reloadRequest(rows: rows))]
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
        return [.loadInstances(home.reloadRequest(rows: Layout.homeListRows(size)))]
    }

    /// Opens the selected instance if Enter was pressed while its rows were on their way.
    mutating func openIfWaiting() -> [Effect] {
        guard home.openOnArrival else { return [] }
        home.openOnArrival = false
        guard screen == .home, dialog == nil, let summary = home.selectedInstance else { return [] }
        return openInstance(summary)
    }

    /// Moves the home selection, asking for the rows there when they are not held.
    mutating func moveHomeSelection(to index: Int) -> [Effect] {
        home.select(index, rows: Layout.homeListRows(size)).map { [.loadInstances($0)] } ?? []
    }
}
