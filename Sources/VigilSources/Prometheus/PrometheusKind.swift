import Foundation
import VigilCore
import Yams

/// Prometheus's HTTP API: deployments and CI runs from counters, coverage, latency and error rate.
public enum PrometheusKind: SourceKind {
    public static let type = "prometheus"
    public static let summary = "Prometheus HTTP API: deployments, CI runs, coverage, latency and error rate from PromQL"
    public static let provides: Set<DataKind> = [.deployments, .builds, .series]
    public static let keepsHistory = true
    public static let actions: Set<ActionKind> = []

    public static let keys = ["url"] + SourceEntry.httpKeys + ["service_label", "queries"]

    public static func settings(from entry: SourceEntry) -> PrometheusSettings? {
        let url = entry.required("url", example: "url: http://127.0.0.1:9090") { (n, p) throws(ConfigError) in
            try entry.reader.url(n, p)
        }
        var s = PrometheusSettings(id: entry.id, url: url ?? URL(fileURLWithPath: "/"))
        entry.http(interval: &s.pollInterval, timeout: &s.timeout, auth: &s.auth)
        if let label = entry.labelName("service_label") { s.serviceLabel = label }
        if let q = entry.optional("queries", { (n, p) throws(ConfigError) in try queries(n, p, entry.reader) }) { s.queries = q }
        return url == nil ? nil : s
    }

    /// `queries:`: a PromQL expression per feed; `false` (or empty) turns a feed off, a missing
    /// feed keeps its default query.
    static func queries(_ node: Node, _ path: String, _ r: ConfigReader) throws(ConfigError) -> [PrometheusQuery] {
        let map = try r.mapping(node, path, expected: "a mapping of feeds to PromQL, e.g. coverage: 'avg(code_coverage_percent)'")
        var chosen: [PrometheusFeed: String?] = [:]
        for (k, v) in map {
            let key = k.string ?? ""
            let p = "\(path).\(key)"
            try r.checkKey(k, path: p, valid: PrometheusFeed.allCases.map(\.rawValue))
            guard let feed = PrometheusFeed(rawValue: key) else { continue }
            if r.isNull(v) || r.isOff(v) {
                chosen[feed] = .some(nil)
            } else {
                let q = try r.text(v, p, expected: "a PromQL expression, or false to turn this feed off")
                    .trimmingCharacters(in: .whitespacesAndNewlines)
                if q.isEmpty {
                    chosen[feed] = .some(nil)
                } else if v.scalar?.style == .plain, ["true", "yes", "on"].contains(q.lowercased()) {
                    throw r.error(v, p, .invalid("'\(r.shown(q))' is not a query; write the PromQL, or false to turn this "
                        + "feed off (leave the key out to use the default query)"))
                } else {
                    chosen[feed] = .some(q)
                }
            }
        }
        return PrometheusFeed.allCases.compactMap { feed -> PrometheusQuery? in
            if let choice = chosen[feed] { return choice.map { PrometheusQuery(feed: feed, promql: $0) } }
            return PrometheusQuery.defaults.first { $0.feed == feed }
        }
    }

    public static func make(_ settings: PrometheusSettings, _ context: SourceContext) throws -> any Source {
        PrometheusSource(settings: settings, transport: context.transport)
    }
}

extension PrometheusSettings: SourceSettings {
    /// The per-request timeout.
    public var requestTimeout: Duration? { timeout }
}

extension PrometheusSettings {
    /// URL, interval, timeout, auth, service label and feeds.
    public var summary: String {
        let feeds = queries.map(\.feed.rawValue).joined(separator: ", ")
        return "\(url.absoluteString) every \(DurationText.format(pollInterval)), timeout \(DurationText.format(timeout)), "
            + "\(auth.summary), service label \(serviceLabel), feeds: \(feeds.isEmpty ? "none" : feeds)"
    }
}
