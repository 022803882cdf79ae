/// Durations as definitions write them (`keepAlive: 30d`): a whole number with an
/// optional unit, `s`, `m`, `h`, `d` or `w`; a bare number is seconds. Whole numbers only,
/// so a stored definition means the same on every machine. No Foundation: the fuzz build
/// compiles this file with the parser.
package enum DurationText {
    static let units: [(suffix: Character, seconds: Int)] = [("s", 1), ("m", 60), ("h", 3600), ("d", 86_400), ("w", 604_800)]

    /// Seconds, or nil for anything else (signs, fractions, spaces inside, overflow).
    package static func seconds(_ text: String) -> Int? {
        var digits = Substring(text.lowercased())
        var factor = 1
        if let last = digits.last, let unit = units.first(where: { $0.suffix == last }) {
            digits = digits.dropLast()
            factor = unit.seconds
        }
        // At most 9 digits: a billion weeks still fits an Int without overflow.
        guard !digits.isEmpty, digits.count <= 9, digits.allSatisfy({ $0.isASCII && $0.isNumber }), let number = Int(digits) else {
            return nil
        }
        return number * factor
    }

    /// The largest unit that divides `seconds` exactly: 2592000 → "30d", 5400 → "90m".
    package static func describe(_ seconds: Int) -> String {
        guard seconds > 0 else { return "\(seconds)s" }
        for unit in units.reversed() where unit.seconds > 1 && seconds % unit.seconds == 0 {
            return "\(seconds / unit.seconds)\(unit.suffix)"
        }
        return "\(seconds)s"
    }
}
