#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Testing
import VigilTestSupport

extension EndToEnd {
/// The built binary in tmux reading CodeDeploy (answers in AWS's shapes behind botocore's
/// signature check): the deployments fill the deployments panel, a failed one with its automatic
/// rollback counted in the change failure rate; a user whose policy denies the call sees why on
/// the panel.
@Suite(.serialized) struct CodeDeployEndToEndTests {
    @Test func deploymentsFillTheDeploymentsPanel() async throws {
        guard TmuxSession.tmuxAvailable else { throw E2EError.missing("tmux is not installed: run scripts/test") }
        guard let bin = TmuxSession.binary else { throw E2EError.missing("no built vigil binary: run scripts/test") }
        let aws = try await RecordedAWSServer.start()
        defer { aws.stop() }
        let now = Date().timeIntervalSince1970
        var infos: [[String: Any]] = (0..<4).map { k in
            ["deploymentId": "d-\(k)", "applicationName": "checkout", "deploymentGroupName": "checkout-prod",
             "status": "Succeeded", "creator": "user", "createTime": now - 40_000 + Double(k) * 5_000,
             "completeTime": now - 40_000 + Double(k) * 5_000 + 300]
        }
        infos += [
            ["deploymentId": "d-bad", "applicationName": "checkout", "deploymentGroupName": "checkout-prod", "status": "Failed",
             "creator": "user", "createTime": now - 6_000, "completeTime": now - 5_800,
             "rollbackInfo": ["rollbackDeploymentId": "d-rb"]],
            ["deploymentId": "d-rb", "applicationName": "checkout", "deploymentGroupName": "checkout-prod", "status": "Succeeded",
             "creator": "codeDeployRollback", "createTime": now - 5_790, "completeTime": now - 5_600,
             "rollbackInfo": ["rollbackTriggeringDeploymentId": "d-bad"]],
        ]
        try aws.addDeployments(infos)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-e2e-cd-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let config = dir.appendingPathComponent("config.yaml")
        try """
            sources:
              - name: deploys
                type: codedeploy
                regions: [us-east-1]
                endpoint_url: \(aws.url.absoluteString)
                poll_interval: 1s

            """.write(to: config, atomically: true, encoding: .utf8)
        let repo = TmuxSession.repo.path
        func start(_ key: String, _ secret: String) throws -> TmuxSession {
            try TmuxSession(width: 120, height: 40, command:
                "env -u AWS_PROFILE AWS_ACCESS_KEY_ID=\(key) AWS_SECRET_ACCESS_KEY=\(secret) HOME=\(dir.path) \(bin) "
                    + "--config \(config.path) --state \(dir.path)/state --themes-dir \(repo)/themes --window 24h; echo EXIT=$?")
        }
        // 6 production deployments: d-bad failed (rolled back), d-rb is the rollback.
        let t = try start("AKIDVIGILTEST", "vigil-test-secret-key")
        try t.waitFor(timeout: 30, "the deployments panel") { s in
            s.contains("CFR 16.7%") && s.contains("1/6") && s.contains("rollbacks 1")
        }
        try t.send(keys: ["q"])
        try t.waitFor(timeout: 10, "exit") { $0.contains("EXIT=0") }
        let refused = try aws.violations()
        #expect(refused.isEmpty, "\(refused)")

        // Denied by policy: said on the panel, with the call to allow.
        let denied = try start("AKIDDENIED", "denied-secret-key")
        try denied.waitFor(timeout: 30, "the refusal on the panel") { $0.contains("forbidden") || $0.contains("may not call") }
        try denied.send(keys: ["q"])
        try denied.waitFor(timeout: 10, "exit") { $0.contains("EXIT=0") }
    }
}
}
