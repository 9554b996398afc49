import Foundation
import Testing
import VigilTestSupport
@testable import VigilCore

/// Being told: which polls raise a notification, how often, and never where not asked.
@Suite struct NotifyTests {
    func state(desktop: Bool = true, bell: Bool = false) -> AppState {
        var s = AppState(now: noon, size: Size(width: 120, height: 40), user: "alice", title: "prod.yaml",
                         sources: [("pd", 5)])
        s.notify = NotifySettings(desktop: desktop, bell: bell, minInterval: 30)
        _ = reduce(&s, .sourceUpdated("pd", SourceSnapshot(incidents: [incident("PD-1", triggered: -hour, source: "pd")]),
                                      at: noon))
        return s
    }

    func poll(_ s: inout AppState, _ list: [Incident], at t: TimeInterval = 0) -> [Effect] {
        var effects = reduce(&s, .tick(noon + t))
        effects += reduce(&s, .sourceUpdated("pd", SourceSnapshot(incidents: list), at: noon + t))
        return effects
    }

    func notes(_ effects: [Effect]) -> [String] {
        effects.compactMap { if case .notify(let title, let body) = $0 { return title + " | " + body } else { return nil } }
    }

    let first = incident("PD-1", triggered: -hour, source: "pd")

    @Test func theFirstAnswerTellsNothingANewPageTellsOnce() {
        var s = state()
        #expect(s.notifier.lastSent == nil)   // what was there at start is not news
        var two = incident("PD-2", service: "search", severity: .critical, triggered: -60, source: "pd")
        two.title = "Search down"
        let effects = poll(&s, [first, two], at: 10)
        #expect(notes(effects) == ["Vigil: New page | PD-2 SEV1 search: Search down"])
        #expect(!effects.contains(.bell))
        #expect(notes(poll(&s, [first, two], at: 20)).isEmpty)    // the same page again: nothing
        // An alert that does not page, and an acknowledged new incident, tell nothing.
        let quiet = incident("PD-3", triggered: -60, paged: false, source: "pd")
        let acked = incident("PD-4", triggered: -60, acked: -30, source: "pd")
        #expect(notes(poll(&s, [first, two, quiet, acked], at: 200)).isEmpty)
    }

    @Test func aPageThatFiresAgainAfterAnAcknowledgementTells() {
        var s = state()
        let acked = incident("PD-1", triggered: -hour, acked: -30 * 60, source: "pd")
        #expect(notes(poll(&s, [acked], at: 10)).isEmpty)
        #expect(notes(poll(&s, [first], at: 20)) == ["Vigil: Triggered again | PD-1 SEV2 checkout: Incident PD-1"])
    }

    @Test func oneOfMineEscalatedToMeTells() {
        var s = state()
        var assigned = first
        assigned.labels = [KeyValue("assignee", "Bob")]
        #expect(notes(poll(&s, [assigned], at: 10)).isEmpty)
        assigned.labels = [KeyValue("assignee", "Bob, Alice")]   // the next level: me
        #expect(notes(poll(&s, [assigned], at: 20)) == ["Vigil: Now yours | PD-1 SEV2 checkout: Incident PD-1"])
        // Unanswered, it escalates past me: told too (after the interval).
        assigned.labels = [KeyValue("assignee", "Carol")]
        #expect(notes(poll(&s, [assigned], at: 60)) == ["Vigil: Escalated past you | PD-1 SEV2 checkout: Incident PD-1"])
    }

    @Test func aBurstIsToldOnceAndTheRestWhenTheIntervalIsUp() {
        var s = state(bell: true)
        let a = incident("PD-2", triggered: -60, source: "pd")
        let b = incident("PD-3", severity: .critical, triggered: -50, source: "pd")
        let c = incident("PD-4", triggered: -40, source: "pd")
        var effects = poll(&s, [first, a], at: 10)
        #expect(notes(effects).count == 1 && effects.filter { $0 == .bell }.count == 1)
        effects = poll(&s, [first, a, b], at: 15)
        effects += poll(&s, [first, a, b, c], at: 20)
        #expect(effects.isEmpty)                          // held: 30 s have not passed
        #expect(s.notifier.held.map(\.incidentID) == ["PD-3", "PD-4"])
        #expect(reduce(&s, .tick(noon + 39)).isEmpty)
        effects = reduce(&s, .tick(noon + 40))
        #expect(notes(effects) == ["Vigil: New page (+1 more) | PD-3 SEV1 checkout: Incident PD-3"])
        #expect(effects.filter { $0 == .bell }.count == 1)
        #expect(reduce(&s, .tick(noon + 100)).isEmpty)
    }

    @Test func ofWhatWasHeldTheMostSevereIsToldFirst() {
        var s = state()
        _ = poll(&s, [first, incident("PD-2", triggered: -60, source: "pd")], at: 10)   // told; the interval starts
        let minor = incident("PD-3", severity: .warning, triggered: -50, source: "pd")
        let major = incident("PD-4", severity: .critical, triggered: -40, source: "pd")
        _ = poll(&s, [first, minor], at: 15)
        _ = poll(&s, [first, minor, major], at: 20)
        #expect(notes(reduce(&s, .tick(noon + 41))) == ["Vigil: New page (+1 more) | PD-4 SEV1 checkout: Incident PD-4"])
    }

    @Test func offByDefaultAndOffOnTheWallUnlessAsked() {
        var s = state(desktop: false)
        #expect(poll(&s, [first, incident("PD-2", triggered: -60, source: "pd")], at: 10).isEmpty)
        var wall = state()
        wall.makeWall(WallSettings())
        #expect(notes(poll(&wall, [first, incident("PD-2", triggered: -60, source: "pd")], at: 10)).isEmpty)
        var asked = state()
        asked.notify.onWall = true
        asked.makeWall(WallSettings())
        #expect(notes(poll(&asked, [first, incident("PD-2", triggered: -60, source: "pd")], at: 10)).count == 1)
    }

    @Test func theTitleCountsUnacknowledgedPages() {
        var s = state(desktop: false)
        #expect(s.terminalTitle == "(1) Vigil prod.yaml: 1 unacked page")
        _ = poll(&s, [first, incident("PD-2", triggered: -60, source: "pd"),
                      incident("PD-3", triggered: -60, paged: false, source: "pd")], at: 10)
        #expect(s.terminalTitle == "(2) Vigil prod.yaml: 2 unacked pages")
        _ = poll(&s, [incident("PD-1", triggered: -hour, acked: -60, source: "pd")], at: 20)
        #expect(s.terminalTitle == "Vigil prod.yaml: no unacked pages")
    }
}
