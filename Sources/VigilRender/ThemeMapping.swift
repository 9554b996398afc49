import VigilCore

/// A hand-picked colour for one role on a 16-colour terminal (a theme file's `ansi16:` section).
/// A nil field is mapped automatically from the theme's own colour.
public struct ANSI16Override: Sendable, Hashable {
    /// Foreground, one of the 16 ANSI colours (or `.default`).
    public var fg: Color?
    /// Background, one of the 16 ANSI colours (or `.default`).
    public var bg: Color?

    /// Creates an override.
    public init(fg: Color? = nil, bg: Color? = nil) { self.fg = fg; self.bg = bg }
}

extension Theme {
    /// This theme as the terminal can show it. Every role is filled (from `builtinDefault` where the
    /// theme has none), so the result never falls back to unmapped colours.
    ///
    /// - truecolor: unchanged colours.
    /// - 256: RGB becomes the nearest xterm-256 index (cube or grey ramp).
    /// - 16: each colour becomes the ANSI colour nearest in hue (`ColorMath.nearestANSI16`), except
    ///   where `ansi16` gives a hand-picked colour for the role.
    /// - mono: every colour is dropped and the attributes of `Theme.monochrome` are added to the
    ///   theme's own, so selection, focus and severity still show (reverse, bold, underline).
    public func mapped(to depth: ColorDepth, ansi16 overrides: [Role: ANSI16Override] = [:]) -> Theme {
        var out: [Role: Style] = [:]
        for role in Role.allCases {
            let s = self[role]
            switch depth {
            case .truecolor:
                out[role] = s
            case .indexed256:
                out[role] = Style(fg: ColorMath.map(s.fg, to: .indexed256), bg: ColorMath.map(s.bg, to: .indexed256),
                                  attrs: s.attrs)
            case .ansi16:
                let o = overrides[role]
                out[role] = Style(fg: o?.fg ?? ColorMath.map(s.fg, to: .ansi16),
                                  bg: o?.bg ?? ColorMath.map(s.bg, to: .ansi16),
                                  attrs: s.attrs)
            case .mono:
                out[role] = Style(attrs: s.attrs.union(Theme.monochrome[role].attrs))
            }
        }
        return Theme(name: name, styles: out)
    }
}
