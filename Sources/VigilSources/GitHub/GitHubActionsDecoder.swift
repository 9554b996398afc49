import Foundation
import VigilCore

/// Decodes GitHub Actions `GET /repos/{owner}/{repo}/actions/runs` responses: runs of deploy and
/// rollback workflows become `Deployment`s, every other run becomes a CI `BuildRun`.
///
/// Service, version and environment of a deployment come from the run's `display_title` (the
/// workflow's `run-name`), matched against regular expressions with the named groups `service`,
/// `version` and optionally `environment`.
public struct GitHubActionsDecoder: Sendable, Hashable {
    /// Workflow names whose runs are deployments (compared case-insensitively).
    public var deployWorkflows: [String]
    /// Workflow names whose runs are rollbacks (deployments marked as rolled back).
    public var rollbackWorkflows: [String]
    /// Pattern for deploy run titles, e.g. "Deploy checkout v2.14.3 to production".
    public var deployTitlePattern: String
    /// Pattern for rollback run titles, e.g. "Rollback payments to v1.8.2".
    public var rollbackTitlePattern: String
    /// Environment used when a title names none.
    public var defaultEnvironment: String

    /// The default deploy title pattern.
    public static let defaultDeployTitlePattern =
        #"^\s*Deploy\s+(?<service>\S+)\s+(?<version>\S+)\s+to\s+(?<environment>\S+)"#
    /// The default rollback title pattern.
    public static let defaultRollbackTitlePattern =
        #"^\s*Roll\s*back\s+(?<service>\S+)\s+to\s+(?<version>\S+)(?:\s+(?:in|on)\s+(?<environment>\S+))?"#

    /// Creates a decoder.
    public init(deployWorkflows: [String] = ["Deploy"], rollbackWorkflows: [String] = ["Rollback"],
                deployTitlePattern: String = GitHubActionsDecoder.defaultDeployTitlePattern,
                rollbackTitlePattern: String = GitHubActionsDecoder.defaultRollbackTitlePattern,
                defaultEnvironment: String = "production") {
        self.deployWorkflows = deployWorkflows
        self.rollbackWorkflows = rollbackWorkflows
        self.deployTitlePattern = deployTitlePattern
        self.rollbackTitlePattern = rollbackTitlePattern
        self.defaultEnvironment = defaultEnvironment
    }

    /// Rework patterns (regular expressions, case-insensitive) matched against a deployment
    /// run's branch, workflow name, title and commit message: a match marks it as rework.
    public var reworkPatterns: [String] = GitHubActionsDecoder.defaultReworkPatterns

    /// The default rework patterns (METRICS.md, "Deployment rework rate").
    public static let defaultReworkPatterns = ["hotfix", "revert"]

    /// Decodes a workflow-runs response.
    ///
    /// Runs are returned oldest first. Cancelled and skipped deploy runs changed nothing and are
    /// left out of `deployments`; a deploy run whose title does not match the pattern is kept with
    /// service "unknown", the short commit sha as version, and environment "unknown".
    public func decode(_ data: Data) throws(SourceError) -> GitHubActionsRuns {
        let list = try Self.page(data)
        var result = try classify(list.workflowRuns, repository: nil)
        result.totalCount = list.totalCount
        return result
    }

    /// One page of a workflow-runs answer, undecided.
    static func page(_ data: Data) throws(SourceError) -> RunList {
        try SourceJSON.decode(RunList.self, from: data, what: "GitHub Actions runs")
    }

    /// Splits runs into CI runs and deployments. With a `repository` ("owner/name"), a build's
    /// pipeline is "name/workflow" and a deployment whose title names no service is of the
    /// repository's service (its name).
    func classify(_ runs: [RawRun], repository: String?) throws(SourceError) -> GitHubActionsRuns {
        let deployRegex = try compile(deployTitlePattern, "deploy title pattern")
        let rollbackRegex = try compile(rollbackTitlePattern, "rollback title pattern")
        let rework = try reworkPatterns.map { p throws(SourceError) in try compile("(?i)" + p, "rework pattern") }
        let deployNames = Set(deployWorkflows.map { $0.lowercased() })
        let rollbackNames = Set(rollbackWorkflows.map { $0.lowercased() })
        let repoName = repository.map { String($0.split(separator: "/").last ?? Substring($0)) }

        var builds: [BuildRun] = []
        var deployments: [Deployment] = []
        for run in runs.sorted(by: { ($0.createdAt, $0.id) < ($1.createdAt, $1.id) }) {
            let names = [(run.name ?? "").lowercased(), run.workflowFile?.lowercased() ?? ""].filter { !$0.isEmpty }
            let isRollback = names.contains { rollbackNames.contains($0) }
            if isRollback || names.contains(where: { deployNames.contains($0) }) {
                if var deployment = deployment(from: run, rollback: isRollback,
                                               regex: isRollback ? rollbackRegex : deployRegex, service: repoName) {
                    let texts = [run.headBranch, run.name, run.displayTitle, run.headCommit?.message].compactMap { $0 }
                        .map { String($0.prefix(512)) }   // the patterns are unanchored: bounded, linear
                    deployment.markedRework = rework.contains { r in texts.contains { (try? r.firstMatch(in: $0)) != nil } }
                    deployments.append(deployment)
                }
            } else {
                var b = build(from: run)
                if let repoName { b.pipeline = repoName + "/" + b.pipeline }
                builds.append(b)
            }
        }
        return GitHubActionsRuns(builds: builds, deployments: deployments)
    }

    private func compile(_ pattern: String, _ what: String) throws(SourceError) -> Regex<AnyRegexOutput> {
        do {
            return try Regex(pattern)
        } catch {
            throw SourceError(.rejected, "GitHub Actions: the \(what) is not a valid regular expression: \(error)")
        }
    }

    private func build(from run: RawRun) -> BuildRun {
        let started = run.runStartedAt ?? run.createdAt
        let conclusion = Self.conclusion(run)
        let finished = conclusion == .inProgress ? nil : max(run.updatedAt ?? started, started)
        return BuildRun(id: "GHA-\(run.id)", pipeline: nonEmpty(run.name) ?? nonEmpty(run.path) ?? "workflow \(run.workflowId ?? 0)",
                        startedAt: started, finishedAt: finished, conclusion: conclusion)
    }

    private func deployment(from run: RawRun, rollback: Bool, regex: Regex<AnyRegexOutput>, service fallback: String?)
        -> Deployment? {
        let outcome: DeploymentOutcome
        switch Self.conclusion(run) {
        case .success: outcome = .success
        case .inProgress: outcome = .inProgress
        case .cancelled, .skipped: return nil
        case .failure, .timedOut: outcome = .failure
        }
        let title = run.displayTitle ?? ""
        var service = fallback ?? "unknown", version = String((run.headSha ?? "").prefix(7))
        var environment = fallback == nil ? "unknown" : defaultEnvironment
        if let match = try? regex.firstMatch(in: title) {
            func group(_ name: String) -> String? { match.output[name]?.substring.map(String.init).flatMap(nonEmpty) }
            service = group("service") ?? service
            version = group("version") ?? version
            environment = group("environment") ?? defaultEnvironment
        }
        let started = run.runStartedAt ?? run.createdAt
        let at = outcome == .inProgress ? started : max(run.updatedAt ?? started, started)
        return Deployment(id: "GHA-\(run.id)", service: service, environment: environment, version: version, at: at,
                          outcome: outcome, markedRollback: rollback, commitAt: run.headCommit?.timestamp)
    }

    private static func conclusion(_ run: RawRun) -> BuildConclusion {
        let status = run.status?.lowercased() ?? "completed"
        guard status == "completed" else { return .inProgress }
        switch run.conclusion?.lowercased() {
        case "success", "neutral": return .success
        case "cancelled": return .cancelled
        case "timed_out": return .timedOut
        case "skipped", "stale": return .skipped
        case nil: return .inProgress
        default: return .failure  // failure, startup_failure, action_required
        }
    }

    // MARK: - Wire shapes
    //
    // Only the fields used above, under their snake_case names: a key decoding strategy would
    // convert every key of every run (a third of the demo's start-up), and each declared field
    // is a lookup per run.

    struct RunList: Decodable, Sendable {
        var totalCount: Int?
        var workflowRuns: [RawRun]

        enum CodingKeys: String, CodingKey {
            case totalCount = "total_count", workflowRuns = "workflow_runs"
        }
    }

    struct Commit: Decodable, Sendable {
        var timestamp: Date?
        var message: String?
    }

    struct RawRun: Decodable, Sendable {
        var id: Int64
        var name: String?
        var displayTitle: String?
        var headSha: String?
        var path: String?
        var status: String?
        var conclusion: String?
        var workflowId: Int64?
        var createdAt: Date
        var updatedAt: Date?
        var runStartedAt: Date?
        var headCommit: Commit?
        var headBranch: String?
        var runAttempt: Int?

        enum CodingKeys: String, CodingKey {
            case id, name, path, status, conclusion
            case displayTitle = "display_title", headSha = "head_sha", workflowId = "workflow_id"
            case createdAt = "created_at", updatedAt = "updated_at", runStartedAt = "run_started_at"
            case headCommit = "head_commit", headBranch = "head_branch", runAttempt = "run_attempt"
        }

        /// The workflow's file name, from `path` (".github/workflows/deploy.yml@main" → "deploy.yml").
        var workflowFile: String? {
            guard let path, !path.isEmpty else { return nil }
            let file = path.split(separator: "/").last.map(String.init) ?? path
            return String(file.split(separator: "@", maxSplits: 1).first ?? Substring(file))
        }
    }
}

/// What one GitHub Actions runs response holds, split into CI runs and deployments.
public struct GitHubActionsRuns: Sendable, Hashable {
    /// Runs of CI workflows, oldest first.
    public var builds: [BuildRun]
    /// Runs of deploy and rollback workflows, oldest first.
    public var deployments: [Deployment]
    /// `total_count` of the response (all matching runs, across pages), when present.
    public var totalCount: Int?

    /// Creates a result.
    public init(builds: [BuildRun], deployments: [Deployment], totalCount: Int? = nil) {
        self.builds = builds; self.deployments = deployments; self.totalCount = totalCount
    }
}
