import Foundation
import VigilCore

/// Prometheus's HTTP API: deployments and CI runs from counters, coverage, latency and error rate.
public enum PrometheusKind: SourceKind {
    public static let type = "prometheus"
    public static let summary = "Prometheus HTTP API: deployments, CI runs, coverage, latency and error rate from PromQL"
    public static let provides: Set<DataKind> = [.deployments, .builds, .series]
    public static let keepsHistory = true
    public static let actions: Set<ActionKind> = []

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
