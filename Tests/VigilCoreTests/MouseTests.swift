import Foundation
import Testing
import VigilTestSupport
@testable import VigilCore

/// Clicks and the wheel, mapped to panels and rows exactly as the table draws them.
@Suite struct MouseTests {
    /// 100x30: metric panels on top, the incidents panel below them.
    func state(count: Int = 12) -> AppState {
        var s = AppState(now: noon, size: Size(width: 100, height: 30), user: "alice", sources: [("pd", 5)])
        s.sources["pd"]?.actions = [.acknowledge]
        let list = (0..<count).map { incident("PD-\($0)", triggered: -Double($0 + 1) * hour, source: "pd") }
        _ = reduce(&s, .sourceUpdated("pd", SourceSnapshot(incidents: list), at: noon))
        return s
    }

    func incidentsRect(_ s: AppState) throws -> Rect { try #require(s.layout.rect(of: .incidents)) }

    @Test func aPressSelectsTheRowUnderItAndASecondOneOpensIt() throws {
        var s = state()
        let r = try incidentsRect(s)
        // Rows start under the border and the header: the oldest is first (same severity).
        #expect(s.visibleIncidents.first?.id == "PD-11")
        _ = reduce(&s, .mouse(MouseEvent(.press, x: r.x + 5, y: r.y + 2 + 3)))
        #expect(s.selectedIncident == "PD-8")
        #expect(s.mode == .dashboard)
        _ = reduce(&s, .mouse(MouseEvent(.press, x: r.x + 5, y: r.y + 2 + 3)))
        #expect(s.mode == .details("PD-8"))
        // In the details a press does nothing; Esc is the way back.
        _ = reduce(&s, .mouse(MouseEvent(.press, x: r.x + 5, y: r.y + 2)))
        #expect(s.mode == .details("PD-8"))
    }

    @Test func theHeaderTheBorderAndBelowTheLastRowSelectNothing() throws {
        var s = state(count: 2)
        let r = try incidentsRect(s)
        let before = s.selectedIncident
        for y in [r.y, r.y + 1, r.y + 2 + 2, r.y + r.height - 1] {
            _ = reduce(&s, .mouse(MouseEvent(.press, x: r.x + 5, y: y)))
            #expect(s.selectedIncident == before && s.mode == .dashboard, "y \(y)")
        }
    }

    @Test func aPressOnAMetricPanelFocusesIt() throws {
        var s = state()
        let deployments = try #require(s.layout.rect(of: .deployments))
        _ = reduce(&s, .mouse(MouseEvent(.press, x: deployments.x + 3, y: deployments.y + 2)))
        #expect(s.focus == .deployments)
        _ = reduce(&s, .mouse(MouseEvent(.press, x: 0, y: 0)))   // the header: nothing
        #expect(s.focus == .deployments)
    }

    @Test func theWheelMovesThroughTheIncidentsAndAClickFollowsTheScrolledTable() throws {
        var s = state(count: 40)
        let r = try incidentsRect(s)
        for _ in 0..<10 { _ = reduce(&s, .mouse(MouseEvent(.wheelDown, x: r.x + 5, y: r.y + 3))) }
        let selected = try #require(s.selectedIncident.flatMap { s.visibleRow(of: $0) })
        #expect(selected == 30)
        // The table now starts further down: the same arithmetic as its drawing.
        let inner = r.inset(by: 1)
        let shown = ListScroll.visibleRange(height: inner.height, count: 40, selected: 30).range
        #expect(shown.lowerBound > 0 && shown.contains(30))
        _ = reduce(&s, .mouse(MouseEvent(.press, x: r.x + 5, y: inner.y + 1)))   // the first row shown
        #expect(s.selectedIncident == s.visibleIncidents[shown.lowerBound].id)
        _ = reduce(&s, .mouse(MouseEvent(.wheelUp, x: r.x + 5, y: r.y + 3)))
        #expect(s.visibleRow(of: s.selectedIncident ?? "") == max(0, shown.lowerBound - 3))
    }

    @Test func theWheelScrollsTheDetailsAndDialogsThatAskTakeNoClicks() throws {
        var s = state()
        var long = try #require(s.incident("PD-11"))
        long.timeline = (0..<60).map { TimelineEntry(at: noon - Double($0) * 60, text: "entry \($0)") }
        _ = reduce(&s, .sourceUpdated("pd", SourceSnapshot(incidents: [long]), at: noon))
        _ = reduce(&s, .key(.enter))
        _ = reduce(&s, .mouse(MouseEvent(.wheelDown, x: 10, y: 10)))
        #expect(s.dialogScroll == 3)
        _ = reduce(&s, .mouse(MouseEvent(.wheelUp, x: 10, y: 10)))
        _ = reduce(&s, .mouse(MouseEvent(.wheelUp, x: 10, y: 10)))
        #expect(s.dialogScroll == 0)
        _ = reduce(&s, .key(.escape))
        _ = reduce(&s, .key(.char("a")))
        #expect(s.mode == .confirm(.acknowledge, "PD-11", returnTo: .dashboard))
        let r = try incidentsRect(s)
        #expect(reduce(&s, .mouse(MouseEvent(.press, x: r.x + 5, y: r.y + 2))).isEmpty)
        #expect(s.mode == .confirm(.acknowledge, "PD-11", returnTo: .dashboard))
    }

    @Test func theWallHasNoMouse() {
        var s = state()
        s.makeWall(WallSettings())
        #expect(reduce(&s, .mouse(MouseEvent(.press, x: 5, y: 20))).isEmpty)
        #expect(s.selectedIncident == nil)
    }
}
