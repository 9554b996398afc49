import VigilCore

/// The symbols widgets draw: Unicode for UTF-8 terminals, ASCII when the locale is not UTF-8
/// (where ncurses would draw every non-ASCII glyph blank). Every glyph is one column wide.
public struct Glyphs: Sendable, Equatable {
    /// The six pieces of a box border.
    public struct Box: Sendable, Equatable {
        /// Top and bottom edges.
        public var horizontal: Character
        /// Left and right edges.
        public var vertical: Character
        /// Top-left corner.
        public var topLeft: Character
        /// Top-right corner.
        public var topRight: Character
        /// Bottom-left corner.
        public var bottomLeft: Character
        /// Bottom-right corner.
        public var bottomRight: Character

        /// Creates a box from its pieces.
        public init(horizontal: Character, vertical: Character, topLeft: Character, topRight: Character,
                    bottomLeft: Character, bottomRight: Character) {
            self.horizontal = horizontal; self.vertical = vertical
            self.topLeft = topLeft; self.topRight = topRight
            self.bottomLeft = bottomLeft; self.bottomRight = bottomRight
        }
    }

    /// Border of an ordinary panel.
    public var box: Box
    /// Border of the focused panel (heavier, so focus shows without colour) and of dialogs.
    public var focusedBox: Box
    /// Sparkline levels, lowest (empty) first.
    public var sparkline: [Character]
    /// Trend arrow: going up.
    public var trendUp: Character
    /// Trend arrow: going down.
    public var trendDown: Character
    /// Trend arrow: unchanged.
    public var trendFlat: Character
    /// Shown instead of a trend when there is nothing to compare with.
    public var noValue: String
    /// Severity symbol: critical.
    public var severityCritical: Character
    /// Severity symbol: high.
    public var severityHigh: Character
    /// Severity symbol: warning.
    public var severityWarning: Character
    /// Severity symbol: info.
    public var severityInfo: Character
    /// A list bullet.
    public var bullet: Character
    /// Marks cut-off text.
    public var ellipsis: String
    /// Acknowledged.
    public var check: Character
    /// Waiting for the source to confirm (an acknowledgement in flight).
    public var pending: Character
    /// Marks the selected row, so selection shows without colour.
    public var selectionMarker: Character
    /// "More rows below".
    public var moreBelow: Character
    /// "More rows above".
    public var moreAbove: Character
    /// A production deployment, under a graph's time axis.
    public var deployMark: Character = "▴"
    /// A rollback, under a graph's time axis.
    public var rollbackMark: Character = "▾"

    /// The symbol for a severity.
    public func severity(_ s: Severity) -> Character {
        switch s {
        case .critical: return severityCritical
        case .high: return severityHigh
        case .warning: return severityWarning
        case .info: return severityInfo
        }
    }

    /// Unicode box drawing, block elements and geometric shapes.
    public static let unicode = Glyphs(
        box: Box(horizontal: "─", vertical: "│", topLeft: "┌", topRight: "┐", bottomLeft: "└", bottomRight: "┘"),
        focusedBox: Box(horizontal: "━", vertical: "┃", topLeft: "┏", topRight: "┓", bottomLeft: "┗", bottomRight: "┛"),
        sparkline: [" ", "▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"],
        trendUp: "▲", trendDown: "▼", trendFlat: "→", noValue: "–",
        severityCritical: "●", severityHigh: "◆", severityWarning: "▲", severityInfo: "·",
        bullet: "•", ellipsis: "…", check: "✓", pending: "…", selectionMarker: "▶",
        moreBelow: "↓", moreAbove: "↑")

    /// Plain ASCII, for terminals whose locale is not UTF-8.
    public static let ascii = Glyphs(
        box: Box(horizontal: "-", vertical: "|", topLeft: "+", topRight: "+", bottomLeft: "+", bottomRight: "+"),
        focusedBox: Box(horizontal: "=", vertical: "#", topLeft: "#", topRight: "#", bottomLeft: "#", bottomRight: "#"),
        sparkline: [" ", ".", ":", "-", "=", "+", "*", "#", "%", "@"],
        trendUp: "^", trendDown: "v", trendFlat: "=", noValue: "-",
        severityCritical: "*", severityHigh: "#", severityWarning: "!", severityInfo: ".",
        bullet: "*", ellipsis: "...", check: "+", pending: "~", selectionMarker: ">",
        moreBelow: "v", moreAbove: "^", deployMark: "^", rollbackMark: "R")
}
