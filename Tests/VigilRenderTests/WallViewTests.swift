import Foundation
import Testing
@testable import VigilCore
@testable import VigilRender

/// 2026-11-26 12:00:00 UTC.
private let noon = Date(timeIntervalSince1970: 1_795_694_400)
private let ctx = ViewContext(theme: .monochrome, glyphs: .unicode)

private func incident(_ id: String, _ severity: Severity, triggered: TimeInterval, acked: TimeInterval? = nil,
                      resolved: TimeInterval? = nil, service: String = "checkout", paged: Bool = true) -> Incident {
    Incident(id: id, source: "am", sourceKey: id, title: "Problem \(id)", service: service, severity: severity,
             status: resolved != nil ? .resolved : (acked != nil ? .acknowledged : .triggered),
             triggeredAt: noon.addingTimeInterval(triggered), acknowledgedAt: acked.map { noon.addingTimeInterval($0) },
             acknowledgedBy: acked.map { _ in "bob" }, resolvedAt: resolved.map { noon.addingTimeInterval($0) }, paged: paged)
}

/// A wall with one Alertmanager source: an outage (acknowledged), an unacknowledged page, and
/// twelve resolved incidents for MTTA/MTTR.
private func wall(size: Size = Size(width: 80, height: 24), answered: Date = noon.addingTimeInterval(-5),
                  rotate: TimeInterval = 20) -> AppState {
    var s = AppState(now: noon, size: size, user: "wall", sources: [("am", 15)])
    s.sources["am"]?.provides = [.incidents]
    var list = [incident("AM-1", .critical, triggered: -1_380, acked: -1_200, service: "db"),
                incident("AM-2", .high, triggered: -180, service: "search")]
    for i in 0..<12 {
        list.append(incident("AM-r\(i)", .high, triggered: Double(-86_400 + i * 3_600), acked: Double(-86_400 + i * 3_600 + 240),
                             resolved: Double(-86_400 + i * 3_600 + 1_800)))
    }
    _ = reduce(&s, .sourcePolled("am", PollReport(outcome: .updated(SourceSnapshot(incidents: list), warnings: []),
                                                   at: answered, duration: 0.1, consecutiveFailures: 0,
                                                   nextPollAt: answered.addingTimeInterval(15))))
    s.makeWall(WallSettings(rotateEvery: rotate))
    return s
}

@Suite struct WallViewTests {
    @Test func bigDigitsAreFiveRowsOfBlocks() {
        var grid = CellGrid(width: 12, height: 5)
        let used = BigText("12", glyphs: .unicode, style: .plain).render(x: 0, y: 0, maxWidth: 12, on: &grid)
        #expect(used == 7)
        #expect(grid.lines == [
            " █  ███     ",
            "██    █     ",
            " █  ███     ",
            " █  █       ",
            "███ ███     ",
        ])
        var ascii = CellGrid(width: 8, height: 10)
        BigText("7", glyphs: .ascii, style: .plain, scale: 2).render(x: 0, y: 0, maxWidth: 8, on: &ascii)
        #expect(ascii.lines.prefix(4) == ["######  ", "######  ", "    ##  ", "    ##  "])
        // Clipped to whole glyphs.
        var narrow = CellGrid(width: 5, height: 5)
        #expect(BigText("12", glyphs: .unicode, style: .plain).render(x: 0, y: 0, maxWidth: 5, on: &narrow) == 3)
    }

    @Test func theNowPageShowsHeadlineFiguresLargeWithTheBannerAbove() {
        let lines = DashboardView.render(wall(), ctx).lines
        let text = lines.joined(separator: "\n")
        #expect(lines[0].contains("VIGIL") && lines[0].contains("READ-ONLY"))
        #expect(lines[1].hasPrefix(" ● UNACKNOWLEDGED PAGE  SEV2  search  Problem AM-2  3m"), "\(lines[1])")
        #expect(lines[2].hasPrefix(" ● OUTAGE  SEV1  db  Problem AM-1  23m"), "\(lines[2])")
        for label in ["OPEN", "DOWN NOW", "PAGES 7d", "MTTA median", "MTTR median", "DEPLOYS/day"] {
            #expect(text.contains(label), "missing \(label)")
        }
        // OPEN is 2, drawn in blocks; MTTA 4 min, MTTR 30 min; DEPLOYS has no source.
        #expect(lines[4].hasPrefix("███"), "\(lines[4])")
        #expect(text.contains("1 unacknowledged"))
        #expect(text.contains("db for 23m"))
        #expect(text.contains(" min"))
        #expect(text.contains("no data"))
        #expect(lines[23].hasPrefix(" WALL · Now 1/2 · pages every 20s"), "\(lines[23])")
        // No cursor, no selection, no focus on a wall.
        #expect(!text.contains("▶"))
        #expect(!text.contains("┏") && !text.contains("━"))
    }

    @Test func thePanelsPageHasEveryPanelAndNoFocus() {
        var s = wall(size: Size(width: 120, height: 40))
        _ = reduce(&s, .key(.char(" ")))
        let lines = DashboardView.render(s, ctx).lines
        let text = lines.joined(separator: "\n")
        for title in ["Build throughput", "Deployments", "Outages", "Alert pages", "MTTR / MTTA", "Incidents"] {
            #expect(text.contains(title), "missing \(title)")
        }
        #expect(lines.last?.hasPrefix(" WALL · Panels 2/2") == true)
        #expect(!text.contains("▶") && !text.contains("┏"))
    }

    @Test func failingAndStaleSourcesAreImpossibleToMiss() {
        var s = wall(rotate: 600)
        _ = reduce(&s, .sourcePolled("am", PollReport(outcome: .failed(SourceError(.httpStatus(503), "HTTP 503")), at: noon.addingTimeInterval(60),
                                                       duration: 0.01, consecutiveFailures: 1,
                                                       nextPollAt: noon.addingTimeInterval(70))))
        _ = reduce(&s, .tick(noon.addingTimeInterval(62)))
        var lines = DashboardView.render(s, ctx).lines
        #expect(lines[1].hasPrefix(" ● AM FAILING, HTTP 503: data from 11:59, 2m old; HTTP 503, retry in 10s"), "\(lines[1])")
        // Every figure from that source says its data is old, and is dimmed.
        let text = lines.joined(separator: "\n")
        #expect(text.components(separatedBy: "OLD DATA").count - 1 == 5, "\(text)")
        // Recovered, then silent past twice the poll interval: stale.
        var quiet = wall(answered: noon.addingTimeInterval(-40))
        _ = reduce(&quiet, .tick(noon))
        lines = DashboardView.render(quiet, ctx).lines
        #expect(lines[1].contains("AM STALE: data from 11:59"), "\(lines[1])")
        // The bar is drawn in reverse video across the whole width.
        let grid = DashboardView.render(quiet, ctx)
        #expect(grid.style(at: 79, 1).attrs.contains(.reverse))
    }

    @Test func asciiAndTinyScreensStillWork() {
        let ascii = DashboardView.render(wall(), ViewContext(theme: .monochrome, glyphs: .ascii)).lines.joined()
        #expect(ascii.allSatisfy { $0.isASCII })
        #expect(ascii.contains("###"))
        for size in [Size(width: 1, height: 1), Size(width: 20, height: 5), Size(width: 40, height: 12), Size(width: 300, height: 80)] {
            var s = wall(size: size)
            let grid = DashboardView.render(s, ctx)
            #expect(grid.size == size)
            _ = reduce(&s, .key(.char(" ")))
            #expect(DashboardView.render(s, ctx).size == size)
        }
    }
}
