import Foundation
import Testing
import VigilTestSupport
@testable import VigilCore
@testable import VigilRender

/// 2026-11-26 12:00:00 UTC.
private let noon = Date(timeIntervalSince1970: 1_795_694_400)
private let ctx = ViewContext(theme: .monochrome, glyphs: .unicode)

private func incident(_ id: String, _ sev: Severity, service: String, ago: TimeInterval, acked: String? = nil,
                      title: String) -> Incident {
    Incident(id: id, source: "test", sourceKey: id, title: title, service: service, severity: sev,
             status: acked == nil ? .triggered : .acknowledged, triggeredAt: noon.addingTimeInterval(-ago),
             acknowledgedAt: acked.map { _ in noon.addingTimeInterval(-ago + 120) }, acknowledgedBy: acked,
             labels: [KeyValue("env", "prod")],
             timeline: [TimelineEntry(at: noon.addingTimeInterval(-ago), text: "Triggered by checks")],
             links: [Link(title: "Runbook", url: "https://runbooks.example/\(service)")])
}

private func state(size: Size, readOnly: Bool = false) -> AppState {
    var s = AppState(now: noon, size: size, readOnly: readOnly, user: "alice", sources: [("test", 30)])
    s.sources["test"]?.actions = [.acknowledge, .unacknowledge]
    let incidents = [
        incident("PD-1", .critical, service: "checkout", ago: 42 * 60, title: "Checkout 5xx above 5%"),
        incident("PD-2", .high, service: "payments", ago: 3 * 3_600, acked: "bob", title: "Card auth latency p99 > 2s"),
        incident("PD-3", .warning, service: "search", ago: 20 * 60, title: "Index lag growing"),
    ]
    _ = reduce(&s, .sourceUpdated("test", SourceSnapshot(incidents: incidents), at: noon))
    return s
}

@Suite struct IncidentTableTests {
    @Test func incidentsShowSeverityStatusServiceAgeAndWho() throws {
        let grid = DashboardView.render(state(size: Size(width: 100, height: 9)), ctx)
        let text = grid.lines.joined(separator: "\n")
        // 9 rows: no room for metric panels, the incidents take the body.
        #expect(grid.lines[1].hasPrefix("┏ Incidents"))
        let rows = grid.lines.filter { $0.range(of: #"SEV\d"#, options: .regularExpression) != nil }
        try #require(rows.count == 3)
        #expect(rows[0].contains("SEV1") && rows[0].contains("checkout") && rows[0].contains("42m")
                && rows[0].contains("Checkout 5xx"))
        #expect(rows[0].contains("▶"))                   // selection visible without colour
        #expect(rows[1].contains("SEV2") && rows[1].contains("bob 09:02") && rows[1].contains("acked"))
        #expect(rows[2].contains("SEV3") && rows[2].contains("20m"))
        #expect(text.contains("3 open · 2 unacked"))
    }

    @Test func selectedRowIsReverseVideoInMonochrome() {
        let grid = DashboardView.render(state(size: Size(width: 100, height: 9)), ctx)
        guard let y = grid.lines.firstIndex(where: { $0.contains("SEV1") }),
              let x = Array(grid.lines[y]).firstIndex(of: "S") else {
            Issue.record("no SEV1 row"); return
        }
        #expect(grid.style(at: x, y).attrs.contains(.reverse))
    }

    @Test func pendingAckShowsAtOnce() {
        var s = state(size: Size(width: 100, height: 9))
        _ = reduce(&s, .key(.char("a")))
        let dialog = DashboardView.render(s, ctx).lines.joined(separator: "\n")
        #expect(dialog.contains("Acknowledge PD-1?"))
        #expect(dialog.contains("as alice"))
        _ = reduce(&s, .key(.char("y")))
        let pending = DashboardView.render(s, ctx).lines.first { $0.contains("SEV1") } ?? ""
        #expect(pending.contains("acknowledging…"))
        _ = reduce(&s, .ackSucceeded(incidentID: "PD-1", ActionConfirmation(by: "alice", at: noon)))
        let done = DashboardView.render(s, ctx).lines.first { $0.contains("SEV1") } ?? ""
        #expect(done.contains("alice 12:00"))
        let footer = DashboardView.render(s, ctx).lines.last ?? ""
        #expect(footer.contains("PD-1 acknowledged by alice at 12:00"))
    }

    @Test func refusedAckShowsTheError() {
        var s = state(size: Size(width: 120, height: 9))
        _ = reduce(&s, .key(.char("a")))
        _ = reduce(&s, .key(.char("y")))
        _ = reduce(&s, .ackFailed(incidentID: "PD-1", "HTTP 403"))
        let lines = DashboardView.render(s, ctx).lines
        #expect(lines.first { $0.contains("SEV1") }?.contains("ack failed: HTTP 403") == true)
        #expect(lines.last?.contains("PD-1 not acknowledged: HTTP 403") == true)
    }
}

@Suite struct FooterAndHelpTests {
    @Test func footerHintsComeFromTheKeyMap() {
        let s = state(size: Size(width: 120, height: 30))
        let footer = DashboardView.render(s, ctx).lines.last ?? ""
        for b in s.keyMap.hints(in: .dashboard, offered: s.offeredActions) {
            #expect(footer.contains(b.hint ?? "?"), "footer lacks \(b.hint ?? "")")
        }
        #expect(footer.contains("ack"))
    }

    @Test func readOnlyFooterAndHelpHaveNoAck() {
        var s = state(size: Size(width: 120, height: 40), readOnly: true)
        let footer = DashboardView.render(s, ctx).lines.last ?? ""
        #expect(!footer.contains("ack"))
        _ = reduce(&s, .key(.char("?")))
        let help = DashboardView.render(s, ctx).lines.joined(separator: "\n")
        #expect(help.contains("Help"))
        #expect(help.contains("Cycle the window"))
        #expect(!help.contains("Acknowledge"))
        #expect(DashboardView.render(s, ctx).lines[0].contains("READ-ONLY"))
    }

    @Test func helpListsEveryBinding() {
        var s = state(size: Size(width: 120, height: 60))
        _ = reduce(&s, .key(.char("?")))
        let help = DashboardView.render(s, ctx).lines.joined(separator: "\n")
        for b in s.keyMap.help(in: .dashboard, offered: s.offeredActions) {
            #expect(help.contains(b.help), "help lacks \(b.help)")
        }
        // The source supports acknowledging and taking it back, not resolving.
        #expect(help.contains("Acknowledge") && !help.contains("Resolve"))
    }

    @Test func detailsAtSmallSizesShowLinksFirstAndSayHowToScroll() {
        var s = state(size: Size(width: 80, height: 14))
        var many = s.incident("PD-1")!
        many.timeline = (0..<30).map { TimelineEntry(at: noon.addingTimeInterval(Double(-$0 * 60)), text: "note \($0)") }
        _ = reduce(&s, .sourceUpdated("test", SourceSnapshot(incidents: [many]), at: noon))
        _ = reduce(&s, .key(.enter))
        let text = DashboardView.render(s, ctx).lines.joined(separator: "\n")
        #expect(text.contains("https://runbooks.example/checkout"))
        #expect(text.contains("more · PgDn"))
        for _ in 0..<10 { _ = reduce(&s, .key(.pageDown)) }
        let later = DashboardView.render(s, ctx).lines.joined(separator: "\n")
        #expect(later.contains("above · PgUp"), "\(later)")
        #expect(!later.contains("https://runbooks.example/checkout"))
    }

    @Test func detailsShowLabelsTimelineAndLinks() {
        var s = state(size: Size(width: 120, height: 40))
        _ = reduce(&s, .key(.enter))
        let text = DashboardView.render(s, ctx).lines.joined(separator: "\n")
        #expect(text.contains("env=prod"))
        #expect(text.contains("Triggered by checks"))
        #expect(text.contains("https://runbooks.example/checkout"))
    }

    @Test func detailsListTheDeploymentsOfTheServiceInTheHourBefore() {
        var s = AppState(now: noon, size: Size(width: 100, height: 40), user: "alice", sources: [("test", 30)])
        let i = incident("PD-1", .critical, service: "checkout", ago: 600, title: "Checkout 5xx")
        let deploys = [
            Deployment(id: "a", service: "checkout", environment: "production", version: "v41", at: noon.addingTimeInterval(-1_500),
                       outcome: .success),
            Deployment(id: "b", service: "checkout", environment: "production", version: "v40", at: noon.addingTimeInterval(-900),
                       outcome: .success, markedRollback: true),
            Deployment(id: "c", service: "checkout", environment: "production", version: "v39", at: noon.addingTimeInterval(-7_200),
                       outcome: .success),                                     // two hours before: not listed
            Deployment(id: "d", service: "search", environment: "production", version: "v9", at: noon.addingTimeInterval(-700),
                       outcome: .failure),                                     // another service
        ]
        _ = reduce(&s, .sourceUpdated("test", SourceSnapshot(incidents: [i], deployments: deploys), at: noon))
        s.selectedIncident = "PD-1"
        _ = reduce(&s, .key(.enter))
        let text = DashboardView.render(s, ctx).lines.joined(separator: "\n")
        #expect(text.contains("Deployments of checkout in the hour before it started"), "\(text)")
        #expect(text.contains("11:45 rollback to v40 to production, 5m before"), "\(text)")
        #expect(text.contains("11:35 v41 to production, 15m before"), "\(text)")
        #expect(!text.contains("v39") && !text.contains("v9 "), "\(text)")
    }

    @Test func theOutageTimelineMarksTheDownServicesDeploymentsAndRollbacks() throws {
        // 24 h in hourly buckets: checkout deployed 5 h ago, was down 3 h ago for an hour, and
        // rolled back 2 h ago; search (never down) deployed 4 h ago and is not marked.
        var s = AppState(now: noon, size: Size(width: 120, height: 40), user: "alice", sources: [("test", 30)])
        s.window = .day
        var outage = incident("PD-9", .critical, service: "checkout", ago: 3 * 3_600, title: "Checkout down")
        outage.status = .resolved
        outage.resolvedAt = noon.addingTimeInterval(-2 * 3_600)
        let deploys = [
            Deployment(id: "a", service: "checkout", environment: "production", version: "v41",
                       at: noon.addingTimeInterval(-5 * 3_600 + 60), outcome: .success),
            Deployment(id: "b", service: "search", environment: "production", version: "v9",
                       at: noon.addingTimeInterval(-4 * 3_600 + 60), outcome: .success),
            Deployment(id: "c", service: "checkout", environment: "production", version: "v40",
                       at: noon.addingTimeInterval(-2 * 3_600 + 60), outcome: .success, markedRollback: true),
        ]
        _ = reduce(&s, .sourceUpdated("test", SourceSnapshot(incidents: [outage], deployments: deploys), at: noon))
        for (glyphs, deploy, rollback) in [(Glyphs.unicode, "▴", "▾"), (Glyphs.ascii, "^", "R")] {
            let grid = DashboardView.render(s, ViewContext(theme: .monochrome, glyphs: glyphs))
            let top = try #require(grid.lines.firstIndex { $0.contains("Outages") })
            // The panel's inner column 0 is x (the border is before it, and "┌ " before the title).
            let x = try #require(grid.lines[top].range(of: "Outages")).lowerBound.utf16Offset(in: grid.lines[top]) - 1
            let inner = grid.lines[(top + 1)...(top + 6)].map { String(Array($0).dropFirst(x).prefix(36)) }
            let timeline = try #require(inner.firstIndex { $0.contains(glyphs.sparkline.last!) })
            let marks = inner[timeline + 1]
            let chars = Array(marks)
            // 24 buckets in 36 columns: one column each, oldest left; 5 h ago is bucket 19, 2 h ago 22.
            #expect(chars[19] == Character(deploy) && chars[22] == Character(rollback), "\(inner.joined(separator: "\n"))")
            #expect(marks.filter { $0 != " " }.count == 2, "\(marks)")
            #expect(Array(inner[timeline])[21] == glyphs.sparkline.last!, "the outage started in bucket 21")
            let style = grid.style(at: x + 22, top + 1 + timeline + 1)
            #expect(style.attrs.contains(.underline), "a rollback is underlined in monochrome")
        }
    }

    @Test func aMergedPageIsOneRowNamingBothSourcesAndItsDetailsListTheAlerts() throws {
        var s = AppState(now: noon, size: Size(width: 100, height: 30), user: "alice", sources: [("pd", 30), ("am", 30)])
        var page = incident("PD-9", .critical, service: "storage", ago: 600, title: "[FIRING:2] DiskFull c1")
        page.source = "pd"
        page.dedupKey = "k1"
        let alerts = ["a", "b"].map { name -> Incident in
            var a = incident("AM-\(name)", .critical, service: "storage", ago: 630, title: "disk \(name) full")
            a.source = "am"
            a.pagedAs = ["k1"]
            return a
        }
        _ = reduce(&s, .sourceUpdated("pd", SourceSnapshot(incidents: [page]), at: noon))
        _ = reduce(&s, .sourceUpdated("am", SourceSnapshot(incidents: alerts), at: noon))
        let lines = DashboardView.render(s, ctx).lines
        let rows = lines.filter { $0.contains("SEV1") }
        try #require(rows.count == 1, "\(lines.joined(separator: "\n"))")
        #expect(rows[0].contains("[+am 2] [FIRING:2] DiskFull c1"))
        s.selectedIncident = "PD-9"
        _ = reduce(&s, .key(.enter))
        let details = DashboardView.render(s, ctx).lines.joined(separator: "\n")
        #expect(details.contains("sources pd + am"))
        #expect(details.contains("The same problem in am: 2 alerts"))
        #expect(details.contains("disk a full (storage, firing)") && details.contains("disk b full (storage, firing)"))
    }
}

@Suite struct RobustnessTests {
    @Test func everySizeFromZeroToLargeRendersWithoutCrashing() {
        for w in [0, 1, 2, 5, 10, 20, 40, 79, 80, 81, 120, 200, 301] {
            for h in [0, 1, 2, 3, 4, 6, 10, 23, 24, 25, 40, 60, 81] {
                var s = state(size: Size(width: w, height: h))
                let g = DashboardView.render(s, ctx)
                #expect(g.width == w && g.height == h)
                for key in [Key.char("?"), .escape, .enter, .char("a")] {
                    _ = reduce(&s, .key(key))
                    _ = DashboardView.render(s, ctx)
                }
            }
        }
    }

    @Test func noDataSaysWhy() {
        let s = AppState(now: noon, size: Size(width: 120, height: 40), user: "alice", sources: [("test", 30)])
        let text = DashboardView.render(s, ctx).lines.joined(separator: "\n")
        #expect(text.contains("no data"))
        #expect(text.contains("test: connecting"))
        #expect(!text.contains(" 0.0/day"))
    }

    @Test func aFailingSourceIsNamedInTheHeader() {
        var s = state(size: Size(width: 120, height: 40))
        _ = reduce(&s, .sourceFailed("test", SourceError(.refused, "connection refused"), at: noon))
        #expect(DashboardView.render(s, ctx).lines[0].contains("test: connection refused"))
    }
}
