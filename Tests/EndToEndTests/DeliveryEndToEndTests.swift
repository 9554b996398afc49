#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Testing
import VigilTestSupport

extension EndToEnd {
/// The built binary in tmux with a config pointing at the GitHub and Jenkins test servers (and
/// the PagerDuty one, for an outage to mark deployments against): the throughput and deployments
/// panels show their figures, a failed deployment run added to GitHub shows in the change failure
/// rate within one poll, and the outage timeline marks the deployments of the service that is down.
@Suite(.serialized) struct DeliveryEndToEndTests {
    @Test func gitHubAndJenkinsFillTheDeliveryPanelsAndANewFailureShowsInOnePoll() async throws {
        guard TmuxSession.tmuxAvailable else { throw E2EError.missing("tmux is not installed: run scripts/test") }
        guard let bin = TmuxSession.binary else { throw E2EError.missing("no built vigil binary: run scripts/test") }
        let gh = try await GitHubServer.start()
        defer { gh.stop() }
        let jenkins = try await JenkinsServer.start()
        defer { jenkins.stop() }
        let pd = try await PagerDutyServer.start()
        defer { pd.stop() }

        // GitHub: checkout-api deployed four times today (one failed), CI runs beside.
        try gh.addRuns("octo-org/checkout-api", [
            ["workflow": "CI", "ago": 30_000, "duration": 400], ["workflow": "CI", "ago": 20_000, "duration": 380],
            ["workflow": "CI", "ago": 9_000, "duration": 420, "conclusion": "failure"],
            ["workflow": "Deploy", "ago": 28_000, "title": "Deploy checkout-api v1.0.0 to production", "commit_ago": 3_600],
            ["workflow": "Deploy", "ago": 18_000, "title": "Deploy checkout-api v1.1.0 to production", "commit_ago": 3_600],
            ["workflow": "Deploy", "ago": 8_000, "title": "Deploy checkout-api v1.2.0 to production", "conclusion": "failure"],
            ["workflow": "Deploy", "ago": 1_200, "title": "Deploy checkout-api v1.2.1 to production",
             "branch": "hotfix/retries"],
        ])
        // Jenkins: a folder with a build job and a deploy job of payments.
        try jenkins.addJobs([["path": "payments/build", "kind": "pipeline"], ["path": "payments/deploy-payments"]])
        try jenkins.addBuilds("payments/build", [["ago": 25_000, "duration": 200], ["ago": 15_000, "duration": 210],
                                                 ["ago": 5_000, "result": "UNSTABLE"]])
        try jenkins.addBuilds("payments/deploy-payments", [["ago": 24_000, "display": "payments 3.0.0"],
                                                           ["ago": 14_000, "display": "payments 3.1.0"]])
        // checkout-api is down (a P1 incident in PagerDuty for two hours: within the hour after the
        // failed v1.2.0, which it does not count twice).
        try pd.create([["title": "Checkout returns 500s", "service": "PSVC001", "priority": "P1", "created": -7_200]])

        let work = try PagerDutyWork("delivery", pagerDuty: pd.url, more: """
              - name: gh
                type: github
                url: \(gh.url.absoluteString)
                token_env: VIGIL_E2E_GH_TOKEN
                repositories: [octo-org/checkout-api]
                poll_interval: 1s
              - name: ci
                type: jenkins
                url: \(jenkins.url.absoluteString)
                user: \(JenkinsServer.user)
                token_env: VIGIL_E2E_JENKINS_TOKEN
                poll_interval: 1s

            """)
        defer { work.remove() }
        let repo = TmuxSession.repo.path
        let t = try TmuxSession(width: 160, height: 44, command:
            "VIGIL_E2E_GH_TOKEN=\(GitHubServer.token) VIGIL_E2E_JENKINS_TOKEN=\(JenkinsServer.token) \(bin) "
                + "--config \(work.config.path) --state \(work.dir.path)/state --themes-dir \(repo)/themes --window 24h; "
                + "echo EXIT=$?")

        // 6 production deploys: checkout-api 4 (v1.2.0 failed), payments 2 (from Jenkins): CFR 1/6;
        // the hotfix/ branch is rework, 1/6. Builds: 3 GitHub CI runs and 3 Jenkins builds.
        let first = try t.waitFor(timeout: 30, "the delivery panels") { s in
            s.contains("CFR 16.7%") && s.contains("1/6") && s.contains("rework 16.7%") && s.contains("finished 6")
        }
        let text = first.joined(separator: "\n")
        // Lead time from the commits GitHub gives (committed an hour before the run): 1h05m median.
        #expect(text.contains("lead time 1h05m"), "\(text)")

        // A new failed deployment run: within one poll (a second), CFR reads 2/7.
        try gh.addRuns("octo-org/checkout-api", [
            ["workflow": "Deploy", "ago": 60, "duration": 30, "title": "Deploy checkout-api v1.2.2 to production",
             "conclusion": "failure"],
        ])
        try t.waitFor(timeout: 10, "the new failure in CFR") { $0.contains("CFR 28.6%") && $0.contains("2/7") }

        // The outage timeline marks checkout-api's deployments (the service that is down).
        let screen = try t.screen()
        let top = try #require(screen.firstIndex { $0.contains("Outages") })
        let column = try #require(screen[top].range(of: "Outages")).lowerBound
        let start = screen[top].distance(from: screen[top].startIndex, to: column) - 2
        let panel = screen[(top + 1)...].prefix(8).map { String(Array($0).dropFirst(start).prefix(50)) }
        #expect(panel.contains { $0.contains("▴") }, "no deployment marks under the outage timeline:\n\(panel.joined(separator: "\n"))")

        let refused = try gh.violations() + jenkins.violations()
        #expect(refused.isEmpty, "requests the servers refuse:\n\(refused.joined(separator: "\n"))")
        try t.send(keys: ["q"])
        try t.waitFor(timeout: 10, "exit") { $0.contains("EXIT=0") }
    }
}
}
