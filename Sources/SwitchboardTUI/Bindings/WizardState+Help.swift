extension WizardState {
    /// The rows of the current key table that the help line shows right now: rows with
    /// help text whose action can do something in this state.
    public var helpBindings: [Binding] {
        KeyBindings.table(for: keyContext).filter { binding in
            binding.help != nil && isOffered(binding.action)
        }
    }

    private func isOffered(_ action: Action) -> Bool {
        let form = instance?.selectedForm
        switch action {
        case .test: return form?.detail.canTest == true
        // CONNECT has its own (disabled) place in the form until the OAuth flow lands.
        case .connect, .disconnect: return false
        case .reveal: return mayReveal && form?.focusedField?.state.isSecret == true
        case .revert: return form?.focusedField?.isDirty == true
        case .open: return home.selectedInstance != nil
        case .editForm: return form != nil
        default: return true
        }
    }
}
