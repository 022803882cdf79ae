import Foundation

extension Store {
    /// Appends one log entry, stored as the team's text and its typed parts. `outside`
    /// parts (stderr, provider bodies) must have gone through `redactor(...)` first.
    func appendLog(_ db: any SQLConnection, instanceId: String, connectionId: Int64?, level: LogLevel, message: Message, source: String? = nil) throws {
        let record = LogEntryRecord(
            id: nil, instanceId: instanceId, connectionId: connectionId, time: now(), level: level,
            source: source ?? actor.source, user: actor.logUser, message: message.rendered(for: .team), parts: message.json)
        try record.insert(db)
    }


    /// A redactor for every secret the connection knows: secret field values, secret
    /// defaults and tokens.
    func redactor(_ db: any SQLConnection, connectionId: Int64, resolved: ResolvedIntegration, box: SecretBox) throws -> Redactor {
        var secrets = SecretDefaults.values(in: resolved)
        if let connection = try db.record(ConnectionRecord.self, "SELECT * FROM \"connection\" WHERE \"id\" = ?", [connectionId]),
           let variable = resolved.variable(connection.variable) {
            let stored = try storedValues(db, connectionId: connectionId, box: box)
            for field in variable.connectionType.fields where field.type.isSecret {
                if let value = stored[field.key] { secrets.append(value) }
            }
        }
        if let token = try db.record(TokenRecord.self, "SELECT * FROM \"token\" WHERE \"connectionId\" = ?", [connectionId]) {
            secrets += try StoredToken.decode(box.open(token.sealed)).secretValues
        }
        return Redactor(secrets: secrets)
    }

    /// Newest first. `before` is an entry id (paging: pass the last id you saw).
    package func logs(instance reference: String, variable: String? = nil, limit: Int = 50, before: Int64? = nil) throws -> [LogEntry] {
        guard limit > 0, limit <= 10_000 else { throw SwitchboardError.usage("--limit must be between 1 and 10000") }
        return try database.read { db in
            let instance = try findInstance(db, reference)
            var sql: String
            var arguments: SQLArguments
            if let variable {
                // A direct lookup: decoding the integration is only needed to explain a miss.
                let connectionId = try db.value(Int64.self, "SELECT \"id\" FROM \"connection\" WHERE \"instanceId\" = ? AND \"variable\" = ?", [instance.id, variable])
                guard let connectionId else {
                    let (_, resolved) = try integrationVersion(db, id: instance.integrationVersionId, box: nil)
                    _ = try resolveConnection(db, instance, resolved, variable: variable)
                    throw SwitchboardError.notFound("instance \(instance.name) has no connection '\(variable)'")
                }
                // The variable is a bound text (CAST: PostgreSQL gives a bare `?` in the select
                // list no type to return).
                sql = """
                    SELECT l."id", l."time", l."level", l."source", l."user", l."message", CAST(? AS TEXT) AS variable, l."parts"
                    FROM "logEntry" l WHERE l."connectionId" = ?
                    """
                arguments = [variable, connectionId]
            } else {
                sql = """
                    SELECT l."id", l."time", l."level", l."source", l."user", l."message", c."variable", l."parts" FROM "logEntry" l
                    LEFT JOIN "connection" c ON c."id" = l."connectionId" WHERE l."instanceId" = ?
                    """
                arguments = [instance.id]
            }
            if let before {
                sql += " AND l.\"id\" < ?"
                arguments += [before]
            }
            sql += " ORDER BY l.\"id\" DESC LIMIT ?"
            arguments += [limit]
            let isCustomer = actor.role.isCustomer
            var entries: [LogEntry] = []
            // The typed parts, kept only for a customer's rendering below.
            var parts: [String?] = []
            // By position, in the order both SELECTs above name the columns: a lookup by
            // name costs ~1,700 instructions a value (callgrind), a fifth of the listing.
            try db.forEachRow(sql, arguments) { row in
                entries.append(LogEntry(
                    id: try row.get(0), time: try row.get(1), instance: instance.name, variable: try row.get(6),
                    level: LogLevel(rawValue: try row.get(2)) ?? .info, source: try row.get(3), user: try row.get(4), message: try row.get(5)))
                if isCustomer { parts.append(try row.get(7)) }
            }
            if isCustomer {
                let redactors = try hiddenFieldRedactors(db, instance: instance)
                for index in entries.indices {
                    let applicable = entries[index].variable.flatMap { redactors[$0].map { [$0] } } ?? Array(redactors.values)
                    // Rendered from its parts for the customer; a row from before parts
                    // existed goes through the redactor as it always did.
                    if let message = Message.decode(json: parts[index]) {
                        entries[index].message = message.rendered(for: .customer(HiddenFieldRedactor(merging: applicable)))
                    } else {
                        for redactor in applicable { entries[index].message = redactor.redact(entries[index].message) }
                    }
                }
            }
            return entries
        }
    }

    /// Log lines are written for everyone and may name fields a customer must not see
    /// ("Client ID (clientId) set to ..."): per variable, a redactor over its hidden fields.
    func hiddenFieldRedactors(_ db: any SQLConnection, instance: InstanceRecord) throws -> [String: HiddenFieldRedactor] {
        let box = try secretBox(db)
        let (_, resolved) = try integrationVersion(db, id: instance.integrationVersionId, box: box)
        return try hiddenFieldRedactors(db, instance: instance, resolved: resolved, box: box)
    }

    /// The same, with the integration already opened (listings open each version once).
    func hiddenFieldRedactors(_ db: any SQLConnection, instance: InstanceRecord, resolved: ResolvedIntegration,
                              box: SecretBox) throws -> [String: HiddenFieldRedactor] {
        var result: [String: HiddenFieldRedactor] = [:]
        for connection in try db.records(ConnectionRecord.self, "SELECT * FROM \"connection\" WHERE \"instanceId\" = ? ORDER BY \"id\"", [instance.id]) {
            guard let variable = resolved.variable(connection.variable) else { continue }
            let redactor = try customerView(db, variable, connectionId: connection.id!, box: box)
            if !redactor.isEmpty { result[variable.key] = redactor }
        }
        return result
    }

    /// The redactor of one connection's hidden fields as they are stored now (empty when
    /// none is hidden, or the version no longer has its variable): an event's reason needs
    /// only its own connection's, and computing every connection's field states was a
    /// tenth of a failed refresh's CPU (perf).
    func hiddenFieldRedactor(_ db: any SQLConnection, instance: InstanceRecord, connection: ConnectionRecord) throws -> HiddenFieldRedactor {
        let box = try secretBox(db)
        let (_, resolved) = try integrationVersion(db, id: instance.integrationVersionId, box: box)
        // Without an id its stored values cannot be read: fail (the reason is withheld from
        // customers), never an empty redactor that would show them hidden values.
        guard let id = connection.id else { throw SwitchboardError.notFound("a connection without an id has no stored values") }
        guard let variable = resolved.variable(connection.variable) else { return HiddenFieldRedactor(hidden: []) }
        return try customerView(db, variable, connectionId: id, box: box)
    }

    /// What a customer may not see of one connection: its hidden fields over its stored values.
    private func customerView(_ db: any SQLConnection, _ variable: ResolvedVariable, connectionId: Int64, box: SecretBox) throws -> HiddenFieldRedactor {
        HiddenFieldRedactor.customerView(of: FieldStates.compute(variable: variable, stored: try storedValues(db, connectionId: connectionId, box: box)))
    }
}
