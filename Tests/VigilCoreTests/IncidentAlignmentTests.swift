import Foundation
import Testing
@testable import VigilCore

/// `IncidentAlignment` walks two polls' lists side by side; whatever the edit between them, it
/// must find exactly the ids an index of the previous list finds.
@Suite struct IncidentAlignmentTests {
    /// Checks the alignment of `old` and `new` against a set of the previous ids.
    private func check(_ old: [Incident], _ new: [Incident], _ comment: Comment) {
        let a = IncidentAlignment(old: old, new: new)
        let known = Set(old.map(\.id))
        #expect(a.previous.count == new.count, comment)
        for (j, incident) in new.enumerated() {
            let k = Int(a.previous[j])
            if known.contains(incident.id) {
                #expect(k >= 0 && k < old.count && old[k].id == incident.id, comment)
            } else {
                #expect(k == -1, comment)
            }
        }
    }

    private func list(_ ids: some Sequence<Int>) -> [Incident] {
        ids.map { incident("I-\($0)", triggered: -Double($0)) }
    }

    @Test func findsWhatAnIndexFindsAfterEveryKindOfEdit() {
        var rng = SplitMix64(seed: 7)
        for round in 0..<300 {
            let n = rng.below(60)
            let old = list(0..<n)
            var ids = Array(0..<n)
            // Between 0 and 4 edits of random kinds, some of them large.
            for _ in 0..<rng.below(5) {
                switch rng.below(6) {
                case 0 where !ids.isEmpty:   // a few resolved and gone
                    let at = rng.below(ids.count)
                    ids.removeSubrange(at..<min(ids.count, at + 1 + rng.below(3)))
                case 1 where !ids.isEmpty:   // many gone at once (more than the look-ahead)
                    let at = rng.below(ids.count)
                    ids.removeSubrange(at..<min(ids.count, at + 1 + rng.below(20)))
                case 2:   // new ones, anywhere
                    let at = rng.below(ids.count + 1)
                    ids.insert(contentsOf: (0..<1 + rng.below(12)).map { 1_000 + round * 100 + $0 }, at: at)
                case 3 where ids.count > 1:   // one moved
                    let moved = ids.remove(at: rng.below(ids.count))
                    ids.insert(moved, at: rng.below(ids.count + 1))
                case 4:   // reordered entirely
                    ids.shuffle(using: &rng)
                default:   // an id listed twice
                    if let dup = ids.randomElement(using: &rng) { ids.insert(dup, at: rng.below(ids.count + 1)) }
                }
            }
            check(old, list(ids), "round \(round): \(n) -> \(ids)")
        }
    }

    @Test func edgeCases() {
        check([], [], "both empty")
        check([], list(0..<5), "all new")
        check(list(0..<5), [], "all gone")
        check(list(0..<100), list(50..<150), "half gone, half new")
        check(list(0..<100), list((0..<100).reversed()), "reversed")
        check(list([1, 1, 2]), list([1, 2, 2, 3]), "duplicates")
    }

    @Test func aPollThatResolvesAndAddsAnnouncesOnlyTheNewPage() {
        // Through the reducer: 200 open pages, then a poll where ten left, one came, one moved.
        var state = AppState(now: noon, size: Size(width: 120, height: 40), user: "alice", title: "t", sources: [("a", 30)])
        let first = (0..<200).map { incident("P-\($0)", triggered: -Double($0) * 60) }
        _ = reduce(&state, .sourceUpdated("a", SourceSnapshot(incidents: first), at: noon))
        var second = Array(first[10...])
        second.swapAt(3, 150)
        second.insert(incident("P-new", severity: .critical, triggered: -5), at: 100)
        _ = reduce(&state, .sourceUpdated("a", SourceSnapshot(incidents: second), at: noon.addingTimeInterval(30)))
        #expect(state.flash?.text.contains("New page") == true)
        #expect(state.flash?.text.contains("Incident P-new") == true)
        #expect(state.flash?.text.contains("more") == false)
    }
}
