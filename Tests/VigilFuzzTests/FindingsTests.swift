import Foundation
import Testing
import VigilCore
@testable import VigilSources

/// The defects the fuzzer found, each pinned by its smallest input (fuzz/README.md, "Findings").
///
/// A new finding is pinned here with `withKnownIssue` (and a `KnownFinding` case, which keeps the
/// fuzz loops from tripping over it) until it is fixed; then the marker goes and the test stays
/// as a regression test. All seven (F1–F7) are fixed. The traps (F1, F2) run in a child process
/// (an exit test) first, so a regression is reported without taking the test run down with it.
@Suite("Fuzz findings (fixed; regression tests)")
struct FindingsTests {
    /// 2026-11-26T14:37:00Z, and one hour before.
    static let t1 = 1_764_167_820.0, t0 = 1_764_164_220.0

    /// F1: a counter sample at 1e19 s (well-formed JSON, a plausible corrupt or hostile answer).
    static let counterTimeBody = Data(#"""
        {"status":"success","data":{"resultType":"matrix","result":[
        {"metric":{"service":"api","status":"success"},"values":[[1764164220,"1"],[1e19,"2"]]}]}}
        """#.utf8)

    /// F2: one series rises by 150,000, another by 2^63 - 1024: the event count overflows.
    static let counterOverflowBody = Data(#"""
        {"status":"success","data":{"resultType":"matrix","result":[
        {"metric":{"service":"a","status":"success"},"values":[[1764164220,"0"],[1764167820,"150000"]]},
        {"metric":{"service":"b","status":"success"},"values":[[1764164220,"0"],[1764167820,"9223372036854774784"]]}]}}
        """#.utf8)

    /// Polls a deployments-only Prometheus source whose every answer is `body`.
    static func pollDeployments(_ body: Data) async -> String {
        let settings = PrometheusSettings(
            id: "prom", url: URL(string: "http://prom.invalid:9090/") ?? URL(fileURLWithPath: "/"),
            queries: [PrometheusQuery(feed: .deployments, promql: "deployments_total")], lookback: .seconds(86_400))
        let source = PrometheusSource(settings: settings, transport: CannedTransport(body: body), step: .seconds(3_600))
        do {
            let snapshot = try await source.poll(now: Date(timeIntervalSince1970: t1)).snapshot
            return "\(snapshot.deployments?.count ?? 0) deployments"
        } catch {
            return "\(error)"
        }
    }

    @Test("F1 (fixed): a counter sample time beyond ±9.2e18 s is an error, not a crash")
    func counterTimeTrap() async {
        // Was: `Int64(grid.boundary(after: time))` in PrometheusSource.rises trapped.
        let result = await #expect(processExitsWith: .success) {
            _ = await FindingsTests.pollDeployments(FindingsTests.counterTimeBody)
        }
        guard result?.exitStatus == .exitCode(0) else { return }
        let outcome = await Self.pollDeployments(Self.counterTimeBody)
        #expect(outcome.contains("out of range"), "\(outcome)")
    }

    @Test("F2 (fixed): counter rises that add up past Int.max are an error, not a crash")
    func counterOverflowTrap() async {
        // Was: `events += count` in PrometheusSource.rises overflowed before the limit check.
        let result = await #expect(processExitsWith: .success) {
            _ = await FindingsTests.pollDeployments(FindingsTests.counterOverflowBody)
        }
        guard result?.exitStatus == .exitCode(0) else { return }
        let outcome = await Self.pollDeployments(Self.counterOverflowBody)
        #expect(outcome.contains("more than 200000 events"), "\(outcome)")
    }

    @Test("F8 (fixed): a CloudWatch alarm whose state changed at 1e300 s is an alarm of now, not a trap")
    func cloudWatchTimeOutOfRange() throws {
        let page = try CloudWatchDecoder.page(Data(#"{"MetricAlarms":[{"AlarmName":"a-1","StateValue":"ALARM","StateUpdatedTimestamp":1e300}]}"#.utf8))
        let rules = CloudWatchDecoder.Rules(namePattern: nil, settings: CloudWatchSettings(id: "cw", regions: ["us-east-1"]))
        let now = Date(timeIntervalSince1970: Self.t1)
        let incident = try #require(CloudWatchDecoder.incident(page.MetricAlarms![0], region: "us-east-1", tags: [:],
                                                               source: "cw", rules: rules, now: now))
        #expect(incident.triggeredAt == now)
    }

    @Test("just inside the limits, the counter mapper answers")
    func counterNearLimits() async {
        let body = Data(#"""
            {"status":"success","data":{"resultType":"matrix","result":[
            {"metric":{"service":"c","status":"success"},"values":[[-9.1e18,"0"],[9.1e18,"1"]]},
            {"metric":{"service":"a","status":"success"},"values":[[1764164220,"0"],[1764167820,"3"]]},
            {"metric":{"service":"b","status":"success"},"values":[[1764164220,"0"],[1764167820,"9e17"]]}]}}
            """#.utf8)
        let outcome = await Self.pollDeployments(body)
        #expect(outcome.contains("more than 200000 events"), "\(outcome)")
    }

    @Test("F3 (fixed): an empty id is refused with a message, not turned into an incident \"PD-\" / \"AM-\"")
    func emptyIDs() throws {
        var messages: [String] = []
        do {
            _ = try PagerDutyDecoder.incidents(
                from: Data(#"{"incidents":[{"id":"","created_at":"2026-11-26T14:00:00Z"}]}"#.utf8), source: "pd")
        } catch { messages.append(error.message) }
        do {
            _ = try AlertmanagerDecoder().incidents(
                from: Data(#"[{"fingerprint":"","startsAt":"2026-11-26T14:00:00Z"}]"#.utf8), source: "am")
        } catch { messages.append(error.message) }
        do {
            _ = try AlertmanagerDecoder.silences(
                from: Data(#"[{"id":"","startsAt":"2026-11-26T14:00:00Z","endsAt":"2026-11-26T15:00:00Z"}]"#.utf8))
        } catch { messages.append(error.message) }
        #expect(messages == [
            "PagerDuty incidents: incident 1 of 1 has an empty id; the answer does not follow the PagerDuty REST API v2",
            "Alertmanager alerts: alert 1 of 1 has an empty fingerprint; the answer does not follow the Alertmanager v2 API",
            "Alertmanager silences: silence 1 of 1 has an empty id; the answer does not follow the Alertmanager v2 API",
        ])
        // A log entry naming an empty incident id names no incident: it is left out.
        let entries = try PagerDutyDecoder.logEntries(from: Data(#"""
            {"log_entries":[{"id":"L1","type":"trigger_log_entry","created_at":"2026-11-26T14:00:00Z","incident":{"id":""}}]}
            """#.utf8))
        #expect(entries.isEmpty)
    }

    @Test("F4 (fixed): no negative durations: acknowledged/resolved before triggered, silences ending before they start")
    func negativeDurations() throws {
        let incidents = try PagerDutyDecoder.incidents(from: Data(#"""
            {"incidents":[{"id":"Q1","created_at":"2026-11-26T14:00:00Z","status":"resolved",
            "resolved_at":"2026-11-26T13:00:00Z","acknowledgements":[{"at":"2026-11-26T12:00:00Z"}]}]}
            """#.utf8), source: "pd")
        let silences = try AlertmanagerDecoder.silences(
            from: Data(#"[{"id":"s","startsAt":"2026-11-26T15:00:00Z","endsAt":"2026-11-26T14:00:00Z"}]"#.utf8))
        let incident = try #require(incidents.first)
        // Times out of order are taken as "at the same moment": zero, never negative.
        #expect(incident.acknowledgedAt == incident.triggeredAt)
        #expect(incident.resolvedAt == incident.triggeredAt)
        #expect(silences.allSatisfy { $0.endsAt == $0.startsAt })
    }

    @Test("F5 (fixed): an error message quotes a bad value in bounded length")
    func longErrorMessages() {
        let long = String(repeating: "9", count: 1 << 20)
        let date = Data(#"[{"fingerprint":"f","startsAt":"\#(long)"}]"#.utf8)
        let value = Data(#"{"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[1,"\#(long)x"]}]}}"#.utf8)
        var messages: [String] = []
        do { _ = try AlertmanagerDecoder.alerts(from: date) } catch { messages.append(error.message) }
        do { _ = try PrometheusDecoder.series(from: value, kind: .coverage) } catch { messages.append(error.message) }
        #expect(messages.count == 2)
        for message in messages {
            #expect(message.count <= SourceError.longestMessage, "\(message.count) characters")
            #expect(message.hasSuffix("…"))
        }
    }
}
