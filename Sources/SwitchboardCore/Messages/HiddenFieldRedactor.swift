import Foundation

/// Keeps fields a customer may not see out of text the wizard shows them that the core
/// wrote for everyone: log lines ("REST API Version (apiVersion) set to \"3.22\"") and
/// status reasons. A line that names a hidden field (its label, or its key as a word) is
/// replaced whole; a hidden value is masked wherever it appears (values shorter than
/// three characters only as whole words, so "eu" does not mangle "queue"). Errs on the
/// side of hiding: a visible line that happens to use a hidden key as a word is hidden too.
package struct HiddenFieldRedactor: Sendable, Equatable {
    package static let replacement = "(an entry about a field only the team sees)"
    package static let mask = "•••"

    private var names: [(text: String, wholeWord: Bool)] = []
    private var values: [(text: String, wholeWord: Bool)] = []

    package init(hidden fields: [FieldState]) {
        for field in fields {
            names.append((field.label, false))
            names.append((field.key, true))
            for value in [field.storedValue, field.effectiveValue, field.defaultValue].compactMap({ $0 }) where !value.isEmpty {
                values.append((value, value.count < 3))
                // As it appears inside a URL query or a form body a provider echoes.
                let form = FormEncoding.escape(value)
                for encoded in Set([form, form.replacingOccurrences(of: "%20", with: "+"),
                                    value.addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed) ?? value])
                where encoded != value {
                    values.append((encoded, encoded.count < 3))
                }
            }
        }
        // Longest first, so a value that contains another is masked whole.
        values.sort { $0.text.count > $1.text.count }
    }

    /// One redactor doing the work of several (an instance-wide log line is checked
    /// against every connection's hidden fields).
    package init(merging redactors: [HiddenFieldRedactor]) {
        for redactor in redactors {
            names += redactor.names
            values += redactor.values
        }
        values.sort { $0.text.count > $1.text.count }
    }

    /// For a connection's fields (all of them): keeps out those the customer does not see.
    package static func customerView(of fields: [FieldState]) -> HiddenFieldRedactor {
        HiddenFieldRedactor(hidden: fields.filter { !$0.customerVisible })
    }

    package var isEmpty: Bool { names.isEmpty && values.isEmpty }

    package func redact(_ text: String) -> String {
        if names.contains(where: { Self.contains(text, $0.text, wholeWord: $0.wholeWord) }) { return Self.replacement }
        // A hidden field's name cut short at a length limit still names it.
        let labels = names.map(\.text)
        if CutEdge.mask(text, values: labels, with: "") != text { return Self.replacement }
        var result = text
        for value in values { result = Self.replacing(value.text, in: result, wholeWord: value.wholeWord) }
        return CutEdge.mask(result, values: values.map(\.text), with: Self.mask)
    }

    package static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.names.map(\.text) == rhs.names.map(\.text) && lhs.values.map(\.text) == rhs.values.map(\.text)
    }

    static func contains(_ text: String, _ needle: String, wholeWord: Bool) -> Bool {
        !ranges(of: needle, in: text, wholeWord: wholeWord).isEmpty
    }

    static func replacing(_ needle: String, in text: String, wholeWord: Bool) -> String {
        var result = text
        for range in ranges(of: needle, in: text, wholeWord: wholeWord).reversed() {
            result.replaceSubrange(range, with: mask)
        }
        return result
    }

    /// Non-overlapping occurrences; with `wholeWord`, only those not touching a letter,
    /// digit or underscore on either side.
    static func ranges(of needle: String, in text: String, wholeWord: Bool) -> [Range<String.Index>] {
        guard !needle.isEmpty else { return [] }
        var found: [Range<String.Index>] = []
        var start = text.startIndex
        while start < text.endIndex, let range = text.range(of: needle, range: start..<text.endIndex) {
            let before = range.lowerBound > text.startIndex ? text[text.index(before: range.lowerBound)] : nil
            let after = range.upperBound < text.endIndex ? text[range.upperBound] : nil
            if !wholeWord || (!isWordCharacter(before) && !isWordCharacter(after)) { found.append(range) }
            start = range.upperBound
        }
        return found
    }

    private static func isWordCharacter(_ character: Character?) -> Bool {
        guard let character else { return false }
        return character.isLetter || character.isNumber || character == "_"
    }
}
