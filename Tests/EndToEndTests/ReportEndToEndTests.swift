import Foundation
import Testing
import VigilTestSupport

extension EndToEnd {
/// `vigil report`, the built binary: on the demo at a fixed instant (the figures the dashboard
/// shows for the same instant), and against a real Alertmanager, up and then stopped.
@Suite(.serialized) struct ReportEndToEndTests {
    /// The end of the demo's recorded scenario: the demo's clock then reads as recorded (UTC).
    static let scenarioEnd = "2026-11-26T14:37:00Z"

    func binary() throws -> String {
        guard let bin = TmuxSession.binary else {
            throw E2EError.missing("no built vigil binary: run `swift build --product vigil` (scripts/test does)")
        }
        return bin
    }

    func object(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], "not a JSON object:\n\(text)")
    }

    @Test func demoReportAsJSONHasTheDashboardsFigures() throws {
        let bin = try binary()
        let data = TmuxSession.repo.appendingPathComponent("sample-data").path
        let r = try TmuxSession.run(bin, ["report", "--demo", "--data", data, "--now", Self.scenarioEnd, "--format", "json"])
        #expect(r.status == 0, "\(r.output)")
        let json = try object(r.output)
        #expect(json["schemaVersion"] as? Int == 1)
        #expect(json["title"] as? String == "demo")
        let window = try #require(json["window"] as? [String: Any])
        #expect(window["start"] as? String == "2026-11-25T14:37:00Z")
        #expect(window["end"] as? String == "2026-11-26T14:37:00Z")
        #expect(window["label"] as? String == "24h")
        let sources = try #require(json["sources"] as? [[String: Any]])
        #expect(sources.map { $0["id"] as? String } == ["demo"])
        #expect(sources.first?["ok"] as? Bool == true)

        let open = try #require(json["openIncidents"] as? [[String: Any]])
        #expect(open.count == 9)
        let first = try #require(open.first)
        #expect(first["id"] as? String == "PD-Q0BP1RV")
        #expect(first["severity"] as? String == "SEV1")
        #expect(first["service"] as? String == "checkout")
        #expect(first["acknowledgedBy"] as? String == "Aisha Okafor")
        #expect(first["acknowledgedAt"] as? String == "2026-11-26T14:17:34Z")
        let notes = try #require(first["notes"] as? [[String: Any]])
        #expect(notes.map { $0["text"] as? String }
                == ["Note added by Aisha Okafor: Suspect the v2.22.4 deploy (new PSP client). Rolling back to v2.22.3."])
        let unacknowledged = open.filter { $0["status"] as? String == "triggered" }.count
        #expect(unacknowledged == 6)

        let pages = try #require(json["pages"] as? [String: Any])
        #expect(pages["count"] as? Int == 6)
        #expect(pages["offHours"] as? Int == 0)
        #expect(pages["previousCount"] as? Int == 2)
        let outages = try #require(json["outages"] as? [String: Any])
        #expect(outages["count"] as? Int == 1)
        #expect(outages["ongoing"] as? Int == 1)
        #expect((outages["list"] as? [[String: Any]])?.map { $0["service"] as? String } == ["checkout"])
        let mttr = try #require((json["mttr"] as? [String: Any])?["current"] as? [String: Any])
        #expect(mttr["count"] as? Int == 2)
        #expect(mttr["meanSeconds"] as? Double == 3_210.5)
        let mtta = try #require((json["mtta"] as? [String: Any])?["current"] as? [String: Any])
        #expect(mtta["count"] as? Int == 5)
        let deployments = try #require(json["deployments"] as? [String: Any])
        #expect(deployments["count"] as? Int == 13)
        #expect(deployments["failed"] as? Int == 3)
        let builds = try #require(json["builds"] as? [String: Any])
        #expect(builds["count"] as? Int == 28)
        #expect(builds["previousCount"] as? Int == 38)
        #expect(builds["previousFailed"] as? Int == 4)

        // The dashboard at the same instant and window shows the same figures.
        let once = try TmuxSession.run(bin, ["--demo", "--data", data, "--now", Self.scenarioEnd, "--window", "24h", "--once",
                                             "--width", "140", "--height", "45"])
        #expect(once.status == 0)
        for figure in ["MTTR 53m", "n=2", "MTTA 6m", "n=5", "CFR 23.1%", "3/13", "6.0/day", "0 off-hrs", "28.0/day",
                       "9 open · 6 unacked", "1 in 24h"] {
            #expect(once.output.contains(figure), "the dashboard does not show \(figure):\n\(once.output)")
        }
    }

    @Test func demoReportAsMarkdownAndText() throws {
        let bin = try binary()
        let data = TmuxSession.repo.appendingPathComponent("sample-data").path
        let md = try TmuxSession.run(bin, ["report", "--demo", "--data", data, "--now", Self.scenarioEnd])
        #expect(md.status == 0, "\(md.output)")
        let lines = md.output.components(separatedBy: "\n")
        #expect(lines.filter { $0.hasPrefix("#") } == ["## Shift report: demo", "### Open incidents (9)", "### Pages",
                                                       "### Outages", "### Response", "### Delivery"])
        #expect(lines.contains("- **SEV1** checkout: Checkout error rate 38%: payment step failing"))
        #expect(lines.contains("- MTTR 53m (median 22m, n=2); previous 46m, +15%"))
        #expect(lines.contains("- Search p99 latency > 1.5s") == false)   // titles follow their severity and service
        #expect(lines.contains("- **SEV2** search: Search p99 latency > 1.5s"))

        let text = try TmuxSession.run(bin, ["report", "--demo", "--data", data, "--now", Self.scenarioEnd, "--format", "text",
                                             "--window", "7d"])
        #expect(text.status == 0, "\(text.output)")
        #expect(text.output.hasPrefix("SHIFT REPORT demo\nWindow       7d to 26 Nov 14:37 GMT, since 19 Nov 14:37\n"))
        #expect(!text.output.contains("\u{1B}"))

        let bad = try TmuxSession.run(bin, ["report", "--demo", "--window", "fortnight"])
        #expect(bad.status != 0)
        #expect(bad.output.contains("--window must be a duration"))
    }

    @Test func alertmanagerUpThenStopped() async throws {
        let bin = try binary()
        let am = try await AlertmanagerServer.start()
        defer { am.stop() }
        let far = Date().addingTimeInterval(3_600)
        try am.post([
            AlertmanagerServer.Alert(labels: ["alertname": "HighErrorRate", "service": "checkout", "severity": "critical"],
                                     annotations: ["summary": "5xx above 5% on checkout"], endsAt: far),
            AlertmanagerServer.Alert(labels: ["alertname": "DiskFilling", "service": "search", "severity": "warning"],
                                     annotations: ["summary": "disk 91% on search-db-0"], endsAt: far),
        ])
        // Acknowledged as Vigil acknowledges an alert: a silence of its labels, with Vigil's comment.
        _ = try am.createSilence(["alertname": "HighErrorRate", "service": "checkout", "severity": "critical"],
                                 createdBy: "alice", comment: "Acknowledged in Vigil by alice")
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-e2e-report-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let state = dir.appendingPathComponent("state").path
        let data = TmuxSession.repo.appendingPathComponent("sample-data").path
        let alone = dir.appendingPathComponent("am.yaml"), both = dir.appendingPathComponent("am-and-demo.yaml")
        try E2EConfig.writeAlertmanager(url: am.url, timeout: "2s", to: alone)
        try (String(contentsOf: alone, encoding: .utf8) + """

              - name: demo
                type: demo
                data: \(data)
            """).write(to: both, atomically: true, encoding: .utf8)

        // Both alerts are open incidents, the silenced one acknowledged by who silenced it; the
        // alert may take a moment to show as silenced.
        var open: [[String: Any]] = []
        for _ in 0..<20 {
            let r = try TmuxSession.run(bin, ["report", "--config", alone.path, "--state", state, "--format", "json"])
            #expect(r.status == 0, "\(r.output)")
            open = try object(r.output)["openIncidents"] as? [[String: Any]] ?? []
            if open.contains(where: { $0["acknowledgedBy"] as? String == "alice" }) { break }
            try await Task.sleep(for: .milliseconds(250))
        }
        #expect(open.count == 2)
        let checkout = try #require(open.first { $0["service"] as? String == "checkout" })
        #expect(checkout["severity"] as? String == "SEV1")
        #expect(checkout["status"] as? String == "acknowledged")
        #expect(checkout["acknowledgedBy"] as? String == "alice")
        #expect(checkout["title"] as? String == "5xx above 5% on checkout")
        let search = try #require(open.first { $0["service"] as? String == "search" })
        #expect(search["status"] as? String == "triggered")
        #expect(search["title"] as? String == "disk 91% on search-db-0")

        let md = try TmuxSession.run(bin, ["report", "--config", alone.path, "--state", state])
        #expect(md.status == 0)
        #expect(md.output.contains("## Shift report: am.yaml"))
        #expect(md.output.contains("- **SEV1** checkout: 5xx above 5% on checkout"))
        #expect(md.output.contains("  acknowledged by alice at "))
        #expect(md.output.contains("- **SEV3** search: disk 91% on search-db-0"))
        #expect(!FileManager.default.fileExists(atPath: state), "a report writes no state")

        // Stopped: named in the report, the other source's figures still there.
        am.stop()
        let down = try TmuxSession.run(bin, ["report", "--config", both.path, "--state", state])
        #expect(down.status == 0, "\(down.output)")
        #expect(down.output.contains("> **am**: connection refused — figures without it"), "\(down.output)")
        #expect(down.output.contains("## Shift report: am-and-demo.yaml"))
        #expect(!down.output.contains("5xx above 5% on checkout"))
        // With no source answering there is no report.
        let none = try TmuxSession.run(bin, ["report", "--config", alone.path, "--state", state])
        #expect(none.status == 1)
        #expect(none.output.contains("vigil: am: "))
        #expect(none.output.contains("no source answered"))
    }
}
}
