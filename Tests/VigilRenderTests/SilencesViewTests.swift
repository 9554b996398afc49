import Foundation
import Testing
import VigilTestSupport
@testable import VigilCore
@testable import VigilRender

/// The silences view as text lines of the cell grid.
@Suite struct SilencesViewTests {
    let noon = Date(timeIntervalSince1970: 1_795_694_400)

    @Test func forgottenFirstWithWhoWhatUntilWhenAndWhatTheySilence() throws {
        var s = AppState(now: noon, size: Size(width: 100, height: 30), user: "alice", sources: [("am", 5)])
        let ack = SilenceInfo(id: "0a1b2c3d-4444", source: "am", createdBy: "bob", comment: "Acknowledged in Vigil by bob",
                              startsAt: noon - 600, endsAt: noon + 900, state: "active",
                              matchers: [#"alertname="DiskFull""#, #"instance="db-0""#], silencing: ["AM-ff01"], isVigil: true)
        let idle = SilenceInfo(id: "9f8e7d6c-5555", source: "am", createdBy: "carol", comment: "reindex",
                               startsAt: noon - 86_400, endsAt: noon + 7_200, state: "active",
                               matchers: [#"service=~"search|index""#], silencing: [], isVigil: false)
        _ = reduce(&s, .sourceUpdated("am", SourceSnapshot(incidents: [], silences: [ack, idle]), at: noon))
        _ = reduce(&s, .key(.char("S")))
        let lines = DashboardView.render(s, ViewContext(theme: .monochrome, glyphs: .unicode)).lines
        let body = lines.map { $0.trimmingCharacters(in: .whitespaces) }
        let at = try #require(body.firstIndex { $0.contains("2 silences · 1 of them silences nothing: forgotten?") })
        #expect(body[at + 2].contains("▶ active  until 14:00 (in 2h00m)  by carol  9f8e7d6c at am"), "\(body[at + 2])")
        #expect(body[at + 3].contains(#"service=~"search|index""#))
        #expect(body[at + 4].contains(#""reindex"  silences nothing"#))
        #expect(body[at + 5].contains("  active  until 12:15 (in 15m)  by bob  Vigil ack  0a1b2c3d at am"), "\(body[at + 5])")
        #expect(body[at + 7].contains("silences 1: AM-ff01"))
        #expect(lines.last?.hasPrefix("j move  e extend  x expire  Esc back") == true, "\(lines.last ?? "")")
    }
}
