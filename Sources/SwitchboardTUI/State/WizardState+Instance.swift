import SwitchboardCore

extension WizardState {
    mutating func handleStepsKey(_ key: Key) -> [Effect] {
        guard var wizard = instance else { return [] }
        let action = KeyBindings.action(for: key, in: .steps)
        switch action {
        case .up, .down:
            let step = action == .up ? -1 : 1
            let target = wizard.selected + step
            guard wizard.summary.connections.indices.contains(target) else { return [] }
            wizard.selected = target
            instance = wizard
            return selectConnection()
        case .editForm:
            guard let form = wizard.selectedForm, form.fields.contains(where: \.isEditable) else {
                show(wizard.selectedForm == nil ? "Still loading this connection" : "This connection has no fields to fill in")
                return []
            }
            instance?.focus = .form
            return []
        case .back:
            if wizard.isDirty {
                dialog = .confirmLeave
                return []
            }
            return leaveInstance()
        default:
            return handleInstanceCommand(action)
        }
    }

    /// Commands shared by the step list and the form.
    mutating func handleInstanceCommand(_ action: Action?) -> [Effect] {
        switch action {
        case .save: return saveSelected()
        case .test: return testSelected()
        case .connect: return startConnect()
        case .disconnect: return askToDisconnect()
        case .toggleLog:
            instance?.logVisible.toggle()
            instance?.logScroll = 0
            if instance?.logVisible == true, let wizard = instance, let variable = wizard.selectedVariable {
                return [.loadLogs(instance: wizard.instanceID, variable: variable, limit: Self.logLimit)]
            }
        case .logOlder:
            guard let wizard = instance else { return [] }
            let page = max(1, Layout.logHeight(size, visible: true) - 2)
            let older = min(max(0, wizard.logs.count - 1), wizard.logScroll + page)
            instance?.logScroll = older
        case .logNewer:
            let page = max(1, Layout.logHeight(size, visible: true) - 2)
            let newer = max(0, (instance?.logScroll ?? 0) - page)
            instance?.logScroll = newer
        default: break
        }
        return []
    }

    /// After the selection moved: load the connection (once) and its log.
    mutating func selectConnection() -> [Effect] {
        guard let wizard = instance, let variable = wizard.selectedVariable else { return [] }
        instance?.logs = []
        instance?.logsVariable = nil
        instance?.logScroll = 0
        var effects: [Effect] = []
        if wizard.forms[variable] == nil {
            effects.append(.openConnection(instance: wizard.instanceID, variable: variable))
        }
        effects.append(.loadLogs(instance: wizard.instanceID, variable: variable, limit: Self.logLimit))
        return effects
    }

    /// Saves the selected connection, unless a value is plainly invalid.
    mutating func saveSelected() -> [Effect] {
        guard let wizard = instance, let variable = wizard.selectedVariable, var form = wizard.forms[variable] else { return [] }
        guard !form.isSaving else { return [] }
        guard form.isDirty else {
            show("Nothing to save: no field was changed")
            return []
        }
        for index in form.fields.indices where form.fields[index].isDirty { form.fields[index].visited = true }
        if let first = form.blockingErrorIndices.first {
            form.focus = first
            instance?.forms[variable] = form
            instance?.focus = .form
            let count = form.blockingErrorIndices.count
            show("Not saved: fix \(count) invalid field\(count == 1 ? "" : "s") first", isError: true)
            return []
        }
        form.isSaving = true
        instance?.forms[variable] = form
        return [.save(instance: wizard.instanceID, variable: variable, changes: form.changes, expectedRevision: form.detail.revision)]
    }

    /// Saves every changed connection (leaving with "save").
    mutating func saveAllDirty() -> [Effect] {
        guard let wizard = instance else { return [] }
        var effects: [Effect] = []
        for variable in wizard.summary.connections.map(\.variable) {
            guard var form = wizard.forms[variable], form.isDirty, !form.isSaving else { continue }
            for index in form.fields.indices where form.fields[index].isDirty { form.fields[index].visited = true }
            if let first = form.blockingErrorIndices.first {
                form.focus = first
                instance?.forms[variable] = form
                instance?.selected = wizard.summary.connections.firstIndex { $0.variable == variable } ?? wizard.selected
                instance?.focus = .form
                instance?.leaveAfterSaving = false
                show("Not saved: \(form.fields[first].label) is invalid", isError: true)
                return []
            }
            form.isSaving = true
            instance?.forms[variable] = form
            effects.append(.save(instance: wizard.instanceID, variable: variable, changes: form.changes,
                                 expectedRevision: form.detail.revision))
        }
        return effects
    }

    mutating func testSelected() -> [Effect] {
        guard let wizard = instance, let variable = wizard.selectedVariable, let form = wizard.forms[variable] else { return [] }
        guard form.detail.canTest else {
            show("This connection type declares no test request")
            return []
        }
        guard !form.isDirty else {
            show("Save first (^S): the test uses the saved values", isError: true)
            return []
        }
        guard !form.isTesting else { return [] }
        instance?.forms[variable]?.isTesting = true
        show("Testing \(variable)…", ticksLeft: 120)
        return [.test(instance: wizard.instanceID, variable: variable)]
    }

    mutating func instanceTickEffects() -> [Effect] {
        guard var wizard = instance else { return [] }
        var effects: [Effect] = []
        if wizard.draftNeedsSync && dialog == nil {
            let draft = wizard.draft
            if !draft.isEmpty {
                effects.append(.saveDraft(draft))
                wizard.draftStored = true
            } else if wizard.draftStored {
                effects.append(.deleteDraft(instance: wizard.instanceID))
                wizard.draftStored = false
            }
            wizard.draftNeedsSync = false
            instance = wizard
        }
        if let variable = wizard.selectedVariable {
            // Each tick asks; the runtime reads only when something was committed since.
            if wizard.logVisible {
                effects.append(.reloadLogsIfChanged(instance: wizard.instanceID, variable: variable, limit: Self.logLimit))
            }
            if ticks % 2 == 0 { effects.append(.refreshInstanceIfChanged(id: wizard.instanceID)) }
        }
        return effects
    }
}

extension WizardState {
    mutating func show(_ text: String, isError: Bool = false, ticksLeft: Int) {
        message = StatusMessage(text, isError: isError, ticksLeft: ticksLeft)
    }
}
