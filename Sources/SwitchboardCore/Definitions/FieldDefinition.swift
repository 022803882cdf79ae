/// The kinds of input a connection field can hold (SPEC §1).
public enum FieldType: String, Codable, Sendable, CaseIterable {
    case string, password, url, text, boolean, picklist, template

    /// Values of this type are secrets: encrypted at rest, masked on screen, redacted in logs.
    public var isSecret: Bool { self == .password }
}

public struct Choice: Codable, Sendable, Hashable {
    public var label: String
    public var value: String
    public init(label: String, value: String) {
        self.label = label
        self.value = value
    }
}

/// One typed input of a connection type. Values are always kept as strings;
/// booleans are "true"/"false", picklists hold the choice's value.
public struct FieldDefinition: Codable, Sendable, Hashable {
    public var key: String
    public var label: String
    public var type: FieldType
    public var required: Bool
    /// For `template` fields this is the template itself, e.g. `https://{{subdomain}}.example.com`.
    public var defaultValue: String?
    public var placeholder: String?
    public var comments: String?
    public var example: String?
    public var pattern: String?
    public var choices: [Choice]

    public init(
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
    public var templateReferences: [String] {
        guard type == .template, let template = defaultValue else { return [] }
        return Template.references(in: template)
    }
}
