import Testing
@testable import VigilRender

@Suite struct GlyphsTests {
    @Test(arguments: [Glyphs.unicode, Glyphs.ascii])
    func everyGlyphIsOneColumn(glyphs: Glyphs) {
        let boxes = [glyphs.box, glyphs.focusedBox]
        var all: [Character] = boxes.flatMap { [$0.horizontal, $0.vertical, $0.topLeft, $0.topRight, $0.bottomLeft, $0.bottomRight] }
        all += glyphs.sparkline
        all += [glyphs.trendUp, glyphs.trendDown, glyphs.trendFlat, glyphs.severityCritical, glyphs.severityHigh,
                glyphs.severityWarning, glyphs.severityInfo, glyphs.bullet, glyphs.check, glyphs.pending,
                glyphs.selectionMarker, glyphs.moreBelow, glyphs.moreAbove]
        for g in all { #expect(GlyphWidth.of(g) == 1, "\(g)") }
        #expect(glyphs.sparkline.first == " ")
        #expect(Set(glyphs.sparkline).count == glyphs.sparkline.count)
    }

    @Test func asciiIsASCII() {
        let a = Glyphs.ascii
        let text = String(a.sparkline) + a.ellipsis + a.noValue
            + String([a.box.horizontal, a.focusedBox.horizontal, a.trendUp, a.trendDown, a.check, a.pending, a.selectionMarker])
        let allASCII = text.unicodeScalars.allSatisfy { $0.isASCII }
        #expect(allASCII)
    }

    @Test func severitySymbols() {
        #expect(Glyphs.unicode.severity(.critical) == "●")
        #expect(Glyphs.ascii.severity(.warning) == "!")
    }
}

@Suite struct TruncateTests {
    @Test func shortTextIsUntouched() {
        #expect(truncate("Incidents", toWidth: 9) == "Incidents")
        #expect(truncate("", toWidth: 3) == "")
    }

    @Test func longTextEndsInTheEllipsis() {
        #expect(truncate("Incidents", toWidth: 5) == "Inci…")
        #expect(truncate("Incidents", toWidth: 4, ellipsis: "...") == "I...")
        #expect(truncate("Incidents", toWidth: 1) == "…")
        #expect(truncate("Incidents", toWidth: 2, ellipsis: "...") == "..")
        #expect(truncate("Incidents", toWidth: 0) == "")
        #expect(truncate("Incidents", toWidth: -3) == "")
    }

    @Test func wideGlyphsAreNeverSplit() {
        #expect(truncate("日本語テキスト", toWidth: 6) == "日本…")      // 5 columns: 語 would make 7
        #expect(GlyphWidth.of(truncate("日本語テキスト", toWidth: 6)) == 5)
        #expect(truncate("a日本", toWidth: 4) == "a日…")
    }

    @Test func spansAreCutInTheSpanThatOverflows() {
        let red = Style(fg: .ansi(1))
        let out = truncate([Span("ab"), Span("cdef", style: red), Span("gh")], toWidth: 5)
        #expect(out == [Span("ab"), Span("cd…", style: red)])
        #expect(truncate([Span("ab"), Span("cd")], toWidth: 4) == [Span("ab"), Span("cd")])
    }

    @Test func putSpansStopsAtMaxWidth() {
        var grid = CellGrid(width: 10, height: 1, filling: "x")
        let n = grid.put(spans: [Span("ab"), Span("日本")], x: 1, y: 0, maxWidth: 5)
        #expect(n == 5)
        #expect(grid.lines == ["xab日 xxxx"])   // 本 would straddle the limit: a space instead
    }

    @Test func putSpansKeepsEachStyle() {
        var grid = CellGrid(width: 6, height: 1, filling: "x")
        let bold = Style(attrs: .bold)
        grid.put(spans: [Span("ab", style: bold), Span("cd")], x: 0, y: 0)
        #expect(grid.lines == ["abcdxx"])
        #expect(grid.style(at: 1, 0) == bold)
        #expect(grid.style(at: 2, 0) == .plain)
    }

    @Test func styleOverInheritsDefaultColours() {
        let base = Style(fg: .ansi(7), bg: .ansi(4), attrs: .dim)
        #expect(Style().over(base) == base)
        #expect(Style(fg: .ansi(1), attrs: .bold).over(base) == Style(fg: .ansi(1), bg: .ansi(4), attrs: [.bold, .dim]))
    }
}

@Suite struct FormattingTests {
    @Test func coarseAges() {
        #expect(Formatting.age(seconds: 0) == "0s")
        #expect(Formatting.age(seconds: 42) == "42s")
        #expect(Formatting.age(seconds: 59.9) == "59s")
        #expect(Formatting.age(seconds: 60) == "1m")
        #expect(Formatting.age(seconds: 12 * 60 + 30) == "12m")
        #expect(Formatting.age(seconds: 3 * 3600 + 5 * 60 + 59) == "3h05m")
        #expect(Formatting.age(seconds: 3 * 3600) == "3h00m")
        #expect(Formatting.age(seconds: 13 * 3600 + 45 * 60) == "13h45m")
        #expect(Formatting.age(seconds: 2 * 86400 + 4 * 3600 + 1800) == "2d4h")
        #expect(Formatting.age(seconds: 40 * 86400) == "40d0h")
        #expect(Formatting.age(seconds: -5) == "0s")
        #expect(Formatting.age(seconds: .nan) == "-")
        #expect(Formatting.age(.seconds(754)) == "12m")
        #expect(Formatting.age(.milliseconds(42_900)) == "42s")
    }

    @Test func perDay() {
        #expect(Formatting.perDay(3.44) == "3.4/day")
        #expect(Formatting.perDay(0) == "0.0/day")
        #expect(Formatting.perDay(0.06) == "0.1/day")
        #expect(Formatting.perDay(123.4) == "123/day")
        #expect(Formatting.perDay(.infinity) == "-")
    }

    @Test func percent() {
        #expect(Formatting.percent(0.931) == "93.1%")
        #expect(Formatting.percent(1) == "100.0%")
        #expect(Formatting.percent(0.0004) == "0.0%")
        #expect(Formatting.percent(0.12345) == "12.3%")
        #expect(Formatting.percent(.nan) == "-")
    }

    @Test func oneDecimal() {
        #expect(Formatting.oneDecimal(3.14) == "3.1")
        #expect(Formatting.oneDecimal(-0.04) == "0.0")
        #expect(Formatting.oneDecimal(-1.26) == "-1.3")
        #expect(Formatting.oneDecimal(9.96) == "10.0")
    }
}

@Suite struct TrendTests {
    let theme = Theme.builtinDefault
    func trend(_ current: Double, _ previous: Double?, upIsGood: Bool = true, _ m: Trend.Measure = .relative,
               glyphs: Glyphs = .unicode) -> [Span] {
        Trend.spans(current: current, previous: previous, upIsGood: upIsGood, measure: m, theme: theme, glyphs: glyphs)
    }

    @Test func upIsGoodOrBadDependingOnTheFigure() {
        #expect(trend(12, 10) == [Span("▲20%", style: theme[.trendGood])])
        #expect(trend(12, 10, upIsGood: false) == [Span("▲20%", style: theme[.trendBad])])
        #expect(trend(3, 4, upIsGood: false) == [Span("▼25%", style: theme[.trendGood])])
        #expect(trend(3, 4) == [Span("▼25%", style: theme[.trendBad])])
    }

    @Test func smallChangesKeepOneDecimal() {
        #expect(trend(10.42, 10) == [Span("▲4.2%", style: theme[.trendGood])])
        #expect(trend(15, 10) == [Span("▲50%", style: theme[.trendGood])])
    }

    @Test func ratesChangeInPercentagePoints() {
        #expect(trend(0.15, 0.10, upIsGood: false, .points) == [Span("▲5.0pp", style: theme[.trendBad])])
        #expect(trend(0.931, 0.95, upIsGood: true, .points) == [Span("▼1.9pp", style: theme[.trendBad])])
        #expect(trend(0.05, 0, upIsGood: false, .points) == [Span("▲5.0pp", style: theme[.trendBad])])
    }

    @Test func noChangeIsFlatAndNeutral() {
        #expect(trend(10, 10) == [Span("→0%", style: theme[.trendNeutral])])
        #expect(trend(10.001, 10) == [Span("→0%", style: theme[.trendNeutral])])
        #expect(trend(0.5, 0.5, .points) == [Span("→0pp", style: theme[.trendNeutral])])
    }

    @Test func nothingToCompareWith() {
        #expect(trend(5, nil) == [Span("–", style: theme[.trendNeutral])])
        #expect(trend(0, 0) == [Span("–", style: theme[.trendNeutral])])
        #expect(trend(.nan, 3) == [Span("–", style: theme[.trendNeutral])])
        #expect(trend(3, 0, upIsGood: false) == [Span("new", style: theme[.trendBad])])
        #expect(trend(3, 0) == [Span("new", style: theme[.trendGood])])
        #expect(trend(5, nil, .points) == [Span("–", style: theme[.trendNeutral])])
    }

    @Test func asciiArrows() {
        #expect(trend(12, 10, glyphs: .ascii) == [Span("^20%", style: theme[.trendGood])])
        #expect(trend(8, 10, glyphs: .ascii) == [Span("v20%", style: theme[.trendBad])])
        #expect(trend(5, nil, glyphs: .ascii) == [Span("-", style: theme[.trendNeutral])])
    }
}

/// `drawnWidth` of a string takes printable ASCII a byte at a time; it must give what adding up
/// its characters gives, whatever the string holds.
@Suite struct DrawnWidthTests {
    @Test(arguments: ["", "checkout 5xx above 5%", "tab\there", "crlf\r\nend", "\u{7F}del", "e\u{301}",
                      "日本語 ok", "🔥 fire", "a\u{0}b", "plain ASCII ~ with { all } printable [chars]"])
    func theSameAsCharacterByCharacter(text: String) {
        #expect(drawnWidth(text) == text.reduce(0) { $0 + drawnWidth($1) })
        #expect(drawnWidth(text[...]) == drawnWidth(text))
    }
}
