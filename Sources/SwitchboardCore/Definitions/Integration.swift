/// An integration as written in YAML (SPEC §2), before its references are resolved.
package struct IntegrationDefinition: Codable, Sendable, Hashable {
    package var key: String
    package var name: String
    package var description: String?
    package var configVariables: [ConfigVariableDefinition]
    package var steps: [StepDefinition]

    package init(key: String, name: String, description: String? = nil, configVariables: [ConfigVariableDefinition] = [], steps: [StepDefinition] = []) {
        self.key = key
        self.name = name
        self.description = description
        self.configVariables = configVariables
        self.steps = steps
    }
}

package struct FieldOverride: Codable, Sendable, Hashable {
    package var defaultValue: String?
    package var customerVisible: Bool?

    package init(defaultValue: String? = nil, customerVisible: Bool? = nil) {
        self.defaultValue = defaultValue
        self.customerVisible = customerVisible
    }

    enum CodingKeys: String, CodingKey { case defaultValue = "default", customerVisible }
}

package struct ConfigVariableDefinition: Codable, Sendable, Hashable {
    package var key: String
    package var component: String
    /// Connection type key; nil means the component's first connection type.
    package var connection: String?
    package var fields: [String: FieldOverride]

    package init(key: String, component: String, connection: String? = nil, fields: [String: FieldOverride] = [:]) {
        self.key = key
        self.component = component
        self.connection = connection
        self.fields = fields
    }
}

package struct StepDefinition: Codable, Sendable, Hashable {
    package var key: String
    package var component: String
    package var action: String
    /// The config variable this step is bound to; nil = unbound (a shared one is found or created).
    package var connection: String?

    package init(key: String, component: String, action: String, connection: String? = nil) {
        self.key = key
        self.component = component
        self.action = action
        self.connection = connection
    }
}

/// An integration version with every reference resolved and the connection types it uses
/// snapshotted, so a later re-import of a component never breaks deployed instances.
package struct ResolvedIntegration: Codable, Sendable, Hashable {
    package var key: String
    package var name: String
    package var description: String?
    package var variables: [ResolvedVariable]
    package var steps: [StepDefinition]

    package init(key: String, name: String, description: String? = nil, variables: [ResolvedVariable], steps: [StepDefinition]) {
        self.key = key
        self.name = name
        self.description = description
        self.variables = variables
        self.steps = steps
    }

    package func variable(_ key: String) -> ResolvedVariable? { variables.first { $0.key == key } }
    package func step(_ key: String) -> StepDefinition? { steps.first { $0.key == key } }
}

package struct ResolvedVariable: Codable, Sendable, Hashable {
    package var key: String
    package var component: String
    package var componentLabel: String
    package var connectionType: ConnectionType
    package var overrides: [String: FieldOverride]

    package init(key: String, component: String, componentLabel: String, connectionType: ConnectionType, overrides: [String: FieldOverride] = [:]) {
        self.key = key
        self.component = component
        self.componentLabel = componentLabel
        self.connectionType = connectionType
        self.overrides = overrides
    }

    package func isCustomerVisible(_ fieldKey: String) -> Bool {
        overrides[fieldKey]?.customerVisible ?? true
    }

    /// The integration's default, else the component's.
    package func defaultValue(of field: FieldDefinition) -> String? {
        if field.type == .template { return field.defaultValue }
        return overrides[field.key]?.defaultValue ?? field.defaultValue
    }
}
