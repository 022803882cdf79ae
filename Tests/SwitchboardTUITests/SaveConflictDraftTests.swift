import Testing
import SwitchboardCore
import SwitchboardTestSupport
@testable import SwitchboardTUI

@Suite struct SaveConflictDraftTests {
    /// acme/sync-invoices on the `store` connection (unconfigured: the secret is missing).
    func openStore(_ h: inout Harness) {
        h.open("acme/sync-invoices")
        h.press(.down)
        h.focus("secretAccessKey")
    }

    @Test func savingUpdatesTheBadge() {
        var h = Harness()
        openStore(&h)
        #expect(h.state.instance?.summary.connections[1].status == .unconfigured)
        h.type("wJalrXUtnFEMI")
        h.press(.ctrl("s"))
        #expect(h.effects.contains(.save(instance: h.state.instance!.instanceID, variable: "store",
                                         changes: ["secretAccessKey": "wJalrXUtnFEMI"], expectedRevision: 1)))
        #expect(h.state.instance?.summary.connections[1].status == .configured)
        #expect(h.screen.contains("Saved store: configured"))
        #expect(h.form?.isDirty == false)
        #expect(h.focused?.keepsStoredSecret == true)
        #expect(!h.screen.contains("wJalrXUtnFEMI"))
        // Back home, the list shows the new badge too.
        h.press(.escape, .escape)
        #expect(h.screen.contains("crm [ ok ] store [ configured ]"))
    }

    @Test func invalidValuesBlockTheSaveAndFocusTheField() {
        var h = Harness()
        h.open("acme/sync-invoices")
        h.focus("tenant")
        h.press(.ctrl("u"))
        h.type("BAD")
        h.press(.tab, .tab, .ctrl("s"))
        #expect(h.focused?.key == "tenant")
        #expect(h.state.message?.text == "Not saved: fix 1 invalid field first")
        #expect(!h.effects.contains { if case .save = $0 { true } else { false } })
    }

    @Test func aConcurrentSaveIsAConflictNeverAnOverwrite() throws {
        var h = Harness()
        openStore(&h)
        h.type("mine")
        try h.backend.simulateConcurrentSave(instance: h.state.instance!.instanceID, variable: "store", changes: ["secretAccessKey": "theirs"])
        h.press(.ctrl("s"))
        guard case .conflict(let variable, _) = h.state.dialog else {
            Issue.record("expected a conflict dialog")
            return
        }
        #expect(variable == "store")
        #expect(h.screen.contains("Changed by another session"))
        #expect(h.form?.changes == ["secretAccessKey": "mine"])
        // Keep mine: the other revision is loaded with my edit on top, and saving now works.
        h.press(.char("k"))
        #expect(h.state.dialog == nil)
        #expect(h.form?.changes == ["secretAccessKey": "mine"])
        #expect(h.form?.detail.revision == 2)
        h.press(.ctrl("s"))
        #expect(h.screen.contains("Saved store"))
    }

    @Test func conflictReloadDiscardsMyEdits() throws {
        var h = Harness()
        openStore(&h)
        h.type("mine")
        try h.backend.simulateConcurrentSave(instance: h.state.instance!.instanceID, variable: "store", changes: ["accessKeyId": "THEIRS"])
        h.press(.ctrl("s"), .char("r"))
        #expect(h.form?.isDirty == false)
        #expect(h.form?.fields.first?.editor.text == "THEIRS")
    }

    @Test func leavingWithChangesAsksAndCanSave() {
        var h = Harness()
        openStore(&h)
        h.type("s3cret")
        h.press(.escape, .escape)
        #expect(h.state.dialog == .confirmLeave)
        #expect(h.screen.contains("You changed store without saving"))
        h.press(.char("s"))
        #expect(h.state.screen == .home)
        #expect(h.screen.contains("store [ configured ]"))
    }

    @Test func leavingWithChangesCanDiscardOrStay() {
        var h = Harness()
        openStore(&h)
        h.type("s3cret")
        h.press(.escape, .escape, .escape)
        #expect(h.state.dialog == nil)
        #expect(h.state.screen == .instance)
        h.press(.escape, .char("d"))
        #expect(h.state.screen == .home)
        #expect(h.screen.contains("store [ unconfigured ]"))
    }

    @Test func ctrlCKeepsUnsavedInputAsADraftAndQuits() throws {
        var h = Harness()
        openStore(&h)
        h.type("typed-but-unsaved")
        h.press(.ctrl("c"))
        #expect(h.quit)
        let id = h.state.instance!.instanceID
        #expect(try h.backend.loadDraft(instance: id) == Draft(instance: id, edits: ["store": ["secretAccessKey": "typed-but-unsaved"]]))
    }

    @Test func theNextSessionOffersTheDraftAndRestoresIt() throws {
        let backend = InMemoryWizardBackend.demo()
        var first = Harness(backend: backend)
        openStore(&first)
        first.type("typed-but-unsaved")
        first.press(.ctrl("c"))

        var second = Harness(backend: backend)
        #expect(second.screen.contains("acme/sync-invoices ✎"))
        second.open("acme/sync-invoices")
        guard case .restoreDraft = second.state.dialog else {
            Issue.record("expected the draft to be offered")
            return
        }
        #expect(second.screen.contains("Unsaved input found"))
        second.press(.char("y"))
        #expect(second.state.instance?.forms["store"]?.changes == ["secretAccessKey": "typed-but-unsaved"])
        #expect(second.screen.contains("store*"))
        second.press(.down)
        second.focus("secretAccessKey")
        second.press(.ctrl("s"))
        #expect(second.screen.contains("Saved store: configured"))
        // With nothing unsaved left, the next tick removes the stored draft.
        second.send(.tick)
        #expect(try backend.loadDraft(instance: second.state.instance!.instanceID) == nil)
    }

    @Test func declinedDraftIsDeleted() throws {
        let backend = InMemoryWizardBackend.demo()
        var first = Harness(backend: backend)
        openStore(&first)
        first.type("x")
        first.press(.ctrl("c"))
        var second = Harness(backend: backend)
        second.open("acme/sync-invoices")
        second.press(.char("n"))
        #expect(try backend.loadDraft(instance: second.state.instance!.instanceID) == nil)
        #expect(second.state.instance?.isDirty == false)
    }

    @Test func ticksKeepTheDraftCurrentWhileTyping() throws {
        var h = Harness()
        openStore(&h)
        h.type("ab")
        h.send(.tick)
        let id = h.state.instance!.instanceID
        #expect(try h.backend.loadDraft(instance: id)?.edits == ["store": ["secretAccessKey": "ab"]])
        h.effects = []
        h.send(.tick)
        #expect(!h.effects.contains { if case .saveDraft = $0 { true } else { false } })
    }

    @Test func testConnectionReportsIntoBadgeAndLog() async {
        var h = Harness()
        h.open("globex/sync-invoices")
        h.press(.char("t"))
        #expect(h.screen.contains("Testing crm…"))
        await h.finishTests()
        #expect(h.state.instance?.summary.connections[0].status == .ok)
        #expect(h.screen.contains("Test of crm passed"))
        #expect(h.screen.contains("test passed (HTTP 200)"))
    }

    @Test func testNeedsSavedValues() {
        var h = Harness()
        h.open("globex/sync-invoices")
        h.focus("tenant")
        h.type("x")
        h.press(.ctrl("t"))
        #expect(h.state.message?.text == "Save first (^S): the test uses the saved values")
        #expect(h.pendingTests.isEmpty)
    }

    @Test func logPaneShowsNewestAtTheBottomLiveAndScrolls() throws {
        var h = Harness()
        h.open("acme/sync-invoices")
        let id = h.state.instance!.instanceID
        try h.backend.appendLog(instance: id, variable: "crm", level: .error, source: "run", message: "written by another process")
        h.send(.tick)
        let rows = h.screen.split(separator: "\n")
        let newest = try #require(rows.firstIndex { $0.contains("written by another process") })
        let older = try #require(rows.firstIndex { $0.contains("step fetch succeeded") })
        #expect(older < newest)
        for n in 0..<20 { try h.backend.appendLog(instance: id, variable: "crm", level: .info, source: "run", message: "entry \(n)") }
        h.send(.tick)
        h.press(.pageUp)
        #expect(h.state.instance!.logScroll > 0)
        #expect(h.screen.contains("newer below"))
        h.press(.char("l"))
        #expect(!h.screen.contains("Log · crm"))
    }
}

@Suite struct DraftNoticeTests {
    @Test func homeMentionsWaitingDraftsOnce() throws {
        let backend = InMemoryWizardBackend.demo()
        try backend.saveDraft(Draft(instance: "i1", edits: ["crm": ["tenant": "x"]]))
        var h = Harness(backend: backend)
        #expect(h.screen.contains("✎ acme/sync-invoices has unsaved input; open it to restore"))
        h.press(.char("r"))
        #expect(h.state.message?.text.hasPrefix("✎") == true)
    }
}
