/// What the wizard wants done, never how: the runtime performs these through the
/// `WizardBackend` and answers with events.
public enum Effect: Equatable, Sendable {
    case loadInstances
    case refreshInstance(id: String)
    case loadDeployChoices
    case deploy(integration: String, customer: String)
    case openConnection(instance: String, variable: String)
    case save(instance: String, variable: String, changes: [String: String], expectedRevision: Int)
    case test(instance: String, variable: String)
    case loadLogs(instance: String, variable: String, limit: Int)
    case loadDraft(instance: String)
    case saveDraft(Draft)
    case deleteDraft(instance: String)
    /// OAuth CONNECT / DISCONNECT: declared for the OAuth flow, not emitted until it lands.
    case connect(instance: String, variable: String)
    case disconnect(instance: String, variable: String)
    case quit
}
