import Foundation
import Testing
import VigilTestSupport

extension EndToEnd {
/// The diagnostic log, from the built binary against a real Alertmanager: at `trace` the file
/// gets the start-up records (config, theme, terminal), every poll's outcome with its source and
/// duration, and every request; the pty, read from its first byte with tmux's `pipe-pane`,
/// gets none of it. A stopped Alertmanager is a warning with the retry decision, and `H` shows
/// its last errors and the log file's path.
@Suite(.serialized) struct LogEndToEndTests {
    @Test func everythingGoesToTheLogFileAndNothingToTheTerminal() async throws {
        guard TmuxSession.tmuxAvailable else { throw E2EError.missing("tmux is not installed: run scripts/test") }
        guard let bin = TmuxSession.binary else { throw E2EError.missing("no built vigil binary: run scripts/test") }
        let am = try await AlertmanagerServer.start()
        try am.post([AlertmanagerServer.Alert(labels: ["alertname": "DiskFull", "service": "db", "severity": "critical"],
                                              annotations: ["summary": "disk 97% full on db-1"])])
        let closed = try SilentListener()
        let deadPort = closed.port
        closed.close()
        // A pair with one member down answers with a warning at every poll: logged once.
        let config = try TestConfig("log", yaml: """
            user: e2e-oncall
            log_level: trace
            sources:
              - name: am
                type: alertmanager
                url: \(am.url.absoluteString)
                poll_interval: 1s
              - name: pair
                type: alertmanager
                urls: [\(am.url.absoluteString), http://127.0.0.1:\(deadPort)]
                poll_interval: 1s
                timeout: 1s
            """)
        let log = config.dir.appendingPathComponent("vigil.log")   // the default: in the state directory
        let pty = config.dir.appendingPathComponent("pty.bytes")
        // The pane's output is read from before the binary starts.
        let t = try TmuxSession(width: 100, height: 30, command: "sleep 1; " + config.command(bin))
        try t.tmux(["pipe-pane", "-t", t.name, "cat >> \(pty.path)"])
        try t.waitFor(timeout: 20, "the alert") { $0.contains("disk 97% full on db-1") }
        try await Task.sleep(for: .milliseconds(2_500))   // more polls
        am.stop()
        try t.waitFor(timeout: 20, "the failed poll in the log") { _ in
            ((try? String(contentsOf: log, encoding: .utf8)) ?? "").contains("warning vigil.poll: poll failed")
        }
        // `H`: the source's last errors with their times, and where the log is.
        try t.send(keys: ["H"])
        let dialog = try t.waitFor(timeout: 10, "the sources dialog") {
            $0.contains("Sources") && $0.contains("last errors, newest first") && $0.contains("vigil.log (level trace)")
        }.joined(separator: "\n")
        #expect(dialog.contains("am  failing") || dialog.contains("am  stale"), "\(dialog)")
        try t.send(keys: ["Escape"])
        try t.waitFor(timeout: 10, "the dialog closed") { !$0.contains("last errors, newest first") }
        try t.send(keys: ["q"])
        try t.waitFor("EXIT=0")
        try await Task.sleep(for: .milliseconds(300))   // pipe-pane copies the output asynchronously
        try t.tmux(["pipe-pane", "-t", t.name])

        let text = try String(contentsOf: log, encoding: .utf8)
        let lines = text.split(separator: "\n").map(String.init)
        func has(_ level: String, _ label: String, _ message: String, _ parts: [String] = []) -> Bool {
            lines.contains { line in
                line.contains(" \(level) \(label): \(message)") && parts.allSatisfy { line.contains($0) }
            }
        }
        #expect(has("info", "vigil", "started", ["level=trace"]))
        #expect(has("info", "vigil", "config loaded", ["path=\(config.file.path)", "sources=2"]))
        #expect(has("info", "vigil", "theme loaded", ["theme=default"]))
        #expect(has("info", "vigil.terminal", "terminal", ["term=tmux-256color", "size=100x30"]))
        #expect(has("debug", "vigil.poll", "poll ok", ["source=am", "incidents=1", "duration_ms=", "next_in=1s"]))
        #expect(has("trace", "vigil.http", "HTTP GET 200", ["source=am", "/api/v2/alerts", "received_bytes="]))
        let warned = lines.filter { $0.contains(" warning vigil.poll: poll answered with warnings") && $0.contains("source=pair") }
        #expect(warned.count == 1 && warned.first?.contains("127.0.0.1:\(deadPort)") == true,
                "\(lines.filter { $0.contains("source=pair") && $0.contains("vigil.poll") }.joined(separator: "\n"))")
        #expect(has("warning", "vigil.poll", "poll failed", ["source=am", "kind=", "failures=1", "next_in="]),
                "\(lines.suffix(5).joined(separator: "\n"))")
        // Nothing of it on the terminal.
        let bytes = (try? String(contentsOf: pty, encoding: .utf8)) ?? ""
        #expect(bytes.contains("disk 97% full"), "the pty was read")
        for marker in ["vigil.poll", "poll ok", "HTTP GET", "theme loaded", "vigil.terminal"] {
            #expect(!bytes.contains(marker), "\(marker) reached the terminal")
        }
    }
}
}
