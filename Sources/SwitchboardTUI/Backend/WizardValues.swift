import SwitchboardCore

/// One instance as the home list and the wizard's step list show it.
package struct InstanceSummary: Hashable, Sendable, Codable {
    package var id: String
    /// `customer/integration`, unique.
    package var name: String
    package var customer: String
    package var integration: String
    package var version: Int
    package var connections: [ConnectionSummary]
    /// Whether unsaved input from an earlier session is waiting (shown as a marker).
    package var hasDraft: Bool

    package init(id: String, name: String, customer: String, integration: String, version: Int,
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

/// A window of the home list: rows from `offset` among the instances matching the filter
/// it was asked with, how many match, and how many there are in all.
package struct InstancePage: Hashable, Sendable {
    package var instances: [InstanceSummary]
    /// Every instance in reach.
    package var total: Int
    /// The instances matching the filter (`total` without one).
    package var matching: Int
    /// Where `instances` starts among the matching instances, in name order.
    package var offset: Int
    /// An instance in reach (any, not only one of these rows) with unsaved input, by name.
    package var waitingDraft: String?

    package init(instances: [InstanceSummary], total: Int, matching: Int? = nil, offset: Int = 0, waitingDraft: String? = nil) {
        self.instances = instances
        self.total = total
        self.matching = matching ?? total
        self.offset = offset
        self.waitingDraft = waitingDraft ?? instances.first(where: \.hasDraft)?.name
    }
}

/// What the home list asks for: `limit` rows from `offset` among the instances whose name
/// or integration contains `filter` (case-insensitive), or, with `around`, the rows around
/// where the instance of that name sorts. `id` tells a late answer from the current one.
package struct InstancePageRequest: Hashable, Sendable {
    package var id: Int
    package var offset: Int
    package var limit: Int
    package var filter: String
    package var around: String?

    package init(id: Int, offset: Int = 0, limit: Int, filter: String = "", around: String? = nil) {
        self.id = id
        self.offset = offset
        self.limit = limit
        self.filter = filter
        self.around = around
    }
}

/// A connection config variable of an instance and its badge.
package struct ConnectionSummary: Hashable, Sendable, Codable {
    /// The config variable key, e.g. `crm`.
    package var variable: String
    /// What a person reads, e.g. `Acme CRM · OAuth 2.0`.
    package var label: String
    package var status: ConnectionStatus
    /// Why the status is what it is (the last error, or what is missing).
    package var reason: String?
    /// How token refresh is doing, for OAuth connections with tokens: with the summary,
    /// so the periodic refresh of the open instance keeps it current.
    package var refresh: RefreshHealth?

    package init(variable: String, label: String, status: ConnectionStatus, reason: String? = nil, refresh: RefreshHealth? = nil) {
        self.variable = variable
        self.label = label
        self.status = status
        self.reason = reason
        self.refresh = refresh
    }
}

package struct WizardIntegration: Hashable, Sendable, Codable {
    package var key: String
    package var name: String
    package var version: Int

    package init(key: String, name: String, version: Int) {
        self.key = key
        self.name = name
        self.version = version
    }
}

/// One connection of one instance, ready to edit (named apart from the core's `ConnectionDetail`).
package struct WizardConnection: Equatable, Sendable {
    package var variable: String
    package var label: String
    /// Every field in definition order; the wizard drops non-customer-visible ones in customer role.
    package var fields: [FieldState]
    /// Increases on every stored change; `save` compares it to refuse concurrent overwrites.
    package var revision: Int
    package var status: ConnectionStatus
    package var reason: String?
    /// OAuth 2.0 connection types need tokens (CONNECT) before they count as configured.
    package var needsTokens: Bool
    package var hasTokens: Bool
    /// The connection type declares a test request.
    package var canTest: Bool
    /// The scopes the provider granted, shown beside the CONNECT button.
    package var grantedScopes: String? = nil

    package init(variable: String, label: String, fields: [FieldState], revision: Int, status: ConnectionStatus,
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
package enum LogLineLevel: String, Hashable, Sendable, Codable, CaseIterable {
    case info, warning, error
}

package struct LogLine: Hashable, Sendable, Codable {
    /// ISO 8601 UTC, as the store writes it (`2025-01-31T12:00:00.000Z`).
    package var time: String
    package var level: LogLineLevel
    package var source: String
    package var user: String
    package var message: String

    package init(time: String, level: LogLineLevel, source: String, user: String, message: String) {
        self.time = time
        self.level = level
        self.source = source
        self.user = user
        self.message = message
    }
}

/// Unsaved form input of one instance: config variable → field key → typed value.
/// Codable so a store can keep it as one sealed JSON string.
package struct Draft: Hashable, Sendable, Codable {
    package var instance: String
    package var edits: [String: [String: String]]

    package init(instance: String, edits: [String: [String: String]]) {
        self.instance = instance
        self.edits = edits
    }

    package var isEmpty: Bool { edits.values.allSatisfy(\.isEmpty) }
    package var fieldCount: Int { edits.values.reduce(0) { $0 + $1.count } }
}
