import Testing
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
