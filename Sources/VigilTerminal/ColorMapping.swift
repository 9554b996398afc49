import VigilRender

/// A colour as the terminal is given it: a colour number for `init_extended_pair` (-1 = the
/// terminal's default) and whether bold is needed to make it bright (8-colour terminals).
public struct TerminalColor: Sendable, Hashable {
    /// Colour number: palette index, packed 0xRRGGBB on a direct-colour terminal, or -1.
    public var number: Int32
    /// Bold must be added to show the bright variant (only for foregrounds on 8 colours).
    public var needsBold: Bool

    /// Creates a terminal colour.
    public init(number: Int32, needsBold: Bool = false) {
        self.number = number
        self.needsBold = needsBold
    }

    /// The terminal's default colour.
    public static let `default` = TerminalColor(number: -1)
}

/// Fits any `Color` to what the terminal can show and turns it into the colour number ncurses
/// wants. The colour arithmetic itself (nearest xterm-256 index, nearest ANSI colour keeping the
/// hue) is `ColorMath` in the render layer, so themes and terminal map colours the same way.
public enum ColorMapping {
    /// The colour number of an RGB colour on a direct-colour terminal (`xterm-direct`): packed
    /// 0xRRGGBB. Those terminfo entries send numbers below 8 as ANSI colours, so the darkest
    /// blues (0x000000–0x000007) become 0x000008, which looks the same.
    public static func directColor(r: UInt8, g: UInt8, b: UInt8) -> Int32 {
        let packed = Int32(r) << 16 | Int32(g) << 8 | Int32(b)
        return max(packed, 8)
    }

    /// The colour number (and bold) to give ncurses for a colour on a terminal of `depth` with
    /// `colorCount` colours (`COLORS`). `.default` and `mono` give -1.
    /// - ansi16 with 8 colours: bright ANSI colours become normal ones, plus bold for foregrounds.
    /// - truecolor (direct colour): ANSI 0–7 stay palette colours; everything else is packed RGB.
    public static func terminalColor(_ color: Color, depth: ColorDepth, colorCount: Int,
                                     foreground: Bool) -> TerminalColor {
        switch (depth, ColorMath.map(color, to: depth)) {
        case (_, .default), (.mono, _):
            return .default
        case (.truecolor, .ansi(let a)) where a & 0x0F < 8:
            return TerminalColor(number: Int32(a & 0x0F))
        case (.truecolor, .indexed(let i)) where i < 8:
            return TerminalColor(number: Int32(i))
        case (.truecolor, let c):
            let (r, g, b) = ColorMath.rgb(of: c) ?? (0, 0, 0)
            return TerminalColor(number: directColor(r: r, g: g, b: b))
        case (.ansi16, .ansi(let a)):
            let n = a & 0x0F
            if n >= 8 && colorCount < 16 { return TerminalColor(number: Int32(n - 8), needsBold: foreground) }
            return TerminalColor(number: Int32(n))
        case (_, .ansi(let a)):
            return TerminalColor(number: Int32(a & 0x0F))
        case (_, .indexed(let i)):
            return TerminalColor(number: Int32(i))
        case (_, .rgb(let r, let g, let b)):
            return TerminalColor(number: Int32(ColorMath.nearest256(r: r, g: g, b: b)))
        }
    }
}
