import SwitchboardCore

/// One instance as the home list and the wizard's step list show it.
public struct InstanceSummary: Hashable, Sendable, Codable {
    public var id: String
    /// `customer/integration`, unique.
    public var name: String
    public var customer: String
    public var integration: String
    public var version: Int
    public var connections: [ConnectionSummary]
    /// Whether unsaved input from an earlier session is waiting (shown as a marker).
    public var hasDraft: Bool

    public init(id: String, name: String, customer: String, integration: String, version: Int,
                connections: [ConnectionSummary], hasDraft: Bool = false) {
        self.id = id
        self.name = name
        self.customer = customer
        self.integration = integration
        self.version = version
        self.connections = connections
        self.hasDraft = hasDraft
    }
}

/// The first instances of the home list and how many there are in all (the first frame
/// needs no more; the whole list follows).
public struct InstancePage: Hashable, Sendable {
    public var instances: [InstanceSummary]
    public var total: Int

    public init(instances: [InstanceSummary], total: Int) {
        self.instances = instances
        self.total = total
    }
}

/// A connection config variable of an instance and its badge.
public struct ConnectionSummary: Hashable, Sendable, Codable {
    /// The config variable key, e.g. `crm`.
    public var variable: String
    /// What a person reads, e.g. `Acme CRM · OAuth 2.0`.
    public var label: String
    public var status: ConnectionStatus
    /// Why the status is what it is (the last error, or what is missing).
    public var reason: String?

    public init(variable: String, label: String, status: ConnectionStatus, reason: String? = nil) {
        self.variable = variable
        self.label = label
        self.status = status
        self.reason = reason
    }
}

public struct WizardIntegration: Hashable, Sendable, Codable {
    public var key: String
    public var name: String
    public var version: Int

    public init(key: String, name: String, version: Int) {
        self.key = key
        self.name = name
        self.version = version
    }
}

/// One connection of one instance, ready to edit (named apart from the core's `ConnectionDetail`).
public struct WizardConnection: Equatable, Sendable {
    public var variable: String
    public var label: String
    /// Every field in definition order; the wizard drops non-customer-visible ones in customer role.
    public var fields: [FieldState]
    /// Increases on every stored change; `save` compares it to refuse concurrent overwrites.
    public var revision: Int
    public var status: ConnectionStatus
    public var reason: String?
    /// OAuth 2.0 connection types need tokens (CONNECT) before they count as configured.
    public var needsTokens: Bool
    public var hasTokens: Bool
    /// The connection type declares a test request.
    public var canTest: Bool

    public init(variable: String, label: String, fields: [FieldState], revision: Int, status: ConnectionStatus,
                reason: String? = nil, needsTokens: Bool = false, hasTokens: Bool = false, canTest: Bool = false) {
        self.variable = variable
        self.label = label
        self.fields = fields
        self.revision = revision
        self.status = status
        self.reason = reason
        self.needsTokens = needsTokens
        self.hasTokens = hasTokens
        self.canTest = canTest
    }
}

/// The wizard's own copy of the core's log levels, so this module's API stays values-only.
public enum LogLineLevel: String, Hashable, Sendable, Codable, CaseIterable {
    case info, warning, error
}

public struct LogLine: Hashable, Sendable, Codable {
    /// ISO 8601 UTC, as the store writes it (`2025-01-31T12:00:00.000Z`).
    public var time: String
    public var level: LogLineLevel
    public var source: String
    public var user: String
    public var message: String

    public init(time: String, level: LogLineLevel, source: String, user: String, message: String) {
        self.time = time
        self.level = level
        self.source = source
        self.user = user
        self.message = message
    }
}

/// Unsaved form input of one instance: config variable → field key → typed value.
/// Codable so a store can keep it as one sealed JSON string.
public struct Draft: Hashable, Sendable, Codable {
    public var instance: String
    public var edits: [String: [String: String]]

    public init(instance: String, edits: [String: [String: String]]) {
        self.instance = instance
        self.edits = edits
    }

    public var isEmpty: Bool { edits.values.allSatisfy(\.isEmpty) }
    public var fieldCount: Int { edits.values.reduce(0) { $0 + $1.count } }
}
