import Foundation
import SwitchboardCore

/// A small streaming JSON writer into bytes: `status --json` over 30,000 connections must
/// stay within 2× of sqlite3, which Foundation's encoders and String appends do not.
struct JSONWriter {
    private(set) var bytes: [UInt8] = []
    private var needsComma: [Bool] = [false]

    init() { bytes.reserveCapacity(1 << 16) }

    var output: String { String(decoding: bytes, as: UTF8.self) }

    private mutating func separate() {
        if needsComma[needsComma.count - 1] { bytes.append(UInt8(ascii: ",")) }
        needsComma[needsComma.count - 1] = true
    }

    mutating func key(_ name: String) {
        separate()
        escape(name)
        bytes.append(UInt8(ascii: ":"))
        needsComma[needsComma.count - 1] = false
    }

    mutating func beginObject() { separate(); bytes.append(UInt8(ascii: "{")); needsComma.append(false) }
    mutating func endObject() { bytes.append(UInt8(ascii: "}")); needsComma.removeLast(); needsComma[needsComma.count - 1] = true }
    mutating func beginArray() { separate(); bytes.append(UInt8(ascii: "[")); needsComma.append(false) }
    mutating func endArray() { bytes.append(UInt8(ascii: "]")); needsComma.removeLast(); needsComma[needsComma.count - 1] = true }

    mutating func string(_ value: String?) {
        separate()
        if let value { escape(value) } else { raw("null") }
    }

    mutating func int(_ value: Int?) {
        separate()
        raw(value.map(String.init) ?? "null")
    }

    mutating func bool(_ value: Bool) {
        separate()
        raw(value ? "true" : "false")
    }

    mutating func null() { separate(); raw("null") }

    /// A key that is a literal of this program (ASCII with nothing to escape), copied as
    /// is: `status --json` writes eight per connection, and escaping them was ~3% of it.
    mutating func key(literal name: StaticString) {
        separate()
        bytes.append(UInt8(ascii: "\""))
        bytes.append(contentsOf: UnsafeBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount))
        bytes.append(contentsOf: [UInt8(ascii: "\""), UInt8(ascii: ":")])
        needsComma[needsComma.count - 1] = false
    }

    mutating func field(literal name: StaticString, _ value: String?) { key(literal: name); string(value) }
    mutating func field(literal name: StaticString, _ value: Int?) { key(literal: name); int(value) }

    mutating func field(_ name: String, _ value: String?) { key(name); string(value) }
    mutating func field(_ name: String, _ value: Int?) { key(name); int(value) }
    mutating func field(_ name: String, _ value: Bool) { key(name); bool(value) }

    private mutating func raw(_ text: String) { bytes.append(contentsOf: text.utf8) }

    private mutating func escape(_ value: String) {
        bytes.append(UInt8(ascii: "\""))
        var value = value
        value.withUTF8 { utf8 in
            var plainStart = 0
            var index = 0
            while index < utf8.count {
                let byte = utf8[index]
                index += 1
                guard byte == 0x22 || byte == 0x5C || byte < 0x20 || byte == 0x7F || byte == 0xC2 || byte == 0xE2 || byte == 0xD8 else { continue }
                // DEL, C1 and the bidi controls are valid JSON as they are, but a terminal
                // acts on them: they are written as \u escapes so output piped to a screen
                // stays inert and parses to the same string (SPEC §12).
                if byte >= 0x7F {
                    let start = index - 1
                    let width = byte == 0xE2 ? 3 : (byte == 0x7F ? 1 : 2)
                    guard start + width <= utf8.count else { continue }
                    var scalar = UInt32(byte)
                    if width == 2 { scalar = (UInt32(byte & 0x1F) << 6) | UInt32(utf8[start + 1] & 0x3F) }
                    if width == 3 { scalar = (UInt32(byte & 0x0F) << 12) | (UInt32(utf8[start + 1] & 0x3F) << 6) | UInt32(utf8[start + 2] & 0x3F) }
                    guard let unicode = Unicode.Scalar(scalar), TerminalText.isControl(unicode) else { continue }
                    bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[plainStart..<start]))
                    let hex = Array("0123456789abcdef".utf8)
                    bytes.append(contentsOf: [0x5C, UInt8(ascii: "u"), hex[Int(scalar >> 12 & 0xF)], hex[Int(scalar >> 8 & 0xF)], hex[Int(scalar >> 4 & 0xF)], hex[Int(scalar & 0xF)]])
                    index = start + width
                    plainStart = index
                    continue
                }
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[plainStart..<(index - 1)]))
                switch byte {
                case 0x22: bytes.append(contentsOf: [0x5C, 0x22])
                case 0x5C: bytes.append(contentsOf: [0x5C, 0x5C])
                case 0x0A: bytes.append(contentsOf: [0x5C, UInt8(ascii: "n")])
                case 0x0D: bytes.append(contentsOf: [0x5C, UInt8(ascii: "r")])
                case 0x09: bytes.append(contentsOf: [0x5C, UInt8(ascii: "t")])
                default:
                    let hex = Array("0123456789abcdef".utf8)
                    bytes.append(contentsOf: [0x5C, UInt8(ascii: "u"), 0x30, 0x30, hex[Int(byte >> 4)], hex[Int(byte & 0xF)]])
                }
                plainStart = index
            }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[plainStart..<utf8.count]))
        }
        bytes.append(UInt8(ascii: "\""))
    }

    /// Writes what is buffered to stdout once it reaches `threshold` bytes, so a long
    /// listing streams in 64 KiB writes instead of growing with the store.
    mutating func drain(ifOver threshold: Int = 1 << 16) {
        guard bytes.count >= threshold else { return }
        FileHandle.standardOutput.write(Data(bytes))
        bytes.removeAll(keepingCapacity: true)
    }

    /// Writes the document (what is left of it after `drain`) and a newline to stdout.
    func print() {
        var out = bytes
        out.append(0x0A)
        FileHandle.standardOutput.write(Data(out))
    }
}
