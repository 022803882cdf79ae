/// A small streaming JSON writer: `status --json` over 30,000 connections must stay within
/// 2× of sqlite3, which Foundation's encoders do not.
struct JSONWriter {
    private(set) var output = ""
    private var needsComma: [Bool] = [false]

    init() { output.reserveCapacity(1 << 16) }

    private mutating func separate() {
        if needsComma[needsComma.count - 1] { output += "," }
        needsComma[needsComma.count - 1] = true
    }

    mutating func key(_ name: String) {
        separate()
        Self.escape(name, into: &output)
        output += ":"
        needsComma[needsComma.count - 1] = false
    }

    mutating func beginObject() { separate(); output += "{"; needsComma.append(false) }
    mutating func endObject() { output += "}"; needsComma.removeLast(); needsComma[needsComma.count - 1] = true }
    mutating func beginArray() { separate(); output += "["; needsComma.append(false) }
    mutating func endArray() { output += "]"; needsComma.removeLast(); needsComma[needsComma.count - 1] = true }

    mutating func string(_ value: String?) {
        separate()
        if let value { Self.escape(value, into: &output) } else { output += "null" }
    }

    mutating func int(_ value: Int?) {
        separate()
        output += value.map(String.init) ?? "null"
    }

    mutating func bool(_ value: Bool) {
        separate()
        output += value ? "true" : "false"
    }

    mutating func null() { separate(); output += "null" }

    mutating func field(_ name: String, _ value: String?) { key(name); string(value) }
    mutating func field(_ name: String, _ value: Int?) { key(name); int(value) }
    mutating func field(_ name: String, _ value: Bool) { key(name); bool(value) }

    static func escape(_ value: String, into out: inout String) {
        out += "\""
        var plainStart = value.utf8.startIndex
        let utf8 = value.utf8
        var index = utf8.startIndex
        while index != utf8.endIndex {
            let byte = utf8[index]
            if byte == 0x22 || byte == 0x5C || byte < 0x20 {
                out += value[plainStart..<index]
                switch byte {
                case 0x22: out += "\\\""
                case 0x5C: out += "\\\\"
                case 0x0A: out += "\\n"
                case 0x0D: out += "\\r"
                case 0x09: out += "\\t"
                default:
                    let hex = String(byte, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                }
                plainStart = utf8.index(after: index)
            }
            index = utf8.index(after: index)
        }
        out += value[plainStart..<utf8.endIndex]
        out += "\""
    }
}
