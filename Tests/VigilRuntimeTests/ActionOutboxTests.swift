import Foundation
import Synchronization
import Testing
@testable import VigilCore
@testable import VigilRuntime
@testable import VigilSources
@testable import VigilStore

/// A source whose acknowledgements fail while `down` is set, and which remembers acks it took.
final class FlakySource: Source {
    let id: SourceID = "flaky"
    let pollInterval: Duration = .seconds(1)
    let down = Mutex(true)
    let acked = Mutex<[String: ActionConfirmation]>([:])
    let calls = Mutex(0)

    func poll(now: Date) async throws -> PollResult { PollResult(SourceSnapshot(incidents: [incident(now)])) }

    func incident(_ now: Date) -> Incident {
        let ack = acked.withLock { $0["1"] }
        return Incident(id: "F-1", source: id, sourceKey: "1", title: "Queue stuck", service: "jobs", severity: .high,
                        status: ack == nil ? .triggered : .acknowledged, triggeredAt: now.addingTimeInterval(-300),
                        acknowledgedAt: ack?.at, acknowledgedBy: ack?.by)
    }

    func perform(_ action: IncidentAction, on incident: Incident, by user: String, now: Date) async throws
        -> ActionConfirmation {
        guard action == .acknowledge else { throw unsupported(action) }
        calls.withLock { $0 += 1 }
        if down.withLock({ $0 }) { throw SourceError(.refused, "connection refused (127.0.0.1:9)") }
        let c = ActionConfirmation(by: user, at: now)
        acked.withLock { $0["1"] = c }
        return c
    }
}

private func drain(_ inbox: Inbox, until done: ([Event]) -> Bool) async -> [Event] {
    var got: [Event] = []
    for _ in 0..<300 {
        got += inbox.drain()
        if done(got) { return got }
        try? await Task.sleep(for: .milliseconds(10))
    }
    return got
}

@Suite(.serialized) struct ActionOutboxTests {
    @Test func anUnreachableSourceIsRetriedUntilItConfirmsAndNothingIsLost() async throws {
        let store = try VigilStore.inMemory(random: { 0 })          // no jitter: retry at once
        let source = FlakySource()
        let inbox = Inbox(wakeup: nil)
        let clock = Mutex(Date(timeIntervalSince1970: 1_795_694_400))
        let outbox = ActionOutbox(store: store, sources: ["flaky": source], inbox: inbox, now: { clock.withLock { $0 } })

        await outbox.submit(.acknowledge, on: source.incident(clock.withLock { $0 }), by: "alice")?.value
        let first = await drain(inbox) { $0.contains { if case .actionRetrying = $0 { return true } else { return false } } }
        #expect(first.contains { if case .actionRetrying(let id, .acknowledge, let e, _) = $0 { return id == "F-1" && e.kind == .refused } else { return false } })
        #expect(try store.pending().count == 1)                      // saved, not lost

        // The source comes back; the retry checks it first (still triggered), then sends.
        source.down.withLock { $0 = false }
        clock.withLock { $0 = $0.addingTimeInterval(600) }
        let now = clock.withLock { $0 }
        for t in outbox.retryDue(incident: { _ in source.incident(now) }, answered: { _ in true }) { await t.value }
        let second = await drain(inbox) { $0.contains { if case .actionConfirmed = $0 { return true } else { return false } } }
        #expect(second.contains { if case .actionConfirmed("F-1", .acknowledge, let c) = $0 { return c.by == "alice" } else { return false } })
        #expect(try store.pending().isEmpty)
        #expect(source.calls.withLock { $0 } == 2)
        let log = try store.auditLog(limit: nil).map(\.outcome)
        #expect(log.first == .queued && log.last == .confirmed && log.contains(.failed))
    }

    @Test func afterACrashMidSendARetryChecksTheSourceAndDoesNotSendTwice() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-outbox-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        defer { try? FileManager.default.removeItem(at: dir) }
        let source = FlakySource()
        source.down.withLock { $0 = false }
        let t0 = Date(timeIntervalSince1970: 1_795_694_400)
        // Run 1: saved and sent, but the process dies before the answer is recorded
        // (the source did take it).
        do {
            let store = try VigilStore(directory: dir)
            let entry = try store.enqueue(incidentID: "F-1", source: "flaky", sourceKey: "1", kind: .acknowledge,
                                          user: "alice", at: t0)
            _ = try store.beginAttempt(id: entry.id, at: t0, lease: 0)
            _ = try await source.perform(.acknowledge, on: source.incident(t0), by: "alice", now: t0)
        }
        // Run 2: the pending entry is found, checked against the source's poll, and closed
        // without a second acknowledgement.
        let store = try VigilStore(directory: dir)
        let inbox = Inbox(wakeup: nil)
        let later = t0.addingTimeInterval(120)
        let outbox = ActionOutbox(store: store, sources: ["flaky": source], inbox: inbox, now: { later })
        #expect(outbox.pending().map(\.incidentID) == ["F-1"])
        // Before the source has answered a poll, nothing is re-sent blind.
        #expect(outbox.retryDue(incident: { _ in nil }, answered: { _ in false }).isEmpty)
        #expect(try store.pending().count == 1)
        for t in outbox.retryDue(incident: { _ in source.incident(later) }, answered: { _ in true }) { await t.value }
        let got = await drain(inbox) { !$0.isEmpty }
        #expect(got.contains { if case .actionConfirmed("F-1", .acknowledge, let c) = $0 { return c.by == "alice" } else { return false } })
        #expect(source.calls.withLock { $0 } == 1)
        #expect(try store.pending().isEmpty)
    }

    @Test func aRefusalIsNotRetried() async throws {
        let store = try VigilStore.inMemory()
        let inbox = Inbox(wakeup: nil)
        let t0 = Date(timeIntervalSince1970: 1_795_694_400)
        let demo = try DemoSource(directory: URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("sample-data"),
                                  startedAt: t0, ackLatencyMilliseconds: 0...0)
        let snapshot = try await demo.poll(now: t0).snapshot
        let acked = try #require(snapshot.incidents?.first { $0.status == .acknowledged && $0.isOpen })
        let outbox = ActionOutbox(store: store, sources: ["demo": demo], inbox: inbox, now: { t0 })
        await outbox.submit(.acknowledge, on: acked, by: "bob")?.value
        let got = await drain(inbox) { !$0.isEmpty }
        #expect(got.contains { if case .actionFailed(_, _, let e) = $0 { return e.message.contains("already acknowledged") && e.kind == .rejected } else { return false } })
        #expect(try store.pending().isEmpty)                           // abandoned, not retried forever
        #expect(try store.auditLog(limit: nil).last?.outcome == .abandoned)
    }

    @Test func transientAndPermanentErrorsAreToldApartByKind() {
        // The kind decides; the message text plays no part.
        #expect(SourceError(.refused, "connection refused (127.0.0.1:9093)").isTransient)
        #expect(SourceError(.rateLimited(until: nil), "slow down").isTransient)
        #expect(SourceError(.httpStatus(503), "unavailable").isTransient)
        #expect(!SourceError(.rejected, "PD-1 is already resolved").isTransient)
        #expect(!SourceError(.rejected, "HTTP 503 in a comment is still a refusal").isTransient)
        #expect(!SourceError(.forbidden, "read-only key").isTransient)
        // Not an answer from the source (shutdown): the action is kept.
        #expect(ActionOutbox.sourceError(CancellationError()).isTransient)
    }

    @Test func aStoreThatCannotSaveFallsBackToMemoryAndStillSends() async throws {
        let store = try VigilStore.inMemory()
        try store.simulateFullDisk()
        // Fill what room the file had left, as a disk that filled up since start.
        for i in 0..<200 {
            do {
                try store.enqueue(incidentID: "B\(i)", source: "s", sourceKey: String(repeating: "x", count: 4_000),
                                  kind: .acknowledge, user: "u", at: Date(timeIntervalSince1970: 0))
            } catch { break }
        }
        let source = FlakySource()
        source.down.withLock { $0 = false }
        let inbox = Inbox(wakeup: nil)
        let t0 = Date(timeIntervalSince1970: 1_795_694_400)
        let outbox = ActionOutbox(store: store, sources: ["flaky": source], inbox: inbox, now: { t0 })
        await outbox.submit(.acknowledge, on: source.incident(t0), by: "alice")?.value
        let got = await drain(inbox) { $0.contains { if case .actionConfirmed = $0 { return true } else { return false } } }
        #expect(got.contains { if case .storeProblem(let m) = $0 { return m.contains("kept in memory") } else { return false } })
        #expect(got.contains { if case .actionConfirmed("F-1", .acknowledge, _) = $0 { return true } else { return false } })
        #expect(source.calls.withLock { $0 } == 1)
    }

    @Test func eachActionKeepsItsValueInTheStore() throws {
        let store = try VigilStore.inMemory()
        let t0 = Date(timeIntervalSince1970: 1_795_694_400)
        for action in [IncidentAction.snooze(seconds: 3_600), .note("rolled back 14:05"), .reassign(to: "bob"), .resolve] {
            _ = try store.enqueue(incidentID: "X-\(action.kind)", source: "s", sourceKey: "k", kind: action.kind,
                                  argument: action.argument, user: "alice", at: t0)
        }
        #expect(try store.pending().compactMap(\.action) == [.snooze(seconds: 3_600), .note("rolled back 14:05"),
                                                                .reassign(to: "bob"), .resolve])
    }
}
