import SwitchboardCore

extension WizardState {
    /// Results of effects, fed back by the runtime.
    mutating func handleResult(_ event: Event) -> [Effect] {
        switch event {
        case .instancePageLoaded(let page, let request):
            let firstLoad = !home.isLoaded
            guard home.receive(page, request: request, rows: Layout.homeListRows(size)) else { return [] }
            if firstLoad, message == nil, let waiting = page.waitingDraft {
                show("✎ \(waiting) has unsaved input; open it to restore", ticksLeft: 30)
            }
            return openIfWaiting()
        case .instancePageSkipped(let request):
            if home.skipped(request: request) { return openIfWaiting() }
        case .instanceRefreshed(let summary):
            if let wanted = openWhenLoaded, summary.id == wanted || summary.name == wanted {
                openWhenLoaded = nil
                home.update(summary)
                return openInstance(summary)
            }
            updateSummary(summary)
        case .deployChoicesLoaded(let integrations, let customers):
            deploy?.integrations = integrations
            deploy?.customers = customers
            deploy?.isLoaded = true
            if integrations.isEmpty { show("No integrations yet: import one with `switchboard import FILE`", isError: true) }
        case .deployed(let summary):
            deploy = nil
            home.update(summary)
            let effects = openInstance(summary)
            show("Deployed \(summary.name)")
            return effects
        case .connectionLoaded(let id, let detail):
            guard var wizard = instance, wizard.instanceID == id else { return [] }
            var form = ConnectionForm(detail: detail, role: role)
            if let edits = wizard.pendingDraft?.edits[detail.variable] {
                Self.apply(edits, to: &form)
                wizard.pendingDraft?.edits[detail.variable] = nil
                if wizard.pendingDraft?.isEmpty == true { wizard.pendingDraft = nil }
            }
            wizard.forms[detail.variable] = form
            wizard.loadErrors[detail.variable] = nil
            instance = wizard
            updateStatus(variable: detail.variable, detail.status, reason: detail.reason)
        case .connectionFailed(let id, let variable, let text):
            guard instance?.instanceID == id else { return [] }
            instance?.loadErrors[variable] = text
            show(text, isError: true)
        case .saved(let id, let detail):
            return handleSaved(id, detail)
        case .saveFailed(let id, let variable, let conflict, let text):
            guard instance?.instanceID == id else { return [] }
            instance?.forms[variable]?.isSaving = false
            instance?.leaveAfterSaving = false
            if conflict {
                dialog = .conflict(variable: variable, message: text)
            } else {
                show("Not saved: \(text)", isError: true)
            }
        case .tested(let id, let detail):
            guard instance?.instanceID == id else { return [] }
            instance?.forms[detail.variable]?.isTesting = false
            instance?.forms[detail.variable]?.detail.status = detail.status
            instance?.forms[detail.variable]?.detail.reason = detail.reason
            updateStatus(variable: detail.variable, detail.status, reason: detail.reason)
            if detail.status == .ok {
                show("Test of \(detail.variable) passed")
            } else {
                show("Test of \(detail.variable) failed: \(detail.reason ?? detail.status.rawValue)", isError: true)
            }
            return logsEffect(variable: detail.variable)
        case .testFailed(let id, let variable, let text):
            guard instance?.instanceID == id else { return [] }
            instance?.forms[variable]?.isTesting = false
            show("Test of \(variable) could not run: \(text)", isError: true)
            return logsEffect(variable: variable)
        case .logsLoaded(let id, let variable, let lines):
            guard var wizard = instance, wizard.instanceID == id, wizard.selectedVariable == variable else { return [] }
            if wizard.logScroll > 0, wizard.logsVariable == variable, let newest = wizard.logs.first,
               let shift = lines.firstIndex(of: newest) {
                wizard.logScroll += shift  // keep the lines being read in place as new ones arrive
            }
            wizard.logs = lines
            wizard.logsVariable = variable
            wizard.logScroll = min(wizard.logScroll, max(0, lines.count - 1))
            instance = wizard
        case .draftLoaded(let id, let draft):
            guard instance?.instanceID == id else { return [] }
            if let draft, !draft.isEmpty {
                instance?.draftStored = true
                dialog = .restoreDraft(draft)
            } else {
                instance?.draftStored = false
            }
        case .connectProgress, .connected, .connectFailed, .disconnected, .disconnectFailed:
            return handleConnectResult(event)
        case .failed(let text):
            deploy?.isDeploying = false
            if let wanted = openWhenLoaded {
                // The instance named on the command line could not be read.
                openWhenLoaded = nil
                show("No instance named \(wanted)", isError: true)
            } else {
                show(text, isError: true)
            }
        default:
            break
        }
        return []
    }

    private mutating func handleSaved(_ id: String, _ detail: WizardConnection) -> [Effect] {
        guard var wizard = instance, wizard.instanceID == id else { return [] }
        var form = wizard.forms[detail.variable] ?? ConnectionForm(detail: detail, role: role)
        form.reload(detail, role: role)
        wizard.forms[detail.variable] = form
        wizard.draftNeedsSync = true
        instance = wizard
        updateStatus(variable: detail.variable, detail.status, reason: detail.reason)
        show("Saved \(detail.variable): \(detail.status.rawValue)")
        var effects = logsEffect(variable: detail.variable)
        if wizard.leaveAfterSaving, !wizard.isSaving, !wizard.isDirty {
            let hadDraft = wizard.draftStored
            effects = leaveInstance()
            if hadDraft { effects.insert(.deleteDraft(instance: id), at: 0) }
        }
        return effects
    }

    func logsEffect(variable: String) -> [Effect] {
        guard let wizard = instance, wizard.selectedVariable == variable else { return [] }
        return [.loadLogs(instance: wizard.instanceID, variable: variable, limit: Self.logLimit)]
    }

    mutating func updateStatus(variable: String, _ status: ConnectionStatus, reason: String?) {
        guard var summary = instance?.summary,
              let index = summary.connections.firstIndex(where: { $0.variable == variable }) else { return }
        summary.connections[index].status = status
        summary.connections[index].reason = reason
        updateSummary(summary)
    }

    /// A fresher summary of an instance: badges in the open wizard and the home list.
    private mutating func updateSummary(_ summary: InstanceSummary) {
        if var wizard = instance, wizard.instanceID == summary.id {
            let selectedVariable = wizard.selectedVariable
            wizard.summary = summary
            if let selectedVariable, let index = summary.connections.firstIndex(where: { $0.variable == selectedVariable }) {
                wizard.selected = index
            }
            wizard.selected = min(wizard.selected, max(0, summary.connections.count - 1))
            instance = wizard
        }
        home.update(summary)
    }
}
