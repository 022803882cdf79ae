/// The key-binding tables, as data.
package enum KeyBindings {
    /// Ctrl-C works everywhere: keep unsaved input as a draft and leave.
    static let interrupt = Binding([.ctrl("c")], .interrupt)

    package static func table(for context: KeyContext) -> [Binding] {
        switch context {
        case .home:
            [Binding([.up, .char("k")], .up, "move", label: "↑↓"), Binding([.down, .char("j")], .down),
             Binding([.pageUp], .pageUp), Binding([.pageDown], .pageDown),
             Binding([.home, .char("g")], .first), Binding([.end, .char("G")], .last),
             Binding([.enter], .open, "open"), Binding([.char("/")], .filter, "filter"),
             Binding([.escape], .clearFilter), Binding([.char("n")], .deploy, "new instance"),
             Binding([.char("q")], .quit, "quit"), Binding([.char("r")], .refresh, "refresh"), interrupt]
        case .homeFilter:
            [Binding([.enter], .finishFilter, "done"), Binding([.escape], .clearFilter, "clear"),
             Binding([.up], .up, "move", label: "↑↓"), Binding([.down], .down), interrupt]
        case .deployIntegration:
            [Binding([.up, .char("k")], .up, "move", label: "↑↓"), Binding([.down, .char("j")], .down),
             Binding([.enter], .choose, "choose"), Binding([.escape], .cancel, "cancel"), interrupt]
        case .deployCustomer:
            [Binding([.up], .up, "pick existing", label: "↑↓"), Binding([.down], .down),
             Binding([.enter], .choose, "deploy"), Binding([.escape], .cancel, "back"), interrupt]
        case .steps:
            [Binding([.up, .char("k")], .up, "connection", label: "↑↓"), Binding([.down, .char("j")], .down),
             Binding([.enter, .tab, .right], .editForm, "edit"), Binding([.char("s"), .ctrl("s")], .save, "save"),
             Binding([.char("t"), .ctrl("t")], .test, "test"), Binding([.char("c")], .connect, "connect"),
             Binding([.char("d")], .disconnect, "disconnect"),
             Binding([.char("l"), .ctrl("o")], .toggleLog, "log"), Binding([.pageUp], .logOlder),
             Binding([.pageDown], .logNewer), Binding([.escape, .char("q")], .back, "back"), interrupt]
        case .form:
            [Binding([.tab, .down, .enter], .nextField, "next", label: "Tab"), Binding([.backTab, .up], .previousField),
             Binding([.ctrl("s")], .save, "save"), Binding([.ctrl("t")], .test, "test"),
             Binding([.ctrl("r")], .reveal, "reveal"), Binding([.ctrl("z")], .revert, "undo field"),
             Binding([.ctrl("o")], .toggleLog, "log"), Binding([.pageUp], .logOlder), Binding([.pageDown], .logNewer),
             Binding([.escape], .back, "steps"), interrupt]
        case .connect:
            [Binding([.char("p")], .pasteRedirect, "paste redirect URL"), Binding([.char("o")], .printURL, "print URL"),
             Binding([.char("y")], .copyURL, "copy"), Binding([.char("Q")], .toggleQR, "QR code"),
             Binding([.char("c")], .retryConnect, "try again"),
             // One key, two meanings: cancel while waiting, back once it failed (the help shows the one that applies).
             Binding([.escape], .cancelConnect, "cancel"), Binding([.escape], .closeConnect, "back"), interrupt]
        case .connectPaste:
            [Binding([.enter], .submitPaste, "check it"), Binding([.escape], .closePaste, "close"), interrupt]
        case .disconnectDialog:
            [Binding([.char("y")], .confirmDisconnect, "disconnect"), Binding([.char("n"), .escape], .cancel, "keep"), interrupt]
        case .leaveDialog:
            [Binding([.char("s"), .char("y")], .confirmSave, "save"), Binding([.char("d"), .char("n")], .confirmDiscard, "discard"),
             Binding([.escape], .cancel, "stay"), interrupt]
        case .conflictDialog:
            [Binding([.char("r")], .reloadDiscarding, "reload, drop mine"),
             Binding([.char("k")], .reloadKeepingMine, "reload, keep mine"), Binding([.escape], .cancel, "close"), interrupt]
        case .draftDialog:
            [Binding([.char("y")], .restoreDraft, "restore"), Binding([.char("n")], .discardDraft, "discard"),
             Binding([.escape], .laterDraft, "later"), interrupt]
        case .tooSmall:
            [Binding([.char("q")], .quit, "quit"), interrupt]
        }
    }

    /// The action bound to `key` in `context`, if any.
    package static func action(for key: Key, in context: KeyContext) -> Action? {
        table(for: context).first { $0.keys.contains(key) }?.action
    }
}
