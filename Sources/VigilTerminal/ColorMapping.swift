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

/// Pure colour arithmetic: fitting any `Color` to what a terminal can show. The render layer may
/// use it too (`downgrade`).
public enum ColorMapping {
    /// The six levels of each channel in the xterm 6×6×6 colour cube (indices 16–231).
    public static let cubeLevels: [UInt8] = [0x00, 0x5F, 0x87, 0xAF, 0xD7, 0xFF]

    /// xterm's default RGB values of the 16 ANSI colours (0–7 normal, 8–15 bright).
    public static let ansiPalette: [(r: UInt8, g: UInt8, b: UInt8)] = [
        (0, 0, 0), (205, 0, 0), (0, 205, 0), (205, 205, 0),
        (0, 0, 238), (205, 0, 205), (0, 205, 205), (229, 229, 229),
        (127, 127, 127), (255, 0, 0), (0, 255, 0), (255, 255, 0),
        (92, 92, 255), (255, 0, 255), (0, 255, 255), (255, 255, 255),
    ]

    /// The nearest xterm-256 index (colour cube 16–231 or grey ramp 232–255) to an RGB colour.
    public static func xterm256(r: UInt8, g: UInt8, b: UInt8) -> UInt8 {
        func cubeIndex(_ v: Int) -> Int { v < 48 ? 0 : (v < 115 ? 1 : (v - 35) / 40) }
        let (ri, gi, bi) = (Int(r), Int(g), Int(b))
        let qr = cubeIndex(ri), qg = cubeIndex(gi), qb = cubeIndex(bi)
        let cr = Int(cubeLevels[qr]), cg = Int(cubeLevels[qg]), cb = Int(cubeLevels[qb])
        let cube = 16 + 36 * qr + 6 * qg + qb
        if cr == ri && cg == gi && cb == bi { return UInt8(cube) }

        let average = (ri + gi + bi) / 3
        let greyIndex = average > 238 ? 23 : max(0, (average - 3) / 10)
        let grey = 8 + 10 * greyIndex
        let cubeDistance = distance(cr, cg, cb, ri, gi, bi)
        let greyDistance = distance(grey, grey, grey, ri, gi, bi)
        return greyDistance < cubeDistance ? UInt8(232 + greyIndex) : UInt8(cube)
    }

    /// The nearest of the 16 ANSI colours (by xterm's default palette) to an RGB colour.
    public static func ansi16(r: UInt8, g: UInt8, b: UInt8) -> UInt8 {
        var best = 0
        var bestDistance = Int.max
        for (i, c) in ansiPalette.enumerated() {
            let d = distance(Int(c.r), Int(c.g), Int(c.b), Int(r), Int(g), Int(b))
            if d < bestDistance { best = i; bestDistance = d }
        }
        return UInt8(best)
    }

    /// The nearest of the 16 ANSI colours to an xterm-256 index (0–15 are themselves).
    public static func ansi16(fromIndexed index: UInt8) -> UInt8 {
        if index < 16 { return index }
        let c = rgb(ofIndexed: index)
        return ansi16(r: c.r, g: c.g, b: c.b)
    }

    /// The RGB value of an xterm-256 index (xterm's defaults for 0–15).
    public static func rgb(ofIndexed index: UInt8) -> (r: UInt8, g: UInt8, b: UInt8) {
        switch index {
        case 0..<16:
            return ansiPalette[Int(index)]
        case 16..<232:
            let i = Int(index) - 16
            return (cubeLevels[i / 36], cubeLevels[(i / 6) % 6], cubeLevels[i % 6])
        default:
            let v = UInt8(8 + 10 * (Int(index) - 232))
            return (v, v, v)
        }
    }

    /// The colour number of an RGB colour on a direct-colour terminal (`xterm-direct`): packed
    /// 0xRRGGBB. Those terminfo entries send numbers below 8 as ANSI colours, so the darkest
    /// blues (0x000000–0x000007) become 0x000008, which looks the same.
    public static func directColor(r: UInt8, g: UInt8, b: UInt8) -> Int32 {
        let packed = Int32(r) << 16 | Int32(g) << 8 | Int32(b)
        return max(packed, 8)
    }

    /// The closest colour representable at a depth (`mono` gives `.default`). Meant for the
    /// render layer; the terminal itself uses `terminalColor`.
    public static func downgrade(_ color: Color, to depth: ColorDepth) -> Color {
        switch (depth, color) {
        case (_, .default): return .default
        case (.mono, _): return .default
        case (.ansi16, .ansi(let n)): return .ansi(n & 0x0F)
        case (.ansi16, .indexed(let n)): return .ansi(ansi16(fromIndexed: n))
        case (.ansi16, .rgb(let r, let g, let b)): return .ansi(ansi16(r: r, g: g, b: b))
        case (.indexed256, .rgb(let r, let g, let b)): return .indexed(xterm256(r: r, g: g, b: b))
        case (.indexed256, _), (.truecolor, _): return color
        }
    }

    /// The colour number (and bold) to give ncurses for a colour on a terminal of `depth` with
    /// `colorCount` colours (`COLORS`). `.default` and `mono` give -1.
    /// - ansi16 with 8 colours: bright ANSI colours become normal ones, plus bold for foregrounds.
    /// - truecolor (direct colour): ANSI 0–7 stay palette colours; everything else is packed RGB.
    public static func terminalColor(_ color: Color, depth: ColorDepth, colorCount: Int,
                                     foreground: Bool) -> TerminalColor {
        switch depth {
        case .mono:
            return .default
        case .ansi16:
            let n: UInt8
            switch color {
            case .default: return .default
            case .ansi(let a): n = a & 0x0F
            case .indexed(let i): n = ansi16(fromIndexed: i)
            case .rgb(let r, let g, let b): n = ansi16(r: r, g: g, b: b)
            }
            if n >= 8 && colorCount < 16 {
                return TerminalColor(number: Int32(n - 8), needsBold: foreground)
            }
            return TerminalColor(number: Int32(n))
        case .indexed256:
            switch color {
            case .default: return .default
            case .ansi(let a): return TerminalColor(number: Int32(a & 0x0F))
            case .indexed(let i): return TerminalColor(number: Int32(i))
            case .rgb(let r, let g, let b): return TerminalColor(number: Int32(xterm256(r: r, g: g, b: b)))
            }
        case .truecolor:
            switch color {
            case .default: return .default
            case .ansi(let a) where a & 0x0F < 8: return TerminalColor(number: Int32(a & 0x0F))
            case .indexed(let i) where i < 8: return TerminalColor(number: Int32(i))
            case .ansi(let a):
                let c = rgb(ofIndexed: a & 0x0F)
                return TerminalColor(number: directColor(r: c.r, g: c.g, b: c.b))
            case .indexed(let i):
                let c = rgb(ofIndexed: i)
                return TerminalColor(number: directColor(r: c.r, g: c.g, b: c.b))
            case .rgb(let r, let g, let b):
                return TerminalColor(number: directColor(r: r, g: g, b: b))
            }
        }
    }

    private static func distance(_ r1: Int, _ g1: Int, _ b1: Int, _ r2: Int, _ g2: Int, _ b2: Int) -> Int {
        let dr = r1 - r2, dg = g1 - g2, db = b1 - b2
        return dr * dr + dg * dg + db * db
    }
}
