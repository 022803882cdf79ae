import Foundation

// One record type per table, read and written with the same SQL on both engines
// (`SQLRecord`, at the end of this file).

struct ComponentRecord: Sendable {
    static let tableName = "component"
    var key: String
    var label: String
    var definition: String
    var sealedSecrets: Data?
    var importedAt: String
    var importedBy: String
}

struct IntegrationVersionRecord: Sendable {
    static let tableName = "integrationVersion"
    var id: Int64?
    var key: String
    var version: Int
    var name: String
    var definition: String
    var sealedSecrets: Data?
    var importedAt: String
    var importedBy: String


}

struct CustomerRecord: Sendable {
    static let tableName = "customer"
    var name: String
    var createdAt: String
}

struct InstanceRecord: Sendable {
    static let tableName = "instance"
    var id: String
    var name: String
    var customer: String
    var integrationVersionId: Int64
    var createdAt: String
    var createdBy: String


    init(id: String, name: String, customer: String, integrationVersionId: Int64, createdAt: String, createdBy: String) {
        self.id = id
        self.name = name
        self.customer = customer
        self.integrationVersionId = integrationVersionId
        self.createdAt = createdAt
        self.createdBy = createdBy
    }
}

struct ConnectionRecord: Sendable {
    static let tableName = "connection"
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
    /// The stored reason as typed parts (a reason from before parts existed as outside text).
    var reasonMessage: Message? {
        Message.decode(json: reasonParts) ?? reason.map { Message(outside: $0) }
    }
}

struct FieldValueRecord: Sendable {
    static let tableName = "fieldValue"
    var connectionId: Int64
    var key: String
    /// Plain value of a non-secret field.
    var value: String?
    /// AES-GCM sealed value of a secret field.
    var sealed: Data?
    var updatedAt: String
    var updatedBy: String

}

struct TokenRecord: Sendable {
    static let tableName = "token"
    var connectionId: Int64
    var sealed: Data
    var expiresAt: String?
    var obtainedAt: String
}

struct LogEntryRecord: Sendable {
    static let tableName = "logEntry"
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

}

struct ExecutionRecord: Sendable {
    static let tableName = "execution"
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

}

struct DraftRecord: Sendable {
    static let tableName = "draft"
    var instanceId: String
    var user: String
    var sealed: Data
    var savedAt: String
}

struct ConnectionEventRecord: Sendable {
    static let tableName = "connectionEvent"
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

}

// MARK: - The records as rows of either engine

extension LogLevel: SQLTextEnum {}
extension ConnectionOutcome: SQLTextEnum {}
extension ConnectionStatus: SQLTextEnum {}
extension ConnectionEvent.Kind: SQLTextEnum {}

extension ComponentRecord: SQLRecord {
    static var primaryKey: [String] { ["key"] }
    init(row: SQLRow) throws {
        self.init(key: try row.get("key"), label: try row.get("label"), definition: try row.get("definition"),
                  sealedSecrets: try row.get("sealedSecrets"), importedAt: try row.get("importedAt"), importedBy: try row.get("importedBy"))
    }
    var columnValues: [(String, any SQLValueConvertible)] {
        [("key", key), ("label", label), ("definition", definition), ("sealedSecrets", sealedSecrets),
         ("importedAt", importedAt), ("importedBy", importedBy)]
    }
}

extension IntegrationVersionRecord: SQLRecord {
    static var primaryKey: [String] { ["id"] }
    init(row: SQLRow) throws {
        self.init(id: try row.get("id"), key: try row.get("key"), version: try row.get("version"), name: try row.get("name"),
                  definition: try row.get("definition"), sealedSecrets: try row.get("sealedSecrets"),
                  importedAt: try row.get("importedAt"), importedBy: try row.get("importedBy"))
    }
    var columnValues: [(String, any SQLValueConvertible)] {
        (id.map { [("id", $0 as any SQLValueConvertible)] } ?? []) +
        [("key", key), ("version", version), ("name", name), ("definition", definition),
         ("sealedSecrets", sealedSecrets), ("importedAt", importedAt), ("importedBy", importedBy)]
    }
}

extension CustomerRecord: SQLRecord {
    static var primaryKey: [String] { ["name"] }
    init(row: SQLRow) throws {
        self.init(name: try row.get("name"), createdAt: try row.get("createdAt"))
    }
    var columnValues: [(String, any SQLValueConvertible)] { [("name", name), ("createdAt", createdAt)] }
}

extension InstanceRecord: SQLRecord {
    static var primaryKey: [String] { ["id"] }
    init(row: SQLRow) throws {
        self.init(id: try row.get("id"), name: try row.get("name"), customer: try row.get("customer"),
                  integrationVersionId: try row.get("integrationVersionId"), createdAt: try row.get("createdAt"),
                  createdBy: try row.get("createdBy"))
    }
    var columnValues: [(String, any SQLValueConvertible)] {
        [("id", id), ("name", name), ("customer", customer), ("integrationVersionId", integrationVersionId),
         ("createdAt", createdAt), ("createdBy", createdBy)]
    }
}

extension ConnectionRecord: SQLRecord {
    static var primaryKey: [String] { ["id"] }
    init(row: SQLRow) throws {
        self.init(id: try row.get("id"), instanceId: try row.get("instanceId"), variable: try row.get("variable"),
                  component: try row.get("component"), connectionType: try row.get("connectionType"),
                  complete: try row.get("complete"), outcome: try row.get("outcome"), reason: try row.get("reason"),
                  reasonParts: try row.get("reasonParts"), metadata: try row.get("metadata"),
                  revision: try row.get("revision"), updatedAt: try row.get("updatedAt"))
    }
    var columnValues: [(String, any SQLValueConvertible)] {
        (id.map { [("id", $0 as any SQLValueConvertible)] } ?? []) +
        [("instanceId", instanceId), ("variable", variable), ("component", component), ("connectionType", connectionType),
         ("complete", complete), ("outcome", outcome), ("reason", reason), ("reasonParts", reasonParts),
         ("metadata", metadata), ("revision", revision), ("updatedAt", updatedAt)]
    }

    // A connection row is written only through `Store.updateConnection`, which compares
    // the status before and after and records the change as an event. `SQLRecord`'s plain
    // update is hidden here so a new call site cannot skip that by accident.
    @available(*, unavailable, message: "use Store.updateConnection(_:_:), which records status changes as events")
    func update(_ db: any SQLConnection) throws { fatalError("unavailable") }
}

extension FieldValueRecord: SQLRecord {
    static var primaryKey: [String] { ["connectionId", "key"] }
    init(row: SQLRow) throws {
        self.init(connectionId: try row.get("connectionId"), key: try row.get("key"), value: try row.get("value"),
                  sealed: try row.get("sealed"), updatedAt: try row.get("updatedAt"), updatedBy: try row.get("updatedBy"))
    }
    var columnValues: [(String, any SQLValueConvertible)] {
        [("connectionId", connectionId), ("key", key), ("value", value), ("sealed", sealed),
         ("updatedAt", updatedAt), ("updatedBy", updatedBy)]
    }
}

extension TokenRecord: SQLRecord {
    static var primaryKey: [String] { ["connectionId"] }
    init(row: SQLRow) throws {
        self.init(connectionId: try row.get("connectionId"), sealed: try row.get("sealed"),
                  expiresAt: try row.get("expiresAt"), obtainedAt: try row.get("obtainedAt"))
    }
    var columnValues: [(String, any SQLValueConvertible)] {
        [("connectionId", connectionId), ("sealed", sealed), ("expiresAt", expiresAt), ("obtainedAt", obtainedAt)]
    }
}

extension LogEntryRecord: SQLRecord {
    static var primaryKey: [String] { ["id"] }
    init(row: SQLRow) throws {
        self.init(id: try row.get("id"), instanceId: try row.get("instanceId"), connectionId: try row.get("connectionId"),
                  time: try row.get("time"), level: try row.get("level"), source: try row.get("source"),
                  user: try row.get("user"), message: try row.get("message"), parts: try row.get("parts"))
    }
    var columnValues: [(String, any SQLValueConvertible)] {
        (id.map { [("id", $0 as any SQLValueConvertible)] } ?? []) +
        [("instanceId", instanceId), ("connectionId", connectionId), ("time", time), ("level", level),
         ("source", source), ("user", user), ("message", message), ("parts", parts)]
    }
}

extension ExecutionRecord: SQLRecord {
    static var primaryKey: [String] { ["id"] }
    init(row: SQLRow) throws {
        self.init(id: try row.get("id"), connectionId: try row.get("connectionId"), instanceId: try row.get("instanceId"),
                  step: try row.get("step"), command: try row.get("command"), exitCode: try row.get("exitCode"),
                  outcome: try row.get("outcome"), startedAt: try row.get("startedAt"), finishedAt: try row.get("finishedAt"),
                  user: try row.get("user"))
    }
    var columnValues: [(String, any SQLValueConvertible)] {
        (id.map { [("id", $0 as any SQLValueConvertible)] } ?? []) +
        [("connectionId", connectionId), ("instanceId", instanceId), ("step", step), ("command", command),
         ("exitCode", exitCode), ("outcome", outcome), ("startedAt", startedAt), ("finishedAt", finishedAt), ("user", user)]
    }
}

extension DraftRecord: SQLRecord {
    static var primaryKey: [String] { ["instanceId", "user"] }
    init(row: SQLRow) throws {
        self.init(instanceId: try row.get("instanceId"), user: try row.get("user"), sealed: try row.get("sealed"), savedAt: try row.get("savedAt"))
    }
    var columnValues: [(String, any SQLValueConvertible)] {
        [("instanceId", instanceId), ("user", user), ("sealed", sealed), ("savedAt", savedAt)]
    }
}

extension ConnectionEventRecord: SQLRecord {
    static var primaryKey: [String] { ["id"] }
    init(row: SQLRow) throws {
        self.init(id: try row.get("id"), instanceId: try row.get("instanceId"), connectionId: try row.get("connectionId"),
                  variable: try row.get("variable"), time: try row.get("time"), kind: try row.get("kind"),
                  fromStatus: try row.get("fromStatus"), toStatus: try row.get("toStatus"), reason: try row.get("reason"),
                  reasonParts: try row.get("reasonParts"), source: try row.get("source"), user: try row.get("user"))
    }
    var columnValues: [(String, any SQLValueConvertible)] {
        (id.map { [("id", $0 as any SQLValueConvertible)] } ?? []) +
        [("instanceId", instanceId), ("connectionId", connectionId), ("variable", variable), ("time", time), ("kind", kind),
         ("fromStatus", fromStatus), ("toStatus", toStatus), ("reason", reason), ("reasonParts", reasonParts),
         ("source", source), ("user", user)]
    }
}
