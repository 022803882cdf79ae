import Foundation

/// Removes every known secret value from a message before it is stored or shown (SPEC §5).
package struct Redactor: Sendable {
    package static let mask = "[redacted]"
    private let secrets: [String]
    var secretValues: [String] { secrets }

    package init(secrets: [String]) {
        // Longest first in characters, so a secret that contains another (canonically:
        // Foundation's search matches é to e + U+0301) is removed whole; ties in a fixed
        // order; duplicates next to each other once sorted. An ASCII secret's length is its
        // byte count: `count` walks the characters, and a refresh builds a redactor for
        // each log line (callgrind: this was a twentieth of storing a refresh).
        var sorted = secrets.filter { !$0.isEmpty }.map { ($0, Self.isASCII($0) ? $0.utf8.count : $0.count) }
        sorted.sort { $0.1 != $1.1 ? $0.1 > $1.1 : $0.0 < $1.0 }
        var unique: [String] = []
        unique.reserveCapacity(sorted.count)
        for (secret, _) in sorted where unique.last != secret { unique.append(secret) }
        self.secrets = unique
    }

    package func redact(_ message: String) -> String {
        var result = message
        // Replacing an ASCII secret by the ASCII mask keeps an ASCII text ASCII.
        let asciiText = Self.isASCII(result)
        for secret in secrets where Self.mayContain(result, secret, textIsASCII: asciiText) {
            result = result.replacingOccurrences(of: secret, with: Self.mask)
        }
        return CutEdge.mask(result, values: secrets, with: Self.mask)
    }

    /// Foundation's `contains`, answered without it when both texts are ASCII: there a
    /// match is a byte match (no canonical equivalents). Foundation's search bridges each
    /// message to an NSString, and a refresh redacts a few messages against every secret of
    /// its connection (callgrind: 6% of a refresh's instructions). A byte match Foundation
    /// would not count leads to its own replacement, which then finds nothing: the text
    /// comes out the same either way. The search is linear (Knuth-Morris-Pratt) in both
    /// lengths, since a customer may choose a secret and the text a server of theirs sends.
    static func mayContain(_ text: String, _ secret: String, textIsASCII: Bool? = nil) -> Bool {
        guard textIsASCII ?? isASCII(text), isASCII(secret) else { return text.contains(secret) }
        var text = text, secret = secret
        return text.withUTF8 { haystack in secret.withUTF8 { needle in occurs(needle, in: haystack) } }
    }

    static func isASCII(_ text: String) -> Bool { text.utf8.allSatisfy { $0 < 0x80 } }

    /// Whether `needle` occurs in `haystack`, byte for byte (an empty needle does).
    private static func occurs(_ needle: UnsafeBufferPointer<UInt8>, in haystack: UnsafeBufferPointer<UInt8>) -> Bool {
        guard !needle.isEmpty else { return true }
        guard needle.count <= haystack.count else { return false }
        // fallback[i]: the length of the longest proper prefix of needle[0...i] that is also its suffix.
        var fallback = [Int](repeating: 0, count: needle.count)
        var length = 0
        for index in 1..<needle.count {
            while length > 0 && needle[index] != needle[length] { length = fallback[length - 1] }
            if needle[index] == needle[length] { length += 1 }
            fallback[index] = length
        }
        var matched = 0
        for byte in haystack {
            while matched > 0 && byte != needle[matched] { matched = fallback[matched - 1] }
            if byte == needle[matched] { matched += 1 }
            if matched == needle.count { return true }
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
