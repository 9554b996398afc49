import Foundation
import Testing
import VigilTestSupport
@testable import VigilCore

/// `/` filter, `m` mine and `o` sort: what the incident table keeps, in which order, and where
/// the selection goes.
@Suite struct FindTests {
    /// Five open incidents over three services and two sources, one resolved.
    func state() -> AppState {
        var s = AppState(now: noon, size: Size(width: 120, height: 40), user: "alice", sources: [("pd", 5), ("am", 5)])
        var db = incident("AM-1", service: "db", severity: .warning, triggered: -5 * hour, source: "am")
        db.labels = [KeyValue("alertname", "DiskFull"), KeyValue("instance", "db-0")]
        var mineByAssign = incident("PD-7", service: "checkout", severity: .high, triggered: -1 * hour, source: "pd")
        mineByAssign.labels = [KeyValue("assignee", "Bob Stone, Alice Wu"), KeyValue("escalation_policy", "Payments")]
        var onMyPolicy = incident("PD-8", service: "search", severity: .critical, triggered: -3 * hour, source: "pd")
        onMyPolicy.labels = [KeyValue("escalation_policy", "Search")]
        var ackedByMe = incident("PD-9", service: "search", severity: .warning, triggered: -30 * 60, acked: -20 * 60,
                                 source: "pd")
        ackedByMe.acknowledgedBy = "alice"
        var other = incident("PD-10", service: "checkout", severity: .critical, triggered: -2 * hour, source: "pd")
        other.labels = [KeyValue("escalation_policy", "Checkout")]
        let gone = incident("PD-11", service: "db", triggered: -9 * hour, resolved: -8 * hour, source: "pd")
        _ = reduce(&s, .sourceUpdated("pd", SourceSnapshot(
            incidents: [mineByAssign, onMyPolicy, ackedByMe, other, gone], onCall: [
                OnCallShift(person: "Alice Wu", policy: "Search", level: 2, start: noon - hour, end: noon + hour, isMe: true),
                OnCallShift(person: "Alice Wu", policy: "Checkout", level: 1, start: noon + day, end: noon + 2 * day, isMe: true),
            ]), at: noon))
        _ = reduce(&s, .sourceUpdated("am", SourceSnapshot(incidents: [db]), at: noon))
        return s
    }

    func ids(_ s: AppState) -> [String] { s.visibleIncidents.map(\.id) }

    @Test func withoutAQueryTheTableIsEveryOpenIncidentMostSevereFirst() {
        let s = state()
        #expect(ids(s) == ["PD-8", "PD-10", "PD-7", "AM-1", "PD-9"])
        #expect(s.visibleIncidents == s.openIncidents)
    }

    @Test func typingFiltersAsYouTypeAndEveryWordMustMatch() {
        var s = state()
        _ = reduce(&s, .key(.char("/")))
        #expect(s.mode == .filter)
        for c in "SEARCH" { _ = reduce(&s, .key(.char(c))) }
        #expect(s.query.text == "SEARCH")
        #expect(ids(s) == ["PD-8", "PD-9"])   // service, any case
        #expect(s.selectedIncident == "PD-8")
        _ = reduce(&s, .key(.char(" ")))
        for c in "pd-9" { _ = reduce(&s, .key(.char(c))) }
        #expect(ids(s) == ["PD-9"])           // two words: ANDed; the id
        #expect(s.selectedIncident == "PD-9") // the selection follows what is left
        for _ in 0..<4 { _ = reduce(&s, .key(.backspace)) }
        #expect(ids(s) == ["PD-8", "PD-9"])
        // Labels (key=value), assignees, the source.
        s.query.text = "instance=db"
        #expect(ids(s) == ["AM-1"])
        s.query.text = "bob"
        #expect(ids(s) == ["PD-7"])
        s.query.text = "am"
        #expect(ids(s) == ["AM-1"])
        s.query.text = "nothing-like-this"
        #expect(ids(s).isEmpty)
    }

    @Test func enterKeepsTheFilterAndEscClearsIt() {
        var s = state()
        _ = reduce(&s, .key(.char("/")))
        for c in "check" { _ = reduce(&s, .key(.char(c))) }
        _ = reduce(&s, .key(.down))
        #expect(s.selectedIncident == "PD-7")  // arrows move while typing
        _ = reduce(&s, .key(.enter))
        #expect(s.mode == .dashboard)
        #expect(ids(s) == ["PD-10", "PD-7"])
        #expect(s.selectedIncident == "PD-7")
        _ = reduce(&s, .key(.char("k")))
        #expect(s.selectedIncident == "PD-10")
        _ = reduce(&s, .key(.escape))
        #expect(s.query == IncidentQuery())
        #expect(ids(s).count == 5)
        #expect(s.selectedIncident == "PD-10")  // still shown, still selected
        // Esc while typing clears too; Ctrl-U empties the line and keeps typing.
        _ = reduce(&s, .key(.char("/")))
        for c in "db" { _ = reduce(&s, .key(.char(c))) }
        _ = reduce(&s, .key(.ctrl("u")))
        #expect(s.mode == .filter && s.query.text.isEmpty)
        for c in "zz" { _ = reduce(&s, .key(.char(c))) }
        #expect(s.selectedIncident == nil)
        _ = reduce(&s, .key(.escape))
        #expect(s.mode == .dashboard && s.query.text.isEmpty)
        #expect(s.selectedIncident == "PD-8")
    }

    @Test func keysThatActAreTextWhileFiltering() {
        var s = state()
        s.sources["pd"]?.actions = [.acknowledge]
        _ = reduce(&s, .key(.char("/")))
        #expect(reduce(&s, .key(.char("a"))).isEmpty)
        #expect(reduce(&s, .key(.char("q"))).isEmpty)
        #expect(s.mode == .filter && s.query.text == "aq" && !s.quitting)
    }

    @Test func mineIsAssignedToMeAcknowledgedByMeOrOnAPolicyIAmOnNow() {
        var s = state()
        _ = reduce(&s, .key(.char("m")))
        #expect(s.query.mine)
        // PD-7: assigned to "Alice Wu" (the name PagerDuty gives me); PD-8: on Search, where I am
        // level 2 now; PD-9: acknowledged by alice (Vigil's user). Not PD-10 (Checkout: my shift
        // there is tomorrow) nor AM-1.
        #expect(ids(s) == ["PD-8", "PD-7", "PD-9"])
        #expect(s.flash?.text.contains("Search") == true)
        // With a filter: both apply.
        s.query.text = "search"
        #expect(ids(s) == ["PD-8", "PD-9"])
        // Tomorrow the Search shift is over and the Checkout one is on.
        _ = reduce(&s, .tick(noon + day + 60))
        s.query.text = ""
        #expect(ids(s) == ["PD-10", "PD-7", "PD-9"])
        _ = reduce(&s, .key(.char("m")))
        #expect(!s.query.mine && ids(s).count == 5)
    }

    @Test func theSortKeyCyclesSeverityAgeServiceStatus() {
        var s = state()
        _ = reduce(&s, .key(.char("o")))
        #expect(s.query.sort == .age)
        #expect(ids(s) == ["PD-9", "PD-7", "PD-10", "PD-8", "AM-1"])  // newest first
        _ = reduce(&s, .key(.char("o")))
        #expect(s.query.sort == .service)
        #expect(ids(s) == ["PD-10", "PD-7", "AM-1", "PD-8", "PD-9"])  // by name, then severity
        _ = reduce(&s, .key(.char("o")))
        #expect(s.query.sort == .status)
        #expect(ids(s) == ["PD-8", "PD-10", "PD-7", "AM-1", "PD-9"])  // the acknowledged PD-9 last
        _ = reduce(&s, .key(.char("o")))
        #expect(s.query.sort == .severity)
        // Moving follows the order shown.
        _ = reduce(&s, .key(.char("o")))
        _ = reduce(&s, .key(.char("g")))
        #expect(s.selectedIncident == "PD-9")
        _ = reduce(&s, .key(.char("j")))
        #expect(s.selectedIncident == "PD-7")
    }

    @Test func aPollKeepsTheFilterAndTheSelectionOnItsIncident() {
        var s = state()
        s.query.text = "search"
        _ = reduce(&s, .key(.char("j")))
        #expect(s.selectedIncident == "PD-9")
        let newer = incident("PD-12", service: "search", severity: .critical, triggered: -60, source: "pd")
        let list = (s.sources["pd"]?.snapshot?.incidents ?? []) + [newer]
        _ = reduce(&s, .sourceUpdated("pd", SourceSnapshot(incidents: list), at: noon))
        #expect(ids(s) == ["PD-8", "PD-12", "PD-9"])
        #expect(s.selectedIncident == "PD-9")
    }

    @Test func readOnlyStillFindsAndTheWallHasNoneOfIt() {
        let ro = KeyMap.standard(readOnly: true)
        #expect(ro.action(for: .char("/"), in: .dashboard) == .filter)
        #expect(ro.action(for: .char("m"), in: .dashboard) == .toggleMine)
        #expect(ro.action(for: .char("o"), in: .dashboard) == .cycleSort)
        #expect(KeyMap.wall.action(for: .char("/"), in: .dashboard) == nil)
        #expect(KeyMap.wall.action(for: .char("m"), in: .dashboard) == nil)
    }
}
