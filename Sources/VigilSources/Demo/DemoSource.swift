import Foundation
import VigilCore

/// The demo scenario's description (`sample-data/scenario.json`).
public struct DemoScenario: Sendable, Hashable, Decodable {
    /// A short name.
    public var name: String
    /// What happens in it.
    public var description: String
    /// The instant the recorded data ends; the demo moves it to the moment it starts.
    public var endsAt: Date
    /// The services it covers.
    public var services: [String]
    /// The user name the demo suggests for acknowledging.
    public var user: String
}

/// A source that replays the bundled 30-day scenario (`sample-data/`) through the real decoders,
/// shifted so that it ends the moment the demo starts, and then keeps it alive: as time passes it
/// deterministically generates CI runs, deployments and pages, lets teammates acknowledge and
/// resolve open incidents, and extends the metric series. What it generates is a pure function of
/// the time elapsed since `startedAt` (plus the acknowledgements made through it).
public actor DemoSource: Source {
    /// Always "demo".
    public nonisolated let id: SourceID = "demo"
    /// How often the runner polls it (`interval`).
    public nonisolated let pollInterval: Duration = DemoSource.interval
    /// How often the demo is polled.
    public static let interval: Duration = .seconds(5)
    /// The scenario as loaded (its `endsAt` as recorded, before the shift).
    public nonisolated let scenario: DemoScenario
    /// The instant the scenario's end was moved to.
    public nonisolated let startedAt: Date
    /// The directory the data was loaded from.
    public nonisolated let directory: URL

    private let ackLatency: ClosedRange<Int>
    private var world: DemoWorld

    /// Loads every file of `directory` with the real decoders and moves all times by
    /// `startedAt - scenario.endsAt`.
    /// - Parameter ackLatencyMilliseconds: how long an acknowledgement takes to be confirmed.
    /// - Throws: `SourceError` naming the file that is missing or malformed.
    /// The scenario's own time zone: the fixed offset that keeps every shifted event at the hour
    /// of day it had in the recorded scenario (weekdays may move). Off-hours pages are judged in it, so
    /// the demo tells the same story whatever time it is started.
    public nonisolated var scenarioTimeZone: TimeZone {
        var offset = startedAt.timeIntervalSince(scenario.endsAt).truncatingRemainder(dividingBy: 86_400)
        if offset < 0 { offset += 86_400 }
        // Rounded to whole minutes; kept within ±12 h of UTC.
        var seconds = -Int((offset / 60).rounded()) * 60
        if seconds <= -43_200 { seconds += 86_400 }
        return TimeZone(secondsFromGMT: seconds) ?? .gmt
    }

    public init(directory: URL, startedAt: Date, ackLatencyMilliseconds: ClosedRange<Int> = 200...400) throws {
        let scenarioData = try Self.read("scenario.json", in: directory)
        // The CI runs are half of the data and the longest decoding (start-up time): started
        // first, on another core, while this thread decodes the rest.
        let runsData = try Self.read("github-actions-runs.json", in: directory)
        let runsResult = Background { try GitHubActionsDecoder().decode(runsData) }
        let scenario = try SourceJSON.decode(DemoScenario.self, from: scenarioData, what: "scenario.json")
        let offset = startedAt.timeIntervalSince(scenario.endsAt)
        let source: SourceID = "demo"

        let pdIncidents = try PagerDutyDecoder.incidents(
            from: try Self.read("pagerduty-incidents.json", in: directory), source: source)
        let logEntries = try PagerDutyDecoder.logEntries(from: try Self.read("pagerduty-log-entries.json", in: directory))
        let incidents = PagerDutyDecoder.merging(logEntries, into: pdIncidents)

        let silencesURL = directory.appendingPathComponent("alertmanager-silences.json")
        let silences = FileManager.default.fileExists(atPath: silencesURL.path)
            ? try AlertmanagerDecoder.silences(from: try Self.read("alertmanager-silences.json", in: directory)) : []
        let alerts = try AlertmanagerDecoder().incidents(
            from: try Self.read("alertmanager-alerts.json", in: directory), source: source, silences: silences)


        var series: [MetricSeries] = []
        for (file, kind) in [("prometheus-coverage.json", SeriesKind.coverage),
                             ("prometheus-latency-p50.json", .latencyP50),
                             ("prometheus-latency-p99.json", .latencyP99),
                             ("prometheus-error-rate.json", .errorRate)] {
            series += try PrometheusDecoder.series(from: try Self.read(file, in: directory), kind: kind)
        }

        let runs = try runsResult.value()

        self.scenario = scenario
        self.startedAt = startedAt
        self.directory = directory
        self.ackLatency = ackLatencyMilliseconds
        self.world = DemoWorld(
            source: source, startedAt: startedAt, services: scenario.services, user: scenario.user,
            incidents: incidents.map { $0.shifted(by: offset) }, alerts: alerts.map { $0.shifted(by: offset) },
            builds: runs.builds.map { $0.shifted(by: offset) }, deployments: runs.deployments.map { $0.shifted(by: offset) },
            series: series.map { $0.shifted(by: offset) })
    }

    /// Everything the demo shows as of `now`: history plus what was generated since the start.
    public func poll(now: Date) async throws -> PollResult {
        world.advance(to: now)
        return PollResult(world.snapshot(at: now))
    }

    /// Acknowledges (see `acknowledge(_:by:now:)`); other actions come to the demo with the
    /// sources that bring them.
    public func perform(_ action: IncidentAction, on incident: Incident, by user: String, now: Date) async throws
        -> ActionConfirmation {
        guard DemoKind.actions.contains(action.kind) else { throw unsupported(action) }
        if action == .acknowledge { return try await acknowledge(incident, by: user, now: now) }
        try await pause(incident, user)
        world.advance(to: now)
        return try world.perform(action, id: incident.id, by: user, at: now)
    }

    /// Extends or expires one of the demo's silences (`DemoWorld.changeSilence`).
    public func changeSilence(_ change: SilenceChange, id: String, by user: String, now: Date) async throws -> SilenceInfo {
        world.advance(to: now)
        return try world.changeSilence(change, id: id, at: now)
    }

    /// A short, realistic delay before the demo answers.
    private func pause(_ incident: Incident, _ user: String) async throws {
        let span = UInt64(ackLatency.count)
        let latency = ackLatency.lowerBound + Int(stableHash(incident.id + user) % max(span, 1))
        if latency > 0 { try await Task.sleep(for: .milliseconds(latency)) }
    }

    /// Acknowledges after a short, realistic delay. Refuses unknown, resolved and already
    /// acknowledged incidents with a `SourceError` saying so; otherwise the next poll shows the
    /// incident acknowledged by `user` at `now`.
    public func acknowledge(_ incident: Incident, by user: String, now: Date) async throws -> ActionConfirmation {
        try await pause(incident, user)
        world.advance(to: now)
        return try world.acknowledge(id: incident.id, by: user, at: now)
    }

    /// Starts `init(directory:startedAt:)` on another thread at once, so the caller can do the
    /// rest of its start-up meanwhile; `Loading.value()` waits for it. The data is most of the
    /// demo's start-up time.
    public static func startLoading(directory: URL, startedAt: Date) -> Loading {
        Loading(Background { try DemoSource(directory: directory, startedAt: startedAt) })
    }

    /// A `DemoSource` being loaded on another thread (`startLoading(directory:startedAt:)`).
    public struct Loading: Sendable {
        private let work: Background<DemoSource>

        fileprivate init(_ work: Background<DemoSource>) { self.work = work }

        /// Waits for the source; throws what `init(directory:startedAt:)` threw.
        public func value() throws -> DemoSource { try work.value() }
    }

    /// Finds the sample-data directory: `explicit` when given (nil if it holds no `scenario.json`),
    /// else `$VIGIL_SAMPLE_DATA`, else `./sample-data`, else a `sample-data` next to the executable
    /// or one of its parent directories, else the one in the source tree this file was built from.
    public static func locateSampleData(explicit: String?) -> URL? {
        let fileManager = FileManager.default
        func valid(_ url: URL) -> URL? {
            fileManager.fileExists(atPath: url.appendingPathComponent("scenario.json").path) ? url.standardizedFileURL : nil
        }
        if let explicit, !explicit.isEmpty {
            return valid(URL(fileURLWithPath: explicit))
        }
        if let fromEnvironment = ProcessInfo.processInfo.environment["VIGIL_SAMPLE_DATA"], !fromEnvironment.isEmpty,
           let url = valid(URL(fileURLWithPath: fromEnvironment)) {
            return url
        }
        let cwd = URL(fileURLWithPath: fileManager.currentDirectoryPath)
        if let url = valid(cwd.appendingPathComponent("sample-data")) { return url }

        var executables: [URL] = []
        if let exe = try? fileManager.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            executables.append(URL(fileURLWithPath: exe))
        }
        if let first = ProcessInfo.processInfo.arguments.first, first.contains("/") {
            let url = first.hasPrefix("/") ? URL(fileURLWithPath: first) : cwd.appendingPathComponent(first)
            executables.append(url.resolvingSymlinksInPath())
        }
        for exe in executables {
            var dir = exe.deletingLastPathComponent().standardizedFileURL
            while true {
                if let url = valid(dir.appendingPathComponent("sample-data")) { return url }
                let parent = dir.deletingLastPathComponent()
                if parent.path == dir.path { break }
                dir = parent
            }
        }
        // Sources/VigilSources/Demo/DemoSource.swift → ../../../sample-data
        let here = URL(fileURLWithPath: #filePath)
        return valid(here.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("sample-data"))
    }

    private static func read(_ name: String, in directory: URL) throws -> Data {
        let url = directory.appendingPathComponent(name)
        do {
            return try Data(contentsOf: url)
        } catch {
            throw SourceError(.malformed, "demo data: cannot read \(url.path): \(error.localizedDescription)")
        }
    }
}

extension Incident {
    /// The same incident with every time moved by `offset` seconds.
    func shifted(by offset: TimeInterval) -> Incident {
        var copy = self
        copy.triggeredAt += offset
        copy.acknowledgedAt = acknowledgedAt.map { $0 + offset }
        copy.resolvedAt = resolvedAt.map { $0 + offset }
        copy.timeline = timeline.map { TimelineEntry(at: $0.at + offset, text: $0.text) }
        return copy
    }
}

extension BuildRun {
    /// The same run with every time moved by `offset` seconds.
    func shifted(by offset: TimeInterval) -> BuildRun {
        var copy = self
        copy.startedAt += offset
        copy.finishedAt = finishedAt.map { $0 + offset }
        return copy
    }
}

extension Deployment {
    /// The same deployment with every time moved by `offset` seconds.
    func shifted(by offset: TimeInterval) -> Deployment {
        var copy = self
        copy.at += offset
        copy.commitAt = commitAt.map { $0 + offset }
        return copy
    }
}

extension MetricSeries {
    /// The same series with every sample moved by `offset` seconds.
    func shifted(by offset: TimeInterval) -> MetricSeries {
        MetricSeries(key: key, samples: samples.map { Sample(at: $0.at + offset, value: $0.value) })
    }
}

/// Work started on a thread of its own at once (a global queue may wait milliseconds for a new
/// worker thread); `value()` waits for it (and may be called again).
private final class Background<T: Sendable>: @unchecked Sendable {
    private var result: Result<T, any Error>?
    private let done = DispatchSemaphore(value: 0)

    init(_ work: @escaping @Sendable () throws -> T) {
        let thread = Thread { [self] in
            result = Result { try work() }
            done.signal()
        }
        thread.stackSize = 8 << 20  // as a dispatch worker's: decoding recurses once per JSON level
        thread.start()
    }

    func value() throws -> T {
        done.wait()
        defer { done.signal() }
        return try result!.get()
    }
}
