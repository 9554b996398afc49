import Foundation
import Testing
import VigilTestSupport
@testable import VigilCore

/// Actions are a capability of the source: the key map offers, dispatches and explains only what
/// the selected incident's source supports.
@Suite struct ActionCapabilityTests {
    private let noon = Date(timeIntervalSince1970: 1_795_694_400)

    private func state(actions: [SourceID: Set<ActionKind>], readOnly: Bool = false) -> AppState {
        var s = AppState(now: noon, size: Size(width: 120, height: 40), readOnly: readOnly, user: "alice",
                         sources: actions.keys.sorted().map { ($0, 30) })
        for (id, kinds) in actions {
            s.sources[id]?.actions = kinds
            let incident = Incident(id: "\(id.uppercased())-1", source: id, sourceKey: "1", title: "Disk full",
                                    service: "db", severity: .critical, status: .triggered,
                                    triggeredAt: noon.addingTimeInterval(Double(id.count) * -60))
            _ = reduce(&s, .sourceUpdated(id, SourceSnapshot(incidents: [incident]), at: noon))
        }
        return s
    }

    private func select(_ id: String, _ s: inout AppState) {
        _ = reduce(&s, .key(.char("g")))
        while s.selectedIncident != id { _ = reduce(&s, .key(.char("j"))) }
    }

    @Test func theFooterAndHelpOfferOnlyWhatTheSelectedSourceSupports() {
        var s = state(actions: ["pd": [.acknowledge, .resolve, .escalate], "am": [.acknowledge, .unacknowledge]])
        select("PD-1", &s)
        #expect(s.offeredActions == [.acknowledge, .resolve, .escalate])
        let hints = s.keyMap.hints(in: .dashboard, offered: s.offeredActions).map(\.action)
        #expect(hints.contains(.act(.resolve)) && hints.contains(.act(.acknowledge)))
        let help = DialogContent.help(s, ascii: true).flatMap { $0.map(\.text) }.joined()
        #expect(help.contains("Resolve the selected incident") && help.contains("Escalate"))
        #expect(!help.contains("Take back"))

        select("AM-1", &s)
        let amHints = s.keyMap.hints(in: .dashboard, offered: s.offeredActions).map(\.action)
        #expect(!amHints.contains(.act(.resolve)))
        let amHelp = DialogContent.help(s, ascii: true).flatMap { $0.map(\.text) }.joined()
        #expect(!amHelp.contains("Resolve") && amHelp.contains("Take back"))
    }

    @Test func aNoteIsTypedOnOneLineInAnyScriptReviewedThenSent() {
        var s = state(actions: ["pd": [.acknowledge, .note, .snooze]])
        select("PD-1", &s)
        _ = reduce(&s, .key(.char("n")))
        #expect(s.mode == .input(.note, "PD-1", text: "", returnTo: .dashboard))
        #expect(s.keyMap.hints(in: s.mode.keyContext).map(\.action) == [.confirm, .cancel])
        // Letters that are keys elsewhere (q, y, a, ?) are typed, as are wide and combined ones.
        for c in "rolled back: q y a ? 日本 é👍🏽" { _ = reduce(&s, .key(.char(c))) }
        // A pasted newline becomes a space; Backspace removes whole characters, wide ones too.
        _ = reduce(&s, .key(.char("\n")))
        _ = reduce(&s, .key(.backspace))
        _ = reduce(&s, .key(.backspace))
        #expect(s.mode == .input(.note, "PD-1", text: "rolled back: q y a ? 日本 é", returnTo: .dashboard))
        #expect(reduce(&s, .key(.enter)).isEmpty)
        #expect(s.mode == .confirm(.note("rolled back: q y a ? 日本 é"), "PD-1", returnTo: .dashboard))
        #expect(reduce(&s, .key(.char("y")))
                == [.act(.note("rolled back: q y a ? 日本 é"), incidentID: "PD-1", source: "pd", by: "alice")])
    }

    @Test func escCancelsANoteAndAnEmptyOneIsNotSent() {
        var s = state(actions: ["pd": [.note]])
        select("PD-1", &s)
        _ = reduce(&s, .key(.char("n")))
        _ = reduce(&s, .key(.char(" ")))
        #expect(reduce(&s, .key(.enter)).isEmpty)
        #expect(s.flash?.text.hasPrefix("The note is empty") == true)
        _ = reduce(&s, .key(.char("x")))
        _ = reduce(&s, .key(.ctrl("u")))
        #expect(s.mode == .input(.note, "PD-1", text: "", returnTo: .dashboard))
        _ = reduce(&s, .key(.escape))
        #expect(s.mode == .dashboard)
        #expect(s.actions["PD-1"] == nil)
        // A note stops at its longest.
        _ = reduce(&s, .key(.char("n")))
        for _ in 0..<(IncidentAction.longestNote + 5) { _ = reduce(&s, .key(.char("x"))) }
        guard case .input(_, _, let text, _) = s.mode else { Issue.record("not typing"); return }
        #expect(text.count == IncidentAction.longestNote)
    }

    @Test func snoozeIsPickedFromAShortListThenConfirmed() {
        var s = state(actions: ["pd": [.acknowledge, .snooze]])
        select("PD-1", &s)
        _ = reduce(&s, .key(.char("s")))
        #expect(s.mode == .pick(.snooze, "PD-1", returnTo: .dashboard))
        _ = reduce(&s, .key(.char("9")))
        #expect(s.mode == .pick(.snooze, "PD-1", returnTo: .dashboard))
        _ = reduce(&s, .key(.char("3")))
        #expect(s.mode == .confirm(.snooze(seconds: 4 * 3_600), "PD-1", returnTo: .dashboard))
        #expect(reduce(&s, .key(.char("y"))) == [.act(.snooze(seconds: 14_400), incidentID: "PD-1", source: "pd", by: "alice")])
        // Confirmed: the row is acknowledged at once (a snooze acknowledges), before the next poll.
        #expect(s.incident("PD-1")?.status == .triggered)
        _ = reduce(&s, .actionConfirmed(incidentID: "PD-1", .snooze(seconds: 14_400), ActionConfirmation(by: "alice", at: noon)))
        #expect(s.incident("PD-1")?.status == .acknowledged && s.incident("PD-1")?.acknowledgedBy == "alice")
        #expect(s.incident("PD-1")?.timeline.last?.text == "snooze PD-1 for 4h: done by alice")
        // In read-only mode neither key does anything but say why.
        var r = state(actions: ["pd": [.snooze, .note]], readOnly: true)
        select("PD-1", &r)
        _ = reduce(&r, .key(.char("s")))
        _ = reduce(&r, .key(.char("n")))
        #expect(r.mode == .dashboard)
    }

    @Test func aKeyForAnActionTheSourceLacksSendsNothingAndSaysWhy() {
        var s = state(actions: ["am": [.acknowledge, .unacknowledge]])
        select("AM-1", &s)
        #expect(reduce(&s, .key(.char("r"))).isEmpty)
        #expect(s.mode == .dashboard)
        #expect(s.flash?.text == "am cannot resolve its incidents")
    }

    @Test func resolvingAsksFirstThenGoesThroughTheOutboxEffect() {
        var s = state(actions: ["pd": [.acknowledge, .resolve]])
        select("PD-1", &s)
        #expect(reduce(&s, .key(.char("r"))).isEmpty)
        #expect(s.mode == .confirm(.resolve, "PD-1", returnTo: .dashboard))
        #expect(reduce(&s, .key(.char("y"))) == [.act(.resolve, incidentID: "PD-1", source: "pd", by: "alice")])
        #expect(s.actions["PD-1"] == .pending(.resolve, since: noon))
        _ = reduce(&s, .actionConfirmed(incidentID: "PD-1", .resolve, ActionConfirmation(by: "alice", at: noon)))
        #expect(s.openIncidents.isEmpty)
        #expect(s.flash?.text == "PD-1 resolved by alice at \(clock(noon))")
    }

    @Test func readOnlyOffersNoActionWhateverTheSourceSupports() {
        var s = state(actions: ["pd": Set(ActionKind.allCases)], readOnly: true)
        select("PD-1", &s)
        #expect(s.keyMap.hints(in: .dashboard, offered: s.offeredActions).allSatisfy { !$0.mutates })
        #expect(reduce(&s, .key(.char("r"))).isEmpty)
        #expect(s.flash?.text.hasPrefix("Read-only mode") == true)
    }

    @Test func aSourceWithoutActionsShowsNoActionKeys() {
        var s = state(actions: ["prom": []])
        select("PROM-1", &s)
        #expect(s.keyMap.hints(in: .dashboard, offered: s.offeredActions).allSatisfy { !$0.mutates })
    }

    @Test func forgetfulSourcesAskForTheirIncidentsToBeRecorded() {
        var s = state(actions: ["am": [.acknowledge]])
        s.sources["am"]?.keepsHistory = false
        let incident = Incident(id: "AM-2", source: "am", sourceKey: "2", title: "t", service: "s", severity: .high,
                                status: .triggered, triggeredAt: noon)
        let effects = reduce(&s, .sourceUpdated("am", SourceSnapshot(incidents: [incident]), at: noon))
        #expect(effects == [.recordHistory("am", [incident], at: noon)])
    }

    /// A poll that brings the same incidents again (most polls) costs no new revision: the rows,
    /// figures and indexes derived from the data are reused, and the store is asked to record
    /// them again only once a minute (to refresh when they were last seen). A poll with a change
    /// is recorded at once.
    @Test func aPollWithTheSameDataKeepsTheRevisionAndRecordsOnlyNowAndThen() {
        var s = state(actions: ["am": [.acknowledge]])
        s.sources["am"]?.keepsHistory = false
        let incident = Incident(id: "AM-2", source: "am", sourceKey: "2", title: "t", service: "s", severity: .high,
                                status: .triggered, triggeredAt: noon)
        #expect(reduce(&s, .sourceUpdated("am", SourceSnapshot(incidents: [incident]), at: noon)).count == 1)
        let revision = s.revision
        // Equal, not the same storage (decoded again): still the same data.
        var again = incident
        again.title = String("tt".dropFirst())
        #expect(reduce(&s, .sourceUpdated("am", SourceSnapshot(incidents: [again]), at: noon + 5)).isEmpty)
        #expect(s.revision == revision && s.sources["am"]?.lastSuccess == noon + 5)
        // A failure, then the same data: still the same revision, healthy again.
        _ = reduce(&s, .sourceFailed("am", SourceError(.unreachable, "down"), at: noon + 10))
        #expect(s.sources["am"]?.isFailing == true && s.revision == revision)
        #expect(reduce(&s, .sourceUpdated("am", SourceSnapshot(incidents: [incident]), at: noon + 15)).isEmpty)
        #expect(s.sources["am"]?.isFailing == false && s.revision == revision)
        // A minute after the last record: recorded again, though unchanged.
        #expect(reduce(&s, .sourceUpdated("am", SourceSnapshot(incidents: [incident]), at: noon + 60))
                == [.recordHistory("am", [incident], at: noon + 60)])
        // Changed: a new revision, recorded at once.
        var acknowledged = incident
        acknowledged.status = .acknowledged
        #expect(reduce(&s, .sourceUpdated("am", SourceSnapshot(incidents: [acknowledged]), at: noon + 65))
                == [.recordHistory("am", [acknowledged], at: noon + 65)])
        #expect(s.revision != revision && s.openIncidents.first?.status == .acknowledged)
    }

    @Test func confirmationsSayExactlyWhatWillHappen() {
        #expect(IncidentAction.snooze(seconds: 5_400).describe("PD-1") == "snooze PD-1 for 1h30m")
        #expect(IncidentAction.snooze(seconds: 86_400).describe("PD-1") == "snooze PD-1 for 1d")
        #expect(IncidentAction.reassign(to: "bob").describe("PD-1") == "reassign PD-1 to bob")
        #expect(IncidentAction.unacknowledge.describe("AM-2") == "take back the acknowledgement of AM-2")
    }
}

@Suite struct OnCallSummaryTests {
    let now = Date(timeIntervalSince1970: 1_795_694_400)      // 2026-11-26 12:00 UTC, a Thursday
    let utc = TimeZone(identifier: "UTC")!

    func shift(_ person: String, level: Int = 1, from: TimeInterval, to: TimeInterval, me: Bool = false) -> OnCallShift {
        OnCallShift(person: person, policy: "Checkout on-call", level: level, start: now.addingTimeInterval(from),
                    end: now.addingTimeInterval(to), isMe: me)
    }

    @Test func namesWhoIsOnCallAndUntilWhen() {
        #expect(OnCallSummary.line([shift("Aisha Okafor", from: -3_600, to: 3_600)], now: now, timeZone: utc)
                == "on call: Aisha Okafor until 13:00")
        // Only the first level is "on call"; several first-level people are counted.
        let two = [shift("Aisha Okafor", from: -3_600, to: 3_600), shift("Chen Wei", from: -3_600, to: 7_200),
                   shift("Ben Lindqvist", level: 2, from: -3_600, to: 3_600)]
        #expect(OnCallSummary.line(two, now: now, timeZone: utc) == "on call: Aisha Okafor +1 until 13:00")
        #expect(OnCallSummary.line([], now: now, timeZone: utc) == nil)
    }

    @Test func speaksToTheEngineerAboutTheirOwnShifts() {
        #expect(OnCallSummary.line([shift("Aisha Okafor", from: -3_600, to: 3 * 86_400, me: true)], now: now, timeZone: utc)
                == "you are on call until Sun 12:00")
        let next = [shift("Aisha Okafor", from: -3_600, to: 3_600),
                    shift("Ben Lindqvist", from: 3_600, to: 90_000, me: true)]
        #expect(OnCallSummary.line(next, now: now, timeZone: utc) == "on call: Aisha Okafor until 13:00 · your next shift: 13:00")
        let far = [shift("Ben Lindqvist", from: 10 * 86_400, to: 11 * 86_400, me: true)]
        #expect(OnCallSummary.line(far, now: now, timeZone: utc) == "your next shift: 6 Dec 12:00")
    }
}
