import Foundation
import Testing
import VigilTestSupport
@testable import VigilCore

/// The silences view: opened only where a source keeps silences, ordered forgotten-first,
/// extend (pick, confirm) and expire (confirm) each asked of the source once, and the answer shown.
@Suite struct SilencesTests {
    func silence(_ id: String, ends: TimeInterval, silencing: [String] = [], vigil: Bool = false) -> SilenceInfo {
        SilenceInfo(id: id, source: "am", createdBy: "bob", comment: "why", startsAt: noon - hour, endsAt: noon + ends,
                    state: "active", matchers: ["alertname=\"X\""], silencing: silencing, isVigil: vigil)
    }

    func state(readOnly: Bool = false) -> AppState {
        var s = AppState(now: noon, size: Size(width: 120, height: 40), readOnly: readOnly, user: "alice",
                         sources: [("am", 5), ("pd", 5)])
        _ = reduce(&s, .sourceUpdated("am", SourceSnapshot(incidents: [incident("AM-1", triggered: -hour, source: "am")],
            silences: [silence("s-ack", ends: 600, silencing: ["AM-1"], vigil: true), silence("s-idle", ends: 7_200),
                       silence("s-soon", ends: 300)]), at: noon))
        _ = reduce(&s, .sourceUpdated("pd", SourceSnapshot(incidents: []), at: noon))
        return s
    }

    @Test func theViewListsWhatSilencesNothingFirstThenTheSoonestToEnd() {
        var s = state()
        _ = reduce(&s, .key(.char("S")))
        #expect(s.mode == .silences)
        #expect(s.silences.map(\.id) == ["s-soon", "s-idle", "s-ack"])
        _ = reduce(&s, .key(.char("j")))
        #expect(s.selectedSilence?.id == "s-idle")
        _ = reduce(&s, .key(.char("G")))
        #expect(s.selectedSilence?.id == "s-ack")
        _ = reduce(&s, .key(.char("j")))
        #expect(s.selectedSilence?.id == "s-ack")          // stays on the last
        // Help from the view goes back to the view.
        _ = reduce(&s, .key(.char("?")))
        #expect(s.mode == .help(returnTo: .silences))
        _ = reduce(&s, .key(.escape))
        #expect(s.mode == .silences && s.selectedSilence?.id == "s-ack")
        _ = reduce(&s, .key(.escape))
        #expect(s.mode == .dashboard)
    }

    @Test func withoutASourceThatKeepsSilencesTheKeySaysSo() {
        var s = AppState(now: noon, size: Size(width: 120, height: 40), user: "alice", sources: [("pd", 5)])
        _ = reduce(&s, .sourceUpdated("pd", SourceSnapshot(incidents: []), at: noon))
        _ = reduce(&s, .key(.char("S")))
        #expect(s.mode == .dashboard)
        #expect(s.flash?.text == "No source here keeps silences (Alertmanager does)")
    }

    @Test func extendIsPickedThenConfirmedThenAskedOnce() {
        var s = state()
        _ = reduce(&s, .key(.char("S")))
        _ = reduce(&s, .key(.char("j")))
        _ = reduce(&s, .key(.char("e")))
        #expect(s.mode == .silencePick("s-idle"))
        _ = reduce(&s, .key(.char("3")))
        #expect(s.mode == .silenceConfirm(.extend(seconds: 86_400), "s-idle"))
        let effects = reduce(&s, .key(.char("y")))
        #expect(effects == [.changeSilence(.extend(seconds: 86_400), silenceID: "s-idle", source: "am", by: "alice")])
        #expect(s.mode == .silences && s.pendingSilences == ["s-idle"])
        // The answer: ends a day later, same alerts silenced.
        var after = silence("s-idle", ends: 7_200 + 86_400)
        after.silencing = []
        _ = reduce(&s, .silenceChanged(replacing: "s-idle", after, .extend(seconds: 86_400)))
        #expect(s.pendingSilences.isEmpty)
        #expect(s.silences.first { $0.id == "s-idle" }?.endsAt == noon + 7_200 + 86_400)
        #expect(s.flash?.text == "Silence s-idle now ends 14:00 UTC (am)")
    }

    @Test func expireIsConfirmedAndTheExpiredOneLeavesTheList() {
        var s = state()
        _ = reduce(&s, .key(.char("S")))
        _ = reduce(&s, .key(.char("G")))
        _ = reduce(&s, .key(.char("x")))
        #expect(s.mode == .silenceConfirm(.expire, "s-ack"))
        #expect(reduce(&s, .key(.char("n"))).isEmpty)        // no: nothing asked
        #expect(s.mode == .silences)
        _ = reduce(&s, .key(.char("x")))
        #expect(reduce(&s, .key(.char("y"))) == [.changeSilence(.expire, silenceID: "s-ack", source: "am", by: "alice")])
        var gone = silence("s-ack", ends: 0, silencing: ["AM-1"], vigil: true)
        gone.state = "expired"
        _ = reduce(&s, .silenceChanged(replacing: "s-ack", gone, .expire))
        #expect(!s.silences.contains { $0.id == "s-ack" })
        #expect(s.flash?.text == "Silence s-ack expired at am")
        // A refusal is said, and the silence stays.
        _ = reduce(&s, .key(.char("g")))
        _ = reduce(&s, .key(.char("x")))
        _ = reduce(&s, .key(.char("y")))
        _ = reduce(&s, .silenceChangeFailed("s-soon", .expire, SourceError(.rejected, "Alertmanager said no")))
        #expect(s.flash?.text == "Silence s-soon not expired: Alertmanager said no")
        #expect(s.silences.contains { $0.id == "s-soon" } && s.pendingSilences.isEmpty)
    }

    @Test func readOnlyLooksButChangesNothing() {
        var s = state(readOnly: true)
        _ = reduce(&s, .key(.char("S")))
        #expect(s.mode == .silences)
        #expect(reduce(&s, .key(.char("x"))).isEmpty && s.mode == .silences)
        #expect(reduce(&s, .key(.char("e"))).isEmpty && s.mode == .silences)
        #expect(s.flash?.text.hasPrefix("Read-only mode") == true)
    }
}
