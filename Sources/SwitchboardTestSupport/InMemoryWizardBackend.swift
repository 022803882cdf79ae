import Foundation
import SwitchboardCore
import SwitchboardTUI

/// A `WizardBackend` held in memory, for the wizard's state-machine and frame tests
/// (`InMemoryWizardBackend.demo()`). Not the product's backend: that one sits on the store.
/// It derives badges and field states through the core's own functions (`StatusRule`,
/// `FieldStates`, `HiddenFieldRedactor`) and keeps only reasons something recorded, as
/// the store does, so frames show what users see.
package final class InMemoryWizardBackend: WizardBackend, @unchecked Sendable {
    package struct IntegrationVersion: Sendable {
        package var key: String
        package var name: String
        package var version: Int
        package var variables: [ResolvedVariable]

        package init(key: String, name: String, version: Int, variables: [ResolvedVariable]) {
            self.key = key
            self.name = name
            self.version = version
            self.variables = variables
        }
    }

    struct StoredConnection {
        var variable: ResolvedVariable
        var values: [String: String] = [:]
        var revision = 1
        var outcome: ConnectionOutcome = .none
        var reason: String?
        var hasTokens = false
        var logs: [LogLine] = []  // oldest first
    }

    struct StoredInstance {
        var id: String
        var customer: String
        var integration: IntegrationVersion
        var connections: [StoredConnection]
        var name: String { "\(customer)/\(integration.key)" }
    }

    private let lock = NSLock()
    package var role: Role
    private var integrationList: [IntegrationVersion]
    var stored: [StoredInstance] = []
    var drafts: [String: Draft] = [:]
    var clock = 0
    /// The user written into log lines.
    package var user = "demo"

    package init(role: Role = .team, integrations: [IntegrationVersion]) {
        self.role = role
        integrationList = integrations
    }

    func locked<T>(_ body: () throws -> T) rethrows -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body()
    }

    // MARK: WizardBackend

    package func instancesMayHaveChanged() -> Bool { true }

    package func instances() throws -> [InstanceSummary] {
        locked { stored.filter(isVisible).map(summary).sorted { $0.name < $1.name } }
    }

    package func instancePage(_ request: InstancePageRequest) throws -> InstancePage {
        let all = try instances()
        let needle = request.filter.lowercased()
        let matching = needle.isEmpty ? all : all.filter {
            $0.name.lowercased().contains(needle) || $0.integration.lowercased().contains(needle)
        }
        let limit = max(0, request.limit)
        var start = max(0, request.offset)
        if let around = request.around {
            start = max(0, matching.count(where: { $0.name < around }) - limit / 2)
        }
        start = max(0, min(start, matching.count - limit))
        let rows = Array(matching[start..<min(matching.count, start + limit)])
        return InstancePage(instances: rows, total: all.count, matching: matching.count, offset: start,
                            waitingDraft: all.first(where: \.hasDraft)?.name)
    }

    package func instance(id: String) throws -> InstanceSummary {
        try locked { summary(try find(id)) }
    }

    package func integrations() throws -> [WizardIntegration] {
        locked { integrationList.map { WizardIntegration(key: $0.key, name: $0.name, version: $0.version) } }
    }

    package func customers() throws -> [String] {
        locked {
            if let name = role.customerName { return [name] }
            return Array(Set(stored.map(\.customer))).sorted()
        }
    }

    @discardableResult
    package func deploy(integration: String, customer: String) throws -> InstanceSummary {
        try locked {
            if let name = role.customerName, name != customer { throw SwitchboardError.forbidden("customers deploy for themselves only") }
            guard let version = integrationList.first(where: { $0.key == integration }) else {
                throw SwitchboardError.notFound("no integration \(integration)")
            }
            guard !stored.contains(where: { $0.customer == customer && $0.integration.key == integration }) else {
                throw SwitchboardError.conflict("\(customer)/\(integration) is already deployed")
            }
            let instance = StoredInstance(id: "i\(stored.count + 1)", customer: customer, integration: version,
                                          connections: version.variables.map { StoredConnection(variable: $0) })
            stored.append(instance)
            return summary(instance)
        }
    }

    package func connection(instance: String, variable: String) throws -> WizardConnection {
        try locked {
            let (i, c) = try locate(instance, variable)
            return detail(stored[i].connections[c])
        }
    }

    package func save(instance: String, variable: String, changes: [String: String], expectedRevision: Int) throws -> WizardConnection {
        try locked {
            let (i, c) = try locate(instance, variable)
            var connection = stored[i].connections[c]
            guard connection.revision == expectedRevision else {
                throw SwitchboardError.conflict("\(variable) was changed by another session (revision \(connection.revision), you had \(expectedRevision))")
            }
            for (key, raw) in changes.sorted(by: { $0.key < $1.key }) {
                guard let field = connection.variable.connectionType.field(key) else {
                    throw SwitchboardError.invalidValue("\(variable) has no field \(key)")
                }
                if role.isCustomer, !connection.variable.isCustomerVisible(key) {
                    throw SwitchboardError.forbidden("\(key) is not a customer field")
                }
                switch FieldValidator.normalize(raw, for: field) {
                case .success(let value): connection.values[key] = value
                case .failure(.missing): connection.values[key] = ""
                case .failure(let error): throw SwitchboardError.invalidValue(error.description)
                }
                connection.logs.append(logLine(.info, "config", "set \(key)"))
            }
            connection.revision += 1
            connection.outcome = .none
            connection.reason = nil
            stored[i].connections[c] = connection
            return detail(connection)
        }
    }

    package func logs(instance: String, variable: String, limit: Int) throws -> [LogLine] {
        try locked {
            let (i, c) = try locate(instance, variable)
            let lines = Array(stored[i].connections[c].logs.reversed().prefix(limit))
            guard role.isCustomer else { return lines }
            let connection = stored[i].connections[c]
            let redactor = HiddenFieldRedactor.customerView(of: FieldStates.compute(variable: connection.variable, stored: connection.values))
            return lines.map { line in
                var line = line
                line.message = redactor.redact(line.message)
                return line
            }
        }
    }

    package func testConnection(instance: String, variable: String) async throws -> WizardConnection {
        try locked {
            let (i, c) = try locate(instance, variable)
            var connection = stored[i].connections[c]
            guard connection.variable.connectionType.test != nil else {
                throw SwitchboardError.usage("\(variable) declares no test request")
            }
            let states = FieldStates.compute(variable: connection.variable, stored: connection.values)
            if let problem = states.compactMap(\.error).first {
                connection.outcome = .error
                connection.reason = "test failed: \(problem.description)"
                connection.logs.append(logLine(.error, "test", connection.reason ?? ""))
            } else {
                connection.outcome = .ok
                connection.reason = nil
                connection.logs.append(logLine(.info, "test", "test passed (HTTP 200)"))
            }
            stored[i].connections[c] = connection
            return detail(connection)
        }
    }

    package func saveDraft(_ draft: Draft) throws { locked { drafts[draft.instance] = draft } }
    package func loadDraft(instance: String) throws -> Draft? { locked { drafts[instance] } }
    package func deleteDraft(instance: String) throws { _ = locked { drafts.removeValue(forKey: instance) } }

    // MARK: What other processes do (for tests and the demo)

    /// Writes a log line as `switchboard run` or a refresher would.
    package func appendLog(instance: String, variable: String, level: LogLineLevel, source: String, message: String) throws {
        try locked {
            let (i, c) = try locate(instance, variable)
            stored[i].connections[c].logs.append(logLine(level, source, message))
        }
    }

    /// Another session saves: the revision moves on.
    package func simulateConcurrentSave(instance: String, variable: String, changes: [String: String]) throws {
        try locked {
            let (i, c) = try locate(instance, variable)
            for (key, value) in changes { stored[i].connections[c].values[key] = value }
            stored[i].connections[c].revision += 1
        }
    }

    /// Sets stored values directly (fixtures), without a revision check or log.
    package func seed(instance: String, variable: String, values: [String: String], outcome: ConnectionOutcome = .none,
                     reason: String? = nil) throws {
        try locked {
            let (i, c) = try locate(instance, variable)
            stored[i].connections[c].values.merge(values) { _, new in new }
            stored[i].connections[c].outcome = outcome
            stored[i].connections[c].reason = reason
        }
    }
}
