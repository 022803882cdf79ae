import Foundation

/// UTC timestamps as ISO 8601 text with milliseconds: sortable as text in SQLite and
/// printed as-is in JSON. Hand-formatted because Foundation's formatters are slow in bulk.
package enum Timestamp {
    package static func now() -> String { string(from: Date()) }

    /// The latest instant written: year 9999. A provider's absurd `expires_in` must not
    /// trap the conversion to `time_t` (found by reviewing the fuzz target's path).
    static let latest: TimeInterval = 253_402_300_799

    package static func string(from date: Date) -> String {
        let raw = date.timeIntervalSince1970
        let seconds = raw.isFinite ? min(max(raw, 0), latest) : 0
        var whole = time_t(seconds.rounded(.down))
        let millis = Int((seconds - Double(whole)) * 1000)
        var parts = tm()
        gmtime_r(&whole, &parts)
        // "YYYY-MM-DDTHH:MM:SS.mmmZ" written digit by digit: interpolating padded strings
        // cost 7,400 instructions a timestamp, and a refresh writes five (callgrind).
        let fields: [(value: Int32, width: Int, then: UInt8?)] = [
            (parts.tm_year + 1900, 4, UInt8(ascii: "-")), (parts.tm_mon + 1, 2, UInt8(ascii: "-")), (parts.tm_mday, 2, UInt8(ascii: "T")),
            (parts.tm_hour, 2, UInt8(ascii: ":")), (parts.tm_min, 2, UInt8(ascii: ":")), (parts.tm_sec, 2, UInt8(ascii: ".")),
            (Int32(millis), 3, UInt8(ascii: "Z")),
        ]
        return String(unsafeUninitializedCapacity: 24) { buffer in
            var at = 0
            for field in fields {
                var value = Int(field.value)
                for index in stride(from: at + field.width - 1, through: at, by: -1) {
                    buffer[index] = UInt8(ascii: "0") + UInt8(value % 10)
                    value /= 10
                }
                at += field.width
                if let separator = field.then {
                    buffer[at] = separator
                    at += 1
                }
            }
            return at
        }
    }

    package static func date(from string: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = formatter.date(from: string) { return date }
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.date(from: string)
    }
}
