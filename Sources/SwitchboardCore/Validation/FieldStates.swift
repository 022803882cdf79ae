/// Who is looking: team members see every field; customers only customer-visible ones.
package enum Role: Sendable, Equatable {
    case team
    case customer(String)

    package var isCustomer: Bool { if case .customer = self { true } else { false } }
    package var customerName: String? { if case .customer(let name) = self { name } else { nil } }
}

/// One field of one instance connection as a person sees it: definition, visibility,
/// default, stored value and the value that counts.
package struct FieldState: Sendable, Equatable {
    package var definition: FieldDefinition
    package var label: String
    /// Whether a customer may see this field. A template over a hidden field is hidden too
    /// (SPEC §12: a derived value takes the strictest class of what it reads).
    package var customerVisible: Bool
    /// public, hidden or secret: the field's own class, or for a template the strictest of
    /// its own and of every field it reads.
    package var valueClass: ValueClass
    package var defaultValue: String?
    /// What was entered and stored; nil when nothing was stored.
    package var storedValue: String?
    /// Stored value, else default; templates rendered from the other fields.
    package var effectiveValue: String?
    package var error: FieldValidationError?

    package var key: String { definition.key }
    /// A password field, or a template that reads one: masked unless revealed, never shown
    /// to a customer, redacted from every message.
    package var isSecret: Bool { valueClass == .secret }
    package var isSet: Bool { !(effectiveValue ?? "").isEmpty }
}

package enum FieldStates {
    /// Computes every field's state. Hidden fields always take their defaults (SPEC §3).
    package static func compute(variable: ResolvedVariable, stored: [String: String]) -> [FieldState] {
        let type = variable.connectionType
        var states: [FieldState] = type.fields.map { field in
            let visible = variable.isCustomerVisible(field.key)
            let defaultValue = variable.defaultValue(of: field)
            let storedValue = field.type == .template ? nil : stored[field.key]
            var effective: String? = storedValue.flatMap { $0.isEmpty ? nil : $0 } ?? defaultValue
            if field.type == .template { effective = nil }
            return FieldState(
                definition: field, label: type.displayLabel(of: field), customerVisible: visible,
                valueClass: ValueClass.of(field, customerVisible: visible),
                defaultValue: defaultValue, storedValue: storedValue, effectiveValue: effective, error: nil)
        }
        var values: [String: String] = [:]
        for state in states where state.definition.type != .template {
            values[state.key] = state.effectiveValue ?? ""
        }
        var classes: [String: ValueClass] = [:]
        for state in states { classes[state.key] = state.valueClass }
        for index in states.indices {
            let field = states[index].definition
            if field.type == .template {
                // Templates read only fields of their own connection (checked on import);
                // a reference to a template is judged by that template's own class.
                let read = field.templateReferences.compactMap { classes[$0] }
                states[index].valueClass = read.reduce(states[index].valueClass, max)
                if states[index].valueClass > .public { states[index].customerVisible = false }
                let rendered = Template.render(field.defaultValue ?? "", values: values)
                let missingInput = field.templateReferences.contains { (values[$0] ?? "").isEmpty }
                states[index].effectiveValue = missingInput ? nil : rendered
                if field.required && missingInput {
                    states[index].error = .missing(label: states[index].label)
                }
            } else {
                states[index].error = FieldValidator.validate(states[index].effectiveValue ?? "", for: field, label: states[index].label)
            }
        }
        return states
    }

    /// Every required field set and every value valid.
    package static func isComplete(_ states: [FieldState]) -> Bool {
        states.allSatisfy { $0.error == nil }
    }

    /// The values handed to code and used in requests: every field, templates rendered.
    package static func effectiveValues(_ states: [FieldState]) -> [String: String] {
        var values: [String: String] = [:]
        for state in states { values[state.key] = state.effectiveValue ?? "" }
        return values
    }
}
