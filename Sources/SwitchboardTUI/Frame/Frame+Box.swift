/// Line-drawing characters; the `ascii` set serves themes for terminals without them.
package struct BoxGlyphs: Hashable, Sendable {
    package var horizontal, vertical, topLeft, topRight, bottomLeft, bottomRight, teeDown, teeUp: Character

    package static let unicode = BoxGlyphs(
        horizontal: "─", vertical: "│", topLeft: "┌", topRight: "┐", bottomLeft: "└", bottomRight: "┘",
        teeDown: "┬", teeUp: "┴")
    package static let ascii = BoxGlyphs(
        horizontal: "-", vertical: "|", topLeft: "+", topRight: "+", bottomLeft: "+", bottomRight: "+",
        teeDown: "+", teeUp: "+")
}

extension Frame {
    /// A horizontal rule with an optional title set into it: `── Log: crm ─────`.
    package mutating func rule(x: Int, y: Int, width w: Int, title: String? = nil, glyphs: BoxGlyphs, style: StyleRole = .border) {
        guard w > 0 else { return }
        for column in x..<(x + w) { put(glyphs.horizontal, x: column, y: y, style: style) }
        if let title, w > 6 {
            write(" \(title) ", x: x + 2, y: y, maxWidth: w - 4, style: .title)
        }
    }

    /// A vertical line.
    package mutating func verticalRule(x: Int, y: Int, height h: Int, glyphs: BoxGlyphs, style: StyleRole = .border) {
        guard h > 0 else { return }
        for row in y..<(y + h) { put(glyphs.vertical, x: x, y: row, style: style) }
    }

    /// A bordered, blank-filled box, used by dialogs drawn over a screen.
    package mutating func box(x: Int, y: Int, width w: Int, height h: Int, title: String? = nil, glyphs: BoxGlyphs) {
        guard w >= 2, h >= 2 else { return }
        fill(x: x, y: y, width: w, height: h)
        rule(x: x, y: y, width: w, title: title, glyphs: glyphs)
        rule(x: x, y: y + h - 1, width: w, glyphs: glyphs)
        verticalRule(x: x, y: y, height: h, glyphs: glyphs)
        verticalRule(x: x + w - 1, y: y, height: h, glyphs: glyphs)
        put(glyphs.topLeft, x: x, y: y, style: .border)
        put(glyphs.topRight, x: x + w - 1, y: y, style: .border)
        put(glyphs.bottomLeft, x: x, y: y + h - 1, style: .border)
        put(glyphs.bottomRight, x: x + w - 1, y: y + h - 1, style: .border)
    }
}
