import Foundation
import Synchronization
import Testing
import VigilConfig
@testable import VigilCore
@testable import VigilRuntime
@testable import VigilSources
@testable import VigilStore

// A source kind that only this test knows, added the way the next ones will be: a kind with its
// keys, its settings and its source, then one line (here `adding(TicketKind.self)`). Nothing in
// the config parser, check-config, the runtime or the key map is touched.

/// A ticket queue kept in memory: tickets are incidents, and can be acknowledged.
enum TicketKind: SourceKind {
    static let type = "tickets"
    static let summary = "a ticket queue only the tests know"
    static let provides: Set<DataKind> = [.incidents]
    static let keepsHistory = false
    static let actions: Set<ActionKind> = [.acknowledge]
    static let keys = ["queue", "poll_interval", "timeout"]

    static func settings(from entry: SourceEntry) -> TicketSettings? {
        let queue = entry.required("queue", example: "queue: OPS") { (n, p) throws(ConfigError) in
            let q = try entry.reader.text(n, p, expected: "a queue name such as OPS")
            guard q.allSatisfy(\.isUppercase) else {
                throw entry.reader.error(n, p, .invalid("'\(q)' is not a queue name; queue names are capitals, e.g. OPS"))
            }
            return q
        }
        var s = TicketSettings(id: entry.id, queue: queue ?? "")
        if let d = entry.duration("poll_interval", minimum: .seconds(1), reason: "the desk is slow") { s.pollInterval = d }
        if let d = entry.duration("timeout", minimum: .milliseconds(100), reason: "no desk answers that fast") {
            s.timeout = d
        }
        return queue == nil ? nil : s
    }

    static func make(_ settings: TicketSettings, _ context: SourceContext) throws -> any Source {
        TicketSource(settings: settings)
    }
}

struct TicketSettings: SourceSettings {
    var id: SourceID
    var queue: String
    var pollInterval: Duration = .seconds(30)
    var timeout: Duration = .seconds(5)
    var requestTimeout: Duration? { timeout }
    var summary: String { "queue \(queue) every \(DurationText.format(pollInterval))" }
}

final class TicketSource: Source {
    let settings: TicketSettings
    let acknowledged = Mutex<[String: ActionConfirmation]>([:])
    var id: SourceID { settings.id }
    var pollInterval: Duration { settings.pollInterval }

    init(settings: TicketSettings) { self.settings = settings }

    func poll(now: Date) async throws -> PollResult {
        let ack = acknowledged.withLock { $0["\(settings.queue)-7"] }
        let ticket = Incident(id: "\(id):\(settings.queue)-7", source: id, sourceKey: "\(settings.queue)-7",
                              title: "Printer on fire", service: "office", severity: .critical,
                              status: ack == nil ? .triggered : .acknowledged, triggeredAt: now.addingTimeInterval(-120),
                              acknowledgedAt: ack?.at, acknowledgedBy: ack?.by)
        return PollResult(SourceSnapshot(incidents: [ticket]))
    }

    func perform(_ action: IncidentAction, on incident: Incident, by user: String, now: Date) async throws
        -> ActionConfirmation {
        guard action == .acknowledge else { throw unsupported(action) }
        let c = ActionConfirmation(by: user, at: now)
        acknowledged.withLock { $0[incident.sourceKey] = c }
        return c
    }
}

private let t0 = Date(timeIntervalSince1970: 1_795_694_400)
private let yaml = """
    user: dana
    sources:
      - {name: desk, type: tickets, queue: OPS, poll_interval: 2s, timeout: 3s}
    """

@Suite struct SourcePluginTests {
    let registry = SourceRegistry.standard.adding(TicketKind.self)

    @Test func aKindOnlyTheTestsKnowIsConfiguredPolledAndAcknowledged() async throws {
        let config = try ConfigLoader.load(yaml: yaml, file: "/t/config.yaml", environment: [:], readFile: { _ in "" },
                                           registry: registry)
        #expect(config.description.contains("desk (tickets) queue OPS every 2s"))

        // The runtime builds it and learns what the kind declares: no switch over kinds anywhere.
        let configured = try SourceFactory.make(config, now: t0)
        let desk = try #require(configured.first)
        #expect(desk.type == "tickets" && desk.requestTimeout == .seconds(3) && desk.actions == [.acknowledge])
        var state = AppState(now: t0, size: Size(width: 100, height: 30), user: config.user)
        state.register(configured)
        #expect(state.sources["desk"]?.keepsHistory == false)

        let inbox = Inbox(wakeup: nil)
        let runner = SourceRunner(sources: configured, inbox: inbox, now: { t0 })
        let source = try #require(runner.sources["desk"])
        // The poll's outer limit comes from the kind's timeout (twice it, plus the slack).
        #expect(runner.timeLimit(of: source) == .seconds(16))

        await runner.pollOnce(source)
        for e in inbox.drain() { _ = reduce(&state, e) }
        #expect(state.selectedIncident == "desk:OPS-7")
        #expect(state.offeredActions == [.acknowledge])

        // The key map offers what the kind declares: `a` asks, `y` sends through the outbox.
        _ = reduce(&state, .key(.char("a")))
        let effects = reduce(&state, .key(.char("y")))
        guard case .act(let action, let id, "desk", "dana")? = effects.first, let incident = state.incident(id) else {
            Issue.record("no act effect: \(effects)"); return
        }
        let outbox = ActionOutbox(store: try VigilStore.volatile(), sources: runner.sources, inbox: inbox, now: { t0 })
        await outbox.submit(action, on: incident, by: "dana")?.value
        for e in inbox.drain() { _ = reduce(&state, e) }
        #expect(state.actions["desk:OPS-7"] == .confirmed(.acknowledge, ActionConfirmation(by: "dana", at: t0)))

        await runner.pollOnce(source)
        for e in inbox.drain() { _ = reduce(&state, e) }
        #expect(state.incident("desk:OPS-7")?.status == .acknowledged)
        #expect(state.incident("desk:OPS-7")?.acknowledgedBy == "dana")

        // Resolve is not declared: the key map does not offer it.
        _ = reduce(&state, .key(.char("r")))
        #expect(state.flash?.text == "desk cannot resolve its incidents")
    }

    @Test func theKindsKeysAreCheckedWithTheFileLineAndFix() {
        let errors = ConfigLoader.validate(yaml: """
            sources:
              - name: desk
                type: tickets
                queu: OPS
                poll_interval: 5
            """, file: "/t/config.yaml", environment: [:], readFile: { _ in "" }, registry: registry)
        #expect(errors.map(\.description) == [
            "/t/config.yaml:2: sources[0]: missing required key 'queue'; add it, e.g. queue: OPS",
            "/t/config.yaml:4: sources[0].queu: unknown key 'queu'; did you mean 'queue'? allowed here: name, type, "
                + "queue, poll_interval, timeout",
            "/t/config.yaml:5: sources[0].poll_interval: \"5\" has no unit; write 5s for seconds (units: ms, s, m, h, d)",
        ])
        let bad = ConfigLoader.validate(yaml: "sources: [{name: d, type: tickets, queue: ops}]", file: "/t/c.yaml",
                                        environment: [:], readFile: { _ in "" }, registry: registry)
        #expect(bad.map(\.description) == ["/t/c.yaml:1: sources[0].queue: 'ops' is not a queue name; queue names are "
            + "capitals, e.g. OPS"])
    }

    @Test func withoutItsLineInTheRegistryTheKindIsUnknown() {
        let errors = ConfigLoader.validate(yaml: yaml, file: "/t/config.yaml", environment: [:], readFile: { _ in "" })
        #expect(errors.map(\.key) == ["sources[0].type"])
        #expect(errors.first?.message.hasPrefix("unknown source type 'tickets'") == true)
        #expect(registry.help.contains("- tickets: a ticket queue only the tests know; keys: name, type, queue"))
    }
}
