import Foundation
import VigilCore

extension PrometheusKind {
    /// `check-config --online`: the server's build info (reachable, credentials, version), then
    /// each query once at the present instant: how many series it returns and with which labels,
    /// and whether the labels its panel reads are there. A query Prometheus refuses (bad PromQL)
    /// fails the check; one that returns nothing is said but passes (an error rate of nothing
    /// is a quiet day).
    public static func check(_ settings: PrometheusSettings, _ context: SourceContext) async -> OnlineCheck {
        let source = PrometheusSource(settings: settings, transport: context.transport)
        let version: String?
        do {
            let body = try await source.get(path: "api/v1/status/buildinfo", parameters: [])
            struct BuildInfo: Decodable {
                struct Info: Decodable { var version: String? }
                var data: Info?
            }
            version = (try? JSONDecoder().decode(BuildInfo.self, from: body))?.data?.version
        } catch {
            return OnlineCheck(stoppedBy: error)
        }
        var check = OnlineCheck(passed: true, findings: ["reachable; build info answered"
                                                         + (version.map { ": Prometheus \($0)" } ?? "")])
        check.version = version
        if settings.auth != .none {
            var bare = settings
            bare.auth = .none
            if (try? await PrometheusSource(settings: bare, transport: context.transport)
                .get(path: "api/v1/status/buildinfo", parameters: [])) != nil {
                check.credentialsNotAsked = true
                check.findings.append("the server answers without credentials too: the configured auth is sent, but "
                                      + "nothing checks it")
            }
        }
        let time = PrometheusSource.format(context.now.timeIntervalSince1970)
        for query in settings.queries {
            do {
                let series = try await source.fetch(path: "api/v1/query",
                                                    parameters: [("query", query.promql), ("time", time)])
                let labels = Set(series.flatMap(\.labels.keys)).subtracting(["__name__"]).sorted()
                let problem = series.isEmpty ? nil : missing(labels, for: query.feed, serviceLabel: settings.serviceLabel)
                check.queries.append(OnlineCheck.QueryCheck(name: query.name, series: series.count, labels: labels,
                                                            problem: problem))
                check.findings.append("query \(query.name): " + (series.isEmpty
                    ? "no series now (the panel stays empty until it returns some)"
                    : "\(series.count) series, labels: \(labels.isEmpty ? "none" : labels.joined(separator: ", "))")
                    + (problem.map { "; \($0)" } ?? ""))
            } catch {
                let why = (error as? SourceError)?.message ?? "\(error)"
                check.passed = false
                check.queries.append(OnlineCheck.QueryCheck(name: query.name, series: nil, problem: why))
                check.findings.append("query \(query.name) failed: \(why)")
            }
        }
        return check
    }

    /// What a feed's panel cannot tell without a label that the query's series lack.
    static func missing(_ labels: [String], for feed: PrometheusFeed, serviceLabel: String) -> String? {
        let have = Set(labels)
        var gaps: [String] = []
        switch feed {
        case .deployments:
            if !have.contains(serviceLabel) && !have.contains("service") {
                gaps.append("\(serviceLabel) (every deployment is \"unknown\")")
            }
            if !have.contains("status") { gaps.append("status (every deployment counts as a success)") }
        case .builds:
            if !have.contains("pipeline") && !have.contains("workflow") {
                gaps.append("pipeline (every run is \"unknown\")")
            }
            if !have.contains("status") { gaps.append("status (every run counts as a success)") }
        case .latencyP50, .latencyP99, .errorRate:
            if !have.contains(serviceLabel) { gaps.append("\(serviceLabel) (the series show under one unnamed service)") }
        case .coverage:
            break
        }
        return gaps.isEmpty ? nil : "no label " + gaps.joined(separator: ", no label ")
    }
}
