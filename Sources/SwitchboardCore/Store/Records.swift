import Foundation
import GRDB

// One record type per table (GRDB's recommended practices).

struct ComponentRecord: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "component"
    var key: String
    var label: String
    var definition: String
    var sealedSecrets: Data?
    var importedAt: String
    var importedBy: String
}

struct IntegrationVersionRecord: Codable, FetchableRecord, MutablePersistableRecord {
    static let databaseTableName = "integrationVersion"
    var id: Int64?
    var key: String
    var version: Int
    var name: String
    var definition: String
    var sealedSecrets: Data?
    var importedAt: String
    var importedBy: String

    enum Columns {
        static let key = Column("key")
        static let version = Column("version")
    }

    mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

struct CustomerRecord: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "customer"
    var name: String
    var createdAt: String
}

struct InstanceRecord: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "instance"
    var id: String
    var name: String
    var customer: String
    var integrationVersionId: Int64
    var createdAt: String
    var createdBy: String

    enum Columns {
        static let id = Column("id")
        static let name = Column("name")
        static let customer = Column("customer")
    }

    init(id: String, name: String, customer: String, integrationVersionId: Int64, createdAt: String, createdBy: String) {
        self.id = id
        self.name = name
        self.customer = customer
        self.integrationVersionId = integrationVersionId
        self.createdAt = createdAt
        self.createdBy = createdBy
    }

    /// Read column by column rather than through `Decodable`: every command looks an
    /// instance up first, and the decoder's run-time casts cost ~350,000 instructions on
    /// first use (callgrind, `logs`), more than the query.
    init(row: Row) throws {
        id = try row.decode(forColumn: "id")
        name = try row.decode(forColumn: "name")
        customer = try row.decode(forColumn: "customer")
        integrationVersionId = try row.decode(forColumn: "integrationVersionId")
        createdAt = try row.decode(forColumn: "createdAt")
        createdBy = try row.decode(forColumn: "createdBy")
    }
}

struct ConnectionRecord: Codable, FetchableRecord, MutablePersistableRecord {
    static let databaseTableName = "connection"
    var id: Int64?
    var instanceId: String
    var variable: String
    var component: String
    var connectionType: String
    var complete: Bool
    var outcome: ConnectionOutcome
    /// The team's rendering of `reasonParts` (or a reason written before parts existed).
    var reason: String?
    var reasonParts: String?
    var metadata: String?
    var revision: Int
    var updatedAt: String

    enum Columns {
        static let instanceId = Column("instanceId")
        static let variable = Column("variable")
    }

    mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }

    var status: ConnectionStatus { StatusRule.status(complete: complete, outcome: outcome) }

    /// Sets (or clears) the reason from typed parts: the team's text and the parts each
    /// audience renders from.
    mutating func setReason(_ message: Message?) {
        reason = message?.rendered(for: .team, limit: 500)
        reasonParts = message?.json
    }

    /// A reason whose parts are not typed: customers read it through the hidden-field
    /// redactor, as reasons always were.
    mutating func setReason(_ text: String?) {
        setReason(text.map { Message([.outside($0)]) })
    }

    /// A connection of a freshly deployed (or upgraded) instance: nothing stored, nothing happened.
    static func new(instanceId: String, variable: ResolvedVariable, now: String) -> ConnectionRecord {
        ConnectionRecord(
            id: nil, instanceId: instanceId, variable: variable.key, component: variable.component,
            connectionType: variable.connectionType.key, complete: false, outcome: .none, reason: nil,
            reasonParts: nil, metadata: nil, revision: 1, updatedAt: now)
    }
}

extension ConnectionRecord {
    // A connection row is written only through `Store.updateConnection`, which compares
    // the status before and after and records the change as an event. GRDB's plain writes
    // are hidden here so a new call site cannot skip that by accident.
    @available(*, unavailable, message: "use Store.updateConnection(_:_:), which records status changes as events")
    func update(_ db: Database) throws { fatalError("unavailable") }

    @available(*, unavailable, message: "use Store.updateConnection(_:_:), which records status changes as events")
    mutating func save(_ db: Database) throws { fatalError("unavailable") }

    /// The stored reason as typed parts (a reason from before parts existed as outside text).
    var reasonMessage: Message? {
        Message.decode(json: reasonParts) ?? reason.map { Message(outside: $0) }
    }
}

struct FieldValueRecord: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "fieldValue"
    var connectionId: Int64
    var key: String
    /// Plain value of a non-secret field.
    var value: String?
    /// AES-GCM sealed value of a secret field.
    var sealed: Data?
    var updatedAt: String
    var updatedBy: String

    enum Columns {
        static let connectionId = Column("connectionId")
    }
}

struct TokenRecord: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "token"
    var connectionId: Int64
    var sealed: Data
    var expiresAt: String?
    var obtainedAt: String
}

struct LogEntryRecord: Codable, FetchableRecord, MutablePersistableRecord {
    static let databaseTableName = "logEntry"
    var id: Int64?
    var instanceId: String
    var connectionId: Int64?
    var time: String
    var level: LogLevel
    var source: String
    var user: String
    /// The team's rendering (the only text of rows written before parts existed).
    var message: String
    /// `Message` parts as JSON; nil for rows written before parts existed.
    var parts: String?

    mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

struct ExecutionRecord: Codable, FetchableRecord, MutablePersistableRecord {
    static let databaseTableName = "execution"
    var id: Int64?
    var connectionId: Int64?
    var instanceId: String
    var step: String
    var command: String
    var exitCode: Int32?
    var outcome: String
    var startedAt: String
    var finishedAt: String?
    var user: String

    mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

struct DraftRecord: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "draft"
    var instanceId: String
    var user: String
    var sealed: Data
    var savedAt: String
}

struct ConnectionEventRecord: Codable, FetchableRecord, MutablePersistableRecord {
    static let databaseTableName = "connectionEvent"
    var id: Int64?
    var instanceId: String
    var connectionId: Int64?
    var variable: String
    var time: String
    var kind: ConnectionEvent.Kind
    var fromStatus: ConnectionStatus
    var toStatus: ConnectionStatus
    /// The team's rendering of `reasonParts`.
    var reason: String?
    var reasonParts: String?
    var source: String
    var user: String

    /// Characters of a reason, in every rendering (as a connection's reason).
    static let reasonLimit = 500

    mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}
