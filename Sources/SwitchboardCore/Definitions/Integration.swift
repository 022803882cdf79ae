/// An integration as written in YAML (SPEC §2), before its references are resolved.
public struct IntegrationDefinition: Codable, Sendable, Hashable {
    public var key: String
    public var name: String
    public var description: String?
    public var configVariables: [ConfigVariableDefinition]
    public var steps: [StepDefinition]

    public init(key: String, name: String, description: String? = nil, configVariables: [ConfigVariableDefinition] = [], steps: [StepDefinition] = []) {
        self.key = key
        self.name = name
        self.description = description
        self.configVariables = configVariables
        self.steps = steps
    }
}

public struct FieldOverride: Codable, Sendable, Hashable {
    public var defaultValue: String?
    public var customerVisible: Bool?

    public init(defaultValue: String? = nil, customerVisible: Bool? = nil) {
        self.defaultValue = defaultValue
        self.customerVisible = customerVisible
    }

    enum CodingKeys: String, CodingKey { case defaultValue = "default", customerVisible }
}

public struct ConfigVariableDefinition: Codable, Sendable, Hashable {
    public var key: String
    public var component: String
    /// Connection type key; nil means the component's first connection type.
    public var connection: String?
    public var fields: [String: FieldOverride]

    public init(key: String, component: String, connection: String? = nil, fields: [String: FieldOverride] = [:]) {
        self.key = key
        self.component = component
        self.connection = connection
        self.fields = fields
    }
}

public struct StepDefinition: Codable, Sendable, Hashable {
    public var key: String
    public var component: String
    public var action: String
    /// The config variable this step is bound to; nil = unbound (a shared one is found or created).
    public var connection: String?

    public init(key: String, component: String, action: String, connection: String? = nil) {
        self.key = key
        self.component = component
        self.action = action
        self.connection = connection
    }
}

/// An integration version with every reference resolved and the connection types it uses
/// snapshotted, so a later re-import of a component never breaks deployed instances.
public struct ResolvedIntegration: Codable, Sendable, Hashable {
    public var key: String
    public var name: String
    public var description: String?
    public var variables: [ResolvedVariable]
    public var steps: [StepDefinition]

    public init(key: String, name: String, description: String? = nil, variables: [ResolvedVariable], steps: [StepDefinition]) {
        self.key = key
        self.name = name
        self.description = description
        self.variables = variables
        self.steps = steps
    }

    public func variable(_ key: String) -> ResolvedVariable? { variables.first { $0.key == key } }
    public func step(_ key: String) -> StepDefinition? { steps.first { $0.key == key } }
}

public struct ResolvedVariable: Codable, Sendable, Hashable {
    public var key: String
    public var component: String
    public var componentLabel: String
    public var connectionType: ConnectionType
    public var overrides: [String: FieldOverride]

    public init(key: String, component: String, componentLabel: String, connectionType: ConnectionType, overrides: [String: FieldOverride] = [:]) {
        self.key = key
        self.component = component
        self.componentLabel = componentLabel
        self.connectionType = connectionType
        self.overrides = overrides
    }

    public func isCustomerVisible(_ fieldKey: String) -> Bool {
        overrides[fieldKey]?.customerVisible ?? true
    }

    /// The integration's default, else the component's.
    public func defaultValue(of field: FieldDefinition) -> String? {
        if field.type == .template { return field.defaultValue }
        return overrides[field.key]?.defaultValue ?? field.defaultValue
    }
}
