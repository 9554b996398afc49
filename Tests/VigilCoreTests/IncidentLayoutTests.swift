import Foundation
import Testing
@testable import VigilCore

/// `Incident` keeps its usually empty fields in a shared box and its optional times as numbers:
/// the properties must behave exactly as plain stored ones (set, clear, compare, hash).
@Suite struct IncidentLayoutTests {
    static func plain() -> Incident {
        Incident(id: "AM-1", source: "am", sourceKey: "1", title: "disk full", service: "db", severity: .critical,
                 status: .triggered, triggeredAt: Date(timeIntervalSinceReferenceDate: 1_000))
    }

    @Test func aListOfIncidentsTakes152BytesEach() {
        #expect(MemoryLayout<Incident>.stride == 152)
    }

    @Test func usuallyEmptyFieldsSetAndClearLikeStoredOnes() {
        var a = Self.plain()
        #expect(a.number == nil && a.acknowledgedBy == nil && a.dedupKey == nil && a.merged.isEmpty)
        #expect(a.acknowledgedAt == nil && a.resolvedAt == nil)
        let copy = a
        a.number = 42
        a.acknowledgedBy = "bob"
        a.dedupKey = "key"
        a.merged = [Self.plain()]
        a.acknowledgedAt = Date(timeIntervalSinceReferenceDate: 1_060)
        a.resolvedAt = Date(timeIntervalSinceReferenceDate: 1_120)
        #expect(a.number == 42 && a.acknowledgedBy == "bob" && a.dedupKey == "key" && a.merged == [Self.plain()])
        #expect(a.acknowledgedAt == Date(timeIntervalSinceReferenceDate: 1_060))
        #expect(a.resolvedAt == Date(timeIntervalSinceReferenceDate: 1_120))
        // The copy taken before is unchanged (boxes are never changed in place).
        #expect(copy == Self.plain() && copy.number == nil && copy.acknowledgedBy == nil)
        #expect(a != copy)
        // Cleared again, one at a time: equal to the plain one only once all are.
        a.number = nil; a.acknowledgedBy = nil; a.dedupKey = nil
        #expect(a != copy)
        a.merged = []; a.acknowledgedAt = nil; a.resolvedAt = nil
        #expect(a == copy && a.hashValue == copy.hashValue)
        // A time at the reference date itself (0) is a time, not "none".
        a.acknowledgedAt = Date(timeIntervalSinceReferenceDate: 0)
        #expect(a.acknowledgedAt == Date(timeIntervalSinceReferenceDate: 0) && a != copy)
    }

    @Test func equalFieldsInSeparateBoxesAreEqualAndHashAlike() {
        func made() -> Incident {
            Incident(id: "PD-1", source: "pd", sourceKey: "Q1", number: 7, title: "down", service: "api",
                     severity: .high, status: .acknowledged, triggeredAt: Date(timeIntervalSinceReferenceDate: 5),
                     acknowledgedAt: Date(timeIntervalSinceReferenceDate: 9), acknowledgedBy: "ann", dedupKey: "d")
        }
        let a = made(), b = made()
        #expect(a == b && a.hashValue == b.hashValue && Set([a, b]).count == 1)
        var c = b
        c.number = 8
        #expect(a != c)
        var d = b
        d.acknowledgedBy = "bob"
        #expect(a != d && Set([a, d]).count == 2)
        // Every field set through the initialiser reads back.
        #expect(a.number == 7 && a.acknowledgedBy == "ann" && a.dedupKey == "d")
        #expect(a.acknowledgedAt == Date(timeIntervalSinceReferenceDate: 9) && a.resolvedAt == nil)
    }
}
