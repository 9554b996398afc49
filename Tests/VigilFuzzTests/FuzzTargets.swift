import Foundation
import Testing
import VigilCore
@testable import VigilSources

/// Known defects the fuzzer finds (fuzz/README.md, "Findings"). Inputs that only show a known
/// defect are counted, not failed, so the fuzzer keeps looking for new ones; `FindingsTests`
/// pins each one with a known issue, which turns into a failure once the defect is fixed (then
/// delete it here and there).
///
/// None is open: F1–F7 are fixed, and what they showed is now checked as a problem of its own
/// (`FuzzReport.check`), with a regression test each in FindingsTests / YAMLFindingsTests.
enum KnownFinding: Hashable, Sendable, CaseIterable {
    /// The finding's number and a few words, for the tally.
    var label: String { switch self {} }
}

/// What one input did.
struct FuzzReport: Sendable {
    /// Unexpected problems: each fails the test.
    var problems: [String] = []
    /// Known defects shown by this input.
    var known: Set<KnownFinding> = []
    /// Whether the decoder returned (rather than threw).
    var accepted = false
    /// A known defect that makes this input slow, if it is one.
    var slowBecause: KnownFinding?

    mutating func check(_ condition: Bool, _ problem: @autoclosure () -> String) {
        if !condition { problems.append(problem()) }
    }

    mutating func note(_ finding: KnownFinding, if condition: Bool) {
        if condition { known.insert(finding) }
    }

    mutating func rejected(_ error: SourceError) {
        check(!error.message.isEmpty, "SourceError with an empty message")
        check(error.message.count <= SourceError.longestMessage, "F5 regressed: a \(error.message.count)-character error message")
    }
}

/// The decoders under test, each named after its corpus directory.
enum JSONTarget: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case pagerDutyIncidents = "pagerduty-incidents"
    case pagerDutyLogEntries = "pagerduty-log-entries"
    /// The live source's other answers: `/oncalls` pages, `/users` (and `/services`, `/teams`)
    /// lists, a created note, and PagerDuty's error body.
    case pagerDutyOnCalls = "pagerduty-oncalls"
    case alertmanagerAlerts = "alertmanager-alerts"
    case alertmanagerSilences = "alertmanager-silences"
    case gitHubActionsRuns = "github-actions-runs"
    /// Jenkins `api/json` answers (a folder's jobs with their builds, a job's builds), decoded and
    /// classified as the live source does.
    case jenkins = "jenkins"
    /// CloudWatch `DescribeAlarms` answers (JSON protocol), each alarm made an incident as the live
    /// source does.
    case cloudWatch = "cloudwatch-alarms"
    /// CodeDeploy `BatchGetDeployments` and CodePipeline `ListPipelineExecutions` answers, made
    /// deployments and CI runs as the live sources do.
    case awsDelivery = "aws-delivery"
    /// `PrometheusDecoder.series`, `labelledSeries` and `errorText` (query and query_range).
    case prometheus = "prometheus"
    /// `PrometheusSource.poll` with counter (deployments, builds) and gauge queries, fed each
    /// input as the query_range and query answer: the counter and series mappers.
    case prometheusSource = "prometheus-source"

    var testDescription: String { rawValue }

    /// The corpus directory under fuzz/corpus.
    var corpus: String { self == .prometheusSource ? "prometheus" : rawValue }

    /// Whether `decode` can run it (everything but the source, which needs `await`).
    var isSynchronous: Bool { self != .prometheusSource }

    /// Decodes `data` and checks the result.
    func run(_ data: Data) async -> FuzzReport {
        isSynchronous ? decode(data) : await poll(data)
    }

    /// Decodes `data` on this thread and checks the result.
    func decode(_ data: Data) -> FuzzReport {
        var report = FuzzReport()
        switch self {
        case .pagerDutyIncidents:
            do {
                let incidents = try PagerDutyDecoder.incidents(from: data, source: "pd")
                report.accepted = true
                Sanity.incidents(incidents, &report)
                Sanity.incidents(PagerDutyDecoder.merging(Fixtures.shared.logEntries, into: incidents), &report)
            } catch {
                report.rejected(error)
            }
        case .pagerDutyLogEntries:
            do {
                let entries = try PagerDutyDecoder.logEntries(from: data)
                report.accepted = true
                for entry in entries { report.check(!entry.incidentID.isEmpty, "F3 regressed: a log entry with an empty incident id") }
                for (_, timeline) in PagerDutyDecoder.timelines(entries) { Sanity.timeline(timeline, &report) }
                Sanity.incidents(PagerDutyDecoder.merging(entries, into: Fixtures.shared.incidents), &report)
            } catch {
                report.rejected(error)
            }
        case .pagerDutyOnCalls:
            do {
                let page = try PagerDutyDecoder.onCallPage(from: data)
                report.accepted = true
                for (id, shift) in page.shifts {
                    report.check(!id.isEmpty, "an on-call without a user id")
                    if let start = shift.start, let end = shift.end {
                        report.check(start <= end, "F4 regressed: an on-call shift ends before it starts")
                    }
                }
                _ = OnCallSummary.line(page.shifts.map(\.shift), now: Fixtures.now, timeZone: TimeZone(identifier: "UTC")!)
            } catch {
                report.rejected(error)
            }
            for list in ["users", "services", "teams"] {
                do {
                    for ref in try PagerDutyDecoder.references(from: data, list: list) {
                        report.check(!ref.id.isEmpty && !ref.name.isEmpty, "a \(list) reference without an id or name")
                    }
                } catch {
                    report.rejected(error)
                }
            }
            do { _ = try PagerDutyDecoder.note(from: data) } catch { report.rejected(error) }
            if let message = PagerDutyDecoder.errorMessage(from: data) {
                report.check(message.count <= 400, "a \(message.count)-character PagerDuty error message")
            }
        case .alertmanagerAlerts:
            do {
                let incidents = try AlertmanagerDecoder().incidents(from: data, source: "am",
                                                                    silences: Fixtures.shared.silences)
                report.accepted = true
                Sanity.incidents(incidents, &report)
                let odd = AlertmanagerDecoder(severityLabel: "", serviceLabel: "alertname", pagingSeverities: ["", "warning"])
                Sanity.incidents(try odd.incidents(from: data, source: "am"), &report)
            } catch {
                report.rejected(error)
            }
        case .alertmanagerSilences:
            do {
                let silences = try AlertmanagerDecoder.silences(from: data)
                report.accepted = true
                for silence in silences {
                    report.check(!silence.id.isEmpty, "F3 regressed: a silence with an empty id")
                    report.check(silence.endsAt >= silence.startsAt, "F4 regressed: a silence ends before it starts")
                }
                Sanity.incidents(try AlertmanagerDecoder().incidents(from: Fixtures.shared.alertsData, source: "am",
                                                                      silences: silences), &report)
            } catch {
                report.rejected(error)
            }
            do {
                let silence = try AlertmanagerDecoder.silence(from: data)
                report.check(!silence.id.isEmpty, "F3 regressed: a silence with an empty id")
                report.check(silence.endsAt >= silence.startsAt, "F4 regressed: a silence ends before it starts")
            } catch {
                report.rejected(error)
            }
        case .gitHubActionsRuns:
            do {
                let runs = try GitHubActionsDecoder().decode(data)
                report.accepted = true
                Sanity.runs(runs, &report)
                let other = GitHubActionsDecoder(deployWorkflows: ["CI", ""], rollbackWorkflows: ["Deploy"], defaultEnvironment: "staging")
                Sanity.runs(try other.decode(data), &report)
                // As the live source reads a page: classified for a repository, with rework patterns.
                var live = GitHubActionsDecoder(deployWorkflows: ["deploy.yml", "Deploy"])
                live.reworkPatterns = ["hotfix", "^revert", "(?i)fix"]
                let page = try GitHubActionsDecoder.page(data)
                let classified = try live.classify(page.workflowRuns, repository: "octo-org/checkout")
                Sanity.runs(classified, &report)
            } catch {
                report.rejected(error)
            }
        case .jenkins:
            do {
                let item = try JenkinsDecoder.item(data)
                report.accepted = true
                let settings = JenkinsSettings(id: "ci", url: URL(string: "http://127.0.0.1")!, user: "u",
                                               token: Secret(value: "t", origin: "test"))
                let rules = try JenkinsDecoder.Rules(settings)
                var runs: [BuildRun] = [], deployments: [Deployment] = []
                // As the source reads them: the answer's own builds under its path, its children's under
                // their names (a child without a name is passed over).
                for (k, job) in ([item] + (item.jobs ?? [])).enumerated() where k == 0 || !(job.name ?? "").isEmpty {
                    JenkinsDecoder.classify((job.builds ?? []) + (job.allBuilds ?? []), job: k == 0 ? "team/job" : job.name ?? "",
                                            rules: rules, since: .distantPast, into: &runs, &deployments)
                }
                Sanity.runs(GitHubActionsRuns(builds: runs, deployments: deployments), &report)
            } catch {
                report.rejected(error)
            }
        case .awsDelivery:
            do {
                let infos = try CodeDeploySource.infos(data)
                report.accepted = true
                let deployments = CodeDeploySource.deployments(infos, region: "us-east-1", multiRegion: true,
                                                               production: try? Regex("(?i)prod"))
                Sanity.runs(GitHubActionsRuns(builds: [], deployments: deployments), &report)
            } catch {
                report.rejected(error)
            }
            do {
                let page = try CodePipelineSource.executions(data)
                report.accepted = true
                var builds: [BuildRun] = [], deployments: [Deployment] = []
                for deploy in [true, false] {
                    CodePipelineSource.convert(page.pipelineExecutionSummaries ?? [], pipeline: "checkout-release",
                                               region: "us-east-1", deploy: deploy, environment: "production",
                                               builds: &builds, deployments: &deployments)
                }
                Sanity.runs(GitHubActionsRuns(builds: builds, deployments: deployments), &report)
            } catch {
                report.rejected(error)
            }
        case .cloudWatch:
            do {
                let page = try CloudWatchDecoder.page(data)
                report.accepted = true
                let rules = CloudWatchDecoder.Rules(namePattern: try? Regex(CloudWatchSettings.defaultNamePattern),
                                                    settings: CloudWatchSettings(id: "cw", regions: ["us-east-1"]))
                for alarm in (page.MetricAlarms ?? []) + (page.CompositeAlarms ?? []) {
                    guard let i = CloudWatchDecoder.incident(alarm, region: "us-east-1", tags: ["severity": "sev2"], source: "cw",
                                                              rules: rules, now: Date(timeIntervalSince1970: 1_796_400_000)) else { continue }
                    report.check(!i.id.isEmpty && !i.service.isEmpty, "an alarm incident without id or service")
                    report.check(i.status == .triggered, "an alarm incident that is not open")
                }
            } catch {
                report.rejected(error)
            }
        case .prometheus:
            for keep in [false, true] {
                do {
                    let series = try PrometheusDecoder.series(from: data, kind: .latencyP99, keepNonFinite: keep)
                    report.accepted = true
                    for s in series { Sanity.samples(s.samples, finite: !keep, &report) }
                } catch {
                    report.rejected(error)
                }
            }
            do {
                let labelled = try PrometheusDecoder.labelledSeries(from: data)
                for s in labelled { Sanity.samples(s.samples, finite: true, &report) }
            } catch {
                report.rejected(error)
            }
            _ = PrometheusDecoder.errorText(from: data)
        case .prometheusSource:
            report.problems.append("the source is fuzzed through poll, not decode")
        }
        return report
    }

    /// Polls a Prometheus source that gets `data` as every answer, and checks the snapshot.
    func poll(_ data: Data) async -> FuzzReport {
        var report = FuzzReport()
        let transport = CannedTransport(body: data)
        let source = PrometheusSource(settings: Fixtures.prometheusSettings, transport: transport, step: .seconds(3_600))
        do {
            let snapshot = try await source.poll(now: Fixtures.now).snapshot
            report.accepted = true
            Sanity.snapshot(snapshot, &report)
        } catch let error as SourceError {
            report.rejected(error)
        } catch {
            report.problems.append("poll threw \(type(of: error)), not a SourceError: \(error)")
        }
        return report
    }
}

/// A transport that answers every request with the same 200 body.
struct CannedTransport: HTTPTransport {
    var body: Data
    func send(_ request: HTTPRequest, maxBodyBytes: Int) async throws -> HTTPResponse {
        guard body.count <= maxBodyBytes else { throw SourceError(.tooLarge, "larger than \(maxBodyBytes) refused") }
        return HTTPResponse(status: 200, headers: [("Content-Type", "application/json")], body: body)
    }
}

/// Decoded sample data the targets combine fuzzed input with.
struct Fixtures: Sendable {
    var logEntries: [PagerDutyLogEntry]
    var incidents: [Incident]
    var silences: [AlertmanagerSilence]
    var alertsData: Data

    static let shared: Fixtures = {
        func seed(_ target: String, _ name: String) -> Data {
            Corpus.files(target).first { $0.name == name }?.data ?? Data()
        }
        return Fixtures(
            logEntries: (try? PagerDutyDecoder.logEntries(from: seed("pagerduty-log-entries", "seed-sample.json"))) ?? [],
            incidents: (try? PagerDutyDecoder.incidents(from: seed("pagerduty-incidents", "seed-sample.json"), source: "pd")) ?? [],
            silences: (try? AlertmanagerDecoder.silences(from: seed("alertmanager-silences", "seed-sample.json"))) ?? [],
            alertsData: seed("alertmanager-alerts", "seed-suppressed.json"))
    }()

    /// 2026-11-26T14:37:00Z, the end of the sample data.
    static let now = Date(timeIntervalSince1970: 1_764_167_820)

    static let prometheusSettings = PrometheusSettings(
        id: "prom", url: URL(string: "http://prom.invalid:9090/") ?? URL(fileURLWithPath: "/"), timeout: .seconds(5),
        queries: [PrometheusQuery(feed: .deployments, promql: "deployments_total"),
                  PrometheusQuery(feed: .builds, promql: "ci_builds_total"),
                  PrometheusQuery(feed: .coverage, promql: "coverage")],
        lookback: .seconds(30 * 86_400))
}

/// Checks of decoded values.
enum Sanity {
    static func incidents(_ incidents: [Incident], _ report: inout FuzzReport) {
        for incident in incidents {
            report.check(!incident.id.isEmpty, "incident with an empty id")
            report.check(!incident.sourceKey.isEmpty, "F3 regressed: an incident with an empty id")
            report.check(!incident.title.isEmpty, "incident \(incident.id) has no title")
            report.check(!incident.service.isEmpty, "incident \(incident.id) has no service")
            let negative = incident.acknowledgedAt.map { $0 < incident.triggeredAt } == true
                || incident.resolvedAt.map { $0 < incident.triggeredAt } == true
            if incident.id.hasPrefix("PD-") {
                report.check(!negative, "F4 regressed: a negative duration")
            } else {
                report.check(!negative, "incident \(incident.id) acknowledged or resolved before it was triggered")
            }
            report.check(incident.status != .triggered || incident.acknowledgedAt == nil,
                         "incident \(incident.id) is triggered but has an acknowledgement time")
            for link in incident.links { report.check(!link.url.isEmpty, "incident \(incident.id) has a link without a URL") }
            timeline(incident.timeline, &report)
        }
    }

    static func timeline(_ entries: [TimelineEntry], _ report: inout FuzzReport) {
        report.check(zip(entries, entries.dropFirst()).allSatisfy { $0.at <= $1.at }, "timeline not in time order")
    }

    static func runs(_ runs: GitHubActionsRuns, _ report: inout FuzzReport) {
        for build in runs.builds {
            report.check(!build.id.isEmpty && build.id != "GHA-", "build with an empty id")
            report.check(!build.pipeline.isEmpty, "build \(build.id) has no pipeline")
            report.check(build.finishedAt.map { $0 >= build.startedAt } ?? true, "build \(build.id) finishes before it starts")
        }
        for deployment in runs.deployments {
            report.check(!deployment.id.isEmpty && deployment.id != "GHA-", "deployment with an empty id")
            report.check(!deployment.service.isEmpty && !deployment.environment.isEmpty,
                         "deployment \(deployment.id) has no service or environment")
        }
    }

    static func samples(_ samples: [Sample], finite: Bool, _ report: inout FuzzReport) {
        report.check(zip(samples, samples.dropFirst()).allSatisfy { $0.at <= $1.at }, "samples not oldest first")
        if finite { report.check(samples.allSatisfy { $0.value.isFinite }, "a non-finite sample was kept") }
    }

    static func snapshot(_ snapshot: SourceSnapshot, _ report: inout FuzzReport) {
        let deployments = snapshot.deployments ?? []
        let builds = snapshot.builds ?? []
        report.check(deployments.count <= PrometheusSource.maximumEvents, "more deployments than the limit")
        report.check(builds.count <= PrometheusSource.maximumEvents, "more builds than the limit")
        for deployment in deployments {
            report.check(!deployment.id.isEmpty, "deployment with an empty id")
        }
        for build in builds {
            report.check(!build.id.isEmpty, "build with an empty id")
            report.check(build.finishedAt.map { $0 >= build.startedAt } ?? true, "build \(build.id) finishes before it starts")
        }
        for series in snapshot.series ?? [] { samples(series.samples, finite: true, &report) }
    }
}
