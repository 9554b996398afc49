/// Colour arithmetic for mapping a theme down to what the terminal can show. Pure functions, no
/// terminal access: `Theme.mapped(to:)` is built on them.
public enum ColorMath {
    /// The six channel levels of the xterm 6x6x6 colour cube (indices 16–231).
    public static let cubeLevels: [UInt8] = [0, 95, 135, 175, 215, 255]

    /// xterm's default RGB values for the 16 ANSI colours (0–7 normal, 8–15 bright).
    public static let ansiRGB: [(UInt8, UInt8, UInt8)] = [
        (0, 0, 0), (205, 0, 0), (0, 205, 0), (205, 205, 0),
        (0, 0, 238), (205, 0, 205), (0, 205, 205), (229, 229, 229),
        (127, 127, 127), (255, 0, 0), (0, 255, 0), (255, 255, 0),
        (92, 92, 255), (255, 0, 255), (0, 255, 255), (255, 255, 255),
    ]

    /// The RGB value xterm gives a 256-palette index (its defaults for 0–15).
    public static func rgb(ofIndexed index: UInt8) -> (UInt8, UInt8, UInt8) {
        switch index {
        case 0..<16:
            return ansiRGB[Int(index)]
        case 16..<232:
            let i = Int(index) - 16
            return (cubeLevels[i / 36], cubeLevels[(i / 6) % 6], cubeLevels[i % 6])
        default:
            let v = UInt8(8 + 10 * (Int(index) - 232))
            return (v, v, v)
        }
    }

    /// The nearest xterm-256 index to an RGB colour, chosen from the 6x6x6 cube (16–231) and the
    /// grey ramp (232–255). The 16 ANSI colours are never chosen: terminals redefine them.
    public static func nearest256(r: UInt8, g: UInt8, b: UInt8) -> UInt8 {
        let ri = nearestCubeLevel(r), gi = nearestCubeLevel(g), bi = nearestCubeLevel(b)
        let cube = (cubeLevels[ri], cubeLevels[gi], cubeLevels[bi])
        let cubeIndex = 16 + 36 * ri + 6 * gi + bi

        // Grey ramp: 8, 18, …, 238.
        let mean = (Int(r) + Int(g) + Int(b)) / 3
        let greyStep = min(23, max(0, (mean - 3) / 10))
        let greyValue = UInt8(8 + 10 * greyStep)
        let grey = (greyValue, greyValue, greyValue)

        let dCube = distance2((r, g, b), cube)
        let dGrey = distance2((r, g, b), grey)
        return dGrey < dCube ? UInt8(232 + greyStep) : UInt8(cubeIndex)
    }

    /// The ANSI colour (0–15) that best keeps the meaning of an RGB colour.
    ///
    /// Plain RGB distance is a poor guide with only 16 colours: it turns a muted theme red such as
    /// `#BF616A` into grey, and severity colours would lose their meaning. So this keeps the hue:
    /// colours with little chroma map to black, bright black, white or bright white by lightness;
    /// the rest map to the ANSI hue nearest theirs (red, yellow, green, cyan, blue, magenta), bright
    /// when the colour is light or fully saturated.
    public static func nearestANSI16(r: UInt8, g: UInt8, b: UInt8) -> UInt8 {
        let ri = Int(r), gi = Int(g), bi = Int(b)
        let hi = max(ri, gi, bi), lo = min(ri, gi, bi)
        let chroma = hi - lo
        let lightness = (hi + lo) / 2
        if chroma < 40 {
            switch lightness {
            case ..<64: return 0
            case ..<168: return 8
            case ..<240: return 7
            default: return 15
            }
        }
        // Hue in degrees, 0..<360.
        let c = Double(chroma)
        var hue: Double
        if hi == ri {
            hue = 60 * (Double(gi - bi) / c)
        } else if hi == gi {
            hue = 60 * (Double(bi - ri) / c + 2)
        } else {
            hue = 60 * (Double(ri - gi) / c + 4)
        }
        if hue < 0 { hue += 360 }
        // ANSI hue order by sector of 60° centred on 0, 60, …: red, yellow, green, cyan, blue, magenta.
        let sector = Int(((hue + 30) / 60).rounded(.down)) % 6
        let base: [UInt8] = [1, 3, 2, 6, 4, 5]
        let bright = hi >= 240 || lightness >= 160
        return base[sector] + (bright ? 8 : 0)
    }

    /// The RGB value of any colour (nil for `.default`, which the terminal decides).
    public static func rgb(of color: Color) -> (UInt8, UInt8, UInt8)? {
        switch color {
        case .default: return nil
        case .ansi(let i): return ansiRGB[Int(i & 15)]
        case .indexed(let i): return rgb(ofIndexed: i)
        case .rgb(let r, let g, let b): return (r, g, b)
        }
    }

    /// A colour as close as possible within a colour depth. `.default` stays `.default`; with
    /// `.mono` every colour becomes `.default`.
    public static func map(_ color: Color, to depth: ColorDepth) -> Color {
        switch (color, depth) {
        case (.default, _), (_, .truecolor):
            return depth == .mono ? .default : color
        case (_, .mono):
            return .default
        case (.ansi, _):
            return color
        case (.indexed(let i), .indexed256):
            return .indexed(i)
        case (.rgb(let r, let g, let b), .indexed256):
            return .indexed(nearest256(r: r, g: g, b: b))
        case (.indexed(let i), .ansi16):
            if i < 16 { return .ansi(i) }
            let (r, g, b) = rgb(ofIndexed: i)
            return .ansi(nearestANSI16(r: r, g: g, b: b))
        case (.rgb(let r, let g, let b), .ansi16):
            return .ansi(nearestANSI16(r: r, g: g, b: b))
        }
    }

    private static func nearestCubeLevel(_ v: UInt8) -> Int {
        // Midpoints between 0, 95, 135, 175, 215, 255.
        switch v {
        case ..<48: return 0
        case ..<115: return 1
        case ..<155: return 2
        case ..<195: return 3
        case ..<235: return 4
        default: return 5
        }
    }

    private static func distance2(_ a: (UInt8, UInt8, UInt8), _ b: (UInt8, UInt8, UInt8)) -> Int {
        let dr = Int(a.0) - Int(b.0), dg = Int(a.1) - Int(b.1), db = Int(a.2) - Int(b.2)
        return dr * dr + dg * dg + db * db
    }
}
