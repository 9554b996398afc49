import Testing
import VigilTestSupport
@testable import VigilCore

@Suite struct MemoTests {
    @Test func keepsTheValuesOfTheLatestRevisionsOnly() {
        let memo = Memo(capacity: 100, revisions: 2)
        for revision in UInt64(1)...10 {
            for name in ["incidents", "open", "figures"] {
                _ = memo.value(Memo.Key(revision: revision, name: name)) { [Int](repeating: Int(revision), count: 3) }
            }
        }
        // Revisions 9 and 10, three values each: older revisions' values (and what they hold) are gone.
        #expect(memo.count == 6)
        var computed = false
        let again = memo.value(Memo.Key(revision: 9, name: "open")) { () -> [Int] in computed = true; return [] }
        #expect(!computed && again == [9, 9, 9])
        _ = memo.value(Memo.Key(revision: 1, name: "open")) { () -> [Int] in computed = true; return [] }
        #expect(computed)
    }

    @Test func aHitKeepsItsRevisionRecent() {
        let memo = Memo(capacity: 100, revisions: 2)
        _ = memo.value(Memo.Key(revision: 1, name: "a")) { 1 }
        _ = memo.value(Memo.Key(revision: 2, name: "a")) { 2 }
        _ = memo.value(Memo.Key(revision: 1, name: "a")) { -1 }   // a hit: revision 1 is the latest used
        _ = memo.value(Memo.Key(revision: 3, name: "a")) { 3 }   // drops revision 2, not 1
        var computed = false
        #expect(memo.value(Memo.Key(revision: 1, name: "a")) { () -> Int in computed = true; return 0 } == 1)
        #expect(!computed)
        _ = memo.value(Memo.Key(revision: 2, name: "a")) { () -> Int in computed = true; return 0 }
        #expect(computed)
    }

    @Test func capacityBoundsTheValuesOfOneRevision() {
        let memo = Memo(capacity: 4, revisions: 2)
        for minute in 0..<10 { _ = memo.value(Memo.Key(revision: 1, name: "figures", extra: minute)) { minute } }
        #expect(memo.count == 4)
    }
}

/// The incident table's order, sorted by positions and keys, is the order of the rule itself:
/// most severe first, then oldest first, then by id; and the row index agrees with it.
@Suite struct OpenIncidentsOrderTests {
    @Test(arguments: [1, 2, 3, 4, 5])
    func theTableOrderIsTheRule(seed: UInt64) {
        var x = seed &* 0x9E37_79B9_7F4A_7C15
        func next(_ n: Int) -> Int { x = x &* 6364136223846793005 &+ 1442695040888963407; return Int((x >> 33) % UInt64(n)) }
        let severities: [Severity] = [.critical, .high, .warning, .info]
        var list: [Incident] = []
        for i in 0..<400 {
            // Few distinct times and severities, so ties (broken by id) are common.
            list.append(incident("I-\(next(1_000))-\(i)", severity: severities[next(4)], triggered: Double(-60 * next(8)),
                                 acked: next(3) == 0 ? 10 : nil, resolved: next(4) == 0 ? 20 : nil))
        }
        var state = AppState(now: noon, size: Size(width: 120, height: 40), user: "alice", title: "t", sources: [("a", 30), ("b", 30)])
        _ = reduce(&state, .sourceUpdated("a", SourceSnapshot(incidents: Array(list[..<250])), at: noon))
        _ = reduce(&state, .sourceUpdated("b", SourceSnapshot(incidents: Array(list[250...])), at: noon))
        let expected = list.filter(\.isOpen).sorted {
            if $0.severity != $1.severity { return $0.severity < $1.severity }
            if $0.triggeredAt != $1.triggeredAt { return $0.triggeredAt < $1.triggeredAt }
            return $0.id < $1.id
        }
        #expect(state.openIncidents.map(\.id) == expected.map(\.id))
        #expect(state.unacknowledgedCount == expected.filter { $0.status == .triggered }.count)
        for (row, incident) in expected.enumerated() { #expect(state.openRow(of: incident.id) == row) }
        #expect(state.openRow(of: "not-there") == nil)
    }
}

/// The table order carried over from the last poll (`OpenOrder`) is the order sorting gives,
/// whatever a poll changes.
@Suite struct OpenOrderTests {
    @Test func carriedOverOrderEqualsSortingAgain() {
        var rng = SplitMix64(seed: 5)
        let severities: [Severity] = [.critical, .high, .warning, .info]
        var list = (0..<300).map { i in
            incident("I-\(rng.below(40))-\(i)", severity: severities[rng.below(4)], triggered: -60 * Double(rng.below(10)),
                     acked: rng.below(3) == 0 ? 10 : nil, resolved: rng.below(5) == 0 ? 20 : nil)
        }
        var state = AppState(now: noon, size: Size(width: 120, height: 40), user: "alice", title: "t", sources: [("a", 30)])
        let carriedBefore = OpenOrder.last.carried.load(ordering: .relaxed)
        for poll in 0..<200 {
            // Polls acknowledge, resolve, reopen, add or drop a few (the order is carried over);
            // some change a severity or a time or reorder (it is sorted again).
            for _ in 0..<1 + rng.below(4) {
                let p = rng.below(list.count)
                switch rng.below(11) {
                case 0: list[p].status = .triggered; list[p].resolvedAt = nil
                case 1: list[p].severity = severities[rng.below(4)]
                case 2: list[p].triggeredAt = noon.addingTimeInterval(-60 * Double(rng.below(10)))
                case 3: list.swapAt(p, rng.below(list.count))
                case 4: list.insert(incident("N-\(poll)-\(p)", severity: severities[rng.below(4)], triggered: -60 * Double(rng.below(10))),
                                    at: rng.below(list.count + 1))
                case 8 where list.count > 10: list.remove(at: p)
                case 5, 6: list[p].status = .acknowledged; list[p].acknowledgedAt = noon
                default: list[p].status = .resolved; list[p].resolvedAt = noon
                }
            }
            _ = reduce(&state, .sourceUpdated("a", SourceSnapshot(incidents: list), at: noon.addingTimeInterval(Double(poll))))
            let expected = list.filter(\.isOpen).sorted {
                if $0.severity != $1.severity { return $0.severity < $1.severity }
                if $0.triggeredAt != $1.triggeredAt { return $0.triggeredAt < $1.triggeredAt }
                return $0.id < $1.id
            }
            #expect(state.openIncidents.map(\.id) == expected.map(\.id), "poll \(poll)")
            #expect(state.unacknowledgedCount == expected.filter { $0.status == .triggered }.count, "poll \(poll)")
        }
        #expect(OpenOrder.last.carried.load(ordering: .relaxed) - carriedBefore >= 50, "most polls carry the order over")
    }
}
