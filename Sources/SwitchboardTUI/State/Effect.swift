/// What the wizard wants done, never how: the runtime performs these through the
/// `WizardBackend` and answers with events.
package enum Effect: Equatable, Sendable {
    /// A window of the home list (the runtime reads it off the terminal's thread; a
    /// request superseded before it is read is skipped).
    case loadInstances(InstancePageRequest)
    /// The same, unless nothing was committed since the list was last read (the periodic
    /// refresh; what a person asks for is always `loadInstances`).
    case reloadInstancesIfChanged(InstancePageRequest)
    /// The first rows of the home list, for the first frame (read at once).
    case loadInstancePage(InstancePageRequest)
    case refreshInstance(id: String)
    /// The periodic refresh of the open instance's badges: skipped when nothing was
    /// committed since they were last read.
    case refreshInstanceIfChanged(id: String)
    case loadDeployChoices
    case deploy(integration: String, customer: String)
    case openConnection(instance: String, variable: String)
    case save(instance: String, variable: String, changes: [String: String], expectedRevision: Int)
    case test(instance: String, variable: String)
    case loadLogs(instance: String, variable: String, limit: Int)
    /// The periodic refresh of the log pane, skipped when nothing was committed since.
    case reloadLogsIfChanged(instance: String, variable: String, limit: Int)
    case loadDraft(instance: String)
    case saveDraft(Draft)
    case deleteDraft(instance: String)
    /// OAuth CONNECT: the runtime runs the connection's grant through the backend and
    /// answers with `.connectProgress` events, then `.connected` or `.connectFailed`.
    case connect(instance: String, variable: String, timeoutSeconds: Int)
    /// A redirect URL the person pasted, for the CONNECT in progress.
    case submitRedirect(instance: String, variable: String, url: String)
    /// Stop the CONNECT in progress (its catcher stops, nothing is stored).
    case cancelConnect(instance: String, variable: String)
    case disconnect(instance: String, variable: String)
    /// Put text on the clipboard with an OSC 52 escape (terminals that allow it).
    case copyToClipboard(String)
    /// Show text on the normal screen, outside the wizard, until Enter: a long URL the
    /// terminal wraps by itself, so it can be selected and copied whole.
    case printOutside(String)
    case quit
}
