import VigilCore

/// Figures five rows tall, for a wall monitor read from across a room: digits, `.`, `:`, `%`,
/// `-`, `/` and space, each glyph three cells wide (one for `.`, `:` and space), one blank
/// column between glyphs. Drawn with full blocks, or `#` in ASCII mode, at `scale` cells per
/// dot (2: ten rows tall, for big screens).
public struct BigText: Sendable {
    /// Rows of every glyph at scale 1.
    public static let height = 5

    /// The text; characters the font lacks are drawn as `-`.
    public var text: String
    /// The block character.
    public var block: Character
    /// The style of the blocks.
    public var style: Style
    /// Cells per dot, across and down.
    public var scale: Int

    /// Creates a big text.
    public init(_ text: String, glyphs: Glyphs, style: Style, scale: Int = 1) {
        self.text = text
        self.block = glyphs == .ascii ? "#" : "█"
        self.style = style
        self.scale = max(1, scale)
    }

    /// Whether the font can draw every character of `text`.
    public static func canDraw(_ text: String) -> Bool { text.allSatisfy { font[$0] != nil } }

    /// Columns the text takes.
    public static func width(of text: String, scale: Int = 1) -> Int {
        let glyphs = text.map { (font[$0] ?? font["-"]!)[0].count }
        return (glyphs.reduce(0, +) + max(0, glyphs.count - 1)) * max(1, scale)
    }

    /// Draws the text with its top-left corner at (x, y), clipped to `maxWidth` columns (whole
    /// glyphs only). Returns the columns used.
    @discardableResult
    public func render(x: Int, y: Int, maxWidth: Int, on grid: inout CellGrid) -> Int {
        var column = x
        for (index, character) in text.enumerated() {
            let rows = Self.font[character] ?? Self.font["-"]!
            let width = rows[0].count * scale
            let gap = index == 0 ? 0 : scale
            guard column + gap + width - x <= maxWidth else { break }
            column += gap
            let cell = Cell(block, style: style)
            for (dy, row) in rows.enumerated() {
                for (dx, bit) in row.enumerated() where bit == "1" {
                    grid.fill(Rect(x: column + dx * scale, y: y + dy * scale, width: scale, height: scale), with: cell)
                }
            }
            column += width
        }
        return column - x
    }

    /// The font: each glyph five rows of "1" (block) and "0" (blank).
    static let font: [Character: [[Character]]] = {
        let raw: [Character: [String]] = [
            "0": ["111", "101", "101", "101", "111"],
            "1": ["010", "110", "010", "010", "111"],
            "2": ["111", "001", "111", "100", "111"],
            "3": ["111", "001", "111", "001", "111"],
            "4": ["101", "101", "111", "001", "001"],
            "5": ["111", "100", "111", "001", "111"],
            "6": ["111", "100", "111", "101", "111"],
            "7": ["111", "001", "001", "001", "001"],
            "8": ["111", "101", "111", "101", "111"],
            "9": ["111", "101", "111", "001", "111"],
            ".": ["0", "0", "0", "0", "1"],
            ":": ["0", "1", "0", "1", "0"],
            " ": ["0", "0", "0", "0", "0"],
            "%": ["101", "001", "010", "100", "101"],
            "-": ["000", "000", "111", "000", "000"],
            "/": ["001", "001", "010", "100", "100"],
        ]
        return raw.mapValues { $0.map(Array.init) }
    }()
}
