import Foundation
import Synchronization
import VigilCore

/// Settings of a CodePipeline source (from the config file).
public struct CodePipelineSettings: SourceSettings {
    public var id: SourceID
    /// The regions read.
    public var regions: [String]
    /// The AWS CLI profile; nil: the CLI's order.
    public var profile: String?
    /// Another endpoint (an emulator, a VPC endpoint).
    public var endpointURL: URL?
    /// Pipelines to read; empty: every pipeline (`ListPipelines`).
    public var pipelines: [String]
    /// Pipelines whose name matches this are deployments (to `environment`); the others are builds.
    public var deployPipelines: String
    /// Also deployments: pipelines with a stage whose name matches this (read with `GetPipeline`,
    /// kept for an hour); nil: by name only.
    public var deployStages: String?
    /// The environment of a deployment pipeline.
    public var environment: String
    /// How far back executions are read.
    public var history: Duration
    /// Calls per minute at most, per region.
    public var callsPerMinute = 60
    public var pollInterval: Duration
    public var timeout: Duration

    /// Creates settings.
    public init(id: SourceID, regions: [String], profile: String? = nil, endpointURL: URL? = nil, pipelines: [String] = [],
                deployPipelines: String = "(?i)deploy|release|prod", environment: String = "production",
                history: Duration = .seconds(30 * 86_400), pollInterval: Duration = .seconds(60),
                timeout: Duration = .seconds(10)) {
        self.id = id; self.regions = regions; self.profile = profile; self.endpointURL = endpointURL
        self.pipelines = pipelines; self.deployPipelines = deployPipelines; self.environment = environment
        self.history = history; self.pollInterval = pollInterval; self.timeout = timeout
    }

    public var requestTimeout: Duration? { timeout }

    public var summary: String {
        let f = DurationText.format
        return "regions \(regions.joined(separator: ", ")) every \(f(pollInterval)), credentials from "
            + (profile.map { "profile \($0)" } ?? "the AWS CLI's order") + "; "
            + (pipelines.isEmpty ? "every pipeline" : "pipelines " + pipelines.joined(separator: ", "))
            + "; deployments: pipelines matching /\(deployPipelines)/" + (deployStages.map { " or with a stage matching /\($0)/" } ?? "")
            + " to \(environment); history \(f(history))"
    }
}

/// AWS CodePipeline: executions (`ListPipelineExecutions`, newest first, paged until the window's
/// start) of the configured pipelines, as deployments (pipelines matching `deployPipelines`) or
/// CI runs. `Succeeded` succeeded, `Failed` failed, `Stopped`/`Cancelled` cancelled,
/// `Superseded` skipped (a newer execution took over), the rest in progress; an execution of type
/// `ROLLBACK` is a rollback.
final class CodePipelineSource: Source {
    let settings: CodePipelineSettings
    let aws: AWSService
    /// Each pipeline's stage names (region/name), with when they were read.
    private let stages = Mutex<[String: (at: Date, names: [String])]>([:])
    var id: SourceID { settings.id }
    var pollInterval: Duration { settings.pollInterval }

    struct Execution: Decodable, Sendable {
        struct Revision: Decodable, Sendable { var revisionId: String?; var revisionSummary: String? }
        var pipelineExecutionId: String
        var status: String?
        var startTime: AWSTime?
        var lastUpdateTime: AWSTime?
        var sourceRevisions: [Revision]?
        var executionType: String?
    }

    init(settings: CodePipelineSettings, transport: any HTTPTransport,
         environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.settings = settings
        aws = AWSService(service: "codepipeline", targetPrefix: "CodePipeline_20150709", json: "1.1", profile: settings.profile,
                         endpointURL: settings.endpointURL, timeout: settings.timeout,
                         callsPerMinute: settings.callsPerMinute, transport: transport,
                         environment: environment)
    }

    func poll(now: Date) async throws -> PollResult {
        let deploy = try? Regex(settings.deployPipelines)
        let stagePattern = settings.deployStages.flatMap { try? Regex($0) }
        let since = now.addingTimeInterval(-settings.history.seconds)
        var warnings: [SourceWarning] = []
        let both = try await aws.eachRegion(settings.regions, panel: .deployments, now: now, warnings: &warnings) {
            region, credentials -> [(builds: [BuildRun], deployments: [Deployment])] in
            var builds: [BuildRun] = [], deployments: [Deployment] = []
            for name in try await pipelines(region, credentials: credentials, now: now) {
                let executions = try await executions(of: name, region: region, since: since, credentials: credentials, now: now)
                var isDeploy = deploy.map { (try? $0.firstMatch(in: String(name.prefix(256)))) != nil } ?? false
                if !isDeploy, let pattern = stagePattern {
                    isDeploy = try await stageNames(of: name, region: region, credentials: credentials, now: now)
                        .contains { (try? pattern.firstMatch(in: String($0.prefix(256)))) != nil }
                }
                Self.convert(executions, pipeline: name, region: region, deploy: isDeploy, environment: settings.environment,
                             builds: &builds, deployments: &deployments)
            }
            return [(builds, deployments)]
        }
        var builds = both.flatMap(\.builds), deployments = both.flatMap(\.deployments)
        builds.sort { ($0.startedAt, $0.id) < ($1.startedAt, $1.id) }
        deployments.sort { ($0.at, $0.id) < ($1.at, $1.id) }
        return PollResult(SourceSnapshot(deployments: deployments, builds: builds), warnings: warnings)
    }

    /// A pipeline's stage names (`GetPipeline`), kept for an hour.
    private func stageNames(of name: String, region: String, credentials: AWSCredentials, now: Date) async throws -> [String] {
        let key = "\(region)/\(name)"
        if let kept = stages.withLock({ $0[key] }), now.timeIntervalSince(kept.at) < 3_600 { return kept.names }
        struct Answer: Decodable {
            struct Pipeline: Decodable {
                struct Stage: Decodable { var name: String? }
                var stages: [Stage]?
            }
            var pipeline: Pipeline?
        }
        let answer = try SourceJSON.decode(Answer.self, from: try await aws.call("GetPipeline", ["name": name], region: region,
                                                                             credentials: credentials, now: now),
                                           what: "CodePipeline GetPipeline")
        let names = (answer.pipeline?.stages ?? []).compactMap(\.name)
        stages.withLock { $0[key] = (now, names) }
        return names
    }

    private func pipelines(_ region: String, credentials: AWSCredentials, now: Date) async throws -> [String] {
        guard settings.pipelines.isEmpty else { return settings.pipelines }
        struct List: Decodable {
            struct Summary: Decodable { var name: String? }
            var pipelines: [Summary]?
            var nextToken: String?
        }
        var names: [String] = [], token: String?, pages = 0
        repeat {
            var body: [String: Any] = [:]
            if let token { body["nextToken"] = token }
            let page = try SourceJSON.decode(List.self, from: try await aws.call("ListPipelines", body, region: region,
                                                                             credentials: credentials, now: now),
                                             what: "CodePipeline ListPipelines")
            names += (page.pipelines ?? []).compactMap(\.name)
            token = page.nextToken.flatMap { $0.isEmpty ? nil : $0 }
            pages += 1
        } while token != nil && pages < 100
        return names
    }

    private func executions(of name: String, region: String, since: Date, credentials: AWSCredentials,
                            now: Date) async throws -> [Execution] {
        var all: [Execution] = [], token: String?, pages = 0
        repeat {
            try Task.checkCancellation()
            var body: [String: Any] = ["pipelineName": name, "maxResults": 100]
            if let token { body["nextToken"] = token }
            let page = try Self.executions(try await aws.call("ListPipelineExecutions", body, region: region,
                                                          credentials: credentials, now: now))
            let items = page.pipelineExecutionSummaries ?? []
            all += items
            token = page.nextToken.flatMap { $0.isEmpty ? nil : $0 }
            pages += 1
            // Newest first: once a page reaches back past the window, the rest is older still.
            if let oldest = items.compactMap({ $0.startTime?.seconds }).min(), oldest < since.timeIntervalSince1970 { break }
        } while token != nil && pages < 100
        return all.filter { ($0.startTime?.seconds ?? 0) >= since.timeIntervalSince1970 }
    }

    struct ExecutionPage: Decodable, Sendable { var pipelineExecutionSummaries: [Execution]?; var nextToken: String? }

    /// A `ListPipelineExecutions` answer.
    static func executions(_ data: Data) throws(SourceError) -> ExecutionPage {
        try SourceJSON.decode(ExecutionPage.self, from: data, what: "CodePipeline ListPipelineExecutions")
    }

    static func convert(_ executions: [Execution], pipeline: String, region: String, deploy: Bool, environment: String,
                        builds: inout [BuildRun], deployments: inout [Deployment]) {
        for e in executions {
            guard let start = e.startTime?.date else { continue }
            let conclusion: BuildConclusion
            switch e.status ?? "" {
            case "Succeeded": conclusion = .success
            case "Failed": conclusion = .failure
            case "Stopped", "Cancelled": conclusion = .cancelled
            case "Superseded": conclusion = .skipped
            default: conclusion = .inProgress
            }
            let end = conclusion == .inProgress ? nil : max(e.lastUpdateTime?.date ?? start, start)
            let id = "CP-\(region)/\(pipeline)/\(e.pipelineExecutionId)"
            if !deploy {
                builds.append(BuildRun(id: id, pipeline: pipeline, startedAt: start, finishedAt: end, conclusion: conclusion))
                continue
            }
            let outcome: DeploymentOutcome
            switch conclusion {
            case .success: outcome = .success
            case .failure, .timedOut: outcome = .failure
            case .inProgress: outcome = .inProgress
            case .cancelled, .skipped: continue
            }
            let version = e.sourceRevisions?.first?.revisionId.map { String($0.prefix(7)) } ?? String(e.pipelineExecutionId.prefix(8))
            deployments.append(Deployment(id: id, service: pipeline, environment: environment, version: version,
                                          at: end ?? start, outcome: outcome, markedRollback: e.executionType == "ROLLBACK"))
        }
    }
}

/// AWS CodePipeline executions as builds or deployments, signed natively.
public enum CodePipelineKind: SourceKind {
    public static let type = "codepipeline"
    public static let summary = "AWS CodePipeline: executions as builds or deployments (by pipeline name)"
    public static let provides: Set<DataKind> = [.builds, .deployments]
    public static let keepsHistory = true
    public static let actions: Set<ActionKind> = []
    public static let keys = ["regions", "profile", "endpoint_url", "pipelines", "deploy_pipelines", "deploy_stages",
                              "environment", "history",
                              "calls_per_minute", "poll_interval", "timeout"]

    public static func settings(from entry: SourceEntry) -> CodePipelineSettings? {
        let regions = AWSConfigKeys.regions(entry)
        var s = CodePipelineSettings(id: entry.id, regions: regions ?? [])
        s.profile = entry.text("profile", expected: "an AWS CLI profile name, e.g. prod")
        s.endpointURL = entry.optional("endpoint_url") { (n, p) throws(ConfigError) in try entry.reader.url(n, p) }
        if let l = entry.texts("pipelines", expected: "pipeline names, e.g. [checkout-release]", item: "a pipeline name") {
            s.pipelines = l
        }
        if let p = GitHubKind.regex(entry, "deploy_pipelines", example: "(?i)deploy|release") { s.deployPipelines = p }
        s.deployStages = GitHubKind.regex(entry, "deploy_stages", example: "(?i)^deploy|prod")
        if let e = entry.text("environment", expected: "an environment name, e.g. production") { s.environment = e }
        if let n = AWSConfigKeys.callsPerMinute(entry) { s.callsPerMinute = n }
        if let d = entry.duration("history", minimum: .seconds(86_400), reason: "the metrics need at least a day") {
            s.history = d
        }
        entry.timing(interval: &s.pollInterval, timeout: &s.timeout)
        return regions == nil ? nil : s
    }

    public static func make(_ settings: CodePipelineSettings, _ context: SourceContext) throws -> any Source {
        CodePipelineSource(settings: settings, transport: context.transport)
    }
}

extension CodePipelineSettings {
    /// `endpoint_url`, else each region's endpoint (or `AWS_ENDPOINT_URL…`).
    public var endpoints: [URL] {
        endpointURL.map { [$0] } ?? regions.map {
            AWSEndpoints.url(service: "codepipeline", region: $0, environment: ProcessInfo.processInfo.environment)
        }
    }

    /// Every request is signed.
    public var sendsCredentials: Bool { true }
}
