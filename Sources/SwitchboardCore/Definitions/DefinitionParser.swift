import Foundation
import Yams

/// A definition read from a file, with where it came from for error messages.
package struct Located<Value: Sendable>: Sendable {
    package var value: Value
    package var file: String
    /// The document's first line.
    package var line: Int?
    /// Where each part starts, by the context that errors name it with
    /// ("connection basic", "connection basic, field host", "step fetch", ...).
    package var lines: [String: Int] = [:]

    package init(value: Value, file: String, line: Int?, lines: [String: Int] = [:]) {
        self.value = value
        self.file = file
        self.line = line
        self.lines = lines
    }

    /// The line of the most specific part of `context` that was recorded, else the
    /// document's.
    package func line(of context: String?) -> Int? {
        var rest = context ?? ""
        while !rest.isEmpty {
            if let line = lines[rest] { return line }
            guard let comma = rest.range(of: ", ", options: .backwards) else { break }
            rest = String(rest[..<comma.lowerBound])
        }
        return line
    }
}

package struct DefinitionBatch: Sendable {
    package var components: [Located<Component>] = []
    package var integrations: [Located<IntegrationDefinition>] = []
    package init() {}
}

/// Turns YAML text into component and integration definitions (SPEC §11).
/// Only shape and types are checked here; cross references are `DefinitionValidator`'s job.
package enum DefinitionParser {
    package static func parse(yaml: String, file: String) throws -> DefinitionBatch {
        let reader = YAMLReader(file: file)
        var batch = DefinitionBatch()
        try YAMLBounds.check(yaml, file: file)
        let documents: [Node]
        do {
            // YamlSequence swallows parse errors into `.error`; iterating with Array(...)
            // would silently drop a malformed document instead of rejecting the file.
            var sequence = try Yams.compose_all(yaml: yaml)
            var nodes: [Node] = []
            while let node = sequence.next() { nodes.append(node) }
            if let error = sequence.error { throw error }
            documents = nodes
        } catch let error as YamlError {
            throw describe(error, file: file)
        } catch {
            throw SwitchboardError.definition(file: file, line: nil, message: "malformed YAML: \(error)")
        }
        guard !documents.isEmpty else {
            throw SwitchboardError.definition(file: file, line: nil, message: "the file holds no definitions (expected a document with 'component:' or 'integration:')")
        }
        for document in documents {
            let map = try reader.mapping(document, context: "")
            let line = document.mark?.line
            var lines: [String: Int] = [:]
            if map.value("component") != nil {
                batch.components.append(Located(value: try component(map, lines: &lines), file: file, line: line, lines: lines))
            } else if map.value("integration") != nil {
                batch.integrations.append(Located(value: try integration(map, lines: &lines), file: file, line: line, lines: lines))
            } else {
                throw reader.error(document, "", "a document needs a top-level 'component:' or 'integration:' key")
            }
        }
        return batch
    }

    static func describe(_ error: YamlError, file: String) -> SwitchboardError {
        switch error {
        case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _):
            return .definition(file: file, line: mark.line, message: "malformed YAML: \(problem)")
        case .duplicatedKeysInMapping(let duplicates, let context):
            return .definition(file: file, line: context.mark.line, message: "duplicate key '\(duplicates.joined(separator: "', '"))'")
        default:
            let first = String(describing: error).split(separator: "\n").first.map(String.init) ?? "unreadable"
            return .definition(file: file, line: nil, message: "malformed YAML: \(first)")
        }
    }

    static func component(_ map: MappingReader, lines: inout [String: Int]) throws -> Component {
        try map.rejectUnknownKeys(["component", "label", "description", "actions", "connections"])
        let key = try map.identifier("component")
        let context = "component \(key)"
        let inner = MappingReader(reader: map.reader, node: map.node, pairs: map.pairs, context: context)
        var component = Component(
            key: key, label: try inner.string("label") ?? key, description: try inner.string("description"),
            actions: try inner.stringList("actions"))
        if let bad = component.actions.first(where: { !YAMLReader.isIdentifier($0) }) {
            throw inner.error("actions", "actions use only letters, digits, '_' and '-' (found '\(TerminalText.escaped(String(bad.prefix(40))))')")
        }
        for node in try inner.list("connections") {
            let type = try connectionType(try map.reader.mapping(node, context: context), component: key, lines: &lines)
            lines["connection \(type.key)"] = node.mark?.line
            component.connections.append(type)
        }
        return component
    }

    static func connectionType(_ map: MappingReader, component: String, lines: inout [String: Int]) throws -> ConnectionType {
        try map.rejectUnknownKeys(["key", "label", "fields", "oauth2", "test"])
        let key = try map.identifier("key")
        let context = "component \(component), connection \(key)"
        let inner = MappingReader(reader: map.reader, node: map.node, pairs: map.pairs, context: context)
        var type = ConnectionType(key: key, label: try inner.string("label") ?? key, fields: [])
        for node in try inner.list("fields") {
            let parsed = try field(try map.reader.mapping(node, context: context))
            lines["connection \(key), field \(parsed.key)"] = node.mark?.line
            type.fields.append(parsed)
        }
        if let node = inner.value("oauth2") {
            type.oauth2 = try oauth(try map.reader.mapping(node, context: "\(context), oauth2"))
        }
        if let node = inner.value("test") {
            type.test = try testRequest(try map.reader.mapping(node, context: "\(context), test"))
            lines["connection \(key), test"] = node.mark?.line
        }
        return type
    }

    static func field(_ map: MappingReader) throws -> FieldDefinition {
        let key = try map.identifier("key")
        let inner = MappingReader(reader: map.reader, node: map.node, pairs: map.pairs, context: "\(map.context), field \(key)")
        try inner.rejectUnknownKeys(["key", "label", "type", "required", "default", "template", "placeholder", "comments", "example", "pattern", "choices"])
        let typeName = try inner.string("type") ?? "string"
        guard let type = FieldType(rawValue: typeName) else {
            throw inner.error("type", "unknown field type '\(typeName)' (expected one of: \(FieldType.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        var choices: [Choice] = []
        for node in try inner.list("choices") {
            if case .scalar(let scalar) = node {
                guard !TerminalText.containsControl(scalar.string) else {
                    throw map.reader.error(node, inner.context, "'choices' contains a control character")
                }
                choices.append(Choice(label: scalar.string, value: scalar.string))
                continue
            }
            let choice = try map.reader.mapping(node, context: inner.context)
            try choice.rejectUnknownKeys(["label", "value"])
            let value = try choice.requiredString("value")
            choices.append(Choice(label: try choice.string("label") ?? value, value: value))
        }
        return FieldDefinition(
            key: key, label: try inner.string("label") ?? key, type: type, required: try inner.bool("required") ?? false,
            defaultValue: try inner.string("default") ?? inner.string("template"), placeholder: try inner.string("placeholder"),
            comments: try inner.string("comments"), example: try inner.string("example"), pattern: try inner.string("pattern"),
            choices: choices)
    }

    static func oauth(_ map: MappingReader) throws -> OAuthOptions {
        try map.rejectUnknownKeys([
            "grant", "pkce", "clientAuth", "scopeSeparator", "authorizeParams", "tokenParams",
            "deviceAuthorizationUrl", "callbackMetadata", "tokenMetadata", "labels", "callbackPort", "revocation", "assumedLifetime", "lookup", "scopeAliases",
            "keepAlive",
        ])
        var options = OAuthOptions()
        options.grant = try enumValue(map, "grant", default: .authorizationCode)
        options.pkce = try enumValue(map, "pkce", default: .s256)
        options.clientAuth = try enumValue(map, "clientAuth", default: .basic)
        if let node = map.value("scopeSeparator"), case .scalar(let scalar) = node {
            options.scopeSeparator = scalar.string.isEmpty ? " " : scalar.string
        }
        options.authorizeParams = try map.stringMap("authorizeParams")
        options.tokenParams = try map.stringMap("tokenParams")
        options.deviceAuthorizationUrl = try map.string("deviceAuthorizationUrl")
        options.callbackMetadata = try map.stringList("callbackMetadata")
        options.tokenMetadata = try map.stringList("tokenMetadata")
        options.labels = try map.stringMap("labels")
        options.callbackPort = try map.int("callbackPort")
        options.assumedLifetime = try map.int("assumedLifetime")
        if let lifetime = options.assumedLifetime, !(60...31_536_000).contains(lifetime) {
            throw map.error("assumedLifetime", "'assumedLifetime' must be seconds between 60 and 31536000 (a year)")
        }
        options.keepAlive = try keepAlive(map)
        if let port = options.callbackPort, !(1...65535).contains(port) {
            throw map.error("callbackPort", "'callbackPort' must be between 1 and 65535")
        }
        options.revocation = try revocation(map)
        options.lookup = try lookup(map)
        let aliases = try map.stringMap("scopeAliases")
        options.scopeAliases = aliases.isEmpty ? nil : aliases
        return options
    }

    /// `keepAlive: 30d`: between an hour (more often would be a refresh loop, not a keep-alive)
    /// and a year (no provider's idle limit is longer).
    static func keepAlive(_ map: MappingReader) throws -> Int? {
        guard let text = try map.string("keepAlive") else { return nil }
        guard let seconds = DurationText.seconds(text), (3600...31_536_000).contains(seconds) else {
            throw map.error("keepAlive", "'keepAlive' must be a duration between 1h and 365d, such as 30d, 12h or 86400 (seconds); found '\(TerminalText.escaped(String(text.prefix(40))))'")
        }
        return seconds
    }

    static func enumValue<E: RawRepresentable & CaseIterable>(_ map: MappingReader, _ key: String, default fallback: E) throws -> E where E.RawValue == String {
        guard let raw = try map.string(key) else { return fallback }
        guard let value = E(rawValue: raw) else {
            throw map.error(key, "'\(key)' must be one of: \(E.allCases.map(\.rawValue).joined(separator: ", ")) (found '\(raw)')")
        }
        return value
    }

    static func testRequest(_ map: MappingReader) throws -> TestRequest {
        try map.rejectUnknownKeys(["method", "url", "headers", "body", "contentType", "expectStatus", "expectJson"])
        let method = (try map.string("method") ?? "GET").uppercased()
        guard ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"].contains(method) else {
            throw map.error("method", "'method' must be an HTTP method such as GET or POST")
        }
        let statuses = map.value("expectStatus") == nil ? [200] : try statusList(map, "expectStatus")
        let contentType = try map.string("contentType")
        if let contentType, contentType.isEmpty || contentType.unicodeScalars.contains(where: { $0 == "\r" || $0 == "\n" }) {
            throw map.error("contentType", "'contentType' must be one media type such as application/json")
        }
        var test = TestRequest(
            method: method, url: try map.requiredString("url"), headers: try map.stringMap("headers"),
            body: try map.string("body"), contentType: contentType, expectStatus: statuses[0], expectJson: try expectedJSON(map))
        test.alsoAccepted = statuses.count > 1 ? Array(statuses.dropFirst()) : nil
        return test
    }

    /// `expectJson: {ok: true, team.id: "T1"}` (and revocation's `successJson`): dotted
    /// paths to scalar values; nil when `key` is absent.
    static func expectedJSON(_ map: MappingReader, key: String = "expectJson") throws -> [String: ExpectedJSON]? {
        guard let node = map.value(key) else { return nil }
        let inner = try map.reader.mapping(node, context: map.context.isEmpty ? key : "\(map.context), \(key)")
        guard !inner.pairs.isEmpty else { throw map.error(key, "'\(key)' needs at least one path: value") }
        var result: [String: ExpectedJSON] = [:]
        for (path, item) in inner.pairs {
            guard case .scalar(let scalar) = item else {
                throw map.reader.error(item, inner.context, "'\(TerminalText.escaped(path))' must be a single value (true, a number, a string or null)")
            }
            guard !path.isEmpty, !path.split(separator: ".", omittingEmptySubsequences: false).contains(where: \.isEmpty),
                  !TerminalText.containsControl(path + scalar.string) else {
                throw map.reader.error(item, inner.context, "'\(TerminalText.escaped(path))' must be a dotted path such as ok or team.id")
            }
            result[path] = ExpectedJSON(yaml: scalar.string, quoted: scalar.style != .plain)
        }
        return result
    }

    static func integration(_ map: MappingReader, lines: inout [String: Int]) throws -> IntegrationDefinition {
        try map.rejectUnknownKeys(["integration", "name", "description", "configVariables", "steps"])
        let key = try map.identifier("integration")
        let context = "integration \(key)"
        let inner = MappingReader(reader: map.reader, node: map.node, pairs: map.pairs, context: context)
        var integration = IntegrationDefinition(key: key, name: try inner.string("name") ?? key, description: try inner.string("description"))
        for node in try inner.list("configVariables") {
            let variable = try map.reader.mapping(node, context: context)
            let variableKey = try variable.identifier("key")
            lines["variable \(variableKey)"] = node.mark?.line
            let vctx = MappingReader(reader: map.reader, node: variable.node, pairs: variable.pairs, context: "\(context), variable \(variableKey)")
            try vctx.rejectUnknownKeys(["key", "component", "connection", "fields"])
            var definition = ConfigVariableDefinition(
                key: variableKey, component: try vctx.requiredString("component"), connection: try vctx.string("connection"))
            if let fieldsNode = vctx.value("fields") {
                let fields = try map.reader.mapping(fieldsNode, context: vctx.context)
                for (fieldKey, overrideNode) in fields.pairs {
                    guard YAMLReader.isIdentifier(fieldKey) else {
                        throw map.reader.error(overrideNode, vctx.context, "field names use only letters, digits, '_' and '-' (found '\(TerminalText.escaped(String(fieldKey.prefix(40))))')")
                    }
                    let o = try map.reader.mapping(overrideNode, context: "\(vctx.context), field \(fieldKey)")
                    try o.rejectUnknownKeys(["default", "customerVisible"])
                    lines["variable \(variableKey), field \(fieldKey)"] = overrideNode.mark?.line
                    definition.fields[fieldKey] = FieldOverride(defaultValue: try o.string("default"), customerVisible: try o.bool("customerVisible"))
                }
            }
            integration.configVariables.append(definition)
        }
        for node in try inner.list("steps") {
            let step = try map.reader.mapping(node, context: context)
            let stepKey = try step.identifier("key")
            lines["step \(stepKey)"] = node.mark?.line
            let sctx = MappingReader(reader: map.reader, node: step.node, pairs: step.pairs, context: "\(context), step \(stepKey)")
            try sctx.rejectUnknownKeys(["key", "component", "action", "connection"])
            integration.steps.append(StepDefinition(
                key: stepKey, component: try sctx.requiredString("component"), action: try sctx.requiredString("action"),
                connection: try sctx.string("connection")))
        }
        return integration
    }
}
