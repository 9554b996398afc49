import VigilCore

/// Short, coarse number and time formats for the dashboard. Pure; no locale (always a "." decimal
/// point). Coarse on purpose: every glyph that changes costs bytes on every update of an SSH screen.
public enum Formatting {
    /// A coarse age or duration: "42s", "12m", "3h05m", "2d4h". Rounded down; negative (clock
    /// skew) is "0s"; NaN is "-".
    public static func age(seconds: Double) -> String {
        guard !seconds.isNaN else { return "-" }
        guard seconds.isFinite else { return seconds > 0 ? "-" : "0s" }
        let s = Int(max(0, seconds.rounded(.down)).clamped(to: 0...9e15))
        switch s {
        case ..<60: return "\(s)s"
        case ..<3600: return "\(s / 60)m"
        case ..<86400:
            let m = (s % 3600) / 60
            return "\(s / 3600)h" + (m < 10 ? "0\(m)" : "\(m)") + "m"
        default:
            return "\(s / 86400)d\((s % 86400) / 3600)h"
        }
    }

    /// A coarse age or duration of a `Swift.Duration` (see `age(seconds:)`).
    public static func age(_ duration: Swift.Duration) -> String {
        let (s, atto) = duration.components
        return age(seconds: Double(s) + Double(atto) / 1e18)
    }

    /// A rate per day: "3.4/day" (one decimal below 100, whole numbers above). NaN is "-".
    public static func perDay(_ value: Double) -> String {
        guard value.isFinite else { return "-" }
        return number(value) + "/day"
    }

    /// A fraction as a percentage with one decimal: 0.931 → "93.1%". NaN is "-".
    public static func percent(_ fraction: Double) -> String {
        guard fraction.isFinite else { return "-" }
        return oneDecimal(fraction * 100) + "%"
    }

    /// One decimal below 100 in magnitude ("3.4"), whole numbers from there ("123").
    public static func number(_ value: Double) -> String {
        guard value.isFinite else { return "-" }
        return abs(value) < 99.95 ? oneDecimal(value) : "\(Int(value.rounded().clamped(to: -9e15...9e15)))"
    }

    /// Fixed one-decimal formatting without Foundation or locale: 3.14 → "3.1", -0.04 → "0.0".
    public static func oneDecimal(_ value: Double) -> String {
        guard value.isFinite else { return "-" }
        let tenths = Int((value * 10).rounded().clamped(to: -9e15...9e15))
        let sign = tenths < 0 ? "-" : ""
        let a = abs(tenths)
        return "\(sign)\(a / 10).\(a % 10)"
    }
}

extension Double {
    fileprivate func clamped(to range: ClosedRange<Double>) -> Double { Swift.min(Swift.max(self, range.lowerBound), range.upperBound) }
}

/// Formats the change of a figure against the previous window: an arrow and a percentage (or
/// percentage points for rates), coloured by whether that direction is good for the figure.
///
///     Trend.spans(current: 12, previous: 10, upIsGood: true, …)   → "▲20%"   Role.trendGood
///     Trend.spans(current: 3, previous: 4, upIsGood: false, …)    → "▼25%"   Role.trendGood
///     Trend.spans(current: 0.15, previous: 0.1, upIsGood: false, measure: .points, …) → "▲5.0pp" Role.trendBad
///     previous missing → "–"; previous 0 and current not → "new"      Role.trendNeutral / good / bad
public enum Trend {
    /// How the change is measured.
    public enum Measure: Sendable, Hashable {
        /// Relative change in percent of the previous value (counts, durations).
        case relative
        /// Difference in percentage points, for rates given as fractions (0.15 = 15%).
        case points
    }

    /// The direction of a change, after rounding to what is shown.
    public enum Direction: Sendable, Hashable {
        /// Went up.
        case up
        /// Went down.
        case down
        /// Unchanged at the shown precision.
        case flat
    }

    /// The change as text and direction, or nil when there is nothing to compare with.
    public static func change(current: Double, previous: Double?, measure: Measure = .relative)
        -> (text: String, direction: Direction)? {
        guard let previous, previous.isFinite, current.isFinite else { return nil }
        let delta: Double
        let suffix: String
        switch measure {
        case .relative:
            guard previous != 0 else { return nil }
            delta = (current - previous) / abs(previous) * 100
            suffix = "%"
        case .points:
            delta = (current - previous) * 100
            suffix = "pp"
        }
        let magnitude = abs(delta)
        let text = magnitude < 9.95 ? Formatting.oneDecimal(magnitude) : "\(Int(magnitude.rounded()))"
        let shownZero = text == "0.0"
        let direction: Direction = shownZero ? .flat : (delta > 0 ? .up : .down)
        return (shownZero ? "0" + suffix : text + suffix, direction)
    }

    /// The change as spans (one span: arrow and number), styled `Role.trendGood` when the figure
    /// moved the good way, `Role.trendBad` the bad way, `Role.trendNeutral` when flat or unknown.
    /// `glyphs.noValue` ("–") when the previous value is missing, or when both are zero; "new"
    /// when the previous value is zero and the current one is not.
    public static func spans(current: Double, previous: Double?, upIsGood: Bool, measure: Measure = .relative,
                             theme: Theme, glyphs: Glyphs) -> [Span] {
        func role(_ d: Direction) -> Role {
            switch d {
            case .flat: return .trendNeutral
            case .up: return upIsGood ? .trendGood : .trendBad
            case .down: return upIsGood ? .trendBad : .trendGood
            }
        }
        if let (text, direction) = change(current: current, previous: previous, measure: measure) {
            let arrow: Character
            switch direction {
            case .up: arrow = glyphs.trendUp
            case .down: arrow = glyphs.trendDown
            case .flat: arrow = glyphs.trendFlat
            }
            return [Span(String(arrow) + text, style: theme[role(direction)])]
        }
        if measure == .relative, previous == 0, current.isFinite, current != 0 {
            return [Span("new", style: theme[role(current > 0 ? .up : .down)])]
        }
        return [Span(glyphs.noValue, style: theme[.trendNeutral])]
    }
}
