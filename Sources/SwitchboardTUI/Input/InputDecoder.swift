import SwitchboardCore

/// What the terminal hands over: a scalar from the byte stream, or a key curses decoded.
package enum InputUnit: Hashable, Sendable {
    case scalar(Unicode.Scalar)
    case key(Key)
}

/// Turns the raw input stream into events. Pure, so it is tested without a terminal.
///
/// It recognises what curses leaves undecoded: bracketed paste (`ESC [200~ … ESC [201~`)
/// becomes one `.paste` whose content is never read as keys, a lone ESC becomes `.escape`
/// only once the input goes idle, `ESC x` is Alt-x, and common CSI/SS3 sequences for
/// arrows and Ctrl-arrows are decoded for terminals whose terminfo lacks them.
package struct InputDecoder: Sendable {
    enum Mode: Hashable, Sendable {
        case normal, escape, csi(String), ss3, paste
    }

    private(set) var mode: Mode = .normal
    /// A paste whose end marker never arrives is delivered after this many idle reads.
    package var pasteIdleLimit: Int
    private var pasteIdleCount = 0
    /// The paste read so far, kept outside `mode`: appending to a copy taken out of the
    /// enum copied the whole text per scalar (a 1 MB paste cost 33 s of CPU).
    private var pasted = String.UnicodeScalarView()
    /// Scalars of the end marker matched so far.
    private var endMatched = 0
    private var pastedCount = 0
    /// A paste is kept up to just past the longest field value, so the field says it is
    /// too long instead of silently keeping a cut value; the rest is read and dropped.
    package static let pasteLimit = FieldValidator.maxValueBytes + 1

    package init(pasteIdleLimit: Int = 20) {
        self.pasteIdleLimit = pasteIdleLimit
    }

    static let pasteStart = "200~"
    static let pasteEnd = "\u{1B}[201~"

    /// True while a sequence is half-read: the caller should poll again quickly.
    package var isPending: Bool { mode != .normal }

    package mutating func feed(_ unit: InputUnit) -> [Event] {
        switch (mode, unit) {
        case (.paste, .scalar(let scalar)):
            pasteIdleCount = 0
            let marker = Array(Self.pasteEnd.unicodeScalars)
            if scalar == marker[endMatched] {
                endMatched += 1
                guard endMatched == marker.count else { return [] }
                return [finishPaste()]
            }
            // A partial marker that did not go on was text after all.
            if endMatched > 0 {
                for held in marker[0..<endMatched] { appendPasted(held) }
                endMatched = scalar == marker[0] ? 1 : 0
                if endMatched == 1 { return [] }
            }
            appendPasted(scalar)
            return []
        case (.paste, .key(let key)):
            // curses may decode pasted bytes as keys; only line breaks and tabs are text.
            if key == .enter { appendPasted("\n") } else if key == .tab { appendPasted("\t") }
            return []
        case (.normal, .scalar(let scalar)):
            if scalar == "\u{1B}" { mode = .escape; return [] }
            return [.key(Key(scalar: scalar))]
        case (.normal, .key(let key)):
            return [.key(key)]
        case (.escape, .scalar(let scalar)):
            switch scalar {
            case "[": mode = .csi(""); return []
            case "O": mode = .ss3; return []
            case "\u{1B}": return [.key(.escape)]
            default:
                mode = .normal
                if scalar.value >= 0x20 { return [.key(.alt(Character(scalar)))] }  // incl. Alt-Backspace (0x7F)
                return [.key(.escape), .key(Key(scalar: scalar))]
            }
        case (.escape, .key(let key)):
            mode = .normal
            switch key {
            case .left: return [.key(.wordLeft)]
            case .right: return [.key(.wordRight)]
            default: return [.key(.escape), .key(key)]
            }
        case (.csi(var body), .scalar(let scalar)):
            body.unicodeScalars.append(scalar)
            if (0x40...0x7E).contains(scalar.value) {
                mode = .normal
                if body == Self.pasteStart {
                    mode = .paste
                    pasted = String.UnicodeScalarView()
                    pastedCount = 0
                    endMatched = 0
                    pasteIdleCount = 0
                    return []
                }
                return Self.decodeCSI(body).map { [.key($0)] } ?? []
            }
            mode = body.count > 16 ? .normal : .csi(body)
            return []
        case (.ss3, .scalar(let scalar)):
            mode = .normal
            return Self.decodeFinal(Character(scalar)).map { [.key($0)] } ?? []
        case (.csi, .key(let key)), (.ss3, .key(let key)):
            mode = .normal
            return [.key(key)]
        }
    }

    /// Called when a read found no input: a pending ESC was a real Escape press.
    package mutating func idle() -> [Event] {
        switch mode {
        case .normal:
            return []
        case .escape:
            mode = .normal
            return [.key(.escape)]
        case .csi, .ss3:
            mode = .normal
            return []
        case .paste:
            pasteIdleCount += 1
            guard pasteIdleCount >= pasteIdleLimit else { return [] }
            // No end marker came: what was held as its start is text too.
            for held in Array(Self.pasteEnd.unicodeScalars)[0..<endMatched] { appendPasted(held) }
            return [finishPaste()]
        }
    }

    private mutating func appendPasted(_ scalar: Unicode.Scalar) {
        // A counter of our own: `count` on a scalar view walks the whole text.
        guard pastedCount < Self.pasteLimit else { return }
        pasted.append(scalar)
        pastedCount += 1
    }

    private mutating func finishPaste() -> Event {
        mode = .normal
        endMatched = 0
        let text = String(pasted)
        pasted = String.UnicodeScalarView()
        pastedCount = 0
        return .paste(text)
    }

    static func decodeCSI(_ body: String) -> Key? {
        switch body {
        case "1;5D", "1;3D", "5D": return .wordLeft
        case "1;5C", "1;3C", "5C": return .wordRight
        case "1~", "7~": return .home
        case "4~", "8~": return .end
        case "3~": return .delete
        case "5~": return .pageUp
        case "6~": return .pageDown
        case "Z": return .backTab
        default: return body.count == 1 ? decodeFinal(Character(body)) : nil
        }
    }

    static func decodeFinal(_ final: Character) -> Key? {
        switch final {
        case "A": .up
        case "B": .down
        case "C": .right
        case "D": .left
        case "H": .home
        case "F": .end
        case "P": .function(1)
        case "Q": .function(2)
        case "R": .function(3)
        case "S": .function(4)
        default: nil
        }
    }
}
