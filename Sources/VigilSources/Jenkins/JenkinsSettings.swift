import Foundation
import VigilCore

/// Settings of a Jenkins source (from the config file).
public struct JenkinsSettings: SourceSettings {
    /// The source id.
    public var id: SourceID
    /// Jenkins's root URL, e.g. `https://ci.example.com/` (or `https://host/jenkins/`).
    public var url: URL
    /// The user the API token belongs to.
    public var user: String
    /// The API token (HTTP Basic with `user`; no CSRF crumb is needed for reads or with a token).
    public var token: Secret
    /// Jobs, folders or multibranch projects to read, as paths ("team/deploy-api"); empty: every
    /// job of the instance. Folders are read through, however deep.
    public var jobs: [String]
    /// Regular expressions on a job's full name ("team/deploy-api"): its builds are deployments.
    public var deployJobs: [String]
    /// Folders (paths) whose jobs are all deployments.
    public var deployFolders: [String]
    /// Regular expressions on a job's full name: its builds are rollbacks.
    public var rollbackJobs: [String]
    /// Matched against a deployment build's display name for its service, version and
    /// environment (named groups); the job's name gives the service where it does not match.
    public var titlePattern: String
    /// The environment of a deployment whose display name names none.
    public var environment: String
    /// Regular expressions on the job's full name (a multibranch branch) and the commit messages
    /// built: a match marks a deployment as rework.
    public var reworkPatterns: [String]
    /// How many of each job's newest builds are read (over 100: `allBuilds`, which Jenkins
    /// answers more slowly).
    public var maxBuilds: Int
    /// How far back builds count.
    public var history: Duration
    /// How often to poll.
    public var pollInterval: Duration
    /// Per-request timeout.
    public var timeout: Duration

    /// The default title pattern: "checkout v1.4.2", "#42 checkout 1.4.2 to staging".
    public static let defaultTitlePattern =
        #"(?<service>[A-Za-z][\w.-]*)\s+(?<version>v?\d[\w.+-]*)(?:\s+(?:to|in|on)\s+(?<environment>[\w-]+))?"#

    /// Creates settings.
    public init(id: SourceID, url: URL, user: String, token: Secret, jobs: [String] = [],
                deployJobs: [String] = ["(?i)deploy"], deployFolders: [String] = [],
                rollbackJobs: [String] = ["(?i)rollback"], titlePattern: String = JenkinsSettings.defaultTitlePattern,
                environment: String = "production", reworkPatterns: [String] = GitHubActionsDecoder.defaultReworkPatterns,
                maxBuilds: Int = 100, history: Duration = .seconds(30 * 86_400), pollInterval: Duration = .seconds(60),
                timeout: Duration = .seconds(10)) {
        self.id = id; self.url = url; self.user = user; self.token = token; self.jobs = jobs
        self.deployJobs = deployJobs; self.deployFolders = deployFolders; self.rollbackJobs = rollbackJobs
        self.titlePattern = titlePattern; self.environment = environment; self.reworkPatterns = reworkPatterns
        self.maxBuilds = maxBuilds; self.history = history; self.pollInterval = pollInterval; self.timeout = timeout
    }

    /// The per-request timeout.
    public var requestTimeout: Duration? { timeout }

    /// URL, who, what is read and which jobs deploy.
    public var summary: String {
        let f = DurationText.format
        return "\(url.absoluteString) every \(f(pollInterval)), timeout \(f(timeout)), as \(user) with the API token "
            + "from \(token.origin); " + (jobs.isEmpty ? "every job" : "jobs " + jobs.joined(separator: ", "))
            + "; deployments: jobs matching " + deployJobs.joined(separator: ", ")
            + (deployFolders.isEmpty ? "" : " or in " + deployFolders.joined(separator: ", "))
            + "; newest \(maxBuilds) builds a job, history \(f(history))"
    }
}

extension JenkinsSettings {
    /// The Jenkins URL.
    public var endpoints: [URL] { [url] }

    /// Whether a credential is sent.
    public var sendsCredentials: Bool { true }
}
