import Foundation
import Testing
import VigilTestSupport
@testable import VigilCore
@testable import VigilRender

/// The incident table as `/`, `m` and `o` leave it, and the note's input line with wide
/// characters, as text lines of the cell grid.
@Suite struct FindViewTests {
    let noon = Date(timeIntervalSince1970: 1_795_694_400)
    let ctx = ViewContext(theme: .monochrome, glyphs: .unicode)

    func make(_ id: String, _ source: String, _ service: String, _ sev: Severity, ago: TimeInterval) -> Incident {
        Incident(id: id, source: source, sourceKey: id, title: "\(service) is unwell", service: service, severity: sev,
                 status: .triggered, triggeredAt: noon.addingTimeInterval(-ago))
    }

    func state(width: Int = 100, twoSources: Bool = true) -> AppState {
        var s = AppState(now: noon, size: Size(width: width, height: 9), user: "alice",
                         sources: twoSources ? [("pagerduty", 30), ("am-eu", 30)] : [("pagerduty", 30)])
        s.sources["pagerduty"]?.actions = [.acknowledge, .note]
        _ = reduce(&s, .sourceUpdated("pagerduty", SourceSnapshot(incidents: [
            make("PD-1", "pagerduty", "checkout", .critical, ago: 600),
            make("PD-2", "pagerduty", "search", .high, ago: 60),
        ]), at: noon))
        if twoSources {
            _ = reduce(&s, .sourceUpdated("am-eu", SourceSnapshot(incidents: [
                make("a1b2", "am-eu", "search", .warning, ago: 3_600),
            ]), at: noon))
        }
        return s
    }

    func tableLines(_ s: AppState) -> [String] {
        DashboardView.render(s, ctx).lines.filter { $0.contains("SEV") || $0.contains("Incidents") || $0.contains("show all") }
    }

    @Test func withSeveralSourcesEachRowNamesItsOwn() throws {
        let lines = tableLines(state())
        let header = try #require(lines.first { $0.contains("STATUS") })
        #expect(header.contains("SEV↓   STATUS    SRC      SERVICE"))
        #expect(lines.contains { $0.contains("● SEV1 ● TRIG    pagerdu… checkout") })
        #expect(lines.contains { $0.contains("▲ SEV3 ● TRIG    am-eu    search") })
        // One source: no column.
        let one = tableLines(state(twoSources: false))
        #expect(!(one.first { $0.contains("STATUS") } ?? "").contains("SRC"))
    }

    @Test func theTitleSaysTheFilterAndHowManyItHides() throws {
        var s = state()
        _ = reduce(&s, .key(.char("/")))
        for c in "search" { _ = reduce(&s, .key(.char(c))) }
        var lines = tableLines(s)
        // While typing, with a cursor; the counts stay over every open incident.
        #expect(lines[0].hasPrefix("┏ Incidents · /search█ · 1 hidden "), "\(lines[0])")
        #expect(lines[0].contains("3 open · 3 unacked"))
        #expect(lines.filter { $0.contains("● TRIG") }.count == 2)
        _ = reduce(&s, .key(.enter))
        _ = reduce(&s, .key(.char("o")))
        lines = tableLines(s)
        #expect(lines[0].hasPrefix("┏ Incidents · /search · 1 hidden · by newest first "), "\(lines[0])")
        #expect(lines[1].contains("AGE↓") && !lines[1].contains("SEV↓"))
        // Newest first: PD-2 (1m) before a1b2 (1h).
        let rows = lines.filter { $0.contains("● TRIG") }
        #expect(rows.count == 2 && rows[0].contains(" 1m ") && rows[1].contains(" 1h00m "))
        // Nothing matches: said, with the way back.
        s.query.text = "zzz"
        #expect(tableLines(s).contains { $0.contains("No open incident matches (Esc: show all)") })
        s.query = IncidentQuery(mine: true)
        let mine = tableLines(s)
        #expect(mine[0].hasPrefix("┏ Incidents · mine · 3 hidden "))
        #expect(mine.contains { $0.contains("None of the 3 open incidents is yours (Esc: show all)") })
    }

    @Test func asciiMarksTheSortColumnToo() throws {
        let s = state()
        let lines = DashboardView.render(s, ViewContext(theme: .monochrome, glyphs: .ascii)).lines
        #expect(lines.contains { $0.contains("SEVv   STATUS") })
        #expect(lines.allSatisfy { $0.allSatisfy(\.isASCII) })
    }

    @Test func theNoteLineHandlesWideCharactersAndBackspaceRemovesAWholeOne() throws {
        var s = state(width: 80)
        _ = reduce(&s, .key(.char("n")))
        for c in "DB 障害 🔥e\u{301}" { _ = reduce(&s, .key(.char(c))) }
        func inputLine() -> String? {
            DashboardView.render(s, ctx).lines.first { $0.contains("> ") }
        }
        var line = try #require(inputLine())
        #expect(line.contains("> DB 障害 🔥"), "\(line)")
        #expect(s.mode == .input(.note, "PD-1", text: "DB 障害 🔥e\u{301}", returnTo: .dashboard))
        // Backspace takes the combined é, then the emoji (two columns), never half of one.
        _ = reduce(&s, .key(.backspace))
        _ = reduce(&s, .key(.backspace))
        line = try #require(inputLine())
        #expect(line.contains("> DB 障害 █"), "\(line)")
        // A long paste keeps its end in view and never cuts a wide character in half: the grid's
        // columns around the cursor are whole glyphs.
        for _ in 0..<40 { _ = reduce(&s, .key(.char("障"))) }
        line = try #require(inputLine())
        #expect(line.contains("> …障障"), "\(line)")
        #expect(line.contains("障█"))
        #expect(GlyphWidth.of(line) == 80)
        // Esc: nothing is sent.
        #expect(reduce(&s, .key(.escape)).isEmpty)
        #expect(s.mode == .dashboard)
    }
}
