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

    @Test func aListOfIncidentsTakes144BytesEach() {
        #expect(MemoryLayout<Incident>.stride == 144)
    }

    /// The source key is kept as where it starts in the id when it ends the id, else in the box:
    /// either way it reads back, follows a change of id, compares and hashes as a stored field.
    @Test func sourceKeyReadsBackWhereverItIsKept() {
        let fingerprint = "e75db90e1f2a3b4c"   // 16 bytes: one more than a string holds inline
        var a = Incident(id: "AM-\(fingerprint)", source: "am", sourceKey: fingerprint, title: "t", service: "s",
                         severity: .high, status: .triggered, triggeredAt: Date(timeIntervalSinceReferenceDate: 0))
        #expect(a.sourceKey == fingerprint && Array(a.sourceKeyUTF8) == Array(fingerprint.utf8))
        // Not an end of the id (a CloudWatch alarm's ARN, say): kept apart, same answers.
        var b = a
        b.sourceKey = "arn:aws:cloudwatch:eu-west-1:1:alarm:disk"
        #expect(b.sourceKey == "arn:aws:cloudwatch:eu-west-1:1:alarm:disk" && b != a)
        #expect(String(Substring(b.sourceKeyUTF8)) == b.sourceKey)
        b.sourceKey = fingerprint
        #expect(b == a && b.hashValue == a.hashValue)
        // The id changes, the key stays (whether or not it still ends the id).
        a.id = "X-\(fingerprint)"
        #expect(a.sourceKey == fingerprint && a.id == "X-\(fingerprint)")
        a.id = "other"
        #expect(a.sourceKey == fingerprint)
        a.id = "AM-\(fingerprint)"
        #expect(a == b)
        // Edge cases: empty, the whole id, non-ASCII, an id too long to point into.
        for (id, key) in [("AM-1", ""), ("same", "same"), ("Ü-café", "café"), ("é", "́"),
                          (String(repeating: "x", count: 300) + "k", "k"), ("short", "longer than the id")] {
            let i = Incident(id: id, source: "s", sourceKey: key, title: "t", service: "s", severity: .info,
                             status: .triggered, triggeredAt: Date(timeIntervalSinceReferenceDate: 0))
            #expect(i.sourceKey == key, "\(id) / \(key)")
            #expect(Array(i.sourceKeyUTF8) == Array(key.utf8))
        }
    }

    /// A timeline that opens with a common entry keeps it as a number and a time; it reads back,
    /// appends, compares and hashes exactly as the list it was given.
    @Test func timelineWithACommonOpeningReadsBackAsGiven() {
        let start = Date(timeIntervalSinceReferenceDate: 1_000)
        let opening = TimelineEntry(at: start, text: TimelineEntry.alertStartedFiring)
        let note = TimelineEntry(at: start + 60, text: "Silenced by ann")
        var a = Self.plain()
        #expect(a.timeline.isEmpty)
        a.timeline = [opening]
        #expect(a.timeline == [opening] && a != Self.plain())
        a.timeline.append(note)
        #expect(a.timeline == [opening, note])
        var b = Self.plain()
        b.timeline = [opening, note]
        #expect(a == b && a.hashValue == b.hashValue)
        // Another time of the same text is another timeline.
        b.timeline = [TimelineEntry(at: start + 1, text: TimelineEntry.alertStartedFiring), note]
        #expect(a != b)
        // The common text later in the list, or another text first: kept as the list.
        let later = [note, opening]
        a.timeline = later
        #expect(a.timeline == later)
        a.timeline = []
        #expect(a == Self.plain() && a.hashValue == Self.plain().hashValue)
        let made = Incident(id: "AM-1", source: "am", sourceKey: "1", title: "disk full", service: "db",
                            severity: .critical, status: .triggered, triggeredAt: start, timeline: [opening, note])
        var set = Self.plain()
        set.triggeredAt = start
        set.timeline = [opening, note]
        #expect(made == set && made.timeline == [opening, note])
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
