import Foundation
import Testing
@testable import VigilCore
@testable import VigilRender

/// 2026-11-26 12:00:00 UTC.
private let noon = Date(timeIntervalSince1970: 1_795_694_400)
private let ctx = ViewContext(theme: .monochrome, glyphs: .unicode)

/// Prometheus (every 30 s) feeds builds, deployments and quality; Alertmanager (every 15 s)
/// feeds the incidents and the panels made from them. Both answered at `answered`.
private func twoSources(size: Size = Size(width: 120, height: 40), answered: Date = noon.addingTimeInterval(-10)) -> AppState {
    var s = AppState(now: noon, size: size, user: "alice", sources: [("prom", 30), ("am", 15)])
    s.sources["prom"]?.provides = [.deployments, .builds, .series]
    s.sources["am"]?.provides = [.incidents]
    let incident = Incident(id: "AM-1", source: "am", sourceKey: "1", title: "Checkout 5xx above 5%", service: "checkout",
                            severity: .critical, status: .triggered, triggeredAt: noon.addingTimeInterval(-1_800))
    _ = reduce(&s, .sourcePolled("prom", PollReport(outcome: .updated(SourceSnapshot(deployments: [], builds: [], series: []),
                                                                      warnings: []),
                                                     at: answered, duration: 0.2, consecutiveFailures: 0,
                                                     nextPollAt: answered.addingTimeInterval(30))))
    _ = reduce(&s, .sourcePolled("am", PollReport(outcome: .updated(SourceSnapshot(incidents: [incident]), warnings: []),
                                                   at: answered, duration: 0.1, consecutiveFailures: 0,
                                                   nextPollAt: answered.addingTimeInterval(15))))
    return s
}

private func fail(_ s: inout AppState, _ id: SourceID, _ message: String, kind: SourceError.Kind = .httpStatus(500),
                  retryIn: TimeInterval, failures: Int = 1) {
    _ = reduce(&s, .sourcePolled(id, PollReport(outcome: .failed(SourceError(kind, message)), at: noon, duration: 0.01,
                                                 consecutiveFailures: failures, nextPollAt: noon.addingTimeInterval(retryIn))))
}

/// The top border of a panel, as drawn (its own columns only).
private func border(_ state: AppState, _ panel: PanelID) -> String {
    guard let rect = state.layout.rect(of: panel) else { return "" }
    let line = Array(DashboardView.render(state, ctx).lines[rect.y])
    guard rect.maxX <= line.count else { return "" }
    return String(line[rect.x..<rect.maxX])
}

@Suite struct HealthBadgeTests {
    @Test func freshPanelsShowWhenTheirDataLastRefreshed() {
        let s = twoSources()
        let lines = DashboardView.render(s, ctx).lines
        for panel in PanelID.metricPanels + [.incidents] {
            #expect(border(s, panel).contains(" 11:59 "), "\(panel): \(border(s, panel))")
        }
        #expect(border(s, .incidents).contains("1 open · 1 unacked · 11:59"))
        #expect(lines[0].contains("✓ all 2 sources fresh"))
    }

    @Test func theOldestFeedingSourceDatesAPanel() {
        var s = twoSources()
        // Both feed everything: a panel is only as fresh as its oldest input.
        s.sources["prom"]?.provides = Set(DataKind.allCases)
        s.sources["am"]?.provides = Set(DataKind.allCases)
        s.sources["am"]?.lastSuccess = noon.addingTimeInterval(-25)
        s.sources["prom"]?.lastSuccess = noon.addingTimeInterval(-5)
        #expect(border(s, .deployments).contains(" 11:59 "))
    }

    @Test func dataOlderThanTwiceTheIntervalIsMarkedStaleWithItsAge() {
        var s = twoSources()
        s.sources["prom"]?.lastSuccess = noon.addingTimeInterval(-5 * 60)      // 30 s interval: stale after 60 s
        let lines = DashboardView.render(s, ctx).lines
        for panel in [PanelID.builds, .deployments, .quality] {
            #expect(border(s, panel).contains(" stale 5m "), "\(panel): \(border(s, panel))")
        }
        // Alertmanager's panels are not affected.
        for panel in [PanelID.outages, .pages, .response, .incidents] {
            #expect(border(s, panel).contains(" 11:59 "), "\(panel): \(border(s, panel))")
            #expect(!border(s, panel).contains("stale"))
        }
        #expect(lines[0].contains("prom stale 5m"))
        let grid = DashboardView.render(s, ViewContext(theme: .builtinDefault, glyphs: .unicode))
        guard let y = grid.lines.firstIndex(where: { $0.contains(" Deployments ") }),
              let x = Array(grid.lines[y]).firstIndex(of: "5") else {
            Issue.record("no stale badge"); return
        }
        #expect(grid.style(at: x, y).fg == Theme.builtinDefault[.healthStale].fg)
    }

    @Test func aFailingSourceShowsItsErrorAndNextRetryAndKeepsItsData() {
        var s = twoSources()
        fail(&s, "am", "connection refused (127.0.0.1:9093): is the server running and listening there?", kind: .refused,
             retryIn: 35)
        let lines = DashboardView.render(s, ctx).lines
        let incidents = border(s, .incidents)
        #expect(incidents.contains("1 open · 1 unacked · ● am: connection refused (127.0.0.1:9093)"), "\(incidents)")
        #expect(incidents.contains("· retry in 40s ┓"), "\(incidents)")
        // The data that was there stays.
        #expect(lines.contains { $0.contains("Checkout 5xx above 5%") })
        // Every panel fed by Alertmanager says so, in as many words as fit; Prometheus's panels
        // are fresh.
        for panel in [PanelID.outages, .pages, .response] {
            #expect(border(s, panel).contains(" ● am: connection refused ┐"), "\(panel): \(border(s, panel))")
        }
        for panel in [PanelID.builds, .deployments, .quality] {
            #expect(border(s, panel).contains(" 11:59 "), "\(panel): \(border(s, panel))")
        }
        #expect(lines[0].contains("● am: connection refused (127.0.0.1:9093)"))
        #expect(s.sources["am"]?.nextRetryAt == noon.addingTimeInterval(35))
    }

    @Test func aFailureOverStaleDataSaysBoth() {
        var s = twoSources(answered: noon.addingTimeInterval(-10 * 60))
        fail(&s, "am", "HTTP 500: injected", retryIn: 150, failures: 4)
        let incidents = border(s, .incidents)
        #expect(incidents.contains("● am: HTTP 500: injected · stale 10m · retry in 3m"), "\(incidents)")
    }

    @Test func narrowPanelsKeepTheFailureVisible() {
        var s = twoSources(size: Size(width: 80, height: 24))
        fail(&s, "am", "timed out after 10s waiting for alertmanager.example:9093", kind: .timedOut, retryIn: 8)
        let lines = DashboardView.render(s, ctx).lines
        for panel in [PanelID.outages, .pages, .response] {
            #expect(border(s, panel).contains("● am"), "\(panel): \(border(s, panel))")
        }
        #expect(border(s, .incidents).contains("1 open · 1 unacked · ● am: timed out · retry in 10s"))
        #expect(lines.allSatisfy { GlyphWidth.of($0) == 80 })
    }

    @Test func theHeaderNamesEverySourceThatIsNotFresh() {
        var s = twoSources()
        fail(&s, "am", "connection refused", kind: .refused, retryIn: 20)
        s.sources["prom"]?.lastSuccess = noon.addingTimeInterval(-600)
        let header = DashboardView.render(s, ctx).lines[0]
        #expect(header.contains("prom, am failing"), "\(header)")
    }

    @Test func theHealthLineSaysWhichKeyShowsWhyASourceIsInTrouble() {
        let fresh = DashboardView.render(twoSources(), ctx).lines[0]
        #expect(!fresh.contains("H details"), "\(fresh)")
        var failing = twoSources()
        fail(&failing, "am", "connection refused", kind: .refused, retryIn: 20)
        #expect(DashboardView.render(failing, ctx).lines[0].contains("● am: connection refused · retry in 20s  H details "))
        var stale = twoSources()
        stale.sources["prom"]?.lastSuccess = noon.addingTimeInterval(-600)
        #expect(DashboardView.render(stale, ctx).lines[0].contains("prom stale 10m  H details "))
        // At 80 columns a long error is cut before the hint, which keeps its place at the end.
        var narrow = twoSources(size: Size(width: 80, height: 24))
        fail(&narrow, "am", "timed out after 10s waiting for alertmanager-eu-west-1.example.internal:9093", kind: .timedOut,
             retryIn: 8)
        let top = DashboardView.render(narrow, ctx).lines[0]
        #expect(top.contains("● am: timed out after 10s waiting for"), "\(top)")
        #expect(top.hasSuffix("… H details "), "\(top)")
        #expect(GlyphWidth.of(top) == 80)
        // Several sources with warnings (and no error) say so, not "not fresh".
        var warned = twoSources()
        for id in ["prom", "am"] { warned.sources[id]?.warnings = [SourceWarning(panel: nil, message: "a query failed")] }
        #expect(DashboardView.render(warned, ctx).lines[0].contains("● prom, am with warnings  H details "))
    }

    @Test func aFailedQuerySaysSoOnItsPanelWithoutAContradictingNoDataLine() {
        var s = twoSources()
        _ = reduce(&s, .sourcePolled("prom", PollReport(
            outcome: .updated(SourceSnapshot(deployments: [], series: []),
                              warnings: [SourceWarning(panel: .builds, message: "builds query failed: bad_data: parse error")]),
            at: noon, duration: 0.2, consecutiveFailures: 0, nextPollAt: noon.addingTimeInterval(30))))
        let rect = try! #require(s.layout.rect(of: .builds))
        let lines = DashboardView.render(s, ctx).lines
        let inside = lines[(rect.y + 1)..<(rect.y + rect.height - 1)].map { String(Array($0)[(rect.x + 1)..<(rect.x + rect.width - 1)]) }
        #expect(inside.first?.hasPrefix("builds query failed: bad_data") == true, "\(inside)")
        #expect(!inside.contains { $0.contains("no data") }, "\(inside)")
    }

    @Test func retryTimesAreCoarse() {
        #expect(DashboardView.retryText(noon.addingTimeInterval(3), now: noon) == "retry in 10s")
        #expect(DashboardView.retryText(noon.addingTimeInterval(35), now: noon) == "retry in 40s")
        #expect(DashboardView.retryText(noon.addingTimeInterval(60), now: noon) == "retry in 1m")
        #expect(DashboardView.retryText(noon.addingTimeInterval(61), now: noon) == "retry in 2m")
        #expect(DashboardView.retryText(noon.addingTimeInterval(-1), now: noon) == "retrying")
        #expect(DashboardView.retryText(nil, now: noon) == nil)
    }

    @Test func theKindOfAFailureIsNamedWhenTheMessageDoesNotFit() {
        // The label comes from the kind the failure carries, never from its words.
        #expect(SourceError.Kind.rateLimited(until: nil).label == "rate limited")
        #expect(SourceError.Kind.timedOut.label == "timed out")
        #expect(SourceError.Kind.malformed.label == "malformed response")
        #expect(SourceError.Kind.tls.label == "TLS error")
        #expect(SourceError.Kind.refused.label == "connection refused")
        #expect(SourceError.Kind.httpStatus(502).label == "HTTP 502")
        // Cut, the message starts with its kind when the cut would hide it.
        let text = DashboardView.fitFailure(head: "● am", error: "Alertmanager http://127.0.0.1:40123 refused to list alerts: HTTP 500: boom",
                                            kind: "HTTP 500", extras: ["retry in 10s"], limits: [60], ctx)
        #expect(text.hasPrefix("● am: HTTP 500 · Alertmanager http://"), "\(text)")
        #expect(text.hasSuffix("… · retry in 10s"), "\(text)")
        #expect(GlyphWidth.of(text) <= 60)
    }

    @Test func aPanelWaitingForItsFirstDataSaysSo() {
        var s = AppState(now: noon, size: Size(width: 120, height: 40), user: "alice", sources: [("am", 15)])
        s.sources["am"]?.provides = [.incidents]
        #expect(border(s, .incidents).contains("no data yet"))
        // A panel no source feeds has no health to show.
        #expect(!border(s, .deployments).contains("no data yet"))
        #expect(!border(s, .deployments).contains(":"))
    }
}

/// After a restart with the incident source down: what the store remembers, and what is pending.
@Suite struct RestartWithSourceDownTests {
    private func restarted() -> AppState {
        var s = AppState(now: noon, size: Size(width: 120, height: 40), user: "alice", sources: [("am", 15)])
        s.sources["am"]?.provides = [.incidents]
        let resolved = Incident(id: "AM-7", source: "am", sourceKey: "7", title: "Checkout 5xx above 5%", service: "checkout",
                                severity: .critical, status: .resolved, triggeredAt: noon.addingTimeInterval(-7_200),
                                acknowledgedAt: noon.addingTimeInterval(-6_900), acknowledgedBy: "bob",
                                resolvedAt: noon.addingTimeInterval(-5_400), paged: true)
        _ = reduce(&s, .historyLoaded([resolved]))
        _ = reduce(&s, .sourcePolled("am", PollReport(outcome: .failed(SourceError(.httpStatus(503), "HTTP 503")), at: noon, duration: 0.01,
                                                       consecutiveFailures: 1, nextPollAt: noon.addingTimeInterval(10))))
        return s
    }

    @Test func rememberedIncidentsFillTheMetricPanelsWithTheErrorOnTheBorder() {
        let s = restarted()
        let text = DashboardView.render(s, ctx).lines.joined(separator: "\n")
        for panel in [PanelID.outages, .pages, .response] {
            #expect(border(s, panel).contains("HTTP 503"), "\(panel): \(border(s, panel))")
        }
        // MTTR of the remembered incident: 30 minutes; no "no data" on the incident panels'
        // figures. The table itself has no data: whether anything is open is the source's word.
        #expect(text.contains("30m"), "\(text)")
        #expect(text.components(separatedBy: "no data: am").count - 1 == 1, "\(text)")
    }

    @Test func aPendingAcknowledgementOfAnUnlistedIncidentIsShown() {
        var s = restarted()
        s.actions["AM-9"] = .pending(.acknowledge, since: noon)
        #expect(border(s, .incidents).contains("0 open · 0 unacked · 1 ack pending"), "\(border(s, .incidents))")
        let text = DashboardView.render(s, ctx).lines.joined(separator: "\n")
        #expect(text.contains("saved, sent when the source answers: acknowledgement of AM-9"), "\(text)")
    }
}

@Suite struct HeaderOnCallAndQuotaTests {
    /// A PagerDuty source that answered with who is on call and what is left of its quota.
    func pagerDuty(quota: RateQuota?, width: Int = 120) -> AppState {
        var s = AppState(now: noon, size: Size(width: width, height: 40), user: "alice", sources: [("pd", 30)])
        s.metricsConfig.timeZone = TimeZone(identifier: "UTC")!
        let shifts = [OnCallShift(person: "Aisha Okafor", policy: "Checkout on-call", level: 1,
                                  start: noon.addingTimeInterval(-3_600), end: noon.addingTimeInterval(75_600))]
        _ = reduce(&s, .sourcePolled("pd", PollReport(outcome: .updated(SourceSnapshot(incidents: [], onCall: shifts), warnings: []),
                                                       at: noon, duration: 0.1, consecutiveFailures: 0,
                                                       nextPollAt: noon.addingTimeInterval(30), quota: quota)))
        return s
    }

    @Test func theHeaderSaysWhoIsOnCall() {
        let top = DashboardView.render(pagerDuty(quota: nil), ctx).lines[0]
        #expect(top.contains("on call: Aisha Okafor until 09:00"), "\(top)")
        #expect(top.contains("source fresh"), "\(top)")
    }

    @Test func whatIsLeftOfAQuotaShowsOnTheHealthLineAndWarnsWhenLow() {
        // Plenty: said quietly after "fresh" (GitHub's hourly quota is worth watching).
        let plenty = DashboardView.render(pagerDuty(quota: RateQuota(limit: 960, remaining: 700, resetAt: noon)), ctx).lines[0]
        #expect(plenty.contains("source fresh  pd quota 700/960"), "\(plenty)")
        let low = DashboardView.render(pagerDuty(quota: RateQuota(limit: 960, remaining: 120, resetAt: noon)), ctx).lines[0]
        #expect(low.contains("pd: quota 120/960"), "\(low)")
    }

    @Test func atEightyColumnsTheHealthSummaryOutranksTheOnCallLine() {
        let top = DashboardView.render(pagerDuty(quota: RateQuota(limit: 960, remaining: 12, resetAt: noon), width: 80), ctx).lines[0]
        #expect(top.contains("pd: quota 12/960"), "\(top)")
        #expect(top.count == 80)
    }
}

@Suite struct InputAndPickerDialogTests {
    func state() -> AppState {
        var s = AppState(now: noon, size: Size(width: 100, height: 30), user: "alice", sources: [("pd", 30)])
        s.sources["pd"]?.actions = [.note, .snooze]
        let incident = Incident(id: "PD-7", source: "pd", sourceKey: "7", title: "Checkout 500s", service: "checkout",
                                severity: .critical, status: .acknowledged, triggeredAt: noon.addingTimeInterval(-600))
        _ = reduce(&s, .sourcePolled("pd", PollReport(outcome: .updated(SourceSnapshot(incidents: [incident]), warnings: []),
                                                       at: noon, duration: 0.1, consecutiveFailures: 0, nextPollAt: nil)))
        return s
    }

    @Test func theNoteLineShowsWhatIsTypedWithItsCursorAndTheEndOfALongLine() {
        var s = state()
        _ = reduce(&s, .key(.char("n")))
        for c in "rolled back to v41, 日本" { _ = reduce(&s, .key(.char(c))) }
        var text = DashboardView.render(s, ctx).lines.joined(separator: "\n")
        #expect(text.contains("Add a note to PD-7"), "\(text)")
        #expect(text.contains("> rolled back to v41, 日本█"), "\(text)")
        #expect(text.contains("Enter") && text.contains("review") && text.contains("Esc"))
        for _ in 0..<120 { _ = reduce(&s, .key(.char("z"))) }
        text = DashboardView.render(s, ctx).lines.joined(separator: "\n")
        #expect(text.contains("…zzzz") && text.contains("zzz█"), "\(text)")
        #expect(!text.contains("> rolled"), "\(text)")
    }

    /// `state()` with who is on call at pd: the incident's own policy and another.
    func withRota() -> AppState {
        var s = AppState(now: noon, size: Size(width: 100, height: 30), user: "alice", sources: [("pd", 30)])
        s.metricsConfig.timeZone = TimeZone(identifier: "UTC")!
        s.sources["pd"]?.actions = [.reassign]
        let incident = Incident(id: "PD-7", source: "pd", sourceKey: "7", title: "Checkout 500s", service: "checkout",
                                severity: .critical, status: .triggered, triggeredAt: noon.addingTimeInterval(-600),
                                labels: [KeyValue("escalation_policy", "Checkout on-call"), KeyValue("assignee", "Aisha Okafor")])
        let start = noon.addingTimeInterval(-3_600), end = noon.addingTimeInterval(75_600)
        let shifts = [
            OnCallShift(person: "Chen Wei", policy: "Search on-call", level: 1, start: start, end: end),
            OnCallShift(person: "Ben Lindqvist", policy: "Checkout on-call", level: 2, start: start, end: end, personID: "PUSER02"),
            OnCallShift(person: "Aisha Okafor", policy: "Checkout on-call", level: 1, start: start, end: end),
            OnCallShift(person: "Dana Ruiz", policy: "Checkout on-call", level: 1, start: end, end: end.addingTimeInterval(3_600)),
        ]
        _ = reduce(&s, .sourcePolled("pd", PollReport(outcome: .updated(SourceSnapshot(incidents: [incident], onCall: shifts),
                                                                         warnings: []),
                                                       at: noon, duration: 0.1, consecutiveFailures: 0, nextPollAt: nil)))
        s.selectedIncident = "PD-7"
        return s
    }

    @Test func reassignListsWhoIsOnCallTheIncidentsPolicyFirstAndSendsTheChosenOne() {
        var s = withRota()
        _ = reduce(&s, .key(.char("R")))
        let text = DashboardView.render(s, ctx).lines.joined(separator: "\n")
        #expect(text.contains("Reassign PD-7 at pd to whom?"), "\(text)")
        // Aisha is assigned already; Dana is not on call yet.
        #expect(text.contains("1  Ben Lindqvist  on call, Checkout on-call level 2 until 09:00"), "\(text)")
        #expect(text.contains("2  Chen Wei  on call, Search on-call level 1"), "\(text)")
        #expect(!text.contains("Aisha") || !text.contains(" 3  "), "\(text)")
        #expect(!text.contains("Dana"), "\(text)")
        // A digit past the list does nothing; 2 asks to confirm; y sends it.
        _ = reduce(&s, .key(.char("7")))
        #expect(s.mode == .pick(.reassign, "PD-7", returnTo: .dashboard))
        _ = reduce(&s, .key(.char("2")))
        #expect(s.mode == .confirm(.reassign(to: "Chen Wei"), "PD-7", returnTo: .dashboard))
        let effects = reduce(&s, .key(.char("y")))
        #expect(effects.contains(.act(.reassign(to: "Chen Wei"), incidentID: "PD-7", source: "pd", by: "alice")))
    }

    @Test func reassignWithNobodyOnCallSaysWhereToDoIt() {
        var s = state()
        s.sources["pd"]?.actions = [.reassign]
        s.selectedIncident = "PD-7"
        _ = reduce(&s, .key(.char("R")))
        #expect(s.mode == .dashboard)
        #expect(s.flash?.text == "pd names nobody on call to reassign PD-7 to: reassign it at pd")
    }

    @Test func theSnoozePickerListsItsChoices() {
        var s = state()
        _ = reduce(&s, .key(.char("s")))
        let text = DashboardView.render(s, ctx).lines.joined(separator: "\n")
        #expect(text.contains("Snooze PD-7 at pd for how long?"), "\(text)")
        for choice in ["1  30m", "2  1h", "3  4h", "4  8h", "5  1d"] { #expect(text.contains(choice), "\(choice): \(text)") }
    }
}
