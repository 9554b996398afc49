import Foundation
import Testing
import VigilCore
@testable import VigilSources

// MARK: - Dates

@Suite struct TimestampTests {
    @Test func parsesWholeSecondsFractionsAndOffsets() {
        #expect(ISO8601Timestamp.parse("1970-01-01T00:00:00Z") == Date(timeIntervalSince1970: 0))
        #expect(ISO8601Timestamp.parse("2026-11-26T18:32:23Z") == Date(timeIntervalSince1970: 1_795_717_943))
        let millis = ISO8601Timestamp.parse("2026-11-26T18:42:23.962Z")
        #expect(millis.map { abs($0.timeIntervalSince1970 - 1_795_718_543.962) < 0.0005 } == true)
        let nanos = ISO8601Timestamp.parse("2026-11-26T18:42:23.962345678Z")
        #expect(nanos.map { abs($0.timeIntervalSince1970 - 1_795_718_543.962345678) < 0.000_01 } == true)
        #expect(ISO8601Timestamp.parse("2026-11-26T19:32:23+01:00") == ISO8601Timestamp.parse("2026-11-26T18:32:23Z"))
        #expect(ISO8601Timestamp.parse("2026-11-26T13:32:23-0500") == ISO8601Timestamp.parse("2026-11-26T18:32:23Z"))
        #expect(ISO8601Timestamp.parse("2024-02-29T12:00:00Z") != nil)
    }

    @Test func rejectsWhatIsNotADate() {
        for text in ["", "yesterday", "2026-11-26", "2026-11-26T18:32:23", "2026-13-01T00:00:00Z",
                     "2025-02-29T00:00:00Z", "2026-11-26T18:32:23.Z", "2026-11-26T18:32:23Zjunk", "1795718343"] {
            #expect(ISO8601Timestamp.parse(text) == nil, "\(text)")
        }
    }
}

// MARK: - PagerDuty

@Suite struct PagerDutyDecoderTests {
    static let list = """
    {"incidents":[
      {"id":"PT4KHLK","type":"incident","summary":"[#1234] The server is on fire.","incident_number":1234,
       "title":"The server is on fire.","created_at":"2015-10-06T21:30:42Z","updated_at":"2015-10-06T21:40:23Z",
       "status":"resolved","incident_key":"baf7cf21b1da41b4b0221008339ff357",
       "service":{"id":"PIJ90N7","type":"service_reference","summary":"My Mail Service"},
       "assignments":[],"acknowledgements":[],"last_status_change_at":"2015-10-06T21:38:23Z",
       "resolved_at":null,
       "first_trigger_log_entry":{"id":"Q02JTSNZWHSEKV","type":"trigger_log_entry",
         "contexts":[{"type":"link","href":"https://runbooks.example/mail","text":"Runbook"},
                     {"type":"image","src":"https://graphs.example/x.png"}]},
       "escalation_policy":{"id":"PT20YPA","type":"escalation_policy_reference","summary":"Another Escalation Policy"},
       "teams":[{"id":"PQ9K7I8","type":"team_reference","summary":"Engineering"}],
       "priority":{"id":"P53ZZH5","type":"priority_reference","summary":"P2"},
       "html_url":"https://subdomain.pagerduty.com/incidents/PT4KHLK","urgency":"high",
       "conference_bridge":{"conference_number":"+1-415-555-1212,,,,1234#","conference_url":"https://example.com/acb-123"},
       "some_field_from_the_future":{"nested":[1,2,3]}},
      {"id":"Q1ACKED","incident_number":1235,"title":"Disk almost full","created_at":"2015-10-07T10:00:00.123Z",
       "status":"acknowledged","urgency":"low",
       "service":{"id":"PSVC","summary":"storage"},
       "acknowledgements":[
         {"at":"2015-10-07T10:09:00Z","acknowledger":{"id":"PUSR2","type":"user_reference","summary":"Bob"}},
         {"at":"2015-10-07T10:04:30Z","acknowledger":{"id":"PUSR1","type":"user_reference","summary":"Alice"}}],
       "assignments":[{"at":"2015-10-07T10:00:00Z","assignee":{"id":"PUSR1","summary":"Alice"}}],
       "body":{"type":"incident_body","details":{"runbook_url":"https://runbooks.example/disk"}}},
      {"id":"Q3MINIMAL","created_at":"2015-10-08T00:00:00Z"}
    ],"limit":100,"offset":0,"more":false,"total":3}
    """

    @Test func decodesTheDocumentedExampleAndVariants() throws {
        let incidents = try PagerDutyDecoder.incidents(from: json(Self.list), source: "pd")
        #expect(incidents.count == 3)

        let fire = incidents[0]
        #expect(fire.id == "PD-PT4KHLK")
        #expect(fire.source == "pd")
        #expect(fire.sourceKey == "PT4KHLK")
        #expect(fire.number == 1234)
        #expect(fire.title == "The server is on fire.")
        #expect(fire.service == "My Mail Service")
        #expect(fire.severity == .high)  // P2
        #expect(fire.status == .resolved)
        #expect(fire.triggeredAt == date("2015-10-06T21:30:42Z"))
        #expect(fire.resolvedAt == date("2015-10-06T21:38:23Z"))  // resolved_at null → last_status_change_at
        #expect(fire.acknowledgedAt == nil)
        #expect(fire.paged)
        #expect(fire.labels == [KeyValue("urgency", "high"), KeyValue("priority", "P2"),
                                KeyValue("escalation_policy", "Another Escalation Policy"),
                                KeyValue("team", "Engineering"),
                                KeyValue("incident_key", "baf7cf21b1da41b4b0221008339ff357")])
        #expect(fire.links == [Link(title: "PagerDuty", url: "https://subdomain.pagerduty.com/incidents/PT4KHLK"),
                               Link(title: "Runbook", url: "https://runbooks.example/mail"),
                               Link(title: "Conference bridge", url: "https://example.com/acb-123")])

        let disk = incidents[1]
        #expect(disk.status == .acknowledged)
        #expect(disk.severity == .warning)  // no priority, low urgency
        #expect(!disk.paged)
        #expect(disk.acknowledgedBy == "Alice")  // the earliest acknowledgement
        #expect(disk.acknowledgedAt == date("2015-10-07T10:04:30Z"))
        #expect(abs(disk.triggeredAt.timeIntervalSince(date("2015-10-07T10:00:00Z")) - 0.123) < 0.001)
        #expect(disk.links.contains(Link(title: "Runbook", url: "https://runbooks.example/disk")))
        #expect(disk.labels.contains(KeyValue("assignee", "Alice")))

        let minimal = incidents[2]
        #expect(minimal.title == "PagerDuty incident Q3MINIMAL")
        #expect(minimal.service == "unknown")
        #expect(minimal.status == .triggered)
        #expect(minimal.severity == .high)
        #expect(minimal.number == nil)
        #expect(minimal.links.isEmpty)
    }

    @Test func priorityWordsMapToSeverity() throws {
        for (word, severity) in [("P1", Severity.critical), ("P3", .warning), ("P4", .info), ("SEV1", .critical)] {
            let body = """
            {"incidents":[{"id":"X","created_at":"2026-01-01T00:00:00Z","urgency":"low","priority":{"summary":"\(word)"}}]}
            """
            #expect(try PagerDutyDecoder.incidents(from: json(body), source: "pd").first?.severity == severity)
        }
    }

    @Test func singleIncidentResponseIsAccepted() throws {
        let body = #"{"incident":{"id":"ONE","created_at":"2026-01-01T00:00:00Z","status":"triggered","title":"t"}}"#
        #expect(try PagerDutyDecoder.incidents(from: json(body), source: "pd").map(\.id) == ["PD-ONE"])
    }

    @Test func malformedInputThrowsSourceErrors() {
        let cases: [(String, String)] = [
            ("{not json", "not valid JSON"),
            (#"{"limit":100}"#, "no 'incidents'"),
            (#"{"incidents":[{"created_at":"2026-01-01T00:00:00Z"}]}"#, "missing field 'id' at incidents[0]"),
            (#"{"incidents":[{"id":"A","created_at":"last tuesday"}]}"#, "is not an ISO 8601 date"),
            (#"{"incidents":{"id":"A"}}"#, "incidents"),
            ("", "PagerDuty incidents"),
        ]
        for (body, fragment) in cases {
            let error = sourceError { _ = try PagerDutyDecoder.incidents(from: json(body), source: "pd") }
            #expect(error?.message.contains(fragment) == true, "\(body) → \(String(describing: error))")
        }
    }

    static let log = """
    {"log_entries":[
      {"id":"R3","type":"resolve_log_entry","summary":"Resolved by Alice.","created_at":"2015-10-06T21:38:23Z",
       "agent":{"id":"PUSR1","type":"user_reference","summary":"Alice"},"incident":{"id":"PT4KHLK","type":"incident_reference"}},
      {"id":"R2","type":"annotate_log_entry","summary":"Note added by Alice.","created_at":"2015-10-06T21:35:00Z",
       "agent":{"id":"PUSR1","summary":"Alice"},"channel":{"type":"note","summary":"Restarted the mail relay."},
       "incident":{"id":"PT4KHLK"}},
      {"id":"R1","type":"acknowledge_log_entry","summary":"Acknowledged by Alice.","created_at":"2015-10-06T21:33:00Z",
       "agent":{"id":"PUSR1","summary":"Alice"},"incident":{"id":"PT4KHLK"},"acknowledgement_timeout":1800},
      {"id":"R0","type":"trigger_log_entry","summary":"Triggered through the API.","created_at":"2015-10-06T21:30:42Z",
       "agent":{"type":"generic_events_api_inbound_integration_reference","summary":"Alertmanager"},
       "incident":{"id":"PT4KHLK"}},
      {"id":"R9","type":"notify_log_entry","summary":"Notified nobody.","created_at":"2015-10-06T21:31:00Z"}
    ],"limit":100,"offset":0,"more":false,"total":null}
    """

    @Test func logEntriesBecomeTimelinesAndRecoverTheAcknowledgement() throws {
        let entries = try PagerDutyDecoder.logEntries(from: json(Self.log))
        #expect(entries.count == 4)  // the entry without an incident is left out
        let timelines = PagerDutyDecoder.timelines(entries)
        #expect(timelines["PT4KHLK"]?.map(\.text) == [
            "Triggered through the API.", "Acknowledged by Alice.",
            "Note added by Alice: Restarted the mail relay.", "Resolved by Alice.",
        ])

        let incidents = PagerDutyDecoder.merging(entries, into: try PagerDutyDecoder.incidents(from: json(Self.list), source: "pd"))
        let fire = incidents[0]
        #expect(fire.timeline.count == 4)
        #expect(fire.acknowledgedBy == "Alice")
        #expect(fire.acknowledgedAt == date("2015-10-06T21:33:00Z"))
        #expect(incidents[1].timeline.isEmpty)
    }

    @Test func logEntriesWithoutTheListThrow() {
        let error = sourceError { _ = try PagerDutyDecoder.logEntries(from: json(#"{"incidents":[]}"#)) }
        #expect(error?.message.contains("log_entries") == true)
    }
}

// MARK: - Alertmanager

@Suite struct AlertmanagerDecoderTests {
    static let alerts = """
    [{"annotations":{"summary":"5xx > 5% on checkout","runbook_url":"https://runbooks.example/checkout"},
      "endsAt":"2026-11-26T19:37:23.000Z","fingerprint":"a1b2c3d4e5f60718","receivers":[{"name":"null"}],
      "startsAt":"2026-11-26T18:32:23.000Z","status":{"inhibitedBy":[],"silencedBy":[],"state":"active"},
      "updatedAt":"2026-11-26T18:37:23.962Z","generatorURL":"http://127.0.0.1:19090/graph?g0.expr=up",
      "labels":{"severity":"critical","service":"checkout","alertname":"HighErrorRate","env":"prod"}},
     {"annotations":{"summary":"p99 > 2s"},"endsAt":"2026-11-26T18:42:23.962Z","fingerprint":"e75db90e66c54ee4",
      "receivers":[{"name":"null"}],"startsAt":"2026-11-26T18:32:23.000Z",
      "status":{"inhibitedBy":["a1b2c3d4e5f60718"],"silencedBy":[],"state":"suppressed"},
      "updatedAt":"2026-11-26T18:37:23.962Z","generatorURL":"http://127.0.0.1:19090/graph",
      "labels":{"alertname":"HighLatency","service":"checkout","env":"prod","severity":"warning"}},
     {"annotations":{},"fingerprint":"0f0f0f0f0f0f0f0f","startsAt":"2026-11-26T17:00:00Z",
      "status":{"inhibitedBy":[],"silencedBy":["311ed643-576b-4f0b-adb2-803fc3e7b7c3"],"state":"suppressed"},
      "labels":{"alertname":"DiskFull","job":"node","level":"page"}}]
    """

    static let silences = """
    [{"id":"311ed643-576b-4f0b-adb2-803fc3e7b7c3","status":{"state":"active"},"updatedAt":"2026-11-26T18:37:33.730Z",
      "comment":"ACK: investigating (dashboard ack)","createdBy":"vigil:alice","endsAt":"2026-11-26T20:37:33.000Z",
      "matchers":[{"isEqual":true,"isRegex":false,"name":"alertname","value":"DiskFull"}],
      "startsAt":"2026-11-26T18:37:33.730Z"}]
    """

    @Test func activeAlertBecomesATriggeredPagingIncident() throws {
        let incidents = try AlertmanagerDecoder().incidents(from: json(Self.alerts), source: "am")
        #expect(incidents.count == 3)
        let error = incidents[0]
        #expect(error.id == "AM-a1b2c3d4e5f60718")
        #expect(error.sourceKey == "a1b2c3d4e5f60718")
        #expect(error.source == "am")
        #expect(error.title == "5xx > 5% on checkout")
        #expect(error.service == "checkout")
        #expect(error.severity == .critical)
        #expect(error.status == .triggered)
        #expect(error.paged)
        #expect(error.triggeredAt == date("2026-11-26T18:32:23Z"))
        #expect(error.labels.map(\.key) == ["alertname", "env", "service", "severity"])
        #expect(error.links == [Link(title: "Runbook", url: "https://runbooks.example/checkout"),
                                Link(title: "Prometheus", url: "http://127.0.0.1:19090/graph?g0.expr=up")])
    }

    @Test func inhibitedAlertStaysTriggeredButSaysSo() throws {
        let latency = try AlertmanagerDecoder().incidents(from: json(Self.alerts), source: "am")[1]
        #expect(latency.status == .triggered)
        #expect(latency.severity == .warning)
        #expect(!latency.paged)
        #expect(latency.labels.last == KeyValue("inhibited_by", "a1b2c3d4e5f60718"))
    }

    @Test func silencedAlertIsAcknowledgedByWhoeverSilencedIt() throws {
        let withoutSilences = try AlertmanagerDecoder().incidents(from: json(Self.alerts), source: "am")[2]
        #expect(withoutSilences.status == .acknowledged)
        #expect(withoutSilences.acknowledgedBy == nil)
        #expect(withoutSilences.title == "DiskFull")  // no summary annotation
        #expect(withoutSilences.service == "node")  // no service label: falls back to job

        let silences = try AlertmanagerDecoder.silences(from: json(Self.silences))
        #expect(silences.first?.createdBy == "vigil:alice")
        let disk = try AlertmanagerDecoder().incidents(from: json(Self.alerts), source: "am", silences: silences)[2]
        #expect(disk.acknowledgedBy == "vigil:alice")
        #expect(disk.acknowledgedAt == silences.first?.startsAt)
        #expect(disk.timeline.last?.text == "Silenced by vigil:alice: ACK: investigating (dashboard ack)")
    }

    @Test func labelNamesAndPagingSeveritiesAreConfigurable() throws {
        let decoder = AlertmanagerDecoder(severityLabel: "level", serviceLabel: "job", pagingSeverities: ["PAGE"])
        let disk = try decoder.incidents(from: json(Self.alerts), source: "am")[2]
        #expect(disk.severity == .critical)  // "page"
        #expect(disk.paged)
        #expect(disk.service == "node")
        let checkout = try decoder.incidents(from: json(Self.alerts), source: "am")[0]
        #expect(checkout.severity == .warning)  // no "level" label
        #expect(!checkout.paged)
    }

    @Test func malformedAlertsThrow() {
        for (body, fragment) in [("{}", "Alertmanager alerts"), ("[{\"labels\":{}}]", "fingerprint"),
                                 (#"[{"fingerprint":"x","startsAt":"soon"}]"#, "ISO 8601")] {
            let error = sourceError { _ = try AlertmanagerDecoder().incidents(from: json(body), source: "am") }
            #expect(error?.message.contains(fragment) == true, "\(body) → \(String(describing: error))")
        }
    }
}

// MARK: - GitHub Actions

@Suite struct GitHubActionsDecoderTests {
    static func run(id: Int, name: String, title: String, status: String = "completed", conclusion: String? = "success",
                    created: String = "2026-11-20T10:00:00Z", started: String? = "2026-11-20T10:00:05Z",
                    updated: String = "2026-11-20T10:07:05Z", commit: String? = "2026-11-20T09:30:00Z") -> String {
        let conclusionJSON = conclusion.map { "\"\($0)\"" } ?? "null"
        let startedJSON = started.map { ",\"run_started_at\":\"\($0)\"" } ?? ""
        let commitJSON = commit.map {
            ",\"head_commit\":{\"id\":\"abc\",\"message\":\"m\",\"timestamp\":\"\($0)\",\"author\":{\"name\":\"A\",\"email\":\"a@x\"}}"
        } ?? ""
        return """
        {"id":\(id),"name":"\(name)","display_title":"\(title)","head_branch":"main","head_sha":"0123456789abcdef",
         "run_number":\(id),"event":"push","status":"\(status)","conclusion":\(conclusionJSON),"workflow_id":7,
         "path":".github/workflows/x.yml","created_at":"\(created)","updated_at":"\(updated)"\(startedJSON)\(commitJSON),
         "html_url":"https://github.com/o/r/actions/runs/\(id)","pull_requests":[],"repository":{"id":1}}
        """
    }

    static func list(_ runs: [String]) -> Data {
        json("{\"total_count\":\(runs.count),\"workflow_runs\":[\(runs.joined(separator: ","))]}")
    }

    @Test func ciRunsBecomeBuilds() throws {
        let data = Self.list([
            Self.run(id: 3, name: "CI", title: "Fix flaky test", status: "in_progress", conclusion: nil,
                     created: "2026-11-20T11:00:00Z", started: "2026-11-20T11:00:02Z", updated: "2026-11-20T11:01:00Z"),
            Self.run(id: 2, name: "CI", title: "Bump deps", conclusion: "failure"),
            Self.run(id: 1, name: "CI", title: "Add retries", conclusion: "timed_out", created: "2026-11-20T09:00:00Z",
                     started: nil, updated: "2026-11-20T09:12:00Z"),
        ])
        let result = try GitHubActionsDecoder().decode(data)
        #expect(result.totalCount == 3)
        #expect(result.deployments.isEmpty)
        #expect(result.builds.map(\.id) == ["GHA-1", "GHA-2", "GHA-3"])  // oldest first
        #expect(result.builds.map(\.conclusion) == [.timedOut, .failure, .inProgress])
        #expect(result.builds[0].startedAt == date("2026-11-20T09:00:00Z"))  // no run_started_at → created_at
        #expect(result.builds[1].duration == TimeInterval(7 * 60))  // updated_at - run_started_at
        #expect(result.builds[2].finishedAt == nil)
        #expect(result.builds[1].pipeline == "CI")
    }

    @Test func deployAndRollbackRunsBecomeDeployments() throws {
        let data = Self.list([
            Self.run(id: 10, name: "Deploy", title: "Deploy checkout v2.14.3 to production"),
            Self.run(id: 11, name: "Deploy", title: "Deploy search v3.4.1 to staging", conclusion: "failure",
                     created: "2026-11-20T12:00:00Z", started: "2026-11-20T12:00:10Z", updated: "2026-11-20T12:05:00Z"),
            Self.run(id: 12, name: "Rollback", title: "Rollback payments to v1.8.2",
                     created: "2026-11-20T13:00:00Z", started: "2026-11-20T13:00:03Z", updated: "2026-11-20T13:04:00Z",
                     commit: nil),
            Self.run(id: 13, name: "deploy", title: "Deploy auth v5.2.1 to production", status: "in_progress",
                     conclusion: nil, created: "2026-11-20T14:00:00Z", started: "2026-11-20T14:00:04Z",
                     updated: "2026-11-20T14:01:00Z"),
            Self.run(id: 14, name: "Deploy", title: "Deploy auth v5.2.2 to production", conclusion: "cancelled",
                     created: "2026-11-20T15:00:00Z"),
            Self.run(id: 15, name: "Deploy", title: "Manual run", created: "2026-11-20T16:00:00Z"),
        ])
        let result = try GitHubActionsDecoder().decode(data)
        #expect(result.builds.isEmpty)
        let d = result.deployments
        #expect(d.map(\.id) == ["GHA-10", "GHA-11", "GHA-12", "GHA-13", "GHA-15"])  // cancelled left out
        #expect(d[0] == Deployment(id: "GHA-10", service: "checkout", environment: "production", version: "v2.14.3",
                                   at: date("2026-11-20T10:07:05Z"), outcome: .success, markedRollback: false,
                                   commitAt: date("2026-11-20T09:30:00Z")))
        #expect(d[1].environment == "staging")
        #expect(d[1].outcome == .failure)
        #expect(d[2].service == "payments")
        #expect(d[2].version == "v1.8.2")
        #expect(d[2].environment == "production")
        #expect(d[2].markedRollback)
        #expect(d[2].commitAt == nil)
        #expect(d[3].outcome == .inProgress)
        #expect(d[3].at == date("2026-11-20T14:00:04Z"))
        #expect(d[4].service == "unknown")
        #expect(d[4].version == "0123456")
        #expect(d[4].environment == "unknown")
    }

    @Test func workflowNamesAndTitlePatternsAreConfigurable() throws {
        let data = Self.list([
            Self.run(id: 20, name: "Release", title: "release inventory@4.2.0 → prod"),
            Self.run(id: 21, name: "Deploy", title: "Deploy checkout v1 to production"),
        ])
        let decoder = GitHubActionsDecoder(
            deployWorkflows: ["release"], rollbackWorkflows: [],
            deployTitlePattern: #"release (?<service>[a-z-]+)@(?<version>\S+) → (?<environment>\w+)"#)
        let result = try decoder.decode(data)
        #expect(result.deployments.map(\.service) == ["inventory"])
        #expect(result.deployments.first?.version == "4.2.0")
        #expect(result.deployments.first?.environment == "prod")
        #expect(result.builds.map(\.pipeline) == ["Deploy"])

        let bad = GitHubActionsDecoder(deployTitlePattern: "(unclosed")
        #expect(sourceError { _ = try bad.decode(data) }?.message.contains("not a valid regular expression") == true)
    }

    @Test func malformedRunsThrow() {
        for (body, fragment) in [("[]", "GitHub Actions runs"), (#"{"total_count":1}"#, "workflow_runs"),
                                 (#"{"workflow_runs":[{"id":"x","created_at":"2026-01-01T00:00:00Z"}]}"#, "workflow_runs[0].id")] {
            let error = sourceError { _ = try GitHubActionsDecoder().decode(json(body)) }
            #expect(error?.message.contains(fragment) == true, "\(body) → \(String(describing: error))")
        }
    }
}

// MARK: - Prometheus

@Suite struct PrometheusDecoderTests {
    @Test func matrixBecomesOneSeriesPerService() throws {
        let body = """
        {"status":"success","data":{"resultType":"matrix","result":[
          {"metric":{"service":"checkout"},"values":[[1795200000,"0.25"],[1795203600,"NaN"],[1795207200,"0.5"],[1795210800,"+Inf"]]},
          {"metric":{"service":"search","le":"0.5"},"values":[[1795200000.5,"1e-3"]]},
          {"metric":{},"values":[]}
        ]},"warnings":["ignored"]}
        """
        let series = try PrometheusDecoder.series(from: json(body), kind: .latencyP99)
        #expect(series.map(\.key) == [SeriesKey(.latencyP99, service: "checkout"), SeriesKey(.latencyP99, service: "search"),
                                      SeriesKey(.latencyP99)])
        #expect(series[0].samples == [Sample(at: Date(timeIntervalSince1970: 1_795_200_000), value: 0.25),
                                      Sample(at: Date(timeIntervalSince1970: 1_795_207_200), value: 0.5)])
        #expect(series[1].samples == [Sample(at: Date(timeIntervalSince1970: 1_795_200_000.5), value: 0.001)])

        let all = try PrometheusDecoder.series(from: json(body), kind: .latencyP99, keepNonFinite: true)
        #expect(all[0].samples.count == 4)
        #expect(all[0].samples[1].value.isNaN)
        #expect(all[0].samples[3].value == .infinity)
    }

    @Test func vectorAndScalarAreAccepted() throws {
        let vector = """
        {"status":"success","data":{"resultType":"vector","result":[
          {"metric":{"__name__":"ci_coverage_percent","project":"p"},"value":[1795718014,"78.5"]}]}}
        """
        let v = try PrometheusDecoder.series(from: json(vector), kind: .coverage, serviceLabel: "project")
        #expect(v == [MetricSeries(key: SeriesKey(.coverage, service: "p"),
                                   samples: [Sample(at: Date(timeIntervalSince1970: 1_795_718_014), value: 78.5)])])
        let scalar = #"{"status":"success","data":{"resultType":"scalar","result":[1435781451.781,"1"]}}"#
        let s = try PrometheusDecoder.series(from: json(scalar), kind: .errorRate)
        #expect(s.first?.samples.first?.value == 1)
        #expect(s.first?.key == SeriesKey(.errorRate))
    }

    @Test func errorResponseCarriesTypeAndMessage() {
        let body = #"{"status":"error","errorType":"bad_data","error":"1:5: parse error: unexpected <EOF>"}"#
        let error = sourceError { _ = try PrometheusDecoder.series(from: json(body), kind: .errorRate) }
        #expect(error?.message == "Prometheus query failed (bad_data): 1:5: parse error: unexpected <EOF>")
    }

    @Test func malformedResponsesThrow() {
        let cases = [
            ("<html>502 Bad Gateway</html>", "not valid JSON"),
            (#"{"status":"success","data":{"resultType":"string","result":[1,"x"]}}"#, "result type 'string'"),
            (#"{"status":"success","data":{"resultType":"matrix","result":[{"values":[[1,"abc"]]}]}}"#, "'abc'"),
            (#"{"status":"success","data":{"resultType":"matrix","result":[{"values":[["1",2]]}]}}"#, "values[0]"),
            (#"{"status":"success"}"#, "no 'data'"),
        ]
        for (body, fragment) in cases {
            let error = sourceError { _ = try PrometheusDecoder.series(from: json(body), kind: .latencyP50) }
            #expect(error?.message.contains(fragment) == true, "\(body) → \(String(describing: error))")
        }
    }
}
