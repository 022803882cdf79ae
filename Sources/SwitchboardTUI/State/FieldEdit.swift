import SwitchboardCore

/// One field of the open form: its definition and stored state, plus what the person
/// has typed. Booleans hold "true"/"false" and picklists a choice's value in `editor`.
package struct FieldEdit: Equatable, Sendable {
    package var state: FieldState
    package var editor: LineEditor
    /// The text the editor started with; dirty means the text moved away from it.
    package var original: String
    /// A stored secret is never put into the editor: it is kept until replaced.
    package var keepsStoredSecret: Bool
    /// Team role only: show a secret's characters.
    package var revealed = false
    /// Left at least once, or a save was attempted: errors show from then on.
    package var visited = false

    package init(state: FieldState) {
        self.state = state
        if state.isSecret && state.isSet {
            keepsStoredSecret = true
            original = ""
        } else {
            keepsStoredSecret = false
            original = FieldEdit.initialText(for: state)
        }
        editor = LineEditor(original)
    }

    static func initialText(for state: FieldState) -> String {
        switch state.definition.type {
        case .boolean:
            return (state.effectiveValue ?? "").lowercased() == "true" ? "true" : "false"
        case .picklist:
            return state.effectiveValue ?? state.definition.choices.first?.value ?? ""
        case .template:
            return state.effectiveValue ?? ""
        default:
            return state.storedValue ?? state.defaultValue ?? ""
        }
    }

    package var key: String { state.key }
    package var label: String { state.label }
    package var type: FieldType { state.definition.type }
    package var isEditable: Bool { type != .template }
    package var isMultiline: Bool { type == .text }

    package var isDirty: Bool {
        guard isEditable else { return false }
        return keepsStoredSecret ? false : (state.isSecret && state.isSet) || editor.text != original
    }

    /// What a save sends for this field.
    package var value: String { editor.text }

    /// The validation problem with the current input, if any (a kept secret is fine).
    package var error: FieldValidationError? {
        if !isEditable { return state.error }
        if keepsStoredSecret { return nil }
        return FieldValidator.validate(editor.text, for: state.definition, label: state.label)
    }

    /// An error worth showing now: after the field was left or a save was tried.
    package var visibleError: FieldValidationError? { visited ? error : nil }

    /// Stops keeping the stored secret: the editor starts empty, ready for the replacement.
    package mutating func replaceStoredSecret() {
        guard keepsStoredSecret else { return }
        keepsStoredSecret = false
        editor = LineEditor("")
    }

    /// Ctrl-Z: back to what was loaded (a stored secret is kept again).
    package mutating func revert() {
        keepsStoredSecret = state.isSecret && state.isSet
        editor = LineEditor(keepsStoredSecret ? "" : original)
    }

    /// Applies unsaved input from a draft.
    package mutating func restore(_ text: String) {
        keepsStoredSecret = false
        editor = LineEditor(text)
    }
}
