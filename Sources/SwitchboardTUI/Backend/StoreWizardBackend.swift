import Foundation
import SwitchboardCore

/// The wizard's backend over the real store: every read and write goes through `Store`
/// (and `OAuthFlows` for tests, CONNECT and DISCONNECT), so the wizard and the CLI share one set of
/// rules, one log and one status function.
package struct StoreWizardBackend: WizardBackend {
    package let store: Store
    package let transport: any HTTPTransport
    /// Where CONNECT sends the browser back to (the team callback URL, if any).
    package let settings: OAuthSettings

    private let changes: DatabaseChangeMonitor?

    package init(store: Store, transport: any HTTPTransport, settings: OAuthSettings = OAuthSettings()) {
        changes = try? store.changeMonitor()
        self.store = store
        self.transport = transport
        self.settings = settings
    }

    package func instances() throws -> [InstanceSummary] {
        // The version is taken before the read and marked only once the read succeeded: a
        // commit in between shows as a change next time; a failed read is retried.
        let version = changes?.version()
        let drafts = try store.draftInstances()
        let list = try store.status().map { summary($0, hasDraft: drafts.contains($0.id)) }
        changes?.markRead(version)
        return list
    }

    package func instancesMayHaveChanged() -> Bool { changes?.hasChanged() ?? true }

    package func changeVersion() -> Int? { changes?.version() }
    package func markRead(_ version: Int?, key: String) { changes?.markRead(version, key: key) }
    package func mayHaveChanged(key: String) -> Bool { changes?.hasChanged(key: key) ?? true }

    package func instancePage(_ request: InstancePageRequest) throws -> InstancePage {
        let version = changes?.version()
        let page = try store.statusPage(offset: request.offset, limit: request.limit, filter: request.filter, around: request.around)
        let drafts = try store.draftInstances()
        let rows = page.instances.map { summary($0, hasDraft: drafts.contains($0.id)) }
        // Drafts are few (one OS user's unsaved input): name the first even off this page.
        var waiting = rows.first(where: \.hasDraft)?.name
        if waiting == nil, !drafts.isEmpty {
            waiting = drafts.compactMap { try? store.status(instance: $0).first?.name }.min()
        }
        changes?.markRead(version)
        return InstancePage(instances: rows, total: page.total, matching: page.matching, offset: page.offset, waitingDraft: waiting)
    }

    package func instance(id: String) throws -> InstanceSummary {
        guard let status = try store.status(instance: id).first else {
            throw SwitchboardError.notFound("unknown instance '\(id)'")
        }
        return summary(status, hasDraft: try store.draftInstances().contains(status.id))
    }

    package func integrations() throws -> [WizardIntegration] {
        try store.integrations().map { WizardIntegration(key: $0.key, name: $0.name, version: $0.version) }
    }

    package func customers() throws -> [String] { try store.customers() }

    package func deploy(integration: String, customer: String) throws -> InstanceSummary {
        let info = try store.deploy(integration: integration, customer: customer)
        return try instance(id: info.id)
    }

    package func connection(instance: String, variable: String) throws -> WizardConnection {
        wizardConnection(try store.connectionDetail(instance: instance, variable: variable))
    }

    package func save(instance: String, variable: String, changes: [String: String], expectedRevision: Int) throws -> WizardConnection {
        let fieldChanges = changes.sorted { $0.key < $1.key }.map {
            FieldChange(variable: variable, field: $0.key, value: $0.value.isEmpty ? nil : $0.value)
        }
        guard !fieldChanges.isEmpty else { return try connection(instance: instance, variable: variable) }
        let details = try store.configure(instance: instance, changes: fieldChanges, expectedRevision: expectedRevision)
        guard let detail = details.first(where: { $0.variable == variable }) else {
            return try connection(instance: instance, variable: variable)
        }
        return wizardConnection(detail)
    }

    package func logs(instance: String, variable: String, limit: Int) throws -> [LogLine] {
        // In customer role the store has already kept hidden fields out of the lines.
        try store.logs(instance: instance, variable: variable, limit: limit).map {
            LogLine(time: $0.time, level: LogLineLevel(rawValue: $0.level.rawValue) ?? .info, source: $0.source, user: $0.user, message: $0.message)
        }
    }

    package func testConnection(instance: String, variable: String) async throws -> WizardConnection {
        _ = try await OAuthFlows(store: store, transport: transport).testConnection(instance: instance, variable: variable)
        return try connection(instance: instance, variable: variable)
    }

    package func saveDraft(_ draft: Draft) throws {
        if draft.isEmpty {
            try store.deleteDraft(instance: draft.instance)
            return
        }
        let data = try JSONEncoder().encode(draft)
        try store.saveDraft(instance: draft.instance, contents: String(decoding: data, as: UTF8.self))
    }

    package func loadDraft(instance: String) throws -> Draft? {
        guard let stored = try store.loadDraft(instance: instance) else { return nil }
        guard let draft = try? JSONDecoder().decode(Draft.self, from: Data(stored.contents.utf8)) else {
            throw SwitchboardError.database("the saved draft for \(instance) could not be read")
        }
        return draft
    }

    package func deleteDraft(instance: String) throws { try store.deleteDraft(instance: instance) }

    func summary(_ status: InstanceStatus, hasDraft: Bool) -> InstanceSummary {
        InstanceSummary(
            id: status.id, name: status.name, customer: status.customer, integration: status.integration, version: status.version,
            connections: status.connections.map {
                ConnectionSummary(variable: $0.variable, label: "\($0.component) · \($0.connection)", status: $0.status,
                                  reason: $0.reason, refresh: $0.refresh)
            },
            hasDraft: hasDraft)
    }

    func wizardConnection(_ detail: SwitchboardCore.ConnectionDetail) -> WizardConnection {
        var connection = WizardConnection(
            variable: detail.variable, label: "\(detail.componentLabel) · \(detail.connectionType.label)", fields: detail.fields,
            revision: detail.revision, status: detail.status,
            reason: detail.reason,
            needsTokens: detail.connectionType.needsTokens, hasTokens: detail.hasTokens, canTest: detail.connectionType.test != nil)
        connection.grantedScopes = detail.grantedScopes
        return connection
    }
}
