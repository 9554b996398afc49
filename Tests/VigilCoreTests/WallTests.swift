import Foundation
import Testing
import VigilTestSupport
@testable import VigilCore

/// The wall monitor's part of the reducer: rotation, repaints, the bell, and its keys.
@Suite struct WallTests {
    func wallState(bell: Bool = false, rotate: TimeInterval = 20) -> AppState {
        var s = fixtureState()
        s.makeWall(WallSettings(rotateEvery: rotate, bell: bell, repaintEvery: 300))
        return s
    }

    @Test func aWallIsReadOnlyWithNoSelectionAndNoMutatingKey() {
        var s = wallState()
        #expect(s.readOnly)
        #expect(s.selectedIncident == nil)
        #expect(!s.keyMap.bindings.contains { $0.mutates })
        #expect(!s.keyMap.bindings.contains { [.down, .up, .open, .top, .bottom].contains($0.action) })
        // `a` does nothing at a source, and says why.
        #expect(reduce(&s, .key(.char("a"))).isEmpty)
        #expect(s.flash?.text.contains("Read-only mode") == true)
        #expect(reduce(&s, .key(.enter)).isEmpty)
        #expect(s.mode == .dashboard)
        // New data does not bring a selection back.
        _ = reduce(&s, .sourceUpdated("test", SourceSnapshot(incidents: [incident("PD-9", triggered: -60)]), at: noon))
        #expect(s.selectedIncident == nil)
    }

    @Test func pagesTurnWhenTheirTimeIsUpAndOnlyOnceAfterALongGap() {
        var s = wallState(rotate: 20)
        #expect(s.wall?.page == .now)
        _ = reduce(&s, .tick(noon.addingTimeInterval(19)))
        #expect(s.wall?.page == .now)
        _ = reduce(&s, .tick(noon.addingTimeInterval(20)))
        #expect(s.wall?.page == .panels)
        #expect(s.wall?.pageSince == noon.addingTimeInterval(20))
        _ = reduce(&s, .tick(noon.addingTimeInterval(40)))
        #expect(s.wall?.page == .now)
        // The machine slept for an hour: one turn, not 180.
        _ = reduce(&s, .tick(noon.addingTimeInterval(3_640)))
        #expect(s.wall?.page == .panels)
        #expect(s.wall?.nextPageAt == noon.addingTimeInterval(3_660))
        // The clock went backwards (NTP step): the page does not stay up for ever.
        _ = reduce(&s, .tick(noon.addingTimeInterval(100)))
        #expect(s.wall?.pageSince == noon.addingTimeInterval(100))
    }

    @Test func keysTurnPagesAndRestartTheirTime() {
        var s = wallState()
        _ = reduce(&s, .tick(noon.addingTimeInterval(15)))
        _ = reduce(&s, .key(.char(" ")))
        #expect(s.wall?.page == .panels)
        #expect(s.wall?.pageSince == noon.addingTimeInterval(15))
        _ = reduce(&s, .key(.left))
        #expect(s.wall?.page == .now)
        _ = reduce(&s, .key(.char("h")))
        #expect(s.wall?.page == .panels)  // wraps around
    }

    @Test func theWholeScreenIsRepaintedEveryFewMinutes() {
        var s = wallState()
        #expect(reduce(&s, .tick(noon.addingTimeInterval(299))) == [])
        #expect(reduce(&s, .tick(noon.addingTimeInterval(300))) == [.repaint])
        #expect(reduce(&s, .tick(noon.addingTimeInterval(301))) == [])
        // Ctrl-L counts as a repaint.
        _ = reduce(&s, .tick(noon.addingTimeInterval(500)))
        #expect(reduce(&s, .key(.ctrl("l"))) == [.repaint])
        #expect(reduce(&s, .tick(noon.addingTimeInterval(700))) == [])
        #expect(reduce(&s, .tick(noon.addingTimeInterval(800))) == [.repaint])
    }

    @Test func theBellRingsForANewPageOrOutageOnlyWhenAskedFor() {
        let page = incident("PD-9", severity: .high, triggered: -30)
        let outage = incident("PD-10", severity: .critical, triggered: -30, acked: -10, paged: false)
        let quiet = incident("PD-11", severity: .warning, triggered: -30, paged: false)
        let existing = fixtureState().sources["test"]?.snapshot?.incidents ?? []
        for (arrival, rings) in [(page, true), (outage, true), (quiet, false)] {
            var s = wallState(bell: true)
            let effects = reduce(&s, .sourceUpdated("test", SourceSnapshot(incidents: existing + [arrival]), at: noon))
            #expect(effects == (rings ? [.bell] : []), "\(arrival.id)")
        }
        var silent = wallState(bell: false)
        #expect(reduce(&silent, .sourceUpdated("test", SourceSnapshot(incidents: existing + [page]), at: noon)).isEmpty)
        // Not on a wall: never.
        var desk = fixtureState()
        #expect(reduce(&desk, .sourceUpdated("test", SourceSnapshot(incidents: existing + [page]), at: noon)).isEmpty)
    }

    @Test func theAlarmListsUnacknowledgedPagesThenOutagesAndEndsWithThem() {
        var s = wallState()
        let alarm = WallAlarm(s)
        // PD-2 critical triggered (page and outage), PD-1 high triggered (page); PD-3 acked warning.
        #expect(alarm.unacknowledgedPages.map(\.id) == ["PD-2", "PD-1"])
        #expect(alarm.outages.map(\.id) == ["PD-2"])
        let allAcked = [incident("PD-1", triggered: -2 * hour, acked: -hour),
                        incident("PD-2", severity: .critical, triggered: -hour, resolved: -60)]
        _ = reduce(&s, .sourceUpdated("test", SourceSnapshot(incidents: allAcked), at: noon))
        #expect(WallAlarm(s).isEmpty)
    }

    @Test func rotationHasAFloor() {
        #expect(WallSettings(rotateEvery: 1).rotateEvery == WallSettings.shortestRotation)
    }
}
