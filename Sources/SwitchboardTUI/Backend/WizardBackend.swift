import SwitchboardCore

/// Everything the wizard needs from the domain, as plain values. The runtime calls it
/// off the terminal's thread (store effects in order on one queue; tests, CONNECT and
/// DISCONNECT as tasks), so no call can freeze the screen.
/// Implementations apply the role themselves (instances of that customer only, customer
/// fields only); the wizard filters again so a slip never reaches the screen.
package protocol WizardBackend: Sendable {
    /// Instances the role may see, sorted for display (every one: the wizard reads pages).
    func instances() throws -> [InstanceSummary]
    /// False when nothing was committed since `instances()` or `instancePage(_:)` last
    /// succeeded, so a periodic re-read can be skipped; true before any successful read and
    /// whenever in doubt.
    func instancesMayHaveChanged() -> Bool
    /// Requirements so a backend's own answers are used (defaults below always read).
    func changeVersion() -> Int?
    func markRead(_ version: Int?, key: String)
    func mayHaveChanged(key: String) -> Bool
    /// The rows of `instances()` that `request` asks for, with the counts: cheap whatever
    /// the total (the home list holds a window, never every instance).
    func instancePage(_ request: InstancePageRequest) throws -> InstancePage
    /// One instance, re-read to refresh its badges.
    func instance(id: String) throws -> InstanceSummary
    func integrations() throws -> [WizardIntegration]
    /// Customers that already have instances, for the deploy picker.
    func customers() throws -> [String]
    func deploy(integration: String, customer: String) throws -> InstanceSummary
    func connection(instance: String, variable: String) throws -> WizardConnection
    /// Stores `changes` (field key → raw typed value; "" clears). Throws
    /// `SwitchboardError.conflict` when the connection's revision is no longer `expectedRevision`.
    func save(instance: String, variable: String, changes: [String: String], expectedRevision: Int) throws -> WizardConnection
    /// The connection's log, newest first.
    func logs(instance: String, variable: String, limit: Int) throws -> [LogLine]
    /// Runs the connection type's test request; the outcome lands in the log and status.
    func testConnection(instance: String, variable: String) async throws -> WizardConnection
    /// OAuth CONNECT with the connection's grant (authorization code, device code or client
    /// credentials), reporting each step through `progress`, until the tokens are stored
    /// (the connection is returned as it is then), the flow fails, `timeout` passes, or the
    /// calling task is cancelled (then nothing is changed). `pasted` carries redirect URLs
    /// the person pastes (authorization code): each is checked, and a wrong one is reported
    /// as `.rejected` while the flow keeps waiting.
    func connect(instance: String, variable: String, timeout: Duration, pasted: AsyncStream<String>,
                 progress: @escaping @Sendable (ConnectProgress) -> Void) async throws -> WizardConnection
    /// OAuth DISCONNECT: deletes the tokens (refresh stops), then revokes them at the
    /// provider when it has a revocation endpoint (best effort, never blocking the deletion).
    func disconnect(instance: String, variable: String) async throws -> DisconnectResult
    /// Unsaved input, kept per instance (and per OS user); it may hold typed secrets, so store it sealed.
    func saveDraft(_ draft: Draft) throws
    func loadDraft(instance: String) throws -> Draft?
    func deleteDraft(instance: String) throws
}

/// Narrow change checks for periodic re-reads (the log pane, one instance's badges). The
/// defaults always read, which is right for backends that cannot tell.
extension WizardBackend {
    /// A value that changes whenever anything is committed to the store, by any process.
    package func changeVersion() -> Int? { nil }
    package func markRead(_ version: Int?, key: String) {}
    /// False only when nothing was committed since reader `key` last read.
    package func mayHaveChanged(key: String) -> Bool { true }
}
