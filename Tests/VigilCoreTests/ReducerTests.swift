import Foundation
import Testing
import VigilTestSupport
@testable import VigilCore

func fixtureState(readOnly: Bool = false, incidents: [Incident]? = nil) -> AppState {
    var s = AppState(now: noon, size: Size(width: 120, height: 40), readOnly: readOnly, user: "alice",
                     themeNames: ["default", "light"], sources: [("test", 5)])
    s.sources["test"]?.actions = [.acknowledge, .unacknowledge]
    let list = incidents ?? [
        incident("PD-1", severity: .high, triggered: -2 * hour),
        incident("PD-2", severity: .critical, triggered: -1 * hour),
        incident("PD-3", severity: .warning, triggered: -3 * hour, acked: -2 * hour),
        incident("PD-4", triggered: -9 * hour, resolved: -8 * hour),
    ]
    _ = reduce(&s, .sourceUpdated("test", SourceSnapshot(incidents: list), at: noon))
    return s
}

@Suite struct ReducerTests {
    @Test func incidentsAreOrderedMostSevereThenOldestAndTheFirstIsSelected() {
        let s = fixtureState()
        #expect(s.openIncidents.map(\.id) == ["PD-2", "PD-1", "PD-3"])
        #expect(s.selectedIncident == "PD-2")
    }

    @Test func confirmingAnAckAsksTheSourceOnce() {
        var s = fixtureState()
        _ = reduce(&s, .key(.char("j")))
        #expect(s.selectedIncident == "PD-1")
        #expect(reduce(&s, .key(.char("a"))).isEmpty)
        #expect(s.mode == .confirm(.acknowledge, "PD-1", returnTo: .dashboard))
        let effects = reduce(&s, .key(.char("y")))
        #expect(effects == [.act(.acknowledge, incidentID: "PD-1", source: "test", by: "alice")])
        #expect(s.actions["PD-1"] == .pending(.acknowledge, since: noon))
        #expect(s.mode == .dashboard)
        // A second `a` while pending does not ask again.
        #expect(reduce(&s, .key(.char("a"))).isEmpty)
        #expect(s.mode == .dashboard)
    }

    @Test func declineAsksNothing() {
        var s = fixtureState()
        _ = reduce(&s, .key(.char("a")))
        #expect(reduce(&s, .key(.char("n"))).isEmpty)
        #expect(s.mode == .dashboard)
        #expect(s.actions.isEmpty)
    }

    @Test func confirmationFromTheSourceShowsWhoAndWhen() {
        var s = fixtureState()
        _ = reduce(&s, .key(.char("a")))
        _ = reduce(&s, .key(.char("y")))
        let at = noon.addingTimeInterval(1)
        _ = reduce(&s, .ackSucceeded(incidentID: "PD-2", ActionConfirmation(by: "alice", at: at)))
        #expect(s.incident("PD-2")?.status == .acknowledged)
        #expect(s.incident("PD-2")?.acknowledgedBy == "alice")
        #expect(s.actions["PD-2"] == .confirmed(.acknowledge, ActionConfirmation(by: "alice", at: at)))
        #expect(s.flash?.text == "PD-2 acknowledged by alice at 12:00")
    }

    @Test func refusalIsShown() {
        var s = fixtureState()
        _ = reduce(&s, .key(.char("a")))
        _ = reduce(&s, .key(.char("y")))
        _ = reduce(&s, .ackFailed(incidentID: "PD-2", "HTTP 403: forbidden"))
        #expect(s.actions["PD-2"] == .failed(.acknowledge, "HTTP 403: forbidden"))
        #expect(s.flash?.isError == true)
        #expect(s.incident("PD-2")?.status == .triggered)
    }

    @Test func alreadyAcknowledgedIsNotAskedAgain() {
        var s = fixtureState()
        _ = reduce(&s, .key(.char("G")))
        #expect(s.selectedIncident == "PD-3")
        #expect(reduce(&s, .key(.char("a"))).isEmpty)
        #expect(s.mode == .dashboard)
        #expect(s.flash?.text == "PD-3 is already acknowledged by bob")
    }

    @Test func unacknowledgeAsksTheSourceAndClearsOnConfirmation() {
        var s = fixtureState()
        _ = reduce(&s, .key(.char("G")))                       // PD-3, acknowledged by bob
        let effects = reduce(&s, .key(.char("u")))
        #expect(effects == [.act(.unacknowledge, incidentID: "PD-3", source: "test", by: "alice")])
        #expect(s.actions["PD-3"] == .pending(.unacknowledge, since: noon))
        #expect(reduce(&s, .key(.char("u"))).isEmpty)           // not twice
        _ = reduce(&s, .actionConfirmed(incidentID: "PD-3", .unacknowledge, ActionConfirmation(by: "alice", at: noon)))
        #expect(s.incident("PD-3")?.status == .triggered)
        #expect(s.incident("PD-3")?.acknowledgedBy == nil)
        #expect(s.actions["PD-3"] == .confirmed(.unacknowledge, ActionConfirmation(by: "alice", at: noon)))
        // Not acknowledged: nothing to take back.
        _ = reduce(&s, .key(.char("g")))
        #expect(reduce(&s, .key(.char("u"))).isEmpty)
        #expect(s.flash?.isError == true)
    }

    @Test func refusedUnacknowledgeKeepsTheAcknowledgement() {
        var s = fixtureState()
        _ = reduce(&s, .key(.char("G")))
        _ = reduce(&s, .key(.char("u")))
        _ = reduce(&s, .actionFailed(incidentID: "PD-3", .unacknowledge, SourceError(.httpStatus(500), "HTTP 500")))
        #expect(s.incident("PD-3")?.status == .acknowledged)
        #expect(s.flash?.text == "PD-3 still acknowledged: HTTP 500")
    }

    @Test func aRetryLeadsWithWhatHappensNext() {
        var s = fixtureState()
        let next = s.now.addingTimeInterval(4)
        _ = reduce(&s, .actionRetrying(incidentID: "PD-1", .acknowledge, SourceError(.refused, "connection refused (pd:443)"), next: next))
        #expect(s.flash?.text == "PD-1 not sent yet, saved, retrying at \(clock(next)): connection refused (pd:443)")
        #expect(s.flash?.isError == true)
        guard case .pending? = s.actions["PD-1"] else { Issue.record("not pending: \(String(describing: s.actions["PD-1"]))"); return }
    }

    @Test func readOnlyBindsNoMutatingKey() {
        var s = fixtureState(readOnly: true)
        #expect(reduce(&s, .key(.char("a"))).isEmpty)
        #expect(s.mode == .dashboard)
        _ = reduce(&s, .key(.char("G")))
        #expect(reduce(&s, .key(.char("u"))).isEmpty)
        #expect(!s.keyMap.bindings.contains { $0.mutates })
        #expect(!s.keyMap.hints(in: .dashboard).contains { $0.action == .act(.acknowledge) })
    }

    @Test func selectionMovesToTheNeighbourWhenItsIncidentResolves() {
        var s = fixtureState()
        _ = reduce(&s, .key(.char("j")))          // PD-1, index 1
        let list = [incident("PD-2", severity: .critical, triggered: -1 * hour),
                    incident("PD-1", triggered: -2 * hour, resolved: -1),
                    incident("PD-3", severity: .warning, triggered: -3 * hour, acked: -2 * hour)]
        _ = reduce(&s, .sourceUpdated("test", SourceSnapshot(incidents: list), at: noon))
        #expect(s.selectedIncident == "PD-3")
    }

    @Test func detailsHelpAndWindow() {
        var s = fixtureState()
        _ = reduce(&s, .key(.enter))
        #expect(s.mode == .details("PD-2"))
        _ = reduce(&s, .key(.char("j")))
        #expect(s.mode == .details("PD-1"))
        _ = reduce(&s, .key(.escape))
        #expect(s.mode == .dashboard)
        _ = reduce(&s, .key(.char("?")))
        #expect(s.mode == .help(returnTo: .dashboard))
        _ = reduce(&s, .key(.char("?")))
        #expect(s.mode == .dashboard)
        #expect(s.window == .week)
        _ = reduce(&s, .key(.char("w")))
        #expect(s.window == .month)
        _ = reduce(&s, .key(.char("w")))
        #expect(s.window == .day)
    }

    @Test func readOnlySaysWhyAMutatingKeyDoesNothing() {
        var s = fixtureState(readOnly: true)
        _ = reduce(&s, .key(.char("a")))
        #expect(s.flash?.text == "Read-only mode: a would change something at a source, so it is off")
        _ = reduce(&s, .key(.char("x")))            // an unknown key stays silent
        #expect(s.flash?.text == "Read-only mode: a would change something at a source, so it is off")
    }

    @Test func kAtTheFirstIncidentGoesBackUpAsJCameDown() {
        var s = fixtureState()
        s.focus = .pages
        _ = reduce(&s, .key(.char("j")))
        #expect(s.focus == .incidents)
        #expect(s.selectedIncident == "PD-2")      // the first row
        _ = reduce(&s, .key(.char("k")))
        #expect(PanelID.metricPanels.contains(s.focus))   // the panel straight above the list
    }

    @Test func detailsAndHelpScrollAndHelpOpensFromDetails() {
        var s = fixtureState()
        _ = reduce(&s, .key(.enter))
        _ = reduce(&s, .key(.pageDown))
        #expect(s.dialogScroll == 0)                 // everything fits at 120x40: nothing to scroll
        _ = reduce(&s, .resized(Size(width: 80, height: 6)))   // 2 dialog lines for 3 of content
        _ = reduce(&s, .key(.pageDown))
        #expect(s.dialogScroll > 0)
        // Never past the last page, however often PgDn is pressed: one PgUp answers at once.
        for _ in 0..<20 { _ = reduce(&s, .key(.pageDown)) }
        let last = s.dialogScroll
        #expect(last == DialogContent.maxScroll(lines: DialogContent.details(s.incident("PD-2")!, s).count, size: s.size))
        _ = reduce(&s, .key(.pageUp))
        #expect(s.dialogScroll < last)
        _ = reduce(&s, .key(.pageUp))
        #expect(s.dialogScroll == 0)
        _ = reduce(&s, .resized(Size(width: 120, height: 40)))
        _ = reduce(&s, .key(.char("?")))
        #expect(s.mode == .help(returnTo: .details("PD-2")))
        #expect(s.dialogScroll == 0)
        _ = reduce(&s, .key(.char("j")))
        #expect(s.dialogScroll > 0)
        _ = reduce(&s, .key(.escape))
        #expect(s.mode == .details("PD-2"))
    }

    @Test func aNewPageIsAnnounced() {
        var s = fixtureState()
        var list = s.incidents
        list.append(incident("PD-9", service: "search", severity: .critical, triggered: -60))
        _ = reduce(&s, .sourceUpdated("test", SourceSnapshot(incidents: list), at: noon))
        #expect(s.flash?.text == "New page: SEV1 search: Incident PD-9")
        // The first answer of a source is not "new".
        var fresh = AppState(now: noon, size: Size(width: 80, height: 24), user: "a", sources: [("test", 5)])
        _ = reduce(&fresh, .sourceUpdated("test", SourceSnapshot(incidents: list), at: noon))
        #expect(fresh.flash == nil)
    }

    @Test func quitAndRepaint() {
        var s = fixtureState()
        #expect(reduce(&s, .key(.ctrl("l"))) == [.repaint])
        #expect(reduce(&s, .key(.char("q"))) == [.quit])
        var t = fixtureState()
        _ = reduce(&t, .key(.char("a")))
        #expect(reduce(&t, .key(.ctrl("c"))) == [.quit])
    }

    @Test func tabCyclesVisiblePanelsAndArrowsMoveSpatially() {
        var s = fixtureState()
        let visible = s.layout.panels.map(\.id)
        #expect(visible.count == 7)
        for expected in visible { _ = reduce(&s, .key(.tab)); #expect(s.focus == expected) }
        s.focus = .builds
        _ = reduce(&s, .key(.char("l")))
        #expect(s.focus == .deployments)
        _ = reduce(&s, .key(.char("j")))
        #expect(s.focus == .response)
        _ = reduce(&s, .key(.char("h")))
        #expect(s.focus == .pages)
    }

    @Test func sourceFailureKeepsDataAndRecordsTheError() {
        var s = fixtureState()
        _ = reduce(&s, .sourceFailed("test", SourceError(.refused, "connection refused"), at: noon.addingTimeInterval(20)))
        #expect(s.openIncidents.count == 3)
        #expect(s.sources["test"]?.lastError == "connection refused")
        #expect(s.sources["test"]?.isStale(at: noon.addingTimeInterval(20)) == true)
    }
}

@Suite struct LayoutTests {
    @Test func everyPanelAt80x24AndLarger() {
        for (w, h) in [(80, 24), (120, 40), (200, 60)] {
            let l = DashboardLayout.compute(Size(width: w, height: h))
            #expect(l.panels.count == 7, "\(w)x\(h)")
            for p in l.panels {
                #expect(p.rect.maxX <= w && p.rect.maxY <= h - 1 && p.rect.y >= 1)
                #expect(p.rect.width >= 24 && p.rect.height >= 5)
            }
        }
    }

    @Test func smallScreensDropPanelsInsteadOfSqueezing() {
        let l = DashboardLayout.compute(Size(width: 60, height: 18))
        #expect(l.panels.map(\.id) == [.deployments, .outages, .pages, .response, .incidents])
        #expect(DashboardLayout.compute(Size(width: 79, height: 12)).panels.map(\.id) == [.outages, .pages, .response, .incidents])
        #expect(DashboardLayout.compute(Size(width: 30, height: 8)).panels.map(\.id) == [.incidents])
        for w in 0...12 { for h in 0...12 { _ = DashboardLayout.compute(Size(width: w, height: h)) } }
        #expect(DashboardLayout.compute(Size(width: 1, height: 1)).panels.isEmpty)
        #expect(DashboardLayout.compute(Size(width: 1, height: 3)).panels.map(\.id) == [.incidents])
    }
}
