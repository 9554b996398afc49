import Foundation
import Testing
import VigilCore
@testable import VigilStore

@Suite struct OutboxTests {
    @Test func enqueueWritesAPendingEntryThatIsDueAtOnce() throws {
        let store = try VigilStore.inMemory()
        let e = try store.enqueue(incidentID: "PD-Q1", source: "pd", sourceKey: "Q1", kind: .acknowledge,
                                  user: "alice", at: t0)
        #expect(e.state == .pending && e.attempts == 0 && e.nextAttemptAt == t0 && e.requestedAt == t0)
        #expect(try store.pending() == [e])
        #expect(try store.due(at: t0) == [e])
        #expect(try store.due(at: t0.addingTimeInterval(-1)).isEmpty)
        #expect(try store.outboxEntry(id: e.id) == e)
        #expect(try store.outboxEntry(id: 9_999) == nil)
    }

    @Test func anIdenticalPendingRequestIsNotQueuedTwice() throws {
        let store = try VigilStore.inMemory()
        let a = try store.enqueue(incidentID: "PD-Q1", source: "pd", sourceKey: "Q1", kind: .acknowledge, user: "alice", at: t0)
        let b = try store.enqueue(incidentID: "PD-Q1", source: "pd", sourceKey: "Q1", kind: .acknowledge, user: "alice",
                                  at: t0.addingTimeInterval(1))
        #expect(a == b)
        // Another user, or another incident, is another request.
        let c = try store.enqueue(incidentID: "PD-Q1", source: "pd", sourceKey: "Q1", kind: .acknowledge, user: "bob", at: t0)
        let d = try store.enqueue(incidentID: "PD-Q2", source: "pd", sourceKey: "Q2", kind: .acknowledge, user: "alice", at: t0)
        #expect(Set([a.id, c.id, d.id]).count == 3)
        #expect(try store.pending().count == 3)
        // One audit line per real enqueue.
        #expect(try store.auditLog().filter { $0.outcome == .queued }.count == 3)
        // Once done, the same request may be made again.
        try store.recordSuccess(id: a.id, confirmation: ActionConfirmation(by: "alice", at: t0), at: t0)
        let again = try store.enqueue(incidentID: "PD-Q1", source: "pd", sourceKey: "Q1", kind: .acknowledge, user: "alice", at: t0)
        #expect(again.id != a.id)
    }

    @Test func dueIsOldestFirstAndOneEntryPerIncidentInTheOrderAsked() throws {
        let store = try VigilStore.inMemory()
        let x1 = try store.enqueue(incidentID: "X", source: "am", sourceKey: "x", kind: .acknowledge, user: "alice",
                                   at: t0.addingTimeInterval(5))
        let y = try store.enqueue(incidentID: "Y", source: "am", sourceKey: "y", kind: .acknowledge, user: "alice", at: t0)
        let x2 = try store.enqueue(incidentID: "X", source: "am", sourceKey: "x", kind: .unacknowledge, user: "alice",
                                   at: t0.addingTimeInterval(6))
        // ack, un-ack, ack again: the third is a new request, queued behind the un-ack.
        let x3 = try store.enqueue(incidentID: "X", source: "am", sourceKey: "x", kind: .acknowledge, user: "alice",
                                   at: t0.addingTimeInterval(7))
        #expect(x3.id != x1.id)
        let now = t0.addingTimeInterval(10)
        #expect(try store.due(at: now).map(\.id) == [y.id, x1.id])
        #expect(try store.pending().map(\.id) == [x1.id, y.id, x2.id, x3.id])
        // The un-ack cannot be claimed before the ack is finished.
        #expect(try store.beginAttempt(id: x2.id, at: now) == nil)
        try store.recordSuccess(id: x1.id, confirmation: ActionConfirmation(by: "alice", at: now), at: now)
        #expect(try store.due(at: now).map(\.id) == [y.id, x2.id])
        try store.recordSuccess(id: x2.id, confirmation: nil, at: now)
        #expect(try store.due(at: now).map(\.id) == [y.id, x3.id])
    }

    @Test func failuresBackOffExponentiallyWithJitterFromTheInjectedSource() throws {
        let random = FixedRandom([1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0.5, 0])
        let store = try VigilStore.inMemory(random: random.next)
        let e = try store.enqueue(incidentID: "PD-Q1", source: "pd", sourceKey: "Q1", kind: .acknowledge, user: "alice", at: t0)
        var now = t0
        var waits: [TimeInterval] = []
        for _ in 0..<12 {
            let claimed = try #require(try store.beginAttempt(id: e.id, at: now))
            #expect(claimed.nextAttemptAt == now.addingTimeInterval(VigilStore.defaultLease))
            // Claimed: not due again while the send is in flight, not claimable twice.
            #expect(try store.due(at: now).isEmpty)
            #expect(try store.beginAttempt(id: e.id, at: now) == nil)
            let failed = try store.recordFailure(id: e.id, error: "connection refused", at: now)
            #expect(failed.state == .pending && failed.lastError == "connection refused")
            waits.append(failed.nextAttemptAt.timeIntervalSince(now))
            // Not due before the wait is over, due after.
            if failed.nextAttemptAt > now { #expect(try store.due(at: now).isEmpty) }
            now = failed.nextAttemptAt
            #expect(try store.due(at: now).map(\.id) == [e.id])
        }
        #expect(waits == [2, 4, 8, 16, 32, 64, 128, 256, 300, 300, 150, 0])
        let final = try #require(try store.outboxEntry(id: e.id))
        #expect(final.attempts == 12)
        let log = try store.auditLog()
        #expect(log.filter { $0.outcome == .sending }.count == 12)
        #expect(log.filter { $0.outcome == .failed }.count == 12)
        #expect(log.last?.message == "connection refused; next attempt in 0.0 s")
        #expect(log.first { $0.outcome == .failed }?.message == "connection refused; next attempt in 2.0 s")
    }

    @Test func aFailureReportedWithoutBeginAttemptCountsAsOneAttempt() throws {
        let store = try VigilStore.inMemory(random: { 1 })
        let e = try store.enqueue(incidentID: "A", source: "am", sourceKey: "a", kind: .acknowledge, user: "u", at: t0)
        let failed = try store.recordFailure(id: e.id, error: "timeout", at: t0)
        #expect(failed.attempts == 1 && failed.nextAttemptAt == t0.addingTimeInterval(2))
    }

    @Test func successAndAbandonFinishAnEntryAndAreAudited() throws {
        let store = try VigilStore.inMemory()
        let a = try store.enqueue(incidentID: "PD-Q1", source: "pd", sourceKey: "Q1", kind: .acknowledge, user: "alice", at: t0)
        let b = try store.enqueue(incidentID: "PD-Q2", source: "pd", sourceKey: "Q2", kind: .acknowledge, user: "alice", at: t0)
        _ = try store.beginAttempt(id: a.id, at: t0)
        let ackAt = t0.addingTimeInterval(3)
        let done = try store.recordSuccess(id: a.id, confirmation: ActionConfirmation(by: "alice", at: ackAt),
                                           at: t0.addingTimeInterval(4))
        #expect(done.state == .done && done.confirmedBy == "alice" && done.confirmedAt == ackAt)
        let gone = try store.abandon(id: b.id, reason: "already resolved", at: t0.addingTimeInterval(5))
        #expect(gone.state == .abandoned && gone.lastError == "already resolved")
        #expect(try store.pending().isEmpty)
        #expect(try store.due(at: t0.addingTimeInterval(1_000)).isEmpty)
        // Finished entries are not claimable, and abandoning a finished entry changes nothing.
        #expect(try store.beginAttempt(id: a.id, at: t0.addingTimeInterval(1_000)) == nil)
        #expect(try store.abandon(id: a.id, reason: "late", at: t0).state == .done)
        let log = try store.auditLog()
        #expect(log.map(\.outcome) == [.queued, .queued, .sending, .confirmed, .abandoned])
        #expect(log[3].message == "acknowledged by alice at 21:04")
        #expect(log[4].message == "already resolved")
        // An answer that arrives after the entry was abandoned still records the truth.
        let late = try store.recordSuccess(id: b.id, confirmation: ActionConfirmation(by: "alice", at: ackAt), at: ackAt)
        #expect(late.state == .done)
    }

    @Test func unknownIdsAreReportedAsSuch() throws {
        let store = try VigilStore.inMemory()
        let error = storeError { _ = try store.recordFailure(id: 42, error: "x", at: t0) }
        #expect(error == .unknownOutboxEntry(42))
        #expect(error?.description == "there is no acknowledgement #42 in the outbox")
        #expect(storeError { _ = try store.beginAttempt(id: 42, at: t0) } == .unknownOutboxEntry(42))
        #expect(storeError { _ = try store.recordSuccess(id: 42, confirmation: nil, at: t0) } == .unknownOutboxEntry(42))
        #expect(storeError { _ = try store.abandon(id: 42, reason: "x", at: t0) } == .unknownOutboxEntry(42))
    }

    @Test func pendingEntriesSurviveClosingAndReopening() throws {
        let directory = temporaryDirectory()
        defer { removeTemporary(directory) }
        var id: Int64 = 0
        do {
            let store = try VigilStore(directory: directory)
            id = try store.enqueue(incidentID: "PD-Q1", source: "pd", sourceKey: "Q1", kind: .acknowledge,
                                   user: "alice", at: t0).id
            _ = try store.beginAttempt(id: id, at: t0)
        }
        let reopened = try VigilStore(directory: directory)
        let pending = try reopened.pending()
        #expect(pending.map(\.id) == [id])
        // A send was started and never answered: the runtime must look at the source first.
        #expect(pending.first?.needsSourceCheck == true)
        #expect(try reopened.auditLog().map(\.outcome) == [.queued, .sending])
    }

    @Test func aClaimLeftByADeadProcessIsDueAtOnceAfterRestart() throws {
        let store = try VigilStore.inMemory()
        let e = try store.enqueue(incidentID: "X", source: "am", sourceKey: "x", kind: .acknowledge, user: "u", at: t0)
        _ = try #require(try store.beginAttempt(id: e.id, at: t0))
        // Our own claim: not due while the lease runs.
        #expect(try store.due(at: t0.addingTimeInterval(1)).isEmpty)

        // A process that has exited (as after kill -9) left the claim.
        let exited = Process()
        exited.executableURL = URL(fileURLWithPath: "/bin/true")
        try exited.run()
        exited.waitUntilExit()
        let host = ClaimOwner.current.split(separator: "/").first.map(String.init) ?? ""
        try setClaim(store, id: e.id, owner: "\(host)/\(exited.processIdentifier)/dead-token")
        #expect(try store.due(at: t0.addingTimeInterval(1)).map(\.id) == [e.id])
        let reclaimed = try #require(try store.beginAttempt(id: e.id, at: t0.addingTimeInterval(1)))
        #expect(reclaimed.attempts == 2 && reclaimed.needsSourceCheck)

        // An earlier run that had our process id.
        try setClaim(store, id: e.id, owner: "\(host)/\(ProcessInfo.processInfo.processIdentifier)/earlier-run")
        #expect(try store.due(at: t0.addingTimeInterval(2)).map(\.id) == [e.id])

        // A live process (pid 1), or another host: wait for the lease.
        try setClaim(store, id: e.id, owner: "\(host)/1/other")
        #expect(try store.due(at: t0.addingTimeInterval(2)).isEmpty)
        try setClaim(store, id: e.id, owner: "elsewhere/\(exited.processIdentifier)/x")
        #expect(try store.due(at: t0.addingTimeInterval(2)).isEmpty)
        #expect(try store.due(at: t0.addingTimeInterval(1 + VigilStore.defaultLease)).map(\.id) == [e.id])
    }

    @Test func checkAgainstTheSourceBeforeResending() {
        let ack = OutboxEntry(id: 1, incidentID: "AM-1", source: "am", sourceKey: "1", kind: .acknowledge, user: "alice",
                              requestedAt: t0, attempts: 1, nextAttemptAt: t0)
        let unack = OutboxEntry(id: 2, incidentID: "AM-1", source: "am", sourceKey: "1", kind: .unacknowledge,
                                user: "alice", requestedAt: t0, attempts: 1, nextAttemptAt: t0)
        let now = t0.addingTimeInterval(60)
        #expect(ack.check(against: incident("AM-1"), now: now) == .send)
        #expect(ack.check(against: incident("AM-1", status: .acknowledged, acknowledgedAt: t0, acknowledgedBy: "bob"),
                          now: now) == .alreadyDone(ActionConfirmation(by: "bob", at: t0)))
        #expect(ack.check(against: incident("AM-1", status: .acknowledged), now: now)
                == .alreadyDone(ActionConfirmation(by: "unknown", at: now)))
        #expect(ack.check(against: incident("AM-1", status: .resolved), now: now) == .moot("AM-1 is already resolved"))
        #expect(ack.check(against: nil, now: now) == .moot("AM-1 is no longer listed by am"))
        #expect(unack.check(against: incident("AM-1", status: .acknowledged), now: now) == .send)
        #expect(unack.check(against: incident("AM-1"), now: now) == .alreadyDone(nil))
        #expect(!OutboxEntry(id: 3, incidentID: "A", source: "s", sourceKey: "a", kind: .acknowledge, user: "u",
                             requestedAt: t0, nextAttemptAt: t0).needsSourceCheck)
    }

    private func setClaim(_ store: VigilStore, id: Int64, owner: String) throws {
        try store.write { db in
            try db.execute(sql: "UPDATE outbox SET claimedBy = ? WHERE id = ?", arguments: [owner, id])
        }
    }
}
