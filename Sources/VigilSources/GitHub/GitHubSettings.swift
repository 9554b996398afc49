import Foundation
import VigilCore

/// Settings of a GitHub Actions source (from the config file).
public struct GitHubSettings: SourceSettings {
    /// The source id.
    public var id: SourceID
    /// The REST API's base URL: `https://api.github.com`, or a GitHub Enterprise Server's
    /// `https://HOST/api/v3`.
    public var url: URL
    /// The token (`Authorization: Bearer …`); nil reads public repositories at 60 requests an hour.
    public var token: Secret?
    /// Repositories to read, as "owner/name".
    public var repositories: [String]
    /// Every repository of this organisation (besides `repositories`), archived ones left out.
    public var organization: String?
    /// With `organization`: only repositories whose name matches this regular expression.
    public var repositoryFilter: String?
    /// How runs become builds and deployments.
    public var decoder: GitHubActionsDecoder
    /// How far back runs are read (deployment frequency's cluster looks at up to 90 days).
    public var history: Duration
    /// How often the older runs (before yesterday) are read again for re-runs; conditional
    /// requests make an unchanged re-read free of quota.
    public var historyRefresh: Duration
    /// How often to poll.
    public var pollInterval: Duration
    /// Per-request timeout.
    public var timeout: Duration

    /// github.com's API.
    public static let publicURL = URL(string: "https://api.github.com")!

    /// Creates settings.
    public init(id: SourceID, url: URL = GitHubSettings.publicURL, token: Secret? = nil, repositories: [String] = [],
                organization: String? = nil, repositoryFilter: String? = nil,
                decoder: GitHubActionsDecoder = GitHubActionsDecoder(), history: Duration = .seconds(30 * 86_400),
                historyRefresh: Duration = .seconds(3_600), pollInterval: Duration = .seconds(60),
                timeout: Duration = .seconds(10)) {
        self.id = id; self.url = url; self.token = token; self.repositories = repositories
        self.organization = organization; self.repositoryFilter = repositoryFilter; self.decoder = decoder
        self.history = history; self.historyRefresh = historyRefresh; self.pollInterval = pollInterval
        self.timeout = timeout
    }

    /// The per-request timeout.
    public var requestTimeout: Duration? { timeout }

    /// URL, what is read, where the token comes from, which workflows deploy.
    public var summary: String {
        let f = DurationText.format
        var what = repositories
        if let organization {
            what.append("every repository of \(organization)" + (repositoryFilter.map { " matching /\($0)/" } ?? ""))
        }
        return "\(url.absoluteString) every \(f(pollInterval)), timeout \(f(timeout)), "
            + (token.map { "token from \($0.origin)" } ?? "no token (60 requests an hour)") + "; "
            + what.joined(separator: ", ") + "; deployments: workflows " + decoder.deployWorkflows.joined(separator: ", ")
            + ", rollbacks: " + decoder.rollbackWorkflows.joined(separator: ", ") + "; rework: "
            + decoder.reworkPatterns.joined(separator: ", ") + "; history \(f(history))"
    }
}

extension GitHubSettings {
    /// The API URL.
    public var endpoints: [URL] { [url] }

    /// Whether a credential is sent.
    public var sendsCredentials: Bool { token != nil }
}
