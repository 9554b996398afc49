import Foundation
import Synchronization
import VigilCore

/// Prometheus as a source of deployments, CI runs and metric series (coverage, latency p50/p99,
/// error rate), each from a PromQL query in the settings.
///
/// Every poll runs each query concurrently, with the settings' timeout, as a range query over
/// `settings.lookback` on a grid aligned to the step (so timestamps, and the ids made from them,
/// do not move between polls), plus an instant query at `now` for the latest, partial step.
///
/// Counter feeds (`deployments`, `builds`) read the raw counter, not `increase()`, so the figures
/// are exact integers (`increase` extrapolates): each rise of a series between two consecutive
/// points becomes that many deployments or runs at the later point's time, and a drop means the
/// counter restarted (the rise is then the new value). The first point of the window is the
/// baseline and adds nothing. A deployment's time is therefore the first point after it
/// happened: at most one step late (1 h with the default 60-day lookback).
///
/// A failing query (bad PromQL, HTTP 4xx/5xx, timeout, malformed JSON) does not lose the others:
/// `poll` returns what succeeded, leaves the failed feed out (nil in the snapshot unless another
/// query fed it), and reports the failure as a warning on the feed's panel, naming the query.
/// Only when every query fails does `poll` throw.
public final class PrometheusSource: Source {
    /// The settings it was made from.
    public let settings: PrometheusSettings
    /// The step of the range queries.
    public let step: Duration
    /// The largest response body accepted.
    public let maxBodyBytes: Int

    private let transport: any HTTPTransport

    /// Creates the source.
    /// - Parameters:
    ///   - settings: URL, auth, timeout, lookback and the queries.
    ///   - transport: how to send requests (`AsyncHTTPTransport.shared` in the application).
    ///   - step: range-query step; by default `defaultStep(for: settings.lookback)`.
    ///   - maxBodyBytes: responses larger than this are refused (default 32 MB).
    public init(settings: PrometheusSettings, transport: any HTTPTransport, step: Duration? = nil,
                maxBodyBytes: Int = 32 << 20) {
        self.settings = settings
        self.transport = transport
        let fallback = Self.defaultStep(for: settings.lookback)
        let chosen = max(step ?? fallback, .seconds(1))
        // Never ask for more points than Prometheus serves (it would refuse the query).
        let points = settings.lookback.seconds / max(chosen.seconds, 1)
        self.step = points + 2 > Double(Self.maximumPoints) ? fallback : chosen
        self.maxBodyBytes = maxBodyBytes
    }

    /// The configured id.
    public var id: SourceID { settings.id }
    /// How often the runtime polls it.
    public var pollInterval: Duration { settings.pollInterval }

    /// Prometheus refuses range queries of more than 11,000 points per series.
    public static let maximumPoints = 11_000

    /// The smallest round step (15 s, 30 s, 1 m, 2 m, 5 m, 10 m, 15 m, 30 m, 1 h, 2 h, 3 h, 6 h,
    /// 12 h, 1 d, then whole days) that keeps a range over `lookback` at or under 1,440 points
    /// per series: 1 h for 60 days, 30 m for 30 days, 10 m for 7 days.
    public static func defaultStep(for lookback: Duration) -> Duration {
        let seconds = max(lookback.seconds.rounded(.down), 1)
        let wanted = seconds / 1_440
        let rounds: [Int64] = [15, 30, 60, 120, 300, 600, 900, 1_800, 3_600, 7_200, 10_800, 21_600, 43_200, 86_400]
        if let step = rounds.first(where: { Double($0) >= wanted }) { return .seconds(step) }
        return .seconds(Int64((wanted / 86_400).rounded(.up)) * 86_400)
    }

    /// Runs every query; see the type's documentation for how failures are reported.
    /// - Throws: `SourceError` when every query failed (its message holds their errors).
    public func poll(now: Date) async throws -> PollResult {
        let queries = settings.queries
        guard !queries.isEmpty else { return PollResult(SourceSnapshot()) }
        let grid = Grid(now: now, lookback: settings.lookback, step: step)
        let outcomes = try await withThrowingTaskGroup(of: (Int, Result<FeedResult, SourceError>).self) { group in
            for (index, query) in queries.enumerated() {
                group.addTask { [self] in
                    do {
                        return (index, .success(try await run(query, grid: grid)))
                    } catch let error as SourceError {
                        return (index, .failure(error.prefixed("\(query.name) query failed: ")))
                    } catch is CancellationError {
                        throw CancellationError()
                    } catch {
                        return (index, .failure(SourceError(.unreachable, "\(query.name) query failed: \(error)")))
                    }
                }
            }
            var out: [(Int, Result<FeedResult, SourceError>)] = []
            for try await outcome in group { out.append(outcome) }
            return out.sorted { $0.0 < $1.0 }.map(\.1)
        }

        var warnings: [SourceWarning] = []
        var failed: [SourceError] = []
        var deployments: [Deployment]?
        var builds: [BuildRun]?
        var series: [MetricSeries]?
        for (query, outcome) in zip(queries, outcomes) {
            switch outcome {
            case .failure(let error):
                warnings.append(SourceWarning(panel: query.feed.panel, message: error.message))
                failed.append(error)
            case .success(.deployments(let found)):
                deployments = (deployments ?? []) + found
            case .success(.builds(let found)):
                builds = (builds ?? []) + found
            case .success(.series(let found)):
                series = (series ?? []) + found
            }
        }
        if failed.count == queries.count {
            // The kind they share (a server that is down); when they differ, the first query's.
            throw SourceError(failed[0].kind, Self.summary(of: failed.map(\.message), count: queries.count),
                              retryAfter: failed.compactMap(\.retryAfter).max())
        }
        let snapshot = SourceSnapshot(
            deployments: deployments?.sorted { ($0.at, $0.id) < ($1.at, $1.id) },
            builds: builds?.sorted { ($0.finishedAt ?? $0.startedAt, $0.id) < ($1.finishedAt ?? $1.startedAt, $1.id) },
            series: series)
        return PollResult(snapshot, warnings: warnings.sorted { $0.message < $1.message })
    }

    // MARK: One query

    enum FeedResult: Sendable {
        case deployments([Deployment]), builds([BuildRun]), series([MetricSeries])
    }

    /// The aligned range of one poll: points at multiples of the step, the last one at or before now.
    struct Grid: Sendable {
        var start: Double
        var end: Double
        var now: Double
        var step: Double

        init(now: Date, lookback: Duration, step: Duration) {
            let s = max(step.seconds, 1)
            let t = now.timeIntervalSince1970
            let back = lookback.seconds.rounded(.down)
            self.step = s
            self.now = t
            self.end = (t / s).rounded(.down) * s
            self.start = ((t - back) / s).rounded(.down) * s
        }

        /// The first grid point at or after `time`: the stable stamp of the partial step.
        func boundary(after time: Double) -> Double { (time / step).rounded(.up) * step }
    }

    private func run(_ query: PrometheusQuery, grid: Grid) async throws -> FeedResult {
        async let range = fetch(path: "api/v1/query_range", parameters: [
            ("query", query.promql), ("start", Self.format(grid.start)), ("end", Self.format(grid.end)),
            ("step", Self.format(grid.step)),
        ])
        async let latest = fetch(path: "api/v1/query", parameters: [
            ("query", query.promql), ("time", Self.format(grid.now)),
        ])
        let merged = Self.merge(try await range, latest: Self.notAfter(grid.now, try await latest))
        switch query.feed {
        case .deployments:
            return .deployments(try deployments(from: merged, grid: grid))
        case .builds:
            return .builds(try builds(from: merged, grid: grid))
        case .coverage, .latencyP50, .latencyP99, .errorRate:
            let kind = Self.kind(of: query.feed) ?? .coverage
            return .series(merged.map { MetricSeries(key: SeriesKey(kind, service: $0.labels[settings.serviceLabel] ?? ""),
                                                     samples: $0.samples) })
        }
    }

    /// The series kind a gauge feed produces; nil for the counter feeds.
    static func kind(of feed: PrometheusFeed) -> SeriesKind? {
        switch feed {
        case .coverage: return .coverage
        case .latencyP50: return .latencyP50
        case .latencyP99: return .latencyP99
        case .errorRate: return .errorRate
        case .deployments, .builds: return nil
        }
    }

    /// The instant answer with no sample later than the poll's time. Prometheus stamps it with
    /// the query's `time`, sent to the millisecond: rounded (or read back) a hair past the poll,
    /// it fell outside a window that ends at the poll's time, and `--once` showed the figure
    /// half the time and "-" the other half.
    static func notAfter(_ now: Double, _ series: [PrometheusDecoder.LabelledSeries]) -> [PrometheusDecoder.LabelledSeries] {
        let limit = Date(timeIntervalSince1970: now)
        return series.map { s in
            var s = s
            for i in s.samples.indices where s.samples[i].at > limit { s.samples[i].at = limit }
            return s
        }
    }

    /// Appends each instant sample to the range series with the same labels, when it is newer.
    static func merge(_ range: [PrometheusDecoder.LabelledSeries],
                      latest: [PrometheusDecoder.LabelledSeries]) -> [PrometheusDecoder.LabelledSeries] {
        var out = range
        var index: [[String: String]: Int] = [:]
        for (i, series) in out.enumerated() where index[series.labels] == nil { index[series.labels] = i }
        for series in latest {
            guard let sample = series.samples.last else { continue }
            if let i = index[series.labels] {
                if out[i].samples.last.map({ sample.at > $0.at }) ?? true { out[i].samples.append(sample) }
            } else {
                index[series.labels] = out.count
                out.append(series)
            }
        }
        return out
    }

    /// Sends one GET to the API and decodes the result; throws a `SourceError` naming the defect.
    func fetch(path: String, parameters: [(String, String)]) async throws -> [PrometheusDecoder.LabelledSeries] {
        try PrometheusDecoder.labelledSeries(from: try await get(path: path, parameters: parameters))
    }

    /// Sends one GET to the API and returns the body of a 2xx answer; throws a `SourceError`
    /// naming the defect otherwise.
    func get(path: String, parameters: [(String, String)]) async throws -> Data {
        let url = try endpoint(path, parameters: parameters)
        var headers: [(name: String, value: String)] = [("Accept", "application/json")]
        if let auth = settings.auth.header { headers.append(auth) }
        let response = try await transport.send(
            HTTPRequest(method: "GET", url: url, headers: headers, timeout: settings.timeout), maxBodyBytes: maxBodyBytes)
        guard (200..<300).contains(response.status) else {
            let wait = response.retryAfter(now: Date())
            throw SourceError(SourceError.kind(ofStatus: response.status, retryAfter: wait),
                              describe(status: response.status, response: response), retryAfter: wait)
        }
        return response.body
    }

    private func describe(status: Int, response: HTTPResponse) -> String {
        if let text = PrometheusDecoder.errorText(from: response.body), !text.isEmpty {
            return text
        }
        switch status {
        case 401, 403:
            return "HTTP \(status): not authorised (\(settings.auth.refused))"
        case 300..<400:
            return "HTTP \(status): Prometheus redirects this request; set the source's url to the address it redirects to"
        case 404:
            return "HTTP 404: no Prometheus API under this url (check the path prefix)"
        default:
            let text = String(decoding: response.body.prefix(200), as: UTF8.self)
                .split(whereSeparator: \.isNewline).joined(separator: " ")
                .trimmingCharacters(in: .whitespaces)
            return "HTTP \(status)" + (text.isEmpty ? "" : ": \(text)")
        }
    }

    /// `<url>/<path>?<parameters>`, keeping a path prefix of the configured URL and encoding the
    /// parameters strictly (a `+` in PromQL must not become a space).
    private func endpoint(_ path: String, parameters: [(String, String)]) throws -> URL {
        guard var components = URLComponents(url: settings.url, resolvingAgainstBaseURL: false) else {
            throw SourceError(.notSupported, "invalid Prometheus url for source \(settings.id)")
        }
        var base = components.percentEncodedPath
        if !base.hasSuffix("/") { base += "/" }
        components.percentEncodedPath = base + path
        components.percentEncodedQuery = parameters.map { "\(Self.encode($0.0))=\(Self.encode($0.1))" }
            .joined(separator: "&")
        guard let url = components.url else {
            throw SourceError(.notSupported, "invalid Prometheus url for source \(settings.id)")
        }
        return url
    }

    private static let unreserved: CharacterSet = {
        var set = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
        set.insert(charactersIn: "-._~")
        return set
    }()

    static func encode(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: unreserved) ?? text
    }

    /// Seconds with at most millisecond precision, no exponent.
    static func format(_ seconds: Double) -> String {
        let millis = (seconds * 1000).rounded()
        if millis.truncatingRemainder(dividingBy: 1000) == 0 { return String(Int64(millis / 1000)) }
        return String(format: "%.3f", millis / 1000)
    }
}
