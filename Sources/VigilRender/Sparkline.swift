import VigilCore

/// A one-row chart of a series, oldest value on the left.
///
/// - Scale: from `min(0, smallest value)` to the largest value, so a series of counts starts at
///   the empty level and a steady non-zero series is a row of full bars; an all-zero series draws
///   the lowest glyph.
/// - More values than columns: each column shows the **maximum** of its bucket of consecutive
///   values, so a spike is never averaged away.
/// - Fewer values than columns: drawn from the left edge; the columns after them are left alone
///   (as ratatui's sparkline does).
/// - NaN and infinite values are ignored for the scale; a column with no finite value draws the
///   lowest glyph, keeping later values at their place in time.
/// - Only the first row of the rectangle is used.
public struct Sparkline: Sendable {
    /// The series, oldest first.
    public var values: [Double]
    /// Symbols (the levels come from `glyphs.sparkline`).
    public var glyphs: Glyphs
    /// Style of every glyph (usually `theme[.sparkline]`).
    public var style: Style

    /// Creates a sparkline.
    public init(values: [Double], glyphs: Glyphs = .unicode, style: Style = .plain) {
        self.values = values; self.glyphs = glyphs; self.style = style
    }

    /// The level (index into `glyphs.sparkline`) of each column for a given width.
    public func levels(width: Int) -> [Int] {
        guard width > 0, !values.isEmpty else { return [] }
        let top = glyphs.sparkline.count - 1
        guard top > 0 else { return Array(repeating: 0, count: min(width, values.count)) }

        let columns: [Double?]
        if values.count <= width {
            columns = values.map { $0.isFinite ? $0 : nil }
        } else {
            columns = (0..<width).map { i in
                let start = i * values.count / width
                let end = (i + 1) * values.count / width
                return values[start..<end].filter(\.isFinite).max()
            }
        }
        let finite = columns.compactMap { $0 }
        guard let hi = finite.max(), let minimum = finite.min() else {
            return Array(repeating: 0, count: columns.count)
        }
        let lo = min(0, minimum)
        guard hi > lo else { return Array(repeating: 0, count: columns.count) }
        return columns.map { v in
            guard let v else { return 0 }
            let level = ((v - lo) / (hi - lo) * Double(top)).rounded()
            return min(top, max(0, Int(level)))
        }
    }

    /// Draws the series on the first row of `rect`.
    public func render(in rect: Rect, on grid: inout CellGrid) {
        guard !rect.isEmpty, !glyphs.sparkline.isEmpty else { return }
        for (i, level) in levels(width: rect.width).enumerated() {
            grid[rect.x + i, rect.y] = Cell(glyphs.sparkline[level], style: style)
        }
    }
}
