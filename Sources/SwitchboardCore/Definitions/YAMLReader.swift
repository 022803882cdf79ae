import Yams

/// Reads a Yams node tree with positions, so every definition error can name the file,
/// the line and the key that is wrong.
struct YAMLReader {
    let file: String

    func error(_ node: Node?, _ context: String, _ message: String) -> SwitchboardError {
        let where_ = context.isEmpty ? "" : "\(context): "
        return .definition(file: file, line: node?.mark?.line, message: where_ + message)
    }

    func mapping(_ node: Node, context: String) throws -> MappingReader {
        guard case .mapping(let mapping) = node else {
            throw error(node, context, "expected a mapping of keys to values, found \(Self.kind(of: node))")
        }
        var pairs: [(String, Node)] = []
        for (key, value) in mapping {
            guard case .scalar(let scalar) = key else { throw error(key, context, "keys must be plain strings") }
            pairs.append((scalar.string, value))
        }
        return MappingReader(reader: self, node: node, pairs: pairs, context: context)
    }

    func sequence(_ node: Node, key: String, context: String) throws -> [Node] {
        guard case .sequence(let sequence) = node else {
            throw error(node, context, "'\(key)' must be a list, found \(Self.kind(of: node))")
        }
        return Array(sequence)
    }

    static func isIdentifier(_ text: String) -> Bool {
        !text.isEmpty && text.utf8.count <= 100 && text.utf8.allSatisfy { byte in
            (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) || byte == 0x5F || byte == 0x2D
        }
    }

    static func kind(of node: Node) -> String {
        switch node {
        case .scalar(let s): "the value '\(s.string.prefix(40))'"
        case .mapping: "a mapping"
        case .sequence: "a list"
        case .alias: "an alias"
        }
    }
}

struct MappingReader {
    let reader: YAMLReader
    let node: Node
    let pairs: [(String, Node)]
    let context: String

    var keys: [String] { pairs.map(\.0) }

    func value(_ key: String) -> Node? { pairs.first { $0.0 == key }?.1 }

    func error(_ key: String?, _ message: String) -> SwitchboardError {
        reader.error(key.flatMap(value) ?? node, context, message)
    }

    /// Rejects keys the format does not know, so typos fail loudly instead of being ignored.
    func rejectUnknownKeys(_ allowed: Set<String>) throws {
        for (key, node) in pairs where !allowed.contains(key) {
            throw reader.error(node, context, "unknown key '\(key)' (allowed: \(allowed.sorted().joined(separator: ", ")))")
        }
    }

    func string(_ key: String, required: Bool = false) throws -> String? {
        guard let node = value(key) else {
            if required { throw error(nil, "missing required key '\(key)'") }
            return nil
        }
        guard case .scalar(let scalar) = node else {
            throw reader.error(node, context, "'\(key)' must be a single value, found \(YAMLReader.kind(of: node))")
        }
        if scalar.tag.description == Tag.Name.null.rawValue || (scalar.style == .plain && ["~", "null", ""].contains(scalar.string)) {
            if required { throw reader.error(node, context, "'\(key)' must not be empty") }
            return nil
        }
        if required && scalar.string.trimmingCharacters(in: .whitespaces).isEmpty {
            throw reader.error(node, context, "'\(key)' must not be empty")
        }
        // Labels, URLs and help texts are printed on team members' terminals; only the
        // texts that are prose or multi-line values keep newlines and tabs.
        let multiLine: Set<String> = ["comments", "description", "default", "template", "example", "placeholder", "body"]
        if TerminalText.containsControl(scalar.string, allowing: multiLine.contains(key) ? ["\n", "\t"] : []) {
            throw reader.error(node, context, "'\(key)' contains a control character")
        }
        return scalar.string
    }

    /// A key of the format's own (component, connection, field, variable, step, action):
    /// letters, digits, `_` and `-` only, so it can name things on a command line and in
    /// a log without quoting or escaping.
    func identifier(_ key: String) throws -> String {
        let value = try requiredString(key)
        guard YAMLReader.isIdentifier(value) else {
            throw error(key, "'\(key)' must use only letters, digits, '_' and '-' (found '\(TerminalText.escaped(String(value.prefix(40))))')")
        }
        return value
    }

    func requiredString(_ key: String) throws -> String {
        try string(key, required: true)!
    }

    func bool(_ key: String) throws -> Bool? {
        guard let node = value(key) else { return nil }
        guard case .scalar(let scalar) = node, let bool = Bool.construct(from: scalar) else {
            throw reader.error(node, context, "'\(key)' must be true or false")
        }
        return bool
    }

    func int(_ key: String) throws -> Int? {
        guard let node = value(key) else { return nil }
        guard case .scalar(let scalar) = node, let int = Int(scalar.string) else {
            throw reader.error(node, context, "'\(key)' must be a whole number")
        }
        return int
    }

    func list(_ key: String) throws -> [Node] {
        guard let node = value(key) else { return [] }
        if case .scalar(let s) = node, s.style == .plain, ["~", "null", ""].contains(s.string) { return [] }
        return try reader.sequence(node, key: key, context: context)
    }

    func stringList(_ key: String) throws -> [String] {
        try list(key).map { item in
            guard case .scalar(let scalar) = item else {
                throw reader.error(item, context, "'\(key)' must be a list of plain values")
            }
            if TerminalText.containsControl(scalar.string) {
                throw reader.error(item, context, "'\(key)' contains a control character")
            }
            return scalar.string
        }
    }

    func stringMap(_ key: String) throws -> [String: String] {
        guard let node = value(key) else { return [:] }
        if case .scalar(let s) = node, s.style == .plain, ["~", "null", ""].contains(s.string) { return [:] }
        let map = try reader.mapping(node, context: context.isEmpty ? key : "\(context), \(key)")
        var result: [String: String] = [:]
        for (name, item) in map.pairs {
            guard case .scalar(let scalar) = item else {
                throw reader.error(item, map.context, "'\(name)' must be a single value")
            }
            if TerminalText.containsControl(name + scalar.string) {
                throw reader.error(item, map.context, "'\(TerminalText.escaped(name))' contains a control character")
            }
            result[name] = scalar.string
        }
        return result
    }
}
