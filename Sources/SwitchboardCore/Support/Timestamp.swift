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

    /// A timestamp as `string(from:)` writes it ("YYYY-MM-DDTHH:MM:SS.mmmZ", 1970 to 9999),
    /// read without a formatter: creating an ISO8601DateFormatter and parsing with it was
    /// 15% of a failed refresh's CPU (perf, 2,000 refused connections). Nil for any other
    /// text, which `date(from:)` leaves to the formatter: other forms, and dates the
    /// formatter's calendar may read otherwise (before 1970, a day past its month's end).
    static func parsedWritten(_ string: String) -> Date? {
        var string = string
        return string.withUTF8 { bytes -> Date? in
            guard bytes.count == 24, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"), bytes[10] == UInt8(ascii: "T"),
                  bytes[13] == UInt8(ascii: ":"), bytes[16] == UInt8(ascii: ":"), bytes[19] == UInt8(ascii: "."), bytes[23] == UInt8(ascii: "Z")
            else { return nil }
            func number(_ start: Int, _ width: Int) -> Int? {
                var value = 0
                for index in start..<start + width {
                    let digit = Int(bytes[index]) - Int(UInt8(ascii: "0"))
                    guard (0...9).contains(digit) else { return nil }
                    value = value * 10 + digit
                }
                return value
            }
            guard let year = number(0, 4), let month = number(5, 2), let day = number(8, 2), let hour = number(11, 2),
                  let minute = number(14, 2), let second = number(17, 2), let millis = number(20, 3),
                  year >= 1970, (1...12).contains(month), day >= 1, day <= daysIn(month: month, year: year),
                  hour < 24, minute < 60, second < 60 else { return nil }
            let whole = (days(year: year, month: month, day: day) * 86_400) + hour * 3600 + minute * 60 + second
            return Date(timeIntervalSince1970: Double(whole) + Double(millis) / 1000)
        }
    }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Days from 1970-01-01 to a proleptic Gregorian date of 1970 or later (before year 1 the
    /// truncating division would need Hinnant's floor adjustment): Hinnant's
    /// `days_from_civil`, the inverse of `civil(days:)`.
    static func days(year: Int, month: Int, day: Int) -> Int {
        let year = month <= 2 ? year - 1 : year
        let era = year / 400
        let yearOfEra = year - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
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
        parsedWritten(string) ?? formatterDate(string)
    }

    /// Any ISO 8601 internet date-time, with or without fractional seconds, as Foundation
    /// reads it: `date(from:)` for what `parsedWritten` declines.
    static func formatterDate(_ string: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = formatter.date(from: string) { return date }
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.date(from: string)
    }
}
