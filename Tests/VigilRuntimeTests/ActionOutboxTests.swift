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

    func poll(now: Date) async throws -> SourceSnapshot { SourceSnapshot(incidents: [incident(now)]) }

    func incident(_ now: Date) -> Incident {
        let ack = acked.withLock { $0["1"] }
        return Incident(id: "F-1", source: id, sourceKey: "1", title: "Queue stuck", service: "jobs", severity: .high,
                        status: ack == nil ? .triggered : .acknowledged, triggeredAt: now.addingTimeInterval(-300),
                        acknowledgedAt: ack?.at, acknowledgedBy: ack?.by)
    }

    func acknowledge(_ incident: Incident, by user: String, now: Date) async throws -> ActionConfirmation {
        calls.withLock { $0 += 1 }
        if down.withLock({ $0 }) { throw SourceError("connection refused (127.0.0.1:9)", transient: true) }
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

@Suite(.serialized) struct AckOutboxTests {
    @Test func anUnreachableSourceIsRetriedUntilItConfirmsAndNothingIsLost() async throws {
        let store = try VigilStore.inMemory(random: { 0 })          // no jitter: retry at once
        let source = FlakySource()
        let inbox = Inbox(wakeup: nil)
        let clock = Mutex(Date(timeIntervalSince1970: 1_795_694_400))
        let outbox = AckOutbox(store: store, sources: ["flaky": source], inbox: inbox, now: { clock.withLock { $0 } })

        await outbox.submit(source.incident(clock.withLock { $0 }), kind: .acknowledge, by: "alice")?.value
        let first = await drain(inbox) { $0.contains { if case .ackRetrying = $0 { return true } else { return false } } }
        #expect(first.contains { if case .ackRetrying(let id, let m, _) = $0 { return id == "F-1" && m.contains("refused") } else { return false } })
        #expect(try store.pending().count == 1)                      // saved, not lost

        // The source comes back; the retry checks it first (still triggered), then sends.
        source.down.withLock { $0 = false }
        clock.withLock { $0 = $0.addingTimeInterval(600) }
        let now = clock.withLock { $0 }
        for t in outbox.retryDue(incident: { _ in source.incident(now) }, answered: { _ in true }) { await t.value }
        let second = await drain(inbox) { $0.contains { if case .ackSucceeded = $0 { return true } else { return false } } }
        #expect(second.contains { if case .ackSucceeded("F-1", let c) = $0 { return c.by == "alice" } else { return false } })
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
            _ = try await source.acknowledge(source.incident(t0), by: "alice", now: t0)
        }
        // Run 2: the pending entry is found, checked against the source's poll, and closed
        // without a second acknowledgement.
        let store = try VigilStore(directory: dir)
        let inbox = Inbox(wakeup: nil)
        let later = t0.addingTimeInterval(120)
        let outbox = AckOutbox(store: store, sources: ["flaky": source], inbox: inbox, now: { later })
        #expect(outbox.pending().map(\.incidentID) == ["F-1"])
        // Before the source has answered a poll, nothing is re-sent blind.
        #expect(outbox.retryDue(incident: { _ in nil }, answered: { _ in false }).isEmpty)
        #expect(try store.pending().count == 1)
        for t in outbox.retryDue(incident: { _ in source.incident(later) }, answered: { _ in true }) { await t.value }
        let got = await drain(inbox) { !$0.isEmpty }
        #expect(got.contains { if case .ackSucceeded("F-1", let c) = $0 { return c.by == "alice" } else { return false } })
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
        let snapshot = try await demo.poll(now: t0)
        let acked = try #require(snapshot.incidents?.first { $0.status == .acknowledged && $0.isOpen })
        let outbox = AckOutbox(store: store, sources: ["demo": demo], inbox: inbox, now: { t0 })
        await outbox.submit(acked, kind: .acknowledge, by: "bob")?.value
        let got = await drain(inbox) { !$0.isEmpty }
        #expect(got.contains { if case .ackFailed(_, let m) = $0 { return m.contains("already acknowledged") } else { return false } })
        #expect(try store.pending().isEmpty)                           // abandoned, not retried forever
        #expect(try store.auditLog(limit: nil).last?.outcome == .abandoned)
    }

    @Test func transientAndPermanentErrorsAreToldApart() {
        // The source says which; the message text plays no part.
        #expect(AckOutbox.isTransient(SourceError("connection refused (127.0.0.1:9093)", transient: true)))
        #expect(!AckOutbox.isTransient(SourceError("PD-1 is already resolved")))
        #expect(!AckOutbox.isTransient(SourceError("HTTP 503 in a comment is still a refusal")))
        // Not an answer from the source (shutdown): the acknowledgement is kept.
        #expect(AckOutbox.isTransient(CancellationError()))
    }
}
