import SwitchboardCore
import SwitchboardTUI

extension InMemoryWizardBackend {
    func isVisible(_ instance: StoredInstance) -> Bool {
        role.customerName.map { $0 == instance.customer } ?? true
    }

    func find(_ id: String) throws -> StoredInstance {
        guard let instance = stored.first(where: { $0.id == id || $0.name == id }), isVisible(instance) else {
            throw SwitchboardError.notFound("no instance \(id)")
        }
        return instance
    }

    func locate(_ instance: String, _ variable: String) throws -> (Int, Int) {
        let id = try find(instance).id
        guard let i = stored.firstIndex(where: { $0.id == id }),
              let c = stored[i].connections.firstIndex(where: { $0.variable.key == variable }) else {
            throw SwitchboardError.notFound("no connection \(variable) in \(instance)")
        }
        return (i, c)
    }

    func status(_ connection: StoredConnection) -> ConnectionStatus {
        let states = FieldStates.compute(variable: connection.variable, stored: connection.values)
        let complete = FieldStates.isComplete(states) && (!connection.variable.connectionType.needsTokens || connection.hasTokens)
        return StatusRule.status(complete: complete, outcome: connection.outcome)
    }

    func summary(_ instance: StoredInstance) -> InstanceSummary {
        InstanceSummary(
            id: instance.id, name: instance.name, customer: instance.customer, integration: instance.integration.key,
            version: instance.integration.version,
            connections: instance.connections.map { connection in
                ConnectionSummary(variable: connection.variable.key, label: label(connection.variable),
                                  status: status(connection), reason: reason(connection))
            },
            hasDraft: drafts[instance.id].map { !$0.isEmpty } ?? false)
    }

    func label(_ variable: ResolvedVariable) -> String {
        "\(variable.componentLabel) · \(variable.connectionType.label)"
    }

    /// Only a reason something recorded (a test, a run), as the store keeps it: the store
    /// invents none for a connection that is merely unconfigured or unused, so neither does this.
    func reason(_ connection: StoredConnection) -> String? {
        guard let reason = connection.reason else { return nil }
        guard role.isCustomer else { return reason }
        let fields = FieldStates.compute(variable: connection.variable, stored: connection.values)
        return HiddenFieldRedactor.customerView(of: fields).redact(reason)
    }

    func detail(_ connection: StoredConnection) -> WizardConnection {
        var fields = FieldStates.compute(variable: connection.variable, stored: connection.values)
        if role.isCustomer { fields = fields.filter(\.customerVisible) }
        return WizardConnection(
            variable: connection.variable.key, label: label(connection.variable), fields: fields,
            revision: connection.revision, status: status(connection), reason: reason(connection),
            needsTokens: connection.variable.connectionType.needsTokens, hasTokens: connection.hasTokens,
            canTest: connection.variable.connectionType.test != nil)
    }

    func logLine(_ level: LogLineLevel, _ source: String, _ message: String) -> LogLine {
        clock += 1
        let seconds = clock % 60, minutes = (clock / 60) % 60
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return LogLine(time: "2025-03-14T09:\(two(minutes)):\(two(seconds)).000Z", level: level, source: source, user: user, message: message)
    }
}
