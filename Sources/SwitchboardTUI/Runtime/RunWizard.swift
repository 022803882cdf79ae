import Foundation
import SwitchboardCore

/// The wizard's one entry point for the `switchboard` executable. Returns the exit code:
/// 0 after quitting, 130 after Ctrl-C, 2 when it cannot run (no terminal, `TERM=dumb`, a broken theme),
/// 128+N after signal N (the unsaved input is then kept as a draft).
///
/// - Parameters:
///   - theme: `--theme` (a name or a path); nil falls back to `SWITCHBOARD_THEME`, then `default`.
///   - instance: open this instance (id or name) straight away (`switchboard configure INSTANCE`).
package func runWizard(backend: some WizardBackend, role: Role, theme: String?, environment: [String: String],
                      instance: String? = nil) -> Int32 {
    let resolved: Theme
    do {
        resolved = try ThemeResolver(environment: environment).resolve(theme)
    } catch {
        FileHandle.standardError.write(Data((TerminalText.escaped("switchboard: \(error)") + "\n").utf8))
        return 2
    }
    if let reason = CursesTerminal.unusableReason(environment: environment) {
        FileHandle.standardError.write(Data(("switchboard: the wizard needs an interactive terminal (\(TerminalText.escaped(reason))). "
            + "Use the scriptable commands instead, e.g. `switchboard status` or "
            + "`switchboard configure INSTANCE --set VAR.FIELD=VALUE`.\n").utf8))
        return 2
    }
    return WizardRuntime(backend: backend, role: role, theme: resolved, instance: instance).run()
}
