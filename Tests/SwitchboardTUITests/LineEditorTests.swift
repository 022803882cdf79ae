import Testing
@testable import SwitchboardTUI

@Suite struct LineEditorTests {
    func editor(_ text: String, cursor: Int) -> LineEditor {
        var editor = LineEditor(text)
        while editor.cursor > cursor { editor.moveLeft() }
        return editor
    }

    @Test func insertsAnywhere() {
        var e = editor("helo", cursor: 3)
        _ = e.handle(.char("l"))
        #expect(e.text == "hello")
        #expect(e.cursor == 4)
        _ = e.handle(.home)
        _ = e.handle(.char(">"))
        #expect(e.text == ">hello")
    }

    @Test func movesWithArrowsHomeEndAndEmacsKeys() {
        var e = LineEditor("abc")
        _ = e.handle(.left)
        #expect(e.cursor == 2)
        _ = e.handle(.ctrl("a"))
        #expect(e.cursor == 0)
        _ = e.handle(.left)
        #expect(e.cursor == 0)
        _ = e.handle(.ctrl("e"))
        #expect(e.cursor == 3)
        _ = e.handle(.right)
        #expect(e.cursor == 3)
        _ = e.handle(.home)
        _ = e.handle(.right)
        #expect(e.cursor == 1)
        _ = e.handle(.end)
        #expect(e.cursor == 3)
    }

    @Test func deletesBackwardAndForward() {
        var e = editor("abcd", cursor: 2)
        _ = e.handle(.backspace)
        #expect(e.text == "acd" && e.cursor == 1)
        _ = e.handle(.delete)
        #expect(e.text == "ad" && e.cursor == 1)
        _ = e.handle(.home)
        _ = e.handle(.backspace)
        #expect(e.text == "ad")
    }

    @Test func killsToStartAndEnd() {
        var e = editor("hello world", cursor: 5)
        _ = e.handle(.ctrl("k"))
        #expect(e.text == "hello")
        _ = e.handle(.left)
        _ = e.handle(.ctrl("u"))
        #expect(e.text == "o" && e.cursor == 0)
    }

    @Test func jumpsAndDeletesByWord() {
        var e = LineEditor("https://api.acme.test/v1")
        _ = e.handle(.alt("b"))
        #expect(e.cursor == 22)  // before "v1"
        _ = e.handle(.wordLeft)
        #expect(e.cursor == 17)  // before "test"
        _ = e.handle(.wordRight)
        #expect(e.cursor == 21)  // after "test"
        _ = e.handle(.alt("f"))
        #expect(e.cursor == 24)
        _ = e.handle(.ctrl("w"))
        #expect(e.text == "https://api.acme.test/")
    }

    @Test func multilineEnterAndLineKeys() {
        var e = LineEditor("one")
        let singleLineEnter = e.handle(.enter)
        #expect(!singleLineEnter)
        let multilineEnter = e.handle(.enter, multiline: true)
        #expect(multilineEnter)
        e.insert("two")
        #expect(e.text == "one\ntwo")
        #expect(e.cursorLineAndColumn.line == 1)
        _ = e.handle(.ctrl("a"))
        #expect(e.cursor == 4)
        let up = e.moveLineUp()
        #expect(up && e.cursor == 0)
        let upAgain = e.moveLineUp()
        let down = e.moveLineDown()
        let downAgain = e.moveLineDown()
        #expect(!upAgain && down && !downAgain)
    }

    @Test func countsGraphemesNotScalars() {
        var e = LineEditor("e\u{301}👩‍💻x")
        #expect(e.characters.count == 3)
        _ = e.handle(.backspace)
        _ = e.handle(.backspace)
        #expect(e.text == "e\u{301}")
    }
}
