import CQRencode
import Foundation

/// A QR code for a URL (the device flow's `verification_uri_complete`, or the authorize
/// URL), encoded by libqrencode and drawn with Unicode half blocks so a phone can scan it
/// from a terminal.
package struct QRCode: Sendable, Equatable {
    /// Modules per side.
    package let width: Int
    /// Row-major; true is a dark module.
    package let modules: [Bool]

    package init(width: Int, modules: [Bool]) {
        self.width = width
        self.modules = modules
    }

    /// Error correction level M (15%), byte or alphanumeric mode as libqrencode chooses.
    package static func encode(_ text: String) throws -> QRCode {
        guard !text.isEmpty, text.utf8.count <= 2000 else {
            throw SwitchboardError.invalidValue("a QR code can hold 1 to 2000 bytes; this text has \(text.utf8.count)")
        }
        guard let code = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1) else {
            throw SwitchboardError.invalidValue("libqrencode could not encode the text (\(String(cString: strerror(errno))))")
        }
        defer { QRcode_free(code) }
        let width = Int(code.pointee.width)
        let buffer = UnsafeBufferPointer(start: code.pointee.data, count: width * width)
        return QRCode(width: width, modules: buffer.map { $0 & 1 == 1 })
    }

    package func isDark(_ x: Int, _ y: Int) -> Bool {
        guard x >= 0, y >= 0, x < width, y < width else { return false }
        return modules[y * width + x]
    }

    /// Two module rows per text line. Light modules (and the quiet zone) are drawn as
    /// blocks, dark ones as spaces, which reads as dark-on-light on the usual dark
    /// terminal background (the layout of `qrencode -t UTF8`).
    package func terminalLines(quietZone: Int = 2) -> [String] {
        let size = width + 2 * quietZone
        var lines: [String] = []
        var y = 0
        while y < size {
            var line = ""
            for x in 0..<size {
                let top = !isDark(x - quietZone, y - quietZone)
                let bottom = y + 1 < size ? !isDark(x - quietZone, y + 1 - quietZone) : false
                switch (top, bottom) {
                case (true, true): line += "█"
                case (true, false): line += "▀"
                case (false, true): line += "▄"
                case (false, false): line += " "
                }
            }
            lines.append(line)
            y += 2
        }
        return lines
    }
}
