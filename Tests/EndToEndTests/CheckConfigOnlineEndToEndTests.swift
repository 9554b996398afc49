import Foundation
import Testing
import VigilTestSupport

extension EndToEnd {
/// `vigil check-config --online` against a real Prometheus and real Alertmanagers, with basic
/// auth through their web config: one up, one down, one with a wrong password. The exact table
/// a person reads, each query's series and labels, the JSON for scripts, and the exit status 0
/// only when every source passes.
@Suite(.serialized) struct CheckConfigOnlineEndToEndTests {
    /// The version a server binary states (`prometheus, version 2.42.0+ds (branch: …`).
    static func version(of binary: String) async throws -> String {
        let output = try await ProcessServer.run(binary, ["--version"])
        let words = output.split(whereSeparator: { $0 == " " || $0 == "\n" })
        let at = try #require(words.firstIndex(of: "version"), "\(output)")
        return String(words[at + 1])
    }

    @Test func aTableOfEverySourceAndExitStatusZeroOnlyWhenEveryOnePasses() async throws {
        guard let bin = TmuxSession.binary else { throw E2EError.missing("no built vigil binary: run scripts/test") }
        let prom = try await PrometheusServer.start(basicAuth: true)
        defer { prom.stop() }
        let am = try await AlertmanagerServer.start()
        defer { am.stop() }
        let locked = try await AlertmanagerServer.start(basicAuth: true)
        defer { locked.stop() }
        try am.post([AlertmanagerServer.Alert(labels: ["alertname": "DiskFull", "service": "db", "severity": "critical"],
                                              annotations: ["summary": "disk full"])])
        let promVersion = try await Self.version(of: "prometheus")
        let amVersion = try await Self.version(of: "prometheus-alertmanager")
        let closed = try SilentListener()
        let deadPort = closed.port
        closed.close()
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-e2e-online-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let right = dir.appendingPathComponent("right"), wrong = dir.appendingPathComponent("wrong")
        try WebBasicAuth.password.write(to: right, atomically: true, encoding: .utf8)
        try "not-the-password".write(to: wrong, atomically: true, encoding: .utf8)
        func config(_ name: String, _ sources: String) throws -> String {
            let file = dir.appendingPathComponent("\(name).yaml")
            try "sources:\n\(sources)".write(to: file, atomically: true, encoding: .utf8)
            return file.path
        }
        func auth(_ file: URL) -> String { "    auth: {basic: {username: \(WebBasicAuth.user), password_file: \(file.path)}}\n" }
        // Queries whose answers do not depend on scraped data: label_replace(vector(…)) makes a
        // series with the labels given.
        let queries = """
                queries:
                  deployments: 'label_replace(label_replace(vector(3), "service", "checkout", "", ""), "status", "success", "", "")'
                  error_rate: 'vector(0.01)'
                  coverage: 'vector(87)'
                  latency_p50: 'no_such_metric_anywhere'
                  latency_p99: false
                  builds: false

            """
        let promUp = "  - name: prom\n    type: prometheus\n    url: \(prom.url.absoluteString)\n" + auth(right) + queries
        let amUp = "  - {name: am, type: alertmanager, url: \(am.url.absoluteString)}\n"

        let good = try TmuxSession.run(bin, ["check-config", "--online", try config("good", promUp + amUp)])
        #expect(good.status == 0, "\(good.output)")
        let v = max(7, promVersion.count, amVersion.count)
        func row(_ cells: [String], _ widths: [Int]) -> String {
            zip(cells, widths).map { $0.0.padding(toLength: $0.1, withPad: " ", startingAt: 0) }.joined(separator: "  ")
                .replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression)
        }
        var widths = [6, 12, 6, 9, 3, 8, 9, 5, v]
        let lines = good.output.components(separatedBy: "\n")
        let top = try #require(lines.firstIndex { $0.hasPrefix("SOURCE") }, "\(good.output)")
        #expect(Array(lines[top...].prefix(3)) == [
            row(["SOURCE", "TYPE", "RESULT", "REACHABLE", "TLS", "AUTH", "ACCESS", "QUOTA", "VERSION"], widths),
            row(["prom", "prometheus", "ok", "yes", "-", "accepted", "read only", "-", promVersion], widths),
            row(["am", "alertmanager", "ok", "yes", "-", "none", "can act", "-", amVersion], widths),
        ], "\(good.output)")
        for expected in [
            "  query deployments: 1 series, labels: service, status",
            "  query error_rate: 1 series, labels: none; no label service (the series show under one unnamed service)",
            "  query coverage: 1 series, labels: none",
            "  query latency_p50: no series now (the panel stays empty until it returns some)",
            "  reachable; one poll answered (1 incidents)",
            "  can create silences (acknowledge): a probe silence without matchers was refused as invalid, so nothing was created",
            "all 2 sources passed",
        ] {
            #expect(lines.contains(expected), "no line \"\(expected)\" in:\n\(good.output)")
        }
        #expect(try am.silences().isEmpty, "the write probe created a silence")

        let mixed = try TmuxSession.run(bin, ["check-config", "--online", try config("mixed", [
            "  - name: prom-bad\n    type: prometheus\n    url: \(prom.url.absoluteString)\n" + auth(wrong),
            "  - name: am-bad\n    type: alertmanager\n    url: \(locked.url.absoluteString)\n" + auth(wrong),
            "  - {name: am-dr, type: alertmanager, url: http://127.0.0.1:\(deadPort), timeout: 2s}\n",
            "  - name: am-ok\n    type: alertmanager\n    url: \(locked.url.absoluteString)\n" + auth(right),
        ].joined())])
        #expect(mixed.status == 1, "\(mixed.output)")
        widths = [8, 12, 6, 9, 3, 8, 7, 5, v]
        let mixedLines = mixed.output.components(separatedBy: "\n")
        let header = try #require(mixedLines.firstIndex { $0.hasPrefix("SOURCE") }, "\(mixed.output)")
        #expect(Array(mixedLines[header...].prefix(5)) == [
            row(["SOURCE", "TYPE", "RESULT", "REACHABLE", "TLS", "AUTH", "ACCESS", "QUOTA", "VERSION"], widths),
            row(["prom-bad", "prometheus", "FAIL", "yes", "-", "refused", "?", "-", "-"], widths),
            row(["am-bad", "alertmanager", "FAIL", "yes", "-", "refused", "?", "-", "-"], widths),
            row(["am-dr", "alertmanager", "FAIL", "no", "-", "none", "?", "-", "-"], widths),
            row(["am-ok", "alertmanager", "ok", "yes", "-", "accepted", "can act", "-", amVersion], widths),
        ], "\(mixed.output)")
        for expected in [
            "  Alertmanager http://127.0.0.1:\(deadPort): connection refused (127.0.0.1:\(deadPort)): "
                + "is the server running and listening there?",
            "3 of 4 sources failed",
        ] {
            #expect(mixedLines.contains(expected), "no line \"\(expected)\" in:\n\(mixed.output)")
        }
        // Both say whose credentials were refused (the file's path is shown unless it looks like
        // a secret itself).
        #expect(mixedLines.contains { $0.hasPrefix("  unauthorised: HTTP 401: not authorised (user vigil with the password from file ")
                                      && $0.hasSuffix(" was refused)") }, "\(mixed.output)")
        #expect(mixedLines.contains {
            $0.hasPrefix("  unauthorised: Alertmanager \(locked.url.absoluteString.dropLast()) refused to list alerts: HTTP 401: "
                         + "Unauthorized (user vigil with the password from file ") && $0.hasSuffix(" was refused)")
        }, "\(mixed.output)")
        for output in [good.output, mixed.output] {
            #expect(!output.contains(WebBasicAuth.password) && !output.contains("not-the-password"))
        }

        let json = try TmuxSession.run(bin, ["check-config", "--online", "--format", "json",
                                             try config("json", promUp + "  - {name: am-dr, type: alertmanager, "
                                                        + "url: http://127.0.0.1:\(deadPort), timeout: 2s}\n")])
        #expect(json.status == 1)
        let start = try #require(json.output.firstIndex(of: "{"))
        let end = try #require(json.output.lastIndex(of: "}"))
        let object = try JSONSerialization.jsonObject(with: Data(json.output[start...end].utf8)) as? [String: Any]
        #expect(object?["passed"] as? Bool == false)
        let sources = object?["sources"] as? [[String: Any]] ?? []
        #expect(sources.map { $0["name"] as? String } == ["prom", "am-dr"])
        #expect(sources.map { $0["passed"] as? Bool } == [true, false])
        #expect(sources.map { $0["reachable"] as? String } == ["yes", "no"])
        #expect(sources.map { $0["authenticated"] as? String } == ["yes", "none"])
        #expect(sources.first?["version"] as? String == promVersion)
        let promQueries = sources.first?["queries"] as? [[String: Any]] ?? []
        let deployments = promQueries.first { $0["name"] as? String == "deployments" }
        #expect(deployments?["series"] as? Int == 1)
        #expect(deployments?["labels"] as? [String] == ["service", "status"])
        // Every key is there, null when not known, so that a script can read it without a guard.
        let dead = try #require(sources.last)
        #expect(Set(dead.keys) == ["name", "type", "passed", "reachable", "tls", "authenticated", "access", "quota", "version",
                                   "queries", "findings"], "\(dead.keys.sorted())")
        #expect(dead["quota"] is NSNull && dead["version"] is NSNull && dead["access"] as? String == "unknown")

        // Credentials sent to a server that does not ask for them are said, not called accepted.
        let unasked = try TmuxSession.run(bin, ["check-config", "--online", try config("unasked",
            "  - name: am-open\n    type: alertmanager\n    url: \(am.url.absoluteString)\n" + auth(right))])
        #expect(unasked.status == 0, "\(unasked.output)")
        let unaskedRow = unasked.output.components(separatedBy: "\n").first { $0.hasPrefix("am-open ") } ?? ""
        #expect(unaskedRow.contains(" not asked "), "\(unasked.output)")
        #expect(unasked.output.contains("answers without credentials too: the configured auth is sent, but nothing checks it"))

        // A config that is itself wrong: with --format json, still one object on standard output.
        let broken = try TmuxSession.run(bin, ["check-config", "--online", "--format", "json", try config("broken",
            "  - {name: am, type: alertmanger, url: \(am.url.absoluteString)}\n")])
        #expect(broken.status == 1)
        let brokenStart = try #require(broken.output.firstIndex(of: "{"), "\(broken.output)")
        let brokenEnd = try #require(broken.output.lastIndex(of: "}"))
        let brokenObject = try JSONSerialization.jsonObject(with: Data(broken.output[brokenStart...brokenEnd].utf8))
            as? [String: Any]
        #expect(brokenObject?["passed"] as? Bool == false)
        let configErrors = brokenObject?["config_errors"] as? [String] ?? []
        #expect(configErrors.count == 1 && configErrors.first?.contains("did you mean 'alertmanager'") == true, "\(configErrors)")

        // A server whose error body holds escape sequences: shown, but never sent to the terminal.
        let body = "\u{1B}]0;owned\u{07}\u{1B}[2Jboom"
        let hostile = try CannedHTTPServer(response: Array(("HTTP/1.1 500 Internal Server Error\r\nContent-Type: text/plain\r\n"
            + "Content-Length: \(body.utf8.count)\r\nConnection: close\r\n\r\n" + body).utf8))
        defer { hostile.stop() }
        let escaped = try TmuxSession.run(bin, ["check-config", "--online", try config("hostile",
            "  - {name: am-odd, type: alertmanager, url: http://127.0.0.1:\(hostile.port), timeout: 2s}\n")])
        #expect(escaped.status == 1)
        #expect(!escaped.output.contains("\u{1B}") && !escaped.output.contains("\u{07}"), "\(escaped.output.debugDescription)")
        #expect(escaped.output.contains("HTTP 500: ?]0;owned??[2Jboom"), "\(escaped.output)")

        let bad = try TmuxSession.run(bin, ["check-config", "--format", "xml", try config("bad", amUp)])
        #expect(bad.status != 0 && bad.output.contains("--format must be table or json"))
    }
}
}
