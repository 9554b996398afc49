#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Testing
import VigilTestSupport

extension EndToEnd {
/// The built binary in tmux with a config pointing at moto (the AWS emulator): an alarm set to
/// ALARM shows as a page within one poll, with its region and no acknowledge offered; set back to
/// OK, it leaves the open list.
@Suite(.serialized) struct CloudWatchEndToEndTests {
    @Test func anAlarmInAlarmIsAPageAndLeavesWhenOK() async throws {
        guard TmuxSession.tmuxAvailable else { throw E2EError.missing("tmux is not installed: run scripts/test") }
        guard let bin = TmuxSession.binary else { throw E2EError.missing("no built vigil binary: run scripts/test") }
        let moto = try await MotoServer.start()
        defer { moto.stop() }
        try moto.putAlarm("checkout-5xx", tags: ["severity": "critical"], description: "checkout 5xx above 5 a minute")
        try moto.putAlarm("search-latency", tags: ["severity": "warning"])

        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-e2e-cw-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let config = dir.appendingPathComponent("config.yaml")
        try """
            user: e2e-oncall
            sources:
              - name: aws
                type: cloudwatch
                regions: [us-east-1]
                endpoint_url: \(moto.url.absoluteString)
                poll_interval: 1s

            """.write(to: config, atomically: true, encoding: .utf8)
        let repo = TmuxSession.repo.path
        let t = try TmuxSession(width: 120, height: 40, command:
            "env -u AWS_PROFILE AWS_ACCESS_KEY_ID=AKIDE2E AWS_SECRET_ACCESS_KEY=e2e-secret-key HOME=\(dir.path) "
                + "\(bin) --config \(config.path) --state \(dir.path)/state --themes-dir \(repo)/themes; echo EXIT=$?")
        try t.waitFor(timeout: 30, "the source answering") { $0.contains("source fresh") && $0.contains("0 open") }

        try moto.setState("checkout-5xx", "ALARM", reason: "Threshold Crossed")
        let shown = try t.waitFor(timeout: 10, "the alarm as a page") { $0.contains("checkout 5xx above 5 a minute") }
        let row = try #require(shown.first { $0.contains("checkout 5xx above 5 a minute") })
        #expect(row.contains("SEV1") && row.contains("checkout"), "\(row)")
        #expect(!shown.joined().contains("a ack"), "CloudWatch offers no acknowledgement:\n\(shown.joined(separator: "\n"))")

        // The details say where it pages and which region it is in.
        try t.send(keys: ["Enter"])
        try t.waitFor(timeout: 10, "details") { $0.contains("region") && $0.contains("us-east-1") && $0.contains("not in CloudWatch") }
        try t.send(keys: ["Escape"])

        try moto.setState("checkout-5xx", "OK")
        try t.waitFor(timeout: 10, "the alarm leaving the open list") { s in
            !s.contains("checkout 5xx above 5 a minute") && s.contains("0 open")
        }
        try t.send(keys: ["q"])
        try t.waitFor(timeout: 10, "exit") { $0.contains("EXIT=0") }
    }
}
}
