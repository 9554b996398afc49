import Foundation
import Testing
@testable import VigilCore

/// Random data with the awkward cases on purpose: ties in time, versions that compare as numbers
/// and as strings, rollbacks, open and oddly resolved incidents, runs that never finished, several
/// sources sharing services, remembered incidents, and time zones with daylight saving.
struct RandomData {
    var rng: SplitMix64
    let now: Date
    let services = ["checkout", "search", "auth", "a-very-long-service-name-on-the-heap", "ünïcode"]
    let versions = ["v1.2.10", "v1.2.9", "1.2", "v2.0.0-rc1", "v2.0.0-rc2", "2.0.0", "v2.0", "V3", "", "v",
                    "1.10", "1.9.9", "1.2.99999999999999999999", "1.a", "1.10a", "1.9x", "2.0.0+build5",
                    "v1.2-β", "0001.2", "1..2", "65535.1", "1.2.3.4.5", "v10.0.1"]

    init(seed: UInt64, now: Date = noon) { rng = SplitMix64(seed: seed); self.now = now }

    /// A time within the last 70 days, often on a whole hour or shared with another event.
    mutating func time() -> Date {
        let base = Double(rng.below(70 * 24)) * 3_600
        let jitter = rng.percent(30) ? 0 : Double(rng.below(3_600)) + (rng.percent(10) ? 0.25 : 0)
        return now.addingTimeInterval(-base - jitter + (rng.percent(5) ? 7_200 : 0))
    }

    mutating func incidents(_ n: Int, prefix: String) -> [Incident] {
        (0..<n).map { k in
            let t = time()
            let ack: Date? = rng.percent(60) ? t.addingTimeInterval(Double(rng.below(5_000)) - 200) : nil
            let res: Date? = rng.percent(70) ? t.addingTimeInterval(Double(rng.below(30_000)) - 100) : nil
            let status: IncidentStatus = res != nil ? (rng.percent(90) ? .resolved : .acknowledged)
                : (rng.percent(10) ? .resolved : (ack != nil ? .acknowledged : .triggered))
            return Incident(id: "\(prefix)-\(rng.below(n * 2))", source: prefix, sourceKey: "\(k)", title: "t\(k)",
                            service: services[rng.below(services.count)], severity: Severity.allCases[rng.below(4)],
                            status: status, triggeredAt: t, acknowledgedAt: ack, resolvedAt: res, paged: rng.percent(60))
        }
    }

    mutating func deployments(_ n: Int, prefix: String) -> [Deployment] {
        var list = (0..<n).map { k in
            Deployment(id: "\(prefix)-\(k)", service: services[rng.below(services.count)],
                       environment: ["production", "prod", "Production", "PRD", "staging"][rng.below(5)],
                       version: versions[rng.below(versions.count)], at: time(),
                       outcome: rng.percent(80) ? .success : (rng.percent(50) ? .failure : .inProgress),
                       markedRollback: rng.percent(5),
                       commitAt: rng.percent(70) ? now.addingTimeInterval(-Double(rng.below(80 * 86_400))) : nil,
                       markedRework: rng.percent(5))
        }
        if rng.percent(50) { list.sort { $0.at < $1.at } }   // most sources send them in order
        return list
    }

    mutating func builds(_ n: Int, prefix: String) -> [BuildRun] {
        (0..<n).map { k in
            let start = time()
            let done = rng.percent(90)
            let conclusions: [BuildConclusion] = [.success, .failure, .cancelled, .timedOut, .skipped]
            return BuildRun(id: "\(prefix)-\(k)", pipeline: ["CI", "deploy", "nightly"][rng.below(3)], startedAt: start,
                            finishedAt: done ? start.addingTimeInterval(Double(rng.below(4_000)) - 100 + 0.5) : nil,
                            conclusion: done ? conclusions[rng.below(5)] : .inProgress)
        }
    }

    mutating func config() -> MetricsConfig {
        var c = MetricsConfig()
        let zones = ["UTC", "America/New_York", "Europe/Berlin", "Australia/Lord_Howe", "Asia/Kolkata"]
        c.timeZone = TimeZone(identifier: zones[rng.below(zones.count)]) ?? c.timeZone
        let start = rng.below(12)
        c.workingHours = start..<(start + 1 + rng.below(12))
        c.failureLinkWindow = [3_600, 600, 86_400][rng.below(3)]
        if rng.percent(30) { c.outageSeverities = [.critical, .high] }
        return c
    }

    /// A state with 1–4 sources (some without one kind of data) and sometimes remembered incidents.
    mutating func state(size: Int) -> AppState {
        let ids = ["a", "b", "c", "d"].prefix(1 + rng.below(4))
        var state = AppState(now: now, size: Size(width: 80, height: 24), user: "t",
                             sources: ids.map { ($0, 30) })
        for id in ids {
            state.sources[id]?.snapshot = SourceSnapshot(
                incidents: rng.percent(85) ? incidents(rng.below(size), prefix: id) : nil,
                deployments: rng.percent(85) ? deployments(rng.below(size), prefix: id) : nil,
                builds: rng.percent(85) ? builds(rng.below(size), prefix: id) : nil)
        }
        if rng.percent(30) { state.history = incidents(rng.below(size), prefix: ids[0]) }
        state.metricsConfig = config()
        return state
    }
}

/// Compares every figure of the index with the reference, at several times, for every window.
func expectSameFigures(_ state: AppState, at times: [Date], _ comment: Comment) {
    let index = MetricsIndex.of(state)
    let cfg = state.metricsConfig
    let incidents = state.incidents, deployments = state.deployments, runs = state.builds
    for now in times {
        for window in TimeWindow.allCases {
            let bucket = window.bucketSeconds
            for (w, end) in [(window.interval(endingAt: now), now), (window.previousInterval(endingAt: now), now.addingTimeInterval(-window.seconds))] {
                #expect(index.builds(in: w, bucket: bucket) == Reference.builds(runs, in: w, bucket: bucket), comment)
                #expect(index.deployments(in: w, bucket: bucket)
                        == Reference.deployments(deployments, incidents: incidents, in: w, bucket: bucket, config: cfg), comment)
                #expect(index.pages(in: w, bucket: bucket) == Reference.pages(incidents, in: w, bucket: bucket, config: cfg), comment)
                #expect(index.mtta(in: w) == Reference.mtta(incidents, in: w), comment)
                #expect(index.mttr(in: w) == Reference.mttr(incidents, in: w), comment)
                var fast = index.outages(in: w, now: end, bucket: bucket)
                let slow = Reference.outages(incidents, in: w, now: end, bucket: bucket, config: cfg)
                // Services' minutes are added in dictionary order by the reference: equal to rounding.
                #expect(abs(fast.minutes - slow.minutes) <= 1e-9 * max(1, slow.minutes), comment)
                fast.minutes = slow.minutes
                #expect(fast == slow, comment)
            }
        }
        #expect(index.doraTier(now: now, historyStart: index.earliestDeployment)
                == Reference.doraTier(deployments, now: now, historyStart: deployments.map(\.at).min()), comment)
        #expect(index.doraTier(now: now, historyStart: nil) == Reference.doraTier(deployments, now: now, historyStart: nil), comment)
    }
}

@Suite struct MetricsIndexTests {
    @Test(arguments: 0..<60)
    func indexMatchesTheReference(seed: UInt64) {
        var data = RandomData(seed: seed)
        let state = data.state(size: seed < 10 ? 8 : 300)
        let times = [noon, noon.addingTimeInterval(60), noon.addingTimeInterval(-20 * day + 17), noon.addingTimeInterval(-45 * day)]
        expectSameFigures(state, at: times, "seed \(seed)")
    }

    @Test func versionOrderMatchesTheReference() {
        var rng = SplitMix64(seed: 99)
        let pieces = ["v", "V", "0", "1", "9", "10", "007", ".", "-", "+", "a", "rc", "é", "99999999999999999999", "65534", "65535"]
        func version() -> String { (0..<rng.below(7)).map { _ in pieces[rng.below(pieces.count)] }.joined() }
        for _ in 0..<20_000 {
            let a = version(), b = rng.percent(20) ? version() + "" : version()
            #expect(VersionOrder.isEarlier(a, than: b) == Reference.isEarlier(a, than: b), "\(a) vs \(b)")
        }
    }

    @Test func aPollOfOneSourceDigestsThatSourceOnly() {
        var data = RandomData(seed: 7)
        var state = data.state(size: 200)
        state.history = []
        state.sourceOrder = ["a", "b", "c"]
        for id in state.sourceOrder {
            state.sources[id] = SourceState(pollInterval: 30)
            state.sources[id]?.snapshot = SourceSnapshot(incidents: data.incidents(200, prefix: id),
                                                         deployments: data.deployments(200, prefix: id),
                                                         builds: data.builds(200, prefix: id))
        }
        let cache = DigestCache(capacity: 64)   // not the shared one, which tests running beside this one use
        let before = MetricsIndex.build(state, cache: cache)
        state.sources["b"]?.snapshot?.deployments?.append(
            Deployment(id: "new", service: "search", environment: "production", version: "v0.1", at: noon.addingTimeInterval(-60),
                       outcome: .success))
        let after = MetricsIndex.build(state, cache: cache)
        #expect(before.incidentDigests.count == 3 && before.buildDigests.count == 3)
        #expect(zip(before.incidentDigests, after.incidentDigests).allSatisfy { $0 === $1 })
        #expect(zip(before.buildDigests, after.buildDigests).allSatisfy { $0 === $1 })
        let day = TimeWindow.day.interval(endingAt: noon)
        #expect(after.deployments(in: day, bucket: hour).total == before.deployments(in: day, bucket: hour).total + 1)
        expectSameFigures(state, at: [noon], "after a poll of b")
        // The same figures a minute later come from the same index.
        let index = MetricsIndex.of(state)
        state.now = noon.addingTimeInterval(60)
        #expect(MetricsIndex.of(state) === index)
    }

    @Test func offHoursFollowDaylightSaving() {
        // 2026-11-01: New York leaves daylight saving at 06:00 UTC (02:00 EDT → 01:00 EST).
        var cfg = MetricsConfig()
        cfg.timeZone = TimeZone(identifier: "America/New_York")!
        cfg.workingHours = 0..<1
        let sunday = Date(timeIntervalSince1970: 1_793_505_600)   // 2026-11-01 04:00 UTC, Sunday 00:00 EDT
        let monday = sunday.addingTimeInterval(day + 2 * 3_600)   // Monday 01:00 EST (06:00 UTC); 02:00 in EDT
        let incidents = [Incident(id: "a", source: "t", sourceKey: "a", title: "", service: "s", severity: .high,
                                  status: .triggered, triggeredAt: monday, paged: true),
                         Incident(id: "b", source: "t", sourceKey: "b", title: "", service: "s", severity: .high,
                                  status: .triggered, triggeredAt: monday.addingTimeInterval(-3_600), paged: true)]
        let w = DateInterval(start: sunday, end: monday.addingTimeInterval(60))
        #expect(Metrics.pages(incidents, in: w, bucket: hour, config: cfg).offHours == 1)   // 01:00 EST is, 00:00 EST is not
        #expect(Reference.pages(incidents, in: w, bucket: hour, config: cfg).offHours == 1)
    }
}

extension SplitMix64 {
    /// True with probability `p` percent.
    mutating func percent(_ p: Int) -> Bool { below(100) < p }
}

/// Digests made with the previous list and digest at hand (a source polled again) give the
/// figures of digests made from nothing, whatever happened to the list in between.
@Suite struct MetricsReuseTests {
    /// Every figure of two indexes, for every window, at `now`.
    func expectSameFigures(_ a: MetricsIndex, _ b: MetricsIndex, now: Date, _ comment: Comment) {
        for window in TimeWindow.allCases {
            let bucket = window.bucketSeconds
            for w in [window.interval(endingAt: now), window.previousInterval(endingAt: now)] {
                #expect(a.builds(in: w, bucket: bucket) == b.builds(in: w, bucket: bucket), comment)
                #expect(a.deployments(in: w, bucket: bucket) == b.deployments(in: w, bucket: bucket), comment)
                #expect(a.pages(in: w, bucket: bucket) == b.pages(in: w, bucket: bucket), comment)
                #expect(a.mtta(in: w) == b.mtta(in: w), comment)
                #expect(a.mttr(in: w) == b.mttr(in: w), comment)
                #expect(a.outages(in: w, now: now, bucket: bucket) == b.outages(in: w, now: now, bucket: bucket), comment)
                #expect(a.outageSpans(in: w, now: now) == b.outageSpans(in: w, now: now), comment)
                #expect(a.deployMarks(in: w) == b.deployMarks(in: w), comment)
                #expect(a.deployMarks(in: w, service: "search") == b.deployMarks(in: w, service: "search"), comment)
                #expect(a.failedDeployments(in: w) == b.failedDeployments(in: w), comment)
            }
        }
        #expect(a.earliestDeployment == b.earliestDeployment, comment)
        #expect(a.doraTier(now: now, historyStart: nil) == b.doraTier(now: now, historyStart: nil), comment)
    }

    @Test func deploymentsAppendedShortenedOrChangedGiveTheSameFigures() {
        var data = RandomData(seed: 5)
        var list = data.deployments(300, prefix: "a").sorted { $0.at < $1.at }
        var state = AppState(now: noon, size: Size(width: 80, height: 24), user: "t", sources: [("a", 30)])
        let cache = DigestCache(capacity: 64)
        for step in ["first", "shortened", "appended", "appended earlier", "changed in the middle", "shortened to one", "emptied"] {
            switch step {
            case "shortened": list.removeLast(40)
            case "appended": list += data.deployments(20, prefix: "b").map { var d = $0; d.at = noon; return d }
            case "appended earlier": list += data.deployments(20, prefix: "c")
            case "changed in the middle": list[150].at = noon.addingTimeInterval(-60); list[150].outcome = .failure
            case "shortened to one": list.removeLast(list.count - 1)
            case "emptied": list = []
            default: break
            }
            state.sources["a"]?.snapshot = SourceSnapshot(deployments: list)
            let reused = MetricsIndex.build(state, cache: cache)
            let fresh = MetricsIndex.build(state, cache: DigestCache(capacity: 64))
            for now in [noon, noon.addingTimeInterval(-20 * day)] { expectSameFigures(reused, fresh, now: now, Comment(rawValue: step)) }
        }
    }

    @Test(arguments: 0..<30)
    func digestsMadeFromThePreviousOnesGiveTheSameFigures(seed: UInt64) {
        var data = RandomData(seed: 1_000 + seed)
        var state = data.state(size: 60)
        let cache = DigestCache(capacity: 64)   // not the shared one, which tests running beside this one use
        _ = MetricsIndex.build(state, cache: cache)
        for poll in 0..<8 {
            var what: [String] = []
            for id in state.sourceOrder {
                guard var snapshot = state.sources[id]?.snapshot else { continue }
                if let list = snapshot.incidents {
                    let (new, how) = data.polled(list, fresh: { $0.incidents($1, prefix: id) }) { data, i in
                        switch data.rng.below(5) {
                        case 0: i.status = .resolved; i.resolvedAt = data.time()
                        case 1: i.service = data.services[data.rng.below(data.services.count)]
                        case 2: i.triggeredAt = data.time()
                        case 3: i.paged.toggle()
                        default: i.severity = Severity.allCases[data.rng.below(4)]; i.title += "!"
                        }
                    }
                    snapshot.incidents = new; what.append("\(id) incidents \(how)")
                }
                if let list = snapshot.deployments {
                    let (new, how) = data.polled(list, fresh: { $0.deployments($1, prefix: id) }) { data, d in
                        switch data.rng.below(6) {
                        case 0: d.environment = d.isProduction ? "staging" : "prod"
                        case 1: d.outcome = [.success, .failure, .inProgress][data.rng.below(3)]
                        case 2: d.version = data.versions[data.rng.below(data.versions.count)]
                        case 3: d.service = data.services[data.rng.below(data.services.count)]
                        case 4: d.at = data.time()
                        default: d.markedRollback.toggle(); d.markedRework.toggle()
                        }
                    }
                    snapshot.deployments = new; what.append("\(id) deployments \(how)")
                }
                if let list = snapshot.builds {
                    let (new, how) = data.polled(list, fresh: { $0.builds($1, prefix: id) }) { data, b in
                        switch data.rng.below(3) {
                        case 0: b.pipeline = ["CI", "deploy", "nightly", "release"][data.rng.below(4)]
                        case 1: b.finishedAt = b.finishedAt == nil ? b.startedAt.addingTimeInterval(90) : nil
                        default: b.conclusion = .failure
                        }
                    }
                    snapshot.builds = new; what.append("\(id) builds \(how)")
                }
                state.sources[id]?.snapshot = snapshot
            }
            if data.rng.percent(20) { state.history = data.incidents(data.rng.below(30), prefix: state.sourceOrder[0]) }
            if data.rng.percent(10) { state.metricsConfig = data.config() }
            let comment = Comment(rawValue: "seed \(seed), poll \(poll): " + what.joined(separator: ", "))
            let reused = MetricsIndex.build(state, cache: cache)
            let fresh = MetricsIndex.build(state, cache: DigestCache(capacity: 64))
            expectSameFigures(reused, fresh, now: noon, comment)
            expectSameFigures(reused, fresh, now: noon.addingTimeInterval(-20 * day), comment)
        }
    }
}

extension RandomData {
    /// A list after a poll: elements appended, changed in the middle, dropped from the end or
    /// the middle, moved, or the list replaced by another one; and what happened.
    mutating func polled<T>(_ list: [T], fresh: (inout RandomData, Int) -> [T],
                            change: (inout RandomData, inout T) -> Void) -> ([T], String) {
        var list = list
        switch rng.below(7) {
        case 0: list += fresh(&self, 1 + rng.below(5)); return (list, "appended")
        case 1:
            for _ in 0..<1 + rng.below(3) where !list.isEmpty {
                let k = rng.below(list.count)
                change(&self, &list[k])
            }
            return (list, "changed in the middle")
        case 2: list.removeLast(min(list.count, 1 + rng.below(5))); return (list, "shortened")
        case 3: if !list.isEmpty { list.remove(at: rng.below(list.count)) }; return (list, "one dropped in the middle")
        case 4: list.shuffle(using: &rng); return (list, "reordered")
        case 5:
            if list.count > 2 { list.swapAt(0, list.count - 1) }
            list += fresh(&self, 1)
            change(&self, &list[0])
            return (list, "swapped, appended and changed")
        default: return (fresh(&self, rng.below(40)), "replaced")
        }
    }
}

/// The marks picked by service id equal the marks filtered by name.
@Suite struct DeployMarksByServiceTests {
    @Test func amongAndEachEqualFilteringByName() {
        var rng = SplitMix64(seed: 11)
        let services = ["checkout", "search", "auth", "billing"]
        let deployments = (0..<400).map { i in
            deploy("d\(i)", service: services[rng.below(4)], version: "v1.\(i).0", at: -Double(rng.below(20 * 86_400)),
                   outcome: rng.below(10) == 0 ? .failure : .success, rollback: rng.below(20) == 0)
        }
        let index = MetricsIndex(deployments: deployments)
        let w = DateInterval(start: noon.addingTimeInterval(-7 * 86_400), end: noon)
        let all = index.deployMarks(in: w)
        for chosen in [Set<String>(), ["search"], ["checkout", "auth"], ["nowhere", "billing"], Set(services)] {
            #expect(index.deployMarks(in: w, among: chosen) == all.filter { chosen.contains($0.service) })
            let each = index.deployMarks(in: w, each: chosen)
            #expect(Set(each.keys) == chosen)
            for name in chosen { #expect(each[name] == all.filter { $0.service == name }) }
        }
    }
}
