import Foundation

/// A value a test request requires in the response's JSON (`expectJson: {ok: true}`): Slack
/// answers 200 with `"ok": false` for a dead token, so the status alone can pass a broken
/// connection. Keys are dotted paths into objects (`team.id`); a number index steps into an
/// array (`items.0.id`).
package enum ExpectedJSON: Codable, Sendable, Hashable, CustomStringConvertible {
    case bool(Bool)
    case number(Double)
    case string(String)
    case null

    /// From a YAML scalar: plain true/false, numbers and null keep their type; anything
    /// quoted (or any other word) is a string.
    package init(yaml text: String, quoted: Bool) {
        if !quoted {
            switch text.lowercased() {
            case "true": self = .bool(true); return
            case "false": self = .bool(false); return
            case "null", "~": self = .null; return
            default:
                if let number = Double(text), number.isFinite { self = .number(number); return }
            }
        }
        self = .string(text)
    }

    package var description: String {
        switch self {
        case .bool(let value): "\(value)"
        case .number(let value): value == value.rounded() && abs(value) < 1e15 ? "\(Int(value))" : "\(value)"
        case .string(let value): "\"\(value)\""
        case .null: "null"
        }
    }

    /// Whether `found` (a JSONSerialization value, nil when the path is absent) is this value.
    package func matches(_ found: Any?) -> Bool {
        switch (self, found) {
        case (.null, is NSNull): return true
        case (.string(let expected), let value as String): return value == expected
        case (.bool(let expected), let value as NSNumber) where Self.isBoolean(value): return value.boolValue == expected
        case (.number(let expected), let value as NSNumber) where !Self.isBoolean(value): return value.doubleValue == expected
        default: return false
        }
    }

    /// The first of `expected` (by path) that a response body does not hold, with what it
    /// holds there instead (as `shown` renders it); nil when all hold. A body that is not
    /// JSON fails the first path. Test requests and revocation answers both check this way.
    package static func firstMismatch(_ expected: [String: ExpectedJSON], in body: Data) -> (path: String, expected: ExpectedJSON, found: String)? {
        guard !expected.isEmpty else { return nil }
        let document = try? JSONSerialization.jsonObject(with: body, options: [.fragmentsAllowed])
        for (path, value) in expected.sorted(by: { $0.key < $1.key }) {
            guard let document else { return (path, value, "absent (the response is not JSON)") }
            let found = Self.value(at: path, in: document)
            if !value.matches(found) { return (path, value, shown(found)) }
        }
        return nil
    }

    /// The value at a dotted `path` of a parsed JSON document, nil when absent.
    package static func value(at path: String, in document: Any) -> Any? {
        var current: Any? = document
        for step in path.split(separator: ".", omittingEmptySubsequences: false).map(String.init) {
            if let object = current as? [String: Any] {
                current = object[step]
            } else if let array = current as? [Any], let index = Int(step), array.indices.contains(index) {
                current = array[index]
            } else {
                return nil
            }
        }
        return current
    }

    /// What a found value looks like in a result line (short; the caller masks secrets).
    package static func shown(_ found: Any?) -> String {
        switch found {
        case nil: return "absent"
        case is NSNull: return "null"
        case let number as NSNumber where isBoolean(number): return number.boolValue ? "true" : "false"
        case let number as NSNumber: return number.stringValue
        case let text as String: return "\"\(text.count > 40 ? String(text.prefix(39)) + "…" : text)\""
        case is [Any]: return "an array"
        default: return "an object"
        }
    }

    /// JSONSerialization gives `true` and `1` alike as NSNumber (and `as? Bool` takes both);
    /// only the boolean's own class tells them apart.
    static func isBoolean(_ number: NSNumber) -> Bool {
        type(of: number) == booleanClass
    }

    private static let booleanClass = type(of: NSNumber(value: true))
}
