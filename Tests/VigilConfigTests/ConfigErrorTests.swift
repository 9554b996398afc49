import Foundation
import Testing
import VigilSources
import VigilCore
@testable import VigilConfig

/// Each problem names the file, the line and the key, and says how to fix it.
@Suite struct ConfigErrorTests {
    static let twoSources = """
        user: alice
        sources:
          - name: prom
            type: prometheus
            url: http://127.0.0.1:9090
          - name: am
            type: alertmanager
            url: http://127.0.0.1:9093
            poll_interval: POLL
        """

    @Test func badDurationNamesFileLineKeyAndFix() throws {
        let e = try #require(loadError(Self.twoSources.replacingOccurrences(of: "POLL", with: "30 seconds")))
        #expect(e.file == configFile)
        #expect(e.line == 9)
        #expect(e.key == "sources[1].poll_interval")
        #expect(e.description == "/etc/vigil/config.yaml:9: sources[1].poll_interval: \"30 seconds\" is not a duration; "
            + "write it like 30s, 5m or 1h30m (units: ms, s, m, h, d)")
    }

    @Test(arguments: [
        ("30", "\"30\" has no unit; write 30s for seconds"),
        ("-1s", "\"-1s\" is negative"),
        ("1h 30m", "write it without spaces: 1h30m"),
        ("1w", "\"1w\" is not a duration; write it like 30s"),
        ("500ms", "500ms is too short; use at least 1s"),
    ])
    func durationProblems(value: String, expected: String) throws {
        let e = try #require(loadError(Self.twoSources.replacingOccurrences(of: "POLL", with: value)))
        #expect(e.line == 9 && e.key == "sources[1].poll_interval")
        #expect(e.description.contains(expected), "\(e)")
    }

    @Test func unknownKeysSuggestTheNearestAndListTheValidOnes() throws {
        let top = try #require(loadError("windw: 7d\nsources: [{name: d, type: demo}]"))
        #expect(top.line == 1 && top.key == "windw")
        #expect(top.description.contains("unknown key 'windw'; did you mean 'window'? allowed here: user, window, theme,"))

        let inSource = try #require(loadError(Self.twoSources.replacingOccurrences(of: "poll_interval: POLL", with: "pollInterval: 30s")))
        #expect(inSource.line == 9 && inSource.key == "sources[1].pollInterval")
        #expect(inSource.description.contains("did you mean 'poll_interval'?"))
        #expect(inSource.description.contains("allowed here: name, type, url, urls, poll_interval"))

        // A key valid for another type of source is unknown here.
        let urls = try #require(loadError("sources: [{name: p, type: prometheus, urls: [http://a:1]}]"))
        #expect(urls.key == "sources[0].urls")
        #expect(urls.description.contains("did you mean 'url'?"))

        let feed = try #require(loadError("sources: [{name: p, type: prometheus, url: http://a:1, queries: {latency_p95: x}}]"))
        #expect(feed.key == "sources[0].queries.latency_p95")
        #expect(feed.description.contains("did you mean 'latency_p99'?"))
    }

    @Test func unknownSourceType() throws {
        let e = try #require(loadError("sources:\n  - name: p\n    type: prometeus\n    url: http://p:9090\n"))
        #expect(e.line == 3 && e.key == "sources[0].type")
        #expect(e.description.hasSuffix("unknown source type 'prometeus'; did you mean 'prometheus'? "
            + "valid types: prometheus, alertmanager, pagerduty, github, jenkins, cloudwatch, codedeploy, codepipeline, demo"))
    }

    /// One run of check-config lists every problem of a source entry, even with a misspelt type:
    /// the rest is read as the nearest kind (it used to take five runs to fix this entry).
    @Test func everyProblemOfAnEntryAtOnce() {
        let errors = ConfigLoader.validate(yaml: """
            sources:
              - name: Prom Main
                type: prometeus
                url: ftp://prom:9090
                poll_interval: 30
                bearer_token: \(token)
            """, file: configFile, environment: [:], readFile: { _ in "" })
        #expect(errors.map(\.key) == ["sources[0].name", "sources[0].type", "sources[0].url", "sources[0].poll_interval",
                                      "sources[0].bearer_token"])
        #expect(errors.map(\.line) == [2, 3, 4, 5, 6])
        let text = errors.map(\.description).joined(separator: "\n")
        #expect(text.contains("e.g. 'prom-main'"))
        #expect(text.contains("did you mean 'prometheus'?"))
        #expect(text.contains("it needs an http:// or https:// scheme"))
        #expect(text.contains("write 30s for seconds"))
        #expect(text.contains("'bearer_token:' is refused"))
        #expect(!text.contains(token))
    }

    /// A type that resembles no kind: its keys cannot be checked, but the name still is.
    @Test func anUnrecognisableTypeStillChecksTheName() {
        let errors = ConfigLoader.validate(yaml: "sources:\n  - {name: A B, type: zzz, url: x}\n", file: configFile,
                                           environment: [:], readFile: { _ in "" })
        #expect(errors.map(\.key) == ["sources[0].name", "sources[0].type"])
    }

    @Test func duplicateSourceNamesGiveBothLines() throws {
        let e = try #require(loadError("""
            sources:
              - name: prom
                type: demo
              - name: prom
                type: demo
            """))
        #expect(e.line == 4 && e.key == "sources[1].name")
        #expect(e.description == "/etc/vigil/config.yaml:4: sources[1].name: the name 'prom' is already used by "
            + "sources[0] (line 2); give each source its own name")
    }

    @Test func badSourceName() throws {
        let e = try #require(loadError("sources: [{name: Prom Main, type: demo}]"))
        #expect(e.key == "sources[0].name")
        #expect(e.description.contains("e.g. 'prom-main'"))
    }

    @Test func missingRequiredKeysPointAtTheEnclosingMapping() throws {
        let noURL = try #require(loadError("user: a\nsources:\n  - name: p\n    type: prometheus\n"))
        #expect(noURL.line == 3 && noURL.key == "sources[0]")
        #expect(noURL.description.contains("missing required key 'url'; add it, e.g. url: http://127.0.0.1:9090"))

        let noType = try #require(loadError("sources:\n  - name: p\n"))
        #expect(noType.line == 2 && noType.key == "sources[0]")
        #expect(noType.problem == .missingKey("type", example: "type: prometheus (or alertmanager, pagerduty, github, jenkins, cloudwatch, codedeploy, codepipeline, demo)"))

        let noName = try #require(loadError("sources:\n  - type: demo\n"))
        #expect(noName.line == 2 && noName.description.contains("missing required key 'name'"))

        let noSources = try #require(loadError("\n\nuser: a\n"))
        #expect(noSources.line == 3 && noSources.key == nil)
        #expect(noSources.description.contains("missing required key 'sources'"))

        let emptySources = try #require(loadError("sources: []"))
        #expect(emptySources.problem == .noSources && emptySources.key == "sources")

        let empty = try #require(loadError("# nothing yet\n"))
        #expect(empty.problem == .empty)
        #expect(empty.description.contains("needs at least a sources: list"))

        let noUser = try #require(loadError("sources:\n  - name: a\n    type: alertmanager\n    url: http://a:1\n    auth:\n      basic: {password_env: X}\n"))
        #expect(noUser.key == "sources[0].auth.basic" && noUser.line == 6)
        #expect(noUser.description.contains("missing required key 'username'"))
    }

    @Test(arguments: [
        ("127.0.0.1:9090", "'127.0.0.1:9090' is not a usable URL: it needs an http:// or https:// scheme"),
        ("ftp://host/x", "'ftp://host/x' is not a usable URL: it needs an http:// or https:// scheme"),
        ("http://", "it has no host"),
        ("http://vigil:hunter2@prom:9090", "the URL is not usable (not shown): it holds a user name or password"),
        ("http://prom:9090/?x=1", "it has a query or fragment"),
    ])
    func badURLs(url: String, expected: String) throws {
        let e = try #require(loadError("sources:\n  - {name: p, type: prometheus, url: \"\(url)\"}"))
        #expect(e.line == 2 && e.key == "sources[0].url")
        #expect(e.description.contains(expected), "\(e)")
        #expect(e.description.contains("write it like http://127.0.0.1:9090"))
        #expect(!e.description.contains("hunter2"))
    }

    @Test func alertmanagerURLsInAList() throws {
        let e = try #require(loadError("sources:\n  - name: a\n    type: alertmanager\n    urls:\n      - http://a:9093\n      - a2:9093\n"))
        #expect(e.line == 6 && e.key == "sources[0].urls[1]")
        let both = try #require(loadError("sources:\n  - {name: a, type: alertmanager, url: http://a:1, urls: [http://b:1]}"))
        #expect(both.description.contains("'url' and 'urls' cannot both be given; keep one of them"))
    }

    @Test func secretVariableNotSetNamesTheVariable() throws {
        let yaml = "sources:\n  - name: p\n    type: prometheus\n    url: http://p:1\n    auth: {bearer_token_env: PROM_TOKEN}\n"
        let e = try #require(loadError(yaml, env: ["OTHER": token]))
        #expect(e.line == 5 && e.key == "sources[0].auth.bearer_token_env")
        #expect(e.description.contains("the environment variable PROM_TOKEN is not set; export it before starting vigil"))
        #expect(e.description.contains("bearer_token_file: PATH"))

        let empty = try #require(loadError(yaml, env: ["PROM_TOKEN": " \n"]))
        #expect(empty.problem == .secretVariableEmpty(variable: "PROM_TOKEN"))
    }

    @Test func secretFileProblemsNameTheFile() throws {
        let yaml = "sources:\n  - name: p\n    type: prometheus\n    url: http://p:1\n    auth:\n      bearer_token_file: ../tok\n"
        let missing = try #require(loadError(yaml))
        #expect(missing.line == 6 && missing.key == "sources[0].auth.bearer_token_file")
        #expect(missing.description.contains("cannot read the secret file /etc/tok (it cannot be read)"))

        let empty = try #require(loadError(yaml, files: ["/etc/tok": "\n"]))
        #expect(empty.description.hasSuffix("the secret file /etc/tok is empty; write the secret into it"))
    }

    @Test func inlineSecretsAreRefusedWithoutEchoingThem() throws {
        let bearer = try #require(loadError("sources:\n  - name: p\n    type: prometheus\n    url: http://p:1\n    auth:\n      bearer_token: \(token)\n"))
        #expect(bearer.line == 6 && bearer.key == "sources[0].auth.bearer_token")
        #expect(bearer.description.contains("secrets are never written in the config file, so 'bearer_token:' is refused"))
        #expect(bearer.description.contains("use bearer_token_env: VARIABLE or bearer_token_file: PATH instead"))

        let password = try #require(loadError("sources:\n  - name: a\n    type: alertmanager\n    url: http://a:1\n    auth:\n      basic: {username: u, password: \(token)}\n"))
        #expect(password.key == "sources[0].auth.basic.password")
        #expect(password.description.contains("password_env: VARIABLE or password_file: PATH"))

        let topLevel = try #require(loadError("password: \(token)\nsources: [{name: d, type: demo}]"))
        #expect(topLevel.problem == .inlineSecret(key: "password", instead: "password_env: VARIABLE or password_file: PATH (under basic:)"))
    }

    @Test func yamlSyntaxErrorsGiveLineAndColumn() throws {
        let e = try #require(loadError("sources:\n  - name: p\n   type: demo\n"))
        guard case .syntax = e.problem else { Issue.record("not a syntax error: \(e)"); return }
        #expect(e.line == 3)
        #expect(e.column != nil)
        #expect(e.description.hasPrefix("/etc/vigil/config.yaml:3:\(e.column ?? 0): YAML syntax error: "))
        #expect(e.description.hasSuffix("check the indentation and quoting near this line"))

        let duplicate = try #require(loadError("window: 7d\nwindow: 24h\nsources: [{name: d, type: demo}]"))
        #expect(duplicate.description.contains("the key 'window' appears more than once in this mapping"))
    }

    @Test func topLevelValueProblems() throws {
        let window = try #require(loadError("window: 2d\nsources: [{name: d, type: demo}]"))
        #expect(window.description == "/etc/vigil/config.yaml:1: window: '2d' is not valid here; use one of: 24h, 7d, 30d")

        let severity = try #require(loadError("outage_severities: [critical, hihg]\nsources: [{name: d, type: demo}]"))
        #expect(severity.key == "outage_severities[1]")
        #expect(severity.description.contains("did you mean 'high'? use one of: critical, high, warning, info"))

        let zone = try #require(loadError("working_hours: {time_zone: Europe/Berln}\nsources: [{name: d, type: demo}]"))
        #expect(zone.key == "working_hours.time_zone")
        #expect(zone.description.contains("unknown time zone 'Europe/Berln'; did you mean 'Europe/Berlin'?"))

        let hours = try #require(loadError("working_hours:\n  start: 22\n  end: 6\nsources: [{name: d, type: demo}]"))
        #expect(hours.line == 2 && hours.key == "working_hours")
        #expect(hours.description.contains("working hours must start before they end"))

        let hour = try #require(loadError("working_hours: {start: 25}\nsources: [{name: d, type: demo}]"))
        #expect(hour.key == "working_hours.start" && hour.description.contains("from 0 to 23"))

        let bool = try #require(loadError("read_only: maybe\nsources: [{name: d, type: demo}]"))
        #expect(bool.description.contains("'maybe' is not valid here; use one of: true, false"))

        let user = try #require(loadError("user: \"\"\nsources: [{name: d, type: demo}]"))
        #expect(user.key == "user" && user.description.contains("the name is empty"))

        let label = try #require(loadError("sources: [{name: a, type: alertmanager, url: http://a:1, severity_label: 1sev}]"))
        #expect(label.key == "sources[0].severity_label" && label.description.contains("is not a Prometheus label name"))

        let shape = try #require(loadError("sources:\n  name: d\n"))
        #expect(shape.key == "sources" && shape.description.contains("expected a list of sources"))
    }

    @Test func alertmanagerSilenceMustOutlastAPoll() throws {
        let e = try #require(loadError("sources:\n  - {name: a, type: alertmanager, url: http://a:1, poll_interval: 5m, ack_silence: 2m}"))
        #expect(e.key == "sources[0].ack_silence")
        #expect(e.description.contains("2m is not longer than poll_interval (5m)"))
    }

    @Test func twoKindsOfAuthConflict() throws {
        let e = try #require(loadError("""
            sources:
              - name: p
                type: prometheus
                url: http://p:1
                auth:
                  bearer_token_env: A
                  basic: {username: u, password_env: B}
            """, env: ["A": token, "B": token]))
        #expect(e.line == 7 && e.key == "sources[0].auth.basic")
        #expect(e.problem == .conflictingKeys("bearer_token_env", "basic"))
    }
}
