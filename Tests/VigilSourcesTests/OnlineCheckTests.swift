import Foundation
import Testing
import VigilCore
@testable import VigilSources
import VigilTestSupport

/// `check-config --online`'s columns: what each kind's check finds against a server that behaves
/// like the real one, and how the rest is filled from where a check stopped and the settings.
@Suite struct OnlineCheckTests {
    private let context = SourceContext(transport: AsyncHTTPTransport.shared, now: Date())

    @Test func whereACheckStoppedFillsTheColumnsItCouldNot() {
        let http = [URL(string: "http://prom:9090")!], https = [URL(string: "https://api.example.com")!]
        let ok = OnlineCheck(passed: true, findings: []).completed(endpoints: https, credentials: true, actions: [])
        #expect([ok.reachable, ok.tls, ok.authenticated] == [.yes, .yes, .yes] && ok.access == .readOnly)

        let plain = OnlineCheck(passed: true, findings: []).completed(endpoints: http, credentials: false, actions: [.acknowledge])
        #expect([plain.reachable, plain.tls, plain.authenticated] == [.yes, .notApplicable, .notApplicable])
        #expect(plain.access == .notChecked, "an action no probe confirmed is not claimed")

        let refused = OnlineCheck(stoppedBy: SourceError(.refused, "Alertmanager http://am:9093: connection refused"))
            .completed(endpoints: https, credentials: true, actions: [.acknowledge])
        #expect([refused.reachable, refused.tls, refused.authenticated] == [.no, .unknown, .unknown] && refused.access == .unknown)
        #expect(refused.findings == ["Alertmanager http://am:9093: connection refused"], "the kind is not said twice")
        #expect(OnlineCheck(stoppedBy: SourceError(.timedOut, "no answer in 10s")).findings == ["timed out: no answer in 10s"])
        let readOnlyButDown = OnlineCheck(stoppedBy: SourceError(.refused, "refused"))
            .completed(endpoints: http, credentials: false, actions: [])
        #expect(readOnlyButDown.access == .unknown, "what credentials allow is not known before the source answers")

        let badTLS = OnlineCheck(stoppedBy: SourceError(.tls, "certificate expired"))
            .completed(endpoints: https, credentials: true, actions: [])
        #expect([badTLS.reachable, badTLS.tls, badTLS.authenticated] == [.yes, .no, .unknown])

        let wrongKey = OnlineCheck(stoppedBy: SourceError(.unauthorised, "HTTP 401"))
            .completed(endpoints: https, credentials: true, actions: [.acknowledge])
        #expect([wrongKey.reachable, wrongKey.tls, wrongKey.authenticated] == [.yes, .yes, .no])

        let forbidden = OnlineCheck(stoppedBy: SourceError(.forbidden, "HTTP 403"))
            .completed(endpoints: https, credentials: true, actions: [])
        #expect(forbidden.authenticated == .yes && forbidden.access == .refused)

        let probed = { () -> OnlineCheck in
            var c = OnlineCheck(passed: true, findings: [])
            c.access = .canAct
            return c
        }().completed(endpoints: https, credentials: true, actions: [.acknowledge])
        #expect(probed.access == .canAct, "what the kind's probe found is kept")

        let demo = OnlineCheck(passed: true, findings: []).completed(endpoints: [], credentials: false, actions: [.acknowledge])
        #expect([demo.reachable, demo.tls, demo.authenticated] == [.notApplicable, .notApplicable, .notApplicable])
        #expect(demo.access == .canAct)
    }

    @Test func aQueryMissingALabelItsPanelReadsIsSaidWithWhatFollows() {
        #expect(PrometheusKind.missing(["env", "service", "status"], for: .deployments, serviceLabel: "service") == nil)
        #expect(PrometheusKind.missing(["app", "status"], for: .deployments, serviceLabel: "app") == nil)
        #expect(PrometheusKind.missing(["job"], for: .deployments, serviceLabel: "service")
                == "no label service (every deployment is \"unknown\"), no label status (every deployment counts as a success)")
        #expect(PrometheusKind.missing(["workflow", "status"], for: .builds, serviceLabel: "service") == nil)
        #expect(PrometheusKind.missing([], for: .errorRate, serviceLabel: "app")
                == "no label app (the series show under one unnamed service)")
        #expect(PrometheusKind.missing([], for: .coverage, serviceLabel: "service") == nil)
    }

    @Test func aCertificateNoOneTrustsIsReachedButFailsTLS() async throws {
        let prom = try await PrometheusServer.start(selfSignedTLS: true)
        defer { prom.stop() }
        let url = try #require(URL(string: "https://127.0.0.1:\(prom.process.port)/"))
        let check = await SourceConfig(PrometheusKind.self, PrometheusSettings(id: "prom", url: url, timeout: .seconds(5)))
            .check(context)
        #expect(!check.passed)
        #expect([check.reachable, check.tls, check.authenticated] == [.yes, .no, .notApplicable], "\(check.findings)")
        #expect(check.findings.first?.contains("its certificate is not trusted (CERTIFICATE_VERIFY_FAILED); if it is signed by "
                                               + "your own CA, add that CA to the system's store") == true, "\(check.findings)")
    }

    @Test func anHAPairWithOneMemberDownStillSaysTheVersionAndWhetherItMayWrite() async throws {
        let am = try await AlertmanagerServer.start()
        defer { am.stop() }
        let closed = try SilentListener()
        let dead = try #require(URL(string: "http://127.0.0.1:\(closed.port)"))
        closed.close()
        let settings = AlertmanagerSettings(id: "am", urls: [dead, am.url], timeout: .seconds(2))
        let check = await SourceConfig(AlertmanagerKind.self, settings).check(context)
        #expect(!check.passed, "a member down is a warning, and fails the check: \(check.findings)")
        #expect(check.reachable == .yes && check.access == .canAct, "\(check.findings)")
        #expect(check.version?.isEmpty == false)
        // The member that is down is said once (the poll's finding), not again by the status read.
        #expect(check.findings.filter { $0.contains("127.0.0.1:\(closed.port)") }.count == 1, "\(check.findings)")
        #expect(try am.silences().isEmpty, "the write probe left a silence")
    }

    @Test func jenkinsSaysItsVersionInAHeader() async throws {
        let server = try await JenkinsServer.start()
        defer { _ = server.stop() }
        let settings = JenkinsSettings(id: "ci", url: server.url, user: JenkinsServer.user,
                                       token: Secret(value: JenkinsServer.token, origin: "env JENKINS_TOKEN"), timeout: .seconds(10))
        let check = await SourceConfig(JenkinsKind.self, settings).check(context)
        #expect(check.passed, "\(check.findings)")
        #expect(check.version == "2.479.1")
        #expect([check.reachable, check.tls, check.authenticated] == [.yes, .notApplicable, .yes] && check.access == .readOnly)

        let wrong = JenkinsSettings(id: "ci", url: server.url, user: JenkinsServer.user,
                                    token: Secret(value: "not-the-token", origin: "env JENKINS_TOKEN"), timeout: .seconds(10))
        let refused = await SourceConfig(JenkinsKind.self, wrong).check(context)
        #expect(!refused.passed && refused.authenticated == .no, "\(refused.findings)")
        let violations = try server.violations()
        #expect(violations.isEmpty, "\(violations)")
    }

    @Test func gitHubSaysTheQuotaLeft() async throws {
        let server = try await GitHubServer.start()
        defer { _ = server.stop() }
        try server.addRuns("octo-org/checkout", [["workflow": "CI", "ago": 600, "duration": 60]])
        let settings = GitHubSettings(id: "gh", url: server.url, token: Secret(value: GitHubServer.token, origin: "env GH_TOKEN"),
                                      repositories: ["octo-org/checkout"], timeout: .seconds(10))
        let check = await SourceConfig(GitHubKind.self, settings).check(context)
        #expect(check.passed, "\(check.findings)")
        let quota = try #require(check.quota, "no quota from GitHub's x-ratelimit headers")
        #expect(quota.remaining < quota.limit)
        #expect(check.authenticated == .yes && check.access == .readOnly)
        let violations = try server.violations()
        #expect(violations.isEmpty, "\(violations)")
    }

    @Test func pagerDutySaysTheKeyCanActOrIsReadOnly() async throws {
        let server = try await PagerDutyServer.start()
        defer { server.stop() }
        func settings(_ key: String) -> PagerDutySettings {
            PagerDutySettings(id: "pd", url: server.url, apiKey: Secret(value: key, origin: "test"), from: "ben@example.com",
                              timeout: .seconds(10))
        }
        let full = await SourceConfig(PagerDutyKind.self, settings(PagerDutyServer.fullKey)).check(context)
        #expect(full.passed && full.access == .canAct && full.authenticated == .yes, "\(full.findings)")
        #expect(full.quota != nil)
        let readOnly = await SourceConfig(PagerDutyKind.self, settings(PagerDutyServer.readOnlyKey)).check(context)
        #expect(!readOnly.passed && readOnly.access == .refused && readOnly.authenticated == .yes, "\(readOnly.findings)")
        let wrong = await SourceConfig(PagerDutyKind.self, settings("not-a-key")).check(context)
        #expect(!wrong.passed && wrong.authenticated == .no && wrong.reachable == .yes, "\(wrong.findings)")
        let violations = try server.violations()
        #expect(violations.isEmpty, "\(violations)")
    }
}
