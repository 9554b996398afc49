import VigilCore

/// An in-memory screen: rows of cells. Widgets draw into it; the terminal backend draws only the
/// difference between two grids. Drawing outside the grid is clipped, never a crash.
public struct CellGrid: Sendable, Equatable {
    /// Columns.
    public private(set) var width: Int
    /// Rows.
    public private(set) var height: Int
    /// Row-major cells.
    public private(set) var cells: [Cell]

    /// A grid filled with one cell.
    public init(width: Int, height: Int, filling cell: Cell = .blank) {
        self.width = max(0, width); self.height = max(0, height)
        cells = Array(repeating: cell, count: self.width * self.height)
    }

    /// A grid filled with one glyph in the plain style (tests use "x" to prove what was left alone).
    public init(width: Int, height: Int, filling glyph: Character) {
        self.init(width: width, height: height, filling: Cell(glyph))
    }

    /// The whole grid as a rectangle.
    public var bounds: Rect { Rect(x: 0, y: 0, width: width, height: height) }

    /// The grid's size.
    public var size: Size { Size(width: width, height: height) }

    /// The cell at a position; reads outside give a blank cell, writes outside are dropped.
    public subscript(x: Int, y: Int) -> Cell {
        get {
            guard x >= 0, y >= 0, x < width, y < height else { return .blank }
            return cells[y * width + x]
        }
        set {
            guard x >= 0, y >= 0, x < width, y < height else { return }
            cells[y * width + x] = newValue
        }
    }

    /// The style at a position.
    public func style(at x: Int, _ y: Int) -> Style { self[x, y].style }

    /// Fills a rectangle (clipped to the grid) with one cell.
    public mutating func fill(_ rect: Rect, with cell: Cell = .blank) {
        let r = rect.intersection(bounds)
        guard !r.isEmpty else { return }
        for y in r.y..<r.maxY {
            let base = y * width
            for x in r.x..<r.maxX { cells[base + x] = cell }
        }
    }

    /// Sets the style of every cell in a rectangle, keeping glyphs.
    public mutating func setStyle(_ rect: Rect, _ style: Style) {
        let r = rect.intersection(bounds)
        guard !r.isEmpty else { return }
        for y in r.y..<r.maxY {
            let base = y * width
            for x in r.x..<r.maxX { cells[base + x].style = style }
        }
    }

    /// Writes text starting at (x, y), clipped to `maxWidth` columns and to the grid. Wide glyphs
    /// take two cells; one that would straddle the limit is replaced by a space. Control
    /// characters are drawn as spaces. Returns the columns written.
    @discardableResult
    public mutating func put(_ text: some StringProtocol, x: Int, y: Int, style: Style = .plain,
                             maxWidth: Int = Int.max) -> Int {
        guard y >= 0, y < height else { return 0 }
        let limit = min(maxWidth == Int.max ? Int.max : x + maxWidth, width)
        var col = x
        for ch in text {
            if col >= limit { break }
            var glyph = ch
            var w = GlyphWidth.of(ch)
            if w == 0 {
                if ch.unicodeScalars.first.map({ $0.value < 0x20 || ($0.value >= 0x7F && $0.value < 0xA0) }) ?? true {
                    glyph = " "; w = 1
                } else {
                    continue // a lone combining mark: dropped, it has nothing to combine with
                }
            }
            if w == 2 && col + 1 >= limit {
                if col >= 0 { self[col, y] = Cell(" ", style: style) }
                col += 1
                break
            }
            if col >= 0 {
                self[col, y] = Cell(glyph, style: style)
                if w == 2 { self[col + 1, y] = .continuation(style) }
            }
            col += w
        }
        return max(0, col - x)
    }

    /// Each row as text; the right half of a wide glyph contributes nothing.
    public var lines: [String] {
        (0..<height).map { line($0) }
    }

    /// One row as text.
    public func line(_ y: Int) -> String {
        guard y >= 0, y < height else { return "" }
        var s = ""
        s.reserveCapacity(width)
        let base = y * width
        for x in 0..<width where !cells[base + x].isContinuation { s.append(cells[base + x].glyph) }
        return s
    }

    /// Rows as text with trailing spaces removed (for `--once` output).
    public var trimmedText: String {
        lines.map { l in
            var s = Substring(l)
            while s.last == " " { s = s.dropLast() }
            return String(s)
        }.joined(separator: "\n")
    }

    /// A horizontal run of changed cells, what a backend must redraw.
    public struct Run: Sendable, Equatable {
        /// Row.
        public var y: Int
        /// First column.
        public var x: Int
        /// The cells from `x` on (continuation cells included, so the count is the width).
        public var cells: [Cell]
    }

    /// The runs of cells that differ between `old` and `self`. With no old grid, or one of another
    /// size, every row is one run (a full repaint). Runs never start on a continuation cell.
    public func changes(since old: CellGrid?) -> [Run] {
        guard let old, old.width == width, old.height == height else {
            return (0..<height).map { y in Run(y: y, x: 0, cells: Array(cells[(y * width)..<((y + 1) * width)])) }
        }
        var runs: [Run] = []
        for y in 0..<height {
            let base = y * width
            var x = 0
            while x < width {
                if cells[base + x] == old.cells[base + x] { x += 1; continue }
                var start = x
                if start > 0 && cells[base + start].isContinuation { start -= 1 }
                // Merge changes separated by short equal gaps (up to 3 cells): fewer cursor moves.
                var lastChanged = x
                var probe = x + 1
                while probe < width && probe - lastChanged <= 4 {
                    if cells[base + probe] != old.cells[base + probe] { lastChanged = probe }
                    probe += 1
                }
                var end = lastChanged + 1
                if end < width && cells[base + end].isContinuation { end += 1 }
                runs.append(Run(y: y, x: start, cells: Array(cells[(base + start)..<(base + end)])))
                x = end
            }
        }
        return runs
    }
}
