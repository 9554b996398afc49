import VigilCore

/// The footer: one row of "key label" pairs (`Role.footerKey`, `Role.footerText`), two spaces
/// apart. It never wraps: when the hints do not fit, hints are dropped from the end and an
/// ellipsis shows that there are more; a hint whose key is "?" (help, where the rest can be read)
/// is kept last as long as anything fits. The bar owns its row and clears it first.
///
///     a ack  s silence  / filter  …  ? help
public struct HintsBar: Sendable {
    /// Key and label of each hint, in order of importance.
    public var hints: [(key: String, label: String)]
    /// Styles.
    public var theme: Theme
    /// Symbols (the ellipsis).
    public var glyphs: Glyphs

    /// Creates a hints bar.
    public init(hints: [(key: String, label: String)], theme: Theme, glyphs: Glyphs = .unicode) {
        self.hints = hints; self.theme = theme; self.glyphs = glyphs
    }

    static let separator = "  "

    /// The hints that are drawn in `width` columns, and whether the ellipsis is shown (before the
    /// help hint, if one is kept).
    public func layout(width: Int) -> (shown: [(key: String, label: String)], ellipsis: Bool) {
        func w(_ h: (key: String, label: String)) -> Int {
            drawnWidth(h.key) + (h.label.isEmpty ? 0 : 1 + drawnWidth(h.label))
        }
        func total(_ hs: [(key: String, label: String)], ellipsis: Bool) -> Int {
            var parts = hs.map(w)
            if ellipsis { parts.append(drawnWidth(glyphs.ellipsis)) }
            return parts.reduce(0, +) + max(0, parts.count - 1) * HintsBar.separator.count
        }
        if total(hints, ellipsis: false) <= width { return (hints, false) }

        let helpIndex = hints.lastIndex { $0.key == "?" }
        let help = helpIndex.map { [hints[$0]] } ?? []
        var others = hints
        if let helpIndex { others.remove(at: helpIndex) }
        var keep = others.count
        while keep > 0 {
            keep -= 1
            let candidate = Array(others.prefix(keep)) + help
            if total(candidate, ellipsis: true) <= width { return (candidate, true) }
        }
        // Not even the help hint and an ellipsis fit: the ellipsis alone if it does.
        return ([], drawnWidth(glyphs.ellipsis) <= width)
    }

    /// Draws the bar on the first row of `rect`.
    public func render(in rect: Rect, on grid: inout CellGrid) {
        guard !rect.isEmpty else { return }
        let row = Rect(x: rect.x, y: rect.y, width: rect.width, height: 1)
        let text = theme[.footerText], key = theme[.footerKey]
        grid.fill(row, with: Cell(" ", style: text))
        let (shown, ellipsis) = layout(width: rect.width)

        var spans: [Span] = []
        func append(_ pieces: [Span]) {
            if !spans.isEmpty { spans.append(Span(HintsBar.separator, style: text)) }
            spans += pieces
        }
        func append(_ h: (key: String, label: String)) {
            append([Span(h.key, style: key)] + (h.label.isEmpty ? [] : [Span(" " + h.label, style: text)]))
        }
        let trailingHelp = ellipsis && shown.last?.key == "?"
        for h in trailingHelp ? shown.dropLast() : shown[...] { append(h) }
        if ellipsis { append([Span(glyphs.ellipsis, style: text)]) }
        if trailingHelp, let help = shown.last { append(help) }
        grid.put(spans: spans, x: row.x, y: row.y, clip: row)
    }
}
