import Foundation
import GRDB

package struct ConnectionStatusRow: Sendable, Codable, Equatable {
    package var variable: String
    package var component: String
    package var connection: String
    package var status: ConnectionStatus
    package var reason: String?
    package var expiresAt: String?
    package var updatedAt: String
    /// How token refresh is doing; nil without tokens.
    package var refresh: RefreshHealth? = nil
    /// The reason's typed parts, for rendering it to a customer; not part of any output.
    var reasonParts: String?
    /// The same for `refresh.lastError`.
    var lastErrorParts: String?

    enum CodingKeys: String, CodingKey { case variable, component, connection, status, reason, expiresAt, updatedAt }
}

package struct InstanceStatus: Sendable, Codable, Equatable {
    package var id: String
    package var name: String
    package var integration: String
    package var version: Int
    package var customer: String
    package var connections: [ConnectionStatusRow]
}

extension Store {
    /// Every instance in reach (or one), each with every connection's badge. One query;
    /// completeness is a stored column, so the team's listing never opens secrets (a
    /// customer's does for instances with a reason, see `redactReasonsForCustomer`).
    package func status(instance reference: String? = nil, filter: String? = nil) throws -> [InstanceStatus] {
        try database.read { db in
            var sql = Self.statusQuery(instances: "instance")
            var conditions: [String] = []
            var arguments: StatementArguments = []
            if let reference {
                let instance = try findInstance(db, reference)
                conditions.append("i.id = ?")
                arguments += [instance.id]
            }
            if let customer = actor.role.customerName {
                conditions.append("i.customer = ?")
                arguments += [customer]
            }
            if let filter, !filter.isEmpty {
                conditions.append("(i.name LIKE ? ESCAPE '\\' OR v.key LIKE ? ESCAPE '\\')")
                let like = "%" + filter.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%").replacingOccurrences(of: "_", with: "\\_") + "%"
                arguments += [like, like]
            }
            if !conditions.isEmpty { sql += " WHERE " + conditions.joined(separator: " AND ") }
            return try fetchStatuses(db, sql: sql, arguments: arguments)
        }
    }

    /// What both listings read, over the instances `instances` names (a table or a
    /// subquery), as `i`; conditions on it may follow. `fetchStatuses` reads the columns by
    /// these names. An instance whose steps use no connection still has its row (LEFT JOIN).
    static func statusQuery(instances: String) -> String {
        """
        SELECT i.id AS instanceId, i.name AS instanceName, i.customer AS customer,
               v.key AS integration, v.version AS version,
               c.variable AS variable, c.component AS component, c.connectionType AS connectionType,
               c.complete AS complete, c.outcome AS outcome, c.reason AS reason, t.expiresAt AS expiresAt,
               c.updatedAt AS updatedAt, c.reasonParts AS reasonParts, \(healthColumns("t"))
        FROM \(instances) i
        JOIN integrationVersion v ON v.id = i.integrationVersionId
        LEFT JOIN connection c ON c.instanceId = i.id
        LEFT JOIN token t ON t.connectionId = c.id
        """
    }

    /// Runs a `statusQuery` in name order and folds its rows (one per connection) into
    /// instances, reasons filtered for a customer.
    func fetchStatuses(_ db: Database, sql: String, arguments: StatementArguments) throws -> [InstanceStatus] {
        var result: [InstanceStatus] = []
        let rows = try Row.fetchCursor(db, sql: sql + " ORDER BY i.name, c.id", arguments: arguments)
        while let row = try rows.next() {
            let id: String = row["instanceId"]
            if result.last?.id != id {
                result.append(InstanceStatus(id: id, name: row["instanceName"], integration: row["integration"], version: row["version"],
                                             customer: row["customer"], connections: []))
            }
            // NULL when the instance has no connection at all.
            guard let variable: String = row["variable"] else { continue }
            let complete: Bool = row["complete"]
            let outcome = ConnectionOutcome(rawValue: row["outcome"]) ?? .none
            let health = Self.health(row)
            result[result.count - 1].connections.append(ConnectionStatusRow(
                variable: variable, component: row["component"], connection: row["connectionType"],
                status: StatusRule.status(complete: complete, outcome: outcome),
                reason: row["reason"], expiresAt: row["expiresAt"], updatedAt: row["updatedAt"], refresh: health?.0,
                reasonParts: row["reasonParts"], lastErrorParts: health?.lastError))
        }
        try redactReasonsForCustomer(db, &result)
        return result
    }

    /// In customer role, reasons lose what names a hidden field or shows its value, as log
    /// lines do. Only instances with a reason are opened, so the team's listing and a
    /// customer's healthy instances cost nothing extra.
    static let withheldReason = "(details withheld: they could not be checked for fields only the team sees)"

    func redactReasonsForCustomer(_ db: Database, _ statuses: inout [InstanceStatus]) throws {
        guard actor.role.isCustomer else { return }
        // Opened at most once per listing: the key check and each integration version.
        var box: Result<SecretBox, any Error>?
        var integrations: [Int64: ResolvedIntegration] = [:]
        func redactors(for id: String) throws -> [String: HiddenFieldRedactor]? {
            guard let instance = try InstanceRecord.fetchOne(db, key: id) else { return nil }
            if box == nil { box = Result { try secretBox(db) } }
            let opened = try box!.get()
            if integrations[instance.integrationVersionId] == nil {
                integrations[instance.integrationVersionId] = try integrationVersion(db, id: instance.integrationVersionId, box: opened).resolved
            }
            return try hiddenFieldRedactors(db, instance: instance, resolved: integrations[instance.integrationVersionId]!, box: opened)
        }
        for index in statuses.indices where statuses[index].connections.contains(where: { $0.reason != nil || $0.lastErrorParts != nil }) {
            // Reasons that cannot be checked (no master key here, say) are withheld rather
            // than shown or failing the whole listing.
            let redactors = try? redactors(for: statuses[index].id)
            for connection in statuses[index].connections.indices {
                if let parts = statuses[index].connections[connection].lastErrorParts {
                    let redactor = redactors.map { $0[statuses[index].connections[connection].variable] ?? HiddenFieldRedactor(hidden: []) }
                    statuses[index].connections[connection].refresh?.lastError = Self.customerText(parts, redactor: redactor)
                }
                guard let reason = statuses[index].connections[connection].reason else { continue }
                guard let redactors else {
                    statuses[index].connections[connection].reason = Self.withheldReason
                    continue
                }
                let redactor = redactors[statuses[index].connections[connection].variable] ?? HiddenFieldRedactor(hidden: [])
                if let message = Message.decode(json: statuses[index].connections[connection].reasonParts) {
                    statuses[index].connections[connection].reason = message.rendered(for: .customer(redactor))
                } else {
                    statuses[index].connections[connection].reason = redactor.redact(reason)
                }
            }
        }
    }
}
