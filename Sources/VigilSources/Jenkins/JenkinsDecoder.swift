import Foundation
import VigilCore

/// Decodes Jenkins's `api/json` answers (as filtered by the `tree=` Vigil sends) and turns
/// builds into CI runs and deployments.
///
/// Results, deliberately (README, "Jenkins"):
/// - `SUCCESS` succeeded; `FAILURE` failed.
/// - `UNSTABLE` (it built, but tests or checks failed) counts as failed, for builds and for
///   deployments: a deployment whose verification failed is a change failure.
/// - `ABORTED` is cancelled: neither success nor failure of a build, and a deployment that was
///   stopped is left out (it changed nothing, or the next one says what did).
/// - `NOT_BUILT` (skipped, e.g. an earlier stage failed) is skipped and left out of deployments.
/// - `null` or `building: true` is in progress; it counts when it ends.
public struct JenkinsDecoder: Sendable {
    /// A job or a folder, with what the tree asked for.
    struct Item: Decodable, Sendable {
        var name: String?
        var jobs: [Item]?
        var builds: [Build]?
        var allBuilds: [Build]?
    }

    struct Build: Decodable, Sendable {
        var number: Int
        var result: String?
        var building: Bool?
        /// Start, ms since the epoch.
        var timestamp: Double
        /// ms; 0 while building.
        var duration: Double?
        var displayName: String?
        var changeSets: [ChangeSet]?
        var changeSet: ChangeSet?

        var commits: [Commit] { (changeSets ?? []).flatMap { $0.items ?? [] } + (changeSet?.items ?? []) }
    }

    struct ChangeSet: Decodable, Sendable { var items: [Commit]? }
    struct Commit: Decodable, Sendable {
        var timestamp: Double?
        var msg: String?
    }

    /// One answer.
    static func item(_ data: Data) throws(SourceError) -> Item {
        try SourceJSON.decode(Item.self, from: data, what: "Jenkins api/json")
    }

    /// How a build ended.
    static func conclusion(_ b: Build) -> BuildConclusion {
        if b.building == true { return .inProgress }
        switch b.result?.uppercased() {
        case "SUCCESS": return .success
        case "FAILURE", "UNSTABLE": return .failure
        case "ABORTED": return .cancelled
        case "NOT_BUILT": return .skipped
        default: return .inProgress
        }
    }

    /// The regular expressions of the settings, compiled once.
    struct Rules: @unchecked Sendable {
        var deploy: [Regex<AnyRegexOutput>], rollback: [Regex<AnyRegexOutput>], rework: [Regex<AnyRegexOutput>]
        var title: Regex<AnyRegexOutput>
        var folders: [String]
        var environment: String

        init(_ s: JenkinsSettings) throws(SourceError) {
            func compile(_ p: String, _ what: String) throws(SourceError) -> Regex<AnyRegexOutput> {
                do { return try Regex(p) } catch {
                    throw SourceError(.rejected, "Jenkins: the \(what) '\(p)' is not a valid regular expression: \(error)")
                }
            }
            deploy = try s.deployJobs.map { p throws(SourceError) in try compile(p, "deploy_jobs pattern") }
            rollback = try s.rollbackJobs.map { p throws(SourceError) in try compile(p, "rollback_jobs pattern") }
            rework = try s.reworkPatterns.map { p throws(SourceError) in try compile("(?i)" + p, "rework pattern") }
            title = try compile(s.titlePattern, "title_pattern")
            folders = s.deployFolders.map { $0.hasSuffix("/") ? $0 : $0 + "/" }
            environment = s.environment
        }

        static func matches(_ rs: [Regex<AnyRegexOutput>], _ text: String) -> Bool {
            rs.contains { (try? $0.firstMatch(in: text)) != nil }
        }
    }

    /// The builds of the job `job` (full name) as CI runs or deployments.
    static func classify(_ builds: [Build], job: String, rules: Rules, since: Date,
                         into runs: inout [BuildRun], _ deployments: inout [Deployment]) {
        let isRollback = Rules.matches(rules.rollback, job)
        let isDeploy = isRollback || Rules.matches(rules.deploy, job) || rules.folders.contains { job.hasPrefix($0) }
        let name = String(job.split(separator: "/").last ?? Substring(job))
        for b in builds {
            let started = Date(timeIntervalSince1970: b.timestamp / 1_000)
            let conclusion = conclusion(b)
            let finished = conclusion == .inProgress ? nil : started.addingTimeInterval(max(0, (b.duration ?? 0) / 1_000))
            guard (finished ?? started) >= since else { continue }
            let id = "JENKINS-\(job)#\(b.number)"
            guard isDeploy else {
                runs.append(BuildRun(id: id, pipeline: job, startedAt: started, finishedAt: finished, conclusion: conclusion))
                continue
            }
            let outcome: DeploymentOutcome
            switch conclusion {
            case .success: outcome = .success
            case .failure, .timedOut: outcome = .failure
            case .inProgress: outcome = .inProgress
            case .cancelled, .skipped: continue
            }
            var service = serviceName(fromJob: name), version = "#\(b.number)", environment = rules.environment
            // Bounded: an unanchored pattern over a megabyte name would take minutes (fuzz/README.md).
            if let title = b.displayName.map({ String($0.prefix(Self.longestText)) }),
               let m = try? rules.title.firstMatch(in: title) {
                func group(_ g: String) -> String? { m.output[g]?.substring.map(String.init).flatMap(nonEmpty) }
                service = group("service") ?? service
                version = group("version") ?? version
                environment = group("environment") ?? environment
            }
            let commits = b.commits.compactMap(\.timestamp)
            let texts = ([job] + b.commits.prefix(50).compactMap(\.msg)).map { String($0.prefix(Self.longestText)) }
            deployments.append(Deployment(
                id: id, service: service, environment: environment, version: version, at: finished ?? started,
                outcome: outcome, markedRollback: isRollback,
                commitAt: commits.max().map { Date(timeIntervalSince1970: $0 / 1_000) },
                markedRework: texts.contains { Rules.matches(rules.rework, $0) }))
        }
    }

    /// How much of a display name, job name or commit message the patterns look at.
    static let longestText = 512

    /// "deploy-checkout" → "checkout", "checkout-deploy" → "checkout", "rollback_api" → "api".
    static func serviceName(fromJob name: String) -> String {
        let words = name.split(whereSeparator: { $0 == "-" || $0 == "_" || $0 == " " || $0 == "." })
            .filter { !["deploy", "deployment", "rollback", "release", "prod", "production"].contains($0.lowercased()) }
        return words.isEmpty ? name : words.joined(separator: "-")
    }
}
