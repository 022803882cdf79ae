/// A key press, already decoded from bytes or curses key codes.
package enum Key: Hashable, Sendable {
    /// A printable character, typed as is.
    case char(Character)
    /// Ctrl with a letter, lower case: `.ctrl("s")` is ^S.
    case ctrl(Character)
    /// Alt (Meta) with a character: `.alt("b")`.
    case alt(Character)
    case up, down, left, right, home, end, pageUp, pageDown
    /// Ctrl-← / Ctrl-→ (and Alt-← / Alt-→): jump by word.
    case wordLeft, wordRight
    case backspace, delete, enter, tab, backTab, escape
    case function(Int)

    /// Decodes one scalar typed without any escape prefix.
    package init(scalar: Unicode.Scalar) {
        switch scalar.value {
        case 0x08, 0x7F: self = .backspace
        case 0x09: self = .tab
        case 0x0A, 0x0D: self = .enter
        case 0x1B: self = .escape
        case 0x01...0x1A: self = .ctrl(Character(Unicode.Scalar(scalar.value + 0x60)!))
        default: self = .char(Character(scalar))
        }
    }

    /// How the help line names the key.
    package var label: String {
        switch self {
        case .char(" "): "Space"
        case .char(let c): String(c)
        case .ctrl(let c): "^" + c.uppercased()
        case .alt(let c): "M-" + String(c)
        case .up: "↑"
        case .down: "↓"
        case .left: "←"
        case .right: "→"
        case .home: "Home"
        case .end: "End"
        case .pageUp: "PgUp"
        case .pageDown: "PgDn"
        case .wordLeft: "^←"
        case .wordRight: "^→"
        case .backspace: "Bksp"
        case .delete: "Del"
        case .enter: "Enter"
        case .tab: "Tab"
        case .backTab: "S-Tab"
        case .escape: "Esc"
        case .function(let n): "F\(n)"
        }
    }
}
