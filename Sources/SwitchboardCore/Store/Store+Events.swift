import Foundation
import GRDB

// Writing events. A status is a function of the connection row alone (`complete`,
// `outcome`: see `StatusRule`), so every status change is a write of that row, and every
// such write goes through `updateConnection` (`ConnectionRecord` hides GRDB's `update`):
// the event is recorded in the same transaction as the change, by whichever process made
// it, and cannot be forgotten by a new call site. A status that changes only with time (a
// token passing its expiry) is not a stored fact; it shows up when a refresh or another
// write next touches the connection.

extension Store {
    /// Writes a connection row. A `.status` event is appended when the status differs from
    /// the stored one; a refresh event (`kind`) is appended whatever the status does, with
    /// the status before and after. `cause` says why (its outside parts already redacted);
    /// without one the row's own reason is used (an error's explanation).
    func updateConnection(_ db: Database, _ record: ConnectionRecord, event kind: ConnectionEvent.Kind = .status,
                          because cause: Message? = nil) throws {
        let before = try ConnectionRecord.fetchOne(db, key: record.id)?.status
        try Self.persist(record, db)
        guard let before, kind != .status || before != record.status else { return }
        try appendEvent(db, record, kind: kind, from: before, reason: cause ?? record.reasonMessage)
    }

    /// An event that changes no row of its own (a temporary refresh failure, a recovery):
    /// the connection's current status is both `from` and `to`.
    func appendEvent(_ db: Database, connectionId: Int64, kind: ConnectionEvent.Kind, reason: Message) throws {
        guard let record = try ConnectionRecord.fetchOne(db, key: connectionId) else { return }
        try appendEvent(db, record, kind: kind, from: record.status, reason: reason)
    }

    /// A connection replaced by an upgrade (its component or type changed): the old row
    /// is gone, the new one starts over; an event when that changes the status.
    func appendReplacement(_ db: Database, old: ConnectionRecord, new: ConnectionRecord, reason: Message) throws {
        guard old.status != new.status else { return }
        try appendEvent(db, new, kind: .status, from: old.status, reason: reason)
    }

    /// Whether the connection's latest refresh event is a failure, i.e. whether a refresh
    /// that works now is a recovery. Asked of the events rather than the failure counter,
    /// so failures the counter forgot (new values or a reconnect reset it) still get their
    /// end in the feed.
    func lastRefreshEventIsFailure(_ db: Database, connectionId: Int64) throws -> Bool {
        let kind = try String.fetchOne(db.cachedStatement(sql: """
            SELECT kind FROM connectionEvent WHERE connectionId = ? AND kind != ? ORDER BY id DESC LIMIT 1
            """), arguments: [connectionId, ConnectionEvent.Kind.status.rawValue])
        return kind == ConnectionEvent.Kind.refreshFailed.rawValue
    }

    private func appendEvent(_ db: Database, _ record: ConnectionRecord, kind: ConnectionEvent.Kind, from: ConnectionStatus, reason: Message?) throws {
        let reason = reason.map { freezingOutsideParts($0, db, record) }
        var event = ConnectionEventRecord(
            id: nil, instanceId: record.instanceId, connectionId: record.id, variable: record.variable, time: now(), kind: kind,
            fromStatus: from, toStatus: record.status, reason: reason?.rendered(for: .team, limit: ConnectionEventRecord.reasonLimit), reasonParts: reason?.json,
            source: actor.source, user: actor.logUser)
        try event.insert(db)
    }

    /// The reason with each outside part's customer copy made now, against the hidden
    /// fields of now: an event outlives the values it quotes, and a hidden value the team
    /// changes later must not show in an old event's reason. When the fields cannot be
    /// read, the customer's copy is withheld rather than guessed.
    private func freezingOutsideParts(_ message: Message, _ db: Database, _ record: ConnectionRecord) -> Message {
        guard message.parts.contains(where: { if case .outside = $0 { true } else { false } }) else { return message }
        let redactor: HiddenFieldRedactor? = try? InstanceRecord.fetchOne(db, key: record.instanceId).map {
            try hiddenFieldRedactors(db, instance: $0)[record.variable] ?? HiddenFieldRedactor(hidden: [])
        }
        return Message(message.parts.map { part in
            guard case .outside(let text) = part else { return part }
            return .perAudience(team: text, customer: redactor?.redact(text) ?? Self.withheldReason)
        })
    }

    /// GRDB's update, which `ConnectionRecord` hides from everyone else (in a generic
    /// context the protocol's method is the one called).
    private static func persist<Record: MutablePersistableRecord>(_ record: Record, _ db: Database) throws {
        try record.update(db)
    }
}
