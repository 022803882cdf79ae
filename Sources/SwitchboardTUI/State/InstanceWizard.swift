/// The instance wizard screen: the instance's connections as steps, a form per
/// connection (kept while switching, so edits survive), and the log pane.
public struct InstanceWizard: Equatable, Sendable {
    public enum Focus: Equatable, Sendable { case steps, form }

    public var summary: InstanceSummary
    /// Index into `summary.connections`.
    public var selected = 0
    public var focus: Focus = .steps
    public var forms: [String: ConnectionForm] = [:]
    public var loadErrors: [String: String] = [:]
    /// The selected connection's log, newest first (as the backend returns it).
    public var logs: [LogLine] = []
    public var logsVariable: String?
    public var logVisible = true
    /// Lines scrolled back from the newest entry.
    public var logScroll = 0
    /// A restored draft whose connections are still loading.
    public var pendingDraft: Draft?
    /// Leave for home once the saves in flight succeed.
    public var leaveAfterSaving = false
    /// Unsaved input changed since the draft was last written.
    public var draftNeedsSync = false
    /// A draft for this instance is stored (written by us or an earlier session).
    public var draftStored = false
    /// The CONNECT screen, while it is shown.
    public var connect: ConnectState?

    public init(summary: InstanceSummary) {
        self.summary = summary
        draftStored = summary.hasDraft
    }

    public var instanceID: String { summary.id }
    public var selectedVariable: String? {
        summary.connections.indices.contains(selected) ? summary.connections[selected].variable : nil
    }
    public var selectedForm: ConnectionForm? { selectedVariable.flatMap { forms[$0] } }
    public var isDirty: Bool { forms.values.contains(where: \.isDirty) }
    public var isSaving: Bool { forms.values.contains(where: \.isSaving) }

    /// Everything typed but not saved, for the draft.
    public var draft: Draft {
        var edits: [String: [String: String]] = [:]
        for (variable, form) in forms where form.isDirty { edits[variable] = form.changes }
        return Draft(instance: instanceID, edits: edits)
    }
}
