import Foundation

/// Why a value does not fit its field. `description` is the sentence a person reads;
/// it never repeats the value itself, which may be a secret.
package enum FieldValidationError: Error, Sendable, Equatable, CustomStringConvertible {
    case missing(label: String)
    case notAURL(label: String, reason: String)
    /// A `redirectUri` no catcher or callback server can serve (`RedirectTarget`).
    case notARedirect(label: String, reason: String)
    case notABoolean(label: String)
    case notAChoice(label: String, choices: [String])
    case patternMismatch(label: String, pattern: String)
    case derived(label: String)
    case singleLineOnly(label: String)
    case controlCharacter(label: String)
    case tooLong(label: String, limit: Int)

    package var description: String {
        switch self {
        case .missing(let label): "\(label) is required"
        case .notAURL(let label, let reason): "\(label) must be a URL: \(reason)"
        case .notARedirect(let label, let reason): "\(label) \(reason)"
        case .notABoolean(let label): "\(label) must be true or false"
        case .notAChoice(let label, let choices): "\(label) must be one of: \(choices.joined(separator: ", "))"
        case .patternMismatch(let label, let pattern): "\(label) does not match the required pattern \(pattern)"
        case .derived(let label): "\(label) is derived from other fields and cannot be set"
        case .singleLineOnly(let label): "\(label) must be a single line"
        case .controlCharacter(let label):
            "\(label) contains a control character (escape sequences, bidi overrides and the like are refused)"
        case .tooLong(let label, let limit): "\(label) is longer than the limit of \(limit / 1024) KiB"
        }
    }
}

/// Small pure validators, one per field type (huh's validate.go style).
package enum FieldValidator {
    /// The largest value a field takes (SPEC §12: hostile input is bounded). Real
    /// credentials, PEM keys and service-account JSON fit with room to spare; a 50 MB value
    /// would cost every later `show` and render hundreds of MB.
    package static let maxValueBytes = 64 * 1024

    /// Normalizes input for the field's type (trims URLs, maps boolean words and picklist
    /// labels to values) and validates it. An empty string means "no value".
    package static func normalize(_ raw: String, for field: FieldDefinition, label: String? = nil) -> Result<String, FieldValidationError> {
        let label = label ?? field.label
        if field.type == .template { return .failure(.derived(label: label)) }
        var value = raw
        switch field.type {
        case .url, .boolean, .picklist:
            value = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        default: break
        }
        if value.isEmpty {
            return field.required ? .failure(.missing(label: label)) : .success("")
        }
        if value.utf8.count > maxValueBytes { return .failure(.tooLong(label: label, limit: maxValueBytes)) }
        if field.type != .text && value.contains(where: \.isNewline) {
            return .failure(.singleLineOnly(label: label))
        }
        // Multi-line text keeps its newlines and tabs; nothing else may carry a control
        // character to the terminals that will show it.
        if TerminalText.containsControl(value, allowing: field.type == .text ? ["\n", "\t", "\r"] : []) {
            return .failure(.controlCharacter(label: label))
        }
        switch field.type {
        case .url:
            if let reason = urlProblem(value) { return .failure(.notAURL(label: label, reason: reason)) }
            // The standard `redirectUri` key (SPEC §1) must also be a redirect a catcher or
            // the team callback server can serve: refused when typed, not at CONNECT.
            if field.key == "redirectUri", let reason = RedirectTarget.problem(value) {
                return .failure(.notARedirect(label: label, reason: reason))
            }
        case .boolean:
            switch value.lowercased() {
            case "true", "yes", "y", "on", "1": value = "true"
            case "false", "no", "n", "off", "0": value = "false"
            default: return .failure(.notABoolean(label: label))
            }
        case .picklist:
            if let choice = field.choices.first(where: { $0.value == value })
                ?? field.choices.first(where: { $0.label.caseInsensitiveCompare(value) == .orderedSame }) {
                value = choice.value
            } else {
                return .failure(.notAChoice(label: label, choices: field.choices.map(\.value)))
            }
        case .string, .password, .text, .template:
            break
        }
        if let pattern = field.pattern, !matches(value, pattern: pattern) {
            return .failure(.patternMismatch(label: label, pattern: pattern))
        }
        return .success(value)
    }

    package static func validate(_ value: String, for field: FieldDefinition, label: String? = nil) -> FieldValidationError? {
        if case .failure(let error) = normalize(value, for: field, label: label) { return error }
        return nil
    }

    /// nil when `value` is an absolute http(s) URL with a host; otherwise why not.
    package static func urlProblem(_ value: String) -> String? {
        if value.contains(where: { $0.isWhitespace }) { return "it contains spaces" }
        guard let components = URLComponents(string: value), let scheme = components.scheme?.lowercased() else {
            return "it is not a valid absolute URL (expected https://host/...)"
        }
        guard scheme == "https" || scheme == "http" else { return "the scheme must be http or https, not \(scheme)" }
        guard let host = components.host, !host.isEmpty else { return "it has no host name" }
        return nil
    }

    /// Whole-string match of a field's `pattern`.
    package static func matches(_ value: String, pattern: String) -> Bool {
        guard let regex = try? NSRegularExpression(pattern: "^(?:\(pattern))$", options: [.dotMatchesLineSeparators]) else {
            return false
        }
        let range = NSRange(value.startIndex..., in: value)
        return regex.firstMatch(in: value, options: [], range: range) != nil
    }

    package static func isValidPattern(_ pattern: String) -> Bool {
        (try? NSRegularExpression(pattern: pattern)) != nil
    }
}
