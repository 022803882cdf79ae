import Foundation
import SwitchboardCore
import Testing

extension HTTPTests {
    @Suite struct FormEncodingTests {
        @Test func escapesEverythingOutsideTheUnreservedSet() {
            #expect(FormEncoding.escape("AZaz09-._~") == "AZaz09-._~")
            #expect(FormEncoding.escape("a b+c&d=e/f?") == "a%20b%2Bc%26d%3De%2Ff%3F")
            #expect(FormEncoding.escape("café ✓") == "caf%C3%A9%20%E2%9C%93")
        }

        @Test func roundTripsSpacesPlusAmpersandsAndUnicode() {
            let fields: [(name: String, value: String)] = [
                ("redirect_uri", "http://127.0.0.1:8080/callback?x=1&y=2"),
                ("scope", "read write"),
                ("plus", "a+b"),
                ("name", "Zoë 日本 🚀"),
                ("empty", ""),
                ("a=b", "c%d"),
            ]
            let decoded = FormEncoding.decode(FormEncoding.encode(fields))
            #expect(decoded.map(\.name) == fields.map(\.name))
            #expect(decoded.map(\.value) == fields.map(\.value))
        }

        /// `encode` writes every pair into one buffer (issue 12); it must say what escaping
        /// each name and value and joining them says, for any text.
        @Test func encodeIsEachPairEscapedAndJoined() {
            var generator = SystemRandomNumberGenerator()
            let pieces = ["a", "Z9", "-._~", " ", "+", "&", "=", "%", "é", "日本", "🚀", "\u{0}", "\r\n", "/", "?", ""]
            for _ in 0..<500 {
                let fields = (0..<Int.random(in: 0...5, using: &generator)).map { _ in
                    (name: (0..<Int.random(in: 0...4, using: &generator)).map { _ in pieces.randomElement(using: &generator)! }.joined(),
                     value: (0..<Int.random(in: 0...6, using: &generator)).map { _ in pieces.randomElement(using: &generator)! }.joined())
                }
                let expected = fields.map { FormEncoding.escape($0.name) + "=" + FormEncoding.escape($0.value) }.joined(separator: "&")
                #expect(FormEncoding.encode(fields) == expected, "\(fields)")
            }
            #expect(FormEncoding.encode([]) == "")
            #expect(FormEncoding.encode([(name: "", value: "")]) == "=")
        }

        @Test func decodesPlusAsSpaceAndKeepsMalformedEscapes() {
            let fields = FormEncoding.decodeFields("?a=b+c&plus=%2B&bad=%zz%4&flag&&x=%E2%9C%93")
            #expect(fields == ["a": "b c", "plus": "+", "bad": "%zz%4", "flag": "", "x": "✓"])
        }

        @Test func firstValueWinsInDecodeFields() {
            #expect(FormEncoding.decodeFields("a=1&a=2") == ["a": "1"])
        }

        @Test func dictionaryEncodingIsSortedByName() {
            #expect(FormEncoding.encode(["b": "2", "a": "1 1"]) == "a=1%201&b=2")
        }

        @Test func basicAuthorizationMatchesRFC6749Example() {
            // RFC 6749 §2.3.1.
            #expect(FormEncoding.basicAuthorization(clientId: "s6BhdRkqt3", clientSecret: "7Fjfp0ZBr1KtDRbnfVdmIw")
                == "Basic czZCaGRSa3F0Mzo3RmpmcDBaQnIxS3REUmJuZlZkbUl3")
        }

        @Test func basicAuthorizationFormEncodesIdAndSecretBeforeBase64() throws {
            let header = FormEncoding.basicAuthorization(clientId: "my:client", clientSecret: "p@ss word+/é")
            let encoded = try #require(header.split(separator: " ").last)
            let decoded = String(decoding: try #require(Data(base64Encoded: String(encoded))), as: UTF8.self)
            #expect(decoded == "my%3Aclient:p%40ss%20word%2B%2F%C3%A9")
            let parts = decoded.split(separator: ":", maxSplits: 1)
            #expect(FormEncoding.unescape(parts[0]) == "my:client")
            #expect(FormEncoding.unescape(parts[1]) == "p@ss word+/é")
        }
    }
}
