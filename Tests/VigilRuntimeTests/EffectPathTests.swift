import Foundation
import Synchronization
import Testing
@testable import VigilCore
@testable import VigilRuntime
@testable import VigilSources
@testable import VigilStore

/// A source that answers from a script, recording what it was asked.
final class ScriptedSource: Source {
    let id: SourceID = "scripted"
    let pollInterval: Duration = .milliseconds(20)
    let snapshot: SourceSnapshot
    let refuse: String?
    let acks = Mutex<[String]>([])
    let polls = Mutex(0)

    init(snapshot: SourceSnapshot, refuse: String? = nil) { self.snapshot = snapshot; self.refuse = refuse }

    func poll(now: Date) async throws -> PollResult {
        polls.withLock { $0 += 1 }
        return PollResult(snapshot)
    }

    func perform(_ action: IncidentAction, on incident: Incident, by user: String, now: Date) async throws
        -> ActionConfirmation {
        guard action == .acknowledge else { throw unsupported(action) }
        acks.withLock { $0.append("\(incident.sourceKey) by \(user)") }
        if let refuse { throw SourceError(.rejected, refuse) }
        return ActionConfirmation(by: user, at: now)
    }
}

private let t0 = Date(timeIntervalSince1970: 1_795_694_400)

private func openIncident() -> Incident {
    Incident(id: "S-1", source: "scripted", sourceKey: "1", title: "Disk full", service: "db", severity: .high,
             status: .triggered, triggeredAt: t0.addingTimeInterval(-600))
}

/// Waits (bounded) until the inbox has at least `n` events.
private func events(_ inbox: Inbox, atLeast n: Int) async -> [Event] {
    var got: [Event] = []
    for _ in 0..<200 {
        got += inbox.drain()
        if got.count >= n { return got }
        try? await Task.sleep(for: .milliseconds(10))
    }
    return got
}

/// The one path an action takes: reducer effect, outbox (saved first), source, event back.
private func outbox(_ sources: [any Source], _ inbox: Inbox) throws -> ActionOutbox {
    var byID: [SourceID: any Source] = [:]
    for s in sources { byID[s.id] = s }
    return ActionOutbox(store: try VigilStore.volatile(), sources: byID, inbox: inbox, now: { t0 })
}

@Suite struct EffectPathTests {
    @Test func pollFeedsTheReducerAndAnAckComesBackConfirmed() async throws {
        let source = ScriptedSource(snapshot: SourceSnapshot(incidents: [openIncident()]))
        let inbox = Inbox(wakeup: nil)
        let runner = SourceRunner(sources: [source], inbox: inbox, now: { t0 })
        let actions = try outbox([source], inbox)
        var state = AppState(now: t0, size: Size(width: 100, height: 30), user: "alice")
        state.register([ConfiguredSource(source, type: "test", actions: [.acknowledge])])

        await runner.pollOnce(source)
        for e in inbox.drain() { _ = reduce(&state, e) }
        #expect(state.selectedIncident == "S-1")

        _ = reduce(&state, .key(.char("a")))
        let effects = reduce(&state, .key(.char("y")))
        #expect(effects == [.act(.acknowledge, incidentID: "S-1", source: "scripted", by: "alice")])
        guard case .act(let action, let id, _, let by)? = effects.first, let incident = state.incident(id) else {
            Issue.record("no act effect"); return
        }
        await actions.submit(action, on: incident, by: by)?.value
        for e in await events(inbox, atLeast: 1) { _ = reduce(&state, e) }
        #expect(source.acks.withLock { $0 } == ["1 by alice"])
        #expect(state.actions["S-1"] == .confirmed(.acknowledge, ActionConfirmation(by: "alice", at: t0)))
        #expect(state.incident("S-1")?.acknowledgedBy == "alice")
    }

    @Test func aRefusalComesBackAsTheSourcesWords() async throws {
        let source = ScriptedSource(snapshot: SourceSnapshot(incidents: [openIncident()]),
                                    refuse: "S-1 is already resolved")
        let inbox = Inbox(wakeup: nil)
        try await outbox([source], inbox).submit(.acknowledge, on: openIncident(), by: "bob")?.value
        let got = await events(inbox, atLeast: 1)
        guard case .actionFailed(let id, .acknowledge, let error)? = got.first else { Issue.record("no failure event"); return }
        #expect(id == "S-1")
        #expect(error.message == "S-1 is already resolved")
        #expect(error.kind == .rejected)
    }

    @Test func anUnknownSourceIsAFailureNotACrash() async throws {
        let inbox = Inbox(wakeup: nil)
        _ = try outbox([], inbox).submit(.acknowledge, on: openIncident(), by: "bob")
        guard case .actionFailed(_, _, let error)? = await events(inbox, atLeast: 1).first else {
            Issue.record("no failure event"); return
        }
        #expect(error.message.contains("not configured"))
    }

    @Test func anActionTheSourceDoesNotOfferIsRefusedNotRetried() async throws {
        let source = ScriptedSource(snapshot: SourceSnapshot(incidents: [openIncident()]))
        let inbox = Inbox(wakeup: nil)
        try await outbox([source], inbox).submit(.resolve, on: openIncident(), by: "bob")?.value
        guard case .actionFailed(_, .resolve, let error)? = await events(inbox, atLeast: 1).first else {
            Issue.record("no failure event"); return
        }
        #expect(error.kind == .notSupported)
        #expect(error.message == "scripted cannot resolve its incidents")
    }

    @Test func pollersRepeatAndStopWhenCancelled() async throws {
        let source = ScriptedSource(snapshot: SourceSnapshot(incidents: []))
        let inbox = Inbox(wakeup: nil)
        let runner = SourceRunner(sources: [source], inbox: inbox)
        let tasks = runner.start()
        let got = await events(inbox, atLeast: 3)
        #expect(got.count >= 3)
        for t in tasks { t.cancel() }
        for t in tasks { await t.value }
        let after = source.polls.withLock { $0 }
        try await Task.sleep(for: .milliseconds(100))
        #expect(source.polls.withLock { $0 } == after)
    }

    @Test func theDemoSourceConfirmsThroughTheSamePath() async throws {
        let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let demo = try DemoSource(directory: repo.appendingPathComponent("sample-data"), startedAt: t0,
                                  ackLatencyMilliseconds: 0...0)
        let inbox = Inbox(wakeup: nil)
        let runner = SourceRunner(sources: [demo], inbox: inbox, now: { t0 })
        let actions = try outbox([demo], inbox)
        var state = AppState(now: t0, size: Size(width: 120, height: 40), user: "carol")
        state.register([DemoKind.configured(demo)])
        await runner.pollOnce(demo)
        for e in inbox.drain() { _ = reduce(&state, e) }
        guard let target = state.openIncidents.first(where: { $0.status == .triggered }) else {
            Issue.record("the demo has no triggered incident"); return
        }
        await actions.submit(.acknowledge, on: target, by: "carol")?.value
        for e in await events(inbox, atLeast: 1) { _ = reduce(&state, e) }
        #expect(state.actions[target.id] == .confirmed(.acknowledge, ActionConfirmation(by: "carol", at: t0)))
        // The source's own record agrees on the next poll.
        await runner.pollOnce(demo)
        for e in inbox.drain() { _ = reduce(&state, e) }
        #expect(state.incident(target.id)?.status == .acknowledged)
        #expect(state.incident(target.id)?.acknowledgedBy == "carol")
    }
}
