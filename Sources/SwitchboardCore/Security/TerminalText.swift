/// Text that reaches a terminal shows control characters escaped (SPEC §12): a customer's
/// value, a provider's error or a definition's label must never move a team member's
/// cursor, set their title (OSC) or reorder what they read (bidi overrides).
package enum TerminalText {
    /// C0 (except none), DEL, C1, and the bidi embedding/override/isolate controls.
    package static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00...0x1F, 0x7F...0x9F: true
        case 0x200E, 0x200F, 0x061C: true          // LRM, RLM, ALM
        case 0x202A...0x202E, 0x2066...0x2069: true // embeddings, overrides, isolates
        default: false
        }
    }

    package static func containsControl(_ text: String, allowing allowed: Set<Unicode.Scalar> = []) -> Bool {
        // Printable ASCII, most text, holds none: answered from the bytes (scalar by
        // scalar this was 4,000 instructions a refresh's log line, callgrind).
        if text.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) { return false }
        return text.unicodeScalars.contains { isControl($0) && !allowed.contains($0) }
    }

    /// `text` with every control character written visibly: `\n`, `\t`, `\r`, `\e` and
    /// `\u{…}` for the rest. A backslash stays as it is (the escapes are for reading, not
    /// for parsing back), so ordinary Windows paths and regexes read unchanged.
    /// `keepNewlines` leaves `\n` (multi-line output such as a help text or a list).
    package static func escaped(_ text: String, keepNewlines: Bool = false) -> String {
        guard containsControl(text, allowing: keepNewlines ? ["\n"] : []) else { return text }
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            guard isControl(scalar), !(keepNewlines && scalar == "\n") else { out.append(scalar); continue }
            let visible: String
            switch scalar {
            case "\n": visible = "\\n"
            case "\t": visible = "\\t"
            case "\r": visible = "\\r"
            case "\u{1B}": visible = "\\e"
            default: visible = "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
            }
            out.append(contentsOf: visible.unicodeScalars)
        }
        return String(out)
    }
}
