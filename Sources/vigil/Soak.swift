import ArgumentParser
import CVigilSignal
import Foundation
import VigilCore
import VigilRender
import VigilSources
import VigilRuntime
import VigilStore
import VigilTerminal

/// `vigil soak`: days of running in minutes. The demo source is polled on a simulated clock,
/// every answer goes through the reducer, every frame is rendered, diffed and drawn into a
/// headless ncurses screen, incidents are acknowledged now and then, keys are pressed; resident
/// memory and CPU time are sampled at intervals and printed as CSV, so a trend shows. Used by
/// the soak test (Tests/EndToEndTests/SoakTests.swift); not shown in `vigil --help`.
struct Soak: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "soak",
        abstract: "Simulate days of polls and frames on an accelerated clock and print memory samples (CSV).",
        shouldDisplay: false)

    @Option(help: "Simulated days.")
    var days: Double = 7

    @Option(name: .customLong("warmup-days"), help: ArgumentHelp(
        "Simulated days run first, polling every 6 hours without drawing, so the demo's data reaches its steady volume "
            + "(it keeps 31 days) before memory is measured."))
    var warmupDays: Double = 32

    @Option(help: "Simulated seconds between polls.")
    var poll: Double = 60

    @Option(help: "Number of memory samples.")
    var samples: Int = 56

    @Option(help: "Screen width.")
    var width: Int = 120

    @Option(help: "Screen height.")
    var height: Int = 40

    @Flag(help: "Run as a wall monitor (rotating pages, repaints).")
    var wall = false

    @Option(help: ArgumentHelp("Leave out a stage to find what grows: render (and draw), or draw.", valueName: "STAGE"))
    var skip: String?

    @Option(name: .customLong("data"), help: ArgumentHelp("Directory of the demo data.", valueName: "DIR"))
    var dataDirectory: String?

    func validate() throws {
        guard days > 0, days <= 90, warmupDays >= 0, warmupDays <= 90, poll >= 1, samples >= 2, width > 0, height > 0 else {
            throw ValidationError("need 0 < --days <= 90, 0 <= --warmup-days <= 90, --poll >= 1, --samples >= 2 "
                + "and a positive size")
        }
    }

    func run() throws {
        vigil_tune_heap()   // the allocator settings `vigil run` has
        let origin = Date()
        guard let directory = DemoSource.locateSampleData(explicit: dataDirectory) else {
            throw ValidationError("cannot find the demo data: pass --data DIR (the repository's sample-data)")
        }
        let demo = try DemoSource(directory: directory, startedAt: origin, ackLatencyMilliseconds: 0...0)
        let start = origin.addingTimeInterval(warmupDays * 86_400)
        var state = AppState(now: start, size: Size(width: width, height: height), user: "soak",
                             themeNames: ["default"], title: "soak")
        state.register([DemoKind.configured(demo)])
        state.metricsConfig.timeZone = demo.scenarioTimeZone
        if wall { state.makeWall(WallSettings(rotateEvery: 20, bell: true, repaintEvery: 300)) }
        let term = try NcursesTerminal(headless: Size(width: width, height: height))
        let theme = LoadedTheme(name: "default", forDepth: { _ in Theme.builtinDefault.mapped(to: .indexed256) })
        // The app's own loop, on a simulated clock, into a headless terminal.
        let clock = SimulatedClock(start)
        let loop = RuntimeLoop(state: state, themes: [theme], terminal: term, sources: [demo.id: demo],
                               store: try VigilStore.volatile(), inbox: Inbox(wakeup: nil), noColor: false,
                               forceASCII: false, now: { clock.now })
        let steps = Int(days * 86_400 / poll)
        let sampleEvery = max(1, steps / (samples - 1))
        func polled(at now: Date, next: TimeInterval) throws {
            let result = try Self.wait { try await demo.poll(now: now) }
            loop.handle([.sourcePolled(demo.id, PollReport(
                outcome: .updated(result.snapshot, warnings: result.warnings), at: now, duration: 0.05,
                consecutiveFailures: 0, nextPollAt: now.addingTimeInterval(next)))])
        }
        // Warm-up: the data grows to its steady volume; nothing is measured or drawn.
        for hour in stride(from: 0.0, to: warmupDays * 24, by: 6) {
            try polled(at: origin.addingTimeInterval(hour * 3_600), next: 6 * 3_600)
        }
        var nextTrim = 0.0
        print("step,simulated_hours,rss_kb,cpu_seconds,open_incidents,all_incidents,acks,heap_kb")
        for step in 0...steps {
            let now = start.addingTimeInterval(Double(step) * poll)
            clock.now = now
            try polled(at: now, next: poll)
            // A few ticks between polls, as the clock and ages move.
            for tick in stride(from: 0.0, to: poll, by: max(poll / 3, 1)) {
                loop.handle([.tick(now.addingTimeInterval(tick))])
            }
            // Every six simulated hours someone acknowledges the top incident, and looks around.
            if step % max(1, Int(21_600 / poll)) == 0, !wall,
               let target = loop.state.openIncidents.first(where: { $0.status == .triggered }) {
                if let confirmation = try? Self.wait({ try await demo.perform(.acknowledge, on: target, by: "soak", now: now) }) {
                    loop.handle([.actionConfirmed(incidentID: target.id, .acknowledge, confirmation)])
                }
                loop.handle([Key.char("w"), .tab, .char("j"), .enter, .escape, .char("w"), .char("w")].map { .key($0) })
            }
            if skip != "render" { loop.drawFrame(draw: skip == nil) }
            // Freed memory handed back every 10 simulated minutes (the app does it every minute).
            if Double(step) * poll >= nextTrim {
                vigil_trim_heap()
                nextTrim += 600
            }
            if step % sampleEvery == 0 || step == steps {
                let usage = Self.usage()
                print("\(step),\(String(format: "%.1f", Double(step) * poll / 3_600)),\(usage.rssKB),"
                      + "\(String(format: "%.2f", usage.cpuSeconds)),\(loop.state.openIncidents.count),"
                      + "\(loop.state.incidents.count),\(loop.state.actions.count),\(usage.heapKB)")
            }
        }
        term.restore()
    }

    /// The soak's clock: moved by the run, read by the loop.
    final class SimulatedClock: @unchecked Sendable {
        var now: Date
        init(_ now: Date) { self.now = now }
    }

    /// Runs an async call to completion from synchronous code.
    static func wait<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) throws -> T {
        let box = ResultBox<T>()
        let done = DispatchSemaphore(value: 0)
        Task.detached {
            do { box.result = .success(try await body()) } catch { box.result = .failure(error) }
            done.signal()
        }
        done.wait()
        return try box.result!.get()
    }

    final class ResultBox<T>: @unchecked Sendable { var result: Result<T, any Error>? }

    /// Resident memory (VmRSS), bytes allocated and in use (malloc's own count: what a leak
    /// grows, whatever the allocator keeps cached) and CPU time of this process.
    static func usage() -> (rssKB: Int, cpuSeconds: Double, heapKB: Int) {
        let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
        let rss = status.split(separator: "\n").first { $0.hasPrefix("VmRSS:") }
            .flatMap { Int($0.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "") } ?? 0
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        let cpu = Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec)
            + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
        return (rss, cpu, Int(vigil_heap_in_use() / 1_024))
    }
}
