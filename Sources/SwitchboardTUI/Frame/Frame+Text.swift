import SwitchboardCore

extension Frame {
    /// Writes `text` from (x, y), clipped at `maxWidth` columns (and the frame's edge).
    /// Returns the columns written. Newlines and tabs never reach the grid; other control
    /// characters (ESC, C1, bidi overrides) are shown escaped, as `\e` or `\u{…}`, so no
    /// value can drive the terminal the frame is painted on (SPEC §12).
    @discardableResult
    package mutating func write(_ text: String, x: Int, y: Int, maxWidth: Int? = nil, style: StyleRole = .normal) -> Int {
        guard y >= 0, y < height else { return 0 }
        let limit = min(width, maxWidth.map { x + max(0, $0) } ?? width)
        var column = x
        let safe = TerminalText.containsControl(text, allowing: ["\n", "\t", "\r"])
            ? TerminalText.escaped(text.replacingOccurrences(of: "\t", with: " "), keepNewlines: true) : text
        for character in safe {
            guard column < limit else { break }
            let shown: Character = character.isNewline || character == "\t" ? " " : character
            if column < 0 { column += max(1, DisplayWidth.of(shown)); continue }
            column += put(shown, x: column, y: y, style: style, limit: limit)
        }
        return column - x
    }

    /// Writes `text` and pads the rest of `width` columns with blanks of the same style.
    package mutating func writePadded(_ text: String, x: Int, y: Int, width w: Int, style: StyleRole = .normal) {
        fill(x: x, y: y, width: w, height: 1, style: style)
        write(text, x: x, y: y, maxWidth: w, style: style)
    }

    /// Writes `text` right-aligned so it ends at column `right` (exclusive).
    @discardableResult
    package mutating func writeRight(_ text: String, right: Int, y: Int, style: StyleRole = .normal) -> Int {
        let w = text.displayWidth
        return write(text, x: right - w, y: y, maxWidth: w, style: style)
    }

    /// Writes a run of styled spans from (x, y); returns the columns written.
    @discardableResult
    package mutating func write(spans: [Span], x: Int, y: Int, maxWidth: Int) -> Int {
        var column = x
        for span in spans {
            let room = x + maxWidth - column
            guard room > 0 else { break }
            column += write(span.text, x: column, y: y, maxWidth: room, style: span.style)
        }
        return column - x
    }

    /// The characters of one row, continuation cells skipped (for tests and goldens).
    package func text(row y: Int) -> String {
        var line = ""
        for x in 0..<width where !self[x, y].isContinuation { line += self[x, y].text }
        return line
    }

    /// Every row joined by newlines.
    package var text: String { (0..<height).map { text(row: $0) }.joined(separator: "\n") }
}

/// A piece of text with one style, for lines that mix styles.
package struct Span: Hashable, Sendable {
    package var text: String
    package var style: StyleRole
    package init(_ text: String, _ style: StyleRole = .normal) {
        self.text = text
        self.style = style
    }
}
