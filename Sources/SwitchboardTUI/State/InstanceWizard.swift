/// The instance wizard screen: the instance's connections as steps, a form per
/// connection (kept while switching, so edits survive), and the log pane.
package struct InstanceWizard: Equatable, Sendable {
    package enum Focus: Equatable, Sendable { case steps, form }

    package var summary: InstanceSummary
    /// Index into `summary.connections`.
    package var selected = 0
    package var focus: Focus = .steps
    package var forms: [String: ConnectionForm] = [:]
    package var loadErrors: [String: String] = [:]
    /// The selected connection's log, newest first (as the backend returns it).
    package var logs: [LogLine] = []
    package var logsVariable: String?
    package var logVisible = true
    /// Lines scrolled back from the newest entry.
    package var logScroll = 0
    /// A restored draft whose connections are still loading.
    package var pendingDraft: Draft?
    /// Leave for home once the saves in flight succeed.
    package var leaveAfterSaving = false
    /// Unsaved input changed since the draft was last written.
    package var draftNeedsSync = false
    /// A draft for this instance is stored (written by us or an earlier session).
    package var draftStored = false
    /// The CONNECT screen, while it is shown.
    package var connect: ConnectState?

    package init(summary: InstanceSummary) {
        self.summary = summary
        draftStored = summary.hasDraft
    }

    package var instanceID: String { summary.id }
    package var selectedVariable: String? {
        summary.connections.indices.contains(selected) ? summary.connections[selected].variable : nil
    }
    package var selectedForm: ConnectionForm? { selectedVariable.flatMap { forms[$0] } }
    package var isDirty: Bool { forms.values.contains(where: \.isDirty) }
    package var isSaving: Bool { forms.values.contains(where: \.isSaving) }

    /// Everything typed but not saved, for the draft.
    package var draft: Draft {
        var edits: [String: [String: String]] = [:]
        for (variable, form) in forms where form.isDirty { edits[variable] = form.changes }
        return Draft(instance: instanceID, edits: edits)
    }
}
