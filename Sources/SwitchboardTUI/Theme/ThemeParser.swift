/// Why a theme could not be used; the sentence names the file, line and key.
package struct ThemeError: Error, Equatable, Sendable, CustomStringConvertible {
    package var file: String
    package var line: Int?
    package var key: String?
    package var message: String

    package var description: String {
        var out = "theme \(file)"
        if let line { out += ":\(line)" }
        if let key { out += ": \(key)" }
        return out + ": " + message
    }
}

/// Reads theme files: `key = value` lines, `#` comments. A value is an optional colour
/// part (`green`, `white on red`, `on blue`) followed by comma-separated attributes:
/// `badge.ok = green, bold`. Keys a file leaves out take the fallback theme's style.
package enum ThemeParser {
    static let attributes = ["bold", "dim", "underline", "reverse", "normal"]

    package static func parse(_ text: String, file: String, fallback: Theme? = .mono) throws -> Theme {
        var styles = fallback?.styles ?? [:]
        var glyphs = fallback?.glyphs ?? .unicode
        var name = themeName(fromPath: file)
        let roles = Dictionary(uniqueKeysWithValues: StyleRole.all.map { ($0.themeKey, $0) })
        for (offset, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let lineNumber = offset + 1
            let line = rawLine.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? ""
            let trimmed = line.trimmed
            if trimmed.isEmpty { continue }
            guard let equals = trimmed.firstIndex(of: "=") else {
                throw ThemeError(file: file, line: lineNumber, key: nil, message: "expected `key = value`, found `\(trimmed)`")
            }
            let key = String(trimmed[..<equals]).trimmed
            let value = String(trimmed[trimmed.index(after: equals)...]).trimmed
            func fail(_ message: String) -> ThemeError { ThemeError(file: file, line: lineNumber, key: key, message: message) }
            switch key {
            case "name":
                name = value
            case "borders":
                switch value {
                case "unicode": glyphs = .unicode
                case "ascii": glyphs = .ascii
                default: throw fail("expected `unicode` or `ascii`, found `\(value)`")
                }
            default:
                guard let role = roles[key] else {
                    throw fail("unknown key (known keys: name, borders, \(StyleRole.all.map(\.themeKey).joined(separator: ", ")))")
                }
                do {
                    styles[role] = try parseStyle(value)
                } catch let problem as StyleProblem {
                    throw fail(problem.message)
                }
            }
        }
        return Theme(name: name, styles: styles, glyphs: glyphs, source: file)
    }

    struct StyleProblem: Error { var message: String }

    /// `white on red, bold` → colours and attributes.
    static func parseStyle(_ value: String) throws -> TextStyle {
        var style = TextStyle()
        let parts = value.split(separator: ",").map { String($0).trimmed }
        guard !parts.isEmpty, !parts.contains(where: \.isEmpty) else {
            throw StyleProblem(message: "empty value (expected e.g. `green on default, bold`)")
        }
        for (index, part) in parts.enumerated() {
            let word = part.lowercased()
            if attributes.contains(word) {
                switch word {
                case "bold": style.bold = true
                case "dim": style.dim = true
                case "underline": style.underline = true
                case "reverse": style.reverse = true
                default: break
                }
                continue
            }
            guard index == 0 else {
                throw StyleProblem(message: "unknown attribute `\(part)` (expected \(attributes.joined(separator: ", ")))")
            }
            let words = word.split(separator: " ").map(String.init)
            var foreground: String?
            var background: String?
            switch words.count {
            case 1: foreground = words[0]
            case 2 where words[0] == "on": background = words[1]
            case 3 where words[1] == "on": foreground = words[0]; background = words[2]
            default: throw StyleProblem(message: "cannot read `\(part)` (expected `COLOUR`, `COLOUR on COLOUR` or `on COLOUR`)")
            }
            for (slot, colourName) in [(0, foreground), (1, background)] {
                guard let colourName else { continue }
                guard let colour = ThemeColor(name: colourName) else {
                    throw StyleProblem(message: "unknown colour `\(colourName)` (expected default, grey, "
                        + "\(ThemeColor.names.joined(separator: ", ")), bright-NAME or color0…color255)")
                }
                if slot == 0 { style.foreground = colour } else { style.background = colour }
            }
        }
        return style
    }
}

/// `themes/solarized.theme` → `solarized`.
func themeName(fromPath path: String) -> String {
    let last = path.split(separator: "/").last.map(String.init) ?? path
    return last.hasSuffix(".theme") ? String(last.dropLast(6)) : last
}

extension String {
    var trimmed: String {
        var slice = Substring(self)
        while let first = slice.first, first.isWhitespace { slice.removeFirst() }
        while let last = slice.last, last.isWhitespace { slice.removeLast() }
        return String(slice)
    }
}
