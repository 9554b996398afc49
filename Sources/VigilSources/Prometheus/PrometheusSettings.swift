import Foundation
import VigilCore

/// Which dashboard figure a Prometheus query feeds.
public enum PrometheusFeed: String, Sendable, Hashable, CaseIterable {
    /// Code coverage percent (0–100), one series.
    case coverage
    /// Latency p50 in seconds, per service.
    case latencyP50 = "latency_p50"
    /// Latency p99 in seconds, per service.
    case latencyP99 = "latency_p99"
    /// Error ratio 0–1, per service.
    case errorRate = "error_rate"
    /// A deployments counter with service, env and status labels (status success|failure|rollback).
    case deployments
    /// A CI runs counter with pipeline and status labels (status success|failure|cancelled).
    case builds

    /// The panel the feed shows on.
    public var panel: PanelID {
        switch self {
        case .coverage, .latencyP50, .latencyP99, .errorRate: return .quality
        case .deployments: return .deployments
        case .builds: return .builds
        }
    }
}

/// One PromQL query of a Prometheus source.
public struct PrometheusQuery: Sendable, Hashable {
    /// What it feeds.
    public var feed: PrometheusFeed
    /// The PromQL.
    public var promql: String
    /// Name shown in errors ("deployments query failed: …"); defaults to the feed name.
    public var name: String

    /// Creates a query.
    public init(feed: PrometheusFeed, promql: String, name: String? = nil) {
        self.feed = feed; self.promql = promql; self.name = name ?? feed.rawValue
    }

    /// Defaults for common metric names.
    public static let defaults: [PrometheusQuery] = [
        PrometheusQuery(feed: .coverage, promql: "avg(code_coverage_percent)"),
        PrometheusQuery(feed: .latencyP50, promql:
            "histogram_quantile(0.5, sum by (service, le) (rate(http_request_duration_seconds_bucket[5m])))"),
        PrometheusQuery(feed: .latencyP99, promql:
            "histogram_quantile(0.99, sum by (service, le) (rate(http_request_duration_seconds_bucket[5m])))"),
        PrometheusQuery(feed: .errorRate, promql:
            "sum by (service) (rate(http_requests_total{code=~\"5..\"}[5m])) / sum by (service) (rate(http_requests_total[5m]))"),
        PrometheusQuery(feed: .deployments, promql: "deployments_total"),
        PrometheusQuery(feed: .builds, promql: "ci_builds_total"),
    ]
}

/// Settings of a Prometheus source (from the config file).
public struct PrometheusSettings: Sendable, Hashable {
    /// The source id (its `name` in the config).
    public var id: SourceID
    /// Base URL, e.g. http://prometheus:9090/ (a path prefix is kept).
    public var url: URL
    /// How often to poll.
    public var pollInterval: Duration
    /// Per-request timeout.
    public var timeout: Duration
    /// Authentication.
    public var auth: HTTPAuth
    /// Label naming the service in query results.
    public var serviceLabel: String
    /// The queries; missing feeds are simply not shown.
    public var queries: [PrometheusQuery]
    /// How far back range queries go (the longest window, 30 days, plus the previous one).
    public var lookback: Duration

    /// Creates settings.
    public init(id: SourceID, url: URL, pollInterval: Duration = .seconds(30), timeout: Duration = .seconds(10),
                auth: HTTPAuth = .none, serviceLabel: String = "service", queries: [PrometheusQuery] = PrometheusQuery.defaults,
                lookback: Duration = .seconds(60 * 86_400)) {
        self.id = id; self.url = url; self.pollInterval = pollInterval; self.timeout = timeout; self.auth = auth
        self.serviceLabel = serviceLabel; self.queries = queries; self.lookback = lookback
    }
}

extension PrometheusSettings {
    /// The server.
    public var endpoints: [URL] { [url] }

    /// Whether a credential is sent.
    public var sendsCredentials: Bool { auth != .none }
}
