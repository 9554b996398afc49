#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Testing
import VigilTestSupport

/// A work directory for one test: the full-access key in a file, and `config.yaml` whose first
/// source is PagerDuty at `pagerDuty` acting as ben@example.com, polled every second, with
/// `more` (YAML lines at the source list's indentation) after it.
struct PagerDutyWork {
    let dir: URL
    let config: URL

    init(_ name: String, pagerDuty: URL, more: String = "") throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-e2e-\(name)-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let key = dir.appendingPathComponent("pd-key")
        try PagerDutyServer.fullKey.write(to: key, atomically: true, encoding: .utf8)
        config = dir.appendingPathComponent("config.yaml")
        try """
            user: e2e-oncall
            sources:
              - name: pd
                type: pagerduty
                url: \(pagerDuty.absoluteString)
                api_key_file: \(key.path)
                from: ben@example.com
                poll_interval: 1s

            """.appending(more).write(to: config, atomically: true, encoding: .utf8)
    }

    func remove() { try? FileManager.default.removeItem(at: dir) }
}

extension EndToEnd {
/// The built binary with a config pointing at the PagerDuty test server, in tmux: the incidents
/// show, `a` `y` acknowledges (PagerDuty names who), `r` `y` resolves and the row leaves the open
/// list; every request Vigil sent is one PagerDuty's document allows.
@Suite(.serialized) struct PagerDutyEndToEndTests {
    @Test func incidentsShowAcknowledgeAndResolve() async throws {
        guard TmuxSession.tmuxAvailable else { throw E2EError.missing("tmux is not installed: run scripts/test") }
        guard let bin = TmuxSession.binary else { throw E2EError.missing("no built vigil binary: run scripts/test") }
        let pd = try await PagerDutyServer.start()
        defer { pd.stop() }
        try pd.create([
            ["title": "Checkout returns 500s", "service": "PSVC001", "priority": "P1", "created": -120],
            ["title": "Search p99 above 2s", "service": "PSVC003", "urgency": "low", "created": -60],
            ["title": "Payments timeouts", "service": "PSVC002", "status": "resolved", "acked_by": "chen@example.com",
             "created": -7_200, "acked": -7_000, "resolved": -3_600],
        ])
        let work = try PagerDutyWork("pd", pagerDuty: pd.url)
        defer { work.remove() }
        let dir = work.dir, config = work.config

        let repo = TmuxSession.repo.path
        let t = try TmuxSession(width: 120, height: 40, command:
            "\(bin) --config \(config.path) --state \(dir.path)/state --themes-dir \(repo)/themes; echo EXIT=$?")
        try t.waitFor(timeout: 30, "both open incidents") { $0.contains("Checkout returns 500s") && $0.contains("Search p99") }

        // The P1 incident is the first row; acknowledge it.
        try t.send(keys: ["a"])
        try t.waitFor(timeout: 10, "confirmation") { $0.contains("Acknowledge PD-") }
        try t.send(keys: ["y"])
        try t.waitFor(timeout: 15, "acknowledged") { $0.contains("acknowledged by Ben Lindqvist at") }
        #expect(try pd.incidents().first { $0["title"] as? String == "Checkout returns 500s" }?["status"] as? String
                == "acknowledged")

        // A note, typed on one line (UTF-8, a mistake taken back), reviewed, sent, and shown in
        // the details once PagerDuty has it.
        try t.send(keys: ["n"])
        try t.waitFor(timeout: 10, "the note line") { $0.contains("Add a note to PD-") }
        try t.send(literal: "rolled back to v41 ✓ 日本x")
        try t.send(keys: ["BSpace"])
        try t.waitFor(timeout: 10, "typed") { $0.contains("> rolled back to v41 ✓ 日本█") }
        try t.send(keys: ["Enter"])
        try t.waitFor(timeout: 10, "review") { $0.contains("rolled back to v41 ✓ 日本\" at pd as e2e-oncall?") }
        try t.send(keys: ["y"])
        try t.waitFor(timeout: 15, "note confirmed") { $0.contains("note confirmed by") }
        try t.send(keys: ["Enter"])
        try t.waitFor(timeout: 15, "the note in the details") { $0.contains("rolled back to v41 ✓ 日本") && $0.contains("Annotate") }
        #expect(try pd.incidents().first { $0["title"] as? String == "Checkout returns 500s" }
            .flatMap { ($0["notes"] as? [[String: Any]])?.first?["content"] as? String } == "rolled back to v41 ✓ 日本")
        try t.send(keys: ["Escape"])

        // Reassign it to someone on call, picked from a list (Aisha, assigned already, is not in it).
        try t.send(keys: ["R"])
        let picker = try t.waitFor(timeout: 10, "the people picker") { $0.contains("to whom?") && $0.contains("Chen Wei") }
            .joined(separator: "\n")
        #expect(picker.contains("1  Ben Lindqvist") && picker.contains("2  Chen Wei") && !picker.contains("Aisha Okafor  on"),
                "\(picker)")
        try t.send(keys: ["2"])
        try t.waitFor(timeout: 10, "confirmation") { $0.contains("to Chen Wei") }
        try t.send(keys: ["y"])
        try t.waitFor(timeout: 15, "reassigned") { $0.contains("reassignment confirmed by") }
        #expect(try pd.incidents().first { $0["title"] as? String == "Checkout returns 500s" }
            .flatMap { ($0["assignments"] as? [[String: Any]])?.first?["assignee"] as? [String: Any] }?["summary"] as? String
            == "Chen Wei")

        // Resolve it: PagerDuty confirms, and the next poll shows it resolved.
        try t.send(keys: ["r"])
        try t.waitFor(timeout: 10, "confirmation") { $0.contains("Resolve PD-") }
        try t.send(keys: ["y"])
        try t.waitFor(timeout: 15, "resolved") { $0.contains("resolved by e2e-oncall at") }
        #expect(try pd.incidents().first { $0["title"] as? String == "Checkout returns 500s" }?["status"] as? String
                == "resolved")

        try t.send(keys: ["q"])
        try t.waitFor("EXIT=0")
        let violations = try pd.violations()
        #expect(violations.isEmpty, "requests PagerDuty's document does not allow:\n\(violations.joined(separator: "\n"))")
    }
}
}

extension EndToEnd {
/// One problem, one row, as a person sees it: a real Alertmanager pages the PagerDuty test server
/// (Events API v2); Vigil, watching both, shows the alert group and its incident as one row
/// tagged with the other source, and `a` `y` acknowledges the incident at PagerDuty and, as
/// configured, silences the alerts in Alertmanager.
@Suite(.serialized) struct OneProblemOneRowEndToEndTests {
    @Test func anAlertGroupAndItsPagerDutyIncidentAreOneRow() async throws {
        guard TmuxSession.tmuxAvailable else { throw E2EError.missing("tmux is not installed: run scripts/test") }
        guard let bin = TmuxSession.binary else { throw E2EError.missing("no built vigil binary: run scripts/test") }
        let pd = try await PagerDutyServer.start()
        defer { pd.stop() }
        let am = try await AlertmanagerServer.start(configuration: pd.alertmanagerConfiguration)
        let labels = ["alertname": "DiskFull", "cluster": "c1", "severity": "critical", "service": "storage"]
        try am.post([AlertmanagerServer.Alert(labels: labels.merging(["instance": "db-1"]) { a, _ in a },
                                              annotations: ["summary": "disk full on db-1"]),
                     AlertmanagerServer.Alert(labels: labels.merging(["instance": "db-2"]) { a, _ in a },
                                              annotations: ["summary": "disk full on db-2"]),
                     AlertmanagerServer.Alert(labels: ["alertname": "QueueSlow", "severity": "warning", "service": "jobs"],
                                              annotations: ["summary": "queue slow"])])
        let work = try PagerDutyWork("merge", pagerDuty: pd.url, more: """
              - name: am
                type: alertmanager
                url: \(am.url.absoluteString)
                poll_interval: 1s
                acknowledge_with_page: true
            """)
        defer { work.remove() }
        let dir = work.dir, config = work.config

        let repo = TmuxSession.repo.path
        let t = try TmuxSession(width: 120, height: 40, command:
            "\(bin) --config \(config.path) --state \(dir.path)/state --themes-dir \(repo)/themes; echo EXIT=$?")
        let screen = try t.waitFor(timeout: 30, "the merged row") { $0.contains("[+am 2] [FIRING:2] DiskFull") }
            .joined(separator: "\n")
        // The two alerts are inside the row, not beside it; the alert that did not page stands alone.
        #expect(!screen.contains("disk full on db-1") && screen.contains("queue slow"), "\(screen)")
        #expect(screen.contains("2 open"), "\(screen)")

        // The merged row is the most severe: selected first. Acknowledge it.
        try t.send(keys: ["a"])
        try t.waitFor(timeout: 10, "confirmation") { $0.contains("Acknowledge PD-") }
        try t.send(keys: ["y"])
        try t.waitFor(timeout: 20, "acknowledged at PagerDuty") { $0.contains("Ben Lindqvist") && $0.contains("acked") }
        #expect(try pd.incidents().first?["status"] as? String == "acknowledged")
        // And silenced in Alertmanager, by Vigil, for each alert of the group.
        let deadline = Date().addingTimeInterval(15)
        var silences = 0
        while Date() < deadline {
            silences = try am.silences().filter { $0.comment.hasPrefix("Acknowledged in Vigil") && $0.state == "active" }.count
            if silences == 2 { break }
            usleep(100_000)
        }
        #expect(silences == 2)
        try t.send(keys: ["Enter"])
        try t.waitFor(timeout: 10, "the alerts in the details") {
            $0.contains("sources pd + am") && $0.contains("disk full on db-1") && $0.contains("disk full on db-2")
        }
        try t.send(keys: ["Escape", "q"])
        try t.waitFor("EXIT=0")
        let violations = try pd.violations()
        #expect(violations.isEmpty, "requests PagerDuty's documents do not allow:\n\(violations.joined(separator: "\n"))")
    }
}
}

extension EndToEnd {
@Suite(.serialized) struct PagerDutyCheckConfigTests {
    /// `check-config --online` says what the key allows, with one cheap call, and never prints it.
    @Test func checkConfigOnlineSaysWhatTheKeyAllows() async throws {
        guard let bin = TmuxSession.binary else { throw E2EError.missing("no built vigil binary: run scripts/test") }
        let pd = try await PagerDutyServer.start()
        defer { pd.stop() }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-e2e-pdcheck-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        var made = 0
        func config(key: String, from: String) throws -> String {
            made += 1
            let keyFile = dir.appendingPathComponent("key\(made)")
            try key.write(to: keyFile, atomically: true, encoding: .utf8)
            let file = dir.appendingPathComponent("config\(made).yaml")
            try """
                sources:
                  - name: pd
                    type: pagerduty
                    url: \(pd.url.absoluteString)
                    api_key_file: \(keyFile.path)
                    from: \(from)
                    services: [checkout-api]
                """.write(to: file, atomically: true, encoding: .utf8)
            return file.path
        }
        let full = try TmuxSession.run(bin, ["check-config", "--online", try config(key: PagerDutyServer.fullKey, from: "ben@example.com")])
        #expect(full.status == 0, "\(full.output)")
        // The row: reached over plain HTTP (the test server), the key accepted and able to act, the quota left.
        let row = try #require(full.output.components(separatedBy: "\n").first { $0.hasPrefix("pd ") }, "\(full.output)")
        #expect(row.split(separator: " ", omittingEmptySubsequences: true).prefix(7).joined(separator: " ")
                == "pd pagerduty ok yes - accepted can", "\(row)")
        #expect(row.contains("can act") && row.range(of: #"\d+/\d+"#, options: .regularExpression) != nil, "\(row)")
        #expect(full.output.contains("reachable, API key from file"))
        #expect(full.output.contains("the key can act (read and write), as ben@example.com"))
        #expect(full.output.contains("watching services PSVC001"))

        let readOnly = try TmuxSession.run(bin, ["check-config", "--online",
                                                 try config(key: PagerDutyServer.readOnlyKey, from: "ben@example.com")])
        #expect(readOnly.status == 1)
        let readOnlyRow = readOnly.output.components(separatedBy: "\n").first { $0.hasPrefix("pd ") } ?? ""
        #expect(readOnlyRow.contains(" FAIL ") && readOnlyRow.contains(" refused "), "\(readOnly.output)")
        #expect(readOnly.output.contains("the key is read-only"))

        let stranger = try TmuxSession.run(bin, ["check-config", "--online",
                                                 try config(key: PagerDutyServer.fullKey, from: "nobody@example.com")])
        #expect(stranger.status == 1)
        #expect(stranger.output.contains("from: nobody@example.com is not a user of this account"))

        let wrong = try TmuxSession.run(bin, ["check-config", "--online", try config(key: "not-a-key", from: "ben@example.com")])
        #expect(wrong.status == 1)
        #expect(wrong.output.contains("unauthorised"))
        for output in [full.output, readOnly.output, stranger.output, wrong.output] {
            #expect(!output.contains(PagerDutyServer.fullKey) && !output.contains(PagerDutyServer.readOnlyKey)
                    && !output.contains("not-a-key"))
        }
        let violations = try pd.violations()
        #expect(violations.isEmpty, "\(violations.joined(separator: "\n"))")
    }
}
}

extension EndToEnd {
/// kill -9 with a PagerDuty acknowledgement pending, then in flight: never lost, sent once.
@Suite(.serialized) struct PagerDutyDurabilityTests {
    @Test func aPendingAcknowledgementSurvivesKill9AndReachesPagerDutyOnce() async throws {
        guard TmuxSession.tmuxAvailable else { throw E2EError.missing("tmux is not installed: run scripts/test") }
        guard let bin = TmuxSession.binary else { throw E2EError.missing("no built vigil binary: run scripts/test") }
        let pd = try await PagerDutyServer.start()
        defer { pd.stop() }
        let ids = try pd.create([["title": "Checkout returns 500s", "service": "PSVC001", "priority": "P1"]])
        let proxy = try FaultProxy(upstream: pd.url)
        defer { proxy.stop() }
        let work = try PagerDutyWork("pd-durable", pagerDuty: proxy.url, more: "    timeout: 20s\n")
        defer { work.remove() }
        let dir = work.dir
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("state"), withIntermediateDirectories: true)
        let pidFile = dir.appendingPathComponent("vigil.pid").path
        func start() throws -> TmuxSession {
            unlink(pidFile)
            let d = dir.path
            return try TmuxSession(width: 120, height: 40, command: "sh -c 'echo $$ > \(pidFile); exec \(bin) --config "
                + "\(d)/config.yaml --state \(d)/state --themes-dir \(TmuxSession.repo.path)/themes'; echo EXIT=$?")
        }
        func pid() throws -> pid_t {
            for _ in 0..<200 {
                if let text = try? String(contentsOfFile: pidFile, encoding: .utf8),
                   let pid = pid_t(text.trimmingCharacters(in: .whitespacesAndNewlines)) { return pid }
                usleep(50_000)
            }
            throw E2EError.timeout("no pid in \(pidFile)")
        }
        func status() throws -> String? { try pd.incidents().first { $0["id"] as? String == ids[0] }?["status"] as? String }
        func audit() throws -> String { try TmuxSession.run(bin, ["log", "--state", dir.appendingPathComponent("state").path]).output }
        func putsReachingPagerDuty() throws -> Int { try pd.requests().filter { $0["method"] as? String == "PUT" }.count }

        // 1. PagerDuty answers 503: the acknowledgement is saved and waits for a retry; kill -9.
        var t = try start()
        try t.waitFor(timeout: 30, "the incident, fresh") { $0.contains("Checkout returns 500s") && $0.contains("source fresh") }
        proxy.set(.status(503))
        try t.send(keys: ["a"])
        try t.waitFor(timeout: 10, "confirmation") { $0.contains("Acknowledge PD-") }
        try t.send(keys: ["y"])
        try t.waitFor(timeout: 15, "saved for a retry") { $0.contains("saved, retrying at") }
        kill(try pid(), SIGKILL)
        try t.waitFor(timeout: 10, "killed") { $0.contains("EXIT=137") }
        #expect(try status() == "triggered")
        #expect(try putsReachingPagerDuty() == 0)

        // 2. Restarted: the outbox sends it; PagerDuty acknowledges, but its answer is held, and
        //    vigil is killed with the request in flight.
        proxy.set(.lateAnswer(.seconds(60), method: "PUT"))
        t = try start()
        let deadline = Date().addingTimeInterval(30)
        while try status() != "acknowledged", Date() < deadline { usleep(50_000) }
        #expect(try status() == "acknowledged", "the retry did not reach PagerDuty")
        kill(try pid(), SIGKILL)
        try t.waitFor(timeout: 10, "killed in flight") { $0.contains("EXIT=137") }
        #expect(!(try audit()).contains("confirmed"))

        // 3. Restarted with PagerDuty reachable: the outbox sees it acknowledged and records it,
        //    without sending it again.
        proxy.set(.passThrough)
        t = try start()
        try t.waitFor(timeout: 30, "acknowledged") { $0.contains("Checkout returns 500s") && $0.contains("Ben Lindqvist") }
        var log = ""
        for _ in 0..<100 {
            log = try audit()
            if log.contains("confirmed") { break }
            usleep(200_000)
        }
        #expect(log.contains("confirmed"), "\(log)")
        try await Task.sleep(for: .seconds(2))
        #expect(try putsReachingPagerDuty() == 1)
        try t.send(keys: ["q"])
        try t.waitFor("EXIT=0")
        let violations = try pd.violations()
        #expect(violations.isEmpty, "\(violations.joined(separator: "\n"))")
    }
}
}
