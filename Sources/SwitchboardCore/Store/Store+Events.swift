import Foundation

// Writing events. A status is a function of the connection row alone (`complete`,
// `outcome`: see `StatusRule`), so every status change is a write of that row, and every
// such write goes through `updateConnection` (`ConnectionRecord` hides the record's `update`):
// the event is recorded in the same transaction as the change, by whichever process made
// it, and cannot be forgotten by a new call site. A status that changes only with time (a
// token passing its expiry) is not a stored fact; it shows up when a refresh or another
// write next touches the connection.

extension Store {
    /// Writes a connection row. A `.status` event is appended when the status differs from
    /// the stored one; a refresh event (`kind`) is appended whatever the status does, with
    /// the status before and after. `cause` says why (its outside parts already redacted);
    /// without one the row's own reason is used (an error's explanation).
    func updateConnection(_ db: any SQLConnection, _ record: ConnectionRecord, event kind: ConnectionEvent.Kind = .status,
                          because cause: Message? = nil) throws {
        // The stored status needs only the two columns it is a function of.
        let before = try db.row("SELECT \"complete\", \"outcome\" FROM \"connection\" WHERE \"id\" = ?", [record.id]).map {
            StatusRule.status(complete: try $0.get(0), outcome: try $0.get(1))
        }
        try Self.persist(record, db)
        guard let before, kind != .status || before != record.status else { return }
        try appendEvent(db, record, kind: kind, from: before, reason: cause ?? record.reasonMessage)
    }

    /// An event that changes no row of its own (a temporary refresh failure, a recovery):
    /// the connection's current status is both `from` and `to`.
    func appendEvent(_ db: any SQLConnection, connectionId: Int64, kind: ConnectionEvent.Kind, reason: Message) throws {
        guard let record = try db.record(ConnectionRecord.self, "SELECT * FROM \"connection\" WHERE \"id\" = ?", [connectionId]) else { return }
        try appendEvent(db, record, kind: kind, from: record.status, reason: reason)
    }

    /// A connection replaced by an upgrade (its component or type changed): the old row
    /// is gone, the new one starts over; an event when that changes the status.
    func appendReplacement(_ db: any SQLConnection, old: ConnectionRecord, new: ConnectionRecord, reason: Message) throws {
        guard old.status != new.status else { return }
        try appendEvent(db, new, kind: .status, from: old.status, reason: reason)
    }

    private func appendEvent(_ db: any SQLConnection, _ record: ConnectionRecord, kind: ConnectionEvent.Kind, from: ConnectionStatus, reason: Message?) throws {
        let reason = reason.map { freezingOutsideParts($0, db, record) }
        let event = ConnectionEventRecord(
            id: nil, instanceId: record.instanceId, connectionId: record.id, variable: record.variable, time: now(), kind: kind,
            fromStatus: from, toStatus: record.status, reason: reason?.rendered(for: .team, limit: ConnectionEventRecord.reasonLimit), reasonParts: reason?.json,
            source: actor.source, user: actor.logUser)
        try event.insert(db)
    }

    /// The reason with each outside part's customer copy made now, against the hidden
    /// fields of now: an event outlives the values it quotes, and a hidden value the team
    /// changes later must not show in an old event's reason. When the fields cannot be
    /// read, the customer's copy is withheld rather than guessed.
    private func freezingOutsideParts(_ message: Message, _ db: any SQLConnection, _ record: ConnectionRecord) -> Message {
        guard message.parts.contains(where: { if case .outside = $0 { true } else { false } }) else { return message }
        let redactor: HiddenFieldRedactor? = try? db.record(InstanceRecord.self, "SELECT * FROM \"instance\" WHERE \"id\" = ?", [record.instanceId]).map {
            try hiddenFieldRedactor(db, instance: $0, connection: record)
        }
        return Message(message.parts.map { part in
            guard case .outside(let text) = part else { return part }
            return .perAudience(team: text, customer: redactor?.redact(text) ?? Self.withheldReason)
        })
    }

    /// The row's update, which `ConnectionRecord` hides from everyone else: every column
    /// but the key, by `id`. Columns the record does not carry (`discovery`) are left as
    /// they are. A row that is gone is an error, as the record's update made it.
    private static func persist(_ record: ConnectionRecord, _ db: any SQLConnection) throws {
        let changed = try db.execute("""
            UPDATE "connection" SET "instanceId" = ?, "variable" = ?, "component" = ?, "connectionType" = ?, "complete" = ?,
                "outcome" = ?, "reason" = ?, "reasonParts" = ?, "metadata" = ?, "revision" = ?, "updatedAt" = ?
            WHERE "id" = ?
            """, [record.instanceId, record.variable, record.component, record.connectionType, record.complete,
                 record.outcome, record.reason, record.reasonParts, record.metadata, record.revision, record.updatedAt,
                 record.id])
        guard changed > 0 else {
            throw SwitchboardError.database("database error: connection \(record.id.map(String.init) ?? "without an id") no longer exists")
        }
    }
}
