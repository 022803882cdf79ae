import Foundation

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
        var result: [InstanceStatus] = []
        try forEachStatus(instance: reference, filter: filter) { result.append($0) }
        return result
    }

    /// The same listing handed over one instance at a time, in name order, as the rows
    /// arrive: memory stays that of one instance however large the store (`status --json`
    /// streams its output this way). `body` runs inside the read transaction.
    package func forEachStatus(instance reference: String? = nil, filter: String? = nil, _ body: (InstanceStatus) throws -> Void) throws {
        try database.read { db in
            var sql = Self.statusQuery(instances: "\"instance\"")
            var conditions: [String] = []
            var arguments: SQLArguments = []
            if let reference {
                let instance = try findInstance(db, reference)
                conditions.append("i.\"id\" = ?")
                arguments += [instance.id]
            }
            if let customer = actor.role.customerName {
                conditions.append("i.\"customer\" = ?")
                arguments += [customer]
            }
            if let filter, !filter.isEmpty {
                let (condition, values) = Self.nameOrIntegrationContains(filter, instance: "i", integration: "v")
                conditions.append(condition)
                arguments += values
            }
            if !conditions.isEmpty { sql += " WHERE " + conditions.joined(separator: " AND ") }
            try foldStatuses(db, sql: sql, arguments: arguments, body)
        }
    }

    /// The condition both listings filter by: the instance's name or its integration's key
    /// contains `filter`, case-insensitive on both engines (PostgreSQL's LIKE is not), the
    /// filter's own `%`, `_` and `\` taken literally.
    static func nameOrIntegrationContains(_ filter: String, instance: String, integration: String) -> (String, SQLArguments) {
        let like = "%" + filter.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%").replacingOccurrences(of: "_", with: "\\_") + "%"
        return ("(lower(\(instance).\"name\") LIKE lower(?) ESCAPE '\\' OR lower(\(integration).\"key\") LIKE lower(?) ESCAPE '\\')", [like, like])
    }

    /// What both listings read, over the instances `instances` names (a table or a
    /// subquery), as `i`; conditions on it may follow. `foldStatuses` reads the columns by
    /// position. An instance whose steps use no connection still has its row (LEFT JOIN).
    /// Where `statusQuery`'s `healthColumns` start.
    static let statusHealthBase = 14

    /// `foldStatuses` reads these columns by position: keep the order.
    static func statusQuery(instances: String) -> String {
        """
        SELECT i."id" AS "instanceId", i."name" AS "instanceName", i."customer" AS "customer",
               v."key" AS "integration", v."version" AS "version",
               c."variable" AS "variable", c."component" AS "component", c."connectionType" AS "connectionType",
               c."complete" AS "complete", c."outcome" AS "outcome", c."reason" AS "reason", t."expiresAt" AS "expiresAt",
               c."updatedAt" AS "updatedAt", c."reasonParts" AS "reasonParts", \(healthColumns("t"))
        FROM \(instances) i
        JOIN "integrationVersion" v ON v."id" = i."integrationVersionId"
        LEFT JOIN "connection" c ON c."instanceId" = i."id"
        LEFT JOIN "token" t ON t."connectionId" = c."id"
        """
    }

    /// Runs a `statusQuery` in name order and folds its rows (one per connection) into
    /// instances, reasons filtered for a customer.
    func fetchStatuses(_ db: any SQLConnection, sql: String, arguments: SQLArguments) throws -> [InstanceStatus] {
        var result: [InstanceStatus] = []
        try foldStatuses(db, sql: sql, arguments: arguments) { result.append($0) }
        return result
    }

    /// The fold itself: each instance goes to `body` once its last row has been read.
    func foldStatuses(_ db: any SQLConnection, sql: String, arguments: SQLArguments, _ body: (InstanceStatus) throws -> Void) throws {
        var current: InstanceStatus?
        var reasons = StatusRedactionCache()
        func finish() throws {
            guard var done = current else { return }
            try redactReasonsForCustomer(db, &done, caches: &reasons)
            try body(done)
        }
        // Read by position, in `statusQuery`'s column order (by name, each column name of
        // each row is looked up: a tenth of the listing's time), and streamed: memory stays
        // that of one instance.
        try db.forEachRow(sql + " ORDER BY i.\"name\", c.\"id\"", arguments) { row in
            let id: String = try row.get(0)
            if current?.id != id {
                try finish()
                current = InstanceStatus(id: id, name: try row.get(1), integration: try row.get(3), version: try row.get(4),
                                         customer: try row.get(2), connections: [])
            }
            // NULL when the instance has no connection at all.
            guard let variable = try row.get(5, as: String?.self) else { return }
            let complete: Bool = try row.get(8)
            let outcome = ConnectionOutcome(rawValue: try row.get(9)) ?? .none
            let health = try Self.health(row, at: Self.statusHealthBase)
            current?.connections.append(ConnectionStatusRow(
                variable: variable, component: try row.get(6), connection: try row.get(7),
                status: StatusRule.status(complete: complete, outcome: outcome),
                reason: try row.get(10), expiresAt: try row.get(11), updatedAt: try row.get(12), refresh: health?.0,
                reasonParts: try row.get(13), lastErrorParts: health?.lastError))
        }
        try finish()
    }

    /// What a customer's listing opens at most once: the key check and each integration version.
    struct StatusRedactionCache {
        var box: Result<SecretBox, any Error>?
        var integrations: [Int64: ResolvedIntegration] = [:]
    }

    /// In customer role, reasons lose what names a hidden field or shows its value, as log
    /// lines do. Only instances with a reason are opened, so the team's listing and a
    /// customer's healthy instances cost nothing extra.
    static let withheldReason = "(details withheld: they could not be checked for fields only the team sees)"

    func redactReasonsForCustomer(_ db: any SQLConnection, _ status: inout InstanceStatus, caches: inout StatusRedactionCache) throws {
        guard actor.role.isCustomer, status.connections.contains(where: { $0.reason != nil || $0.lastErrorParts != nil }) else { return }
        func redactors(for id: String) throws -> [String: HiddenFieldRedactor]? {
            guard let instance = try db.record(InstanceRecord.self, "SELECT * FROM \"instance\" WHERE \"id\" = ?", [id]) else { return nil }
            if caches.box == nil { caches.box = Result { try secretBox(db) } }
            let opened = try caches.box!.get()
            if caches.integrations[instance.integrationVersionId] == nil {
                caches.integrations[instance.integrationVersionId] = try integrationVersion(db, id: instance.integrationVersionId, box: opened).resolved
            }
            return try hiddenFieldRedactors(db, instance: instance, resolved: caches.integrations[instance.integrationVersionId]!, box: opened)
        }
        // Reasons that cannot be checked (no master key here, say) are withheld rather than
        // shown or failing the whole listing.
        let redactors = try? redactors(for: status.id)
        for index in status.connections.indices {
            var connection = status.connections[index]
            let redactor = redactors.map { $0[connection.variable] ?? HiddenFieldRedactor(hidden: []) }
            if let parts = connection.lastErrorParts {
                connection.refresh?.lastError = Self.customerText(parts, redactor: redactor)
            }
            if let reason = connection.reason {
                if let redactor {
                    connection.reason = Message.decode(json: connection.reasonParts).map { $0.rendered(for: .customer(redactor)) } ?? redactor.redact(reason)
                } else {
                    connection.reason = Self.withheldReason
                }
            }
            status.connections[index] = connection
        }
    }
}
