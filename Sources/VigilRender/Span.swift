import VigilCore

/// A piece of text in one style; a line is an array of spans.
public struct Span: Sendable, Hashable {
    /// The text (one line; control characters are drawn as spaces).
    public var text: String
    /// How it is drawn.
    public var style: Style

    /// Creates a span.
    public init(_ text: String, style: Style = .plain) { self.text = text; self.style = style }

    /// Columns the text occupies.
    public var width: Int { drawnWidth(text) }
}

extension Style {
    /// This style drawn over a container's style: a `.default` colour takes the container's colour,
    /// attributes add up. Lets a plain span sit inside a dialog without punching a hole in it.
    public func over(_ base: Style) -> Style {
        Style(fg: fg == .default ? base.fg : fg, bg: bg == .default ? base.bg : bg, attrs: attrs.union(base.attrs))
    }
}

/// Cuts text to at most `width` columns, ending it with `ellipsis` when it was cut. Wide glyphs are
/// never split. When even the ellipsis does not fit, as much of it as fits is returned.
public func truncate(_ text: some StringProtocol, toWidth width: Int, ellipsis: String = "…") -> String {
    guard width > 0 else { return "" }
    if drawnWidth(text) <= width { return String(text) }
    let ellipsisWidth = drawnWidth(ellipsis)
    if ellipsisWidth > width { return fittingPrefix(ellipsis, columns: width) }
    return fittingPrefix(text, columns: width - ellipsisWidth) + ellipsis
}

/// Cuts a line of spans to at most `width` columns, ending it with `ellipsis` (in the style of the
/// span that was cut) when it was cut.
public func truncate(_ spans: [Span], toWidth width: Int, ellipsis: String = "…") -> [Span] {
    guard width > 0 else { return [] }
    let total = spans.reduce(0) { $0 + $1.width }
    if total <= width { return spans }
    let ellipsisWidth = drawnWidth(ellipsis)
    var room = width - ellipsisWidth
    if room < 0 { return [Span(fittingPrefix(ellipsis, columns: width), style: spans.first?.style ?? .plain)] }
    var out: [Span] = []
    for span in spans {
        let w = span.width
        if w <= room {
            out.append(span); room -= w
            continue
        }
        out.append(Span(fittingPrefix(span.text, columns: room) + ellipsis, style: span.style))
        return out
    }
    return out
}

/// The longest prefix of `text` that fits in `columns`, never splitting a wide glyph.
func fittingPrefix(_ text: some StringProtocol, columns: Int) -> String {
    var out = ""
    var used = 0
    for ch in text {
        let w = drawnWidth(ch)
        if used + w > columns { break }
        out.append(ch); used += w
    }
    return out
}

/// Columns `CellGrid.put` uses for a character: control characters become a one-column space,
/// lone combining marks are dropped.
func drawnWidth(_ ch: Character) -> Int {
    let w = GlyphWidth.of(ch)
    if w > 0 { return w }
    guard let v = ch.unicodeScalars.first?.value else { return 0 }
    return v < 0x20 || (v >= 0x7F && v < 0xA0) ? 1 : 0
}

/// Columns `CellGrid.put` uses for a string.
func drawnWidth(_ text: some StringProtocol) -> Int {
    // Printable ASCII (most of a frame's text) is one column a byte, each byte a character of
    // its own: no grapheme breaking (it was a quarter of a frame's instructions). Control bytes
    // are not: "\r\n" is one character.
    var printable = true
    for b in text.utf8 where b < 0x20 || b >= 0x7F { printable = false; break }
    if printable { return text.utf8.count }
    var n = 0
    for ch in text { n += drawnWidth(ch) }
    return n
}

extension CellGrid {
    /// Writes spans one after another from (x, y), clipped to `maxWidth` columns and to the grid.
    /// Returns the columns written.
    @discardableResult
    public mutating func put(spans: [Span], x: Int, y: Int, maxWidth: Int = Int.max) -> Int {
        var col = 0
        for span in spans {
            let room = maxWidth == Int.max ? Int.max : maxWidth - col
            if room <= 0 { break }
            col += put(span.text, x: x + col, y: y, style: span.style, maxWidth: room)
        }
        return col
    }

    /// Draws text inside a rectangle's first row only, never past its right edge.
    @discardableResult
    mutating func put(_ text: some StringProtocol, x: Int, y: Int, style: Style, clip: Rect) -> Int {
        guard y >= clip.y, y < clip.maxY, x < clip.maxX, x >= clip.x else { return 0 }
        return put(text, x: x, y: y, style: style, maxWidth: clip.maxX - x)
    }

    /// Writes spans, clipped to a rectangle.
    @discardableResult
    mutating func put(spans: [Span], x: Int, y: Int, clip: Rect) -> Int {
        guard y >= clip.y, y < clip.maxY, x < clip.maxX, x >= clip.x else { return 0 }
        return put(spans: spans, x: x, y: y, maxWidth: clip.maxX - x)
    }
}
