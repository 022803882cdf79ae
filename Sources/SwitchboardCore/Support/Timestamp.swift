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
        func pad(_ v: Int32, _ width: Int) -> String {
            let s = String(v)
            return String(repeating: "0", count: max(0, width - s.count)) + s
        }
        return "\(pad(parts.tm_year + 1900, 4))-\(pad(parts.tm_mon + 1, 2))-\(pad(parts.tm_mday, 2))T"
            + "\(pad(parts.tm_hour, 2)):\(pad(parts.tm_min, 2)):\(pad(parts.tm_sec, 2)).\(pad(Int32(millis), 3))Z"
    }

    package static func date(from string: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = formatter.date(from: string) { return date }
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.date(from: string)
    }
}
