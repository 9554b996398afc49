import VigilCore

/// A modal box centred in an area, sized to its content (one space of padding left and right)
/// and capped to the area. It clears everything under it, draws a heavy border in
/// `Role.dialogBorder` with the title in the top border, and its lines in `Role.dialogText`
/// (a span's `.default` colours take the dialog's, see `Style.over`). Lines that do not fit are
/// cut with an ellipsis (width) or dropped (height).
///
///     ┏ Acknowledge? ━━━━━━━━━━┓
///     ┃ PD-42 Checkout 5xx     ┃
///     ┃ y yes   n no           ┃
///     ┗━━━━━━━━━━━━━━━━━━━━━━━━┛
public struct Dialog: Sendable {
    /// Title in the top border.
    public var title: String
    /// Content lines.
    public var lines: [[Span]]
    /// Styles.
    public var theme: Theme
    /// Symbols.
    public var glyphs: Glyphs
    /// Content width to use at least (so a dialog whose content changes keeps its size).
    public var minWidth: Int

    /// Creates a dialog.
    public init(title: String, lines: [[Span]], theme: Theme, glyphs: Glyphs, minWidth: Int = 0) {
        self.title = title; self.lines = lines; self.theme = theme; self.glyphs = glyphs; self.minWidth = minWidth
    }

    /// The lines to show when at most `height` fit, starting at line `offset` (clamped), with
    /// the last line saying how many more there are and which key scrolls ("↓ 12 more · PgDn").
    public static func scrolled(_ lines: [[Span]], offset: Int, height: Int, glyphs: Glyphs, style: Style) -> [[Span]] {
        guard height > 0 else { return [] }
        guard lines.count > height else { return lines }
        let page = max(1, height - 1)
        let start = min(max(0, offset), lines.count - page)
        var out = Array(lines[start..<(start + page)])
        let below = lines.count - start - page
        let dot = glyphs == .ascii ? "|" : "·"
        out.append([Span(below > 0 ? "\(glyphs.moreBelow) \(below) more \(dot) PgDn" : "\(glyphs.moreAbove) \(start) above \(dot) PgUp",
                         style: style)])
        return out
    }

    /// The box the dialog occupies when centred in `area`.
    public func frame(in area: Rect) -> Rect {
        let content = lines.map { $0.reduce(0) { $0 + $1.width } }.max() ?? 0
        let titleWidth = drawnWidth(title) == 0 ? 0 : drawnWidth(title) + 2
        let width = min(area.width, max(content + 2, titleWidth + 2, minWidth + 2) + 2)
        let height = min(area.height, lines.count + 2)
        return Rect(x: area.x + (area.width - width) / 2, y: area.y + (area.height - height) / 2,
                    width: width, height: height)
    }

    /// Draws the dialog centred in `area` and returns the area inside its border.
    @discardableResult
    public func render(in area: Rect, on grid: inout CellGrid) -> Rect {
        let box = frame(in: area)
        guard !box.isEmpty else { return box.inset(by: 1) }
        let text = theme[.dialogText]
        grid.fill(box, with: Cell(" ", style: text))
        var borderTheme = theme
        borderTheme.styles[.borderFocused] = theme[.dialogBorder]
        borderTheme.styles[.titleFocused] = theme[.dialogBorder]
        let inner = Panel(title: title, focused: true, theme: borderTheme, glyphs: glyphs).render(in: box, on: &grid)

        let content = Rect(x: inner.x + 1, y: inner.y, width: inner.width - 2, height: inner.height)
        guard !content.isEmpty else { return inner }
        for (i, line) in lines.prefix(content.height).enumerated() {
            let spans = truncate(line, toWidth: content.width, ellipsis: glyphs.ellipsis)
                .map { Span($0.text, style: $0.style.over(text)) }
            grid.put(spans: spans, x: content.x, y: content.y + i, clip: content)
        }
        return inner
    }
}
