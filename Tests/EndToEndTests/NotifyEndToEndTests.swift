import Foundation
import Testing
import VigilTestSupport

extension EndToEnd {
/// Being told, read from the pty: tmux's `pipe-pane` hands over every byte the built binary
/// writes to its terminal. A new page from a real Alertmanager emits the OSC 9 notification
/// exactly once; with notifications off, none; the title counts unacknowledged pages.
@Suite(.serialized) struct NotifyEndToEndTests {
    static let osc9 = "\u{1B}]9;"

    /// Runs Vigil against `am` with `notify` (YAML, or nil for none), waits for `before` on
    /// screen, starts reading the pty, posts `alert`, waits for it, and returns what was written
    /// meanwhile (two more polls' worth) and the pane's title.
    func run(_ am: AlertmanagerServer, notify: String?, before: String, alert: AlertmanagerServer.Alert,
             shows: String, bin: String) throws -> (bytes: String, title: String) {
        let config = try TestConfig("notify", yaml: """
            user: e2e-oncall
            \(notify ?? "")
            sources:
              - name: am
                type: alertmanager
                url: \(am.url.absoluteString)
                poll_interval: 1s
            """)
        let pty = config.dir.appendingPathComponent("pty.bytes")
        let t = try TmuxSession(width: 120, height: 40, command: config.command(bin))
        try t.waitFor(timeout: 20, "the first alert") { $0.contains(before) }
        try t.tmux(["pipe-pane", "-t", t.name, "cat >> \(pty.path)"])
        try am.post([alert])
        try t.waitFor(timeout: 20, "the new alert") { $0.contains(shows) }
        Thread.sleep(forTimeInterval: 2.5)   // two more polls: nothing more may be told
        let title = try t.tmux(["display-message", "-p", "-t", t.name, "#{pane_title}"])
            .trimmingCharacters(in: .whitespacesAndNewlines)
        try t.send(keys: ["q"])
        try t.waitFor("EXIT=0")
        try t.tmux(["pipe-pane", "-t", t.name])
        let bytes = (try? String(contentsOf: pty, encoding: .utf8)) ?? ""
        return (bytes, title)
    }

    @Test func aNewPageEmitsOneOSC9AndNoneWhenNotificationsAreOff() async throws {
        guard TmuxSession.tmuxAvailable else { throw E2EError.missing("tmux is not installed: run scripts/test") }
        guard let bin = TmuxSession.binary else { throw E2EError.missing("no built vigil binary: run scripts/test") }
        let am = try await AlertmanagerServer.start()
        defer { am.stop() }
        try am.post([AlertmanagerServer.Alert(labels: ["alertname": "Old", "service": "search", "severity": "critical"],
                                              annotations: ["summary": "already firing at start"])])

        let on = try run(am, notify: "notify: {desktop: true, protocol: osc9, min_interval: 5s}",
                         before: "already firing at start",
                         alert: AlertmanagerServer.Alert(labels: ["alertname": "New", "service": "checkout",
                                                                 "severity": "critical"],
                                                         annotations: ["summary": "checkout 5xx above 5%"]),
                         shows: "checkout 5xx above 5%", bin: bin)
        let told = on.bytes.components(separatedBy: Self.osc9).count - 1
        #expect(told == 1, "OSC 9 sent \(told) times")
        let sequence = on.bytes.components(separatedBy: Self.osc9).dropFirst().first?.prefix { $0 != "\u{07}" } ?? ""
        #expect(sequence.hasPrefix("Vigil: New page: AM-"), "\(sequence)")
        #expect(sequence.hasSuffix("SEV1 checkout: checkout 5xx above 5%"), "\(sequence)")
        #expect(!on.bytes.contains("\u{1B}]777;"))      // osc9 asked for: not 777 too
        // The title counts the unacknowledged pages (tmux keeps what OSC 2 set as the pane title).
        #expect(on.title == "(2) Vigil config.yaml: 2 unacked pages", "\(on.title)")
        #expect(on.bytes.contains("\u{1B}]2;(2) Vigil config.yaml: 2 unacked pages\u{07}"))

        let off = try run(am, notify: nil, before: "checkout 5xx above 5%",
                          alert: AlertmanagerServer.Alert(labels: ["alertname": "Newer", "service": "auth",
                                                                  "severity": "critical"],
                                                          annotations: ["summary": "auth logins failing"]),
                          shows: "auth logins failing", bin: bin)
        #expect(!off.bytes.isEmpty)                         // the pty was read: the new row was drawn
        #expect(!off.bytes.contains(Self.osc9) && !off.bytes.contains("\u{1B}]777;"))
    }
}
}
