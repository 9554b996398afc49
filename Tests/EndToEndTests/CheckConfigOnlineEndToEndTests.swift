import Foundation
import Testing
import VigilTestSupport

extension EndToEnd {
/// `vigil check-config --online` against a real Alertmanager and one that is not there: the
/// table a person reads (a block per source, a count last), the JSON for scripts, and the exit
/// status 0 only when every source passes.
@Suite(.serialized) struct CheckConfigOnlineEndToEndTests {
    @Test func aTableOrJSONAndExitStatusZeroOnlyWhenEverySourcePasses() async throws {
        guard let bin = TmuxSession.binary else { throw E2EError.missing("no built vigil binary: run scripts/test") }
        let am = try await AlertmanagerServer.start()
        defer { am.stop() }
        try am.post([AlertmanagerServer.Alert(labels: ["alertname": "DiskFull", "service": "db", "severity": "critical"],
                                              annotations: ["summary": "disk full"])])
        let closed = try SilentListener()
        let deadPort = closed.port
        closed.close()
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-e2e-online-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        func config(_ name: String, _ sources: String) throws -> String {
            let file = dir.appendingPathComponent("\(name).yaml")
            try "sources:\n\(sources)".write(to: file, atomically: true, encoding: .utf8)
            return file.path
        }
        let up = "  - {name: am, type: alertmanager, url: \(am.url.absoluteString)}\n"
        let down = "  - {name: am-dr, type: alertmanager, url: http://127.0.0.1:\(deadPort), timeout: 2s}\n"

        let good = try TmuxSession.run(bin, ["check-config", "--online", try config("good", up)])
        #expect(good.status == 0, "\(good.output)")
        let goodLines = good.output.components(separatedBy: "\n")
        #expect(goodLines.contains("ok   am (alertmanager)"), "\(good.output)")
        #expect(goodLines.contains("       reachable; one poll answered (1 incidents)"), "\(good.output)")
        #expect(goodLines.contains("all 1 source passed"))

        let mixed = try TmuxSession.run(bin, ["check-config", "--online", try config("mixed", up + down)])
        #expect(mixed.status == 1, "\(mixed.output)")
        let lines = mixed.output.components(separatedBy: "\n")
        let at = try #require(lines.firstIndex(of: "FAIL am-dr (alertmanager)"), "\(mixed.output)")
        #expect(lines[at + 1] == "       connection refused: Alertmanager http://127.0.0.1:\(deadPort): connection refused "
                + "(127.0.0.1:\(deadPort)): is the server running and listening there?",
                "\(lines[at + 1])")
        #expect(lines.contains("1 of 2 sources failed"))

        let json = try TmuxSession.run(bin, ["check-config", "--online", "--format", "json", try config("json", up + down)])
        #expect(json.status == 1)
        let start = try #require(json.output.firstIndex(of: "{"))
        let object = try JSONSerialization.jsonObject(with: Data(json.output[start...].utf8)) as? [String: Any]
        #expect(object?["passed"] as? Bool == false)
        let sources = object?["sources"] as? [[String: Any]] ?? []
        #expect(sources.map { $0["name"] as? String } == ["am", "am-dr"])
        #expect(sources.map { $0["passed"] as? Bool } == [true, false])
        #expect((sources.first?["findings"] as? [String])?.first == "reachable; one poll answered (1 incidents)")

        let bad = try TmuxSession.run(bin, ["check-config", "--format", "xml", try config("bad", up)])
        #expect(bad.status != 0 && bad.output.contains("--format must be table or json"))
    }
}
}
