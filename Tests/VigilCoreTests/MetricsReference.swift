import Foundation
@testable import VigilCore

// METRICS.md written the straightforward way (the implementation before the index): filters,
// maps and sorts over whole lists. The randomized tests compare `MetricsIndex` with it.

enum Reference {
    static func builds(_ runs: [BuildRun], in w: DateInterval, bucket: TimeInterval) -> BuildStats {
        let done = runs.filter { r in r.finishedAt.map { w.holds($0) } ?? false }
        let judged = done.filter { $0.conclusion != .cancelled && $0.conclusion != .skipped }
        let ok = judged.filter { $0.conclusion == .success }.count
        var byPipeline: [String: Int] = [:]
        for r in done { byPipeline[r.pipeline, default: 0] += 1 }
        return BuildStats(
            finished: done.count,
            perDay: Double(done.count) / (w.duration / 86_400),
            successRate: judged.isEmpty ? nil : Double(ok) / Double(judged.count),
            failed: judged.count - ok,
            duration: summary(done.compactMap(\.duration)),
            buckets: w.bucketCounts(done.compactMap(\.finishedAt), bucket: bucket),
            byPipeline: NamedCount.ranked(byPipeline))
    }

    static func deployments(_ all: [Deployment], incidents: [Incident], in w: DateInterval,
                            bucket: TimeInterval, config: MetricsConfig) -> DeployStats {
        var prod = all.filter { $0.isProduction && $0.outcome != .inProgress }
        if !zip(prod, prod.dropFirst()).allSatisfy({ $0.at <= $1.at }) { prod.sort { $0.at < $1.at } }
        let rollbacks = rollbackIDs(prod)
        var nextOfService: [String: String] = [:]
        var followed: Set<String> = []
        for d in prod.reversed() {
            if let next = nextOfService[d.service], rollbacks.contains(next) { followed.insert(d.id) }
            nextOfService[d.service] = d.id
        }
        var starts: [String: [Date]] = [:]
        for i in incidents { starts[i.service, default: []].append(i.triggeredAt) }
        starts = starts.mapValues { $0.sorted() }
        func isFailed(_ d: Deployment) -> Bool {
            if d.outcome == .failure || followed.contains(d.id) { return true }
            if let next = starts[d.service]?.first(where: { $0 > d.at }),
               next.timeIntervalSince(d.at) <= config.failureLinkWindow { return true }
            return false
        }
        // Rework: marked by its source, a rollback, or the deployment after a failed one of the service within the window.
        var reworkIDs: Set<String> = []
        for (i, d) in prod.enumerated() {
            if d.markedRework || rollbacks.contains(d.id) { reworkIDs.insert(d.id); continue }
            if let previous = prod[..<i].last(where: { $0.service == d.service }), isFailed(previous),
               d.at.timeIntervalSince(previous.at) <= config.failureLinkWindow { reworkIDs.insert(d.id) }
        }
        let inWindow = prod.filter { w.holds($0.at) }
        var failed = 0, successful = 0, rolled = 0, unrecovered = 0
        var successTimes: [Date] = [], leads: [Double] = [], recoveries: [Double] = []
        var oldest: Double?
        for d in inWindow {
            if d.outcome == .success {
                successful += 1
                successTimes.append(d.at)
                if let commit = d.commitAt, d.at > commit { leads.append(d.at.timeIntervalSince(commit)) }
            }
            if rollbacks.contains(d.id) { rolled += 1 }
            guard isFailed(d) else { continue }
            failed += 1
            let i = prod.firstIndex { $0.id == d.id }!
            if let fix = prod[(i + 1)...].first(where: { $0.service == d.service && $0.outcome == .success }),
               fix.at <= w.end {
                recoveries.append(fix.at.timeIntervalSince(d.at))
            } else {
                unrecovered += 1
                oldest = max(oldest ?? 0, w.end.timeIntervalSince(d.at))
            }
        }
        let reworked = inWindow.filter { reworkIDs.contains($0.id) }.count
        return DeployStats(
            successful: successful, perDay: Double(successful) / (w.duration / 86_400), total: inWindow.count,
            rollbacks: rolled, failed: failed,
            changeFailureRate: inWindow.isEmpty ? nil : Double(failed) / Double(inWindow.count),
            buckets: w.bucketCounts(successTimes, bucket: bucket), leadTime: median(leads),
            recovery: DurationSummary(recoveries), unrecovered: unrecovered, oldestUnrecovered: oldest,
            reworked: reworked, reworkRate: inWindow.isEmpty ? nil : Double(reworked) / Double(inWindow.count))
    }

    /// Rollbacks by id: ids in the random data are unique.
    static func rollbackIDs(_ sorted: [Deployment]) -> Set<String> {
        var ids: Set<String> = []
        var current: [String: String] = [:]
        for d in sorted {
            if d.markedRollback { ids.insert(d.id) }
            guard d.outcome == .success else { continue }
            if let running = current[d.service], isEarlier(d.version, than: running) { ids.insert(d.id) }
            current[d.service] = d.version
        }
        return ids
    }

    static func doraTier(_ all: [Deployment], now: Date, historyStart: Date?) -> DoraTier {
        var start = now.addingTimeInterval(-90 * 86_400)
        if let h = historyStart, h > start { start = h }
        let span = now.timeIntervalSince(start) / 86_400
        let days = Set(all.filter { $0.isProduction && $0.outcome == .success && $0.at >= start && $0.at < now }
            .map { Int(now.timeIntervalSince($0.at) / 86_400) })
        if days.isEmpty { return .none }
        let weekCount = max(1, Int(span / 7)), monthCount = max(1, Int(span / 30))
        let weeks = (0..<weekCount).map { wk in (wk * 7..<wk * 7 + 7).filter { days.contains($0) }.count }
        if let m = median(weeks.map(Double.init)), m >= 3 { return .daily }
        if weeks.filter({ $0 > 0 }).count * 2 > weeks.count { return .weekly }
        let months = (0..<monthCount).map { mo in (mo * 30..<mo * 30 + 30).filter { days.contains($0) }.count }
        if let m = median(months.map(Double.init)), m >= 1 { return .monthly }
        return .yearly
    }

    static func pages(_ incidents: [Incident], in w: DateInterval, bucket: TimeInterval, config: MetricsConfig) -> PageStats {
        let paged = incidents.filter { $0.paged && w.holds($0.triggeredAt) }
        var cal = Calendar(identifier: .gregorian)
        cal.timeZone = config.timeZone
        let off = paged.filter { i in
            let c = cal.dateComponents([.hour, .weekday], from: i.triggeredAt)
            return c.weekday == 1 || c.weekday == 7 || !config.workingHours.contains(c.hour ?? 0)
        }
        var by: [String: Int] = [:]
        for i in paged { by[i.service, default: 0] += 1 }
        return PageStats(count: paged.count, perDay: Double(paged.count) / (w.duration / 86_400), offHours: off.count,
                         byService: NamedCount.ranked(by), buckets: w.bucketCounts(paged.map(\.triggeredAt), bucket: bucket))
    }

    static func outages(_ incidents: [Incident], in w: DateInterval, now: Date, bucket: TimeInterval,
                        config: MetricsConfig) -> OutageStats {
        let outages = incidents.filter { config.outageSeverities.contains($0.severity) }
        var minutes = 0.0
        for (_, list) in Dictionary(grouping: outages, by: \.service) {
            let spans = list.map { i -> (Date, Date) in (max(i.triggeredAt, w.start), min(i.resolvedAt ?? now, w.end, now)) }
                .filter { $0.0 < $0.1 }.sorted { $0.0 < $1.0 }
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
            .map { OngoingOutage(incidentID: $0.id, service: $0.service, title: $0.title, running: now.timeIntervalSince($0.triggeredAt)) }
            .sorted { $0.running != $1.running ? $0.running > $1.running : $0.incidentID < $1.incidentID }
        let started = outages.filter { w.holds($0.triggeredAt) }
        return OutageStats(count: started.count, minutes: minutes, ongoing: ongoing,
                           buckets: w.bucketCounts(started.map(\.triggeredAt), bucket: bucket))
    }

    static func mtta(_ incidents: [Incident], in w: DateInterval) -> DurationSummary {
        summary(incidents.filter { w.holds($0.triggeredAt) }.compactMap { i in
            i.acknowledgedAt.map { max(0, $0.timeIntervalSince(i.triggeredAt)) }
        })
    }

    static func mttr(_ incidents: [Incident], in w: DateInterval) -> DurationSummary {
        summary(incidents.compactMap { i in
            guard i.status == .resolved, let r = i.resolvedAt, w.holds(r) else { return nil }
            return max(0, r.timeIntervalSince(i.triggeredAt))
        })
    }

    static func nearestRank(_ values: [Double], _ p: Double) -> Double? {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        let rank = Int((p / 100 * Double(sorted.count)).rounded(.up))
        return sorted[min(max(rank, 1), sorted.count) - 1]
    }

    static func median(_ values: [Double]) -> Double? { nearestRank(values, 50) }

    static func summary(_ d: [Double]) -> DurationSummary {
        var s = DurationSummary([])
        s.count = d.count
        s.mean = d.isEmpty ? nil : d.reduce(0, +) / Double(d.count)
        s.median = median(d)
        s.p90 = nearestRank(d, 90)
        return s
    }

    static func isEarlier(_ a: String, than b: String) -> Bool {
        func parts(_ v: String) -> [String] {
            var s = Substring(v)
            if s.first == "v" || s.first == "V" { s = s.dropFirst() }
            return s.split(whereSeparator: { $0 == "." || $0 == "-" || $0 == "+" }).map(String.init)
        }
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
}
