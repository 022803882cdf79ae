/// What a key does, independent of which key it is.
package enum Action: Hashable, Sendable {
    case up, down, pageUp, pageDown, first, last
    case open, filter, finishFilter, clearFilter, deploy, refresh, quit, back, interrupt
    case editForm, nextField, previousField, save, test, reveal, revert, toggleLog, logOlder, logNewer
    case connect, disconnect
    case pasteRedirect, printURL, copyURL, toggleQR, retryConnect, cancelConnect, closeConnect
    case submitPaste, closePaste, confirmDisconnect
    case choose
    case confirmSave, confirmDiscard, cancel
    case reloadDiscarding, reloadKeepingMine
    case restoreDraft, discardDraft, laterDraft
}

/// One row of a key-binding table: the keys, the action and the help-line text.
/// The help line is rendered from these same rows, so it cannot drift from behaviour.
package struct Binding: Hashable, Sendable {
    package var keys: [Key]
    package var action: Action
    /// Shown in the help line when set.
    package var help: String?
    /// Overrides the help line's key name (e.g. `↑↓` for a pair of rows shown once).
    package var keyLabel: String?

    package init(_ keys: [Key], _ action: Action, _ help: String? = nil, label: String? = nil) {
        self.keys = keys
        self.action = action
        self.help = help
        self.keyLabel = label
    }

    package var displayKey: String { keyLabel ?? keys.first?.label ?? "" }
}

/// Where keys are being read; each context has its own table.
package enum KeyContext: Hashable, Sendable {
    case home, homeFilter, deployIntegration, deployCustomer, steps, form
    /// The CONNECT screen, and its "paste the redirect URL" input.
    case connect, connectPaste
    case leaveDialog, conflictDialog, draftDialog, disconnectDialog, tooSmall
}
