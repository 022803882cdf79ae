extension WizardState {
    /// The rows of the current key table that the help line shows right now: rows with
    /// help text whose action can do something in this state.
    package var helpBindings: [Binding] {
        KeyBindings.table(for: keyContext).filter { binding in
            binding.help != nil && isOffered(binding.action)
        }
    }

    private func isOffered(_ action: Action) -> Bool {
        let form = instance?.selectedForm
        let connect = instance?.connect
        switch action {
        case .test: return form?.detail.canTest == true
        case .connect: return form?.detail.needsTokens == true
        case .disconnect: return form?.detail.needsTokens == true && form?.detail.hasTokens == true
        case .pasteRedirect:
            if case .browser = connect?.phase { return true }
            return false
        case .printURL, .copyURL, .toggleQR: return connect?.url != nil
        case .retryConnect, .closeConnect: return connect?.isFailed == true
        case .cancelConnect: return connect?.isFailed == false
        case .reveal: return mayReveal && form?.focusedField?.state.isSecret == true
        case .revert: return form?.focusedField?.isDirty == true
        case .open: return home.selectedInstance != nil
        case .editForm: return form != nil
        default: return true
        }
    }
}
