import VigilCore

/// A bordered box with a title in its top border and an optional badge (staleness, a clock)
/// right-aligned in the same border:
///
///     ┌ Incidents ──── stale 5m ┐
///     │                         │
///     └─────────────────────────┘
///
/// It draws only the border; the inside is left for the content.
public struct Panel: Sendable {
    /// Title, drawn as " Title " after the top-left corner and cut with an ellipsis if needed.
    public var title: String
    /// Focused panels use `Role.borderFocused`/`Role.titleFocused` and the heavier box glyphs.
    public var focused: Bool
    /// Styles.
    public var theme: Theme
    /// Symbols.
    public var glyphs: Glyphs
    /// Right-aligned in the top border; dropped when it would leave the title under 3 columns.
    public var badge: Span?

    /// Creates a panel.
    public init(title: String, focused: Bool, theme: Theme, glyphs: Glyphs, badge: Span? = nil) {
        self.title = title; self.focused = focused; self.theme = theme; self.glyphs = glyphs; self.badge = badge
    }

    /// Draws the border inside `rect` and returns the area inside it (empty when `rect` is smaller
    /// than 2x2; then only the part of the border that fits is drawn).
    @discardableResult
    public func render(in rect: Rect, on grid: inout CellGrid) -> Rect {
        let inner = rect.inset(by: 1)
        guard !rect.isEmpty else { return inner }
        let box = focused ? glyphs.focusedBox : glyphs.box
        let border = theme[focused ? .borderFocused : .border]
        let titleStyle = theme[focused ? .titleFocused : .title]
        let (x0, y0, x1, y1) = (rect.x, rect.y, rect.maxX - 1, rect.maxY - 1)

        if rect.width == 1 {
            // A single column: the left edge only.
            for y in y0...y1 {
                let glyph = y == y0 ? box.topLeft : (y == y1 ? box.bottomLeft : box.vertical)
                grid[x0, y] = Cell(glyph, style: border)
            }
            return inner
        }

        // Top edge with title and badge.
        for x in x0...x1 { grid[x, y0] = Cell(box.horizontal, style: border) }
        grid[x0, y0] = Cell(box.topLeft, style: border)
        grid[x1, y0] = Cell(box.topRight, style: border)
        drawTitle(on: &grid, from: x0 + 1, room: rect.width - 2, y: y0, border: border, titleStyle: titleStyle)

        guard rect.height >= 2 else { return inner }
        for y in (y0 + 1)..<y1 {
            grid[x0, y] = Cell(box.vertical, style: border)
            grid[x1, y] = Cell(box.vertical, style: border)
        }
        for x in x0...x1 { grid[x, y1] = Cell(box.horizontal, style: border) }
        grid[x0, y1] = Cell(box.bottomLeft, style: border)
        grid[x1, y1] = Cell(box.bottomRight, style: border)
        return inner
    }

    private func drawTitle(on grid: inout CellGrid, from x: Int, room: Int, y: Int, border: Style, titleStyle: Style) {
        guard room > 0 else { return }
        let titleWidth = drawnWidth(title)
        var titleRoom = room
        if let badge, badge.width > 0 {
            let badgeSegment = badge.width + 2                     // " badge "
            let wantedTitle = titleWidth == 0 ? 0 : min(titleWidth, 3) + 2
            // Keep one border glyph between title and badge when there is a title.
            let left = room - badgeSegment - (titleWidth == 0 ? 0 : 1)
            if left >= wantedTitle {
                let bx = x + room - badgeSegment
                grid.put(" ", x: bx, y: y, style: border, maxWidth: 1)
                grid.put(badge.text, x: bx + 1, y: y, style: badge.style.over(border), maxWidth: badge.width)
                grid.put(" ", x: bx + 1 + badge.width, y: y, style: border, maxWidth: 1)
                titleRoom = left
            }
        }
        guard titleWidth > 0, titleRoom >= 3 else { return }
        let text = truncate(title, toWidth: titleRoom - 2, ellipsis: glyphs.ellipsis)
        let w = drawnWidth(text)
        grid.put(" ", x: x, y: y, style: border, maxWidth: 1)
        grid.put(text, x: x + 1, y: y, style: titleStyle, maxWidth: w)
        grid.put(" ", x: x + 1 + w, y: y, style: border, maxWidth: 1)
    }
}
