import Foundation
import Testing
import VigilCore
@testable import VigilSources
import VigilTestSupport

// One problem, one row, against the real thing: a real Alertmanager (Debian's 0.25) whose
// PagerDuty receiver sends to the PagerDuty test server's Events API v2 endpoint, which opens
// incidents under the dedup key Alertmanager chose, as PagerDuty does. Vigil polls both and must
// show each alert group and the incident it opened as one row, and nothing else merged.

private func disk(_ cluster: String, _ instance: String) -> [String: String] {
    ["alertname": "DiskFull", "cluster": cluster, "instance": instance, "severity": "critical", "service": "storage"]
}

/// Waits until `condition` holds of the PagerDuty server's incidents.
private func waitFor(_ pd: PagerDutyServer, _ what: String, within seconds: Double = 30,
                     _ condition: ([[String: Any]]) -> Bool) async throws {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
        if condition(try pd.incidents()) { return }
        try await Task.sleep(for: .milliseconds(200))
    }
    Issue.record("timed out waiting for \(what); PagerDuty holds \(try pd.incidents().map { $0["title"] ?? "" })")
    throw CancellationError()
}

private func polled(_ state: inout AppState, _ id: SourceID, _ result: PollResult) {
    _ = reduce(&state, .sourcePolled(id, PollReport(outcome: .updated(result.snapshot, warnings: result.warnings),
                                                     at: Date(), duration: 0.1, consecutiveFailures: 0, nextPollAt: nil)))
}

@Suite(.serialized) struct AlertmanagerPagerDutyMergeTests {
    @Test func eachAlertGroupAndTheIncidentItOpenedAreOneRow() async throws {
        let pd = try await PagerDutyServer.start()
        let am = try await AlertmanagerServer.start(configuration: pd.alertmanagerConfiguration)
        let amSource = AlertmanagerSource(
            settings: { var s = AlertmanagerSettings(id: "am", urls: [am.url], timeout: .seconds(5)); s.acknowledgeWithPage = true; return s }(),
            transport: AsyncHTTPTransport.shared)
        let pdSource = source(pd)

        try am.post([AlertmanagerServer.Alert(labels: disk("c1", "a"), annotations: ["summary": "disk a full"]),
                     AlertmanagerServer.Alert(labels: disk("c1", "b"), annotations: ["summary": "disk b full"]),
                     AlertmanagerServer.Alert(labels: disk("c2", "c"), annotations: ["summary": "disk c full"]),
                     AlertmanagerServer.Alert(labels: ["alertname": "Slow", "severity": "warning", "service": "search"])])
        try await waitFor(pd, "two incidents opened by Alertmanager") { $0.count == 2 }
        // Beside them: one with a key Alertmanager never sent, one without a key.
        try pd.create([["title": "Unrelated, keyed", "key": "0123abcd", "service": "PSVC001"],
                       ["title": "Opened by hand", "service": "PSVC002"]])

        var state = AppState(now: Date(), size: Size(width: 120, height: 40), user: "ben",
                             sources: [("pd", 60), ("am", 60)])
        state.sources["pd"]?.actions = PagerDutyKind.actions
        state.sources["am"]?.actions = AlertmanagerKind.actions
        state.sources["am"]?.acknowledgesWithPage = true
        polled(&state, "pd", try await pdSource.poll(now: Date()))
        polled(&state, "am", try await amSource.poll(now: Date()))

        let rows = state.openIncidents
        #expect(rows.count == 5, "rows: \(rows.map(\.title))")
        func row(_ cluster: String) throws -> Incident {
            try #require(rows.first { row in row.merged.contains { $0.labels.contains(KeyValue("cluster", cluster)) } },
                         "no row merges the alerts of \(cluster): \(rows.map { "\($0.title) \($0.merged.map(\.id))" })")
        }
        let c1 = try row("c1"), c2 = try row("c2")
        #expect(c1.source == "pd" && c1.allSources == ["pd", "am"])
        #expect(Set(c1.merged.compactMap { $0.labels.first { $0.key == "instance" }?.value }) == ["a", "b"])
        #expect(c2.merged.count == 1 && c2.id != c1.id)
        // The alert that did not page, and the incidents Alertmanager did not open, stand alone.
        #expect(rows.contains { $0.source == "am" && $0.title == "Slow" })
        #expect(rows.filter { $0.source == "pd" && $0.merged.isEmpty }.map(\.title).sorted()
                == ["Opened by hand", "Unrelated, keyed"])
        // The row's tag names the other source.
        #expect(state.incident(c1.merged[0].id)?.source == "am")

        // Acknowledge the merged row as a person would: the page at PagerDuty and, asked for,
        // the alerts in Alertmanager, each confirmed by its own source.
        state.selectedIncident = c1.id
        _ = reduce(&state, .key(.char("a")))
        let effects = reduce(&state, .key(.char("y")))
        var sent: [String] = []
        for effect in effects {
            guard case .act(let action, let id, let sourceID, let by) = effect,
                  let target = state.incident(id) else { continue }
            let confirmation = sourceID == "pd"
                ? try await pdSource.perform(action, on: target, by: by, now: Date())
                : try await amSource.perform(action, on: target, by: by, now: Date())
            _ = reduce(&state, .actionConfirmed(incidentID: id, action, confirmation))
            sent.append("\(sourceID)/\(id)")
        }
        #expect(sent.count == 3 && sent.first == "pd/\(c1.id)", "sent: \(sent)")
        polled(&state, "pd", try await pdSource.poll(now: Date()))
        polled(&state, "am", try await amSource.poll(now: Date()))
        let acked = try #require(state.openIncidents.first { $0.id == c1.id })
        #expect(acked.status == .acknowledged && acked.acknowledgedBy == "Ben Lindqvist")
        #expect(acked.merged.allSatisfy { $0.status == .acknowledged }, "\(acked.merged.map(\.status))")
        #expect(state.openIncidents.first { $0.id == c2.id }?.status == .triggered)

        // The c2 disk is cleaned up: Alertmanager resolves its PagerDuty incident, the row leaves.
        try am.post([AlertmanagerServer.Alert(labels: disk("c2", "c"), endsAt: Date().addingTimeInterval(-1))])
        try await waitFor(pd, "Alertmanager to resolve the c2 incident") { incidents in
            incidents.contains { ($0["id"] as? String).map { "PD-\($0)" } == c2.id && $0["status"] as? String == "resolved" }
        }
        polled(&state, "pd", try await pdSource.poll(now: Date()))
        polled(&state, "am", try await amSource.poll(now: Date()))
        #expect(!state.openIncidents.contains { $0.id == c2.id })
        #expect(state.openIncidents.count == 4)

        // Every event Alertmanager sent, and every request Vigil sent, was one PagerDuty allows.
        let events = try pd.events()
        #expect(events.contains { $0["event_action"] as? String == "resolve" })
        try expectNoViolations(pd)
    }

    @Test func checkConfigOnlineSaysWhetherAlertsCanMergeWithPagerDuty() async throws {
        let pd = try await PagerDutyServer.start()
        let paging = try await AlertmanagerServer.start(configuration: pd.alertmanagerConfiguration)
        let quiet = try await AlertmanagerServer.start()
        let context = SourceContext(transport: AsyncHTTPTransport.shared, now: Date())
        let merging = await AlertmanagerKind.check(AlertmanagerSettings(id: "am", urls: [paging.url]), context)
        #expect(merging.passed)
        #expect(merging.findings.contains { $0.hasPrefix("receivers pagerduty page PagerDuty") }, "\(merging.findings)")
        let alone = await AlertmanagerKind.check(AlertmanagerSettings(id: "am", urls: [quiet.url]), context)
        #expect(alone.findings.contains("no receiver pages PagerDuty: its alerts stand on their own"), "\(alone.findings)")
    }
}
