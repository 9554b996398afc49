import Foundation
import VigilCore

extension Formatting {
    /// Seconds as "120ms" or "1.25s"; "-" when unknown.
    public static func latency(_ seconds: Double?) -> String {
        guard let s = seconds, s.isFinite else { return "-" }
        if s < 1 { return "\(Int((s * 1_000).rounded()))ms" }
        return oneDecimal(s) + "s"
    }

    /// An optional duration: "-" when unknown.
    public static func age(_ seconds: Double?) -> String { seconds.map { age(seconds: $0) } ?? "-" }

    /// An optional fraction as a percentage: "-" when unknown.
    public static func percent(_ fraction: Double?) -> String { fraction.map { percent($0) } ?? "-" }

    /// "14:02" UTC.
    public static func clock(_ d: Date) -> String { VigilCore.clock(d) }
}

extension Trend {
    /// The change of an optional figure; "–" when the current value is unknown.
    static func of(_ current: Double?, _ previous: Double?, upIsGood: Bool, measure: Measure = .relative,
                   _ ctx: ViewContext) -> [Span] {
        guard let current else { return [Span(ctx.glyphs.noValue, style: ctx.theme[.trendNeutral])] }
        return spans(current: current, previous: previous, upIsGood: upIsGood, measure: measure,
                     theme: ctx.theme, glyphs: ctx.glyphs)
    }
}

/// What every view needs besides the state: the theme (already mapped to the terminal's colour
/// depth) and the glyph set (Unicode or ASCII).
public struct ViewContext: Sendable {
    /// Styles by role.
    public var theme: Theme
    /// Symbols.
    public var glyphs: Glyphs
    /// Creates a context.
    public init(theme: Theme, glyphs: Glyphs) { self.theme = theme; self.glyphs = glyphs }

    /// A span in a role's style.
    func span(_ text: String, _ role: Role) -> Span { Span(text, style: theme[role]) }
}

extension Glyphs {
    /// A separator between items on one line: "·", or "|" in ASCII.
    public var dot: String { self == .ascii ? "|" : "·" }
}
