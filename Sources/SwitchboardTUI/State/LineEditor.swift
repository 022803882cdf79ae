/// The text of one field being edited, with a cursor. Multi-line text is the same
/// thing with newlines in it; Home/End and Ctrl-A/E then work on the cursor's line.
package struct LineEditor: Hashable, Sendable {
    package private(set) var characters: [Character]
    /// Index into `characters`, 0...count.
    package private(set) var cursor: Int

    package init(_ text: String = "") {
        characters = Array(text)
        cursor = characters.count
    }

    package var text: String { String(characters) }
    package var isEmpty: Bool { characters.isEmpty }

    package mutating func insert(_ text: String) {
        let new = Array(text)
        characters.insert(contentsOf: new, at: cursor)
        cursor += new.count
    }

    package mutating func backspace() {
        guard cursor > 0 else { return }
        characters.remove(at: cursor - 1)
        cursor -= 1
    }

    package mutating func deleteForward() {
        guard cursor < characters.count else { return }
        characters.remove(at: cursor)
    }

    package mutating func moveLeft() { cursor = max(0, cursor - 1) }
    package mutating func moveRight() { cursor = min(characters.count, cursor + 1) }
    package mutating func moveToLineStart() { cursor = lineStart(of: cursor) }
    package mutating func moveToLineEnd() { cursor = lineEnd(of: cursor) }

    /// Ctrl-U: delete from the start of the line to the cursor.
    package mutating func killToLineStart() {
        let start = lineStart(of: cursor)
        characters.removeSubrange(start..<cursor)
        cursor = start
    }

    /// Ctrl-K: delete from the cursor to the end of the line.
    package mutating func killToLineEnd() {
        characters.removeSubrange(cursor..<lineEnd(of: cursor))
    }

    /// Ctrl-W: delete the word before the cursor.
    package mutating func deleteWordBackward() {
        let start = wordStart(before: cursor)
        characters.removeSubrange(start..<cursor)
        cursor = start
    }

    package mutating func moveWordLeft() { cursor = wordStart(before: cursor) }

    package mutating func moveWordRight() {
        var i = cursor
        while i < characters.count, !isWordCharacter(characters[i]) { i += 1 }
        while i < characters.count, isWordCharacter(characters[i]) { i += 1 }
        cursor = i
    }

    /// Moves to the same column of the previous line; false when already on the first.
    package mutating func moveLineUp() -> Bool {
        let start = lineStart(of: cursor)
        guard start > 0 else { return false }
        let column = cursor - start
        let previousStart = lineStart(of: start - 1)
        cursor = min(previousStart + column, start - 1)
        return true
    }

    /// Moves to the same column of the next line; false when already on the last.
    package mutating func moveLineDown() -> Bool {
        let end = lineEnd(of: cursor)
        guard end < characters.count else { return false }
        let column = cursor - lineStart(of: cursor)
        cursor = min(end + 1 + column, lineEnd(of: end + 1))
        return true
    }

    /// Line number and column (in characters) of the cursor.
    package var cursorLineAndColumn: (line: Int, column: Int) {
        let line = characters[..<cursor].filter { $0 == "\n" }.count
        return (line, cursor - lineStart(of: cursor))
    }

    private func lineStart(of index: Int) -> Int {
        var i = index
        while i > 0, characters[i - 1] != "\n" { i -= 1 }
        return i
    }

    private func lineEnd(of index: Int) -> Int {
        var i = index
        while i < characters.count, characters[i] != "\n" { i += 1 }
        return i
    }

    private func wordStart(before index: Int) -> Int {
        var i = index
        while i > 0, !isWordCharacter(characters[i - 1]) { i -= 1 }
        while i > 0, isWordCharacter(characters[i - 1]) { i -= 1 }
        return i
    }

    private func isWordCharacter(_ c: Character) -> Bool { c.isLetter || c.isNumber || c == "_" }
}
