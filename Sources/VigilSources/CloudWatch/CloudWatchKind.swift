import Foundation
import VigilCore
import Yams

/// CloudWatch alarms, signed natively with Signature Version 4 and the AWS CLI's credentials.
public enum CloudWatchKind: SourceKind {
    public static let type = "cloudwatch"
    public static let summary = "AWS CloudWatch alarms (DescribeAlarms) as incidents, in one or more regions; "
        + "no acknowledgement (CloudWatch has none)"
    public static let provides: Set<DataKind> = [.incidents]
    /// Alarms say only their current state: Vigil records what it saw, as for Alertmanager.
    public static let keepsHistory = false
    public static let actions: Set<ActionKind> = []
    public static let keys = ["regions", "profile", "endpoint_url", "name_prefix", "severity_tag", "service_tag", "name_pattern",
                              "default_severity", "paging_severities", "calls_per_minute", "poll_interval", "timeout"]

    public static func settings(from entry: SourceEntry) -> CloudWatchSettings? {
        let r = entry.reader
        let regions = AWSConfigKeys.regions(entry)
        // The other keys are read even without regions, so every problem is listed at once.
        var s = CloudWatchSettings(id: entry.id, regions: regions ?? [])
        s.profile = entry.text("profile", expected: "an AWS CLI profile name, e.g. prod")
        s.endpointURL = entry.optional("endpoint_url") { (n, p) throws(ConfigError) in try r.url(n, p) }
        s.namePrefix = entry.text("name_prefix", expected: "the start of the alarm names to read, e.g. prod-")
        if let t = entry.text("severity_tag", expected: "an alarm tag key, e.g. severity") { s.severityTag = t }
        if let t = entry.text("service_tag", expected: "an alarm tag key, e.g. service") { s.serviceTag = t }
        if let p = GitHubKind.regex(entry, "name_pattern", example: CloudWatchSettings.defaultNamePattern) { s.namePattern = p }
        if let sev = entry.optional("default_severity", { (n, p) throws(ConfigError) in
            let text = try r.text(n, p, expected: "critical, high, warning or info")
            guard let v = Severity(word: text) else {
                throw r.error(n, p, .notOneOf(r.shown(text), valid: ["critical", "high", "warning", "info"]))
            }
            return v
        }) { s.defaultSeverity = sev }
        if let list = entry.texts("paging_severities", expected: "severities that page, e.g. [critical, high]",
                                  item: "critical, high, warning or info") {
            let mapped = list.compactMap(Severity.init(word:))
            if mapped.count != list.count {
                entry.record(r.error(entry.value("paging_severities"), entry.path("paging_severities"),
                                     .invalid("use critical, high, warning or info")))
            }
            s.pagingSeverities = Set(mapped)
        }
        if let n = AWSConfigKeys.callsPerMinute(entry) { s.callsPerMinute = n }
        entry.timing(interval: &s.pollInterval, timeout: &s.timeout)
        return regions == nil ? nil : s
    }

    public static func make(_ settings: CloudWatchSettings, _ context: SourceContext) throws -> any Source {
        CloudWatchSource(settings: settings, transport: context.transport)
    }
}
