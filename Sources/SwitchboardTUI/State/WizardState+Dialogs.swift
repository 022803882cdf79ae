extension WizardState {
    mutating func handleDialogKey(_ key: Key, context: KeyContext) -> [Effect] {
        guard let shown = dialog else { return [] }
        switch (shown, KeyBindings.action(for: key, in: context)) {
        case (.confirmLeave, .confirmSave):
            dialog = nil
            instance?.leaveAfterSaving = true
            let effects = saveAllDirty()
            if instance?.leaveAfterSaving == true, instance?.isSaving == false { return leaveInstance() }
            return effects
        case (.confirmLeave, .confirmDiscard):
            // Discarding on purpose: the draft goes too.
            let id = instance?.instanceID
            let hadDraft = instance?.draftStored == true
            var effects = leaveInstance()
            if let id, hadDraft { effects.insert(.deleteDraft(instance: id), at: 0) }
            return effects
        case (.confirmLeave, .cancel):
            dialog = nil

        case (.conflict(let variable, _), .reloadDiscarding):
            dialog = nil
            guard let id = instance?.instanceID else { return [] }
            instance?.forms[variable] = nil
            return [.openConnection(instance: id, variable: variable)]
        case (.conflict(let variable, _), .reloadKeepingMine):
            dialog = nil
            guard let id = instance?.instanceID, let form = instance?.forms[variable] else { return [] }
            // Loading the current revision again lets a second save go through with these edits on top.
            let edits = mergedEdits(instance?.pendingDraft, [variable: form.changes])
            instance?.pendingDraft = Draft(instance: id, edits: edits)
            instance?.forms[variable] = nil
            show("Reloaded the other session's values with your changes on top: review, then ^S")
            return [.openConnection(instance: id, variable: variable)]
        case (.conflict, .cancel):
            dialog = nil

        case (.restoreDraft(let draft), .restoreDraft):
            dialog = nil
            return restore(draft)
        case (.restoreDraft(let draft), .discardDraft):
            dialog = nil
            instance?.draftStored = false
            return [.deleteDraft(instance: draft.instance)]
        case (.restoreDraft, .laterDraft):
            dialog = nil

        case (.confirmDisconnect(let variable), .confirmDisconnect):
            dialog = nil
            guard let id = instance?.instanceID else { return [] }
            show("Disconnecting \(variable)…", ticksLeft: 60)
            return [.disconnect(instance: id, variable: variable)]
        case (.confirmDisconnect, .cancel):
            dialog = nil
        default:
            break
        }
        return []
    }

    /// Puts a draft's values back into the forms, loading connections that are not open yet.
    mutating func restore(_ draft: Draft) -> [Effect] {
        guard var wizard = instance else { return [] }
        var effects: [Effect] = []
        var waiting: [String: [String: String]] = [:]
        for (variable, edits) in draft.edits {
            guard wizard.summary.connections.contains(where: { $0.variable == variable }) else { continue }
            if var form = wizard.forms[variable] {
                Self.apply(edits, to: &form)
                wizard.forms[variable] = form
            } else {
                waiting[variable] = edits
                effects.append(.openConnection(instance: wizard.instanceID, variable: variable))
            }
        }
        wizard.pendingDraft = waiting.isEmpty ? nil : Draft(instance: wizard.instanceID, edits: waiting)
        wizard.draftNeedsSync = true
        instance = wizard
        show("Restored \(draft.fieldCount) unsaved value\(draft.fieldCount == 1 ? "" : "s"): review, then ^S to save")
        return effects
    }

    static func apply(_ edits: [String: String], to form: inout ConnectionForm) {
        for index in form.fields.indices where form.fields[index].isEditable {
            if let text = edits[form.fields[index].key] { form.fields[index].restore(text) }
        }
    }

    func mergedEdits(_ draft: Draft?, _ more: [String: [String: String]]) -> [String: [String: String]] {
        var edits = draft?.edits ?? [:]
        for (variable, fields) in more { edits[variable, default: [:]].merge(fields) { _, new in new } }
        return edits
    }
}
