import Foundation

/// Durations as Vigil writes and reads them (the config file, check-config, messages): Go / Prometheus style, a sequence of numbers each
/// followed by a unit, such as `500ms`, `30s`, `5m`, `1h`, `1h30m`, `1.5h` or `1d`.
///
/// Units: `ms`, `s`, `m`, `h` and `d` (24 hours, as Prometheus and Alertmanager accept it).
/// Every number needs a unit (`30` is rejected: 30 what?); no sign, no spaces, no `w`/`y`
/// (a week or a year is written `7d` / `365d`). Precision is one millisecond.
public enum DurationText {
    /// The units, with their length in milliseconds; longest spelling first so `ms` wins over `m`.
    static let units: [(name: String, milliseconds: Double)] = [
        ("ms", 1), ("s", 1_000), ("m", 60_000), ("h", 3_600_000), ("d", 86_400_000),
    ]

    /// The longest duration accepted (100 years); anything longer is surely a mistake.
    static let maximumMilliseconds: Double = 100 * 365 * 86_400_000

    /// Parses a duration; nil when the text is not one (empty, no unit, a sign, an unknown unit,
    /// spaces, or longer than 100 years).
    public static func parse(_ text: String) -> Duration? {
        let chars = Array(text.unicodeScalars)
        guard !chars.isEmpty else { return nil }
        var i = 0
        var total: Double = 0
        func isDigit(_ c: Unicode.Scalar) -> Bool { c >= "0" && c <= "9" }
        while i < chars.count {
            // Number: digits, optionally a fraction.
            let start = i
            while i < chars.count, isDigit(chars[i]) { i += 1 }
            var sawDigits = i > start
            var number = String(String.UnicodeScalarView(chars[start..<i]))
            if i < chars.count, chars[i] == "." {
                i += 1
                let fractionStart = i
                while i < chars.count, isDigit(chars[i]) { i += 1 }
                sawDigits = sawDigits || i > fractionStart
                number = (number.isEmpty ? "0" : number) + "." + String(String.UnicodeScalarView(chars[fractionStart..<i]))
                if number.hasSuffix(".") { number += "0" }
            }
            guard sawDigits, let value = Double(number) else { return nil }
            // Unit: letters.
            let unitStart = i
            while i < chars.count, chars[i].properties.isAlphabetic { i += 1 }
            let unit = String(String.UnicodeScalarView(chars[unitStart..<i]))
            guard let factor = units.first(where: { $0.name == unit })?.milliseconds else { return nil }
            total += value * factor
            guard total.isFinite, total <= maximumMilliseconds else { return nil }
        }
        return .milliseconds(Int64(total.rounded()))
    }

    /// Formats a duration the way the config writes it: `500ms`, `30s`, `1h30m`, `1d`.
    public static func format(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        var ms = seconds * 1_000 + attoseconds / 1_000_000_000_000_000
        if ms == 0 { return "0s" }
        var text = ms < 0 ? "-" : ""
        ms = abs(ms)
        for (name, length) in units.reversed().map({ ($0.name, Int64($0.milliseconds)) }) where ms >= length {
            text += "\(ms / length)\(name)"
            ms %= length
        }
        return text
    }
}
