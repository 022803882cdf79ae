/// How far a value may travel (SPEC §12). Every field value has one; a derived value
/// (a template, a test request's URL or header) takes the strictest class of what it reads.
package enum ValueClass: Int, Sendable, Codable, Comparable, CaseIterable {
    /// Anyone who may see the connection may see it.
    case `public` = 0
    /// Not customer visible: the team sees it, a customer never sees its value or name.
    case hidden = 1
    /// Password fields, client secrets, tokens, codes, verifiers: masked for everyone
    /// unless a team member reveals it, sealed at rest, never in a message.
    case secret = 2

    package static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }

    /// A field's own class, before templates inherit what they read.
    package static func of(_ field: FieldDefinition, customerVisible: Bool) -> ValueClass {
        if field.type.isSecret { return .secret }
        return customerVisible ? .public : .hidden
    }

    /// The class of a text built from `template` over fields of these classes (a test
    /// request's URL or header). `access_token` and other names outside the fields are
    /// secrets: only tokens are offered to templates besides fields.
    package static func ofTemplate(_ template: String, fields: [String: ValueClass]) -> ValueClass {
        Template.references(in: template).map { fields[$0] ?? .secret }.reduce(.public, max)
    }
}
