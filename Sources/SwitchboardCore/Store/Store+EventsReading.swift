import Foundation

extension Store {
    /// Events with an id above `after`, oldest first, at most `limit`: those of the
    /// reader's instances only (a customer's own), reasons rendered for the reader's role.
    /// Page on by passing the last id seen; ids follow commit order, so a reader that does
    /// misses nothing and repeats nothing.
    package func events(after: Int64 = 0, _ filter: EventFilter = EventFilter(), limit: Int = 500) throws -> [ConnectionEvent] {
        guard after >= 0 else { throw SwitchboardError.usage("--since must be an event id (a whole number, 0 or more) or 'now'") }
        guard limit > 0, limit <= 10_000 else { throw SwitchboardError.usage("--limit must be between 1 and 10000") }
        return try database.read { db in
            var sql = """
                SELECT e."id", e."time", e."instanceId", i."name" AS instance, i."customer", e."variable", e."kind", e."fromStatus",
                       e."toStatus", e."reason", e."reasonParts", e."source", e."user"
                FROM "connectionEvent" e JOIN "instance" i ON i."id" = e."instanceId"
                WHERE e."id" > ?
                """
            var arguments: SQLArguments = [after]
            if let reference = filter.instance {
                let instance = try narrowing(db, to: reference, variable: filter.variable)
                sql += " AND e.\"instanceId\" = ?"
                arguments += [instance.id]
                if let variable = filter.variable {
                    sql += " AND e.\"variable\" = ?"
                    arguments += [variable]
                }
            } else if let customer = actor.role.customerName {
                sql += " AND i.\"customer\" = ?"
                arguments += [customer]
            }
            sql += " ORDER BY e.\"id\" LIMIT ?"
            arguments += [limit]
            let rows = try db.rows(sql, arguments)
            var reasons = CustomerReasons(store: self)
            return try rows.map { row in
                let parts: String? = try row.get("reasonParts")
                let instanceId: String = try row.get("instanceId")
                let variable: String = try row.get("variable")
                let text: String? = try row.get("reason")
                let reason: String? = try actor.role.isCustomer
                    ? reasons.render(db, instanceId: instanceId, variable: variable, parts: parts, text: text)
                    : text
                return ConnectionEvent(
                    id: try row.get("id"), time: try row.get("time"), instanceId: instanceId, instance: try row.get("instance"),
                    customer: try row.get("customer"), variable: variable,
                    kind: ConnectionEvent.Kind(rawValue: try row.get("kind", as: String.self)) ?? .status,
                    from: ConnectionStatus(rawValue: try row.get("fromStatus", as: String.self)) ?? .unconfigured,
                    to: ConnectionStatus(rawValue: try row.get("toStatus", as: String.self)) ?? .unconfigured,
                    reason: reason, source: try row.get("source"), user: try row.get("user"))
            }
        }
    }

    /// The newest event's id in the reader's reach (0 when there is none): where a reader
    /// that wants only what happens from now on starts (`--since now`).
    package func latestEventId() throws -> Int64 {
        try database.read { db in
            var sql = "SELECT MAX(e.\"id\") FROM \"connectionEvent\" e"
            var arguments: SQLArguments = []
            if let customer = actor.role.customerName {
                sql += " JOIN \"instance\" i ON i.\"id\" = e.\"instanceId\" WHERE i.\"customer\" = ?"
                arguments += [customer]
            }
            return try db.value(Int64.self, sql, arguments) ?? 0
        }
    }
}

/// A customer's rendering of event reasons. Outside parts get their customer copy when the
/// event is written (`Store.freezingOutsideParts`), against the hidden values of that
/// moment; a reason that still has outside parts is checked against today's hidden fields,
/// opened at most once per instance.
private struct CustomerReasons {
    let store: Store
    var redactors: [String: [String: HiddenFieldRedactor]] = [:]

    mutating func render(_ db: any SQLConnection, instanceId: String, variable: String, parts: String?, text: String?) throws -> String? {
        guard let message = Message.decode(json: parts) else {
            return try text.map { try redactor(db, instanceId, variable).redact($0) }
        }
        let needsRedactor = message.parts.contains { if case .outside = $0 { true } else { false } }
        let audience = Message.Audience.customer(needsRedactor ? try redactor(db, instanceId, variable) : HiddenFieldRedactor(hidden: []))
        return message.rendered(for: audience, limit: ConnectionEventRecord.reasonLimit)
    }

    private mutating func redactor(_ db: any SQLConnection, _ instanceId: String, _ variable: String) throws -> HiddenFieldRedactor {
        if redactors[instanceId] == nil {
            guard let instance = try db.record(InstanceRecord.self, "SELECT * FROM \"instance\" WHERE \"id\" = ?", [instanceId]) else {
                return HiddenFieldRedactor(hidden: [])
            }
            redactors[instanceId] = try store.hiddenFieldRedactors(db, instance: instance)
        }
        return redactors[instanceId]?[variable] ?? HiddenFieldRedactor(hidden: [])
    }
}
