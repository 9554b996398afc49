import Foundation
import Testing
import VigilCore
import VigilSources
@testable import VigilConfig

@Suite struct ConfigLoaderTests {
    @Test func theExampleConfigParses() throws {
        let config = try load(try exampleConfig(), env: ["PROM_TOKEN": token, "AM_PASSWORD": token, "PAGERDUTY_TOKEN": token, "GITHUB_TOKEN": token, "JENKINS_TOKEN": token,
                                                         "USER": "bob"])
        #expect(config.path == configFile)
        #expect(config.user == "alice")
        #expect(config.window == .week)
        #expect(config.theme == "default")
        #expect(!config.readOnly)
        #expect(config.metrics.workingHours == 9..<18)
        #expect(config.metrics.timeZone.identifier == "Europe/Berlin")
        #expect(config.metrics.outageSeverities == [.critical])
        #expect(config.metrics.failureLinkWindow == 3_600)
        #expect(config.notify == NotifySettings(), "the example documents the defaults")
        #expect(config.sources.map(\.id) == ["prom", "am", "pd", "gh", "ci", "aws", "deploys", "pipelines", "demo"])

        guard let prom = config.sources[0].prometheus else { Issue.record("not prometheus"); return }
        #expect(prom.url.absoluteString == "http://127.0.0.1:9090")
        #expect(prom.pollInterval == .seconds(30))
        #expect(prom.timeout == .seconds(10))
        #expect(prom.serviceLabel == "service")
        #expect(prom.auth == .bearer(Secret(value: token, origin: "env PROM_TOKEN")))
        #expect(prom.queries.map(\.feed) == PrometheusFeed.allCases)
        #expect(Set(prom.queries) == Set(PrometheusQuery.defaults), "the example documents the defaults")

        guard let am = config.sources[1].alertmanager else { Issue.record("not alertmanager"); return }
        #expect(am.urls.map(\.absoluteString) == ["http://127.0.0.1:9093", "http://127.0.0.1:9094"])
        #expect(am.pollInterval == .seconds(15))
        #expect(am.severityLabel == "severity")
        #expect(am.pagingSeverities == ["critical", "page"])
        #expect(am.ackSilence == .seconds(900))
        #expect(am.excludedMatcherLabels == ["instance"])
        #expect(am.auth == .basic(username: "vigil", password: Secret(value: token, origin: "env AM_PASSWORD")))

        let pd = try #require(config.sources[2].settings as? PagerDutySettings)
        #expect(pd.from == "alice@example.com" && pd.services == ["PXYZ123", "checkout-api"])
        let gh = try #require(config.sources[3].settings as? GitHubSettings)
        #expect(gh.repositories == ["octo-org/checkout", "octo-org/payments"] && gh.decoder.deployWorkflows == ["Deploy", "deploy.yml"])
        let ci = try #require(config.sources[4].settings as? JenkinsSettings)
        #expect(ci.user == "alice" && ci.jobs == ["checkout", "payments/deploy-payments"] && ci.maxBuilds == 100)
        let aws = try #require(config.sources[5].settings as? CloudWatchSettings)
        #expect(aws.regions == ["us-east-1", "eu-west-1"] && aws.pagingSeverities == [.critical, .high])
        #expect((config.sources[6].settings as? CodeDeploySettings)?.applications == ["checkout", "payments"])
        #expect((config.sources[7].settings as? CodePipelineSettings)?.environment == "production")
        #expect(config.sources[8] == .demo(id: "demo", data: nil))
    }

    @Test func defaultsWhenKeysAreOmitted() throws {
        let config = try load("sources: [{name: d, type: demo}]", env: ["USER": "bob"])
        #expect(config.user == "bob")
        #expect(config.window == .week)
        #expect(config.theme == "default")
        #expect(!config.readOnly)
        #expect(config.metrics.workingHours == 9..<18)
        #expect(config.metrics.timeZone == TimeZone.current)
        #expect(config.metrics.outageSeverities == [.critical])
        #expect(config.metrics.failureLinkWindow == 3_600)
        #expect(config.sources == [.demo(id: "d", data: nil)])

        #expect(try load("sources: [{name: d, type: demo}]", env: ["USER": "bob", "VIGIL_USER": "carol"]).user == "carol")
        #expect(try load("sources: [{name: d, type: demo}]").user == "oncall")
        // An empty value means the default.
        #expect(try load("window:\ntheme:\nsources: [{name: d, type: demo}]").window == .week)
    }

    @Test func sourceDefaults() throws {
        let config = try load("""
            sources:
              - {name: p, type: prometheus, url: "https://prom.example.com/prefix/"}
              - {name: a, type: alertmanager, url: http://am:9093}
            """)
        #expect(config.sources == [
            .prometheus(PrometheusSettings(id: "p", url: try #require(URL(string: "https://prom.example.com/prefix/")))),
            .alertmanager(AlertmanagerSettings(id: "a", urls: [try #require(URL(string: "http://am:9093"))])),
        ])
    }

    @Test func queriesOverrideOrTurnOffFeeds() throws {
        let config = try load("""
            sources:
              - name: p
                type: prometheus
                url: http://p:9090
                queries:
                  coverage: false
                  builds: ""
                  error_rate:
                  latency_p50: 'my_p50'
            """)
        guard let p = config.sources[0].prometheus else { Issue.record("not prometheus"); return }
        #expect(p.queries.map(\.feed) == [.latencyP50, .latencyP99, .deployments])
        #expect(p.queries[0].promql == "my_p50")
        #expect(p.queries[2].promql == "deployments_total")
    }

    @Test func topLevelValues() throws {
        let config = try load("""
            user: dave
            window: 30d
            theme: themes/nord.yaml
            read_only: yes
            working_hours: {start: 8, end: 17, time_zone: America/New_York}
            outage_severities: [critical, high]
            change_failure_window: 30m
            sources: [{name: d, type: demo, data: ../data}]
            """)
        #expect(config.user == "dave")
        #expect(config.window == .month)
        #expect(config.theme == "/etc/vigil/themes/nord.yaml")
        #expect(config.readOnly)
        #expect(config.metrics.workingHours == 8..<17)
        #expect(config.metrics.timeZone.identifier == "America/New_York")
        #expect(config.metrics.outageSeverities == [.critical, .high])
        #expect(config.metrics.failureLinkWindow == 1_800)
        #expect(config.sources == [.demo(id: "d", data: "/etc/data")])
    }

    @Test func secretsFromEnvironmentAndFiles() throws {
        let files = ["/etc/vigil/secrets/prom": "\(token)\n", "/run/am-password": token]
        let config = try load("""
            sources:
              - name: p
                type: prometheus
                url: http://p:9090
                auth: {bearer_token_file: secrets/prom}
              - name: a
                type: alertmanager
                url: http://a:9093
                auth:
                  basic: {username: vigil, password_file: /run/am-password}
              - name: b
                type: alertmanager
                url: http://b:9093
                auth:
                  basic: {username: vigil, password_env: AM_PASSWORD}
            """, env: ["AM_PASSWORD": "  \(token)\n"], files: files)
        guard let p = config.sources[0].prometheus, let a = config.sources[1].alertmanager,
              let b = config.sources[2].alertmanager else { Issue.record("wrong kinds"); return }
        #expect(p.auth == .bearer(Secret(value: token, origin: "file /etc/vigil/secrets/prom")))
        #expect(a.auth == .basic(username: "vigil", password: Secret(value: token, origin: "file /run/am-password")))
        #expect(b.auth == .basic(username: "vigil", password: Secret(value: token, origin: "env AM_PASSWORD")))
        #expect(p.auth.header?.value == "Bearer \(token)")
    }

    @Test func aLoadedConfigNeverShowsItsSecrets() throws {
        let config = try load(try exampleConfig(), env: ["PROM_TOKEN": token, "AM_PASSWORD": token, "PAGERDUTY_TOKEN": token, "GITHUB_TOKEN": token, "JENKINS_TOKEN": token])
        let texts = [config.description, String(describing: config), String(reflecting: config), "\(config.sources)",
                     "\(config.sources[0])", String(reflecting: config.sources[1]), String(reflecting: config.sources[2])]
        for text in texts {
            #expect(!text.contains(token))
            #expect(!text.contains(String(token.prefix(12))))
        }
        #expect(config.description.contains("bearer token from env PROM_TOKEN"))
        #expect(config.description.contains("basic auth as vigil, password from env AM_PASSWORD"))
    }

    @Test func validateListsEveryProblemInFileOrder() {
        let errors = ConfigLoader.validate(yaml: """
            window: 2d
            sources:
              - {name: a, type: prometheus, url: http://a:9090, poll_interval: fast}
              - {name: b, type: alertmanager}
            colour: red
            """, file: configFile, environment: [:], readFile: { _ in "" })
        #expect(errors.map(\.key) == ["window", "sources[0].poll_interval", "sources[1]", "colour"])
        #expect(errors.map(\.line) == [1, 3, 4, 5])
    }

    @Test func defaultPathFollowsXDG() {
        #expect(ConfigLoader.defaultPath(environment: ["XDG_CONFIG_HOME": "/x/cfg", "HOME": "/home/a"]) == "/x/cfg/vigil/config.yaml")
        #expect(ConfigLoader.defaultPath(environment: ["HOME": "/home/a"]) == "/home/a/.config/vigil/config.yaml")
        // A relative XDG_CONFIG_HOME is ignored, as the spec says.
        #expect(ConfigLoader.defaultPath(environment: ["XDG_CONFIG_HOME": "cfg", "HOME": "/home/a"]) == "/home/a/.config/vigil/config.yaml")
        #expect(ConfigLoader.defaultPath(environment: ["XDG_CONFIG_HOME": "", "HOME": "/home/a"]) == "/home/a/.config/vigil/config.yaml")
    }

    @Test func locate() {
        let env = ["HOME": "/home/a"]
        let existing: Set = ["/home/a/.config/vigil/config.yaml", "/tmp/mine.yaml"]
        let exists = { (p: String) in existing.contains(p) }
        #expect(ConfigLoader.locate(explicit: "/tmp/mine.yaml", environment: env, fileExists: exists)! == ("/tmp/mine.yaml", true))
        #expect(ConfigLoader.locate(explicit: "/tmp/none.yaml", environment: env, fileExists: exists)! == ("/tmp/none.yaml", false))
        #expect(ConfigLoader.locate(explicit: nil, environment: env, fileExists: exists)! == ("/home/a/.config/vigil/config.yaml", true))
        #expect(ConfigLoader.locate(explicit: nil, environment: ["HOME": "/home/b"], fileExists: exists) == nil)
    }

    @Test func loadsFromDiskWithRelativePaths() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-config-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("data"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let configPath = dir.appendingPathComponent("config.yaml").path
        try "\(token)\n".write(to: dir.appendingPathComponent("token"), atomically: true, encoding: .utf8)
        try """
            sources:
              - {name: p, type: prometheus, url: http://p:9090, auth: {bearer_token_file: token}}
              - {name: d, type: demo, data: data}
            """.write(toFile: configPath, atomically: true, encoding: .utf8)
        let config = try ConfigLoader.load(path: configPath)
        guard let p = config.sources[0].prometheus else { Issue.record("not prometheus"); return }
        #expect(p.auth.header?.value == "Bearer \(token)")
        #expect(config.sources[1] == .demo(id: "d", data: dir.appendingPathComponent("data").standardizedFileURL.path))
        #expect(ConfigLoader.validate(path: configPath).isEmpty)

        let missing = dir.appendingPathComponent("nope.yaml").path
        #expect(throws: ConfigError(file: missing, problem: .fileNotFound)) { try ConfigLoader.load(path: missing) }
        #expect(ConfigLoader.validate(path: missing) == [ConfigError(file: missing, problem: .fileNotFound)])
        #expect(throws: ConfigError(file: dir.path, problem: .unreadable(reason: "it is a directory"))) {
            try ConfigLoader.load(path: dir.path)
        }

        // A missing secret file, on disk.
        try "sources: [{name: p, type: prometheus, url: http://p:9090, auth: {bearer_token_file: gone}}]"
            .write(toFile: configPath, atomically: true, encoding: .utf8)
        let error = try #require(ConfigLoader.validate(path: configPath).first)
        #expect(error.problem == .secretFileUnreadable(path: dir.appendingPathComponent("gone").standardizedFileURL.path,
                                                       reason: "no such file"))
    }
}
