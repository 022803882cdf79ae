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
        let whole = Int(seconds.rounded(.down))
        let millis = Int((seconds - Double(whole)) * 1000)
        let (days, second) = whole.quotientAndRemainder(dividingBy: 86_400)
        let (year, month, day) = civil(days: days)
        // "YYYY-MM-DDTHH:MM:SS.mmmZ" written digit by digit (interpolating padded strings
        // cost 7,400 instructions a timestamp, and a refresh writes five), the date
        // computed here: gmtime_r and the table of fields took 1,400 more (callgrind).
        return String(unsafeUninitializedCapacity: 24) { buffer in
            func put(_ value: Int, _ width: Int, at end: Int, then separator: UInt8) {
                var value = value
                for index in stride(from: end - 1, through: end - width, by: -1) {
                    buffer[index] = UInt8(ascii: "0") + UInt8(value % 10)
                    value /= 10
                }
                buffer[end] = separator
            }
            put(year, 4, at: 4, then: UInt8(ascii: "-"))
            put(month, 2, at: 7, then: UInt8(ascii: "-"))
            put(day, 2, at: 10, then: UInt8(ascii: "T"))
            put(second / 3600, 2, at: 13, then: UInt8(ascii: ":"))
            put(second / 60 % 60, 2, at: 16, then: UInt8(ascii: ":"))
            put(second % 60, 2, at: 19, then: UInt8(ascii: "."))
            put(millis, 3, at: 23, then: UInt8(ascii: "Z"))
            return 24
        }
    }

    /// The proleptic Gregorian date `days` (at least 0) after 1970-01-01: Howard Hinnant's
    /// `civil_from_days`, in eras of 400 years counted from 0000-03-01.
    static func civil(days: Int) -> (year: Int, month: Int, day: Int) {
        let shifted = days + 719_468
        let era = shifted / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1_460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let shiftedMonth = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * shiftedMonth + 2) / 5 + 1
        let month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    package static func date(from string: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = formatter.date(from: string) { return date }
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.date(from: string)
    }
}
