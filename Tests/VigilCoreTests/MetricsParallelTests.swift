import Foundation
import Testing
@testable import VigilCore

/// The digests made on several threads (`MetricsIndex.build`, `DigestJob.run`) and the small
/// building blocks made cheaper for computing every figure from nothing (the interner's slots,
/// the local clock's offsets, packed versions) give what they gave before.
@Suite struct MetricsParallelTests {
    /// The columns of two indexes, bit for bit (NaN included).
    func expectSameColumns(_ a: MetricsIndex, _ b: MetricsIndex, _ comment: Comment) {
        #expect(a.deployAt == b.deployAt && a.deployFlags == b.deployFlags && a.deployService == b.deployService, comment)
        #expect(a.deployLead.map(\.bitPattern) == b.deployLead.map(\.bitPattern), comment)
        #expect(a.deployRecovery.map(\.bitPattern) == b.deployRecovery.map(\.bitPattern), comment)
        #expect(a.deployServiceNames == b.deployServiceNames && a.earliestDeployment == b.earliestDeployment, comment)
        #expect(a.incidentDigests.count == b.incidentDigests.count && a.buildDigests.count == b.buildDigests.count, comment)
        for (x, y) in zip(a.incidentDigests, b.incidentDigests) {
            #expect(x.trig == y.trig && x.trigPos == y.trigPos && x.trigService == y.trigService && x.trigFlags == y.trigFlags, comment)
            #expect(x.res == y.res && x.resPos == y.resPos && x.services == y.services, comment)
            #expect(x.serviceStarts == y.serviceStarts && x.serviceStartOffsets == y.serviceStartOffsets, comment)
        }
        for (x, y) in zip(a.buildDigests, b.buildDigests) {
            #expect(x.finished == y.finished && x.pos == y.pos && x.pipeline == y.pipeline && x.flags == y.flags, comment)
            #expect(x.pipelines == y.pipelines, comment)
        }
    }

    @Test(arguments: 0..<24)
    func digestsMadeOnSeveralThreadsGiveTheSameIndex(seed: UInt64) {
        var data = RandomData(seed: 3_000 + seed)
        var state = data.state(size: 400)
        let threads = DigestCache(capacity: 64), one = DigestCache(capacity: 64)
        for poll in 0..<4 {
            let comment = Comment(rawValue: "seed \(seed), poll \(poll)")
            let parallel = MetricsIndex.build(state, cache: threads, parallelFrom: 0)
            let serial = MetricsIndex.build(state, cache: one, parallelFrom: .max)
            expectSameColumns(parallel, serial, comment)
            MetricsReuseTests().expectSameFigures(parallel, serial, now: noon, comment)
            // The digests made on other threads were kept: the same lists give the same digests
            // (remembered incidents are merged with the live ones into a new list each time).
            let again = MetricsIndex.build(state, cache: threads, parallelFrom: 0)
            if state.history.isEmpty && !state.mergesPages {
                #expect(zip(again.incidentDigests, parallel.incidentDigests).allSatisfy { $0 === $1 }, comment)
            }
            #expect(zip(again.buildDigests, parallel.buildDigests).allSatisfy { $0 === $1 }, comment)
            // A poll: some sources' lists change, the others' digests are reused.
            for id in state.sourceOrder where data.rng.percent(50) {
                guard var snapshot = state.sources[id]?.snapshot else { continue }
                snapshot.incidents? += data.incidents(1 + data.rng.below(5), prefix: id)
                snapshot.deployments? += data.deployments(1 + data.rng.below(5), prefix: id)
                if data.rng.percent(50) { snapshot.builds = data.builds(data.rng.below(400), prefix: id) }
                state.sources[id]?.snapshot = snapshot
            }
            if data.rng.percent(20) { state.history = data.incidents(data.rng.below(100), prefix: state.sourceOrder[0]) }
        }
    }

    /// `DigestJob.run` on several threads gives each job's digest in the jobs' order.
    @Test func jobsOnSeveralThreadsComeBackInOrder() {
        var data = RandomData(seed: 77)
        let cfg = MetricsConfig()
        var jobs: [DigestJob] = []
        for k in 0..<12 {
            switch k % 3 {
            case 0: jobs.append(.incidents(key: "i\(k)", list: data.incidents(50 * k, prefix: "i"), previous: nil, slot: k))
            case 1: jobs.append(.deployments(key: "d\(k)", list: data.deployments(50 * k, prefix: "d"), previous: nil, slot: k))
            default: jobs.append(.builds(key: "b\(k)", list: data.builds(50 * k, prefix: "b"), previous: nil, slot: k))
            }
        }
        let parallel = DigestJob.run(jobs, config: cfg, parallelFrom: 0), serial = DigestJob.run(jobs, config: cfg, parallelFrom: .max)
        #expect(parallel.count == jobs.count)
        for (k, (p, s)) in zip(parallel, serial).enumerated() {
            switch (p, s) {
            case let (.incidents(x), .incidents(y)): #expect(k % 3 == 0 && x.count == y.count && x.trig == y.trig)
            case let (.deployments(x), .deployments(y)): #expect(k % 3 == 1 && x.list.count == y.list.count && x.at == y.at)
            case let (.builds(x), .builds(y)): #expect(k % 3 == 2 && x.count == y.count && x.finished == y.finished)
            default: Issue.record("job \(k): digests of different kinds")
            }
        }
    }

    /// Ids in first-seen order, for names that share their storage or not, small or on the heap,
    /// more of them than the interner has slots (so that they evict each other). Every string
    /// stays alive meanwhile, as a digested list's do: a freed string's storage may be reused
    /// by another string of the same length.
    @Test func internerGivesFirstSeenIDs() {
        var rng = SplitMix64(seed: 11)
        let heap = (0..<300).map { "a-service-name-long-enough-for-the-heap-\($0)" }
        let small = (0..<300).map { "svc-\($0)" }
        // The same texts in storage of their own.
        let copies = (heap + small).map { String(decoding: Array($0.utf8), as: UTF8.self) }
        var interner = Interner(), reference: [String: Int32] = [:], names: [String] = []
        var wrong = 0
        for k in 0..<40_000 {
            let half = rng.below(2)
            // Few names most of the time (as services are), all of them now and then.
            let i = rng.below(k % 1_000 < 800 ? 12 : 300)
            let s = rng.percent(10) ? copies[half * 300 + i] : (half == 0 ? heap[i] : small[i])
            let expected: Int32
            if let known = reference[s] { expected = known } else {
                expected = Int32(names.count)
                names.append(s)
                reference[s] = expected
            }
            if interner.id(s) != expected { wrong += 1 }
        }
        #expect(wrong == 0)
        #expect(interner.names == names)
    }

    /// The local clock's offsets kept per hour (4,096 slots, years of hours) give what a clock
    /// that keeps nothing gives, across daylight saving changes.
    @Test(arguments: ["UTC", "America/New_York", "Europe/Berlin", "Australia/Lord_Howe", "Asia/Kolkata"])
    func localClockKeepsOffsetsRight(zone: String) throws {
        let tz = try #require(TimeZone(identifier: zone))
        var rng = SplitMix64(seed: 5)
        var clock = LocalClock(tz)
        let recent = (0..<40).map { _ in 1_760_000_000 + Double(rng.below(30 * 86_400)) }
        var wrong = 0
        for _ in 0..<6_000 {
            let t = rng.percent(50) ? recent[rng.below(recent.count)] + Double(rng.below(7_200)) - 3_600
                : 1_600_000_000 + Double(rng.below(4 * 365 * 86_400)) + (rng.percent(20) ? 0.25 : 0)
            let start = rng.below(12), hours = start..<(start + 1 + rng.below(12))
            var fresh = LocalClock(tz)
            if clock.isOffHours(t, hours: hours) != fresh.isOffHours(t, hours: hours) { wrong += 1 }
        }
        #expect(wrong == 0, "\(zone)")
    }

    /// The packing of versions before it was made faster (2026-12-06), as the reference.
    static func referencePacked(_ v: String) -> UInt64? {
        let bytes = Array(v.utf8)
        var i = 0, parts = 0
        var packed: UInt64 = 0, part: UInt64 = 0, inPart = false
        if i < bytes.count, bytes[i] == UInt8(ascii: "v") || bytes[i] == UInt8(ascii: "V") { i += 1 }
        while i <= bytes.count {
            let c = i < bytes.count ? bytes[i] : UInt8(ascii: ".")
            i += 1
            if c >= 48 && c <= 57 {
                part = part * 10 + UInt64(c - 48)
                if part >= 0xFFFF { return nil }
                inPart = true
            } else if c == UInt8(ascii: ".") || c == UInt8(ascii: "-") || c == UInt8(ascii: "+") {
                guard inPart else { continue }
                if parts == 4 { return nil }
                packed |= part << UInt64(48 - 16 * parts)
                parts += 1; part = 0; inPart = false
            } else {
                return nil
            }
        }
        return packed
    }

    @Test func packedVersionsAreThoseOfTheReference() {
        var rng = SplitMix64(seed: 123)
        let pieces = ["v", "V", "0", "1", "9", "10", "007", ".", "-", "+", "a", "rc", "é", "65534", "65535", "6553",
                      "99999999999999999999", "1.2.3.4", "v1.2.3", " "]
        for v in ["", "v", "V", ".", "v.", "1", "v1.2.3.4", "1.2.3.4.5", "65534", "65535", "v1..2", "1.2-", "ü1"] {
            #expect(VersionOrder.packed(v) == Self.referencePacked(v), "\(v)")
        }
        var wrong: [String] = []
        for _ in 0..<50_000 {
            let v = (0..<rng.below(8)).map { _ in pieces[rng.below(pieces.count)] }.joined()
            if VersionOrder.packed(v) != Self.referencePacked(v) { wrong.append(v) }
        }
        #expect(wrong.isEmpty, "\(wrong.prefix(5))")
    }
}
