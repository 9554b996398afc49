import Foundation
import Testing
import VigilCore
@testable import VigilStore

@Suite struct HistoryTests {
    @Test func recordUpsertsAndWritesOnlyWhatChanged() throws {
        let store = try VigilStore.inMemory()
        let a = incident("AM-a"), b = incident("AM-b", triggeredAt: t0.addingTimeInterval(10))
        #expect(try store.record(incidents: [a, b], source: "am", at: t0) == 2)
        // Same again a poll later: nothing to write.
        #expect(try store.record(incidents: [a, b], source: "am", at: t0.addingTimeInterval(30)) == 0)
        // One changed: one write.
        var a2 = a
        a2.status = .acknowledged; a2.acknowledgedAt = t0.addingTimeInterval(40); a2.acknowledgedBy = "alice"
        #expect(try store.record(incidents: [a2, b], source: "am", at: t0.addingTimeInterval(60)) == 1)
        // Unchanged for longer than the last-seen resolution: a cheap refresh of lastSeenAt.
        #expect(try store.record(incidents: [a2, b], source: "am",
                                 at: t0.addingTimeInterval(60 + VigilStore.lastSeenResolution)) == 2)
        let history = try store.history(since: t0)
        #expect(history.map(\.id) == ["AM-a", "AM-b"])
        #expect(history[0].status == .acknowledged && history[0].acknowledgedBy == "alice")
        #expect(history[0].acknowledgedAt == t0.addingTimeInterval(40))
        #expect(history[0].title == "disk full on db-1" && history[0].severity == .critical && history[0].paged)
        #expect(history[0].sourceKey == "a" && history[0].source == "am")
    }

    /// `record` remembers what it wrote, so an unchanged poll costs no statement per incident;
    /// what another process (a second Vigil on the same state directory) writes must not be
    /// hidden by that memory: SQLite's `data_version` tells, and the rows are read again.
    @Test func anotherProcessWritingIsNotHiddenByWhatARecordRemembers() throws {
        let directory = temporaryDirectory()
        defer { removeTemporary(directory) }
        let mine = try VigilStore(directory: directory), theirs = try VigilStore(directory: directory)
        try mine.record(incidents: [incident("AM-a")], source: "am", at: t0)
        #expect(try mine.record(incidents: [incident("AM-a")], source: "am", at: t0.addingTimeInterval(5)) == 0)
        // The other Vigil missed it in a poll and resolved it.
        #expect(try theirs.markMissing(source: "am", presentIDs: [], at: t0.addingTimeInterval(8)) == 1)
        // This one still sees it firing: the row is open again (not skipped as "unchanged").
        #expect(try mine.record(incidents: [incident("AM-a")], source: "am", at: t0.addingTimeInterval(10)) == 1)
        #expect(try mine.history(since: t0).map(\.status) == [.triggered])
        // The other acknowledged it: this one keeps that first acknowledgement.
        try theirs.record(incidents: [incident("AM-a", status: .acknowledged, acknowledgedAt: t0.addingTimeInterval(12),
                                               acknowledgedBy: "bob")], source: "am", at: t0.addingTimeInterval(12))
        try mine.record(incidents: [incident("AM-a")], source: "am", at: t0.addingTimeInterval(15))
        let row = try #require(try mine.history(since: t0).first)
        #expect(row.acknowledgedBy == "bob" && row.acknowledgedAt == t0.addingTimeInterval(12))
    }

    /// The memory follows what is in the file through markMissing, another source writing the
    /// same id, prune and a write that failed.
    @Test func whatARecordRemembersFollowsTheFile() throws {
        let store = try VigilStore.inMemory()
        try store.record(incidents: [incident("AM-a"), incident("AM-b")], source: "am", at: t0)
        // Resolved by markMissing, then back with the same start: reopened, not skipped.
        try store.markMissing(source: "am", presentIDs: ["AM-b"], at: t0.addingTimeInterval(5))
        #expect(try store.record(incidents: [incident("AM-a"), incident("AM-b")], source: "am",
                                 at: t0.addingTimeInterval(10)) == 1)
        #expect(try store.history(since: t0).allSatisfy(\.isOpen))
        // Another source writes the same id (acknowledged): the first source's next poll keeps it.
        try store.record(incidents: [incident("AM-a", status: .acknowledged, acknowledgedAt: t0.addingTimeInterval(12),
                                              acknowledgedBy: "carol")], source: "other", at: t0.addingTimeInterval(12))
        try store.record(incidents: [incident("AM-a"), incident("AM-b")], source: "am", at: t0.addingTimeInterval(15))
        let a = try #require(try store.history(since: t0).first { $0.id == "AM-a" })
        #expect(a.acknowledgedBy == "carol" && a.source == "am")
        // Pruned away, then seen again: a new row (not "unchanged").
        try store.markMissing(source: "am", presentIDs: [], at: t0.addingTimeInterval(20))
        try store.prune(olderThan: t0.addingTimeInterval(30))
        #expect(try store.history(since: t0).isEmpty)
        #expect(try store.record(incidents: [incident("AM-b")], source: "am", at: t0.addingTimeInterval(40)) == 1)
        #expect(try store.history(since: t0).map(\.id) == ["AM-b"])
    }

    /// A record that failed (the disk filled up half-way) was rolled back: the next poll writes
    /// it all, rather than taking what it had begun to remember for written.
    @Test func aRecordThatFailedIsWrittenByTheNextPoll() throws {
        let store = try VigilStore.inMemory()
        try store.record(incidents: [incident("AM-a")], source: "am", at: t0)
        try store.simulateFullDisk()
        let many = (0..<200).map { incident("AM-\($0)", title: String(repeating: "x", count: 4_000)) }
        #expect(storeError { _ = try store.record(incidents: many, source: "am", at: t0.addingTimeInterval(5)) } != nil)
        try store.simulateFullDisk(false)
        #expect(try store.record(incidents: many, source: "am", at: t0.addingTimeInterval(10)) == 200)
        #expect(try store.history(since: t0).count == 201)
    }

    @Test func pageKeysAreRememberedSoMergedAlertsStayMergedAfterARestart() throws {
        let store = try VigilStore.inMemory()
        var a = incident("AM-a")
        a.pagedAs = ["3cbe2a93", "29d5f8ab"]
        var b = incident("AM-b")
        b.dedupKey = "3cbe2a93"
        try store.record(incidents: [a, b], source: "am", at: t0)
        let byID = Dictionary(uniqueKeysWithValues: try store.history(since: t0).map { ($0.id, $0) })
        #expect(byID["AM-a"]?.pagedAs == ["3cbe2a93", "29d5f8ab"] && byID["AM-a"]?.dedupKey == nil)
        #expect(byID["AM-b"]?.dedupKey == "3cbe2a93" && byID["AM-b"]?.pagedAs == [])
        // A key that appears later is written (it is part of what is compared).
        a.pagedAs = ["3cbe2a93"]
        #expect(try store.record(incidents: [a], source: "am", at: t0.addingTimeInterval(30)) == 1)
    }

    @Test func theFirstAcknowledgementIsKeptWhenTheSourceForgetsIt() throws {
        let store = try VigilStore.inMemory()
        try store.record(incidents: [incident("AM-a", status: .acknowledged, acknowledgedBy: "bob")], source: "am",
                         at: t0.addingTimeInterval(20))
        // The silence expired: the source shows it triggered again, without an acknowledgement.
        try store.record(incidents: [incident("AM-a")], source: "am", at: t0.addingTimeInterval(600))
        let a = try #require(try store.history(since: t0).first)
        #expect(a.status == .triggered)
        #expect(a.acknowledgedAt == t0.addingTimeInterval(20) && a.acknowledgedBy == "bob")
    }

    @Test func markMissingResolvesOpenIncidentsTheSourceNoLongerLists() throws {
        let store = try VigilStore.inMemory()
        try store.record(incidents: [incident("AM-a"), incident("AM-b"), incident("AM-c", source: "other")],
                         source: "am", at: t0)
        try store.record(incidents: [incident("AM-x", source: "other")], source: "other", at: t0)
        let gone = t0.addingTimeInterval(900)
        #expect(try store.markMissing(source: "am", presentIDs: ["AM-b"], at: gone) == 2)
        #expect(try store.markMissing(source: "am", presentIDs: ["AM-b"], at: gone.addingTimeInterval(30)) == 0)
        let byID = Dictionary(uniqueKeysWithValues: try store.history(since: t0).map { ($0.id, $0) })
        #expect(byID["AM-a"]?.status == .resolved && byID["AM-a"]?.resolvedAt == gone)
        #expect(byID["AM-c"]?.status == .resolved)  // stored under the source it was recorded for
        #expect(byID["AM-b"]?.isOpen == true)
        #expect(byID["AM-x"]?.isOpen == true)       // another source is untouched
    }

    @Test func anIncidentThatReappearsIsReopenedOrBecomesANewOccurrence() throws {
        let store = try VigilStore.inMemory()
        try store.record(incidents: [incident("AM-a")], source: "am", at: t0)
        try store.markMissing(source: "am", presentIDs: [], at: t0.addingTimeInterval(60))
        // Back with the same start time (a poll that missed it): the same outage, open again.
        try store.record(incidents: [incident("AM-a")], source: "am", at: t0.addingTimeInterval(90))
        var history = try store.history(since: t0)
        #expect(history.count == 1 && history[0].isOpen && history[0].resolvedAt == nil)
        // Resolved for good, then the alert fires again later: two outages.
        try store.markMissing(source: "am", presentIDs: [], at: t0.addingTimeInterval(120))
        let refired = t0.addingTimeInterval(3_600)
        try store.record(incidents: [incident("AM-a", triggeredAt: refired)], source: "am", at: refired)
        history = try store.history(since: t0)
        #expect(history.map(\.triggeredAt) == [t0, refired])
        #expect(history[0].resolvedAt == t0.addingTimeInterval(120) && history[1].isOpen)
    }

    @Test func resolvedIncidentsKeepTheirResolutionTime() throws {
        let store = try VigilStore.inMemory()
        let resolvedAt = t0.addingTimeInterval(300)
        try store.record(incidents: [incident("PD-1", source: "pd", status: .resolved, resolvedAt: resolvedAt)],
                         source: "pd", at: t0.addingTimeInterval(400))
        // Without a time from the source: the time it was first seen resolved, kept on later polls.
        try store.record(incidents: [incident("PD-2", source: "pd", status: .resolved)], source: "pd",
                         at: t0.addingTimeInterval(500))
        #expect(try store.record(incidents: [incident("PD-2", source: "pd", status: .resolved)], source: "pd",
                                 at: t0.addingTimeInterval(530)) == 0)
        let byID = Dictionary(uniqueKeysWithValues: try store.history(since: t0).map { ($0.id, $0) })
        #expect(byID["PD-1"]?.resolvedAt == resolvedAt)
        #expect(byID["PD-2"]?.resolvedAt == t0.addingTimeInterval(500))
    }

    @Test func historySinceCoversTheWindowAndOpenIncidentsFromBefore() throws {
        let store = try VigilStore.inMemory()
        let day: TimeInterval = 86_400
        try store.record(incidents: [
            incident("old-resolved", status: .resolved, triggeredAt: t0.addingTimeInterval(-10 * day),
                     resolvedAt: t0.addingTimeInterval(-9 * day)),
            incident("old-open", triggeredAt: t0.addingTimeInterval(-10 * day)),
            incident("spans-start", status: .resolved, triggeredAt: t0.addingTimeInterval(-2 * day),
                     resolvedAt: t0.addingTimeInterval(-0.5 * day)),
            incident("recent", status: .resolved, triggeredAt: t0.addingTimeInterval(-0.2 * day),
                     resolvedAt: t0.addingTimeInterval(-0.1 * day)),
        ], source: "am", at: t0)
        let ids = try store.history(since: t0.addingTimeInterval(-day)).map(\.id)
        #expect(ids == ["old-open", "spans-start", "recent"])
    }

    @Test func pruneDeletesOldHistoryFinishedAcknowledgementsAndAuditButNeverPendingOnes() throws {
        let store = try VigilStore.inMemory()
        let day: TimeInterval = 86_400
        let old = t0.addingTimeInterval(-40 * day)
        try store.record(incidents: [
            incident("old", status: .resolved, triggeredAt: old, resolvedAt: old.addingTimeInterval(60)),
            incident("forgotten", triggeredAt: old),
        ], source: "am", at: old)
        try store.record(incidents: [incident("new")], source: "am", at: t0)
        let done = try store.enqueue(incidentID: "old", source: "am", sourceKey: "d", kind: .acknowledge, user: "u", at: old)
        try store.recordSuccess(id: done.id, confirmation: nil, at: old)
        let waiting = try store.enqueue(incidentID: "forgotten", source: "am", sourceKey: "o", kind: .acknowledge,
                                        user: "u", at: old)
        // Two incidents, the finished entry, and the three audit lines (all older than the cutoff).
        #expect(try store.prune(olderThan: t0.addingTimeInterval(-30 * day)) == 2 + 1 + 3)
        #expect(try store.history(since: old.addingTimeInterval(-day)).map(\.id) == ["new"])
        #expect(try store.pending().map(\.id) == [waiting.id])
        #expect(try store.outboxEntry(id: done.id) == nil)
        #expect(try store.auditLog().isEmpty)
    }
}
