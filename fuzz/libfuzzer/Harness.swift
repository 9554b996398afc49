// libFuzzer entry point for Vigil's decoders (fuzz/README.md, "libFuzzer").
//
// Built by fuzz/libfuzzer/run.sh together with VigilCore and the decoder sources of VigilSources
// into one module (`swiftc -sanitize=fuzzer`), so it reaches internal API directly. The target
// is chosen with VIGIL_FUZZ_TARGET (a corpus directory name). Any trap is a crash libFuzzer
// reports and saves; a decoder may only return or throw SourceError, which typed throws
// guarantee at compile time.
import Foundation

private enum HarnessTarget: String {
    case pagerDutyIncidents = "pagerduty-incidents"
    case pagerDutyLogEntries = "pagerduty-log-entries"
    case pagerDutyOnCalls = "pagerduty-oncalls"
    case alertmanagerAlerts = "alertmanager-alerts"
    case alertmanagerSilences = "alertmanager-silences"
    case gitHubActionsRuns = "github-actions-runs"
    case jenkins = "jenkins"
    case prometheus = "prometheus"
}

private let target: HarnessTarget = {
    let name = ProcessInfo.processInfo.environment["VIGIL_FUZZ_TARGET"] ?? "prometheus"
    guard let target = HarnessTarget(rawValue: name) else {
        fatalError("VIGIL_FUZZ_TARGET: unknown target '\(name)'")
    }
    return target
}()

/// A fixed grid for the counter mapper: hourly steps over 30 days ending 2026-11-26T14:37:00Z.
private let grid = PrometheusSource.Grid(now: Date(timeIntervalSince1970: 1_764_167_820),
                                         lookback: .seconds(30 * 86_400), step: .seconds(3_600))

private func check(_ condition: Bool, _ message: @autoclosure () -> String) {
    // A failed sanity check is a crash for libFuzzer: it saves the input.
    if !condition { fatalError("sanity check failed: \(message())") }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func vigilFuzzOneInput(_ start: UnsafeRawPointer?, _ count: Int) -> CInt {
    let data = start.map { Data(bytes: $0, count: count) } ?? Data()
    switch target {
    case .pagerDutyIncidents:
        if let incidents = try? PagerDutyDecoder.incidents(from: data, source: "pd") {
            for incident in incidents { check(!incident.id.isEmpty, "empty incident id") }
            _ = PagerDutyDecoder.merging([], into: incidents)
        }
    case .pagerDutyLogEntries:
        if let entries = try? PagerDutyDecoder.logEntries(from: data) {
            _ = PagerDutyDecoder.timelines(entries)
        }
    case .pagerDutyOnCalls:
        if let page = try? PagerDutyDecoder.onCallPage(from: data) {
            for (_, shift) in page.shifts {
                check(shift.start.flatMap { start in shift.end.map { start <= $0 } } ?? true, "shift ends before it starts")
            }
        }
        _ = try? PagerDutyDecoder.references(from: data, list: "users")
        _ = try? PagerDutyDecoder.note(from: data)
        _ = PagerDutyDecoder.errorMessage(from: data)
    case .alertmanagerAlerts:
        _ = try? AlertmanagerDecoder().incidents(from: data, source: "am")
    case .alertmanagerSilences:
        _ = try? AlertmanagerDecoder.silences(from: data)
        _ = try? AlertmanagerDecoder.silence(from: data)
    case .gitHubActionsRuns:
        if let runs = try? GitHubActionsDecoder().decode(data) {
            for build in runs.builds { check(build.finishedAt.map { $0 >= build.startedAt } ?? true, "negative build") }
        }
    case .jenkins:
        if let item = try? JenkinsDecoder.item(data),
           let rules = try? JenkinsDecoder.Rules(JenkinsSettings(id: "ci", url: URL(string: "http://127.0.0.1")!, user: "u",
                                                                 token: Secret(value: "t", origin: "test"))) {
            var runs: [BuildRun] = [], deployments: [Deployment] = []
            for job in [item] + (item.jobs ?? []) {
                JenkinsDecoder.classify(job.builds ?? [], job: job.name ?? "job", rules: rules, since: .distantPast,
                                        into: &runs, &deployments)
            }
            for build in runs { check(build.finishedAt.map { $0 >= build.startedAt } ?? true, "negative build") }
        }
    case .prometheus:
        _ = try? PrometheusDecoder.series(from: data, kind: .coverage, keepNonFinite: true)
        _ = PrometheusDecoder.errorText(from: data)
        if let series = try? PrometheusDecoder.labelledSeries(from: data) {
            // The counter mapper (deployments and CI runs from counters).
            if let rises = try? PrometheusSource.rises(of: series, keep: { $0 }, grid: grid) {
                check(rises.reduce(0) { $0 + $1.count } <= PrometheusSource.maximumEvents, "too many events")
            }
        }
    }
    return 0
}
