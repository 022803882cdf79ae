extension LineEditor {
    /// Applies a text-editing key (readline-style). Returns false for keys that are not
    /// editing keys, so the form can treat them as navigation or commands.
    package mutating func handle(_ key: Key, multiline: Bool = false) -> Bool {
        switch key {
        case .char(let c): insert(String(c))
        case .left, .ctrl("b"): moveLeft()
        case .right, .ctrl("f"): moveRight()
        case .home, .ctrl("a"): moveToLineStart()
        case .end, .ctrl("e"): moveToLineEnd()
        case .wordLeft, .alt("b"): moveWordLeft()
        case .wordRight, .alt("f"): moveWordRight()
        case .backspace: backspace()
        case .delete, .ctrl("d"): deleteForward()
        case .ctrl("u"): killToLineStart()
        case .ctrl("k"): killToLineEnd()
        case .ctrl("w"), .alt("\u{7F}"): deleteWordBackward()
        case .enter where multiline: insert("\n")
        default: return false
        }
        return true
    }

    /// Whether `key` changes the text (as opposed to only moving the cursor).
    package static func modifiesText(_ key: Key, multiline: Bool = false) -> Bool {
        switch key {
        case .char, .backspace, .delete, .ctrl("d"), .ctrl("u"), .ctrl("k"), .ctrl("w"), .alt("\u{7F}"): true
        case .enter: multiline
        default: false
        }
    }
}
