#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Testing
import VigilTestSupport

extension EndToEnd {
/// The built binary in tmux, killed and signalled while an acknowledgement is pending, against a
/// real Alertmanager behind the fault proxy: the acknowledgement is never lost and never made
/// twice, and the terminal is left as it was found.
@Suite(.serialized) struct DurabilityEndToEndTests {
    /// One Alertmanager with a firing alert, a fault proxy before it, a config and a state
    /// directory, and a way to start `vigil` on them in tmux.
    final class Rig {
        let am: AlertmanagerServer
        let proxy: FaultProxy
        let dir: URL
        let bin: String

        init(timeout: String = "1s") async throws {
            guard TmuxSession.tmuxAvailable else { throw E2EError.missing("tmux is not installed: run scripts/test") }
            guard let bin = TmuxSession.binary else { throw E2EError.missing("no built vigil binary: run scripts/test") }
            self.bin = bin
            am = try await AlertmanagerServer.start()
            try am.post([AlertmanagerServer.Alert(labels: ["alertname": "DiskFull", "service": "db", "severity": "critical"],
                                                  annotations: ["summary": "disk 97% on db-0"])])
            proxy = try FaultProxy(upstream: am.url)
            dir = FileManager.default.temporaryDirectory
                .appendingPathComponent("vigil-e2e-durable-\(getpid())-\(UUID().uuidString.prefix(8))")
            try FileManager.default.createDirectory(at: dir.appendingPathComponent("state"), withIntermediateDirectories: true)
            try E2EConfig.writeAlertmanager(url: proxy.url, timeout: timeout, to: dir.appendingPathComponent("config.yaml"))
        }

        deinit {
            proxy.stop()
            am.stop()
            try? FileManager.default.removeItem(at: dir)
        }

        var pidFile: String { dir.appendingPathComponent("vigil.pid").path }

        /// Starts vigil in a new tmux session. The shell records the terminal settings before and
        /// after, and vigil's exit status; `sh -c 'echo $$ …; exec vigil'` leaves vigil's pid in
        /// a file.
        func start() throws -> TmuxSession {
            unlink(pidFile)
            unlink(dir.appendingPathComponent("stty.after").path)
            let d = dir.path
            let command = "stty -g > \(d)/stty.before; "
                + "sh -c 'echo $$ > \(pidFile); exec \(bin) --config \(d)/config.yaml --state \(d)/state "
                + "--themes-dir \(TmuxSession.repo.path)/themes'; echo EXIT=$?; stty -g > \(d)/stty.after"
            return try TmuxSession(width: 120, height: 40, command: command)
        }

        /// vigil's pid, once it has started.
        func pid() throws -> pid_t {
            let deadline = Date().addingTimeInterval(10)
            while Date() < deadline {
                if let text = try? String(contentsOfFile: pidFile, encoding: .utf8),
                   let pid = pid_t(text.trimmingCharacters(in: .whitespacesAndNewlines)) { return pid }
                usleep(50_000)
            }
            throw E2EError.timeout("no pid in \(pidFile)")
        }

        /// Waits until the process is gone (reaped by its shell).
        func waitGone(_ pid: pid_t) throws {
            let deadline = Date().addingTimeInterval(10)
            while Date() < deadline {
                if kill(pid, 0) != 0 && errno == ESRCH { return }
                usleep(50_000)
            }
            throw E2EError.timeout("vigil (pid \(pid)) still running")
        }

        /// `vigil log --state …`: the audit log.
        func auditLog() throws -> String {
            try TmuxSession.run(bin, ["log", "--state", dir.appendingPathComponent("state").path]).output
        }

        /// Whether the terminal settings after vigil match those before it. Waits for the shell
        /// to have written them (it does so just after echoing the exit status).
        func terminalRestored() -> Bool {
            let deadline = Date().addingTimeInterval(5)
            var before: String?, after: String?
            repeat {
                before = try? String(contentsOf: dir.appendingPathComponent("stty.before"), encoding: .utf8)
                after = try? String(contentsOf: dir.appendingPathComponent("stty.after"), encoding: .utf8)
                if let before, let after, before.hasSuffix("\n"), after.hasSuffix("\n") { return before == after }
                usleep(50_000)
            } while Date() < deadline
            return false
        }

        /// Active silences made by the engineer.
        func silences() throws -> [AlertmanagerServer.ListedSilence] {
            try am.silences().filter { $0.state == "active" && $0.createdBy == "e2e-oncall" }
        }

        /// Selects the alert (the only row) and acknowledges it.
        func acknowledge(in t: TmuxSession) throws {
            try t.send(keys: ["a"])
            try t.waitFor(timeout: 10, "confirmation") { $0.range(of: #"Acknowledge AM-[0-9a-f]+\?"#, options: .regularExpression) != nil }
            try t.send(keys: ["y"])
        }
    }

    /// kill -9 twice: once with the acknowledgement saved but never delivered, once while its
    /// request is in flight (Alertmanager has made the silence; Vigil has not heard). After each
    /// restart the outbox carries on; in the end Alertmanager has exactly one silence and the
    /// audit log says confirmed.
    @Test func aPendingAcknowledgementSurvivesKill9AndIsMadeExactlyOnce() async throws {
        // A long timeout, so that the request can be caught in flight.
        let rig = try await Rig(timeout: "20s")

        // 1. Alertmanager answers 503: the acknowledgement is saved and waits for a retry.
        var t = try rig.start()
        try t.waitFor(timeout: 20, "the alert, fresh") { $0.contains("disk 97% on db-0") && $0.contains("source fresh") }
        rig.proxy.set(.status(503))
        try rig.acknowledge(in: t)
        try t.waitFor(timeout: 15, "saved for a retry") { $0.contains("saved, retrying at") }
        kill(try rig.pid(), SIGKILL)
        try t.waitFor(timeout: 10, "killed") { $0.contains("EXIT=137") }
        #expect(try rig.silences().isEmpty)
        let pending = try rig.auditLog()
        #expect(pending.contains("queued") && pending.contains("failed"), "\(pending)")
        #expect(!pending.contains("confirmed"), "\(pending)")

        // 2. Restarted: the pending acknowledgement shows and is sent. Alertmanager makes the
        //    silence, but its answer is held: vigil is killed with the request in flight.
        rig.proxy.set(.lateAnswer(.seconds(60), method: "POST"))
        t = try rig.start()
        try t.waitFor(timeout: 20, "the alert") { $0.contains("disk 97% on db-0") }
        let deadline = Date().addingTimeInterval(30)
        while try rig.silences().isEmpty, Date() < deadline { usleep(50_000) }
        #expect(try rig.silences().count == 1, "the retry did not reach Alertmanager")
        kill(try rig.pid(), SIGKILL)
        try t.waitFor(timeout: 10, "killed in flight") { $0.contains("EXIT=137") }
        #expect(!(try rig.auditLog()).contains("confirmed"))

        // 3. Restarted with Alertmanager reachable: the outbox finds the silence already there
        //    and records it, without making a second one.
        rig.proxy.set(.passThrough)
        t = try rig.start()
        try t.waitFor(timeout: 20, "acknowledged") { $0.contains("disk 97% on db-0") && $0.contains("e2e-oncall") }
        let confirmedBy = Date().addingTimeInterval(20)
        var log = ""
        repeat {
            log = try rig.auditLog()
            if log.contains("confirmed") { break }
            usleep(200_000)
        } while Date() < confirmedBy
        #expect(log.contains("confirmed"), "\(log)")
        // A few more polls and outbox passes: still one silence, no second POST.
        try await Task.sleep(for: .seconds(3))
        #expect(try rig.silences().count == 1)
        let posts = rig.proxy.exchanges.filter { $0.method == "POST" && $0.path.contains("/silences") }
        #expect(posts.count == 1, "\(posts.map { "\($0.method) \($0.path) (\($0.mode))" })")
        try t.send(keys: ["q"])
        try t.waitFor("EXIT=0")
    }

    /// SIGTERM, then SIGHUP (the SSH session dropped), each with an acknowledgement pending: the
    /// terminal settings are restored, the screen is the shell's again, and the acknowledgement
    /// stays in the outbox until Alertmanager can be reached.
    @Test func sigtermAndSighupRestoreTheTerminalAndKeepThePendingAcknowledgement() async throws {
        let rig = try await Rig()
        var t = try rig.start()
        try t.waitFor(timeout: 20, "the alert, fresh") { $0.contains("disk 97% on db-0") && $0.contains("source fresh") }
        rig.proxy.set(.status(503))
        try rig.acknowledge(in: t)
        try t.waitFor(timeout: 15, "saved for a retry") { $0.contains("saved, retrying at") }

        kill(try rig.pid(), SIGTERM)
        var end = try t.waitFor(timeout: 10, "exit on SIGTERM") { $0.contains("EXIT=143") }
        #expect(!end.contains { $0.contains("Incidents") }, "the dashboard is still on the screen: \(end)")
        #expect(rig.terminalRestored())
        #expect(!(try rig.auditLog()).contains("confirmed"))

        // Back again, the acknowledgement is still pending ("acknowledging…"); the line drops.
        t = try rig.start()
        // Alertmanager still answers 503, so the alert itself is not listed; the saved
        // acknowledgement is.
        try t.waitFor(timeout: 20, "still pending") {
            $0.contains("1 ack pending") && $0.range(of: #"saved, sent when the source answers: acknowledgement of AM-[0-9a-f]+"#,
                                                      options: .regularExpression) != nil
        }
        let vigil = try rig.pid()
        kill(vigil, SIGHUP)
        try rig.waitGone(vigil)
        end = try t.waitFor(timeout: 10, "exit on SIGHUP") { $0.contains("EXIT=129") }
        #expect(!end.contains { $0.contains("Incidents") }, "the dashboard is still on the screen: \(end)")
        #expect(rig.terminalRestored())
        #expect(try rig.silences().isEmpty)

        // Reachable again: the acknowledgement goes through, once.
        rig.proxy.set(.passThrough)
        t = try rig.start()
        try t.waitFor(timeout: 20, "acknowledged") { $0.contains("acknowledged by e2e-oncall") || $0.contains("ACK") && $0.contains("e2e-oncall") }
        let deadline = Date().addingTimeInterval(20)
        while try rig.silences().isEmpty, Date() < deadline { usleep(100_000) }
        try await Task.sleep(for: .seconds(2))
        #expect(try rig.silences().count == 1)
        try t.send(keys: ["q"])
        try t.waitFor("EXIT=0")
        #expect(rig.terminalRestored())
    }

    /// Forty resizes without a pause, down to 1x1 and up to 300x80, then 100x30: the screen is
    /// whole at the final size and the keys still work.
    @Test func aResizeStormEndsInAWholeScreen() throws {
        guard TmuxSession.tmuxAvailable else { throw E2EError.missing("tmux is not installed: run scripts/test") }
        guard let bin = TmuxSession.binary else { throw E2EError.missing("no built vigil binary: run scripts/test") }
        let repo = TmuxSession.repo.path
        let t = try TmuxSession(width: 100, height: 30, command:
            "\(bin) --demo --data \(repo)/sample-data --themes-dir \(repo)/themes --state /tmp/vigil-e2e-storm-\(getpid()); echo EXIT=$?")
        try t.waitFor("SEV1")
        let sizes = [(1, 1), (300, 80), (80, 24), (2, 1), (200, 60), (20, 5), (81, 25), (1, 40), (120, 1), (160, 50)]
        for i in 0..<40 {
            let (w, h) = sizes[i % sizes.count]
            try t.resize(width: w, height: h)
        }
        try t.resize(width: 100, height: 30)
        let screen = try t.waitFor(timeout: 10, "the dashboard at 100x30") { s in
            let lines = s.components(separatedBy: "\n")
            return lines.first?.contains("VIGIL") == true && s.contains("Incidents") && s.contains("Deployments")
                && lines.count >= 30
        }
        #expect(screen.allSatisfy { $0.count <= 100 })
        // Still responsive: the help dialog opens and closes, then q quits.
        try t.send(keys: ["?"])
        try t.waitFor(timeout: 10, "help") { $0.contains("Help ━") }
        try t.send(keys: ["Escape"])
        try t.waitFor(timeout: 10, "help closed") { !$0.contains("Help ━") }
        try t.send(keys: ["q"])
        try t.waitFor("EXIT=0")
        try? FileManager.default.removeItem(atPath: "/tmp/vigil-e2e-storm-\(getpid())")
    }
}
}

