import Foundation
import Testing
import VigilTestSupport
@testable import VigilCore

/// `vigil report`'s model, from hand-made incidents, deployments and CI runs whose figures are
/// worked out by hand below. Now is Thursday 2026-11-26 12:00 UTC; the window is the 24 h
/// before it (from Wednesday 12:00), the previous window the 24 h before that; working hours are
/// 09:00–18:00 UTC on weekdays; SEV1 is an outage; a deployment fails when an incident of its
/// service follows within an hour.
struct ShiftReportTests {
    /// - F  SEV1 payments, open, triggered 11:40, paged: an ongoing outage (20 min).
    /// - A  SEV2 checkout, acknowledged, triggered 10:00 (+5 min ack), paged, with a note and a `|` in its title.
    /// - B  SEV3 search, triggered 11:30, not paged.
    /// - C  SEV2 auth, resolved: triggered 02:00 (off hours, paged), ack +10 min, resolved 03:00.
    /// - D  SEV1 checkout, resolved: triggered Wednesday 11:00 (previous window), ack +2 min,
    ///      resolved Wednesday 13:00, so an outage crossing the window's start: 60 min in each window.
    /// - E  SEV3 db, resolved in the previous window: triggered Wednesday 06:00 (off hours), ack +20 min, resolved 07:00.
    static func incidents() -> [Incident] {
        var a = incident("A", service: "checkout", severity: .high, triggered: -2 * hour, acked: -2 * hour + 300)
        a.title = "5xx | payment *step* failing"
        a.timeline = [TimelineEntry(at: noon.addingTimeInterval(-2 * hour), text: "Triggered"),
                      TimelineEntry(at: noon.addingTimeInterval(-hour), text: "Note by bob: rolled back to v1.0"),
                      TimelineEntry(at: noon.addingTimeInterval(-2 * hour + 300), text: "Acknowledged by bob.")]
        return [
            incident("F", service: "payments", severity: .critical, triggered: -20 * 60),
            a,
            incident("B", service: "search", severity: .warning, triggered: -30 * 60, paged: false),
            incident("C", service: "auth", severity: .high, triggered: -10 * hour, acked: -10 * hour + 600, resolved: -9 * hour),
            incident("D", service: "checkout", severity: .critical, triggered: -25 * hour, acked: -25 * hour + 120,
                     resolved: -23 * hour),
            incident("E", service: "db", severity: .warning, triggered: -30 * hour, acked: -30 * hour + 1200,
                     resolved: -29 * hour),
        ]
    }

    /// d2 (checkout, 09:30) is followed by A within the hour: failed; d4 (auth, 01:00) ended in
    /// failure; d3 (search) is fine; d1 is in the previous window.
    static func deployments() -> [Deployment] {
        [deploy("d1", service: "checkout", version: "v1.0", at: -27 * hour),
         deploy("d4", service: "auth", version: "v3.0", at: -11 * hour, outcome: .failure),
         deploy("d3", service: "search", version: "v2.0", at: -5 * hour),
         deploy("d2", service: "checkout", version: "v1.1", at: -2.5 * hour)]
    }

    static func builds() -> [BuildRun] {
        [run("r3", started: -25 * hour, minutes: 5),
         run("r2", started: -4 * hour, minutes: 5, .failure),
         run("r1", started: -3 * hour, minutes: 10)]
    }

    static func state() -> AppState {
        var state = AppState(now: noon, size: Size(width: 120, height: 40), user: "alice", title: "team.yaml",
                             sources: [("test", 30), ("am", 30)])
        _ = reduce(&state, .sourceUpdated("test", SourceSnapshot(incidents: incidents(), deployments: deployments(),
                                                                 builds: builds()), at: noon))
        _ = reduce(&state, .sourceFailed("am", SourceError(.refused, "Alertmanager 127.0.0.1:9: connection refused"), at: noon))
        return state
    }

    static func report() -> ShiftReport {
        ShiftReport(state: state(), seconds: day, label: "24h",
                    vigilActions: ["A": [ShiftReport.VigilAction(at: noon.addingTimeInterval(-hour), by: "alice", action: "note")]])
    }

    @Test func windowAndSources() {
        let r = Self.report()
        #expect(r.schemaVersion == 1)
        #expect(r.title == "team.yaml")
        #expect(r.window == ShiftReport.Window(start: noon.addingTimeInterval(-day), end: noon, seconds: day, label: "24h",
                                               previousStart: noon.addingTimeInterval(-2 * day)))
        #expect(r.timeZone == "GMT")   // TimeZone(identifier: "UTC") is named GMT here
        #expect(r.workingHours == ShiftReport.HourRange(start: 9, end: 18))
        #expect(r.sources == [
            ShiftReport.SourceStatus(id: "test", ok: true, problem: nil, message: nil),
            ShiftReport.SourceStatus(id: "am", ok: false, problem: "connection refused",
                                     message: "Alertmanager 127.0.0.1:9: connection refused"),
        ])
        #expect(r.failedSources.map(\.id) == ["am"])
    }

    @Test func openIncidentsWithAcknowledgementAndNotes() {
        let r = Self.report()
        #expect(r.openIncidents.map(\.id) == ["F", "A", "B"])   // most severe first
        let a = r.openIncidents[1]
        #expect(a == ShiftReport.OpenIncident(
            id: "A", source: "test", severity: "SEV2", service: "checkout", title: "5xx | payment *step* failing",
            status: "acknowledged", paged: true, triggeredAt: noon.addingTimeInterval(-2 * hour), ageSeconds: 7_200,
            acknowledgedBy: "bob", acknowledgedAt: noon.addingTimeInterval(-2 * hour + 300),
            notes: [ShiftReport.Note(at: noon.addingTimeInterval(-hour), text: "Note by bob: rolled back to v1.0")],
            mergedCount: 0,
            vigilActions: [ShiftReport.VigilAction(at: noon.addingTimeInterval(-hour), by: "alice", action: "note")]))
        let f = r.openIncidents[0]
        #expect(f.status == "triggered" && f.acknowledgedBy == nil && f.acknowledgedAt == nil)
        #expect(f.ageSeconds == 1_200)
        #expect(f.notes.isEmpty && f.vigilActions.isEmpty)
    }

    @Test func pagesIncludingOffHours() {
        let p = Self.report().pages
        // A (10:00), C (02:00, off hours), F (11:40); B did not page. Before: D (11:00), E (06:00, off hours).
        #expect(p.count == 3)
        #expect(p.offHours == 1)
        #expect(p.perDay == 3)
        #expect(p.days == [ShiftReport.DayCount(start: noon.addingTimeInterval(-day), count: 3)])
        #expect(p.byService == [.init(name: "auth", count: 1), .init(name: "checkout", count: 1), .init(name: "payments", count: 1)])
        #expect(p.previousCount == 2)
        #expect(p.previousOffHours == 1)
    }

    @Test func outagesClippedAtTheWindowStart() {
        let o = Self.report().outages
        // D: Wednesday 11:00–13:00, 60 min of it in the window; F: 11:40 until now, 20 min.
        #expect(o.count == 1)                 // F started in the window; D before it
        #expect(o.minutes == 80)
        #expect(o.ongoing == 1)
        #expect(o.list == [
            ShiftReport.Outage(incidentId: "D", service: "checkout", title: "Incident D",
                               start: noon.addingTimeInterval(-25 * hour), end: noon.addingTimeInterval(-23 * hour),
                               ongoing: false, minutes: 60),
            ShiftReport.Outage(incidentId: "F", service: "payments", title: "Incident F",
                               start: noon.addingTimeInterval(-20 * 60), end: nil, ongoing: true, minutes: 20),
        ])
        #expect(o.previousCount == 1)
        #expect(o.previousMinutes == 60)      // D's first hour, as of the previous window's end
    }

    @Test func mttaAndMttrAgainstThePreviousWindow() {
        let r = Self.report()
        // MTTA: A 300 s, C 600 s (triggered in the window); before: D 120 s, E 1200 s.
        #expect(r.mtta.current.count == 2)
        #expect(r.mtta.current.meanSeconds == 450)
        #expect(r.mtta.current.medianSeconds == 300)
        #expect(r.mtta.current.p90Seconds == 600)
        #expect(r.mtta.previous.count == 2)
        #expect(r.mtta.previous.meanSeconds == 660)
        #expect(r.mtta.changeSeconds == -210)
        // MTTR: C 1 h, D 2 h (resolved in the window); before: E 1 h.
        #expect(r.mttr.current.count == 2)
        #expect(r.mttr.current.meanSeconds == 5_400)
        #expect(r.mttr.previous.count == 1)
        #expect(r.mttr.previous.meanSeconds == 3_600)
        #expect(r.mttr.changeSeconds == 1_800)
    }

    @Test func deploymentsAndChangeFailureRate() {
        let d = Self.report().deployments
        #expect(d.count == 3)
        #expect(d.successful == 2)
        #expect(d.failed == 2)                 // d4 ended in failure; A followed d2 within the hour
        #expect(d.rollbacks == 0)
        #expect(d.changeFailureRate == 2.0 / 3.0)
        #expect(d.failures == [
            ShiftReport.DeploymentFailure(service: "auth", at: noon.addingTimeInterval(-11 * hour), rollback: false),
            ShiftReport.DeploymentFailure(service: "checkout", at: noon.addingTimeInterval(-2.5 * hour), rollback: false),
        ])
        #expect(d.previousCount == 1)
        #expect(d.previousFailed == 0)         // D came two hours after d1
        #expect(d.previousChangeFailureRate == 0)
    }

    @Test func builds() {
        let b = Self.report().builds
        #expect(b == ShiftReport.Builds(count: 2, failed: 1, successRate: 0.5, previousCount: 1, previousFailed: 0))
    }

    @Test func aWindowOfAnyLength() {
        // 12 h: from 00:00. C (02:00) and A, F page; D's outage is outside; its MTTR too.
        let r = ShiftReport(state: Self.state(), seconds: 12 * hour, label: "12h")
        #expect(r.window.start == noon.addingTimeInterval(-12 * hour))
        #expect(r.window.previousStart == noon.addingTimeInterval(-24 * hour))
        #expect(r.pages.count == 3)
        #expect(r.outages.list.map(\.incidentId) == ["F"])
        #expect(r.mttr.current.count == 1)
        #expect(r.mttr.previous.count == 1)   // D, resolved at 13:00 the day before
    }

    @Test func notesAreTheTimelineEntriesThatSaySo() {
        let at = noon
        #expect(ShiftReport.isNote(TimelineEntry(at: at, text: "note by alice: checking")))
        #expect(ShiftReport.isNote(TimelineEntry(at: at, text: "Note added by Aisha Okafor: rolling back")))
        #expect(!ShiftReport.isNote(TimelineEntry(at: at, text: "Acknowledged by bob.")))
        #expect(!ShiftReport.isNote(TimelineEntry(at: at, text: "Silenced by alice: Acknowledged in Vigil by alice")))
    }

    // MARK: JSON

    @Test func jsonRoundTrip() throws {
        let r = Self.report()
        let data = try ShiftReport.jsonEncoder.encode(r)
        let back = try ShiftReport.jsonDecoder.decode(ShiftReport.self, from: data)
        #expect(back == r)
    }

    /// The documented schema (docs/report-schema.md): these keys are there, with these types,
    /// in every report; a test that fails here means the promise "fields are only added" broke.
    @Test func jsonHasTheDocumentedKeys() throws {
        let data = try ShiftReport.jsonEncoder.encode(Self.report())
        let root = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(Set(root.keys) == ["schemaVersion", "title", "window", "timeZone", "workingHours", "sources",
                                   "openIncidents", "pages", "outages", "mtta", "mttr", "deployments", "builds"])
        #expect(root["schemaVersion"] as? Int == 1)
        let window = try #require(root["window"] as? [String: Any])
        #expect(Set(window.keys) == ["start", "end", "seconds", "label", "previousStart"])
        #expect(window["start"] as? String == "2026-11-25T12:00:00Z")
        #expect(window["end"] as? String == "2026-11-26T12:00:00Z")
        #expect(window["seconds"] as? Double == 86_400)
        let sources = try #require(root["sources"] as? [[String: Any]])
        #expect(Set(sources[0].keys) == ["id", "ok"])
        #expect(Set(sources[1].keys) == ["id", "ok", "problem", "message"])
        let open = try #require(root["openIncidents"] as? [[String: Any]])
        #expect(Set(open[1].keys) == ["id", "source", "severity", "service", "title", "status", "paged", "triggeredAt",
                                      "ageSeconds", "acknowledgedBy", "acknowledgedAt", "notes", "mergedCount",
                                      "vigilActions"])
        #expect(open[1]["acknowledgedAt"] as? String == "2026-11-26T10:05:00Z")
        let note = try #require((open[1]["notes"] as? [[String: Any]])?.first)
        #expect(Set(note.keys) == ["at", "text"])
        let action = try #require((open[1]["vigilActions"] as? [[String: Any]])?.first)
        #expect(Set(action.keys) == ["at", "by", "action"])
        let pages = try #require(root["pages"] as? [String: Any])
        #expect(Set(pages.keys) == ["count", "offHours", "perDay", "days", "byService", "previousCount", "previousOffHours"])
        let outages = try #require(root["outages"] as? [String: Any])
        #expect(Set(outages.keys) == ["count", "minutes", "ongoing", "list", "previousCount", "previousMinutes"])
        let outage = try #require((outages["list"] as? [[String: Any]])?.first)
        #expect(Set(outage.keys) == ["incidentId", "service", "title", "start", "end", "ongoing", "minutes"])
        for key in ["mtta", "mttr"] {
            let f = try #require(root[key] as? [String: Any])
            #expect(Set(f.keys) == ["current", "previous", "changeSeconds"])
            let current = try #require(f["current"] as? [String: Any])
            #expect(Set(current.keys) == ["count", "meanSeconds", "medianSeconds", "p90Seconds"])
        }
        let deployments = try #require(root["deployments"] as? [String: Any])
        #expect(Set(deployments.keys) == ["count", "successful", "failed", "rollbacks", "changeFailureRate", "failures",
                                          "previousCount", "previousFailed", "previousChangeFailureRate"])
        let builds = try #require(root["builds"] as? [String: Any])
        #expect(Set(builds.keys) == ["count", "failed", "successRate", "previousCount", "previousFailed"])
        let hours = try #require(root["workingHours"] as? [String: Any])
        #expect(hours["start"] as? Int == 9 && hours["end"] as? Int == 18)
    }

    @Test func jsonKeysAreSortedAndDatesISO8601() throws {
        let text = try Self.report().json()
        #expect(text.hasPrefix("{\n  \"builds\" : {"))
        #expect(text.contains("\"triggeredAt\" : \"2026-11-26T11:40:00Z\""))
        #expect(text.hasSuffix("}\n"))
    }
}

/// What the store remembers counts: an incident a forgetful source no longer lists, resolved
/// in the window, is in MTTR, MTTA and the outages (as on the dashboard after a restart).
struct ShiftReportHistoryTests {
    @Test func rememberedIncidentsCount() {
        var state = AppState(now: noon, size: Size(width: 120, height: 40), user: "alice", sources: [("am", 30)])
        _ = reduce(&state, .sourceUpdated("am", SourceSnapshot(incidents: [incident("AM-1", triggered: -hour)]), at: noon))
        let before = ShiftReport(state: state, seconds: day, label: "24h")
        #expect(before.mttr.current.count == 0)
        _ = reduce(&state, .historyLoaded([
            incident("AM-0", severity: .critical, triggered: -5 * hour, acked: -5 * hour + 60, resolved: -4 * hour, source: "am"),
            // Open in the store's memory but not listed now: whether it is open is the source's word.
            incident("AM-9", triggered: -3 * hour, source: "am"),
        ]))
        let r = ShiftReport(state: state, seconds: day, label: "24h")
        #expect(r.mttr.current.count == 1)
        #expect(r.mttr.current.meanSeconds == 3_600)
        #expect(r.mtta.current.meanSeconds == 60)
        #expect(r.outages.list.map(\.incidentId) == ["AM-0"])
        #expect(r.outages.minutes == 60)
        #expect(r.openIncidents.map(\.id) == ["AM-1"])
    }
}
