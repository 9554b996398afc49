import Foundation
import VigilCore
import Yams

/// Jenkins's remote access JSON API: builds of jobs, folders and multibranch projects as CI runs
/// and deployments.
public enum JenkinsKind: SourceKind {
    public static let type = "jenkins"
    public static let summary = "Jenkins JSON API: builds of jobs, folders and multibranch projects as builds and "
        + "deployments (tree= queries)"
    public static let provides: Set<DataKind> = [.builds, .deployments]
    /// Jenkins keeps its builds (as many as each job's retention allows).
    public static let keepsHistory = true
    public static let actions: Set<ActionKind> = []
    public static let keys = ["url", "user", "token_env", "token_file", "jobs", "deploy_jobs", "deploy_folders",
                              "rollback_jobs", "title_pattern", "environment", "rework_patterns", "max_builds", "history",
                              "poll_interval", "timeout"]

    public static func settings(from entry: SourceEntry) -> JenkinsSettings? {
        let r = entry.reader
        let url = entry.required("url", example: "url: https://ci.example.com/") { (n, p) throws(ConfigError) in try r.url(n, p) }
        let user = entry.required("user", example: "user: aisha (the user the API token belongs to)") {
            (n, p) throws(ConfigError) in try r.text(n, p, expected: "a Jenkins user name")
        }
        var token: Secret?
        let env = entry.value("token_env"), file = entry.value("token_file")
        if env != nil, let file {
            entry.record(r.error(file, entry.path("token_file"), .conflictingKeys("token_env", "token_file")))
        } else if env != nil {
            token = entry.optional("token_env") { (n, p) throws(ConfigError) in
                try r.secretFromEnvironment(n, p, fileKey: "token_file")
            }
        } else if file != nil {
            token = entry.optional("token_file") { (n, p) throws(ConfigError) in try r.secretFromFile(n, p) }
        } else {
            entry.record(r.error(entry.node, entry.path, .missingKey("token_env", example: "token_env: JENKINS_TOKEN "
                + "(or token_file: PATH; an API token made under your user's Security page)")))
        }
        guard let url, let user, let token else { return nil }
        var s = JenkinsSettings(id: entry.id, url: url, user: user, token: token)
        if let l = entry.texts("jobs", expected: "job or folder paths, e.g. [team/deploy-api, team/app]",
                               item: "a job or folder path") {
            s.jobs = l.map { $0.trimmingCharacters(in: CharacterSet(charactersIn: "/")) }
        }
        if let l = GitHubKind.regexes(entry, "deploy_jobs") { s.deployJobs = l }
        if let l = entry.texts("deploy_folders", expected: "folder paths, e.g. [deploy, team/release]",
                               item: "a folder path") { s.deployFolders = l }
        if let l = GitHubKind.regexes(entry, "rollback_jobs") { s.rollbackJobs = l }
        if let p = GitHubKind.regex(entry, "title_pattern", example: JenkinsSettings.defaultTitlePattern) { s.titlePattern = p }
        if let e = entry.text("environment", expected: "an environment name, e.g. production") { s.environment = e }
        if let l = GitHubKind.regexes(entry, "rework_patterns") { s.reworkPatterns = l }
        if let n = entry.optional("max_builds", { (n, p) throws(ConfigError) in
            guard let v = Int(try r.text(n, p, expected: "a number of builds, e.g. 100")), (1...5_000).contains(v) else {
                throw r.error(n, p, .invalid("max_builds is a whole number from 1 to 5000, e.g. 100 (over 100 reads allBuilds)"))
            }
            return v
        }) { s.maxBuilds = n }
        if let d = entry.duration("history", minimum: .seconds(86_400), reason: "the metrics need at least a day") {
            s.history = d
        }
        entry.timing(interval: &s.pollInterval, timeout: &s.timeout)
        return s
    }

    public static func make(_ settings: JenkinsSettings, _ context: SourceContext) throws -> any Source {
        JenkinsSource(settings: settings, transport: context.transport)
    }
}
