import SwitchboardCore

extension Renderer {
    /// A field: a two-column gutter (`▸` focused, `✎` changed), the label with `*` when
    /// required, the value, and the error line under the value when there is one. With
    /// `labelWidth` the value sits beside the label; without, on the line below.
    mutating func drawField(_ field: FieldEdit, focused: Bool, x: Int, y: Int, width w: Int, labelWidth: Int?) {
        let gutter = focused ? "▸ " : field.isDirty ? "✎ " : "  "
        frame.write(gutter, x: x, y: y, style: focused ? .focus : .dim)
        let labelRoom = (labelWidth ?? w) - 3
        var used = frame.write(field.label.truncated(toWidth: labelRoom - (field.state.definition.required ? 2 : 0)),
                               x: x + 2, y: y, style: focused ? .focus : .normal)
        if field.state.definition.required && field.isEditable {
            used += frame.write(" *", x: x + 2 + used, y: y, style: .required)
        }
        let boxX = x + (labelWidth ?? 2)
        let boxY = labelWidth == nil ? y + 1 : y
        let boxWidth = max(1, x + w - boxX)
        let rows = valueRows(field)
        let style: StyleRole = focused ? .inputFocus : .input
        switch field.type {
        case .boolean:
            let on = field.editor.text == "true"
            let shown = frame.write(on ? "[x] yes" : "[ ] no ", x: boxX, y: boxY, maxWidth: boxWidth, style: style)
            if focused { frame.write("  Space toggles", x: boxX + shown, y: boxY, maxWidth: boxWidth - shown, style: .dim) }
        case .picklist:
            let choices = field.state.definition.choices
            let index = choices.firstIndex { $0.value == field.editor.text }
            let label = index.map { choices[$0].label } ?? field.editor.text
            let shown = frame.write("◂ \(label) ▸", x: boxX, y: boxY, maxWidth: boxWidth, style: style)
            let position = index.map { "  \($0 + 1) of \(choices.count)" } ?? "  not a choice"
            frame.write(position + (focused ? " · ←→" : ""), x: boxX + shown, y: boxY, maxWidth: boxWidth - shown, style: .dim)
        case .template:
            // A template over a secret is a secret (SPEC §12): masked unless revealed.
            let masked = field.state.isSecret && !(field.revealed && state.mayReveal)
            let value = field.state.effectiveValue.map { masked ? "•••••• (derived from a secret)" : $0 } ?? "(derived from other fields)"
            frame.write(value, x: boxX, y: boxY, maxWidth: boxWidth, style: .dim)
        case .string, .url, .password, .text:
            frame.fill(x: boxX, y: boxY, width: boxWidth, height: rows, style: style)
            let caret = drawText(field, focused: focused, x: boxX, y: boxY, width: boxWidth, rows: rows, style: style)
            if focused, let caret { frame.cursor = caret }
        }
        for (offset, line) in errorLines(field, width: w).enumerated() {
            frame.write(line, x: x + 2, y: boxY + rows + offset, maxWidth: w - 2, style: .error)
        }
    }

    /// The field's visible error under it, wrapped to at most two lines.
    func errorLines(_ field: FieldEdit, width: Int) -> [String] {
        guard let error = field.visibleError else { return [] }
        let lines = ("✗ " + error.description).wrapped(toWidth: max(1, width - 2))
        return lines.count <= 2 ? lines : [lines[0], lines[1...].joined(separator: " ").truncated(toWidth: max(1, width - 2))]
    }

    /// Rows a field takes in the form.
    func fieldRows(_ field: FieldEdit, inline: Bool, width: Int) -> Int {
        (inline ? 0 : 1) + valueRows(field) + errorLines(field, width: width).count
    }

    /// Draws a text field's value (masked when secret) and returns where the caret is.
    /// While editing, the view follows the caret; otherwise a long value shows its start,
    /// cut with an ellipsis (a URL's scheme and host say more than its tail).
    mutating func drawText(_ field: FieldEdit, focused: Bool, x: Int, y: Int, width: Int, rows: Int, style: StyleRole) -> Point? {
        let secret = field.state.isSecret && !field.revealed
        if field.keepsStoredSecret {
            if field.revealed, state.mayReveal, let stored = field.state.effectiveValue {
                frame.write(stored.truncated(toWidth: width), x: x, y: y, maxWidth: width, style: style)
            } else {
                let hint = field.state.storedValue == nil ? "•••••• (default) type to replace" : "•••••• (set) type to replace"
                frame.write(hint, x: x, y: y, maxWidth: width, style: .placeholder)
            }
            return Point(x: x, y: y)
        }
        if field.editor.isEmpty {
            if let placeholder = field.state.definition.placeholder ?? field.state.definition.example {
                frame.write(placeholder, x: x, y: y, maxWidth: width, style: .placeholder)
            }
            return Point(x: x, y: y)
        }
        let characters = secret ? field.editor.characters.map { $0 == "\n" ? "\n" : "•" } : field.editor.characters
        guard focused else {
            let lines = characters.split(separator: "\n", omittingEmptySubsequences: false)
            for row in 0..<rows where lines.indices.contains(row) {
                let line = String(lines[row])
                // The last row says when more lines follow.
                let text = row == rows - 1 && lines.count > rows
                    ? (line.displayWidth > width - 2 ? line.clipped(toWidth: max(0, width - 3)) + "…" : line) + " …"
                    : line.truncated(toWidth: width)
                frame.write(text, x: x, y: y + row, maxWidth: width, style: style)
            }
            return nil
        }
        guard rows > 1 else {
            let window = Self.window(characters, caret: field.editor.cursor, width: width)
            frame.write(window.text, x: x, y: y, maxWidth: width, style: style)
            return Point(x: x + window.caretColumn, y: y)
        }
        // Multi-line: the lines around the caret, each scrolled on its own.
        let lines = characters.split(separator: "\n", omittingEmptySubsequences: false).map(Array.init)
        let (caretLine, caretColumn) = field.editor.cursorLineAndColumn
        let first = max(0, min(caretLine - rows + 1, lines.count - rows))
        var caret = Point(x: x, y: y)
        for row in 0..<rows where lines.indices.contains(first + row) {
            let isCaretLine = first + row == caretLine
            let window = Self.window(lines[first + row], caret: isCaretLine ? caretColumn : 0, width: width)
            frame.write(window.text, x: x, y: y + row, maxWidth: width, style: style)
            if isCaretLine { caret = Point(x: x + window.caretColumn, y: y + row) }
        }
        return caret
    }

    /// The part of a long value that fits, paging by half a field so typing at the end
    /// shifts the view only now and then (each shift repaints the field; a keystroke
    /// otherwise repaints one cell).
    static func window(_ characters: [Character], caret: Int, width: Int) -> (text: String, caretColumn: Int) {
        let widths = characters.map { max(1, DisplayWidth.of($0)) }
        let caretColumn = widths[..<min(caret, widths.count)].reduce(0, +)
        let total = widths.reduce(0, +)
        let room = max(1, width - 1)
        var offset = 0
        if total > room, caretColumn >= room {
            let step = max(1, room / 2)
            offset = ((caretColumn - room) / step + 1) * step
        }
        var text = ""
        var column = 0
        for (character, w) in zip(characters, widths) {
            defer { column += w }
            if column < offset {
                if column + w > offset { text += String(repeating: " ", count: column + w - offset) }
                continue
            }
            if column - offset + w > width { break }
            text.append(character)
        }
        return (text, caretColumn - offset)
    }
}
