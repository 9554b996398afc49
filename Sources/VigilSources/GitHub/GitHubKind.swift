import Foundation
import VigilCore
import Yams

/// GitHub Actions (github.com or GitHub Enterprise Server): workflow runs as CI runs and
/// deployments, read with conditional requests so an unchanged poll costs no quota.
public enum GitHubKind: SourceKind {
    public static let type = "github"
    public static let summary = "GitHub Actions REST API: workflow runs as builds and deployments (conditional "
        + "requests; quota on the health line)"
    public static let provides: Set<DataKind> = [.builds, .deployments]
    /// GitHub keeps its runs; the window is read back at start.
    public static let keepsHistory = true
    public static let actions: Set<ActionKind> = []
    public static let keys = ["url", "token_env", "token_file", "repositories", "organization", "repository_filter",
                              "deploy_workflows", "rollback_workflows", "deploy_title_pattern", "rollback_title_pattern",
                              "environment", "rework_patterns", "history", "poll_interval", "timeout"]

    public static func settings(from entry: SourceEntry) -> GitHubSettings? {
        let r = entry.reader
        var ok = true
        var s = GitHubSettings(id: entry.id)
        let env = entry.value("token_env"), file = entry.value("token_file")
        if env != nil, let file {
            entry.record(r.error(file, entry.path("token_file"), .conflictingKeys("token_env", "token_file")))
            ok = false
        } else if env != nil {
            s.token = entry.optional("token_env") { (n, p) throws(ConfigError) in
                try r.secretFromEnvironment(n, p, fileKey: "token_file")
            }
            ok = ok && s.token != nil
        } else if file != nil {
            s.token = entry.optional("token_file") { (n, p) throws(ConfigError) in try r.secretFromFile(n, p) }
            ok = ok && s.token != nil
        }
        if let u = entry.optional("url", { (n, p) throws(ConfigError) in try r.url(n, p) }) { s.url = u }

        if let list = entry.optional("repositories", { (n, p) throws(ConfigError) in
            try r.list(n, p, expected: "a list of owner/name, e.g. [octo-org/checkout]").enumerated().map {
                (i, item) throws(ConfigError) in
                let text = try r.text(item, "\(p)[\(i)]", expected: "owner/name, e.g. octo-org/checkout")
                let parts = text.split(separator: "/", omittingEmptySubsequences: false)
                guard parts.count == 2, parts.allSatisfy({ !$0.isEmpty && !$0.contains(" ") }) else {
                    throw r.error(item, "\(p)[\(i)]", .invalid("'\(r.shown(text))' is not owner/name; write the "
                        + "repository as in its URL, e.g. octo-org/checkout"))
                }
                return text
            }
        }) { s.repositories = list }
        s.organization = entry.text("organization", expected: "an organisation's login, e.g. octo-org")
        s.repositoryFilter = regex(entry, "repository_filter", example: "^svc-")
        if s.repositoryFilter != nil, s.organization == nil {
            entry.record(r.error(entry.value("repository_filter"), entry.path("repository_filter"),
                                 .invalid("repository_filter picks among an organisation's repositories; add "
                                     + "organization: NAME, or list repositories: instead")))
        }
        if s.repositories.isEmpty, s.organization == nil, entry.value("repositories") == nil {
            entry.record(r.error(entry.node, entry.path, .missingKey("repositories", example: "repositories: "
                + "[octo-org/checkout] (or organization: octo-org)")))
            ok = false
        }
        if let l = entry.texts("deploy_workflows", expected: "workflow names or files, e.g. [Deploy, deploy.yml]",
                               item: "a workflow name or file") { s.decoder.deployWorkflows = l }
        if let l = entry.texts("rollback_workflows", expected: "workflow names or files, e.g. [Rollback]",
                               item: "a workflow name or file") { s.decoder.rollbackWorkflows = l }
        if let p = regex(entry, "deploy_title_pattern", example: GitHubActionsDecoder.defaultDeployTitlePattern) {
            s.decoder.deployTitlePattern = p
        }
        if let p = regex(entry, "rollback_title_pattern", example: GitHubActionsDecoder.defaultRollbackTitlePattern) {
            s.decoder.rollbackTitlePattern = p
        }
        if let e = entry.text("environment", expected: "the environment deployments go to when the title names none, "
                              + "e.g. production") { s.decoder.defaultEnvironment = e }
        if let l = regexes(entry, "rework_patterns") { s.decoder.reworkPatterns = l }
        if let d = entry.duration("history", minimum: .seconds(86_400), reason: "the metrics need at least a day") {
            s.history = d
        }
        entry.timing(interval: &s.pollInterval, timeout: &s.timeout)
        return ok ? s : nil
    }

    /// A regular expression under `key`, checked.
    static func regex(_ entry: SourceEntry, _ key: String, example: String) -> String? {
        entry.optional(key) { (n, p) throws(ConfigError) in
            let text = try entry.reader.text(n, p, expected: "a regular expression, e.g. \(example)")
            do { _ = try Regex(text) } catch {
                throw entry.reader.error(n, p, .invalid("'\(text)' is not a regular expression (\(error)); e.g. \(example)"))
            }
            return text
        }
    }

    /// A list of regular expressions under `key`, checked.
    static func regexes(_ entry: SourceEntry, _ key: String) -> [String]? {
        entry.optional(key) { (n, p) throws(ConfigError) in
            try entry.reader.list(n, p, expected: "a list of regular expressions, e.g. [hotfix, revert]").enumerated().map {
                (i, item) throws(ConfigError) in
                let text = try entry.reader.text(item, "\(p)[\(i)]", expected: "a regular expression, e.g. hotfix")
                do { _ = try Regex(text) } catch {
                    throw entry.reader.error(item, "\(p)[\(i)]", .invalid("'\(text)' is not a regular expression (\(error))"))
                }
                return text
            }
        }
    }

    public static func make(_ settings: GitHubSettings, _ context: SourceContext) throws -> any Source {
        GitHubSource(settings: settings, transport: context.transport)
    }
}
