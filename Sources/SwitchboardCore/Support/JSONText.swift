/// JSON text written as bytes, for the hand-written writers that stand in for JSONEncoder
/// on hot paths (a refresh's sealed token, every message's parts): the generic encoder was
/// a tenth of a refresh's instructions (callgrind).
enum JSONText {
    static func append(_ text: StaticString, to out: inout [UInt8]) {
        text.withUTF8Buffer { out.append(contentsOf: $0) }
    }

    /// A JSON string literal of `value` (quotes, backslashes and control characters
    /// escaped; the slash too with `escapingSlash`), written as bytes: every escape is
    /// ASCII, so UTF-8 passes through whole, in runs between escapes. Appending scalar by
    /// scalar to a String was most of a refresh log line's and sealed token's cost (callgrind).
    /// With `refusingControls`, a control character stops it (false, `out` half written):
    /// the caller then writes the whole some other way (JSONEncoder's spelling of some
    /// control escapes differs). Checked here, not in a pass of its own before (a refresh's
    /// log line: 3,400 instructions, callgrind).
    @discardableResult
    static func appendString(_ value: String, to out: inout [UInt8], escapingSlash: Bool = false, refusingControls: Bool = false) -> Bool {
        out.append(UInt8(ascii: "\""))
        // Runs of bytes that need no escape are copied whole.
        var value = value
        let written = value.withUTF8 { bytes -> Bool in
            var start = 0
            for (index, byte) in bytes.enumerated() where byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\")
                || (escapingSlash && byte == UInt8(ascii: "/")) {
                if refusingControls && byte < 0x20 { return false }
                out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<index]))
                appendEscape(byte, to: &out)
                start = index + 1
            }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start...]))
            return true
        }
        out.append(UInt8(ascii: "\""))
        return written
    }

    /// The escape of one byte `appendString` does not copy as it is.
    private static func appendEscape(_ byte: UInt8, to out: inout [UInt8]) {
        switch byte {
        case UInt8(ascii: "\""): append("\\\"", to: &out)
        case UInt8(ascii: "\\"): append("\\\\", to: &out)
        case UInt8(ascii: "/"): append("\\/", to: &out)
        case UInt8(ascii: "\n"): append("\\n", to: &out)
        case UInt8(ascii: "\r"): append("\\r", to: &out)
        case UInt8(ascii: "\t"): append("\\t", to: &out)
        default:
            let hex = String(byte, radix: 16)
            append("\\u", to: &out)
            out.append(contentsOf: Array(repeating: UInt8(ascii: "0"), count: 4 - hex.utf8.count))
            out.append(contentsOf: hex.utf8)
        }
    }
}
