/// A colour as a theme file names it.
package enum ThemeColor: Hashable, Sendable {
    /// The terminal's own foreground or background.
    case terminalDefault
    /// One of the eight ANSI colours (0 black … 7 white), optionally the bright variant.
    case ansi(Int, bright: Bool)
    /// Grey: bright black where 16 colours exist.
    case grey
    /// An xterm-256 palette index (`color208`).
    case indexed(Int)

    static let names = ["black", "red", "green", "yellow", "blue", "magenta", "cyan", "white"]

    /// Parses `red`, `bright-red`, `grey`/`gray`, `default`, `color0`…`color255`.
    package init?(name raw: String) {
        let name = raw.lowercased()
        if name == "default" { self = .terminalDefault; return }
        if name == "grey" || name == "gray" { self = .grey; return }
        if let index = Self.names.firstIndex(of: name) { self = .ansi(index, bright: false); return }
        if name.hasPrefix("bright-"), let index = Self.names.firstIndex(of: String(name.dropFirst(7))) {
            self = .ansi(index, bright: true)
            return
        }
        if name.hasPrefix("color"), let n = Int(name.dropFirst(5)), (0...255).contains(n) { self = .indexed(n); return }
        return nil
    }

    /// The curses colour number for a terminal with `colors` colours (-1 = default),
    /// and whether bold must stand in for brightness on an 8-colour terminal.
    package func cursesColor(colors: Int) -> (number: Int, needsBold: Bool) {
        switch self {
        case .terminalDefault:
            return (-1, false)
        case .ansi(let base, let bright):
            if !bright { return (base, false) }
            return colors >= 16 ? (base + 8, false) : (base, true)
        case .grey:
            return colors >= 16 ? (8, false) : (7, false)
        case .indexed(let n):
            if n < colors { return (n, false) }
            if n < 16 { return (n % 8, n >= 8) }
            return (Self.nearestBase(n), false)
        }
    }

    /// Maps an xterm-256 index onto the eight base colours.
    static func nearestBase(_ n: Int) -> Int {
        if n >= 232 { return n < 244 ? 0 : 7 }
        let cube = n - 16
        let r = cube / 36, g = (cube / 6) % 6, b = cube % 6
        return (r > 2 ? 1 : 0) | (g > 2 ? 2 : 0) | (b > 2 ? 4 : 0)
    }
}
