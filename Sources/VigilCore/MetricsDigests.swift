import Foundation
import Synchronization

// What the metrics need from one list of incidents, deployments or CI runs (one source's
// snapshot), as columns sorted by time, built once per list: a window's figures then come from a
// binary search and a walk over the window's rows (MetricsIndex.swift). Digests are kept per
// source and reused while the source's list is the same array (`DigestCache`).

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

    init(_ all: [Incident], config: MetricsConfig) {
        timeZone = config.timeZone; workingHours = config.workingHours; outageSeverities = config.outageSeverities
        count = all.count
        var names = Interner()
        var clock = LocalClock(config.timeZone)
        var t = [Double](), service = [Int32](), flags = [UInt8](), ack = [Double](), rep = [Double]()
        var resTimes = [Double](), resPositions = [Int32](), rows = [OutageRow]()
        t.reserveCapacity(all.count); service.reserveCapacity(all.count); flags.reserveCapacity(all.count)
        ack.reserveCapacity(all.count); rep.reserveCapacity(all.count)
        // Which severities are outages, as bits by raw value: a set lookup per incident (hashing
        // the severity) was 4 % of computing every figure from nothing.
        let outageBits = config.outageSeverities.reduce(0) { $0 | (1 << $1.rawValue) }
        // Fields are read in place (`list[p].field`): copying an `Incident` retains its strings.
        all.withUnsafeBufferPointer { list in
            for p in 0..<list.count {
                let triggered = list[p].triggeredAt, start = triggered.timeIntervalSinceReferenceDate
                t.append(start)
                service.append(names.id(list[p].service))
                var f: UInt8 = 0
                if list[p].paged {
                    f |= 1
                    if clock.isOffHours(triggered.timeIntervalSince1970, hours: config.workingHours) { f |= 2 }
                }
                flags.append(f)
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
                    let i = list[p]
                    rows.append(OutageRow(start: start, end: resolvedAt?.timeIntervalSinceReferenceDate,
                                          open: i.isOpen, service: i.service, id: i.id, title: i.title))
                }
            }
        }
        let order = Columns.stableOrder(t)
        trig = order.map { t[Int($0)] }
        trigPos = order
        trigService = order.map { service[Int($0)] }
        trigFlags = order.map { flags[Int($0)] }
        ackDelay = ack
        repair = rep
        let resOrder = Columns.stableOrder(resTimes)
        res = resOrder.map { resTimes[Int($0)] }
        resPos = resOrder.map { resPositions[Int($0)] }
        services = names.names
        var offsets = [Int](repeating: 0, count: names.names.count + 1)
        for s in trigService { offsets[Int(s) + 1] += 1 }
        for s in 0..<names.names.count { offsets[s + 1] += offsets[s] }
        var next = offsets, starts = [Double](repeating: 0, count: trig.count)
        for (k, s) in trigService.enumerated() { starts[next[Int(s)]] = trig[k]; next[Int(s)] += 1 }
        serviceStarts = starts
        serviceStartOffsets = offsets
        outages = rows
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

    init(_ all: [Deployment]) {
        list = all
        var names = Interner(), environments = Interner()
        var production: [Bool] = []   // by environment id
        var earliestAt: Double?
        var t = [Double](), p = [Int32](), s = [Int32](), f = [UInt8](), v = [UInt64](), l = [Double]()
        all.withUnsafeBufferPointer { list in
            for k in 0..<list.count {
                let date = list[k].at, time = date.timeIntervalSinceReferenceDate
                if earliestAt.map({ time < $0 }) ?? true { earliestAt = time }
                let e = Int(environments.id(list[k].environment))
                if e == production.count { production.append(list[k].isProduction) }
                let outcome = list[k].outcome
                guard production[e], outcome != .inProgress else { continue }
                t.append(time); p.append(Int32(k)); s.append(names.id(list[k].service))
                f.append((outcome == .success ? 1 : 2) | (list[k].markedRollback ? 4 : 0) | (list[k].markedRework ? 16 : 0))
                v.append(VersionOrder.packed(list[k].version) ?? .max)
                if let c = list[k].commitAt, date > c { l.append(date.timeIntervalSince(c)) } else { l.append(.nan) }
            }
        }
        earliest = earliestAt
        services = names.names
        let order = Columns.stableOrder(t)
        at = order.map { t[Int($0)] }
        pos = order.map { p[Int($0)] }
        service = order.map { s[Int($0)] }
        flags = order.map { f[Int($0)] }
        version = order.map { v[Int($0)] }
        lead = order.map { l[Int($0)] }
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

    init(_ all: [BuildRun]) {
        count = all.count
        var names = Interner()
        var t = [Double](), p = [Int32](), s = [Int32](), f = [UInt8]()
        var d = [Double](repeating: .nan, count: all.count)
        all.withUnsafeBufferPointer { list in
            for k in 0..<list.count {
                guard let end = list[k].finishedAt else { continue }
                t.append(end.timeIntervalSinceReferenceDate); p.append(Int32(k)); s.append(names.id(list[k].pipeline))
                let conclusion = list[k].conclusion
                let judged = conclusion != .cancelled && conclusion != .skipped
                f.append((conclusion == .success ? 1 : 0) | (judged ? 2 : 0))
                d[k] = end.timeIntervalSince(list[k].startedAt)
            }
        }
        pipelines = names.names
        duration = d
        let order = Columns.stableOrder(t)
        finished = order.map { t[Int($0)] }
        pos = order.map { p[Int($0)] }
        pipeline = order.map { s[Int($0)] }
        flags = order.map { f[Int($0)] }
    }
}

/// Digests kept per source and kind, reused while the source's list is the same array (the same
/// storage: an array that changed, or was decoded again, has new storage). Holding the array
/// keeps its storage alive, so its address cannot be reused by another list meanwhile.
final class DigestCache: Sendable {
    static let shared = DigestCache(capacity: 64)

    private struct Entry: Sendable {
        // The list (`[Incident]`, `[Deployment]` or `[BuildRun]`) and its digest.
        var list: any Sendable
        var digest: AnyObject & Sendable
    }

    private struct Store: ~Copyable {
        var entries: [String: Entry] = [:]
        var order: [String] = []
    }

    private let capacity: Int
    private let store = Mutex(Store())

    init(capacity: Int) { self.capacity = capacity }

    /// The digest of `list` kept under `key`, or a new one made by `make` (outside the lock).
    func digest<T: Sendable, D: AnyObject & Sendable>(_ key: String, _ list: [T], valid: (D) -> Bool = { _ in true },
                                                      _ make: () -> D) -> D {
        if let e = store.withLock({ $0.entries[key] }), let old = e.list as? [T], Self.same(old, list),
           let d = e.digest as? D, valid(d) {
            return d
        }
        let made = make()
        store.withLock { s in
            if s.entries.updateValue(Entry(list: list, digest: made), forKey: key) == nil {
                s.order.append(key)
                if s.order.count > capacity { s.entries[s.order.removeFirst()] = nil }
            }
        }
        return made
    }

    /// Forgets every digest, so the next figures are computed from scratch (for benchmarks).
    func removeAll() { store.withLock { $0 = Store() } }

    private static func same<T>(_ a: [T], _ b: [T]) -> Bool {
        a.count == b.count && a.withUnsafeBufferPointer { x in b.withUnsafeBufferPointer { y in x.baseAddress == y.baseAddress } }
    }
}
