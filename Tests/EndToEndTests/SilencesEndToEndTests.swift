import Foundation
import Testing
import VigilTestSupport

extension EndToEnd {
/// The silences view in tmux against a real Alertmanager: everyone's silences with what they
/// silence, and a forgotten one expired from the keyboard.
@Suite(.serialized) struct SilencesEndToEndTests {
    @Test func theForgottenSilenceIsSeenAndExpired() async throws {
        guard TmuxSession.tmuxAvailable else { throw E2EError.missing("tmux is not installed: run scripts/test") }
        guard let bin = TmuxSession.binary else { throw E2EError.missing("no built vigil binary: run scripts/test") }
        let am = try await AlertmanagerServer.start()
        defer { am.stop() }
        try am.post([AlertmanagerServer.Alert(labels: ["alertname": "DiskFull", "service": "db", "severity": "warning"],
                                              annotations: ["summary": "disk 97% on db-0"])])
        _ = try am.createSilence(["alertname": "DiskFull"], createdBy: "bob", comment: "on it")
        let forgotten = try am.createSilence(["alertname": "Reindex", "service": "search"], createdBy: "carol",
                                             comment: "reindex tonight", duration: 7_200)
        let config = try TestConfig("silences", yaml: """
            user: e2e-oncall
            sources:
              - name: am
                type: alertmanager
                url: \(am.url.absoluteString)
                poll_interval: 1s
            """)
        let t = try TmuxSession(width: 110, height: 32, command: config.command(bin))
        try t.waitFor(timeout: 20, "the alert, acknowledged by bob's silence") { $0.contains("disk 97% on db-0") && $0.contains("bob") }
        try t.send(keys: ["S"])
        var screen = try t.waitFor(timeout: 10, "the silences") {
            $0.contains("2 silences · 1 of them silences nothing: forgotten?") && $0.contains("silences 1: AM-")
        }
        // The forgotten one is first, selected.
        let head = try #require(screen.first { $0.contains("▶ active") })
        #expect(head.contains("by carol") && head.contains(String(forgotten.prefix(8))))
        #expect(screen.contains { $0.contains(#""reindex tonight"  silences nothing"#) })
        try t.send(keys: ["x"])
        try t.waitFor(timeout: 10, "the question") { $0.contains("Expire silence \(forgotten.prefix(8)) at am as e2e-oncall?") }
        try t.send(keys: ["y"])
        screen = try t.waitFor(timeout: 10, "expired") { $0.contains("Silence \(forgotten.prefix(8)) expired at am") }
        #expect(screen.contains { $0.contains("1 silence") } && !screen.contains { $0.contains("reindex tonight") })
        #expect(try am.silences().first { $0.id == forgotten }?.state == "expired")
        try t.send(keys: ["Escape", "q"])
        try t.waitFor("EXIT=0")
    }
}
}
