import Foundation
import VigilCore

/// Every figure the dashboard shows, for the current and the previous window. Computed from the
/// state in one pass per frame; pure.
public struct DashboardFigures: Sendable {
    /// The current window.
    public var window: DateInterval
    /// Builds now / before.
    public var builds: (now: BuildStats, before: BuildStats)
    /// Deployments now / before.
    public var deploys: (now: DeployStats, before: DeployStats)
    /// DORA tier over 90 days.
    public var tier: DoraTier
    /// Outages now / before.
    public var outages: (now: OutageStats, before: OutageStats)
    /// Pages now / before.
    public var pages: (now: PageStats, before: PageStats)
    /// MTTR now / before.
    public var mttr: (now: DurationSummary, before: DurationSummary)
    /// MTTA now / before.
    public var mtta: (now: DurationSummary, before: DurationSummary)
    /// Coverage: latest now, latest before, values in the window.
    public var coverage: (now: Double?, before: Double?, values: [Double])
    /// Per-service application performance, sorted by service.
    public var services: [ServicePerformance]
    /// Whether any source provides each kind of data.
    public var has: (incidents: Bool, deploys: Bool, builds: Bool, series: Bool)

    /// Latency and errors of one service over the window.
    public struct ServicePerformance: Sendable, Hashable {
        /// The service.
        public var service: String
        /// Latest p50, seconds.
        public var p50: Double?
        /// Latest p99, seconds.
        public var p99: Double?
        /// p99 mean over the previous window, seconds.
        public var p99Before: Double?
        /// Latest error ratio.
        public var errorRate: Double?
        /// p99 over the window, for its graph.
        public var p99Line: SeriesLine?
        /// The error ratio over the window, for its graph.
        public var errorLine: SeriesLine?
    }

    /// A series' finite samples in the window, with the times its first and last were taken
    /// (the graph's time axis, for marking deployments on it).
    public struct SeriesLine: Sendable, Hashable {
        /// The values, oldest first.
        public var values: [Double]
        /// When the first and last were taken.
        public var start: Date, end: Date

        /// The samples of `series` in `w`; nil without any.
        init?(_ series: MetricSeries?, in w: DateInterval) {
            guard let series else { return nil }
            let inside = series.samples.filter { $0.at >= w.start && $0.at <= w.end && $0.value.isFinite }
            guard let first = inside.first, let last = inside.last else { return nil }
            values = inside.map(\.value); start = first.at; end = last.at
        }
    }

    /// Production deployments and rollbacks that finished in the window (marks on the graphs).
    public var deployMarks: [DeployMark]
    /// The services that were down in the window: the outage timeline marks their deployments.
    public var outageServices: Set<String>
    /// The marks of those services' deployments (the outage timeline's), and the marks of each
    /// service with a graph: picked once per figures, by service id, not per frame by name (a
    /// week holds thousands of deployments).
    public var outageDeployMarks: [DeployMark], serviceDeployMarks: [String: [DeployMark]]

    /// From this many rows in the metrics index (`MetricsIndex.rowCount`), the delivery and the
    /// operations figures are computed on two threads (the windows' walks then take milliseconds).
    static let parallelRows = 100_000

    /// The figures of a state, computed at most once per revision of its data and minute of its
    /// clock (everything they show is in minutes or coarser): frames drawn for a key press or a
    /// second's tick reuse them.
    public static func of(_ state: AppState) -> DashboardFigures {
        Memo.shared.value(key(state)) { DashboardFigures(state) }
    }

    /// The figures of a state if they were computed already (by `of`); never computes them.
    public static func ready(_ state: AppState) -> DashboardFigures? {
        Memo.shared.peek(key(state))
    }

    private static func key(_ state: AppState) -> Memo.Key {
        Memo.Key(revision: state.revision, name: "figures", extra: Int((state.now.timeIntervalSince1970 / 60).rounded(.down)))
    }

    /// What the figures answer besides the data: which window, by which definitions. Figures of
    /// the same basis, taken before a poll or a minute ago, are late but not wrong for a state;
    /// figures of another window or settings would be wrong (see `RuntimeLoop`).
    public struct Basis: Sendable, Hashable {
        let window: TimeWindow, config: MetricsConfig
        /// The basis of a state's figures.
        public init(_ state: AppState) { window = state.window; config = state.metricsConfig }
    }

    /// Computes the figures at `state.now` for `state.window`, from the state's `MetricsIndex`
    /// (built once per revision of its data; each window then costs what it holds).
    public init(_ state: AppState) {
        let now = state.now
        let w = state.window.interval(endingAt: now), p = state.window.previousInterval(endingAt: now)
        let bucket = state.window.bucketSeconds
        let index = MetricsIndex.of(state)
        window = w
        // Delivery and operations figures are independent: over a large index (a month of a big
        // organisation's events) they are computed on two threads.
        // (CI runs go with the operations: the two halves then take about as long.)
        let (delivery, operations) = bothOf({
            (deploys: (index.deployments(in: w, bucket: bucket), index.deployments(in: p, bucket: bucket)),
             tier: index.doraTier(now: now, historyStart: index.earliestDeployment),
             deployMarks: index.deployMarks(in: w))
        }, {
            (builds: (index.builds(in: w, bucket: bucket), index.builds(in: p, bucket: bucket)),
             outages: (index.outages(in: w, now: now, bucket: bucket), index.outages(in: p, now: p.end, bucket: bucket)),
             pages: (index.pages(in: w, bucket: bucket), index.pages(in: p, bucket: bucket)),
             mttr: (index.mttr(in: w), index.mttr(in: p)),
             mtta: (index.mtta(in: w), index.mtta(in: p)),
             outageServices: index.outageServices(in: w, now: now))
        }, parallel: index.rowCount >= Self.parallelRows)
        builds = operations.builds
        deploys = delivery.deploys
        tier = delivery.tier
        deployMarks = delivery.deployMarks
        outages = operations.outages
        pages = operations.pages
        mttr = operations.mttr
        mtta = operations.mtta
        outageServices = operations.outageServices
        outageDeployMarks = index.deployMarks(in: w, among: outageServices)

        var byKey: [SeriesKey: MetricSeries] = [:]
        for s in state.series { byKey[s.key] = s }
        let cov = byKey[SeriesKey(.coverage)]
        let covNow = Metrics.seriesWindow(cov, in: w)
        coverage = (covNow.latest, Metrics.seriesWindow(cov, in: p).latest, covNow.values)
        let names = Set(byKey.keys.filter { $0.kind != .coverage && !$0.service.isEmpty }.map(\.service)).sorted()
        services = names.map { name in
            ServicePerformance(
                service: name,
                p50: Metrics.seriesWindow(byKey[SeriesKey(.latencyP50, service: name)], in: w).latest,
                p99: Metrics.seriesWindow(byKey[SeriesKey(.latencyP99, service: name)], in: w).latest,
                p99Before: Metrics.seriesMean(byKey[SeriesKey(.latencyP99, service: name)], in: p),
                errorRate: Metrics.seriesWindow(byKey[SeriesKey(.errorRate, service: name)], in: w).latest,
                p99Line: SeriesLine(byKey[SeriesKey(.latencyP99, service: name)], in: w),
                errorLine: SeriesLine(byKey[SeriesKey(.errorRate, service: name)], in: w))
        }
        // Marks go under the graphs of the services that have one.
        serviceDeployMarks = index.deployMarks(in: w, each: services.filter { $0.p99Line != nil || $0.errorLine != nil }.map(\.service))
        let snaps = state.sources.values.compactMap(\.snapshot)
        // Remembered incidents count too: after a restart with the source down, outages, pages
        // and MTTR still cover the window from the store (the border shows the source's error).
        has = (snaps.contains { $0.incidents != nil } || !state.history.isEmpty, snaps.contains { $0.deployments != nil },
               snaps.contains { $0.builds != nil }, snaps.contains { $0.series != nil })
    }
}
