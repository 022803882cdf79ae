/// Text cut to a length ends in "…", and the cut may fall inside a value no redactor can
/// then recognise: "…v=internal-buil…" holds most of a hidden value. Every redactor masks
/// a start of a known value that runs into a cut (SPEC §12: masking before any limit; for
/// text from outside, cut before anyone knew what it held, this is the remaining defence).
enum CutEdge {
    static let marker: Character = "…"
    /// Shorter starts are too common to mean anything ("a…").
    static let minimumPrefix = 3

    static func mask(_ text: String, values: [String], with mask: String) -> String {
        // Without the marker's bytes (U+2026) there is no marker: answered without walking
        // the characters, which every redaction paid.
        guard text.utf8.contains(0xE2), text.contains(marker) else { return text }
        var result = ""
        var rest = Substring(text)
        while let cut = rest.firstIndex(of: marker) {
            var before = String(rest[..<cut])
            for value in values where value.count > minimumPrefix {
                var length = min(value.count - 1, before.count)
                while length >= minimumPrefix {
                    if before.hasSuffix(value.prefix(length)) {
                        before = String(before.dropLast(length)) + mask
                        break
                    }
                    length -= 1
                }
            }
            result += before + String(marker)
            rest = rest[rest.index(after: cut)...]
        }
        return result + rest
    }
}
