@testable import SwitchboardCore
import Testing

@Suite struct CallbackRequestHeadTests {
    func parse(_ text: String) -> CallbackRequestHead { CallbackRequestHead.parse(Array(text.utf8)) }

    @Test func aBrowserRequestGivesMethodPathAndRawQuery() {
        let head = parse("GET /callback?code=a%2Fb&state=xyz HTTP/1.1\r\nHost: 127.0.0.1:5000\r\nAccept: */*\r\n\r\n")
        #expect(head == .request(CallbackRequest(method: "GET", path: "/callback", query: "code=a%2Fb&state=xyz")))
    }

    @Test func bareLineFeedsHTTP10AndNoQueryAreAccepted() {
        #expect(parse("GET /favicon.ico HTTP/1.0\n\n") == .request(CallbackRequest(method: "GET", path: "/favicon.ico", query: "")))
        #expect(parse("POST /callback? HTTP/1.1\r\n\r\n") == .request(CallbackRequest(method: "POST", path: "/callback", query: "")))
    }

    @Test func absoluteFormTargetsLoseSchemeAndAuthority() {
        #expect(parse("GET http://127.0.0.1:5000/callback?code=c&state=s HTTP/1.1\r\n\r\n")
            == .request(CallbackRequest(method: "GET", path: "/callback", query: "code=c&state=s")))
        #expect(parse("GET http://127.0.0.1:5000?x=1 HTTP/1.1\r\n\r\n") == .request(CallbackRequest(method: "GET", path: "/", query: "x=1")))
        #expect(parse("GET /callback?state=s#frag HTTP/1.1\r\n\r\n") == .request(CallbackRequest(method: "GET", path: "/callback", query: "state=s")))
    }

    @Test func partialHeadsWaitForMore() {
        #expect(parse("") == .incomplete)
        #expect(parse("GE") == .incomplete)
        #expect(parse("GET /callback?code=1 HTTP/1.1\r\nHost: x\r\n") == .incomplete)
    }

    @Test func garbageIsRefusedWithoutWaitingForTheBlankLine() {
        #expect(parse("\u{01}\u{02}GARBAGE") == .malformed)
        #expect(parse("get /callback HTTP/1.1") == .malformed)
        #expect(parse("\u{16}\u{03}\u{01}") == .malformed)  // a TLS ClientHello on the plain port
        #expect(parse(String(repeating: "A", count: 17)) == .malformed)  // no method is that long
        #expect(parse(String(repeating: "A", count: 16)) == .incomplete)
    }

    @Test func malformedRequestLinesAreRefused() {
        for line in [
            "GET /callback HTTP/2.0", "GET  /callback HTTP/1.1", "GET /callback", "GET callback HTTP/1.1",
            "GET /call\u{1B}[2Jback HTTP/1.1", "GET /callback HTTP/1.1 extra", "GETTINGTOOLONGMETHODNAME / HTTP/1.1",
            "GET ftp://host/callback HTTP/1.1",
        ] {
            #expect(parse(line + "\r\n\r\n") == .malformed, "\(line)")
        }
    }

    @Test func aHeadArrivingPieceByPieceIsFoundWhereverItEnds() {
        let whole = Array("GET /callback?code=1 HTTP/1.1\r\nHost: x\r\n\r\n".utf8)
        // Feed it as the catcher does, telling parse how much it already scanned.
        for split in 1..<whole.count {
            #expect(CallbackRequestHead.parse(Array(whole[..<split]), searchFrom: 0) == .incomplete, "\(split)")
            #expect(CallbackRequestHead.parse(whole, searchFrom: split)
                == .request(CallbackRequest(method: "GET", path: "/callback", query: "code=1")), "\(split)")
        }
        let bareLF = Array("GET / HTTP/1.0\n\n".utf8)
        for split in 1..<bareLF.count {
            #expect(CallbackRequestHead.parse(bareLF, searchFrom: split) == .request(CallbackRequest(method: "GET", path: "/", query: "")))
        }
    }

    @Test func headsOverTheLimitAreRefused() {
        let long = "GET /callback?" + String(repeating: "a", count: CallbackRequestHead.maximumSize) + " HTTP/1.1\r\n\r\n"
        #expect(parse(long) == .malformed)
        let endless = "GET /callback HTTP/1.1\r\nX: " + String(repeating: "b", count: CallbackRequestHead.maximumSize)
        #expect(parse(endless) == .malformed)
    }
}
