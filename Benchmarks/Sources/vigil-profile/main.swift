// The benchmarks' workloads as a plain executable, for a profiler: the inputs are built first,
// then the workload runs N times. Instruction counts are repeatable on a shared machine; each
// timed run is one call of `vigil_profile_workload` (below), so callgrind counts it and nothing
// else (not the inputs, not the untimed `prepare`, not the clock), one dump per run:
//   valgrind --tool=callgrind --toggle-collect=vigil_profile_workload \
//       --dump-after=vigil_profile_workload .build/release/vigil-profile frame 10000 3
// (scripts/instructions does this for the frame, poll and metrics workloads).
// Usage: vigil-profile frame|poll|metrics|decode|runs|prometheus [size] [iterations]
// `frame` times the frame path with unchanged data (a key press, a tick); `poll` what the
// terminal thread does after a poll changed the data, then the figures computed beside it.
// `metrics` times three cases: every figure from scratch (no digest kept, a new revision), the
// same a minute later with unchanged data, and after a poll that changed one source of four.

import Foundation
import VigilBenchInputs
import VigilCore
import VigilRender
import VigilSources

let arguments = CommandLine.arguments
let workload = arguments.count > 1 ? arguments[1] : "frame"
let size = arguments.count > 2 ? Int(arguments[2]) : nil
let iterations = arguments.count > 3 ? Int(arguments[3]) ?? 1 : 1

/// Runs one timed body: a plain symbol for callgrind's --toggle-collect and --dump-after.
/// `@inline(never)` and `@_optimize(none)` keep it a call of its own (optimised, it would be
/// inlined, specialised for the closure or merged with a twin); the bodies are optimised as usual.
@inline(never) @_optimize(none) @_silgen_name("vigil_profile_workload")
func workloadRun(_ body: () -> Void) { body() }

func time(_ label: String, _ body: () -> Void) {
    let clock = ContinuousClock()
    var runs: [Duration] = []
    for _ in 0..<iterations { runs.append(clock.measure { workloadRun(body) }) }
    let shown = runs.map { String(format: "%.3f ms", Double($0.components.attoseconds) / 1e15 + Double($0.components.seconds) * 1e3) }
    print("\(label): \(shown.joined(separator: ", "))")
}

/// Like `time`, with `prepare` run (untimed) before each timed `body`.
func time(_ label: String, prepare: () -> Void, _ body: () -> Void) {
    let clock = ContinuousClock()
    var runs: [Duration] = []
    for _ in 0..<iterations {
        prepare()
        runs.append(clock.measure { workloadRun(body) })
    }
    let shown = runs.map { String(format: "%.3f ms", Double($0.components.attoseconds) / 1e15 + Double($0.components.seconds) * 1e3) }
    print("\(label): \(shown.joined(separator: ", "))")
}

switch workload {
case "frame":
    let frame = Inputs.Frame(width: 120, height: 40, incidents: size ?? 10_000, withPrevious: true)
    time("frame path 120x40, \(size ?? 10_000) incidents") {
        let grid = DashboardView.render(frame.state, frame.context)
        if grid != frame.previous { _ = grid.changes(since: frame.previous) }
    }
case "poll":
    // A poll changed the data (one incident resolved, a deployment and a CI run more). First what
    // the terminal thread then does (RuntimeLoop with `workBeside`, as the app runs it): the
    // reducer, and the frame drawn with the figures of before, compared and diffed. Then what is
    // done beside it: the figures of the new data (the frame that shows them costs a `frame`).
    let incidents = size ?? 10_000
    let frame = Inputs.Frame(width: 120, height: 40, incidents: incidents, withPrevious: true)
    var state = frame.state
    let original = state.sources["bench"]?.snapshot ?? SourceSnapshot()
    let changed = Inputs.polled(original)
    let before = DashboardFigures.of(state)
    var flip = false
    time("frame path 120x40 after a poll (reducer, figures of before), \(incidents) incidents") {
        flip.toggle()
        _ = reduce(&state, .polled("bench", flip ? changed : original, at: state.now))
        let grid = DashboardView.render(state, frame.context, figures: before)
        if grid != frame.previous { _ = grid.changes(since: frame.previous) }
    }
    time("figures after a poll (beside the terminal thread), \(incidents) incidents", prepare: {
        flip.toggle()
        _ = reduce(&state, .polled("bench", flip ? changed : original, at: state.now))
    }) { _ = DashboardFigures.of(state) }
case "runs":
    // The demo's CI runs file through the GitHub Actions decoder: the first run is cold (as at
    // start-up: type metadata and conformances looked up for the first time), the rest warm.
    let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("sample-data/github-actions-runs.json")
    let data = (try? Data(contentsOf: url)) ?? Data()
    time("GitHub Actions runs, \(data.count) bytes") { _ = try? GitHubActionsDecoder().decode(data) }
case "prometheus":
    // The demo's four Prometheus files through the decoder, as at start-up: cold first, then warm.
    let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("sample-data")
    let files: [(Data, SeriesKind)] = [("coverage", SeriesKind.coverage), ("latency-p50", .latencyP50),
                                       ("latency-p99", .latencyP99), ("error-rate", .errorRate)].map { name, kind in
        ((try? Data(contentsOf: directory.appendingPathComponent("prometheus-\(name).json"))) ?? Data(), kind)
    }
    time("Prometheus sample-data series, \(files.map(\.0.count).reduce(0, +)) bytes") {
        for (data, kind) in files { _ = try? PrometheusDecoder.series(from: data, kind: kind) }
    }
case "metrics":
    let events = size ?? 1_000_000
    var state = Inputs.metricsState(events: events)
    time("DashboardFigures, \(events) events, cold", prepare: {
        MetricsIndex.forgetDigests()
        state.metricsConfig = state.metricsConfig   // a new revision: nothing memoised
    }) { _ = DashboardFigures(state) }
    time("DashboardFigures, \(events) events, a minute later (data unchanged)", prepare: {
        state.now = state.now.addingTimeInterval(60)
    }) { _ = DashboardFigures(state) }
    var several = Inputs.metricsState(events: events, sources: 4)
    _ = DashboardFigures(several)
    let original = several.sources["bench-0"]?.snapshot ?? SourceSnapshot()
    let changed = Inputs.polled(original)
    var flip = false
    time("DashboardFigures, \(events) events in 4 sources, one source changed", prepare: {
        flip.toggle()
        several.sources["bench-0"]?.snapshot = flip ? changed : original
    }) { _ = DashboardFigures(several) }
case "decode":
    let data = Inputs.alertmanagerAlerts(count: size ?? 10_000)
    time("Alertmanager decode, \(size ?? 10_000) alerts") { _ = try? AlertmanagerDecoder().incidents(from: data, source: "am") }
default:
    print("usage: vigil-profile frame|poll|metrics|decode|runs|prometheus [size] [iterations]")
    exit(2)
}
