import VigilCore

/// A terminal colour, as precise as the theme gave it; `ColorDepth` maps it down for the terminal.
public enum Color: Sendable, Hashable {
    /// The terminal's own default foreground or background.
    case `default`
    /// One of the 16 ANSI colours (0–7 normal, 8–15 bright).
    case ansi(UInt8)
    /// An xterm-256 palette index.
    case indexed(UInt8)
    /// 24-bit colour.
    case rgb(UInt8, UInt8, UInt8)
}

/// Text attributes that survive on a monochrome terminal.
public struct Attributes: OptionSet, Sendable, Hashable {
    /// The raw bits.
    public let rawValue: UInt8
    /// Creates attributes from raw bits.
    public init(rawValue: UInt8) { self.rawValue = rawValue }
    /// Bold / bright.
    public static let bold = Attributes(rawValue: 1 << 0)
    /// Dim.
    public static let dim = Attributes(rawValue: 1 << 1)
    /// Underlined.
    public static let underline = Attributes(rawValue: 1 << 2)
    /// Reverse video.
    public static let reverse = Attributes(rawValue: 1 << 3)
    /// Italic.
    public static let italic = Attributes(rawValue: 1 << 4)
    /// Blinking (used for nothing by default; themes may).
    public static let blink = Attributes(rawValue: 1 << 5)
}

/// Foreground, background and attributes of a cell.
public struct Style: Sendable, Hashable {
    /// Foreground colour.
    public var fg: Color
    /// Background colour.
    public var bg: Color
    /// Attributes.
    public var attrs: Attributes

    /// Creates a style.
    public init(fg: Color = .default, bg: Color = .default, attrs: Attributes = []) {
        self.fg = fg; self.bg = bg; self.attrs = attrs
    }

    /// The terminal's plain default style.
    public static let plain = Style()

    /// This style with extra attributes.
    public func adding(_ a: Attributes) -> Style { var s = self; s.attrs.formUnion(a); return s }
}

/// One cell of the screen. A wide glyph (CJK, some emoji) occupies its cell and the next, which
/// holds `Cell.continuation`.
public struct Cell: Sendable, Hashable {
    /// What is drawn. Empty only in a continuation cell.
    public var glyph: Character
    /// How it is drawn.
    public var style: Style
    /// True for the right half of a wide glyph.
    public var isContinuation: Bool

    /// Creates a cell.
    public init(_ glyph: Character = " ", style: Style = .plain) {
        self.glyph = glyph; self.style = style; self.isContinuation = false
    }

    /// A blank cell in the plain style.
    public static let blank = Cell()

    /// The right half of a wide glyph with the given style.
    public static func continuation(_ style: Style) -> Cell {
        var c = Cell(" ", style: style); c.isContinuation = true; return c
    }
}
