import Foundation

/// Settings that METRICS.md calls configurable.
public struct MetricsConfig: Sendable, Hashable {
    /// Severities that count as an outage (default: the highest).
    public var outageSeverities: Set<Severity> = [.critical]
    /// An incident on the same service this soon after a deployment marks the deployment failed.
    public var failureLinkWindow: TimeInterval = 3_600
    /// Working hours, local to `timeZone`: [start, end) hour of day, Monday–Friday.
    public var workingHours: Range<Int> = 9..<18
    /// The on-call team's time zone for off-hours pages.
    public var timeZone: TimeZone = TimeZone(identifier: "UTC") ?? .current
    /// Creates the defaults.
    public init() {}
}

/// CI throughput over one window.
public struct BuildStats: Sendable, Hashable {
    /// Runs that finished in the window.
    public var finished: Int
    /// Finished runs per day.
    public var perDay: Double
    /// Successful / finished (cancelled and skipped runs excluded); nil with none.
    public var successRate: Double?
    /// Durations of finished runs.
    public var duration: DurationSummary
    /// Finished runs per bucket, for the sparkline.
    public var buckets: [Int]
    /// Finished runs per pipeline, most first.
    public var byPipeline: [NamedCount]
}

/// DORA deployment-frequency tier.
public enum DoraTier: String, Sendable, Hashable {
    case daily = "daily", weekly = "weekly", monthly = "monthly", yearly = "yearly", none = "no deploys"

    /// The DORA performance label for the tier.
    public var performance: String {
        switch self {
        case .daily: return "Elite"
        case .weekly: return "High"
        case .monthly: return "Medium"
        case .yearly: return "Low"
        case .none: return "—"
        }
    }
}

/// Production deployments over one window.
public struct DeployStats: Sendable, Hashable {
    /// Successful production deployments in the window.
    public var successful: Int
    /// Successful production deployments per day.
    public var perDay: Double
    /// Finished production deployments (successful or failed).
    public var total: Int
    /// Rollbacks (marked, or a deployment of an earlier version), each counted once.
    public var rollbacks: Int
    /// Deployments that failed (ended in failure, were rolled back, or were followed by an incident).
    public var failed: Int
    /// failed / total; nil with no deployments.
    public var changeFailureRate: Double?
    /// Successful production deploys per bucket.
    public var buckets: [Int]
    /// Median lead time (deploy − commit), seconds, when commit times are known.
    public var leadTime: Double?
}

/// Alert pages over one window.
public struct PageStats: Sendable, Hashable {
    /// Pages triggered in the window.
    public var count: Int
    /// Pages per day.
    public var perDay: Double
    /// Pages outside working hours.
    public var offHours: Int
    /// Pages per service, most first (ties by name).
    public var byService: [NamedCount]
    /// Pages per bucket.
    public var buckets: [Int]
}

/// A name (service, pipeline) with a count.
public struct NamedCount: Sendable, Hashable {
    /// The service or pipeline.
    public var name: String
    /// How many.
    public var count: Int
    /// Creates a pair.
    public init(_ name: String, _ count: Int) { self.name = name; self.count = count }

    /// Counts as pairs, most first, ties by name.
    public static func ranked(_ counts: [String: Int]) -> [NamedCount] {
        counts.map { NamedCount($0.key, $0.value) }.sorted { $0.count != $1.count ? $0.count > $1.count : $0.name < $1.name }
    }
}

/// An outage still open now.
public struct OngoingOutage: Sendable, Hashable {
    /// The incident.
    public var incidentID: String
    /// Its service.
    public var service: String
    /// Its title.
    public var title: String
    /// Seconds since it started.
    public var running: TimeInterval
}

/// Outages over one window.
public struct OutageStats: Sendable, Hashable {
    /// Outages that started in the window.
    public var count: Int
    /// Outage minutes inside the window, overlapping outages of one service merged.
    public var minutes: Double
    /// Outages open now, longest first.
    public var ongoing: [OngoingOutage]
    /// Outages started per bucket.
    public var buckets: [Int]
}

/// The metric functions of METRICS.md: pure, `now` and the window passed in.
public enum Metrics {
    // MARK: Delivery

    /// CI runs that finished in the window; a run in progress counts when it ends.
    public static func builds(_ runs: [BuildRun], in w: DateInterval, bucket: TimeInterval) -> BuildStats {
        let done = runs.filter { r in r.finishedAt.map { w.holds($0) } ?? false }
        let judged = done.filter { $0.conclusion != .cancelled && $0.conclusion != .skipped }
        let ok = judged.filter { $0.conclusion == .success }.count
        var byPipeline: [String: Int] = [:]
        for r in done { byPipeline[r.pipeline, default: 0] += 1 }
        return BuildStats(
            finished: done.count,
            perDay: Double(done.count) / (w.duration / 86_400),
            successRate: judged.isEmpty ? nil : Double(ok) / Double(judged.count),
            duration: DurationSummary(done.compactMap(\.duration)),
            buckets: w.bucketCounts(done.compactMap(\.finishedAt), bucket: bucket),
            byPipeline: NamedCount.ranked(byPipeline))
    }

    /// Production deployments: frequency, rollbacks, change failure rate, lead time.
    public static func deployments(_ all: [Deployment], incidents: [Incident], in w: DateInterval,
                                   bucket: TimeInterval, config: MetricsConfig = MetricsConfig()) -> DeployStats {
        deployments(DeploymentIndex(all, incidents: incidents), in: w, bucket: bucket, config: config)
    }

    /// The same, from an index built once for every window (`DeploymentIndex`): the window's
    /// deployments are found by binary search, and an incident following a deployment by binary
    /// search in the service's sorted incident starts.
    public static func deployments(_ index: DeploymentIndex, in w: DateInterval, bucket: TimeInterval,
                                   config: MetricsConfig = MetricsConfig()) -> DeployStats {
        let prod = index.production
        let inWindow = prod[prod.firstIndex(atOrAfter: w.start)..<prod.firstIndex(atOrAfter: w.end)]
        var failed = 0, successful = 0, rollbacks = 0
        var successTimes: [Date] = []
        var leads: [Double] = []
        for d in inWindow {
            if d.outcome == .success {
                successful += 1
                successTimes.append(d.at)
                if let commit = d.commitAt, d.at > commit { leads.append(d.at.timeIntervalSince(commit)) }
            }
            if index.rollbackIDs.contains(d.id) { rollbacks += 1 }
            if d.outcome == .failure || index.followedByRollback.contains(d.id) { failed += 1; continue }
            // The first incident of the service after the deployment, if it came soon enough.
            if let starts = index.incidentStarts[d.service] {
                var lo = 0, hi = starts.count
                while lo < hi {
                    let mid = (lo + hi) / 2
                    if starts[mid] > d.at { hi = mid } else { lo = mid + 1 }
                }
                if lo < starts.count, starts[lo].timeIntervalSince(d.at) <= config.failureLinkWindow { failed += 1 }
            }
        }
        return DeployStats(
            successful: successful,
            perDay: Double(successful) / (w.duration / 86_400),
            total: inWindow.count,
            rollbacks: rollbacks,
            failed: failed,
            changeFailureRate: inWindow.isEmpty ? nil : Double(failed) / Double(inWindow.count),
            buckets: w.bucketCounts(successTimes, bucket: bucket),
            leadTime: Stats.median(leads))
    }

    /// Ids of rollbacks among deployments sorted by time: marked ones, and successful deployments
    /// of a version earlier than the service's previous successful one. Each counted once.
    public static func rollbackIDs(_ sorted: [Deployment]) -> Set<String> {
        var ids: Set<String> = []
        var current: [String: String] = [:]  // service → version running after the last success
        for d in sorted {
            if d.markedRollback { ids.insert(d.id) }
            guard d.outcome == .success else { continue }
            if let running = current[d.service], VersionOrder.isEarlier(d.version, than: running) { ids.insert(d.id) }
            current[d.service] = d.version
        }
        return ids
    }

    /// DORA deployment-frequency tier over the 90 days before `now`, as the four-keys project
    /// computes it: daily when the median week has deploys on ≥ 3 days; weekly when most weeks
    /// have a deploy; monthly when the median month has ≥ 1; otherwise yearly.
    ///
    /// When the history known to Vigil is shorter than 90 days (`historyStart`, e.g. the oldest
    /// deployment any source returned), only the whole weeks and months inside it are judged:
    /// weeks before the data begins are unknown, not weeks without deploys.
    public static func doraTier(_ all: [Deployment], now: Date, historyStart: Date? = nil) -> DoraTier {
        var start = now.addingTimeInterval(-90 * 86_400)
        if let h = historyStart, h > start { start = h }
        let span = now.timeIntervalSince(start) / 86_400
        let days = Set(all.filter { $0.isProduction && $0.outcome == .success && $0.at >= start && $0.at < now }
            .map { Int(now.timeIntervalSince($0.at) / 86_400) })   // days ago, 0 = the last 24 h
        if days.isEmpty { return .none }
        let weekCount = max(1, Int(span / 7)), monthCount = max(1, Int(span / 30))
        let weeks = (0..<weekCount).map { wk in (wk * 7..<wk * 7 + 7).filter { days.contains($0) }.count }
        if let m = Stats.median(weeks.map(Double.init)), m >= 3 { return .daily }
        if weeks.filter({ $0 > 0 }).count * 2 > weeks.count { return .weekly }
        let months = (0..<monthCount).map { mo in (mo * 30..<mo * 30 + 30).filter { days.contains($0) }.count }
        if let m = Stats.median(months.map(Double.init)), m >= 1 { return .monthly }
        return .yearly
    }

    // MARK: Operations

    /// Incidents that paged a person, triggered in the window.
    public static func pages(_ incidents: [Incident], in w: DateInterval, bucket: TimeInterval,
                             config: MetricsConfig = MetricsConfig()) -> PageStats {
        let paged = incidents.filter { $0.paged && w.holds($0.triggeredAt) }
        var cal = Calendar(identifier: .gregorian)
        cal.timeZone = config.timeZone
        let off = paged.filter { i in
            let c = cal.dateComponents([.hour, .weekday], from: i.triggeredAt)
            let weekend = c.weekday == 1 || c.weekday == 7
            return weekend || !config.workingHours.contains(c.hour ?? 0)
        }
        var by: [String: Int] = [:]
        for i in paged { by[i.service, default: 0] += 1 }
        return PageStats(
            count: paged.count,
            perDay: Double(paged.count) / (w.duration / 86_400),
            offHours: off.count,
            byService: NamedCount.ranked(by),
            buckets: w.bucketCounts(paged.map(\.triggeredAt), bucket: bucket))
    }

    /// Outages: count started in the window, merged minutes per service inside it, open ones now.
    public static func outages(_ incidents: [Incident], in w: DateInterval, now: Date, bucket: TimeInterval,
                               config: MetricsConfig = MetricsConfig()) -> OutageStats {
        let outages = incidents.filter { config.outageSeverities.contains($0.severity) }
        var minutes = 0.0
        for (_, list) in Dictionary(grouping: outages, by: \.service) {
            let spans = list.map { i -> (Date, Date) in
                (max(i.triggeredAt, w.start), min(i.resolvedAt ?? now, w.end, now))
            }.filter { $0.0 < $0.1 }.sorted { $0.0 < $1.0 }
            var cur: (Date, Date)?
            for s in spans {
                if let c = cur, s.0 <= c.1 { cur = (c.0, max(c.1, s.1)) } else {
                    if let c = cur { minutes += c.1.timeIntervalSince(c.0) / 60 }
                    cur = s
                }
            }
            if let c = cur { minutes += c.1.timeIntervalSince(c.0) / 60 }
        }
        let ongoing = outages.filter { $0.isOpen && $0.triggeredAt <= now }
            .map { OngoingOutage(incidentID: $0.id, service: $0.service, title: $0.title,
                                 running: now.timeIntervalSince($0.triggeredAt)) }
            .sorted { $0.running != $1.running ? $0.running > $1.running : $0.incidentID < $1.incidentID }
        let started = outages.filter { w.holds($0.triggeredAt) }
        return OutageStats(count: started.count, minutes: minutes, ongoing: ongoing,
                           buckets: w.bucketCounts(started.map(\.triggeredAt), bucket: bucket))
    }

    /// MTTA: acknowledged − triggered over incidents triggered in the window that were acknowledged.
    public static func mtta(_ incidents: [Incident], in w: DateInterval) -> DurationSummary {
        DurationSummary(incidents.filter { w.holds($0.triggeredAt) }.compactMap { i in
            i.acknowledgedAt.map { max(0, $0.timeIntervalSince(i.triggeredAt)) }
        })
    }

    /// MTTR: resolved − triggered over incidents resolved in the window. Open incidents are not in it.
    public static func mttr(_ incidents: [Incident], in w: DateInterval) -> DurationSummary {
        DurationSummary(incidents.compactMap { i in
            guard i.status == .resolved, let r = i.resolvedAt, w.holds(r) else { return nil }
            return max(0, r.timeIntervalSince(i.triggeredAt))
        })
    }

    // MARK: Series

    /// The last value in the window and the samples in it (NaN dropped). Unlike event counts,
    /// a sample taken exactly at the window's end (now) belongs to it: it is the latest reading.
    public static func seriesWindow(_ s: MetricSeries?, in w: DateInterval) -> (latest: Double?, values: [Double]) {
        guard let s else { return (nil, []) }
        let vals = s.samples.filter { $0.at >= w.start && $0.at <= w.end && $0.value.isFinite }
        return (vals.last?.value, vals.map(\.value))
    }

    /// Mean of the samples in the window (NaN dropped); nil when none.
    public static func seriesMean(_ s: MetricSeries?, in w: DateInterval) -> Double? {
        Stats.mean(seriesWindow(s, in: w).values)
    }
}

/// Compares version strings ("v1.10.2" > "v1.9.9"): numeric where both parts are numbers.
public enum VersionOrder {
    /// True when `a` is an earlier version than `b`.
    public static func isEarlier(_ a: String, than b: String) -> Bool {
        let pa = parts(a), pb = parts(b)
        for i in 0..<max(pa.count, pb.count) {
            let x = i < pa.count ? pa[i] : "0", y = i < pb.count ? pb[i] : "0"
            if let xi = Int(x), let yi = Int(y) {
                if xi != yi { return xi < yi }
            } else if x != y {
                return x < y
            }
        }
        return false
    }

    private static func parts(_ v: String) -> [String] {
        var s = Substring(v)
        if s.first == "v" || s.first == "V" { s = s.dropFirst() }
        return s.split(whereSeparator: { $0 == "." || $0 == "-" || $0 == "+" }).map(String.init)
    }
}

/// What the deployment figures of every window need, computed once per set of deployments and
/// incidents: production deployments in time order, rollbacks, deployments a rollback followed,
/// and each service's incident start times in order.
public struct DeploymentIndex: Sendable {
    /// Finished production deployments, oldest first.
    public let production: [Deployment]
    /// Ids of rollbacks (`Metrics.rollbackIDs`).
    public let rollbackIDs: Set<String>
    /// Ids of deployments whose next deployment of the same service was a rollback.
    public let followedByRollback: Set<String>
    /// Incident start times by service, in order.
    public let incidentStarts: [String: [Date]]

    /// Builds the index. Deployments that arrive in time order (as sources send them) are not
    /// sorted again.
    public init(_ all: [Deployment], incidents: [Incident]) {
        var prod = all.filter { $0.isProduction && $0.outcome != .inProgress }
        if !prod.isSorted(by: { $0.at <= $1.at }) { prod.sort { $0.at < $1.at } }
        production = prod
        let rollbacks = Metrics.rollbackIDs(prod)
        rollbackIDs = rollbacks
        var nextOfService: [String: String] = [:]  // service → id of the next deployment
        var followed: Set<String> = []
        for d in prod.reversed() {
            if let next = nextOfService[d.service], rollbacks.contains(next) { followed.insert(d.id) }
            nextOfService[d.service] = d.id
        }
        followedByRollback = followed
        var starts: [String: [Date]] = [:]
        for i in incidents { starts[i.service, default: []].append(i.triggeredAt) }
        incidentStarts = starts.mapValues { $0.isSorted(by: <=) ? $0 : $0.sorted() }
    }
}

extension Array where Element == Deployment {
    /// The index of the first deployment at or after `date` in a time-ordered array.
    func firstIndex(atOrAfter date: Date) -> Int {
        var lo = 0, hi = count
        while lo < hi {
            let mid = (lo + hi) / 2
            if self[mid].at >= date { hi = mid } else { lo = mid + 1 }
        }
        return lo
    }
}

extension Array {
    /// Whether each element is in order with the next (`areInOrder(a, b)`).
    func isSorted(by areInOrder: (Element, Element) -> Bool) -> Bool {
        var i = 1
        while i < count {
            if !areInOrder(self[i - 1], self[i]) { return false }
            i += 1
        }
        return true
    }
}
