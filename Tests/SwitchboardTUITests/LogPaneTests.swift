import SwitchboardCore
@testable import SwitchboardTUI
import Testing

@Suite struct LogPaneTests {
    func harnessWithLog(_ messages: [String], size: Size = Size(width: 80, height: 24)) throws -> Harness {
        var h = Harness(size: size)
        h.open("globex/sync-invoices")
        h.press(.down)
        let id = h.state.instance!.instanceID
        for message in messages {
            try h.backend.appendLog(instance: id, variable: "store", level: .error, source: "run", message: message)
        }
        h.send(.tick)
        return h
    }

    @Test func aLongEntryWrapsUnderItsMessageColumn() throws {
        let reason = "AccessDenied: the bucket policy of sb-archive-eu denies s3:PutObject for arn:aws:iam::1234:user/uploader"
        let h = try harnessWithLog([reason])
        let rows = h.screen.split(separator: "\n").map(String.init)
        let first = try #require(rows.firstIndex { $0.contains("run demo: AccessDenied") })
        // Every word of the message is on screen, the continuation indented past time and level.
        let continued = rows[first + 1]
        #expect(continued.hasPrefix(String(repeating: " ", count: 24)))
        #expect(!continued.trimmingCharacters(in: .whitespaces).isEmpty)
        var last = first + 1
        while last + 1 < rows.count, rows[last + 1].hasPrefix(String(repeating: " ", count: 24)),
              !rows[last + 1].trimmingCharacters(in: .whitespaces).isEmpty { last += 1 }
        let text = rows[first...last].map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: " ")
        for word in reason.split(separator: " ") { #expect(text.contains(word), "\(word)") }
    }

    @Test func anEntryTakesAtMostFourRowsAndSaysItWasCut() {
        let long = Array(repeating: "word", count: 200).joined(separator: " ")
        let rows = Renderer.logRows(long, width: 40, maxRows: Renderer.maxRowsPerLogEntry)
        #expect(rows.count == 4)
        #expect(rows.last?.hasSuffix("…") == true)
        #expect(rows.allSatisfy { $0.displayWidth <= 40 })
        #expect(Renderer.logRows("short", width: 40, maxRows: 4) == ["short"])
    }

    @Test func theOldestEntryShownKeepsItsTimeWhenItDoesNotFit() throws {
        let h = try harnessWithLog(["first " + String(repeating: "x ", count: 60), "second entry"], size: Size(width: 60, height: 16))
        let rows = h.screen.split(separator: "\n").map(String.init)
        let rule = try #require(rows.firstIndex { $0.contains("Log · store") })
        // Every row under the rule that has text belongs to an entry whose first row is shown.
        #expect(rows[rule + 1].contains("error"))
        #expect(rows.contains { $0.contains("second entry") })
    }
}
