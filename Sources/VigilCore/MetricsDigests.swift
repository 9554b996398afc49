import Foundation

// What the metrics need from one list of incidents, deployments or CI runs (one source's
// snapshot), as columns sorted by time, built once per list: a window's figures then come from a
// binary search and a walk over the window's rows (MetricsIndex.swift). Digests are kept per
// source and reused while the source's list is the same array (`DigestCache`); a source's new
// list is digested with its previous list and digest at hand, to reuse what was computed for the
// elements that did not change (`Reuse`).

/// Incidents as columns: by trigger time, by resolution time, and the outages.
final class IncidentDigest: Sendable {
    /// The settings the off-hours and outage flags were computed with.
    let timeZone: TimeZone, workingHours: Range<Int>, outageSeverities: Set<Severity>
    /// How many incidents the list had.
    let count: Int
    /// Services, by local id.
    let services: [String]
    /// Trigger times (seconds since the reference date), in order, with each row's position in
    /// the list, its service and flags (1 paged, 2 off hours).
    let trig: [Double], trigPos: [Int32], trigService: [Int32], trigFlags: [UInt8]
    /// Acknowledged − triggered (at least 0) by position in the list; NaN when not acknowledged.
    let ackDelay: [Double]
    /// Resolution times of resolved incidents, in order, with positions.
    let res: [Double], resPos: [Int32]
    /// Resolved − triggered (at least 0) by position in the list.
    let repair: [Double]
    /// Trigger times by local service id and then in order (for incidents following a
    /// deployment): service `s` has `serviceStarts[serviceStartOffsets[s]..<serviceStartOffsets[s + 1]]`.
    let serviceStarts: [Double], serviceStartOffsets: [Int]
    /// Incidents of outage severity.
    let outages: [OutageRow]

    /// One outage incident.
    struct OutageRow: Sendable {
        let start: Double, end: Double?, open: Bool
        let service: String, id: String, title: String
    }

    /// The digest of `all`; each incident whose service, trigger time and paging are those of the
    /// incident at its position in `previous` (a digest made with the same settings) has the
    /// service id and flags it had there. When that holds for every incident (a poll that
    /// acknowledged or resolved some), the columns by trigger time are the previous digest's.
    init(_ all: [Incident], config: MetricsConfig, reusing previous: (list: [Incident], digest: IncidentDigest)? = nil) {
        timeZone = config.timeZone; workingHours = config.workingHours; outageSeverities = config.outageSeverities
        count = all.count
        let sameTriggers = previous.map { $0.digest.count == all.count && Self.sameTriggers($0.list, all) } ?? false
        var names = Interner(names: previous?.digest.services ?? [])
        let old = sameTriggers ? Reuse(nil, count: nil, positions: nil, service: nil)
            : Reuse(previous?.list, count: previous?.digest.count, positions: previous?.digest.trigPos,
                    service: previous?.digest.trigService, flags: previous?.digest.trigFlags)
        var clock = LocalClock(config.timeZone)
        var t = [Double](), service = [Int32](), flags = [UInt8](), ack = [Double](), rep = [Double]()
        var resTimes = [Double](), resPositions = [Int32](), rows = [OutageRow]()
        t.reserveCapacity(all.count); service.reserveCapacity(all.count); flags.reserveCapacity(all.count)
        ack.reserveCapacity(all.count); rep.reserveCapacity(all.count)
        // Only the resolved have a resolution: a big Alertmanager's list has none (room for all
        // of them was 120 KB per digest, empty).
        let resolved = all.withUnsafeBufferPointer { list in
            list.reduce(0) { $0 + ($1.status == .resolved && $1.resolvedAt != nil ? 1 : 0) }
        }
        resTimes.reserveCapacity(resolved); resPositions.reserveCapacity(resolved)
        // Which severities are outages, as bits by raw value: a set lookup per incident (hashing
        // the severity) was 4 % of computing every figure from nothing.
        let outageBits = config.outageSeverities.reduce(0) { $0 | (1 << $1.rawValue) }
        // Fields are read in place (`list[p].field`): copying an `Incident` retains its strings.
        all.withUnsafeBufferPointer { list in old.list.withUnsafeBufferPointer { prev in
            for p in 0..<list.count {
                let triggered = list[p].triggeredAt, start = triggered.timeIntervalSinceReferenceDate
                if sameTriggers {
                    // The columns by trigger time are the previous digest's.
                } else if p < prev.count && prev[p].service == list[p].service && prev[p].triggeredAt == triggered
                    && prev[p].paged == list[p].paged {
                    t.append(start)
                    service.append(old.service[p])
                    flags.append(old.flags[p])
                } else {
                    t.append(start)
                    service.append(names.id(list[p].service))
                    var f: UInt8 = 0
                    if list[p].paged {
                        f |= 1
                        if clock.isOffHours(triggered.timeIntervalSince1970, hours: config.workingHours) { f |= 2 }
                    }
                    flags.append(f)
                }
                ack.append(list[p].acknowledgedAt.map { max(0, $0.timeIntervalSince(triggered)) } ?? .nan)
                let resolvedAt = list[p].resolvedAt
                if list[p].status == .resolved, let r = resolvedAt {
                    resTimes.append(r.timeIntervalSinceReferenceDate)
                    resPositions.append(Int32(p))
                    rep.append(max(0, r.timeIntervalSince(triggered)))
                } else {
                    rep.append(.nan)
                }
                if outageBits & (1 << list[p].severity.rawValue) != 0 {
                    rows.append(OutageRow(start: start, end: resolvedAt?.timeIntervalSinceReferenceDate,
                                          open: list[p].status != .resolved, service: list[p].service,
                                          id: list[p].id, title: list[p].title))
                }
            }
        } }
        ackDelay = ack
        repair = rep
        let resOrder = Columns.order(resTimes)
        res = resOrder.apply(resTimes)
        resPos = resOrder.apply(resPositions)
        outages = rows
        if let d = previous?.digest, sameTriggers {
            trig = d.trig; trigPos = d.trigPos; trigService = d.trigService; trigFlags = d.trigFlags
            services = d.services; serviceStarts = d.serviceStarts; serviceStartOffsets = d.serviceStartOffsets
            return
        }
        let order = Columns.order(t)
        trig = order.apply(t)
        trigPos = order.positions ?? (0..<Int32(t.count)).map { $0 }
        trigService = order.apply(service)
        trigFlags = order.apply(flags)
        services = names.names
        var offsets = [Int](repeating: 0, count: names.names.count + 1)
        for s in trigService { offsets[Int(s) + 1] += 1 }
        for s in 0..<names.names.count { offsets[s + 1] += offsets[s] }
        var next = offsets, starts = [Double](repeating: 0, count: trig.count)
        for (k, s) in trigService.enumerated() { starts[next[Int(s)]] = trig[k]; next[Int(s)] += 1 }
        serviceStarts = starts
        serviceStartOffsets = offsets
    }

    /// Whether the lists have the same length and, position by position, the same services,
    /// trigger times and paging (what the columns by trigger time are made of).
    private static func sameTriggers(_ a: [Incident], _ b: [Incident]) -> Bool {
        a.count == b.count && a.withUnsafeBufferPointer { a in
            b.withUnsafeBufferPointer { b in
                (0..<a.count).allSatisfy { a[$0].triggeredAt == b[$0].triggeredAt && a[$0].service == b[$0].service
                    && a[$0].paged == b[$0].paged }
            }
        }
    }

    /// Whether the digest's flags were computed with these settings.
    func matches(_ c: MetricsConfig) -> Bool {
        timeZone == c.timeZone && workingHours == c.workingHours && outageSeverities == c.outageSeverities
    }
}

/// Finished production deployments as columns, in time order (equal times in list order).
final class DeploymentDigest: Sendable {
    /// The list, for the versions that have no packed key.
    let list: [Deployment]
    /// The earliest deployment of any environment or outcome, seconds since the reference date.
    let earliest: Double?
    /// Services, by local id.
    let services: [String]
    /// Times, positions in the list, services and flags (1 success, 2 failure, 4 marked rollback, 16 marked rework).
    let at: [Double], pos: [Int32], service: [Int32], flags: [UInt8]
    /// The version packed for comparison (`VersionOrder.packed`), `UInt64.max` when it has none.
    let version: [UInt64]
    /// Deploy − commit, seconds, when the commit is known and earlier; NaN otherwise.
    let lead: [Double]

    /// The digest of `all`; each deployment whose environment, service, version and whether it
    /// is in progress are those of the deployment at its position in `previous` is kept or left
    /// out as there, with the service id and packed version it had there.
    /// When the list is the previous one with deployments appended or dropped from its end, the
    /// rest unchanged in every field read here, the previous columns are kept (without the
    /// dropped deployments' rows) and only the appended deployments digested; their rows go
    /// after the kept ones, and the columns are sorted again only when one is earlier.
    init(_ all: [Deployment], reusing previous: (list: [Deployment], digest: DeploymentDigest)? = nil) {
        list = all
        var names = Interner(names: previous?.digest.services ?? []), environments = Interner()
        var production: [Bool] = []   // by environment id
        var earliestAt: Double?
        var t = [Double](), p = [Int32](), s = [Int32](), f = [UInt8](), v = [UInt64](), l = [Double]()
        var from = 0   // the first position digested here
        if let previous, let kept = Self.unchangedPrefix(previous.list, all) {
            let d = previous.digest
            from = min(previous.list.count, all.count)
            earliestAt = kept
            // The rows kept: all but the dropped deployments', which are usually the last.
            var rows = d.pos.count
            while rows > 0 && d.pos[rows - 1] >= from { rows -= 1 }
            if d.pos[..<rows].allSatisfy({ $0 < from }) {
                t = Array(d.at[..<rows]); p = Array(d.pos[..<rows]); s = Array(d.service[..<rows])
                f = Array(d.flags[..<rows]); v = Array(d.version[..<rows]); l = Array(d.lead[..<rows])
            } else {
                for k in d.pos.indices where d.pos[k] < from {
                    t.append(d.at[k]); p.append(d.pos[k]); s.append(d.service[k]); f.append(d.flags[k])
                    v.append(d.version[k]); l.append(d.lead[k])
                }
            }
        }
        let old = from > 0 ? Reuse(nil, count: nil, positions: nil, service: nil)
            : Reuse(previous?.list, count: previous?.digest.list.count, positions: previous?.digest.pos,
                    service: previous?.digest.service, version: previous?.digest.version)
        t.reserveCapacity(all.count); p.reserveCapacity(all.count); s.reserveCapacity(all.count)
        f.reserveCapacity(all.count); v.reserveCapacity(all.count); l.reserveCapacity(all.count)
        all.withUnsafeBufferPointer { list in old.list.withUnsafeBufferPointer { prev in
            for k in from..<list.count {
                let date = list[k].at, time = date.timeIntervalSinceReferenceDate
                if earliestAt.map({ time < $0 }) ?? true { earliestAt = time }
                let outcome = list[k].outcome
                let reused = k < prev.count && prev[k].environment == list[k].environment
                    && (prev[k].outcome == .inProgress) == (outcome == .inProgress)
                    && prev[k].service == list[k].service && prev[k].version == list[k].version
                if reused {
                    guard old.service[k] >= 0 else { continue }   // left out there
                    s.append(old.service[k])
                    v.append(old.version[k])
                } else {
                    let e = Int(environments.id(list[k].environment))
                    if e == production.count { production.append(list[k].isProduction) }
                    guard production[e], outcome != .inProgress else { continue }
                    s.append(names.id(list[k].service))
                    v.append(VersionOrder.packed(list[k].version) ?? .max)
                }
                t.append(time); p.append(Int32(k))
                f.append((outcome == .success ? 1 : 2) | (list[k].markedRollback ? 4 : 0) | (list[k].markedRework ? 16 : 0))
                if let c = list[k].commitAt, date > c { l.append(date.timeIntervalSince(c)) } else { l.append(.nan) }
            }
        } }
        earliest = earliestAt
        services = names.names
        let order = Columns.order(t)
        at = order.apply(t)
        pos = order.apply(p)
        service = order.apply(s)
        flags = order.apply(f)
        version = order.apply(v)
        lead = order.apply(l)
    }

    /// When the first min(a.count, b.count) deployments of `b` are equal, in every field a
    /// digest reads, to `a`'s: their earliest time (nil when there are none); nil when one differs.
    private static func unchangedPrefix(_ a: [Deployment], _ b: [Deployment]) -> Double?? {
        let m = min(a.count, b.count)
        var earliest: Double?
        let same = a.withUnsafeBufferPointer { a in
            b.withUnsafeBufferPointer { b in
                for k in 0..<m {
                    guard a[k].at == b[k].at, a[k].outcome == b[k].outcome, a[k].environment == b[k].environment,
                          a[k].service == b[k].service, a[k].version == b[k].version, a[k].commitAt == b[k].commitAt,
                          a[k].markedRollback == b[k].markedRollback, a[k].markedRework == b[k].markedRework
                    else { return false }
                    let time = b[k].at.timeIntervalSinceReferenceDate
                    if earliest.map({ time < $0 }) ?? true { earliest = time }
                }
                return true
            }
        }
        return same ? .some(earliest) : nil
    }
}

/// Finished CI runs as columns, in order of finishing.
final class BuildDigest: Sendable {
    /// How many runs the list had.
    let count: Int
    /// Pipelines, by local id.
    let pipelines: [String]
    /// Finish times, positions in the list, pipelines and conclusions (1 success, 2 judged).
    let finished: [Double], pos: [Int32], pipeline: [Int32], flags: [UInt8]
    /// Durations by position in the list (NaN for runs not finished).
    let duration: [Double]

    /// The digest of `all`; each finished run whose pipeline is that of the finished run at its
    /// position in `previous` has the pipeline id it had there.
    init(_ all: [BuildRun], reusing previous: (list: [BuildRun], digest: BuildDigest)? = nil) {
        count = all.count
        var names = Interner(names: previous?.digest.pipelines ?? [])
        let old = Reuse(previous?.list, count: previous?.digest.count, positions: previous?.digest.pos,
                        service: previous?.digest.pipeline)
        var t = [Double](), p = [Int32](), s = [Int32](), f = [UInt8]()
        t.reserveCapacity(all.count); p.reserveCapacity(all.count); s.reserveCapacity(all.count); f.reserveCapacity(all.count)
        var d = [Double](repeating: .nan, count: all.count)
        all.withUnsafeBufferPointer { list in old.list.withUnsafeBufferPointer { prev in
            for k in 0..<list.count {
                guard let end = list[k].finishedAt else { continue }
                t.append(end.timeIntervalSinceReferenceDate); p.append(Int32(k))
                let reused = k < prev.count && prev[k].pipeline == list[k].pipeline && old.service[k] >= 0
                s.append(reused ? old.service[k] : names.id(list[k].pipeline))
                let conclusion = list[k].conclusion
                let judged = conclusion != .cancelled && conclusion != .skipped
                f.append((conclusion == .success ? 1 : 0) | (judged ? 2 : 0))
                d[k] = end.timeIntervalSince(list[k].startedAt)
            }
        } }
        pipelines = names.names
        duration = d
        let order = Columns.order(t)
        finished = order.apply(t)
        pos = order.apply(p)
        pipeline = order.apply(s)
        flags = order.apply(f)
    }
}

/// What a digest computed per position of the previous list (a name's id, flags, a packed
/// version), for the elements of the new list that are equal, in the fields it was computed
/// from, to the previous list's at the same position: appended, changed, dropped or moved
/// elements are computed again, the rest reused. The digests compare the fields in place
/// (`prev[k].service`): copying an element retains all its strings.
struct Reuse<Element> {
    /// The previous list (empty when there is none).
    let list: [Element]
    /// By position in `list`: the name id (-1: the element was left out of the digest), flags,
    /// packed version.
    let service: [Int32], flags: [UInt8], version: [UInt64]

    /// The digest of `list` (of `count` elements) had `service`, `flags` and `version` (when
    /// given) in rows that hold `positions` of the list.
    init(_ list: [Element]?, count: Int?, positions: [Int32]?, service: [Int32]?, flags: [UInt8]? = nil,
         version: [UInt64]? = nil) {
        guard let list, let positions, let service, count == list.count else {
            self.list = []; self.service = []; self.flags = []; self.version = []
            return
        }
        self.list = list
        var s = [Int32](repeating: -1, count: list.count)
        var f = [UInt8](repeating: 0, count: flags == nil ? 0 : list.count)
        var v = [UInt64](repeating: .max, count: version == nil ? 0 : list.count)
        for (k, p) in positions.enumerated() {
            s[Int(p)] = service[k]
            if let flags { f[Int(p)] = flags[k] }
            if let version { v[Int(p)] = version[k] }
        }
        self.service = s; self.flags = f; self.version = v
    }
}
