import Foundation

/// Definitions may carry defaults for secret fields (an integration's client secret).
/// They are moved out of the stored definition JSON into a sealed map, so no secret is
/// ever stored in plain text (SPEC §9), and put back when the definition is loaded.
enum SecretDefaults {
    static func extract(from integration: inout ResolvedIntegration) -> [String: String] {
        var secrets: [String: String] = [:]
        for v in integration.variables.indices {
            var variable = integration.variables[v]
            for f in variable.connectionType.fields.indices where variable.connectionType.fields[f].type.isSecret {
                let key = variable.connectionType.fields[f].key
                if let value = variable.connectionType.fields[f].defaultValue {
                    secrets["\(variable.key).\(key).component"] = value
                    variable.connectionType.fields[f].defaultValue = nil
                }
                if let value = variable.overrides[key]?.defaultValue {
                    secrets["\(variable.key).\(key).override"] = value
                    variable.overrides[key]?.defaultValue = nil
                }
            }
            integration.variables[v] = variable
        }
        return secrets
    }

    static func restore(into integration: inout ResolvedIntegration, _ secrets: [String: String]) {
        guard !secrets.isEmpty else { return }
        for v in integration.variables.indices {
            var variable = integration.variables[v]
            for f in variable.connectionType.fields.indices {
                let key = variable.connectionType.fields[f].key
                if let value = secrets["\(variable.key).\(key).component"] {
                    variable.connectionType.fields[f].defaultValue = value
                }
                if let value = secrets["\(variable.key).\(key).override"] {
                    variable.overrides[key, default: FieldOverride()].defaultValue = value
                }
            }
            integration.variables[v] = variable
        }
    }

    static func extract(from component: inout Component) -> [String: String] {
        var secrets: [String: String] = [:]
        for c in component.connections.indices {
            for f in component.connections[c].fields.indices where component.connections[c].fields[f].type.isSecret {
                if let value = component.connections[c].fields[f].defaultValue {
                    secrets["\(component.connections[c].key).\(component.connections[c].fields[f].key)"] = value
                    component.connections[c].fields[f].defaultValue = nil
                }
            }
        }
        return secrets
    }

    static func restore(into component: inout Component, _ secrets: [String: String]) {
        guard !secrets.isEmpty else { return }
        for c in component.connections.indices {
            for f in component.connections[c].fields.indices {
                if let value = secrets["\(component.connections[c].key).\(component.connections[c].fields[f].key)"] {
                    component.connections[c].fields[f].defaultValue = value
                }
            }
        }
    }

    /// Every secret value in a resolved integration, for the redactor.
    static func values(in integration: ResolvedIntegration) -> [String] {
        integration.variables.flatMap { variable in
            variable.connectionType.fields.filter(\.type.isSecret).flatMap { field in
                [field.defaultValue, variable.overrides[field.key]?.defaultValue].compactMap { $0 }
            }
        }
    }
}
