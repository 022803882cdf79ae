import SwitchboardCore
/// Everything that can happen to the wizard: input, time passing, and the results of
/// effects (failures included) fed back by the runtime.
package enum Event: Equatable, Sendable {
    case key(Key)
    case paste(String)
    case resized(Size)
    /// About every 500 ms: drives live logs and badge refresh.
    case tick

    /// The answer to the home list's request `request`.
    case instancePageLoaded(InstancePage, request: Int)
    /// No answer to `request` is coming: nothing changed since the last read, or the read
    /// failed (reported on its own).
    case instancePageSkipped(request: Int)
    case instanceRefreshed(InstanceSummary)
    case deployChoicesLoaded(integrations: [WizardIntegration], customers: [String])
    case deployed(InstanceSummary)
    case connectionLoaded(instance: String, detail: WizardConnection)
    case connectionFailed(instance: String, variable: String, message: String)
    case saved(instance: String, detail: WizardConnection)
    case saveFailed(instance: String, variable: String, conflict: Bool, message: String)
    case tested(instance: String, detail: WizardConnection)
    case testFailed(instance: String, variable: String, message: String)
    case logsLoaded(instance: String, variable: String, lines: [LogLine])
    case draftLoaded(instance: String, draft: Draft?)
    case connectProgress(instance: String, variable: String, ConnectProgress)
    case connected(instance: String, detail: WizardConnection)
    case connectFailed(instance: String, variable: String, message: String)
    case disconnected(instance: String, result: DisconnectResult)
    case disconnectFailed(instance: String, variable: String, message: String)
    /// Any other effect failed; the message is already a sentence for a person.
    case failed(String)
}
