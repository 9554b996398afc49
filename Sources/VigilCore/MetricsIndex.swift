import Foundation

/// Every metric of METRICS.md over one set of incidents, deployments and CI runs, from columns
/// sorted by time: a window's figures come from a binary search and a walk over the rows inside
/// the window, so a figure recomputed a minute later, with the same data, costs what the window
/// holds, not what the sources hold.
///
/// The columns are kept per source (one digest per source's list, reused while the source's
/// snapshot keeps the same list: a poll that changes one source of several digests that source
/// only), and the production deployments of all sources are merged once per index for rollbacks
/// and change failures, which depend on deployments of other sources.
public final class MetricsIndex: Sendable {
    /// The settings the figures follow.
    public let config: MetricsConfig
    /// The earliest deployment of any environment (the history Vigil knows), if any.
    public let earliestDeployment: Date?
    /// How many incidents, production deployments and finished CI runs the index holds (what
    /// the figures of a window may walk over).
    public var rowCount: Int {
        deployAt.count + incidentDigests.reduce(0) { $0 + $1.count } + buildDigests.reduce(0) { $0 + $1.finished.count }
    }

    let incidentDigests: [IncidentDigest]
    let buildDigests: [BuildDigest]
    /// Finished production deployments of every source in time order (equal times in the order
    /// of the sources' lists), with flags (1 success, 2 failed, 4 rollback) and lead times.
    let deployAt: [Double], deployFlags: [UInt8], deployLead: [Double], deployRecovery: [Double]
    /// Each of those deployments' service (an index into `deployServiceNames`).
    let deployService: [Int32], deployServiceNames: [String]

    /// An index of the lists given (each a source, in order), not cached.
    public convenience init(incidents: [Incident] = [], deployments: [Deployment] = [], builds: [BuildRun] = [],
                            config: MetricsConfig = MetricsConfig()) {
        self.init(incidents: [IncidentDigest(incidents, config: config)], deployments: [DeploymentDigest(deployments)],
                  builds: [BuildDigest(builds)], config: config)
    }

    /// The index of a state's data, built once per revision: each source's lists are digested
    /// once per snapshot (remembered incidents, when there are some, with the live ones as one
    /// list, the way `AppState.incidents` merges them; the same when alerts merge into pages).
    public static func of(_ state: AppState) -> MetricsIndex {
        Memo.shared.value(Memo.Key(revision: state.revision, name: "metricsIndex")) { build(state, cache: .shared) }
    }

    /// Forgets the digests kept per source, so the next index is built from scratch (benchmarks
    /// use it to time a cold start).
    public static func forgetDigests() { DigestCache.shared.removeAll() }

    /// A new index of the state's data, with the digests of `cache` that are still valid.
    ///
    /// The digests to make (lists not digested yet) are independent of each other: when there
    /// are several, with `parallelFrom` or more work in all (`DigestJob.cost`), they are made on
    /// two threads (`DigestJob.run`), the largest first, and the deployments merged as soon as
    /// the incidents and deployments are digested (tests compare the index made so with one made
    /// one digest after the other). The cache is read before and written after, in the order of
    /// the sources, as when made one after the other.
    static func build(_ state: AppState, cache: DigestCache, parallelFrom: Int = DigestJob.parallelThreshold) -> MetricsIndex {
        let cfg = state.metricsConfig
        let snapshots = state.sourceOrder.map { (id: $0, snapshot: state.sources[$0]?.snapshot) }
        var jobs: [DigestJob] = []
        var incidents: [IncidentDigest?] = [], deployments: [DeploymentDigest?] = [], builds: [BuildDigest?] = []
        // A list's digest kept in the cache, or a job to make it (at `out`'s next slot).
        func add<T: Sendable, D: AnyObject & Sendable>(
            _ key: String, _ list: [T], into out: inout [D?], valid: (D) -> Bool = { _ in true },
            job: (String, [T], (list: [T], digest: D)?, Int) -> DigestJob
        ) {
            switch cache.lookup(key, list, valid: valid) {
            case .kept(let d): out.append(d)
            case .missing(let previous):
                jobs.append(job(key, list, previous, out.count))
                out.append(nil)
            }
        }
        let incidentJob = DigestJob.incidents(key:list:previous:slot:), valid = { (d: IncidentDigest) in d.matches(cfg) }
        if state.history.isEmpty && !state.mergesPages {
            for s in snapshots {
                guard let list = s.snapshot?.incidents else { continue }
                add("incidents/\(s.id)", list, into: &incidents, valid: valid, job: incidentJob)
            }
        } else {
            add("incidents+history", state.incidents, into: &incidents, valid: valid, job: incidentJob)
        }
        // All deployments, then all CI runs, each in the order of the sources (the cache is
        // written in this order).
        for s in snapshots {
            guard let list = s.snapshot?.deployments else { continue }
            add("deployments/\(s.id)", list, into: &deployments, job: DigestJob.deployments(key:list:previous:slot:))
        }
        for s in snapshots {
            guard let list = s.snapshot?.builds else { continue }
            add("builds/\(s.id)", list, into: &builds, job: DigestJob.builds(key:list:previous:slot:))
        }
        // The merged deployments need every deployment and incident digest, not the CI runs':
        // they are merged as a task of its own, which a thread takes once those are made (while
        // the other may still digest CI runs).
        let allJobs = jobs, keptIncidents = incidents, keptDeployments = deployments
        let (madeJobs, merged) = DigestJob.run(allJobs, config: cfg, parallelFrom: parallelFrom) { made in
            var incidents = keptIncidents, deployments = keptDeployments
            for (job, digest) in zip(allJobs, made) {
                switch (job, digest) {
                case let (.incidents(_, _, _, slot), .incidents(d)?): incidents[slot] = d
                case let (.deployments(_, _, _, slot), .deployments(d)?): deployments[slot] = d
                default: break
                }
            }
            return MergedDeployments(deployments.map { $0! }, incidents: incidents.map { $0! },
                                     linkWindow: cfg.failureLinkWindow)
        }
        for (job, digest) in zip(jobs, madeJobs) {
            switch (job, digest) {
            case let (.incidents(key, list, _, slot), .incidents(d)): cache.keep(key, list, d); incidents[slot] = d
            case let (.deployments(key, list, _, slot), .deployments(d)): cache.keep(key, list, d); deployments[slot] = d
            case let (.builds(key, list, _, slot), .builds(d)): cache.keep(key, list, d); builds[slot] = d
            default: preconditionFailure("a digest of another kind than its job")
            }
        }
        return MetricsIndex(incidents: incidents.map { $0! }, deployments: deployments.map { $0! },
                            builds: builds.map { $0! }, config: cfg, merged: merged)
    }

    /// The index of the digests; `merged` is their merged deployments when made already.
    init(incidents: [IncidentDigest], deployments: [DeploymentDigest], builds: [BuildDigest], config: MetricsConfig,
         merged: MergedDeployments? = nil) {
        self.config = config
        incidentDigests = incidents
        buildDigests = builds
        earliestDeployment = deployments.compactMap(\.earliest).min().map { Date(timeIntervalSinceReferenceDate: $0) }
        let merged = merged ?? MergedDeployments(deployments, incidents: incidents, linkWindow: config.failureLinkWindow)
        deployAt = merged.at
        deployFlags = merged.flags
        deployLead = merged.lead
        deployRecovery = merged.recovery
        deployService = merged.service
        deployServiceNames = merged.serviceNames
    }

    // MARK: Delivery

    /// CI runs that finished in the window.
    public func builds(in w: DateInterval, bucket: TimeInterval) -> BuildStats {
        var finished = 0, judged = 0, ok = 0, sum = 0.0
        var durations: [Double] = []
        var buckets = [Int](repeating: 0, count: Columns.bucketCount(w, bucket))
        var byPipeline: [String: Int] = [:]
        let start = w.start.timeIntervalSinceReferenceDate
        for d in buildDigests {
            let r = Columns.range(d.finished, w)
            finished += r.count
            var perPipeline = [Int](repeating: 0, count: d.pipelines.count)
            var done = PositionSet(count: d.count)
            for k in r {
                let f = d.flags[k], p = Int(d.pos[k])
                if f & 2 != 0 { judged += 1; if f & 1 != 0 { ok += 1 } }
                perPipeline[Int(d.pipeline[k])] += 1
                buckets[Columns.bucket(d.finished[k], start: start, width: bucket, count: buckets.count)] += 1
                done.insert(p)
                durations.append(d.duration[p])
            }
            done.forEach { sum += d.duration[$0] }   // in the order of the source's list
            for (id, c) in perPipeline.enumerated() where c > 0 { byPipeline[d.pipelines[id], default: 0] += c }
        }
        return BuildStats(
            finished: finished,
            perDay: Double(finished) / (w.duration / 86_400),
            successRate: judged == 0 ? nil : Double(ok) / Double(judged),
            failed: judged - ok,
            duration: DurationSummary(count: finished, sum: sum, sorting: durations),
            buckets: buckets,
            byPipeline: NamedCount.ranked(byPipeline))
    }

    /// Production deployments in the window: frequency, rollbacks, change failure rate, lead time.
    public func deployments(in w: DateInterval, bucket: TimeInterval) -> DeployStats {
        let r = Columns.range(deployAt, w)
        var successful = 0, failed = 0, rollbacks = 0, reworked = 0, unrecovered = 0
        var leads: [Double] = [], recoveries: [Double] = []
        var oldestUnrecovered: Double?
        let end = w.end.timeIntervalSinceReferenceDate
        var buckets = [Int](repeating: 0, count: Columns.bucketCount(w, bucket))
        let start = w.start.timeIntervalSinceReferenceDate
        for k in r {
            let f = deployFlags[k]
            if f & 1 != 0 {
                successful += 1
                buckets[Columns.bucket(deployAt[k], start: start, width: bucket, count: buckets.count)] += 1
                if !deployLead[k].isNaN { leads.append(deployLead[k]) }
            }
            if f & 2 != 0 {
                failed += 1
                let took = deployRecovery[k]
                if deployAt[k] + took <= end {
                    recoveries.append(took)
                } else {
                    unrecovered += 1
                    oldestUnrecovered = max(oldestUnrecovered ?? 0, end - deployAt[k])
                }
            }
            if f & 4 != 0 { rollbacks += 1 }
            if f & 8 != 0 { reworked += 1 }
        }
        return DeployStats(
            successful: successful,
            perDay: Double(successful) / (w.duration / 86_400),
            total: r.count,
            rollbacks: rollbacks,
            failed: failed,
            changeFailureRate: r.isEmpty ? nil : Double(failed) / Double(r.count),
            buckets: buckets,
            leadTime: Stats.nearestRanks(selecting: &leads, [50])[0],
            recovery: DurationSummary(recoveries), unrecovered: unrecovered, oldestUnrecovered: oldestUnrecovered,
            reworked: reworked, reworkRate: r.isEmpty ? nil : Double(reworked) / Double(r.count))
    }

    /// The DORA tier at `now` (`Metrics.doraTier`), judging the history from `historyStart`.
    public func doraTier(now: Date, historyStart: Date?) -> DoraTier {
        var start = now.addingTimeInterval(-90 * 86_400)
        if let h = historyStart, h > start { start = h }
        let span = now.timeIntervalSince(start) / 86_400
        var days = [Bool](repeating: false, count: 92)   // days ago, 0 = the last 24 h
        var any = false
        // Days ago only grow smaller along the column: after a day's first successful deployment,
        // the rest of that day is skipped with a binary search (92 searches, where every
        // deployment of 90 days was looked at).
        func day(_ k: Int) -> Int { Int(now.timeIntervalSince(Date(timeIntervalSinceReferenceDate: deployAt[k])) / 86_400) }
        let r = Columns.range(deployAt, DateInterval(start: start, end: max(start, now)))
        var k = r.lowerBound
        while k < r.upperBound {
            guard deployFlags[k] & 1 != 0 else { k += 1; continue }
            let d = day(k)
            if d < days.count { days[d] = true; any = true }
            var lo = k + 1, hi = r.upperBound   // the first deployment of a later day (fewer days ago)
            while lo < hi {
                let mid = (lo + hi) / 2
                if day(mid) < d { hi = mid } else { lo = mid + 1 }
            }
            k = lo
        }
        if !any { return .none }
        func deploys(_ r: Range<Int>) -> Int { r.reduce(0) { $0 + ($1 < days.count && days[$1] ? 1 : 0) } }
        let weekCount = max(1, Int(span / 7)), monthCount = max(1, Int(span / 30))
        let weeks = (0..<weekCount).map { wk in deploys(wk * 7..<wk * 7 + 7) }
        if let m = Stats.median(weeks.map(Double.init)), m >= 3 { return .daily }
        if weeks.filter({ $0 > 0 }).count * 2 > weeks.count { return .weekly }
        let months = (0..<monthCount).map { mo in deploys(mo * 30..<mo * 30 + 30) }
        if let m = Stats.median(months.map(Double.init)), m >= 1 { return .monthly }
        return .yearly
    }

    // MARK: Operations

    /// Incidents that paged a person, triggered in the window.
    public func pages(in w: DateInterval, bucket: TimeInterval) -> PageStats {
        var count = 0, offHours = 0
        var buckets = [Int](repeating: 0, count: Columns.bucketCount(w, bucket))
        var byService: [String: Int] = [:]
        let start = w.start.timeIntervalSinceReferenceDate
        for d in incidentDigests {
            var perService = [Int](repeating: 0, count: d.services.count)
            for k in Columns.range(d.trig, w) {
                let f = d.trigFlags[k]
                guard f & 1 != 0 else { continue }
                count += 1
                if f & 2 != 0 { offHours += 1 }
                perService[Int(d.trigService[k])] += 1
                buckets[Columns.bucket(d.trig[k], start: start, width: bucket, count: buckets.count)] += 1
            }
            for (id, c) in perService.enumerated() where c > 0 { byService[d.services[id], default: 0] += c }
        }
        return PageStats(count: count, perDay: Double(count) / (w.duration / 86_400), offHours: offHours,
                         byService: NamedCount.ranked(byService), buckets: buckets)
    }

    /// The services that were down at some time in the window (their deployments are the ones
    /// worth marking on the outage timeline).
    public func outageServices(in w: DateInterval, now: Date) -> Set<String> {
        let ws = w.start.timeIntervalSinceReferenceDate, we = w.end.timeIntervalSinceReferenceDate
        let n = now.timeIntervalSinceReferenceDate
        var out: Set<String> = []
        for d in incidentDigests {
            for o in d.outages where o.start < we && (o.end ?? n) > ws { out.insert(o.service) }
        }
        return out
    }

    /// Outages: started in the window, merged minutes per service inside it, open ones at `now`.
    public func outages(in w: DateInterval, now: Date, bucket: TimeInterval) -> OutageStats {
        let ws = w.start.timeIntervalSinceReferenceDate, we = w.end.timeIntervalSinceReferenceDate
        let n = now.timeIntervalSinceReferenceDate
        var spans: [String: [(Double, Double)]] = [:]
        var ongoing = LongestOutages()
        var count = 0
        var buckets = [Int](repeating: 0, count: Columns.bucketCount(w, bucket))
        for d in incidentDigests {
            for o in d.outages {
                let s = max(o.start, ws), e = min(o.end ?? n, we, n)
                if s < e { spans[o.service, default: []].append((s, e)) }
                if o.open && o.start <= n {
                    ongoing.add(OngoingOutage(incidentID: o.id, service: o.service, title: o.title, running: n - o.start))
                }
                if o.start >= ws && o.start < we {
                    count += 1
                    buckets[Columns.bucket(o.start, start: ws, width: bucket, count: buckets.count)] += 1
                }
            }
        }
        var minutes = 0.0
        for service in spans.keys.sorted() {
            var cur: (Double, Double)?
            for s in spans[service, default: []].sorted(by: { $0.0 < $1.0 }) {
                if let c = cur, s.0 <= c.1 { cur = (c.0, max(c.1, s.1)) } else {
                    if let c = cur { minutes += (c.1 - c.0) / 60 }
                    cur = s
                }
            }
            if let c = cur { minutes += (c.1 - c.0) / 60 }
        }
        return OutageStats(count: count, minutes: minutes, longest: ongoing, buckets: buckets)
    }

    /// Each outage that was down at some time in the window (the incidents `outages(in:now:bucket:)`
    /// counts, by the same outage severities), with its time down inside the window; oldest
    /// first, then by incident id.
    public func outageSpans(in w: DateInterval, now: Date) -> [OutageSpan] {
        let ws = w.start.timeIntervalSinceReferenceDate, we = w.end.timeIntervalSinceReferenceDate
        let n = now.timeIntervalSinceReferenceDate
        var out: [OutageSpan] = []
        for d in incidentDigests {
            for o in d.outages {
                let s = max(o.start, ws), e = min(o.end ?? n, we, n)
                guard s < e else { continue }
                out.append(OutageSpan(incidentID: o.id, service: o.service, title: o.title,
                                      start: Date(timeIntervalSinceReferenceDate: o.start),
                                      end: o.open ? nil : o.end.map { Date(timeIntervalSinceReferenceDate: $0) },
                                      secondsInWindow: e - s))
            }
        }
        return out.sorted { $0.start != $1.start ? $0.start < $1.start : $0.incidentID < $1.incidentID }
    }

    /// MTTA: acknowledged − triggered over incidents triggered in the window that were acknowledged.
    public func mtta(in w: DateInterval) -> DurationSummary {
        var values: [Double] = [], sum = 0.0
        for d in incidentDigests {
            var acked = PositionSet(count: d.count)
            for k in Columns.range(d.trig, w) {
                let p = Int(d.trigPos[k]), v = d.ackDelay[p]
                if !v.isNaN { acked.insert(p); values.append(v) }
            }
            acked.forEach { sum += d.ackDelay[$0] }
        }
        return DurationSummary(count: values.count, sum: sum, sorting: values)
    }

    /// MTTR: resolved − triggered over incidents resolved in the window.
    public func mttr(in w: DateInterval) -> DurationSummary {
        var values: [Double] = [], sum = 0.0
        for d in incidentDigests {
            var resolved = PositionSet(count: d.count)
            for k in Columns.range(d.res, w) {
                let p = Int(d.resPos[k])
                resolved.insert(p)
                values.append(d.repair[p])
            }
            resolved.forEach { sum += d.repair[$0] }
        }
        return DurationSummary(count: values.count, sum: sum, sorting: values)
    }
}
