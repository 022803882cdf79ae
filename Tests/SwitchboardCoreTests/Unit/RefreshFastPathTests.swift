import Foundation
import Testing
@testable import SwitchboardCore

/// The refresh path's hand-written writers and searches (issue 12) against the generic
/// code they stand in for, on the texts that would tell them apart.
@Suite("Refresh fast paths")
struct RefreshFastPathTests {
    static let awkward = ["plain", "quote \" and \\ backslash", "slash / here", "tab\there\nnew line\r", "bell \u{7} nul \u{0}",
                          "café ☕️ 東京", "e\u{301} combining", "", "emoji 👩‍👩‍👧 family"]

    @Test("the sealed token's JSON decodes to the same token, and is what JSONEncoder writes for plain values")
    func sealedJSON() throws {
        for text in Self.awkward {
            for assumed in [nil, true, false] as [Bool?] {
                let token = StoredToken(accessToken: "a-" + text, tokenType: text.isEmpty ? nil : "Bearer", refreshToken: text,
                                        scope: "read " + text, expiresAt: "2026-12-01T00:00:00.000Z", expiryAssumed: assumed)
                #expect(try StoredToken.decode(Store.sealedJSON(token)) == token, "\(text.debugDescription)")
            }
        }
        let plain = StoredToken(accessToken: "at-1", tokenType: "Bearer", refreshToken: "rt/1", scope: "read write",
                                expiresAt: "2026-12-01T00:00:00.000Z", expiryAssumed: false)
        #expect(Store.sealedJSON(plain) == (try JSON.encode(plain)))
    }

    @Test("the sealed token is read without JSONDecoder when it has sealedJSON's shape, by JSONDecoder otherwise, to the same token")
    func sealedTokenReader() throws {
        for text in Self.awkward {
            let token = StoredToken(accessToken: "a" + text, tokenType: "Bearer", refreshToken: text, scope: text, expiresAt: nil,
                                    expiryAssumed: text.isEmpty ? nil : true)
            let json = Store.sealedJSON(token)
            if text.utf8.contains(where: { $0 < 0x20 && $0 != 0x0A && $0 != 0x0D && $0 != 0x09 }) {
                #expect(FlatTokenJSON.parse(json) == nil, "\(json)")   // \u escapes: JSONDecoder's
            } else {
                #expect(FlatTokenJSON.parse(json) == token, "\(json)")
            }
            #expect(try StoredToken.decode(json) == token)
            #expect(try JSON.decode(StoredToken.self, from: json) == token)
        }
        // Other shapes are JSONDecoder's, whatever they hold (it keeps the first of a key given twice).
        let others = [#"{ "accessToken": "a" }"#, #"{"accessToken":"\u0041"}"#, #"{"accessToken":"a","accessToken":"b"}"#,
                      #"{"accessToken":"a","extra":1}"#, #"{"accessToken":"a"} "#, #"{"tokenType":"Bearer"}"#, #"{"accessToken":null}"#,
                      #"{"acces\u0073Token":"a"}"#, #"{"accessToken":"a","expiryAssumed":true,"expiryAssumed":false}"#,
                      #"{"accessToken":"a","scope":"x","scope":"y"}"#, #"{"accessTokenX":"a"}"#, #"{"accessToken":"a",}"#]
        let decoded = [StoredToken(accessToken: "a"), StoredToken(accessToken: "A"), StoredToken(accessToken: "a"), StoredToken(accessToken: "a"),
                       StoredToken(accessToken: "a"), nil, nil,
                       StoredToken(accessToken: "a"), StoredToken(accessToken: "a", expiryAssumed: true),
                       StoredToken(accessToken: "a", scope: "x"), nil, StoredToken(accessToken: "a")]   // Foundation takes a trailing comma
        for (json, expected) in zip(others, decoded) {
            #expect(FlatTokenJSON.parse(json) == nil, "\(json)")
            #expect((try? StoredToken.decode(json)) == expected, "\(json)")
        }
    }

    @Test("a message's parts JSON reads back, and is byte for byte JSONEncoder's but for a per-audience part's key order; control characters take its path")
    func partsJSON() {
        // Backspace and form feed are the controls JSONEncoder spells differently (\b, \f)
        // from the hand-written escapes (\u0008, \u000c): only the fallback gets them right.
        for text in Self.awkward + ["back\u{8}space", "form\u{C}feed"] {
            var messages: [Message] = ["Token refreshed: \(name: text), \(outside: text)", Message(outside: text),
                                       "Token refreshed: \(name: "plain"), \(outside: "last part: " + text)",
                                       Message([.text("a "), .perAudience(team: text, customer: "team only / " + text)]),
                                       Message([.perAudience(team: "plain", customer: text)]),
                                       Message([.text(text), .field(key: "clientId", label: text, customerVisible: false)]),
                                       Message([.value(text, .secret), .text("/")]), Message([])]
            messages.append("Refresh failed: \(outside: text); retrying after \(name: "2026-12-01T00:00:00.000Z")")
            for message in messages {
                #expect(Message.decode(json: message.json) == message, "\(text.debugDescription)")
                // Parts of one key are JSONEncoder's bytes; the order of several keys is
                // JSONEncoder's dictionary's, which changes even between two calls.
                let oneKey = message.parts.allSatisfy { switch $0 { case .text, .outside: true; default: false } }
                if oneKey {
                    #expect(Array(message.json.utf8) == Array(message.encodedJSON.utf8), "\(text.debugDescription)")
                } else if case .perAudience = message.parts.last, !text.utf8.contains(where: { $0 < 0x20 }) {
                    // Written in declaration order (JSONEncoder's varies between calls).
                    #expect(message.json.contains("{\"perAudience\":{\"team\":"), "\(message.json)")
                }
            }
        }
    }

    @Test("the ASCII search answers as Foundation's contains; other texts are left to Foundation")
    func redactorSearch() {
        let texts = Self.awkward + ["abc", "xabcx", "ab", "a\r\nb", "\r\n"]
        for text in texts {
            for secret in texts where !secret.isEmpty {
                #expect(Redactor.mayContain(text, secret) == text.contains(secret), "\(text.debugDescription) ∋ \(secret.debugDescription)")
            }
        }
        // Canonically equivalent spellings are still found (Foundation's path).
        #expect(Redactor(secrets: ["caf\u{E9}"]).redact("token cafe\u{301} here") == "token [redacted] here")
    }

    /// The redactor as it was before its ASCII search: Foundation's `contains`, then its
    /// replacement, longest secret first.
    static func foundationRedact(_ message: String, _ secrets: [String]) -> String {
        var result = message
        for secret in Array(Set(secrets.filter { !$0.isEmpty })).sorted(by: { $0.count > $1.count }) where result.contains(secret) {
            result = result.replacingOccurrences(of: secret, with: Redactor.mask)
        }
        return CutEdge.mask(result, values: secrets.filter { !$0.isEmpty }, with: Redactor.mask)
    }

    @Test("redacting gives what Foundation's search gave, CR LF pairs and repeated prefixes included")
    func redactorOutput() {
        let messages = ["x abc\r\n y", "abc\r", "\r\n", "aaab aaaab", "token=abcabcabd!", "caf\u{E9} abc", "plain", "abab…",
                        "abab…\u{301} x", "ab\u{E2}b… abab", "secret-2 secret-22 é-secret", "ééé eee",
                        "token \u{E9}secret1 end", "token e\u{301}secret1 end", "\u{E9} e\u{301}"]
        let secrets = [["\r"], ["abc\r"], ["\n"], ["\r\n"], ["aaaab"], ["abcabd"], ["abc", "abcabcabd"], ["caf\u{E9}"], ["abab"],
                       ["secret-22", "secret-2", "é-secret", "secret-2"], ["ééé", "eee", "é"], ["abab", "ab\u{E2}b"],
                       // Canonically equivalent: the decomposed one has more bytes, not more characters.
                       ["\u{E9}secret1", "e\u{301}secret"], ["e\u{301}secret1", "\u{E9}secret"], ["\u{E9}", "e\u{301}"]]
        for message in messages {
            for set in secrets {
                #expect(Redactor(secrets: set).redact(message) == Self.foundationRedact(message, set), "\(message.debugDescription) − \(set)")
            }
        }
        // Linear in the text and the secret: a long run of one byte against a near-miss.
        let long = String(repeating: "a", count: 200_000)
        #expect(Redactor(secrets: [String(repeating: "a", count: 5_000) + "b"]).redact(long) == long)
    }

    @Test("a flat token answer reads as JSONSerialization reads it; other shapes are left to it")
    func flatJSONObject() throws {
        let flat = [
            #"{"access_token":"at-1","token_type":"Bearer","expires_in":3600,"refresh_token":"rt/1+x=","scope":"read write"}"#,
            "{ \"a\" : \"x\" ,\n\t\"b\":0 }\r\n", #"{}"#, "{\"n\":-42,\"m\":999999999999999,\"caf\u{E9}\":\"\u{1F511}\"}", #"{"e":""}"#,
        ]
        for body in flat {
            let data = Data(body.utf8)
            let fast = try #require(FlatJSONObject.parse(data), "\(body)")
            let slow = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any], "\(body)")
            #expect(Set(fast.keys) == Set(slow.keys), "\(body)")
            for key in slow.keys {
                #expect(OAuthResponseParser.string(fast[key]) == OAuthResponseParser.string(slow[key]), "\(key) in \(body)")
                #expect(OAuthResponseParser.integer(fast[key]) == OAuthResponseParser.integer(slow[key]), "\(key) in \(body)")
                #expect(OAuthResponseParser.text(fast[key] as Any) == OAuthResponseParser.text(slow[key] as Any), "\(key) in \(body)")
                #expect((fast[key] is String) == (slow[key] is String), "\(key) in \(body)")
            }
        }
        let others = [
            #"{"a":"x\/y"}"#, #"{"a":"\u0041"}"#, #"{"a":true}"#, #"{"a":null}"#, #"{"a":1.5}"#, #"{"a":1e3}"#, #"{"a":01}"#, #"{"a":-0}"#,
            #"{"a":1234567890123456}"#, #"{"a":[1]}"#, #"{"a":{"b":1}}"#, #"{"a":1,"a":2}"#, #"{"a":1,}"#, #"{"a":1} x"#, #"["a"]"#,
            "{\"a\":\"x\u{1}y\"}", #"{"a" 1}"#, #"{"a":+1}"#, #"{"a":"x"#, "", " ",
        ]
        for body in others {
            #expect(FlatJSONObject.parse(Data(body.utf8)) == nil, "\(body)")
        }
        #expect(FlatJSONObject.parse(Data([0x7B, 0x22, 0xFF, 0x22, 0x3A, 0x31, 0x7D])) == nil, "invalid UTF-8 in a key")
        // Strings are made without validation only when they are ASCII; others are checked.
        let badValue = Data(#"{"a":""#.utf8) + Data([0xC3, 0x28]) + Data(#""}"#.utf8)
        #expect(FlatJSONObject.parse(badValue) == nil, "invalid UTF-8 in a value")
        #expect(FlatJSONObject.text(UnsafeBufferPointer(start: nil, count: 0), ascii: true) == "")
        // The token answer read either way is the same token.
        let response = HTTPResponse(status: 200, headers: HTTPHeaders([("Content-Type", "application/json")]), body: Data(flat[0].utf8))
        let token = try OAuthResponseParser.token(response, keepMetadata: ["scope", "expires_in"])
        #expect(token.accessToken == "at-1" && token.refreshToken == "rt/1+x=" && token.expiresIn == 3600 && token.scope == "read write")
        #expect(token.metadata == ["scope": "read write", "expires_in": "3600"])
    }

    /// `Timestamp.string(from:)` as it was before it wrote digits itself.
    static func interpolatedTimestamp(_ date: Date) -> String {
        let raw = date.timeIntervalSince1970
        let seconds = raw.isFinite ? min(max(raw, 0), Timestamp.latest) : 0
        var whole = time_t(seconds.rounded(.down))
        let millis = Int((seconds - Double(whole)) * 1000)
        var parts = tm()
        gmtime_r(&whole, &parts)
        func pad(_ v: Int32, _ width: Int) -> String {
            let s = String(v)
            return String(repeating: "0", count: max(0, width - s.count)) + s
        }
        return "\(pad(parts.tm_year + 1900, 4))-\(pad(parts.tm_mon + 1, 2))-\(pad(parts.tm_mday, 2))T"
            + "\(pad(parts.tm_hour, 2)):\(pad(parts.tm_min, 2)):\(pad(parts.tm_sec, 2)).\(pad(Int32(millis), 3))Z"
    }

    @Test("timestamps are the text the interpolating writer gave, at the edges of the range and across it")
    func timestamps() {
        // Leap days and the ends of years, centuries and the range among them.
        var dates: [TimeInterval] = [0, 0.0005, 0.999, 1, 59.9999, 951_782_400, 1_764_547_200.123, Timestamp.latest, Timestamp.latest + 1,
                                     68_169_599.999, 68_169_600, 946_684_799.999, 951_868_799, 4_107_542_399, 4_107_542_400, 253_402_214_400,
                                     -1, -1e12, 1e30, .infinity, -.infinity, .nan]
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2_000 { dates.append(Double.random(in: 0...Timestamp.latest, using: &generator)) }
        for seconds in dates {
            let date = Date(timeIntervalSince1970: seconds)
            #expect(Timestamp.string(from: date) == Self.interpolatedTimestamp(date), "\(seconds)")
            #expect(Timestamp.string(from: date).utf8.count == 24)
        }
    }

    @Test("the date of every day from 1970 to 9999 is gmtime_r's")
    func civilDates() {
        var mismatches: [Int] = []
        let last = Int(Timestamp.latest) / 86_400
        for days in 0...last {
            var whole = time_t(days * 86_400), parts = tm()
            gmtime_r(&whole, &parts)
            let (year, month, day) = Timestamp.civil(days: days)
            if year != Int(parts.tm_year) + 1900 || month != Int(parts.tm_mon) + 1 || day != Int(parts.tm_mday) { mismatches.append(days) }
        }
        #expect(mismatches.isEmpty, "first days that differ: \(mismatches.prefix(5))")
        #expect(last == 2_932_896)
    }

    @Test("a written timestamp reads back as the formatter reads it, and other text is left to the formatter")
    func timestampReading() {
        var generator = SystemRandomNumberGenerator()
        var seconds: [TimeInterval] = [0, 0.001, 0.999, 951_782_400, 951_868_799.5, 4_107_542_399.999, Timestamp.latest, 1_764_547_200.123]
        for _ in 0..<3_000 { seconds.append(Double.random(in: 0...Timestamp.latest, using: &generator)) }
        for value in seconds {
            let text = Timestamp.string(from: Date(timeIntervalSince1970: value))
            guard let fast = Timestamp.parsedWritten(text), let slow = Timestamp.formatterDate(text) else {
                Issue.record("\(text) not read"); continue
            }
            // The formatter's reading, not the instant written: both read the milliseconds
            // back as a binary fraction, which `string(from:)` may then cut to one less.
            #expect(abs(fast.timeIntervalSince1970 - slow.timeIntervalSince1970) <= max(1e-6, abs(slow.timeIntervalSince1970) * 1e-15), "\(text)")
        }
        // Not the written form, or not a valid date: the fast path declines (and
        // `date(from:)` asks the formatter).
        for text in ["2026-12-01T10:00:00Z", "2026-12-01T10:00:00.123+01:00", "2026-02-30T00:00:00.000Z", "2025-02-29T00:00:00.000Z",
                     "2026-13-01T00:00:00.000Z", "2026-12-01T24:00:00.000Z", "2026-12-01T10:60:00.000Z", "2026-12-01T10:00:60.000Z",
                     "1969-12-31T23:59:59.999Z", "0000-01-01T00:00:00.000Z", "2026-12-01t10:00:00.000Z", "2026-12-01T10:00:00.0a0Z",
                     "+026-12-01T10:00:00.000Z", "２０２６-12-01T10:00:00.000Z", "2100-02-29T00:00:00.000Z", "1900-02-29T00:00:00.000Z",
                     "2026-04-31T00:00:00.000Z", "2026-12-00T00:00:00.000Z", "", "garbage"] {
            #expect(Timestamp.parsedWritten(text) == nil, "\(text)")
        }
        // Dates the formatter does read, each a leap rule's case: the fast path's reading.
        for text in ["2024-02-29T23:59:59.999Z", "2000-02-29T12:00:00.000Z", "2400-02-29T00:00:00.000Z", "2026-12-31T23:59:59.999Z"] {
            #expect(Timestamp.parsedWritten(text) != nil, "\(text)")
            #expect(Timestamp.date(from: text)?.timeIntervalSince1970 == Timestamp.formatterDate(text)?.timeIntervalSince1970, "\(text)")
        }
        #expect(Timestamp.days(year: 1970, month: 1, day: 1) == 0)
        #expect(Timestamp.days(year: 2000, month: 3, day: 1) == 11_017)
    }

    @Test("a decoded definition is reused only for the same text")
    func decodedDefinitions() throws {
        func definition(_ key: String, _ name: String) throws -> (resolved: ResolvedIntegration, json: String) {
            let resolved = ResolvedIntegration(key: key, name: name, variables: [], steps: [])
            return (resolved, try JSON.encode(resolved))
        }
        let first = try definition("memo-a", "First"), second = try definition("memo-b", "Second")
        let id: Int64 = 987_654
        #expect(try DecodedDefinitions.resolved(id: id, definition: first.json) == first.resolved)
        #expect(try DecodedDefinitions.resolved(id: id, definition: first.json) == first.resolved)
        // The same id with other text (another store, an upgraded row) is decoded afresh.
        #expect(try DecodedDefinitions.resolved(id: id, definition: second.json) == second.resolved)
        #expect(try DecodedDefinitions.resolved(id: id, definition: first.json) == first.resolved)
        #expect(throws: (any Error).self) { try DecodedDefinitions.resolved(id: id, definition: "{not json") }
        // Canonically equivalent but other bytes ("é" precomposed, then decomposed): decoded
        // afresh, so the name comes back in the bytes of the text asked for.
        let composed = try definition("memo-c", "Caf\u{E9}"), decomposed = try definition("memo-c", "Cafe\u{301}")
        #expect(composed.json == decomposed.json)
        #expect(try Array(DecodedDefinitions.resolved(id: id, definition: composed.json).name.utf8) == Array("Caf\u{E9}".utf8))
        #expect(try Array(DecodedDefinitions.resolved(id: id, definition: decomposed.json).name.utf8) == Array("Cafe\u{301}".utf8))
        #expect(!DecodedDefinitions.sameBytes(composed.json, decomposed.json) && DecodedDefinitions.sameBytes("", ""))
        for other in 0..<Int64(DecodedDefinitions.limit + 5) {
            #expect(try DecodedDefinitions.resolved(id: other, definition: second.json) == second.resolved)
        }
        #expect(try DecodedDefinitions.resolved(id: id, definition: first.json) == first.resolved)
    }

    @Test("a remembered template's references are the parsed ones, past the memo's bound, and long templates are parsed each time")
    func templateMemo() {
        let template = "https://{{ host }}/{{tenant}}/x"
        #expect(Template.references(in: template) == ["host", "tenant"])
        #expect(Template.references(in: template) == ["host", "tenant"])
        for index in 0..<1_100 {
            #expect(Template.references(in: "{{a\(index)}}-{{ b }}") == ["a\(index)", "b"])
        }
        #expect(Template.references(in: template) == ["host", "tenant"])
        let long = String(repeating: "x", count: 5000) + "{{far}}"
        #expect(Template.references(in: long) == ["far"])
    }
}
