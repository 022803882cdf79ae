import Foundation

/// Replaces known secret values in text meant for a log or the screen.
struct SecretRedactor: Sendable {
    static let mask = "***"
    /// Longest messages a log line carries.
    static let maxLineLength = 200

    private let needles: [String]

    /// Each secret is also matched in its form-url-encoded spelling, which is how it appears
    /// inside a URL query.
    init(secrets: [String]) {
        let variants = secrets.filter { !$0.isEmpty }.flatMap { [$0, FormEncoding.escape($0)] }
        // Longest first, so a secret containing another is masked whole.
        needles = Array(Set(variants)).sorted { $0.count > $1.count }
    }

    func redact(_ text: String) -> String {
        CutEdge.mask(needles.reduce(text) { $0.replacingOccurrences(of: $1, with: Self.mask) }, values: needles, with: Self.mask)
    }

    /// Redacted, on one line, at most `maxLineLength` characters. Redaction comes first so
    /// cutting the line can never leave part of a secret behind.
    func line(_ text: String) -> String {
        let redacted = Self.singleLine(redact(text))
        return redacted.count <= Self.maxLineLength ? redacted : redact(String(redacted.prefix(Self.maxLineLength - 1)) + "…")
    }

    /// Control characters (newlines, terminal escapes from a hostile body) become spaces;
    /// runs of whitespace collapse.
    static func singleLine(_ text: String) -> String {
        let scalars = text.unicodeScalars.map { $0.properties.generalCategory == .control ? " " : Character($0) }
        return String(scalars).split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }
}
