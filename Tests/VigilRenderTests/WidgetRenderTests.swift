import Testing
import VigilCore
@testable import VigilRender

private let theme = Theme.builtinDefault

@Suite struct PanelTests {
    func panel(_ title: String, focused: Bool = false, badge: Span? = nil, glyphs: Glyphs = .unicode) -> Panel {
        Panel(title: title, focused: focused, theme: theme, glyphs: glyphs, badge: badge)
    }

    @Test func drawsABorderAndLeavesTheInsideAlone() {
        var grid = CellGrid(width: 12, height: 4, filling: "x")
        let inner = panel("Pods").render(in: Rect(x: 0, y: 0, width: 10, height: 3), on: &grid)
        #expect(grid.lines == [
            "┌ Pods ──┐xx",
            "│xxxxxxxx│xx",
            "└────────┘xx",
            "xxxxxxxxxxxx",
        ])
        #expect(inner == Rect(x: 1, y: 1, width: 8, height: 1))
        #expect(grid.style(at: 0, 0) == theme[.border])
        #expect(grid.style(at: 2, 0) == theme[.title])
        #expect(grid.style(at: 1, 0) == theme[.border])
    }

    @Test func badgeIsRightAlignedInTheTopBorder() {
        var grid = CellGrid(width: 22, height: 2, filling: "x")
        let stale = Span("12:04", style: theme[.healthStale])
        panel("Incidents", badge: stale).render(in: grid.bounds, on: &grid)
        #expect(grid.lines == [
            "┌ Incidents ── 12:04 ┐",
            "└────────────────────┘",
        ])
        #expect(grid.style(at: 15, 0) == theme[.healthStale].over(theme[.border]))
        #expect(grid.style(at: 14, 0) == theme[.border])
    }

    @Test func titleIsTruncatedBeforeTheBadgeIsDropped() {
        var grid = CellGrid(width: 20, height: 1, filling: "x")
        panel("Incidents", badge: Span("12:04")).render(in: grid.bounds, on: &grid)
        #expect(grid.lines == ["┌ Inciden… ─ 12:04 ┐"])

        var narrow = CellGrid(width: 12, height: 1, filling: "x")
        panel("Incidents", badge: Span("12:04")).render(in: narrow.bounds, on: &narrow)
        #expect(narrow.lines == ["┌ Inciden… ┐"])
    }

    @Test func wideGlyphTitleIsCutOnAGlyphBoundary() {
        var grid = CellGrid(width: 10, height: 2, filling: "x")
        panel("日本語のタイトル").render(in: grid.bounds, on: &grid)
        #expect(grid.lines == [
            "┌ 日本… ─┐",
            "└────────┘",
        ])
    }

    @Test func focusedPanelIsHeavyAndUsesTheFocusRoles() {
        var grid = CellGrid(width: 10, height: 3, filling: "x")
        panel("Pods", focused: true).render(in: grid.bounds, on: &grid)
        #expect(grid.lines == [
            "┏ Pods ━━┓",
            "┃xxxxxxxx┃",
            "┗━━━━━━━━┛",
        ])
        #expect(grid.style(at: 0, 0) == theme[.borderFocused])
        #expect(grid.style(at: 2, 0) == theme[.titleFocused])
        #expect(grid.style(at: 9, 1) == theme[.borderFocused])
    }

    @Test func asciiBorders() {
        var grid = CellGrid(width: 8, height: 3, filling: "x")
        panel("Long title", glyphs: .ascii).render(in: grid.bounds, on: &grid)
        #expect(grid.lines == [
            "+ L... +",
            "|xxxxxx|",
            "+------+",
        ])
    }

    @Test func tinyRectsDrawWhatFits() {
        var empty = CellGrid(width: 3, height: 3, filling: "x")
        let none = panel("T").render(in: Rect(x: 1, y: 1, width: 0, height: 0), on: &empty)
        #expect(empty.lines == ["xxx", "xxx", "xxx"])
        #expect(none.isEmpty)

        var one = CellGrid(width: 3, height: 3, filling: "x")
        let inner = panel("Title").render(in: Rect(x: 1, y: 1, width: 1, height: 1), on: &one)
        #expect(one.lines == ["xxx", "x┌x", "xxx"])
        #expect(inner.isEmpty)

        var two = CellGrid(width: 3, height: 3, filling: "x")
        #expect(panel("Title").render(in: Rect(x: 0, y: 0, width: 2, height: 2), on: &two).isEmpty)
        #expect(two.lines == ["┌┐x", "└┘x", "xxx"])

        var column = CellGrid(width: 2, height: 3, filling: "x")
        panel("Title").render(in: Rect(x: 0, y: 0, width: 1, height: 3), on: &column)
        #expect(column.lines == ["┌x", "│x", "└x"])

        var row = CellGrid(width: 6, height: 2, filling: "x")
        panel("T").render(in: Rect(x: 0, y: 0, width: 5, height: 1), on: &row)
        #expect(row.lines == ["┌ T ┐x", "xxxxxx"])
    }

    @Test func aPanelHangingOffTheGridIsClipped() {
        var grid = CellGrid(width: 12, height: 3, filling: "x")
        panel("Pods").render(in: Rect(x: 8, y: 0, width: 10, height: 3), on: &grid)
        #expect(grid.lines == [
            "xxxxxxxx┌ Po",
            "xxxxxxxx│xxx",
            "xxxxxxxx└───",
        ])
        var negative = CellGrid(width: 5, height: 2, filling: "x")
        panel("Pods").render(in: Rect(x: -4, y: -1, width: 8, height: 3), on: &negative)
        #expect(negative.lines == ["xxx│x", "───┘x"])
    }
}

@Suite struct SparklineTests {
    @Test func sparklineFillsOnlyItsArea() {
        var grid = CellGrid(width: 12, height: 1, filling: "x")
        Sparkline(values: [0, 1, 2, 3, 4, 5, 6, 7, 8], glyphs: .unicode, style: .plain).render(in: grid.bounds, on: &grid)
        #expect(grid.lines == [" ▁▂▃▄▅▆▇█xxx"])
    }

    @Test func moreValuesThanColumnsShowTheMaximumOfEachBucket() {
        var grid = CellGrid(width: 6, height: 1, filling: "x")
        Sparkline(values: (0..<16).map(Double.init)).render(in: Rect(x: 1, y: 0, width: 4, height: 1), on: &grid)
        #expect(grid.lines == ["x▂▄▆█x"])

        var spike = CellGrid(width: 2, height: 1, filling: "x")
        Sparkline(values: [0, 0, 0, 9, 0, 0, 0, 0]).render(in: spike.bounds, on: &spike)
        #expect(spike.lines == ["█ "])   // a mean would have flattened the spike to ▂
    }

    @Test func allZeroDrawsTheLowestGlyphAndTheScaleStartsAtZero() {
        var grid = CellGrid(width: 5, height: 1, filling: "x")
        Sparkline(values: [0, 0, 0]).render(in: grid.bounds, on: &grid)
        #expect(grid.lines == ["   xx"])
        var flat = CellGrid(width: 3, height: 1, filling: "x")
        Sparkline(values: [7, 7, 7]).render(in: flat.bounds, on: &flat)
        #expect(flat.lines == ["███"])   // the scale starts at 0, so a steady 7 is a full bar
    }

    @Test func nanIsIgnoredButKeepsItsPlace() {
        var grid = CellGrid(width: 4, height: 1, filling: "x")
        Sparkline(values: [.nan, 4, .infinity, 8]).render(in: grid.bounds, on: &grid)
        #expect(grid.lines == [" ▄ █"])
        var onlyNaN = CellGrid(width: 3, height: 1, filling: "x")
        Sparkline(values: [.nan, .nan]).render(in: onlyNaN.bounds, on: &onlyNaN)
        #expect(onlyNaN.lines == ["  x"])
    }

    @Test func negativeValuesScaleFromTheMinimum() {
        var grid = CellGrid(width: 3, height: 1, filling: "x")
        Sparkline(values: [-4, 0, 4]).render(in: grid.bounds, on: &grid)
        #expect(grid.lines == [" ▄█"])
    }

    @Test func asciiLevelsAndStyle() {
        var grid = CellGrid(width: 10, height: 1, filling: "x")
        let style = theme[.sparkline]
        Sparkline(values: (0...9).map(Double.init), glyphs: .ascii, style: style).render(in: grid.bounds, on: &grid)
        #expect(grid.lines == [" .:-=+*#%@"])
        #expect(grid.style(at: 3, 0) == style)
    }

    @Test func onlyTheFirstRowAndNothingForTinyRects() {
        var grid = CellGrid(width: 3, height: 2, filling: "x")
        Sparkline(values: [1, 2, 3]).render(in: grid.bounds, on: &grid)
        #expect(grid.lines == ["▃▅█", "xxx"])

        var empty = CellGrid(width: 2, height: 1, filling: "x")
        Sparkline(values: [1, 2, 3]).render(in: Rect(x: 0, y: 0, width: 0, height: 0), on: &empty)
        Sparkline(values: []).render(in: empty.bounds, on: &empty)
        #expect(empty.lines == ["xx"])

        var one = CellGrid(width: 1, height: 1, filling: "x")
        Sparkline(values: [1, 2, 3]).render(in: one.bounds, on: &one)
        #expect(one.lines == ["█"])
    }
}

@Suite struct TableTests {
    let columns = [
        Table.Column("SEV", width: .fixed(4)),
        Table.Column("TITLE", width: .flex(min: 5)),
        Table.Column("AGE", width: .fixed(5), alignment: .right),
    ]
    let rows: [[Span]] = [
        [Span("SEV1"), Span("Checkout 5xx"), Span("12m")],
        [Span("SEV3"), Span("Disk 85% on db-2 is filling"), Span("3h05m")],
        [Span("SEV2"), Span("Queue lag"), Span("42s")],
    ]

    @Test func headerRowsAndSelection() {
        var grid = CellGrid(width: 27, height: 6, filling: "x")
        Table(columns: columns, rows: rows, selected: 0, theme: theme, glyphs: .unicode)
            .render(in: Rect(x: 0, y: 0, width: 25, height: 5), on: &grid)
        #expect(grid.lines == [
            "  SEV  TITLE          AGExx",
            "▶ SEV1 Checkout 5xx   12mxx",
            "  SEV3 Disk 85% on… 3h05mxx",
            "  SEV2 Queue lag      42sxx",
            "                         xx",
            "xxxxxxxxxxxxxxxxxxxxxxxxxxx",
        ])
        // The selected row is in the selection style across its full width, marker included.
        for x in 0..<25 { #expect(grid.style(at: x, 1) == theme[.selection], "column \(x)") }
        #expect(grid.style(at: 25, 1) == .plain)
        #expect(grid.style(at: 2, 0) == theme[.label])
        #expect(grid.style(at: 0, 2) == theme[.background])
    }

    @Test func selectionShowsWithoutColourInASCII() {
        var grid = CellGrid(width: 12, height: 3, filling: "x")
        let mono = Theme.builtinDefault.mapped(to: .mono)
        Table(columns: [Table.Column("NAME", width: .flex(min: 1))], rows: [[Span("api")], [Span("db")]],
              selected: 1, theme: mono, glyphs: .ascii).render(in: grid.bounds, on: &grid)
        #expect(grid.lines == ["  NAME      ", "  api       ", "> db        "])
        #expect(grid.style(at: 4, 2).attrs.contains(.reverse))
    }

    @Test func scrollsToTheSelectionAndSaysHowManyMore() {
        let names = (0..<10).map { [Span("r\($0)")] }
        let cols = [Table.Column("NAME", width: .flex(min: 2))]
        var grid = CellGrid(width: 22, height: 5, filling: "x")
        Table(columns: cols, rows: names, selected: 7, theme: theme, glyphs: .unicode).render(in: grid.bounds, on: &grid)
        // Rows cut off above and below are both announced: the list never hides its top.
        #expect(grid.lines == [
            "  NAME                ",
            "  r5                  ",
            "  r6                  ",
            "▶ r7                  ",
            "↑ 5 above   ↓ 2 more  ",
        ])
        #expect(grid.style(at: 0, 4) == theme[.textDim])

        var bottom = CellGrid(width: 10, height: 5, filling: "x")
        Table(columns: cols, rows: names, selected: 9, theme: theme, glyphs: .unicode).render(in: bottom.bounds, on: &bottom)
        #expect(bottom.lines == [
            "  NAME    ",
            "  r7      ",
            "  r8      ",
            "▶ r9      ",
            "↑ 7 above ",
        ])

        // The previous offset is kept while the selection stays in view.
        var kept = CellGrid(width: 10, height: 5, filling: "x")
        Table(columns: cols, rows: names, selected: 4, theme: theme, glyphs: .unicode, offset: 3)
            .render(in: kept.bounds, on: &kept)
        #expect(kept.lines[1...3] == ["  r3      ", "▶ r4      ", "  r5      "])
    }

    @Test func scrollOffsetIsPure() {
        #expect(Table.scrollOffset(selected: nil, visibleRows: 5, count: 3) == 0)
        #expect(Table.scrollOffset(selected: 2, visibleRows: 5, count: 3) == 0)
        #expect(Table.scrollOffset(selected: 7, visibleRows: 3, count: 10) == 5)
        #expect(Table.scrollOffset(selected: 7, visibleRows: 3, count: 10, previous: 6) == 6)
        #expect(Table.scrollOffset(selected: 2, visibleRows: 3, count: 10, previous: 6) == 2)
        #expect(Table.scrollOffset(selected: 99, visibleRows: 3, count: 10) == 7)
        #expect(Table.scrollOffset(selected: nil, visibleRows: 3, count: 10, previous: 50) == 7)
        #expect(Table.scrollOffset(selected: 4, visibleRows: 0, count: 10) == 0)
        #expect(Table.scrollOffset(selected: -1, visibleRows: 3, count: 10, previous: 4) == 0)
    }

    @Test func columnWidths() {
        #expect(Table.columnWidths(columns, width: 25) == [4, 12, 5])
        #expect(Table.columnWidths(columns, width: 10) == [4, 5, 5])     // too narrow: minimums, clipped
        let two = [Table.Column("A", width: .flex(min: 2)), Table.Column("B", width: .flex(min: 2))]
        #expect(Table.columnWidths(two, width: 13) == [5, 5])
        #expect(Table.columnWidths(two, width: 14) == [5, 6])
        #expect(Table.columnWidths([], width: 14) == [])
    }

    @Test func narrowTablesAreClippedNotWrapped() {
        var grid = CellGrid(width: 12, height: 3, filling: "x")
        Table(columns: columns, rows: rows, selected: 0, theme: theme, glyphs: .unicode)
            .render(in: Rect(x: 0, y: 0, width: 11, height: 2), on: &grid)
        #expect(grid.lines == [
            "  SEV  TIT…x",
            "▶ SEV1 Che…x",
            "xxxxxxxxxxxx",
        ])
    }

    @Test func tinyRects() {
        var empty = CellGrid(width: 2, height: 2, filling: "x")
        Table(columns: columns, rows: rows, selected: 0, theme: theme, glyphs: .unicode)
            .render(in: Rect(x: 0, y: 0, width: 0, height: 0), on: &empty)
        #expect(empty.lines == ["xx", "xx"])

        var one = CellGrid(width: 2, height: 2, filling: "x")
        Table(columns: columns, rows: rows, selected: 0, theme: theme, glyphs: .unicode)
            .render(in: Rect(x: 0, y: 0, width: 1, height: 1), on: &one)
        #expect(one.lines == [" x", "xx"])

        // Header and one row: the selected row wins over the indicator.
        var two = CellGrid(width: 8, height: 2, filling: "x")
        Table(columns: [Table.Column("N", width: .flex(min: 1))], rows: [[Span("a")], [Span("b")], [Span("c")]],
              selected: 2, theme: theme, glyphs: .unicode).render(in: two.bounds, on: &two)
        #expect(two.lines == ["  N     ", "▶ c     "])
    }
}

@Suite struct DialogTests {
    let lines: [[Span]] = [
        [Span("PD-42 Checkout")],
        [Span("y", style: theme[.footerKey]), Span(" yes  n no")],
    ]

    @Test func centredSizedToContentAndClearingBelow() {
        var grid = CellGrid(width: 30, height: 7, filling: "x")
        let inner = Dialog(title: "Ack?", lines: lines, theme: theme, glyphs: .unicode).render(in: grid.bounds, on: &grid)
        #expect(grid.lines == [
            "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
            "xxxxxx┏ Ack? ━━━━━━━━━━┓xxxxxx",
            "xxxxxx┃ PD-42 Checkout ┃xxxxxx",
            "xxxxxx┃ y yes  n no    ┃xxxxxx",
            "xxxxxx┗━━━━━━━━━━━━━━━━┛xxxxxx",
            "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
            "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
        ])
        #expect(inner == Rect(x: 7, y: 2, width: 16, height: 2))
        #expect(grid.style(at: 6, 1) == theme[.dialogBorder])
        #expect(grid.style(at: 8, 1) == theme[.dialogBorder])
        #expect(grid.style(at: 8, 2) == theme[.dialogText])
        #expect(grid.style(at: 8, 3) == theme[.footerKey].over(theme[.dialogText]))
        #expect(grid.style(at: 20, 3) == theme[.dialogText])
    }

    @Test func cappedToTheArea() {
        var grid = CellGrid(width: 12, height: 4, filling: "x")
        Dialog(title: "Ack?", lines: lines, theme: theme, glyphs: .unicode)
            .render(in: Rect(x: 1, y: 0, width: 10, height: 3), on: &grid)
        #expect(grid.lines == [
            "x┏ Ack? ━━┓x",
            "x┃ PD-42… ┃x",
            "x┗━━━━━━━━┛x",
            "xxxxxxxxxxxx",
        ])
    }

    @Test func tinyAreas() {
        var empty = CellGrid(width: 2, height: 2, filling: "x")
        Dialog(title: "Ack?", lines: lines, theme: theme, glyphs: .unicode)
            .render(in: Rect(x: 1, y: 1, width: 0, height: 0), on: &empty)
        #expect(empty.lines == ["xx", "xx"])

        var one = CellGrid(width: 3, height: 3, filling: "x")
        let inner = Dialog(title: "Ack?", lines: lines, theme: theme, glyphs: .ascii)
            .render(in: Rect(x: 1, y: 1, width: 1, height: 1), on: &one)
        #expect(one.lines == ["xxx", "x#x", "xxx"])
        #expect(inner.isEmpty)
    }
}

@Suite struct HintsBarTests {
    let hints: [(key: String, label: String)] = [("a", "ack"), ("s", "silence"), ("/", "filter"), ("q", "quit"), ("?", "help")]

    @Test func allHintsWhenTheyFit() {
        var grid = CellGrid(width: 44, height: 2, filling: "x")
        HintsBar(hints: hints, theme: theme).render(in: grid.bounds, on: &grid)
        #expect(grid.lines == [
            "a ack  s silence  / filter  q quit  ? help  ",
            "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
        ])
        #expect(grid.style(at: 0, 0) == theme[.footerKey])
        #expect(grid.style(at: 2, 0) == theme[.footerText])
        #expect(grid.style(at: 43, 0) == theme[.footerText])
    }

    @Test func dropsFromTheEndButKeepsHelp() {
        var grid = CellGrid(width: 30, height: 1, filling: "x")
        HintsBar(hints: hints, theme: theme).render(in: grid.bounds, on: &grid)
        #expect(grid.lines == ["a ack  s silence  …  ? help   "])
        #expect(grid.style(at: 21, 0) == theme[.footerKey])

        var narrow = CellGrid(width: 10, height: 1, filling: "x")
        HintsBar(hints: hints, theme: theme).render(in: narrow.bounds, on: &narrow)
        #expect(narrow.lines == ["…  ? help "])

        var tiny = CellGrid(width: 5, height: 1, filling: "x")
        HintsBar(hints: hints, theme: theme, glyphs: .ascii).render(in: tiny.bounds, on: &tiny)
        #expect(tiny.lines == ["...  "])
    }

    @Test func withoutAHelpHintTheEllipsisEndsTheBar() {
        var grid = CellGrid(width: 8, height: 1, filling: "x")
        HintsBar(hints: [("a", "ack"), ("q", "quit")], theme: theme).render(in: grid.bounds, on: &grid)
        #expect(grid.lines == ["a ack  …"])
    }

    @Test func tinyRects() {
        var empty = CellGrid(width: 2, height: 1, filling: "x")
        HintsBar(hints: hints, theme: theme).render(in: Rect(x: 0, y: 0, width: 0, height: 0), on: &empty)
        #expect(empty.lines == ["xx"])
        var one = CellGrid(width: 2, height: 1, filling: "x")
        HintsBar(hints: hints, theme: theme).render(in: Rect(x: 0, y: 0, width: 1, height: 1), on: &one)
        #expect(one.lines == ["…x"])
    }
}

@Suite struct WidgetsNeverDrawOutsideTheirRect {
    /// Renders every widget at every small size and position (some hanging off the grid) and
    /// checks that nothing outside the rectangle changed.
    @Test func atEverySmallSize() {
        let spans: [[Span]] = [[Span("日本語"), Span("a\tb")], [Span("x"), Span("12m")]]
        let cols = [Table.Column("名前", width: .fixed(3)), Table.Column("AGE", width: .flex(min: 1), alignment: .right)]
        for glyphs in [Glyphs.unicode, Glyphs.ascii] {
            for w in 0...7 {
                for h in 0...4 {
                    for (x, y) in [(0, 0), (2, 1), (-2, -1), (6, 3)] {
                        let rect = Rect(x: x, y: y, width: w, height: h)
                        let draws: [(inout CellGrid) -> Void] = [
                            { Panel(title: "日本語タイトル", focused: true, theme: theme, glyphs: glyphs,
                                    badge: Span("stale 5m")).render(in: rect, on: &$0) },
                            { Sparkline(values: [1, .nan, 3, 0, 9, 2, 2, 8, 1], glyphs: glyphs).render(in: rect, on: &$0) },
                            { Table(columns: cols, rows: spans, selected: 1, theme: theme, glyphs: glyphs)
                                .render(in: rect, on: &$0) },
                            { Dialog(title: "確認", lines: spans, theme: theme, glyphs: glyphs).render(in: rect, on: &$0) },
                            { HintsBar(hints: [("a", "ack"), ("?", "help")], theme: theme, glyphs: glyphs)
                                .render(in: rect, on: &$0) },
                        ]
                        for draw in draws {
                            var grid = CellGrid(width: 8, height: 5, filling: "x")
                            draw(&grid)
                            let clip = rect.intersection(grid.bounds)
                            for gy in 0..<5 {
                                for gx in 0..<8 where !(gx >= clip.x && gx < clip.maxX && gy >= clip.y && gy < clip.maxY) {
                                    #expect(grid[gx, gy] == Cell("x"), "\(rect) drew at \(gx),\(gy)")
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    @Test func wideGlyphCellsAreCutOnAGlyphBoundary() {
        var grid = CellGrid(width: 9, height: 2, filling: "x")
        Table(columns: [Table.Column("名前", width: .fixed(3)), Table.Column("N", width: .fixed(2), alignment: .right)],
              rows: [[Span("日本語"), Span("7")]], selected: nil, theme: theme, glyphs: .unicode)
            .render(in: Rect(x: 0, y: 0, width: 8, height: 2), on: &grid)
        #expect(grid.lines == ["  名…  Nx", "  日…  7x"])
    }
}
