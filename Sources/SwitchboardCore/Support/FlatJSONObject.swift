import Foundation

/// A reader for the shape most token endpoints answer: one JSON object whose values are
/// strings without escapes and plain integers. It gives what `JSONSerialization` gives
/// for such a body (String values, integer NSNumbers); anything else (a boolean, a
/// nested value, an escape, a fraction, a key twice) is nil, for `JSONSerialization` to
/// read. JSONSerialization was a twentieth of a refresh's instructions (callgrind: 31,000
/// for a 200-byte answer).
enum FlatJSONObject {
    static func parse(_ body: Data) -> [String: Any]? {
        body.withUnsafeBytes { raw -> [String: Any]? in
            var reader = Reader(bytes: raw.bindMemory(to: UInt8.self))
            return reader.object()
        }
    }

    /// The bytes as a String when they are valid UTF-8. ASCII (what token values are) needs
    /// no validation: `String(validating:)` is not specialized for a buffer, and looked up
    /// its generic types on every call (callgrind: 1,000 instructions a string, 14 strings
    /// a refresh).
    static func text(_ bytes: UnsafeBufferPointer<UInt8>, ascii: Bool) -> String? {
        ascii ? String(decoding: bytes, as: UTF8.self) : String(validating: bytes, as: UTF8.self)
    }

    /// Digits of an integer read here: exact as a Double, and as JSONSerialization's.
    static let maxDigits = 15

    private struct Reader {
        let bytes: UnsafeBufferPointer<UInt8>
        var at = 0

        mutating func object() -> [String: Any]? {
            skipSpace()
            guard take(UInt8(ascii: "{")) else { return nil }
            // Room for a token response's members without growing (three resizes a
            // response were 3,200 instructions of a refresh, callgrind).
            var result: [String: Any] = Dictionary(minimumCapacity: 8)
            skipSpace()
            if take(UInt8(ascii: "}")) { return atEnd() ? result : nil }
            while true {
                skipSpace()
                guard let key = string() else { return nil }
                skipSpace()
                guard take(UInt8(ascii: ":")) else { return nil }
                skipSpace()
                let value: Any
                if at < bytes.count, bytes[at] == UInt8(ascii: "\"") {
                    guard let text = string() else { return nil }
                    value = text
                } else {
                    guard let number = integer() else { return nil }
                    value = NSNumber(value: number)
                }
                guard result.updateValue(value, forKey: key) == nil else { return nil }
                skipSpace()
                if take(UInt8(ascii: ",")) { continue }
                guard take(UInt8(ascii: "}")) else { return nil }
                return atEnd() ? result : nil
            }
        }

        mutating func atEnd() -> Bool {
            skipSpace()
            return at == bytes.count
        }

        mutating func skipSpace() {
            while at < bytes.count, bytes[at] == 0x20 || bytes[at] == 0x0A || bytes[at] == 0x0D || bytes[at] == 0x09 { at += 1 }
        }

        mutating func take(_ byte: UInt8) -> Bool {
            guard at < bytes.count, bytes[at] == byte else { return false }
            at += 1
            return true
        }

        /// A string without a backslash or a control character, valid UTF-8.
        mutating func string() -> String? {
            guard take(UInt8(ascii: "\"")) else { return nil }
            let start = at
            var ascii = true
            while at < bytes.count {
                let byte = bytes[at]
                if byte == UInt8(ascii: "\"") {
                    at += 1
                    return FlatJSONObject.text(UnsafeBufferPointer(rebasing: bytes[start..<(at - 1)]), ascii: ascii)
                }
                if byte == UInt8(ascii: "\\") || byte < 0x20 { return nil }
                if byte >= 0x80 { ascii = false }
                at += 1
            }
            return nil
        }

        /// `-?(0|[1-9][0-9]*)` of at most `maxDigits` digits, not followed by a fraction
        /// or an exponent.
        mutating func integer() -> Int? {
            let negative = take(UInt8(ascii: "-"))
            let start = at
            var value = 0
            while at < bytes.count, bytes[at] >= UInt8(ascii: "0"), bytes[at] <= UInt8(ascii: "9") {
                value = value * 10 + Int(bytes[at] - UInt8(ascii: "0"))
                at += 1
                if at - start > FlatJSONObject.maxDigits { return nil }
            }
            let digits = at - start
            // Leading zeros are not JSON; JSONSerialization may read -0 as a Double.
            guard digits > 0, digits == 1 || bytes[start] != UInt8(ascii: "0"), !(negative && value == 0) else { return nil }
            if at < bytes.count, bytes[at] == UInt8(ascii: ".") || bytes[at] == UInt8(ascii: "e") || bytes[at] == UInt8(ascii: "E") { return nil }
            return negative ? -value : value
        }
    }
}
