import Foundation
import Testing
import VigilConfig
import VigilCore
import VigilLog
import VigilRuntime
@testable import VigilSources
import VigilTestSupport

/// The log at `trace`, from sources built as the dashboard builds them (config, `SourceFactory`)
/// against servers that behave like the real ones, each with its credentials: every request is
/// logged, and no credential is anywhere in the file. The process-wide log is set up for the
/// test, so whatever else runs in the test process meanwhile is written and checked too.
@Suite(.serialized) struct RedactedLogTests {
    @Test func everySourcesRequestsAreLoggedAndNoSecretIs() async throws {
        let gh = try await GitHubServer.start()
        defer { _ = gh.stop() }
        let jenkins = try await JenkinsServer.start()
        defer { _ = jenkins.stop() }
        let pd = try await PagerDutyServer.start()
        defer { _ = pd.stop() }
        let am = try await AlertmanagerServer.start()
        defer { am.stop() }
        let prom = try await PrometheusServer.start(basicAuth: true)
        defer { prom.stop() }
        let moto = try await MotoServer.start()
        defer { _ = moto.stop() }
        let aws = ["AWS_ACCESS_KEY_ID": "AKIDVIGILLOGTEST", "AWS_SECRET_ACCESS_KEY": "aws-secret-\(UUID().uuidString.prefix(8))",
                   "AWS_SESSION_TOKEN": "aws-session-\(UUID().uuidString.prefix(8))"]
        let secrets = ["GH_TOKEN": GitHubServer.token, "JENKINS_TOKEN": JenkinsServer.token, "PD_KEY": PagerDutyServer.fullKey,
                       "AM_PASSWORD": "am-pass-\(UUID().uuidString.prefix(8))", "PROM_PASSWORD": WebBasicAuth.password]
        let yaml = """
            user: e2e
            sources:
              - {name: gh, type: github, url: \(gh.url.absoluteString), token_env: GH_TOKEN, repositories: [octo-org/checkout]}
              - {name: ci, type: jenkins, url: \(jenkins.url.absoluteString), user: \(JenkinsServer.user), token_env: JENKINS_TOKEN}
              - {name: pd, type: pagerduty, url: \(pd.url.absoluteString), api_key_env: PD_KEY, from: ben@example.com}
              - name: am
                type: alertmanager
                url: \(am.url.absoluteString)
                auth: {basic: {username: vigil, password_env: AM_PASSWORD}}
              - name: prom
                type: prometheus
                url: \(prom.url.absoluteString)
                auth: {basic: {username: \(WebBasicAuth.user), password_env: PROM_PASSWORD}}
            """
        let config = try ConfigLoader.load(yaml: yaml, file: "/t/config.yaml", environment: secrets, readFile: { _ in "" })
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-redact-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let file = try LogFile(path: dir + "/vigil.log")
        // A logger made before the set-up follows it.
        let early = VigilLogging.logger("vigil.test", metadata: ["test": "redacted-log"])
        VigilLogging.bootstrap(file: file, level: .trace)
        defer { VigilLogging.bootstrap(file: nil, level: .error) }
        early.info("made before the set-up")

        for source in try SourceFactory.make(config, now: Date()) {
            _ = try? await source.source.poll(now: Date())
        }
        // AWS: where the credentials came from, and the signed requests, without the keys.
        let cloudWatch = CloudWatchSource(settings: CloudWatchSettings(id: "cw", regions: ["us-east-1"], endpointURL: moto.url),
                                          transport: TracingTransport(AsyncHTTPTransport.shared, source: "cw"), environment: aws)
        _ = try? await cloudWatch.poll(now: Date())
        // `check-config --online` goes through the same transports.
        for source in config.sources { _ = await source.check(SourceContext(transport: AsyncHTTPTransport.shared, now: Date())) }

        let text = try String(contentsOfFile: file.path, encoding: .utf8)
        #expect(text.contains("info vigil.test: made before the set-up test=redacted-log"))
        #expect(text.contains("info vigil.aws: AWS credentials resolved") && text.contains("origin=\"env AWS_ACCESS_KEY_ID\""),
                "\(text.split(separator: "\n").filter { $0.contains("vigil.aws") })")
        #expect(!text.contains(aws["AWS_SECRET_ACCESS_KEY"]!) && !text.contains(aws["AWS_SESSION_TOKEN"]!))
        for name in ["gh", "ci", "pd", "am", "prom", "cw"] {
            #expect(text.contains("vigil.http: HTTP GET") && text.contains("source=\(name)"), "no request of \(name) logged")
        }
        for (name, secret) in secrets {
            #expect(!text.contains(secret), "\(name) is in the log")
        }
        // Nor the Basic credential they make (base64 of user:password).
        let basic = Data("vigil:\(secrets["AM_PASSWORD"]!)".utf8).base64EncodedString()
        let jenkinsBasic = Data("\(JenkinsServer.user):\(JenkinsServer.token)".utf8).base64EncodedString()
        let promBasic = Data("\(WebBasicAuth.user):\(WebBasicAuth.password)".utf8).base64EncodedString()
        #expect(!text.contains(basic) && !text.contains(jenkinsBasic) && !text.contains(promBasic))
    }
}
