/// The kinds of input a connection field can hold (SPEC §1).
package enum FieldType: String, Codable, Sendable, CaseIterable {
    case string, password, url, text, boolean, picklist, template

    /// Values of this type are secrets: encrypted at rest, masked on screen, redacted in logs.
    package var isSecret: Bool { self == .password }
}

package struct Choice: Codable, Sendable, Hashable {
    package var label: String
    package var value: String
    package init(label: String, value: String) {
        self.label = label
        self.value = value
    }
}

/// One typed input of a connection type. Values are always kept as strings;
/// booleans are "true"/"false", picklists hold the choice's value.
package struct FieldDefinition: Codable, Sendable, Hashable {
    package var key: String
    package var label: String
    package var type: FieldType
    package var required: Bool
    /// For `template` fields this is the template itself, e.g. `https://{{subdomain}}.example.com`.
    package var defaultValue: String?
    package var placeholder: String?
    package var comments: String?
    package var example: String?
    package var pattern: String?
    package var choices: [Choice]

    package init(
        key: String, label: String, type: FieldType, required: Bool = false,
        defaultValue: String? = nil, placeholder: String? = nil, comments: String? = nil,
        example: String? = nil, pattern: String? = nil, choices: [Choice] = []
    ) {
        self.key = key
        self.label = label
        self.type = type
        self.required = required
        self.defaultValue = defaultValue
        self.placeholder = placeholder
        self.comments = comments
        self.example = example
        self.pattern = pattern
        self.choices = choices
    }

    enum CodingKeys: String, CodingKey {
        case key, label, type, required, defaultValue = "default", placeholder, comments, example, pattern, choices
    }

    /// Field keys a template refers to, in order of appearance (`{{name}}`).
    package var templateReferences: [String] {
        guard type == .template, let template = defaultValue else { return [] }
        return Template.references(in: template)
    }
}
