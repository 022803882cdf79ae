/// HTTP header fields in the order they were written, with case-insensitive lookup.
///
/// `description` lists names only: header values often carry credentials
/// (`Authorization`, `Cookie`), and a request printed into a log or a test failure must not
/// leak them.
package struct HTTPHeaders: Sendable, Hashable, Sequence, ExpressibleByDictionaryLiteral, CustomStringConvertible {
    package struct Field: Sendable, Hashable {
        package var name: String
        package var value: String

        package init(name: String, value: String) {
            self.name = name
            self.value = value
        }
    }

    package private(set) var fields: [Field]

    package init() { fields = [] }

    /// Empty, with room for `capacity` fields: a response's headers arrive one by one, and
    /// growing to a token response's 11 was five reallocations (2,100 instructions a
    /// refresh, callgrind).
    package init(capacity: Int) {
        fields = []
        fields.reserveCapacity(capacity)
    }

    package init(_ pairs: [(String, String)]) {
        fields = pairs.map { Field(name: $0.0, value: $0.1) }
    }

    /// Keeps the literal's order: `["Accept": "application/json", "X-A": "1"]`.
    package init(dictionaryLiteral elements: (String, String)...) {
        self.init(elements)
    }

    /// The first value for `name` (case-insensitive). Setting replaces every field of that
    /// name with one (at the first one's position); setting `nil` removes them.
    package subscript(name: String) -> String? {
        get { fields.first { Self.same($0.name, name) }?.value }
        set {
            let index = fields.firstIndex { Self.same($0.name, name) }
            fields.removeAll { Self.same($0.name, name) }
            guard let newValue else { return }
            fields.insert(Field(name: name, value: newValue), at: index ?? fields.count)
        }
    }

    /// Every value for `name` (case-insensitive), in order.
    package func values(for name: String) -> [String] {
        fields.filter { Self.same($0.name, name) }.map(\.value)
    }

    package func contains(_ name: String) -> Bool { fields.contains { Self.same($0.name, name) } }

    package mutating func add(_ name: String, _ value: String) {
        fields.append(Field(name: name, value: value))
    }

    /// Continues the last field's value (obsolete line folding in a response).
    mutating func appendToLastValue(_ continuation: String) {
        guard !fields.isEmpty, !continuation.isEmpty else { return }
        fields[fields.count - 1].value += " " + continuation
    }

    package var count: Int { fields.count }
    package var isEmpty: Bool { fields.isEmpty }
    package func makeIterator() -> IndexingIterator<[Field]> { fields.makeIterator() }

    package var description: String {
        "[" + fields.map(\.name).joined(separator: ", ") + "]"
    }

    private static func same(_ a: String, _ b: String) -> Bool {
        a.utf8.count == b.utf8.count && a.lowercased() == b.lowercased()
    }
}
