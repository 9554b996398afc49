import VigilCore

/// Rows and columns with a header, a selected row and scrolling:
///
///       SEV   TITLE                AGE
///     ▶ SEV1  Checkout 5xx         12m      ← Role.selection across the whole row
///       SEV3  Disk 85% on db-2      3h05m
///     ↓ 4 more
///
/// The first two columns hold the selection marker, so the selection shows without colour.
/// Columns are separated by one space. The table owns its rectangle: it clears it first.
public struct Table: Sendable {
    /// How wide a column is.
    public enum Width: Sendable, Hashable {
        /// Exactly this many columns.
        case fixed(Int)
        /// An equal share of what the fixed columns leave, but at least `min`.
        case flex(min: Int)
    }

    /// Where text sits in its column.
    public enum Alignment: Sendable, Hashable {
        /// Flush left (text).
        case left
        /// Flush right (numbers, ages).
        case right
    }

    /// One column: header title, width, alignment.
    public struct Column: Sendable, Hashable {
        /// Header text.
        public var title: String
        /// Width rule.
        public var width: Width
        /// Alignment of header and cells.
        public var alignment: Alignment

        /// Creates a column.
        public init(_ title: String, width: Width, alignment: Alignment = .left) {
            self.title = title; self.width = width; self.alignment = alignment
        }
    }

    /// Columns taken by the selection marker and its gap.
    public static let markerWidth = 2

    /// The columns.
    public var columns: [Column]
    /// Cells, one span per column; extra spans are ignored, missing ones are blank.
    public var rowCount: Int
    /// The cells of row `i`: asked for the rows on screen only, so a table of 100,000 incidents
    /// costs what its visible rows cost.
    public var row: @Sendable (Int) -> [Span]
    /// Index of the selected row.
    public var selected: Int?
    /// The scroll offset of the previous frame (kept by the caller); it is kept when the selected
    /// row is still visible, so the view scrolls only when the selection would leave it.
    public var offset: Int
    /// Styles.
    public var theme: Theme
    /// Symbols.
    public var glyphs: Glyphs

    /// Creates a table.
    public init(columns: [Column], rows: [[Span]], selected: Int?, theme: Theme, glyphs: Glyphs, offset: Int = 0) {
        self.init(columns: columns, rowCount: rows.count, row: { rows[$0] }, selected: selected, theme: theme,
                  glyphs: glyphs, offset: offset)
    }

    /// Creates a table whose rows are made on demand, for the visible ones only.
    public init(columns: [Column], rowCount: Int, row: @escaping @Sendable (Int) -> [Span], selected: Int?, theme: Theme,
                glyphs: Glyphs, offset: Int = 0) {
        self.columns = columns; self.rowCount = rowCount; self.row = row; self.selected = selected
        self.theme = theme; self.glyphs = glyphs; self.offset = offset
    }

    /// The first row to show so that `selected` is visible: `previous` when that already shows it,
    /// otherwise the nearest offset that does (the selection lands on the first or last visible
    /// row). Always within `0...max(0, count - visibleRows)`.
    public static func scrollOffset(selected: Int?, visibleRows: Int, count: Int, previous: Int = 0) -> Int {
        ListScroll.offset(selected: selected, visibleRows: visibleRows, count: count, previous: previous)
    }

    /// The width of each column for a table `width` columns wide (marker included). Flex columns
    /// share what fixed columns and gaps leave, the last ones getting any remainder; when there
    /// is not enough room they keep their minimum and the table is clipped on the right.
    public static func columnWidths(_ columns: [Column], width: Int) -> [Int] {
        let gaps = max(0, columns.count - 1)
        var fixed = 0, flexCount = 0, flexMin = 0
        for c in columns {
            switch c.width {
            case .fixed(let w): fixed += max(0, w)
            case .flex(let m): flexCount += 1; flexMin += max(0, m)
            }
        }
        let spare = max(0, width - markerWidth - gaps - fixed)
        var extra = max(0, spare - flexMin)
        var flexIndex = 0
        return columns.map { c in
            switch c.width {
            case .fixed(let w):
                return max(0, w)
            case .flex(let m):
                let share = flexCount == 0 ? 0 : extra / (flexCount - flexIndex)
                extra -= share
                flexIndex += 1
                return max(0, m) + share
            }
        }
    }

    /// Layout of the rows area for a height: rows shown, first row, and whether the last line is
    /// taken by the "↓ N more" / "↑ N above" indicator.
    public func visibleRange(height: Int) -> (range: Range<Int>, indicator: Bool) {
        ListScroll.visibleRange(height: height, count: rowCount, selected: selected, previous: offset)
    }

    /// Draws the table inside `rect`.
    public func render(in rect: Rect, on grid: inout CellGrid) {
        guard !rect.isEmpty else { return }
        let blank = Cell(" ", style: theme[.background])
        grid.fill(rect, with: blank)
        let widths = Table.columnWidths(columns, width: rect.width)

        // Header.
        let header = theme[.label]
        grid.fill(Rect(x: rect.x, y: rect.y, width: rect.width, height: 1), with: Cell(" ", style: header))
        drawCells(columns.map { Span($0.title, style: header) }, widths: widths, y: rect.y, rect: rect, base: nil, on: &grid)

        let (range, indicator) = visibleRange(height: rect.height)
        let selection = theme[.selection]
        for (line, index) in range.enumerated() {
            let y = rect.y + 1 + line
            let isSelected = index == selected
            if isSelected {
                grid.fill(Rect(x: rect.x, y: y, width: rect.width, height: 1), with: Cell(" ", style: selection))
                grid.put(String(glyphs.selectionMarker), x: rect.x, y: y, style: selection, clip: rect)
            }
            drawCells(row(index), widths: widths, y: y, rect: rect, base: isSelected ? selection : nil, on: &grid)
        }

        if indicator {
            let y = rect.maxY - 1
            let below = rowCount - range.upperBound
            var parts: [String] = []
            if range.lowerBound > 0 { parts.append("\(glyphs.moreAbove) \(range.lowerBound) above") }
            if below > 0 { parts.append("\(glyphs.moreBelow) \(below) more") }
            let text = parts.joined(separator: "   ")
            grid.put(truncate(text, toWidth: rect.width, ellipsis: glyphs.ellipsis), x: rect.x, y: y,
                     style: theme[.textDim], clip: rect)
        }
    }

    private func drawCells(_ cells: [Span], widths: [Int], y: Int, rect: Rect, base: Style?, on grid: inout CellGrid) {
        var x = rect.x + Table.markerWidth
        for (i, column) in columns.enumerated() {
            guard x < rect.maxX else { return }
            let w = min(widths[i], rect.maxX - x)
            if i < cells.count, w > 0 {
                let span = cells[i]
                let text = truncate(span.text, toWidth: w, ellipsis: glyphs.ellipsis)
                let pad = column.alignment == .right ? w - drawnWidth(text) : 0
                let style = base.map { Style(fg: $0.fg, bg: $0.bg, attrs: $0.attrs.union(span.style.attrs)) } ?? span.style
                grid.put(text, x: x + pad, y: y, style: style, maxWidth: w - pad)
            }
            x += widths[i] + 1
        }
    }
}
