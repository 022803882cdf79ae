import Testing
@testable import SwitchboardTUI

@Suite struct InputDecoderTests {
    func feedAll(_ text: String, into decoder: inout InputDecoder) -> [Event] {
        text.unicodeScalars.flatMap { decoder.feed(.scalar($0)) }
    }

    @Test func bracketedPasteIsOneEventNeverKeys() {
        var decoder = InputDecoder()
        let body = String(repeating: "q\u{03}/\tnx", count: 700) + "\u{1B}[A" + "https://example.test/?a=1&b=2"
        #expect(body.count > 4_000)
        let events = feedAll("\u{1B}[200~" + body + "\u{1B}[201~", into: &decoder)
        #expect(events == [.paste(body)])
        #expect(!decoder.isPending)
    }

    @Test func aHugePasteIsCappedJustPastTheValueLimitAndStillEnds() {
        var decoder = InputDecoder()
        var events = feedAll("\u{1B}[200~", into: &decoder)
        // 2 MB in one paste: before, each scalar copied the text so far (quadratic).
        for _ in 0..<(2 << 20) { events += decoder.feed(.scalar("x")) }
        events += feedAll("\u{1B}[201~z", into: &decoder)
        #expect(events.count == 2)
        guard case .paste(let text) = events.first else { Issue.record("no paste: \(events.prefix(2))"); return }
        #expect(text.unicodeScalars.count == InputDecoder.pasteLimit)
        #expect(events.last == .key(.char("z")))
    }

    @Test func aPartialEndMarkerInsideAPasteIsText() {
        var decoder = InputDecoder()
        let body = "a\u{1B}[20b\u{1B}\u{1B}[201c"
        #expect(feedAll("\u{1B}[200~" + body + "\u{1B}[201~", into: &decoder) == [.paste(body)])
    }

    @Test func keysAroundAPasteStayKeys() {
        var decoder = InputDecoder()
        let events = feedAll("a\u{1B}[200~xy\u{1B}[201~b", into: &decoder)
        #expect(events == [.key(.char("a")), .paste("xy"), .key(.char("b"))])
    }

    @Test func curseDecodedKeysInsideAPasteBecomeText() {
        var decoder = InputDecoder()
        _ = feedAll("\u{1B}[200~a", into: &decoder)
        let enter = decoder.feed(.key(.enter))
        let up = decoder.feed(.key(.up))
        #expect(enter.isEmpty && up.isEmpty)
        #expect(feedAll("b\u{1B}[201~", into: &decoder) == [.paste("a\nb")])
    }

    @Test func loneEscapeIsEscapeOnceIdle() {
        var decoder = InputDecoder()
        let escape = decoder.feed(.scalar("\u{1B}"))
        #expect(escape.isEmpty && decoder.isPending)
        let idle = decoder.idle()
        #expect(idle == [.key(.escape)])
        #expect(!decoder.isPending)
    }

    @Test func escapeThenLetterIsAlt() {
        var decoder = InputDecoder()
        #expect(feedAll("\u{1B}b", into: &decoder) == [.key(.alt("b"))])
        #expect(feedAll("\u{1B}f", into: &decoder) == [.key(.alt("f"))])
        #expect(feedAll("\u{1B}\u{7F}", into: &decoder) == [.key(.alt("\u{7F}"))])
    }

    @Test func decodesCtrlArrowsAndControlKeys() {
        var decoder = InputDecoder()
        #expect(feedAll("\u{1B}[1;5D\u{1B}[1;5C\u{1B}[Z\u{1B}OH", into: &decoder)
            == [.key(.wordLeft), .key(.wordRight), .key(.backTab), .key(.home)])
        #expect(feedAll("\u{01}\u{7F}\r\t", into: &decoder) == [.key(.ctrl("a")), .key(.backspace), .key(.enter), .key(.tab)])
        let escape = decoder.feed(.scalar("\u{1B}"))
        let left = decoder.feed(.key(.left))
        #expect(escape.isEmpty && left == [.key(.wordLeft)])
    }

    @Test func unfinishedPasteIsDeliveredAfterIdleLimit() {
        var decoder = InputDecoder(pasteIdleLimit: 3)
        _ = feedAll("\u{1B}[200~partial", into: &decoder)
        let first = decoder.idle(), second = decoder.idle(), third = decoder.idle()
        #expect(first.isEmpty && second.isEmpty)
        #expect(third == [.paste("partial")])
    }

    @Test func wideAndEmojiScalarsArriveAsCharacters() {
        var decoder = InputDecoder()
        #expect(feedAll("北", into: &decoder) == [.key(.char("北"))])
    }
}
