import Foundation
import VigilCore
import Yams

/// Alertmanager's API v2: alerts as incidents, acknowledged by silences Vigil keeps alive.
public enum AlertmanagerKind: SourceKind {
    public static let type = "alertmanager"
    public static let summary = "Alertmanager API v2: firing alerts as incidents; acknowledge by silence, take it back"
    public static let provides: Set<DataKind> = [.incidents]
    /// Alertmanager forgets resolved alerts.
    public static let keepsHistory = false
    public static let actions: Set<ActionKind> = [.acknowledge, .unacknowledge]

    public static let keys = ["url", "urls"] + SourceEntry.httpKeys
        + ["severity_label", "service_label", "paging_severities", "ack_silence", "exclude_matcher_labels",
           "acknowledge_with_page"]

    public static func settings(from entry: SourceEntry) -> AlertmanagerSettings? {
        let r = entry.reader
        let one = entry.value("url"), many = entry.value("urls")
        var urls: [URL]?
        if one != nil, let many {
            entry.record(r.error(many, entry.path("urls"), .conflictingKeys("url", "urls")))
        } else if one != nil {
            urls = entry.optional("url") { (n, p) throws(ConfigError) in [try r.url(n, p)] }
        } else if let many {
            urls = entry.optional("urls") { (n, p) throws(ConfigError) in
                let items = try r.list(n, p, expected: "a list of URLs, e.g. [http://am1:9093, http://am2:9093]")
                guard !items.isEmpty else {
                    throw r.error(many, p, .invalid("no URL given; list at least one, e.g. [http://127.0.0.1:9093]"))
                }
                return try items.enumerated().map { (i, item) throws(ConfigError) in try r.url(item, "\(p)[\(i)]") }
            }
        } else {
            entry.record(r.error(entry.node, entry.path, .missingKey("url", example: "url: http://127.0.0.1:9093 "
                + "(or urls: [...] for an HA group)")))
        }
        var s = AlertmanagerSettings(id: entry.id, urls: urls ?? [])
        entry.http(interval: &s.pollInterval, timeout: &s.timeout, auth: &s.auth)
        if let l = entry.labelName("severity_label") { s.severityLabel = l }
        if let l = entry.labelName("service_label") { s.serviceLabel = l }
        if let list = entry.texts("paging_severities", expected: "a list of severity label values, e.g. [critical, page]",
                                  item: "a severity label value") {
            s.pagingSeverities = list
        }
        if let list = entry.optional("exclude_matcher_labels", { (n, p) throws(ConfigError) in
            try r.list(n, p, expected: "a list of label names, e.g. [instance, pod]").enumerated().map {
                (i, item) throws(ConfigError) in try r.labelName(item, "\(p)[\(i)]")
            }
        }) { s.excludedMatcherLabels = list }
        if let on = entry.optional("acknowledge_with_page", { (n, p) throws(ConfigError) in try r.bool(n, p) }) {
            s.acknowledgeWithPage = on
        }
        let interval = s.pollInterval
        if let d = entry.optional("ack_silence", { (n, p) throws(ConfigError) in
            let d = try r.duration(n, p, minimum: .seconds(60), reason: "a silence shorter than a minute expires before it helps")
            guard d > interval else {
                throw r.error(n, p, .invalid("\(DurationText.format(d)) is not longer than poll_interval "
                    + "(\(DurationText.format(interval))), so the silence would lapse between two polls; make "
                    + "it longer, e.g. 15m"))
            }
            return d
        }) { s.ackSilence = d }
        return urls == nil ? nil : s
    }

    public static func make(_ settings: AlertmanagerSettings, _ context: SourceContext) throws -> any Source {
        AlertmanagerSource(settings: settings, transport: context.transport)
    }

    /// Polls once, then says whether its alerts can merge with PagerDuty incidents (which
    /// receivers page PagerDuty, as its running configuration says), each member's version and
    /// cluster state, and whether the credentials may create silences.
    public static func check(_ settings: AlertmanagerSettings, _ context: SourceContext) async -> OnlineCheck {
        let source = AlertmanagerSource(settings: settings, transport: context.transport)
        var check = await OnlineCheck.byPolling(source, now: context.now)
        guard check.stoppedBy == nil else { return check }
        switch source.routingSummary {
        case .unread(let why)?: check.findings.append("could not read the routing tree (\(why)): its alerts will not merge "
                                                      + "with PagerDuty incidents")
        case .routes(let receivers)? where receivers.isEmpty:
            check.findings.append("no receiver pages PagerDuty: its alerts stand on their own")
        case .routes(let receivers)?:
            check.findings.append("receivers \(receivers.sorted().joined(separator: ", ")) page PagerDuty: their alert groups "
                                  + "show inside the incidents they opened when a pagerduty source watches them")
        case nil: break
        }
        await source.statusAndWrites(into: &check, now: context.now)
        return check
    }
}

extension AlertmanagerSettings: SourceSettings {
    /// The per-request timeout.
    public var requestTimeout: Duration? { timeout }

    /// `acknowledge_with_page`.
    public var acknowledgesWithPage: Bool { acknowledgeWithPage }

    /// URLs, interval, timeout, auth, labels, paging severities and the acknowledgement silence.
    public var summary: String {
        let f = DurationText.format
        return "\(urls.map(\.absoluteString).joined(separator: ", ")) every \(f(pollInterval)), timeout \(f(timeout)), "
            + "\(auth.summary), severity label \(severityLabel), service label \(serviceLabel), "
            + "paging: \(pagingSeverities.joined(separator: ", ")), ack silence \(f(ackSilence))"
            + (excludedMatcherLabels.isEmpty ? "" : ", matchers exclude \(excludedMatcherLabels.joined(separator: ", "))")
            + (acknowledgeWithPage ? ", acknowledged with its PagerDuty page" : "")
    }
}
