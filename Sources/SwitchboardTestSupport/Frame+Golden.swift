import SwitchboardTUI

extension Frame {
    /// The frame as reviewable plain text: the characters, then one legend symbol per
    /// cell, then the legend for the symbols used. Golden files store exactly this.
    package var goldenText: String {
        var out = "size \(size)"
        if let cursor { out += " cursor \(cursor.x),\(cursor.y)" }
        out += "\n"
        for y in 0..<height { out += "|" + text(row: y) + "|\n" }
        out += "-- styles --\n"
        var used = Set<StyleRole>()
        for y in 0..<height {
            var line = ""
            for x in 0..<width {
                let cell = self[x, y]
                if cell.isContinuation { line.append("<"); continue }
                line.append(cell.style.legendSymbol)
                used.insert(cell.style)
            }
            out += line + "\n"
        }
        out += "-- legend --\n"
        out += "< second column of a wide character\n"
        for role in StyleRole.all where used.contains(role) {
            out += "\(role.legendSymbol) \(role.themeKey)\n"
        }
        return out
    }
}
