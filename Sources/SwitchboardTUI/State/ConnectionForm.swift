import SwitchboardCore

/// The form for one connection of the open instance.
package struct ConnectionForm: Equatable, Sendable {
    package var detail: WizardConnection
    /// Only the fields this role may see, in definition order.
    package var fields: [FieldEdit]
    /// Index into `fields` of the focused field.
    package var focus: Int
    package var isSaving = false
    package var isTesting = false

    /// Builds the form; in customer role fields that are not customer visible are
    /// dropped here, so nothing downstream can show them.
    package init(detail: WizardConnection, role: Role) {
        var detail = detail
        if role.isCustomer {
            detail.fields = detail.fields.filter(\.customerVisible)
            // A derived value built from a field the customer may not see would show it.
            let visible = Set(detail.fields.map(\.key))
            for index in detail.fields.indices where detail.fields[index].definition.templateReferences.contains(where: { !visible.contains($0) }) {
                detail.fields[index].effectiveValue = nil
            }
        }
        self.detail = detail
        fields = detail.fields.map(FieldEdit.init(state:))
        focus = fields.firstIndex(where: \.isEditable) ?? 0
    }

    package var variable: String { detail.variable }
    package var isDirty: Bool { fields.contains(where: \.isDirty) }
    package var focusedField: FieldEdit? { fields.indices.contains(focus) ? fields[focus] : nil }

    /// Field key → value for every changed field.
    package var changes: [String: String] {
        var changes: [String: String] = [:]
        for field in fields where field.isDirty { changes[field.key] = field.value }
        return changes
    }

    /// Errors that make a save pointless: a bad URL or pattern. A missing required value
    /// may be saved (the connection simply stays unconfigured).
    package var blockingErrorIndices: [Int] {
        fields.indices.filter { index in
            guard fields[index].isDirty, let error = fields[index].error else { return false }
            if case .missing = error { return false }
            return true
        }
    }

    /// Moves focus to the next (or previous) editable field; false at either end.
    package mutating func moveFocus(by step: Int) -> Bool {
        var index = focus + step
        while fields.indices.contains(index) {
            if fields[index].isEditable {
                fields[focus].visited = true
                focus = index
                return true
            }
            index += step
        }
        return false
    }

    /// Replaces the loaded state after a save or reload, keeping `keep` edits on top.
    package mutating func reload(_ detail: WizardConnection, role: Role, keepingEdits keep: [String: String] = [:]) {
        let focusedKey = focusedField?.key
        self = ConnectionForm(detail: detail, role: role)
        for index in fields.indices {
            if let text = keep[fields[index].key] { fields[index].restore(text) }
        }
        if let focusedKey, let index = fields.firstIndex(where: { $0.key == focusedKey }) { focus = index }
    }
}
