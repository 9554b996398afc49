import Foundation
import VigilConfig
import VigilCore
import VigilSources

/// Builds the sources a config names, all sharing one HTTP client.
public enum SourceFactory {
    /// The sources for a config, in config order. `now` is when the demo replay starts.
    public static func make(_ config: VigilConfig, now: Date, transport: any HTTPTransport = AsyncHTTPTransport.shared)
        throws -> [any Source] {
        try config.sources.map { source -> any Source in
            switch source {
            case .prometheus(let settings):
                return PrometheusSource(settings: settings, transport: transport)
            case .alertmanager(let settings):
                return AlertmanagerSource(settings: settings, transport: transport)
            case .demo(_, let data):
                guard let dir = DemoSource.locateSampleData(explicit: data) else {
                    throw SourceError("demo source: no scenario.json in \(data ?? "sample-data"); set data: to the sample-data directory")
                }
                return try DemoSource(directory: dir, startedAt: now)
            }
        }
    }

    /// Problems a source reported beside a successful poll (a failed query among several, an
    /// unreachable member of an HA pair), each with the panel it concerns, shown there without
    /// hiding the data that did arrive.
    public static func warnings(of source: any Source) -> [SourceWarning] {
        if let p = source as? PrometheusSource {
            return p.lastQueryErrors.sorted { $0.key < $1.key }.map { name, message in
                let feed = p.settings.queries.first { $0.name == name }?.feed
                return SourceWarning(panel: feed.map(panel(for:)), message: message)
            }
        }
        if let a = source as? AlertmanagerSource {
            return a.lastPollWarnings.map { SourceWarning(panel: .incidents, message: $0) }
        }
        return []
    }

    /// The panel a Prometheus feed shows on.
    public static func panel(for feed: PrometheusFeed) -> PanelID {
        switch feed {
        case .coverage, .latencyP50, .latencyP99, .errorRate: return .quality
        case .deployments: return .deployments
        case .builds: return .builds
        }
    }
}
