// Vigil's hot paths at issue 5's scale: a frame (state → grid → diff), every dashboard figure
// over a million events, a 10,000-alert Alertmanager answer, and grid diffs. Inputs are built
// deterministically in each benchmark's setup, which is not timed.
//
// Targets from issue 5 (measured here, not enforced): the frame path at 120x40 in at most 1 ms
// with 10,000 incidents and at most 16 ms with 100,000; all metrics over 1,000,000 events in at
// most 100 ms, and incremental after that (a minute later, or after a poll of one source).

import Benchmark
import Foundation
import VigilCore
import VigilRender
import VigilSources
import VigilBenchInputs

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .cpuTotal, .mallocCountTotal, .peakMemoryResident],
        timeUnits: .microseconds,
        warmupIterations: 1,
        maxDuration: .seconds(3),
        maxIterations: 1_000
    )

    // MARK: Render a frame (AppState → CellGrid through the dashboard view)

    for (width, height) in [(80, 24), (120, 40), (300, 80)] {
        Benchmark("Render \(width)x\(height), 10k incidents, 100k deploys") { benchmark, frame in
            for _ in benchmark.scaledIterations {
                blackHole(DashboardView.render(frame.state, frame.context))
            }
        } setup: {
            Inputs.Frame(width: width, height: height, incidents: 10_000)
        }
    }

    Benchmark("Render 120x40, 100k incidents, 100k deploys") { benchmark, frame in
        for _ in benchmark.scaledIterations {
            blackHole(DashboardView.render(frame.state, frame.context))
        }
    } setup: {
        Inputs.Frame(width: 120, height: 40, incidents: 100_000)
    }

    // MARK: The whole frame path, as the event loop runs it (App.swift): render, compare with the
    // last grid, and compute the runs to send. The previous grid is the frame a minute earlier,
    // so clock, ages and sparklines differ as they do on a real minute tick.

    for incidents in [10_000, 100_000] {
        Benchmark("Frame path 120x40 (render + compare + diff), \(incidents / 1_000)k incidents") { benchmark, frame in
            for _ in benchmark.scaledIterations {
                let grid = DashboardView.render(frame.state, frame.context)
                if grid != frame.previous {
                    blackHole(grid.changes(since: frame.previous))
                }
            }
        } setup: {
            Inputs.Frame(width: 120, height: 40, incidents: incidents, withPrevious: true)
        }
    }

    // MARK: Every figure the dashboard computes (DashboardFigures: builds, deploys, DORA tier,
    // outages, pages, MTTR, MTTA, coverage, per-service performance; current and previous window).

    // The figures are kept per revision of the data (`MetricsIndex.of`), so each benchmark
    // prepares its state (untimed) before `startMeasurement`: "cold" starts from nothing (no
    // digest kept, a new revision), "a minute later" is the once-a-minute recompute with the same
    // data, and "one source changed" follows a poll that changed one source of four.

    Benchmark("All metrics (DashboardFigures), 1M events",
              configuration: .init(maxDuration: .seconds(5), maxIterations: 20)) { benchmark, box in
        MetricsIndex.forgetDigests()
        box.state.metricsConfig = box.state.metricsConfig
        benchmark.startMeasurement()
        blackHole(DashboardFigures(box.state))
    } setup: {
        StateBox(Inputs.metricsState(events: 1_000_000))
    }

    Benchmark("metrics, 1M events, a minute later (data unchanged)",
              configuration: .init(maxDuration: .seconds(5), maxIterations: 200)) { benchmark, box in
        box.state.now = box.state.now.addingTimeInterval(60)
        benchmark.startMeasurement()
        blackHole(DashboardFigures(box.state))
    } setup: { () -> StateBox in
        let box = StateBox(Inputs.metricsState(events: 1_000_000))
        blackHole(DashboardFigures(box.state))
        return box
    }

    Benchmark("metrics, 1M events, one source of several changed",
              configuration: .init(maxDuration: .seconds(5), maxIterations: 100)) { benchmark, box in
        box.flip.toggle()
        box.state.sources["bench-0"]?.snapshot = box.flip ? box.changed : box.original
        benchmark.startMeasurement()
        blackHole(DashboardFigures(box.state))
    } setup: { () -> StateBox in
        let box = StateBox(Inputs.metricsState(events: 1_000_000, sources: 4))
        blackHole(DashboardFigures(box.state))
        box.original = box.state.sources["bench-0"]?.snapshot
        box.changed = box.original.map(Inputs.polled)
        return box
    }

    // MARK: Decoding

    Benchmark("Decode Alertmanager GET /api/v2/alerts, 10k alerts") { benchmark, data in
        let decoder = AlertmanagerDecoder()
        for _ in benchmark.scaledIterations {
            blackHole(try? decoder.incidents(from: data, source: "am"))
        }
    } setup: {
        Inputs.alertmanagerAlerts(count: 10_000)
    }

    // MARK: Grid diffs

    Benchmark("Diff 300x80, every cell differs") { benchmark, grids in
        for _ in benchmark.scaledIterations {
            blackHole(grids.new.changes(since: grids.old))
        }
    } setup: {
        (old: Inputs.grid(300, 80, seed: 1), new: Inputs.grid(300, 80, seed: 2))
    }

    Benchmark("Diff 300x80, identical") { benchmark, grids in
        for _ in benchmark.scaledIterations {
            blackHole(grids.new.changes(since: grids.old))
        }
    } setup: {
        // Built twice, so the two grids share no storage.
        (old: Inputs.grid(300, 80, seed: 1), new: Inputs.grid(300, 80, seed: 1))
    }
}

/// A state the metrics benchmarks change between runs (a benchmark's input is passed by value),
/// with the two snapshots of the source a poll changes. Used by one benchmark at a time.
final class StateBox: @unchecked Sendable {
    var state: AppState
    var original: SourceSnapshot?
    var changed: SourceSnapshot?
    var flip = false
    init(_ state: AppState) { self.state = state }
}
