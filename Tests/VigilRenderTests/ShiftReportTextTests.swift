import Foundation
import Testing
import VigilCore
import VigilTestSupport
@testable import VigilRender

/// `vigil report`'s Markdown and text forms of a small report, line by line.
struct ShiftReportTextTests {
    /// Thursday 2026-11-26 12:00 UTC.
    static let now = Date(timeIntervalSince1970: 1_795_694_400)

    /// One open incident (acknowledged, with a note, a `|` and `*` in its title), one resolved
    /// outage (2 h, 30 min to acknowledge) and one failed deployment followed by the open incident;
    /// a second source that did not answer.
    static func report() -> ShiftReport {
        let t = { (s: TimeInterval) in now.addingTimeInterval(s) }
        let open = Incident(id: "PD-1", source: "pd", sourceKey: "1", title: "5xx | *payment* step", service: "checkout",
                            severity: .high, status: .acknowledged, triggeredAt: t(-3_600), acknowledgedAt: t(-3_000),
                            acknowledgedBy: "bob_smith", paged: true,
                            timeline: [TimelineEntry(at: t(-1_800), text: "Note by bob_smith: rolling back")])
        let outage = Incident(id: "PD-2", source: "pd", sourceKey: "2", title: "Search down", service: "search",
                              severity: .critical, status: .resolved, triggeredAt: t(-6 * 3_600),
                              acknowledgedAt: t(-6 * 3_600 + 1_800), acknowledgedBy: "ann",
                              resolvedAt: t(-4 * 3_600), paged: true)
        let deploy = Deployment(id: "d1", service: "checkout", environment: "production", version: "v2",
                                at: t(-2 * 3_600), outcome: .success)
        var state = AppState(now: now, size: Size(width: 80, height: 24), user: "ann", title: "team.yaml",
                             sources: [("pd", 60), ("am", 60)])
        _ = reduce(&state, .sourceUpdated("pd", SourceSnapshot(incidents: [open, outage], deployments: [deploy]), at: now))
        _ = reduce(&state, .sourceFailed("am", SourceError(.refused, "connection refused"), at: now))
        return ShiftReport(state: state, seconds: 86_400, label: "24h")
    }

    @Test func markdownLines() {
        let lines = ShiftReportText.markdown(Self.report()).components(separatedBy: "\n")
        #expect(lines == [
            "## Shift report: team.yaml",
            "24h to 26 Nov 12:00 GMT, since 25 Nov 12:00",
            "",
            "> **am**: connection refused — figures without it",
            "",
            "### Open incidents (1)",
            "- **SEV2** checkout: 5xx \\| \\*payment\\* step",
            "  `PD-1` pd, paged, since 26 Nov 11:00 (1h00m)",
            "  acknowledged by bob\\_smith at 26 Nov 11:10",
            "  - 26 Nov 11:30: Note by bob\\_smith: rolling back",
            "",
            "### Pages",
            "- 2 pages, 1 off-hours, 2.0/day; previous 24h: 0, 0 off-hours",   // 06:00 is before work
            "- by service: checkout 1, search 1",
            "",
            "### Outages",
            "- 1 started, 2h00m down, 0 ongoing; previous 24h: 0, 0s down",
            "- search: 26 Nov 06:00 – 08:00, 2h00m — Search down",
            "",
            "### Response",
            "- MTTA 20m (median 10m, n=2); previous -",
            "- MTTR 2h00m (median 2h00m, n=1); previous -",
            "",
            "### Delivery",
            "- deployments: 1, 1 failed, 0 rollbacks, CFR 100.0%; previous 24h: 0, CFR -",
            "  - failed: checkout at 26 Nov 10:00",
            "- builds: 0 finished, 0 failed, success -; previous 24h: 0, 0 failed",
            "",
        ])
    }

    @Test func textHasNoEscapesAndAlignsItsLabels() {
        let text = ShiftReportText.text(Self.report())
        #expect(!text.contains("\u{1B}"))
        let lines = text.components(separatedBy: "\n")
        #expect(lines.contains("UNAVAILABLE  am: connection refused — figures without it"))
        #expect(lines.contains("  SEV2  ACK   1h00m   PD-1  checkout  5xx | *payment* step"))
        #expect(lines.contains("        acknowledged by bob_smith at 26 Nov 11:10 · since 26 Nov 11:00 · pd"))
        #expect(lines.contains("MTTA         20m (median 10m, n=2); previous -"))
        #expect(lines.contains("  search     26 Nov 06:00 – 08:00  2h00m  Search down"))
    }

    @Test func escapingLeavesPlainTextAlone() {
        #expect(ShiftReportText.escape("checkout-api v1.2 (eu)") == "checkout-api v1.2 (eu)")
        #expect(ShiftReportText.escape("a|b*c_d`e[f]<g>~h\\i") == "a\\|b\\*c\\_d\\`e\\[f\\]\\<g>\\~h\\\\i")
        #expect(ShiftReportText.escape("two\nlines") == "two lines")
    }
}
