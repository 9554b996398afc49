import Foundation
import VigilCore

/// CloudWatch's `DescribeAlarms` answer (JSON protocol, awsJson1.0) and how an alarm becomes an
/// incident: `ALARM` is firing, `INSUFFICIENT_DATA` is shown (severity info) but never pages, `OK`
/// is not open. Each firing episode is its own incident (its id carries the time the alarm went
/// to `ALARM`), so MTTR counts episodes, not alarms.
enum CloudWatchDecoder {
    struct Page: Decodable, Sendable {
        var MetricAlarms: [Alarm]?
        var CompositeAlarms: [Alarm]?
        var NextToken: String?
    }

    struct Dimension: Decodable, Sendable { var Name: String?; var Value: String? }

    struct Alarm: Decodable, Sendable {
        var AlarmName: String
        var AlarmArn: String?
        var AlarmDescription: String?
        var StateValue: String?
        var StateReason: String?
        /// Epoch seconds in the JSON protocol.
        var StateUpdatedTimestamp: Double?
        var MetricName: String?
        var Namespace: String?
        var Dimensions: [Dimension]?
        var AlarmActions: [String]?
        var ActionsEnabled: Bool?
        var AlarmRule: String?
    }

    static func page(_ data: Data) throws(SourceError) -> Page {
        try SourceJSON.decode(Page.self, from: data, what: "CloudWatch DescribeAlarms")
    }

    struct Rules: @unchecked Sendable {
        var namePattern: Regex<AnyRegexOutput>?
        var settings: CloudWatchSettings
    }

    /// The incident an alarm in `ALARM` or `INSUFFICIENT_DATA` is; nil for `OK`.
    static func incident(_ a: Alarm, region: String, tags: [String: String], source: SourceID, rules: Rules,
                         now: Date) -> Incident? {
        let state = (a.StateValue ?? "").uppercased()
        guard state == "ALARM" || state == "INSUFFICIENT_DATA" else { return nil }
        let s = rules.settings
        // A time out of any plausible range (the fuzzer sent 1e300) is "now", not a trap later.
        let since = a.StateUpdatedTimestamp.flatMap { (0...1e11).contains($0) ? Date(timeIntervalSince1970: $0) : nil } ?? now
        var service = tags[s.serviceTag].flatMap { $0.isEmpty ? nil : $0 }
        if service == nil, let r = rules.namePattern, let m = try? r.firstMatch(in: String(a.AlarmName.prefix(256))),
           let g = m.output["service"]?.substring, !g.isEmpty {
            service = String(g)
        }
        let insufficient = state == "INSUFFICIENT_DATA"
        let severity = insufficient ? .info : (tags[s.severityTag].flatMap(Severity.init(word:)) ?? s.defaultSeverity)
        var labels = [KeyValue("region", region), KeyValue("state", state)]
        // The account, from the alarm's ARN (arn:aws:cloudwatch:REGION:ACCOUNT:alarm:NAME), so rows
        // of several accounts (one source per profile) say whose they are.
        let arnParts = (a.AlarmArn ?? "").split(separator: ":", omittingEmptySubsequences: false)
        if arnParts.count > 4, !arnParts[4].isEmpty { labels.append(KeyValue("account", String(arnParts[4]))) }
        if let ns = a.Namespace { labels.append(KeyValue("namespace", ns)) }
        if let m = a.MetricName { labels.append(KeyValue("metric", m)) }
        for d in a.Dimensions ?? [] { if let n = d.Name, let v = d.Value { labels.append(KeyValue(n, v)) } }
        for (k, v) in tags.sorted(by: { $0.key < $1.key }) where k != s.severityTag && k != s.serviceTag {
            labels.append(KeyValue("tag:\(k)", v))
        }
        // No acknowledgement in CloudWatch: say where it pages instead.
        let actions = (a.AlarmActions ?? []).map { $0.split(separator: ":").last.map(String.init) ?? $0 }
        labels.append(KeyValue("acknowledge", actions.isEmpty
            ? "not in CloudWatch (the alarm has no actions: nobody was paged)"
            : "not in CloudWatch; it pages through " + actions.joined(separator: ", ")
                + ((a.ActionsEnabled ?? true) ? "" : " (actions disabled)")))
        if let rule = a.AlarmRule { labels.append(KeyValue("rule", String(rule.prefix(300)))) }
        let console = "https://\(region).console.aws.amazon.com/cloudwatch/home?region=\(region)#alarmsV2:alarm/"
            + HTTPRequest.percentEncoded(a.AlarmName)
        let title = a.AlarmDescription.map { "\(a.AlarmName): \($0)" } ?? a.AlarmName
        return Incident(
            id: "CW-\(region)/\(a.AlarmName)@\(Int64(clamping: Int(exactly: since.timeIntervalSince1970.rounded(.down)) ?? 0))",
            source: source,
            sourceKey: a.AlarmArn ?? a.AlarmName, title: String(title.prefix(500)), service: service ?? a.AlarmName,
            severity: severity, status: .triggered, triggeredAt: since,
            paged: !insufficient && s.pagingSeverities.contains(severity), labels: labels,
            timeline: [TimelineEntry(at: since, text: "\(state): " + String((a.StateReason ?? "").prefix(500)))],
            links: [Link(title: "CloudWatch console", url: console)])
    }
}
