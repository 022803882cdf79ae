import Testing
import SwitchboardCore
@testable import SwitchboardTUI

@Suite struct FormEditingTests {
    /// acme/sync-invoices, form focused on `key`.
    func harness(focus key: String, role: Role = .team) -> Harness {
        var h = Harness(role: role)
        h.open("acme/sync-invoices")
        h.focus(key)
        return h
    }

    @Test func defaultsArePrefilledAndRequiredFieldsMarked() {
        let h = harness(focus: "host")
        #expect(h.focused?.editor.text == "https://api.acme.test")
        #expect(h.screen.contains("Host URL *"))
        #expect(h.screen.contains("◂ EU ▸"))
    }

    @Test func editingKeysWorkInsideAField() {
        var h = harness(focus: "tenant")
        h.press(.ctrl("u"))
        h.type("acmeprod")
        h.press(.left, .left, .left, .left)
        h.type("-")
        h.press(.home)
        h.type("x")
        h.press(.end, .backspace, .ctrl("a"), .delete)
        #expect(h.focused?.editor.text == "acme-pro")
        h.press(.end, .wordLeft, .ctrl("k"))
        #expect(h.focused?.editor.text == "acme-")
        #expect(h.form?.changes == ["tenant": "acme-"])
    }

    @Test func invalidValueShowsItsErrorOnceTheFieldIsLeft() {
        var h = harness(focus: "tenant")
        h.press(.ctrl("u"))
        h.type("Not Valid")
        #expect(!h.screen.contains("does not match"))
        h.press(.tab)
        #expect(h.screen.contains("✗ Tenant does not match the required pattern"))
        h.press(.backTab)
        h.press(.ctrl("u"))
        h.type("ok-now")
        #expect(!h.screen.contains("does not match"))
    }

    @Test func aBadURLIsExplainedInline() {
        var h = harness(focus: "host")
        h.press(.ctrl("u"))
        h.type("ftp://files")
        h.press(.tab)
        #expect(h.screen.contains("✗ Host URL must be a URL: the scheme must be http or"))
        #expect(h.screen.contains("https, not ftp"))
    }

    @Test func leavingTheFormWithAnErrorSaysSo() {
        var h = harness(focus: "host")
        h.press(.ctrl("u"))
        h.press(.escape)
        #expect(h.state.message?.text == "Host URL is required")
        #expect(h.state.message?.isError == true)
    }

    @Test func typedSecretsAreMaskedAndOnlyTeamCanReveal() {
        var h = harness(focus: "apiKey")
        #expect(h.screen.contains("•••••• (set) type to replace"))
        #expect(!h.screen.contains("k-123456"))
        h.type("hunter2")
        #expect(h.screen.contains("•••••••"))
        #expect(!h.screen.contains("hunter2"))
        h.press(.ctrl("r"))
        #expect(h.screen.contains("hunter2"))
    }

    @Test func aStoredSecretIsKeptUnlessReplaced() {
        var h = harness(focus: "apiKey")
        #expect(h.form?.changes == [:])
        h.press(.ctrl("s"))
        #expect(h.state.message?.text == "Nothing to save: no field was changed")
        h.press(.backspace)  // deleting a kept secret clears it: an explicit change
        #expect(h.form?.changes == ["apiKey": ""])
        h.press(.ctrl("z"))
        #expect(h.form?.changes == [:])
        #expect(h.focused?.keepsStoredSecret == true)
    }

    @Test func booleanTogglesAndPicklistCycles() {
        var h = harness(focus: "verbose")
        h.press(.char(" "))
        #expect(h.focused?.editor.text == "true")
        h.press(.char("n"))
        #expect(h.focused?.editor.text == "false")
        h.press(.backTab)
        #expect(h.focused?.key == "region")
        h.press(.right)
        #expect(h.focused?.editor.text == "us")
        h.press(.left, .left)
        #expect(h.focused?.editor.text == "ap")
        h.press(.char("e"))
        #expect(h.focused?.editor.text == "eu")
        #expect(h.screen.contains("◂ EU ▸"))
    }

    @Test func multiLineTextTakesEnterAndLineMoves() {
        var h = harness(focus: "notes")
        h.type("first")
        h.press(.enter)
        h.type("second")
        #expect(h.focused?.editor.text == "first\nsecond")
        h.press(.up)
        #expect(h.focused?.key == "notes")
        h.press(.up)
        #expect(h.focused?.key == "verbose")
        #expect(h.screen.contains("first"))
        #expect(h.screen.contains("second"))
    }

    @Test func pasteGoesInAsTextWhateverItContains() {
        var h = harness(focus: "tenant")
        h.press(.ctrl("u"))
        let long = String(repeating: "abc-", count: 1_100)
        h.send(.paste(long + "\r\n"))
        #expect(h.focused?.editor.text == long)
        #expect(h.focused?.key == "tenant")
        #expect(h.state.instance?.focus == .form)
        // The caret is at the end and the field shows the text's tail.
        #expect(h.frame.cursor != nil)
        #expect(h.screen.contains("abc-abc-"))
    }

    @Test func pastingIntoAKeptSecretReplacesIt() {
        var h = harness(focus: "apiKey")
        h.send(.paste("new-key"))
        #expect(h.form?.changes == ["apiKey": "new-key"])
    }

    @Test func unicodeValuesAlignInTheForm() {
        var h = harness(focus: "notes")
        h.type("北京 😀 ok")
        let row = h.frame.cursor!.y
        #expect(h.frame.text(row: row).contains("北京 😀 ok"))
        #expect(h.frame.cursor!.x == h.frame.text(row: row).firstRange(of: "北")!.lowerBound.utf16Offset(in: h.frame.text(row: row))
            + "北京 😀 ok".displayWidth)
    }

    @Test func longValuesPageRatherThanShiftEveryKeystroke() {
        let characters = Array(String(repeating: "x", count: 100))
        let a = Renderer.window(characters, caret: 60, width: 40)
        let b = Renderer.window(characters, caret: 61, width: 40)
        #expect(a.text == b.text)
        #expect(b.caretColumn == a.caretColumn + 1)
        #expect(Renderer.window(characters, caret: 100, width: 40).caretColumn < 40)
    }
}
