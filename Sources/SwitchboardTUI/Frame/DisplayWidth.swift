/// Terminal column widths of text, the way glibc's `wcwidth` and tmux count them
/// (East Asian Wide/Fullwidth and emoji presentation take two columns, marks take none).
/// Our own table rather than `wcwidth(3)`, which answers -1 until a UTF-8 locale is set
/// and so would make rendering depend on process state.
package enum DisplayWidth {
    /// Columns one scalar occupies: 0, 1 or 2.
    package static func of(_ scalar: Unicode.Scalar) -> Int {
        let v = scalar.value
        if v < 0x20 || (0x7F..<0xA0).contains(v) { return 0 }
        if v < 0x300 { return 1 }
        switch scalar.properties.generalCategory {
        case .nonspacingMark, .enclosingMark, .format: return 0
        default: break
        }
        if (0x1160...0x11FF).contains(v) { return 0 }  // Hangul medial vowels and final consonants join the syllable
        if isWide(v) || scalar.properties.isEmojiPresentation { return 2 }
        return 1
    }

    /// Columns a grapheme occupies. The terminal sees only the base scalar's width plus
    /// zero-width marks, so the base decides; an emoji made graphical by VS16 is wide.
    package static func of(_ character: Character) -> Int {
        let scalars = character.unicodeScalars
        guard let base = scalars.first else { return 0 }
        if scalars.count > 1, scalars.contains("\u{FE0F}"), base.properties.isEmoji { return 2 }
        return of(base)
    }

    package static func of(_ text: some StringProtocol) -> Int {
        var total = 0
        for character in text { total += of(character) }
        return total
    }

    /// East Asian Wide and Fullwidth blocks (Unicode 15 EastAsianWidth.txt, coarse ranges).
    private static func isWide(_ v: UInt32) -> Bool {
        switch v {
        case 0x1100...0x115F, 0x231A...0x231B, 0x2329...0x232A, 0x2E80...0x303E, 0x3041...0x33FF,
             0x3400...0x4DBF, 0x4E00...0x9FFF, 0xA000...0xA4CF, 0xA960...0xA97F, 0xAC00...0xD7A3,
             0xF900...0xFAFF, 0xFE10...0xFE19, 0xFE30...0xFE6F, 0xFF00...0xFF60, 0xFFE0...0xFFE6,
             0x16FE0...0x16FE4, 0x17000...0x18AFF, 0x1B000...0x1B2FF, 0x1F200...0x1F202,
             0x1F210...0x1F23B, 0x1F240...0x1F248, 0x1F250...0x1F251, 0x20000...0x2FFFD, 0x30000...0x3FFFD:
            return true
        default:
            return false
        }
    }
}

extension StringProtocol {
    /// Terminal columns this text occupies.
    package var displayWidth: Int { DisplayWidth.of(self) }
}

extension String {
    /// The longest prefix that fits in `width` columns (a wide character never half-fits).
    package func clipped(toWidth width: Int) -> String {
        var out = ""
        var used = 0
        for character in self {
            let w = DisplayWidth.of(character)
            if used + w > width { break }
            out.append(character)
            used += w
        }
        return out
    }

    /// Clipped to `width` with a trailing `…` when something was cut off.
    package func truncated(toWidth width: Int) -> String {
        guard width > 0 else { return "" }
        if displayWidth <= width { return self }
        return clipped(toWidth: width - 1) + "…"
    }

    /// Clipped, then padded with spaces to exactly `width` columns.
    package func padded(toWidth width: Int) -> String {
        let clipped = clipped(toWidth: width)
        return clipped + String(repeating: " ", count: max(0, width - clipped.displayWidth))
    }

    /// Words wrapped into lines of at most `width` columns; over-long words are cut.
    package func wrapped(toWidth width: Int) -> [String] {
        guard width > 0 else { return [] }
        var lines: [String] = []
        for paragraph in split(separator: "\n", omittingEmptySubsequences: false) {
            let before = lines.count
            var line = ""
            for word in paragraph.split(separator: " ") {
                var word = String(word)
                while word.displayWidth > width {
                    if !line.isEmpty { lines.append(line); line = "" }
                    let clipped = word.clipped(toWidth: width)
                    let head = clipped.isEmpty ? String(word.prefix(1)) : clipped
                    lines.append(head)
                    word = String(word.dropFirst(head.count))
                }
                if word.isEmpty { continue }
                if line.isEmpty {
                    line = word
                } else if line.displayWidth + 1 + word.displayWidth <= width {
                    line += " " + word
                } else {
                    lines.append(line)
                    line = word
                }
            }
            if !line.isEmpty || lines.count == before { lines.append(line) }
        }
        return lines
    }
}
