import Foundation
import Testing
import VigilTestSupport

extension EndToEnd {
/// The built binary with a config pointing at a real Alertmanager (and Prometheus), in tmux:
/// the alerts show, `a` `y` creates the silence, `u` expires it.
@Suite(.serialized) struct AlertmanagerEndToEndTests {
    @Test func alertsShowAndAcknowledgingCreatesTheSilence() async throws {
        guard TmuxSession.tmuxAvailable else { throw E2EError.missing("tmux is not installed: run scripts/test") }
        guard let bin = TmuxSession.binary else { throw E2EError.missing("no built vigil binary: run scripts/test") }
        let am = try await AlertmanagerServer.start()
        defer { am.stop() }
        let prom = try await PrometheusServer.start()
        defer { _ = prom.stop() }
        let far = Date().addingTimeInterval(3_600)
        try am.post([
            AlertmanagerServer.Alert(labels: ["alertname": "HighErrorRate", "service": "checkout", "severity": "critical",
                                              "env": "prod"],
                                     annotations: ["summary": "5xx above 5% on checkout"], endsAt: far),
            AlertmanagerServer.Alert(labels: ["alertname": "DiskFilling", "service": "search", "severity": "warning",
                                              "env": "prod"],
                                     annotations: ["summary": "disk 91% on search-db-0"], endsAt: far),
        ])
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-e2e-am-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let config = dir.appendingPathComponent("config.yaml")
        try """
            user: e2e-oncall
            sources:
              - name: prom
                type: prometheus
                url: \(prom.url.absoluteString)
                poll_interval: 2s
              - name: am
                type: alertmanager
                url: \(am.url.absoluteString)
                poll_interval: 1s
                ack_silence: 5m
            """.write(to: config, atomically: true, encoding: .utf8)

        let repo = TmuxSession.repo.path
        let t = try TmuxSession(width: 120, height: 40, command:
            "\(bin) --config \(config.path) --themes-dir \(repo)/themes; echo EXIT=$?")
        let screen = try t.waitFor(timeout: 20, "both alerts") { $0.contains("5xx above 5%") && $0.contains("disk 91%") }
        let text = screen.joined(separator: "\n")
        #expect(text.contains("config.yaml"))
        #expect(text.contains("SEV1"))                              // severity from the label

        // The critical alert is the first row; acknowledge it.
        try t.send(keys: ["a"])
        try t.waitFor(timeout: 10, "confirmation") { $0.range(of: #"Acknowledge AM-[0-9a-f]+\?"#, options: .regularExpression) != nil }
        try t.send(keys: ["y"])
        try t.waitFor(timeout: 15, "acknowledged") { $0.contains("acknowledged by e2e-oncall at") }

        // Alertmanager has the silence, with matchers from the alert's labels, and the alert is suppressed.
        let silences = try am.silences().filter { $0.state == "active" }
        #expect(silences.count == 1)
        let silence = try #require(silences.first)
        #expect(silence.createdBy == "e2e-oncall")
        #expect(silence.comment.contains("Vigil"))
        #expect(Set(silence.matchers.map { "\($0.name)=\($0.value)" })
                == ["alertname=HighErrorRate", "service=checkout", "severity=critical", "env=prod"])
        #expect(try am.alerts().first { $0.labels["alertname"] == "HighErrorRate" }?.state == "suppressed")

        // `u` takes it back: the silence expires and the alert fires again.
        try t.send(keys: ["u"])
        try t.waitFor(timeout: 15, "un-acknowledged") { $0.contains("is no longer acknowledged") }
        #expect(try am.silences().allSatisfy { $0.state == "expired" })

        try t.send(keys: ["q"])
        try t.waitFor("EXIT=0")
    }

    @Test func aConfigErrorStopsBeforeTheTerminalWithFileLineAndKey() throws {
        guard let bin = TmuxSession.binary else { throw E2EError.missing("no built vigil binary") }
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-bad-config-\(getpid()).yaml")
        try "sources:\n  - name: am\n    type: alertmanager\n    url: http://127.0.0.1:9\n    poll_interval: 30 seconds\n"
            .write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        let r = try TmuxSession.run(bin, ["--config", file.path, "--once"])
        #expect(r.status == 1)
        #expect(r.output.contains("\(file.lastPathComponent):5"))
        #expect(r.output.contains("poll_interval"))
        let check = try TmuxSession.run(bin, ["check-config", file.path])
        #expect(check.status == 1)
        #expect(check.output.contains("poll_interval"))
    }
}
}

