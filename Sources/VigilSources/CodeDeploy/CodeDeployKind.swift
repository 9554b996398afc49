import Foundation
import VigilCore
import Yams

/// AWS CodeDeploy deployments, signed natively with the AWS CLI's credentials.
public enum CodeDeployKind: SourceKind {
    public static let type = "codedeploy"
    public static let summary = "AWS CodeDeploy: deployments per application and group, failures and rollbacks"
    public static let provides: Set<DataKind> = [.deployments]
    /// CodeDeploy keeps its deployments; the window is read back at start.
    public static let keepsHistory = true
    public static let actions: Set<ActionKind> = []
    public static let keys = ["regions", "profile", "endpoint_url", "applications", "production_groups", "history",
                              "calls_per_minute", "poll_interval", "timeout"]

    public static func settings(from entry: SourceEntry) -> CodeDeploySettings? {
        let regions = AWSConfigKeys.regions(entry)
        var s = CodeDeploySettings(id: entry.id, regions: regions ?? [])
        s.profile = entry.text("profile", expected: "an AWS CLI profile name, e.g. prod")
        s.endpointURL = entry.optional("endpoint_url") { (n, p) throws(ConfigError) in try entry.reader.url(n, p) }
        if let l = entry.texts("applications", expected: "CodeDeploy application names, e.g. [checkout]",
                               item: "an application name") { s.applications = l }
        if let p = GitHubKind.regex(entry, "production_groups", example: "(?i)prod") { s.productionGroups = p }
        if let n = AWSConfigKeys.callsPerMinute(entry) { s.callsPerMinute = n }
        if let d = entry.duration("history", minimum: .seconds(86_400), reason: "the metrics need at least a day") {
            s.history = d
        }
        entry.timing(interval: &s.pollInterval, timeout: &s.timeout)
        return regions == nil ? nil : s
    }

    public static func make(_ settings: CodeDeploySettings, _ context: SourceContext) throws -> any Source {
        CodeDeploySource(settings: settings, transport: context.transport)
    }
}

/// Config keys every AWS source reads the same way.
enum AWSConfigKeys {
    /// `calls_per_minute:`, 2…6000.
    static func callsPerMinute(_ entry: SourceEntry) -> Int? {
        let r = entry.reader
        return entry.optional("calls_per_minute") { (n, p) throws(ConfigError) in
            guard let v = Int(try r.text(n, p, expected: "a number, e.g. 60")), (2...6_000).contains(v) else {
                throw r.error(n, p, .invalid("calls_per_minute is a whole number from 2 to 6000, e.g. 60"))
            }
            return v
        }
    }

    /// `regions:`, required, each checked.
    static func regions(_ entry: SourceEntry) -> [String]? {
        let r = entry.reader
        return entry.required("regions", example: "regions: [us-east-1, eu-west-1]") { (n, p) throws(ConfigError) in
            let list = try r.list(n, p, expected: "a list of AWS regions, e.g. [us-east-1, eu-west-1]")
            guard !list.isEmpty else { throw r.error(n, p, .invalid("no region given; e.g. regions: [us-east-1]")) }
            return try list.enumerated().map { (i, item) throws(ConfigError) in
                let text = try r.text(item, "\(p)[\(i)]", expected: "an AWS region, e.g. us-east-1")
                guard text.range(of: #"^[a-z]{2}(-[a-z]+)+-\d+$"#, options: .regularExpression) != nil else {
                    throw r.error(item, "\(p)[\(i)]", .invalid("'\(r.shown(text))' is not an AWS region name; write it as "
                        + "the CLI does, e.g. us-east-1"))
                }
                return text
            }
        }
    }
}
