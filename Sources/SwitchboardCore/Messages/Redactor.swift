import Foundation

/// Removes every known secret value from a message before it is stored or shown (SPEC §5).
package struct Redactor: Sendable {
    package static let mask = "[redacted]"
    private let secrets: [String]
    var secretValues: [String] { secrets }

    package init(secrets: [String]) {
        // Longest first, so a secret that contains another is removed whole. Each length
        // is counted once (`count` walks the characters; in the comparison it was counted
        // again for every pair).
        self.secrets = Array(Set(secrets.filter { !$0.isEmpty })).map { ($0, $0.count) }.sorted { $0.1 > $1.1 }.map(\.0)
    }

    package func redact(_ message: String) -> String {
        var result = message
        for secret in secrets where Self.mayContain(result, secret) {
            result = result.replacingOccurrences(of: secret, with: Self.mask)
        }
        return CutEdge.mask(result, values: secrets, with: Self.mask)
    }

    /// Foundation's `contains`, answered without it when both texts are ASCII: there a
    /// match is a byte match (no canonical equivalents). Foundation's search bridges each
    /// message to an NSString, and a refresh redacts a few messages against every secret of
    /// its connection (callgrind: 6% of a refresh's instructions). A byte match Foundation
    /// would not count leads to its own replacement, which then finds nothing: the text
    /// comes out the same either way.
    static func mayContain(_ text: String, _ secret: String) -> Bool {
        var text = text, secret = secret
        let answer: Bool? = text.withUTF8 { (haystack: UnsafeBufferPointer<UInt8>) -> Bool? in
            secret.withUTF8 { (needle: UnsafeBufferPointer<UInt8>) -> Bool? in
                guard haystack.allSatisfy({ $0 < 0x80 }), needle.allSatisfy({ $0 < 0x80 }) else { return nil }
                return asciiSearch(needle, in: haystack)
            }
        }
        return answer ?? text.contains(secret)
    }

    /// Whether `needle` (not empty) occurs in `haystack`, byte for byte.
    private static func asciiSearch(_ needle: UnsafeBufferPointer<UInt8>, in haystack: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let first = needle.first, needle.count <= haystack.count else { return false }
        var start = 0
        let last = haystack.count - needle.count
        while start <= last {
            if haystack[start] == first {
                var matched = 1
                while matched < needle.count, haystack[start + matched] == needle[matched] { matched += 1 }
                if matched == needle.count { return true }
            }
            start += 1
        }
        return false
    }

    /// The last line of defence over a typed message: text from outside loses every known
    /// secret; our own words and classified values are left to their classes.
    package func redactOutside(_ message: Message) -> Message {
        Message(message.parts.map { part in
            switch part {
            case .outside(let text): .outside(redact(text))
            case .perAudience(let team, let customer): .perAudience(team: redact(team), customer: redact(customer))
            case .text, .field, .value: part
            }
        })
    }
}
