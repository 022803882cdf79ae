import Foundation
import SwitchboardTestSupport
import Testing
@testable import SwitchboardTUI

@Suite struct FrameTests {
    @Test func widthsOfCommonText() {
        #expect("abc".displayWidth == 3)
        #expect("北京".displayWidth == 4)
        #expect("한국".displayWidth == 4)
        #expect("😀".displayWidth == 2)
        #expect("e\u{301}".displayWidth == 1)
        #expect("❤️".displayWidth == 2)
        #expect("👩‍💻".displayWidth == 2)
        #expect("•◂▸│".displayWidth == 4)
    }

    @Test func clipsAndPadsByColumns() {
        #expect("北京商贸".clipped(toWidth: 5) == "北京")
        #expect("北京商贸".padded(toWidth: 5) == "北京 ")
        #expect("abcdef".truncated(toWidth: 4) == "abc…")
        #expect("a long sentence to wrap".wrapped(toWidth: 10) == ["a long", "sentence", "to wrap"])
        #expect("北北北".wrapped(toWidth: 1) == ["北", "北", "北"])
    }

    @Test func wideCharacterTakesTwoCells() {
        var frame = Frame(size: Size(width: 5, height: 1))
        frame.write("a北b", x: 0, y: 0)
        #expect(frame[1, 0].width == 2)
        #expect(frame[2, 0].isContinuation)
        #expect(frame.text(row: 0) == "a北b ")
    }

    @Test func wideCharacterNeverStraddlesTheEdge() {
        var frame = Frame(size: Size(width: 3, height: 1))
        frame.write("ab北", x: 0, y: 0)
        #expect(frame.text(row: 0) == "ab ")
        frame.write("北北", x: 0, y: 0, maxWidth: 3)
        #expect(frame.text(row: 0) == "北 ")
    }

    @Test func overwritingHalfAWideCharacterBlanksTheOtherHalf() {
        var frame = Frame(size: Size(width: 4, height: 1))
        frame.write("北京", x: 0, y: 0)
        frame.write("x", x: 1, y: 0)
        #expect(frame.text(row: 0) == " x京")
        frame.write("y", x: 2, y: 0)
        #expect(frame.text(row: 0) == " xy ")
    }

    @Test func goldenTextCarriesStylesAndLegend() {
        var frame = Frame(size: Size(width: 6, height: 1))
        frame.write("[ ok ]", x: 0, y: 0, style: .badge(.ok))
        #expect(frame.goldenText.contains("111111"))
        #expect(frame.goldenText.contains("1 badge.ok"))
    }
}

@Suite struct LongValueTests {
    static let host = "https://prod-useast-a.online.tableau.com/api/3.22/sites/marketing-analytics"

    /// acme/sync-invoices at 60×16 (label above value), its crm Host URL set to a long value.
    func harness() throws -> Harness {
        let backend = InMemoryWizardBackend.demo()
        let id = try backend.instances().first { $0.name == "acme/sync-invoices" }!.id
        try backend.seed(instance: id, variable: "crm", values: ["host": Self.host], outcome: .ok)
        var h = Harness(size: Size(width: 60, height: 16), backend: backend)
        h.open("acme/sync-invoices")
        return h
    }

    func hostRow(_ h: Harness) -> String {
        let rows = h.screen.split(separator: "\n").map(String.init)
        guard let label = rows.firstIndex(where: { $0.contains("Host URL") }), label + 1 < rows.count else { return "" }
        return rows[label + 1]
    }

    @Test func anUnfocusedLongValueShowsItsStartWithAnEllipsis() throws {
        let h = try harness()
        let row = hostRow(h)
        #expect(row.contains("https://prod-useast-a.online"))
        #expect(row.trimmingCharacters(in: .whitespaces).hasSuffix("…"))
        #expect(!row.contains("marketing-analytics"))
    }

    @Test func whileEditingTheViewFollowsTheCaret() throws {
        var h = try harness()
        h.focus("host")
        #expect(hostRow(h).contains("marketing-analytics"))
        #expect(h.frame.cursor != nil)
        h.press(.home)
        #expect(hostRow(h).contains("https://prod-useast-a"))
        // Leaving the field shows its start again.
        h.press(.end, .tab)
        #expect(hostRow(h).contains("https://prod-useast-a.online"))
    }
}
