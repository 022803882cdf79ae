import Foundation

/// A secret typed or piped on standard input (`configure --set-secret`).
package enum SecretInput {
    package static let maxBytes = FieldValidator.maxValueBytes

    /// The bytes as text with one line ending removed (`\n`, `\r\n` or `\r`, as `echo`,
    /// Windows editors and old Macs write them). Works on bytes: in a Swift `String`,
    /// "\r\n" is one Character, so dropping "two characters" once cut the secret short.
    package static func value(from data: Data, option: String) throws -> String {
        var bytes = [UInt8](data)
        guard bytes.count <= maxBytes + 2 else {
            throw SwitchboardError.invalidValue("\(option): standard input is longer than the limit of \(maxBytes / 1024) KiB")
        }
        if bytes.last == 0x0A { bytes.removeLast(); if bytes.last == 0x0D { bytes.removeLast() } }
        else if bytes.last == 0x0D { bytes.removeLast() }
        guard !bytes.isEmpty else { throw SwitchboardError.invalidValue("\(option): standard input was empty") }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw SwitchboardError.invalidValue("\(option): standard input is not UTF-8 text")
        }
        return text
    }
}
