import SwitchboardCore

extension WizardState {
    mutating func handleFormKey(_ key: Key) -> [Effect] {
        guard var wizard = instance, let variable = wizard.selectedVariable, var form = wizard.forms[variable],
              form.fields.indices.contains(form.focus) else {
            instance?.focus = .steps
            return []
        }
        var field = form.fields[form.focus]
        if Self.edit(&field, with: key) {
            if field != form.fields[form.focus] {
                form.fields[form.focus] = field
                wizard.forms[variable] = form
                wizard.draftNeedsSync = true
                instance = wizard
            }
            return []
        }
        switch KeyBindings.action(for: key, in: .form) {
        case .nextField:
            if !form.moveFocus(by: 1) {
                form.fields[form.focus].visited = true
                show(form.isDirty ? "Last field: ^S saves, Esc goes back to the steps" : "Last field")
            }
        case .previousField:
            if !form.moveFocus(by: -1) { form.fields[form.focus].visited = true }
        case .reveal:
            guard field.state.isSecret else { return [] }
            guard mayReveal else {
                show("Secrets are never shown in customer role", isError: true)
                return []
            }
            form.fields[form.focus].revealed.toggle()
        case .revert:
            form.fields[form.focus].revert()
            wizard.draftNeedsSync = true
        case .back:
            form.fields[form.focus].visited = true
            wizard.focus = .steps
        case let action:
            return handleInstanceCommand(action)
        }
        wizard.forms[variable] = form
        instance = wizard
        if let error = form.fields[form.focus].visibleError, KeyBindings.action(for: key, in: .form) == .back {
            show(error.description, isError: true)
        }
        return []
    }

    /// Applies a key to a field according to its type; false when the key is not an edit.
    static func edit(_ field: inout FieldEdit, with key: Key) -> Bool {
        switch field.type {
        case .template:
            return false
        case .boolean:
            let current = field.editor.text == "true"
            let next: Bool
            switch key {
            case .char(" "), .left, .right: next = !current
            case .char("y"), .char("t"), .char("1"): next = true
            case .char("n"), .char("f"), .char("0"): next = false
            default: return false
            }
            field.editor = LineEditor(next ? "true" : "false")
            return true
        case .picklist:
            let choices = field.state.definition.choices
            guard !choices.isEmpty else { return false }
            let index = choices.firstIndex { $0.value == field.editor.text } ?? -1
            var target: Int
            switch key {
            case .char(" "), .right: target = (index + 1) % choices.count
            case .left: target = index <= 0 ? choices.count - 1 : index - 1
            case .char(let c) where c.isLetter || c.isNumber:
                // Jump to the next choice starting with the letter, cycling.
                let starts = choices.indices.filter { choices[$0].label.lowercased().hasPrefix(c.lowercased()) }
                guard let first = starts.first else { return true }
                target = starts.first { $0 > index } ?? first
            default: return false
            }
            field.editor = LineEditor(choices[target].value)
            return true
        case .string, .password, .url, .text:
            if field.isMultiline {
                if key == .up, field.editor.moveLineUp() { return true }
                if key == .down, field.editor.moveLineDown() { return true }
            }
            if field.keepsStoredSecret, LineEditor.modifiesText(key, multiline: field.isMultiline) {
                field.replaceStoredSecret()
                if case .char = key {} else { return true }  // deleting a kept secret empties the field
            }
            return field.editor.handle(key, multiline: field.isMultiline)
        }
    }

    /// A paste goes into the focused field as text, whatever it contains.
    mutating func pasteIntoFocusedField(_ text: String, singleLine: String) -> [Effect] {
        guard var wizard = instance, let variable = wizard.selectedVariable, var form = wizard.forms[variable],
              form.fields.indices.contains(form.focus) else { return [] }
        var field = form.fields[form.focus]
        switch field.type {
        case .template:
            return []
        case .boolean, .picklist:
            guard case .success(let value) = FieldValidator.normalize(singleLine, for: field.state.definition), !value.isEmpty else {
                show("Pasted text is not a valid choice for \(field.label)", isError: true)
                return []
            }
            field.editor = LineEditor(value)
        case .string, .password, .url, .text:
            field.replaceStoredSecret()
            field.editor.insert(field.isMultiline ? text : singleLine)
        }
        form.fields[form.focus] = field
        wizard.forms[variable] = form
        wizard.draftNeedsSync = true
        instance = wizard
        return []
    }
}
