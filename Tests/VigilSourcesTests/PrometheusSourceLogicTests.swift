import Foundation
import Synchronization
import Testing
import VigilCore
@testable import VigilSources

/// A transport that answers Prometheus API requests from a table, for tests of the source's
/// logic without a server. Records every request.
final class FakePrometheus: HTTPTransport {
    /// What to answer for one request: API path ("api/v1/query_range" or "api/v1/query"), its
    /// decoded parameters.
    typealias Handler = @Sendable (_ path: String, _ parameters: [String: String]) throws -> HTTPResponse
    private let handler: Handler
    private let log = Mutex<[HTTPRequest]>([])

    init(_ handler: @escaping Handler) { self.handler = handler }

    var requests: [HTTPRequest] { log.withLock { $0 } }

    func send(_ request: HTTPRequest, maxBodyBytes: Int) async throws -> HTTPResponse {
        log.withLock { $0.append(request) }
        let components = URLComponents(url: request.url, resolvingAgainstBaseURL: false)
        var parameters: [String: String] = [:]
        for item in components?.queryItems ?? [] { parameters[item.name] = item.value ?? "" }
        let path = String((components?.path ?? "").split(separator: "/", omittingEmptySubsequences: true)
            .suffix(3).joined(separator: "/"))
        return try handler(path, parameters)
    }

    /// A `matrix` (range) or `vector` (instant) success body.
    static func success(_ series: [([String: String], [(Double, String)])], instant: Bool) -> HTTPResponse {
        let results = series.map { labels, points -> String in
            let metric = "{" + labels.sorted { $0.key < $1.key }.map { "\"\($0.key)\":\"\($0.value)\"" }
                .joined(separator: ",") + "}"
            let pairs = points.map { "[\($0.0),\"\($0.1)\"]" }
            return instant
                ? "{\"metric\":\(metric),\"value\":\(pairs.last ?? "[0,\"0\"]")}"
                : "{\"metric\":\(metric),\"values\":[\(pairs.joined(separator: ","))]}"
        }
        let type = instant ? "vector" : "matrix"
        let body = "{\"status\":\"success\",\"data\":{\"resultType\":\"\(type)\",\"result\":[\(results.joined(separator: ","))]}}"
        return HTTPResponse(status: 200, headers: [("Content-Type", "application/json")], body: Data(body.utf8))
    }

    static let empty = success([], instant: false)
    static let emptyVector = success([], instant: true)
}

@Suite("Prometheus source logic (fake transport)")
struct PrometheusSourceLogicTests {
    /// 2026-03-02T00:00:00Z, a multiple of one hour.
    static let t0: Double = 1_772_409_600

    func settings(_ queries: [PrometheusQuery], lookback: Duration = .seconds(86_400),
                  auth: HTTPAuth = .none, url: String = "http://prom.example:9090/") -> PrometheusSettings {
        PrometheusSettings(id: "prom", url: URL(string: url) ?? URL(fileURLWithPath: "/"), timeout: .seconds(2),
                           auth: auth, queries: queries, lookback: lookback)
    }

    @Test("default step keeps 60 days at 1 h and any lookback under Prometheus' 11,000 points")
    func steps() {
        #expect(PrometheusSource.defaultStep(for: .seconds(60 * 86_400)) == .seconds(3_600))
        #expect(PrometheusSource.defaultStep(for: .seconds(30 * 86_400)) == .seconds(1_800))
        #expect(PrometheusSource.defaultStep(for: .seconds(7 * 86_400)) == .seconds(600))
        #expect(PrometheusSource.defaultStep(for: .seconds(86_400)) == .seconds(60))
        #expect(PrometheusSource.defaultStep(for: .seconds(3_600)) == .seconds(15))
        for days in [1, 2, 7, 14, 30, 45, 60, 90, 180, 365, 1_000, 5_000] {
            let lookback = Int64(days) * 86_400
            let step = PrometheusSource.defaultStep(for: .seconds(lookback)).components.seconds
            #expect(lookback / step + 2 <= Int64(PrometheusSource.maximumPoints), "\(days) days")
        }
    }

    @Test("range queries sit on a grid aligned to the step, and an instant query reads the partial step")
    func grid() async throws {
        let fake = FakePrometheus { _, _ in FakePrometheus.empty }
        let source = PrometheusSource(settings: settings([PrometheusQuery(feed: .coverage, promql: "x")]), transport: fake)
        let now = Date(timeIntervalSince1970: Self.t0 + 1_234.5)
        _ = try await source.poll(now: now).snapshot
        let range = try #require(fake.requests.first { $0.url.path.hasSuffix("query_range") })
        let items = URLComponents(url: range.url, resolvingAgainstBaseURL: false)?.queryItems ?? []
        let value = { (name: String) in items.first { $0.name == name }?.value }
        #expect(value("step") == "60")
        #expect(value("end") == String(Int(Self.t0) + 1_200))
        #expect(value("start") == String(Int(Self.t0) + 1_200 - 86_400))
        let instant = try #require(fake.requests.first { $0.url.path.hasSuffix("/query") })
        #expect(instant.url.query?.contains("time=\(Int(Self.t0) + 1_234).500") == true)
    }

    @Test("PromQL is encoded strictly, a path prefix is kept, auth and timeout are sent")
    func request() async throws {
        let fake = FakePrometheus { _, _ in FakePrometheus.empty }
        let promql = "sum by (service) (rate(x{code=~\"5..\"}[5m])) + 1 / 2"
        let source = PrometheusSource(
            settings: settings([PrometheusQuery(feed: .errorRate, promql: promql)],
                               auth: .bearer(Secret(value: "tok", origin: "env T")), url: "http://prom.example/prom"),
            transport: fake)
        _ = try await source.poll(now: Date(timeIntervalSince1970: Self.t0)).snapshot
        let request = try #require(fake.requests.first)
        #expect(request.url.path.hasPrefix("/prom/api/v1/"))
        #expect(request.url.absoluteString.contains("%2B%201%20%2F%202"))
        let items = URLComponents(url: request.url, resolvingAgainstBaseURL: false)?.queryItems ?? []
        #expect(items.first { $0.name == "query" }?.value == promql)
        #expect(request.headers.contains { $0.name == "Authorization" && $0.value == "Bearer tok" })
        #expect(request.timeout == .seconds(2))
    }

    @Test("counter rises become deployments: resets, rollbacks, missing env, extra labels, unknown status")
    func deployments() async throws {
        let h = 3_600.0, t0 = Self.t0
        func points(_ values: [Double]) -> [(Double, String)] {
            values.enumerated().map { (t0 + Double($0.offset) * h, String($0.element)) }
        }
        let range: [([String: String], [(Double, String)])] = [
            // 2 rises of 1, then a reset to 0 and one deploy after it (3 → 1), then +2.
            (["service": "api", "env": "prod", "status": "success", "instance": "a"], points([5, 6, 7, 1, 3])),
            // Same labels but another instance: summed into the same stamps.
            (["service": "api", "env": "prod", "status": "success", "instance": "b"], points([0, 1, 1, 1, 1])),
            (["service": "api", "env": "prod", "status": "rollback"], points([0, 0, 0, 0, 1])),
            (["service": "web", "status": "failure"], points([2, 2, 3, 3, 3])),
            (["service": "web", "status": "in_progress"], points([0, 4, 8, 9, 9])),
        ]
        let now = t0 + 4 * h + 600
        let fake = FakePrometheus { path, _ in
            if path.hasSuffix("query_range") { return FakePrometheus.success(range, instant: false) }
            // The partial step: one more web failure since the last grid point.
            return FakePrometheus.success([(["service": "web", "status": "failure"], [(now, "4")])], instant: true)
        }
        let source = PrometheusSource(settings: settings([PrometheusQuery(feed: .deployments, promql: "deployments_total")]),
                                      transport: fake, step: .seconds(3_600))
        let polled = try await source.poll(now: Date(timeIntervalSince1970: now))
        let snapshot = polled.snapshot
        let deployments = try #require(snapshot.deployments)
        #expect(polled.queryErrors.isEmpty)
        func count(_ service: String, _ outcome: DeploymentOutcome, rollback: Bool = false) -> Int {
            deployments.filter { $0.service == service && $0.outcome == outcome && $0.markedRollback == rollback }.count
        }
        #expect(count("api", .success) == 1 + 1 + 1 + 2 + 1)  // a: +1 +1 +1(reset) +2, b: +1
        #expect(count("api", .success, rollback: true) == 1)
        #expect(count("web", .failure) == 2)
        #expect(deployments.count == 9)  // in_progress series ignored
        #expect(deployments.allSatisfy { $0.version == "" })
        let web = deployments.filter { $0.service == "web" }
        #expect(web.allSatisfy { $0.environment == "production" && $0.isProduction })
        // Grid-point stamps; the partial step is at `now` with the next grid point's stamp.
        #expect(web.map(\.at.timeIntervalSince1970) == [t0 + 2 * h, now])
        #expect(web.map(\.id) == ["prom-prom-web-production-failure-\(Int(t0 + 2 * h))-0",
                                  "prom-prom-web-production-failure-\(Int(t0 + 5 * h))-0"])
        let atOne = deployments.filter { $0.service == "api" && $0.at.timeIntervalSince1970 == t0 + h }
        #expect(Set(atOne.map(\.id)) == ["prom-prom-api-prod-success-\(Int(t0 + h))-0",
                                         "prom-prom-api-prod-success-\(Int(t0 + h))-1"])
        #expect(Set(deployments.map(\.id)).count == deployments.count)
    }

    @Test("ids do not change between polls, also when the partial step becomes a grid point")
    func stableIDs() async throws {
        let h = 3_600.0, t0 = Self.t0
        let values: [Double: Double] = [t0: 0, t0 + h: 1, t0 + 2 * h: 2]  // a deploy in each hour
        let fake = FakePrometheus { path, parameters in
            let end = Double(parameters["end"] ?? "") ?? 0
            let labels = ["service": "api", "env": "prod", "status": "success"]
            if path.hasSuffix("query_range") {
                let points = values.filter { $0.key <= end }.sorted { $0.key < $1.key }.map { ($0.key, String($0.value)) }
                return FakePrometheus.success([(labels, points)], instant: false)
            }
            let time = Double(parameters["time"] ?? "") ?? 0
            let value = time >= t0 + 2 * h - 1_200 ? 2.0 : 1.0  // the second deploy happened at 1:40
            return FakePrometheus.success([(labels, [(time, String(value))])], instant: true)
        }
        let source = PrometheusSource(settings: settings([PrometheusQuery(feed: .deployments, promql: "d")]),
                                      transport: fake, step: .seconds(3_600))
        let first = try #require(try await source.poll(now: Date(timeIntervalSince1970: t0 + h + 3_000)).snapshot.deployments)
        let second = try #require(try await source.poll(now: Date(timeIntervalSince1970: t0 + 2 * h + 60)).snapshot.deployments)
        #expect(first.map(\.id) == second.map(\.id))
        #expect(first.count == 2)
        #expect(first.last?.at == Date(timeIntervalSince1970: t0 + h + 3_000))
        #expect(second.last?.at == Date(timeIntervalSince1970: t0 + 2 * h))
    }

    @Test("CI runs from a counter with pipeline and status labels")
    func builds() async throws {
        let h = 3_600.0, t0 = Self.t0
        let range: [([String: String], [(Double, String)])] = [
            (["pipeline": "api", "status": "success"], [(t0, "10"), (t0 + h, "12"), (t0 + 2 * h, "13")]),
            (["pipeline": "api", "status": "failure"], [(t0, "1"), (t0 + h, "1"), (t0 + 2 * h, "2")]),
            (["pipeline": "web", "status": "canceled"], [(t0, "0"), (t0 + h, "1"), (t0 + 2 * h, "1")]),
            (["status": "timed_out"], [(t0, "0"), (t0 + h, "0"), (t0 + 2 * h, "1")]),
        ]
        let fake = FakePrometheus { path, _ in
            path.hasSuffix("query_range") ? FakePrometheus.success(range, instant: false) : FakePrometheus.emptyVector
        }
        let source = PrometheusSource(settings: settings([PrometheusQuery(feed: .builds, promql: "ci_builds_total")]),
                                      transport: fake, step: .seconds(3_600))
        let runs = try #require(try await source.poll(now: Date(timeIntervalSince1970: t0 + 2 * h + 5)).snapshot.builds)
        #expect(runs.count == 6)
        #expect(runs.filter { $0.pipeline == "api" && $0.conclusion == .success }.count == 3)
        #expect(runs.filter { $0.conclusion == .failure }.count == 1)
        #expect(runs.filter { $0.pipeline == "web" && $0.conclusion == .cancelled }.count == 1)
        #expect(runs.filter { $0.pipeline == "unknown" && $0.conclusion == .timedOut }.count == 1)
        #expect(runs.allSatisfy { $0.startedAt == $0.finishedAt && $0.duration == 0 })
        let stats = Metrics.builds(runs, in: DateInterval(start: Date(timeIntervalSince1970: t0),
                                                          end: Date(timeIntervalSince1970: t0 + 3 * h)), bucket: h)
        #expect(stats.finished == 6)
        #expect(stats.successRate == 3.0 / 5.0)  // cancelled excluded, timed out judged
    }

    @Test("gauges become series keyed by the service label; the instant sample is appended")
    func gauges() async throws {
        let h = 3_600.0, t0 = Self.t0
        let fake = FakePrometheus { path, parameters in
            let query = parameters["query"] ?? ""
            let labels = query == "p99" ? ["service": "api"] : [:]
            if path.hasSuffix("query_range") {
                return FakePrometheus.success([(labels, [(t0, "0.5"), (t0 + h, "NaN"), (t0 + 2 * h, "0.7")])], instant: false)
            }
            return FakePrometheus.success([(labels, [(t0 + 2 * h + 30, "0.9")])], instant: true)
        }
        let source = PrometheusSource(settings: settings([
            PrometheusQuery(feed: .latencyP99, promql: "p99"), PrometheusQuery(feed: .coverage, promql: "cov"),
        ]), transport: fake, step: .seconds(3_600))
        let series = try #require(try await source.poll(now: Date(timeIntervalSince1970: t0 + 2 * h + 30)).snapshot.series)
        let p99 = try #require(series.first { $0.key == SeriesKey(.latencyP99, service: "api") })
        #expect(p99.samples.map(\.value) == [0.5, 0.7, 0.9])  // NaN left out
        let coverage = try #require(series.first { $0.key == SeriesKey(.coverage) })
        #expect(coverage.samples.last?.value == 0.9)
    }

    @Test("a failing query is named with Prometheus' error and the other feeds still arrive")
    func partialFailure() async throws {
        let fake = FakePrometheus { path, parameters in
            switch parameters["query"] {
            case "sum(rate(":
                let body = #"{"status":"error","errorType":"bad_data","error":"1:10: parse error: unclosed left parenthesis"}"#
                return HTTPResponse(status: 400, body: Data(body.utf8))
            case "broken_json": return HTTPResponse(status: 200, body: Data("{\"status\":".utf8))
            case "proxy": return HTTPResponse(status: 502, body: Data("<html>\nBad Gateway\n</html>".utf8))
            case "slow": throw SourceError(.timedOut, "timed out after 2s waiting for prom.example:9090")
            default:
                return path.hasSuffix("query_range")
                    ? FakePrometheus.success([([:], [(Self.t0, "80")])], instant: false) : FakePrometheus.emptyVector
            }
        }
        let source = PrometheusSource(settings: settings([
            PrometheusQuery(feed: .coverage, promql: "avg(code_coverage_percent)"),
            PrometheusQuery(feed: .deployments, promql: "sum(rate(", name: "deploys"),
            PrometheusQuery(feed: .builds, promql: "broken_json"),
            PrometheusQuery(feed: .latencyP50, promql: "proxy"),
            PrometheusQuery(feed: .errorRate, promql: "slow"),
        ]), transport: fake)
        let polled = try await source.poll(now: Date(timeIntervalSince1970: Self.t0 + 60))
        let snapshot = polled.snapshot
        #expect(snapshot.series?.map(\.key) == [SeriesKey(.coverage)])
        #expect(snapshot.deployments == nil)
        #expect(snapshot.builds == nil)
        let errors = polled.queryErrors
        #expect(errors["deploys"] == "deploys query failed: bad_data: 1:10: parse error: unclosed left parenthesis")
        #expect(errors["builds"]?.hasPrefix("builds query failed: Prometheus response: not valid JSON") == true,
                "\(errors["builds"] ?? "")")
        #expect(errors["latency_p50"] == "latency_p50 query failed: HTTP 502: <html> Bad Gateway </html>")
        #expect(errors["error_rate"] == "error_rate query failed: timed out after 2s waiting for prom.example:9090")
        #expect(errors["coverage"] == nil)
        #expect(errors.count == 4)
    }

    @Test("when every query fails poll throws one message; a later good poll clears the errors")
    func allFail() async throws {
        let down = Mutex(true)
        let fake = FakePrometheus { _, _ in
            if down.withLock({ $0 }) { throw SourceError(.refused, "connection refused (prom.example:9090)") }
            return FakePrometheus.empty
        }
        let source = PrometheusSource(settings: settings(PrometheusQuery.defaults), transport: fake)
        do {
            _ = try await source.poll(now: Date(timeIntervalSince1970: Self.t0))
            Issue.record("expected a SourceError")
        } catch let error as SourceError {
            #expect(error.message == "all 6 Prometheus queries failed: connection refused (prom.example:9090)")
            #expect(error.kind == .refused)
        }
        down.withLock { $0 = false }
        let polled = try await source.poll(now: Date(timeIntervalSince1970: Self.t0))
        let snapshot = polled.snapshot
        #expect(polled.queryErrors.isEmpty)
        #expect(snapshot.deployments == [] && snapshot.builds == [] && snapshot.series == [])
        #expect(snapshot.incidents == nil)
    }

    @Test("HTTP 401 names the credential's origin, never its value")
    func unauthorised() async throws {
        let fake = FakePrometheus { _, _ in HTTPResponse(status: 401, body: Data("Unauthorized".utf8)) }
        let source = PrometheusSource(
            settings: settings([PrometheusQuery(feed: .coverage, promql: "x")],
                               auth: .basic(username: "vigil", password: Secret(value: "pa55", origin: "env PROM_PASSWORD"))),
            transport: fake)
        await #expect(throws: SourceError(.unauthorised,
            "coverage query failed: HTTP 401: not authorised (user vigil with the password from env PROM_PASSWORD was refused)")) {
            _ = try await source.poll(now: Date(timeIntervalSince1970: Self.t0)).snapshot
        }
    }

    @Test("a counter that rises by millions is refused, not turned into millions of deployments")
    func runawayCounter() async throws {
        let fake = FakePrometheus { path, _ in
            path.hasSuffix("query_range")
                ? FakePrometheus.success([(["service": "api"], [(Self.t0, "0"), (Self.t0 + 60, "5000000")])], instant: false)
                : FakePrometheus.emptyVector
        }
        let source = PrometheusSource(settings: settings([PrometheusQuery(feed: .deployments, promql: "http_requests_total")]),
                                      transport: fake)
        let error = await #expect(throws: SourceError.self) {
            _ = try await source.poll(now: Date(timeIntervalSince1970: Self.t0 + 120)).snapshot
        }
        #expect(error?.message.contains("is this a counter of deployments") == true)
        #expect(error?.kind == .tooLarge)
    }

    @Test("no incidents to acknowledge")
    func acknowledge() async throws {
        let source = PrometheusSource(settings: settings([]), transport: FakePrometheus { _, _ in FakePrometheus.empty })
        let incident = Incident(id: "x", source: "prom", sourceKey: "x", title: "t", service: "s", severity: .critical,
                                status: .triggered, triggeredAt: Date())
        await #expect(throws: SourceError(.notSupported, "prom cannot acknowledge its incidents")) {
            _ = try await source.perform(.acknowledge, on: incident, by: "alice", now: Date())
        }
        #expect(try await source.poll(now: Date()).snapshot == SourceSnapshot())
    }
}
