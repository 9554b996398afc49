import Foundation
import Testing

extension EndToEnd {
/// The built binary in tmux, checked the way a person would: by what is on the screen.
@Suite(.serialized) struct DemoEndToEndTests {
    func vigil(_ args: String = "") throws -> String {
        guard TmuxSession.tmuxAvailable else { throw E2EError.missing("tmux is not installed: run scripts/test") }
        guard let bin = TmuxSession.binary else {
            throw E2EError.missing("no built vigil binary: run `swift build --product vigil` (scripts/test does)")
        }
        let repo = TmuxSession.repo.path
        return "VIGIL_USER=e2e-user \(bin) --demo --data \(repo)/sample-data --themes-dir \(repo)/themes \(args); echo EXIT=$?"
    }

    @Test func panelsAcknowledgeResizeAndQuit() throws {
        let t = try TmuxSession(width: 100, height: 30, command: try vigil())
        let first = try t.waitFor("SEV1")
        let text = first.joined(separator: "\n")
        for title in ["Build throughput", "Deployments", "Outages", "Alert pages", "MTTR / MTTA", "Quality"] {
            #expect(text.contains(title), "missing panel \(title)")
        }
        #expect(text.contains("SEV1"))

        // Select an unacknowledged incident: the first row is the most severe; walk down until
        // the selected row is triggered.
        var selected = ""
        for _ in 0..<12 {
            let lines = try t.screen()
            selected = lines.first { $0.contains("▶") } ?? ""
            if selected.contains("TRIG") { break }
            try t.send(keys: ["j"])
            usleep(100_000)
        }
        let screenNow = try t.screen().joined(separator: "\n")
        #expect(selected.contains("TRIG"), "no triggered incident to acknowledge:\n\(screenNow)")
        try t.send(keys: ["a"])
        try t.waitFor(timeout: 10, "confirmation dialog") { $0.range(of: #"Acknowledge [A-Z]+-\S+\?"#, options: .regularExpression) != nil }
        try t.send(keys: ["y"])
        try t.waitFor(timeout: 15, "acknowledged by e2e-user") { $0.contains("acknowledged by e2e-user at") }
        let after = try t.screen()
        #expect(after.contains { $0.contains("▶") && $0.contains("e2e-user") })

        // Reassign it to a teammate on the demo's rota, picked by digit, confirmed by the demo.
        let rota = try t.screen().joined(separator: "\n")
        #expect(rota.contains("on call: "), "the demo names who is on call:\n\(rota)")
        try t.send(keys: ["R"])
        // The whole dialog, not only its first lines: a capture can fall in the middle of a frame.
        let picker = try t.waitFor(timeout: 10, "the people picker") {
            $0.contains("to whom?") && $0.firstMatch(of: /1  (\S+ \S+)  on call/) != nil && $0.contains(" cancel")
        }.joined(separator: "\n")
        let match = picker.firstMatch(of: /1  (\S+ \S+)  on call/)
        let name = try #require(match.map { String($0.1) }, "no first choice:\n\(picker)")
        try t.send(keys: ["1"])
        try t.waitFor(timeout: 10, "confirmation") { $0.contains("to \(name)") }
        try t.send(keys: ["y"])
        try t.waitFor(timeout: 15, "reassigned") { $0.contains("reassignment confirmed by e2e-user") }

        try t.resize(width: 80, height: 24)
        let small = try t.waitFor(timeout: 10, "80x24 redraw") { s in
            let lines = s.components(separatedBy: "\n")
            return lines.contains { $0.contains("Incidents") } && lines.contains { $0.contains("Outages") }
        }
        #expect(small.allSatisfy { $0.count <= 80 })
        try t.resize(width: 200, height: 60)
        let big = try t.waitFor(timeout: 10, "200x60 redraw") { s in
            s.contains("Quality & performance") && s.components(separatedBy: "\n").contains { $0.count > 150 }
        }
        #expect(big.count >= 60)

        try t.send(keys: ["q"])
        let end = try t.waitFor("EXIT=0")
        #expect(end.contains { $0.contains("e2e$") })
    }

    @Test func readOnlyHasNoAcknowledge() throws {
        let t = try TmuxSession(width: 120, height: 40, command: try vigil("--read-only"))
        try t.waitFor("READ-ONLY")
        try t.send(keys: ["a"])
        usleep(300_000)
        let afterA = try t.screen().joined()
        #expect(afterA.range(of: #"Acknowledge [A-Z]+-"#, options: .regularExpression) == nil)
        try t.send(keys: ["?"])
        let help = try t.waitFor("Help").joined(separator: "\n")
        #expect(!help.contains("Acknowledge"))
        try t.send(keys: ["Escape"])
        try t.send(keys: ["C-c"])
        try t.waitFor("EXIT=130")   // 128 + SIGINT, as shells expect after Ctrl-C
    }

    @Test func onceNeedsNoTerminal() throws {
        guard let bin = TmuxSession.binary else { throw E2EError.missing("no built vigil binary") }
        let repo = TmuxSession.repo.path
        let r = try TmuxSession.run(bin, ["--once", "--width", "80", "--height", "24", "--data", "\(repo)/sample-data",
                                          "--themes-dir", "\(repo)/themes"])
        #expect(r.status == 0)
        let lines = r.output.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.count >= 24)
        #expect(r.output.contains("Incidents"))
        #expect(lines.allSatisfy { $0.count <= 80 })
    }

    @Test func badThemeIsAClearErrorBeforeTheTerminal() throws {
        guard let bin = TmuxSession.binary else { throw E2EError.missing("no built vigil binary") }
        let bad = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-bad-\(getpid()).yaml")
        try "name: bad\nroles:\n  severity.critcal: \"#ff0000\"\n".write(to: bad, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: bad) }
        let r = try TmuxSession.run(bin, ["--once", "--theme", bad.path])
        #expect(r.status != 0)
        #expect(r.output.contains(bad.lastPathComponent) && r.output.contains("3"))
        #expect(r.output.contains("severity.critical"))
    }

    @Test func dumbTerminalIsRefusedWithAPointerToOnce() throws {
        guard TmuxSession.tmuxAvailable, let bin = TmuxSession.binary else { throw E2EError.missing("tmux or binary") }
        let repo = TmuxSession.repo.path
        let t = try TmuxSession(width: 100, height: 20,
                                command: "TERM=dumb \(bin) --data \(repo)/sample-data; echo EXIT=$?")
        let s = try t.waitFor(timeout: 15, "exit status") { $0.range(of: #"EXIT=\d"#, options: .regularExpression) != nil }
            .joined(separator: "\n")
        #expect(s.contains("--once"))
        #expect(!s.contains("EXIT=0"))
    }
}
}

