/// Cross-reference and value checks for definitions, and resolution of an integration
/// against the components it uses. Pure: the caller supplies every known component.
package enum DefinitionValidator {
    package static func validate(_ located: Located<Component>) throws {
        let component = located.value
        // The error names the line of the part it is about (a field, a test), not the
        // document's first line.
        func fail(_ context: String?, _ message: String) -> SwitchboardError {
            .definition(file: located.file, line: located.line(of: context),
                        message: "component \(component.key): " + (context.map { "\($0): " } ?? "") + message)
        }
        if let dup = firstDuplicate(component.actions) { throw fail(nil, "duplicate action '\(dup)'") }
        if let dup = firstDuplicate(component.connections.map(\.key)) { throw fail(nil, "duplicate connection key '\(dup)'") }
        for type in component.connections {
            let context = "connection \(type.key)"
            if let dup = firstDuplicate(type.fields.map(\.key)) { throw fail(context, "duplicate field key '\(dup)'") }
            let keys = Set(type.fields.map(\.key))
            for field in type.fields {
                let fctx = "\(context), field \(field.key)"
                if let pattern = field.pattern, !FieldValidator.isValidPattern(pattern) {
                    throw fail(fctx, "'pattern' is not a valid regular expression")
                }
                switch field.type {
                case .template:
                    guard let template = field.defaultValue, !template.isEmpty else {
                        throw fail(fctx, "a template field needs its template in 'default'")
                    }
                    for name in field.templateReferences where !keys.contains(name) || name == field.key {
                        throw fail(fctx, "template refers to unknown field '\(name)'")
                    }
                case .picklist:
                    if field.choices.isEmpty { throw fail(fctx, "a picklist needs 'choices'") }
                    if let dup = firstDuplicate(field.choices.map(\.value)) { throw fail(fctx, "duplicate choice '\(dup)'") }
                default:
                    if !field.choices.isEmpty { throw fail(fctx, "only picklist fields take 'choices'") }
                }
                if field.type != .template, let value = field.defaultValue, !value.isEmpty,
                   let problem = FieldValidator.validate(value, for: field, label: "default of \(field.key)") {
                    throw fail(fctx, "\(problem)")
                }
            }
            if let oauth = type.oauth2 {
                // An `issuer` field stands for the endpoints its metadata gives (RFC 8414).
                let discoverable: Set<String> = keys.contains("issuer") ? ["authorizeUrl", "tokenUrl"] : []
                for required in oauth.requiredFieldKeys where !keys.contains(required) && !discoverable.contains(required) {
                    throw fail(context, "an OAuth 2.0 \(oauth.grant.rawValue) connection needs a '\(required)' field")
                }
                for label in oauth.labels.keys where !keys.contains(label) {
                    throw fail(context, "'labels' names unknown field '\(label)'")
                }
                if oauth.grant == .deviceCode, oauth.deviceAuthorizationUrl == nil, !keys.contains("deviceAuthorizationUrl"), !keys.contains("issuer") {
                    throw fail(context, "a device_code connection needs 'deviceAuthorizationUrl'")
                }
                if let clash = oauth.lookup?.keep.keys.sorted().first(where: keys.contains) {
                    throw fail(context, "lookup: keep: '\(clash)' is a field of the connection; a kept value needs a name of its own")
                }
                if let url = oauth.deviceAuthorizationUrl {
                    let references = Template.references(in: url)
                    if let unknown = references.first(where: { !keys.contains($0) }) {
                        throw fail(context, "deviceAuthorizationUrl refers to unknown field '\(unknown)'")
                    }
                    if references.isEmpty, let problem = FieldValidator.urlProblem(url) {
                        throw fail(context, "deviceAuthorizationUrl \(problem)")
                    }
                }
            }
            if let test = type.test {
                let known = keys.union(["access_token"]).union(type.oauth2?.metadataKeys ?? [])
                for name in Template.references(in: test.url + test.headers.values.joined() + (test.body ?? "")) where !known.contains(name) {
                    throw fail("\(context), test", "refers to unknown field '\(name)'")
                }
                // Whoever completes the browser step writes the callback (a pasted URL is
                // typed): its values may sit in a path, never decide the host.
                if let name = Template.authorityReferences(in: test.url).first(where: { type.oauth2?.callbackMetadata.contains($0) == true }) {
                    throw fail("\(context), test", "the test URL's host may not come from callback metadata '\(name)': the callback is written by whoever completes the browser step")
                }
            }
        }
    }

    /// Resolves an integration: binds unbound steps to a shared config variable (creating one
    /// per component when none exists) and checks every rule of SPEC §2.
    package static func resolve(_ located: Located<IntegrationDefinition>, components: (String) -> Component?) throws -> ResolvedIntegration {
        let integration = located.value
        func fail(_ context: String?, _ message: String) -> SwitchboardError {
            .definition(file: located.file, line: located.line(of: context),
                        message: "integration \(integration.key): " + (context.map { "\($0): " } ?? "") + message)
        }
        if let dup = firstDuplicate(integration.configVariables.map(\.key)) { throw fail(nil, "duplicate config variable '\(dup)'") }
        if let dup = firstDuplicate(integration.steps.map(\.key)) { throw fail(nil, "duplicate step '\(dup)'") }
        var variables: [ResolvedVariable] = []
        for definition in integration.configVariables {
            let context = "variable \(definition.key)"
            guard let component = components(definition.component) else {
                throw fail(context, "unknown component '\(definition.component)'")
            }
            guard let type = definition.connection.map({ component.connectionType($0) }) ?? component.connections.first else {
                if let name = definition.connection {
                    throw fail(context, "component \(component.key) has no connection type '\(name)' (has: \(component.connections.map(\.key).joined(separator: ", ")))")
                }
                throw fail(context, "component \(component.key) declares no connection types")
            }
            for (fieldKey, override) in definition.fields {
                guard let field = type.field(fieldKey) else {
                    throw fail(context, "unknown field '\(fieldKey)' (connection \(type.key) has: \(type.fields.map(\.key).joined(separator: ", ")))")
                }
                if field.type == .template, override.defaultValue != nil {
                    throw fail("\(context), field \(fieldKey)", "a template field is derived and takes no default")
                }
                if let value = override.defaultValue, !value.isEmpty,
                   let problem = FieldValidator.validate(value, for: field, label: "default of \(fieldKey)") {
                    throw fail("\(context), field \(fieldKey)", "\(problem)")
                }
            }
            let variable = ResolvedVariable(
                key: definition.key, component: component.key, componentLabel: component.label,
                connectionType: type, overrides: definition.fields)
            for field in type.fields where !variable.isCustomerVisible(field.key) && field.type != .template {
                if (variable.defaultValue(of: field) ?? "").isEmpty {
                    throw fail("\(context), field \(field.key)", "a field that is not customer visible must have a default")
                }
            }
            variables.append(variable)
        }
        var steps: [StepDefinition] = []
        for var step in integration.steps {
            let context = "step \(step.key)"
            guard let component = components(step.component) else {
                throw fail(context, "unknown component '\(step.component)'")
            }
            if !component.actions.isEmpty, !component.actions.contains(step.action) {
                throw fail(context, "component \(component.key) has no action '\(step.action)' (has: \(component.actions.joined(separator: ", ")))")
            }
            if let bound = step.connection {
                guard let variable = variables.first(where: { $0.key == bound }) else {
                    throw fail(context, "unknown config variable '\(bound)'")
                }
                guard variable.component == step.component else {
                    throw fail(context, "bound to variable '\(bound)' of component \(variable.component), but the step uses \(step.component)")
                }
            } else if !component.connections.isEmpty {
                if let shared = variables.first(where: { $0.component == step.component }) {
                    step.connection = shared.key
                } else {
                    let key = uniqueKey(base: component.key, taken: Set(variables.map(\.key)))
                    let type = component.connections[0]
                    let variable = ResolvedVariable(key: key, component: component.key, componentLabel: component.label, connectionType: type, overrides: [:])
                    variables.append(variable)
                    step.connection = key
                }
            }
            steps.append(step)
        }
        return ResolvedIntegration(key: integration.key, name: integration.name, description: integration.description, variables: variables, steps: steps)
    }

    static func uniqueKey(base: String, taken: Set<String>) -> String {
        var candidate = base
        var n = 2
        while taken.contains(candidate) {
            candidate = "\(base)-\(n)"
            n += 1
        }
        return candidate
    }

    static func firstDuplicate(_ keys: [String]) -> String? {
        var seen = Set<String>()
        for key in keys where !seen.insert(key).inserted { return key }
        return nil
    }
}
