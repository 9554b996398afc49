import Foundation
import Testing
import VigilCore
import VigilSources
import VigilTestSupport

/// A known 7-day history, written as OpenMetrics for `promtool tsdb create-blocks-from openmetrics`,
/// with the figures it must produce worked out by hand (see the comments at each expectation).
///
/// Samples every 5 minutes for 7 days ending 2 minutes before `now` (so an instant query at `now`
/// still sees the last sample), plus request histograms and request counters every minute for the
/// last day. Event times are hours after the first sample; events of one service are at least 2 h
/// apart, so whatever the 1 h (or 10 min) grid, they land on different points, in order.
struct KnownHistory {
    let now: Date
    /// Unix time of the last 5-minute sample (and of the last 1-minute sample).
    let end: Int
    /// Unix time of the first 5-minute sample ("hour 0").
    let start: Int
    static let fiveMinuteSamples = 7 * 288
    static let minuteSamples = 1_440

    init(now: Date) {
        self.now = now
        end = Int(now.timeIntervalSince1970) - 120
        start = end - (Self.fiveMinuteSamples - 1) * 300
    }

    enum Change { case add(Int), reset }

    /// Counter series: labels and events (hour after `start`, change).
    static let counters: [(String, [(Double, Change)])] = [
        // checkout, env=prod
        (#"deployments_total{service="checkout",env="prod",status="success",instance="a"}"#,
         [(3, .add(1)), (10, .add(1)), (30, .add(2)), (60, .add(1)), (100, .add(1)), (150, .add(1))]),
        (#"deployments_total{service="checkout",env="prod",status="success",instance="b"}"#, [(160, .add(1))]),
        (#"deployments_total{service="checkout",env="prod",status="failure"}"#, [(20, .add(1)), (120, .add(1))]),
        (#"deployments_total{service="checkout",env="prod",status="rollback"}"#, [(62, .add(1))]),
        // checkout, env=staging: not production
        (#"deployments_total{service="checkout",env="staging",status="success"}"#, [(5, .add(1)), (15, .add(1)), (25, .add(1))]),
        (#"deployments_total{service="checkout",env="staging",status="failure"}"#, [(40, .add(1))]),
        // payments, env=production; the success counter restarts at hour 40 (3 → 0), then 1 at 40:15
        (#"deployments_total{service="payments",env="production",status="success"}"#,
         [(4, .add(1)), (8, .add(1)), (12, .add(1)), (40, .reset), (40.25, .add(1)), (44, .add(1)), (48, .add(1))]),
        (#"deployments_total{service="payments",env="production",status="rollback"}"#, [(50, .add(1))]),
        (#"deployments_total{service="payments",env="production",status="failure"}"#, [(70, .add(1))]),
        // search: no env label, so production
        (#"deployments_total{service="search",status="success"}"#, [(6, .add(1)), (30, .add(1)), (90, .add(1)), (140, .add(1))]),
        // CI: api success every 6 h from hour 3 to 165 (28), 3 failures; web success every 12 h from 2 to 158 (14), 1 cancelled
        (#"ci_builds_total{pipeline="api",status="success"}"#, stride(from: 3.0, through: 165, by: 6).map { ($0, .add(1)) }),
        (#"ci_builds_total{pipeline="api",status="failure"}"#, [(7, .add(1)), (31, .add(1)), (55, .add(1))]),
        (#"ci_builds_total{pipeline="web",status="success"}"#, stride(from: 2.0, through: 158, by: 12).map { ($0, .add(1)) }),
        (#"ci_builds_total{pipeline="web",status="cancelled"}"#, [(100, .add(1))]),
    ]

    /// Requests per minute, by bucket upper bound (cumulative), and by status code.
    static let histograms: [(service: String, buckets: [(String, Int)], codes: [(String, Int)])] = [
        ("checkout", [("0.1", 60), ("0.25", 90), ("0.5", 98), ("1", 100), ("+Inf", 100)], [("200", 95), ("500", 5)]),
        ("payments", [("0.1", 20), ("0.25", 40), ("0.5", 70), ("1", 95), ("+Inf", 100)], [("200", 98), ("503", 2)]),
    ]

    var openMetrics: String {
        var lines: [String] = []
        func time(_ index: Int) -> Int { start + index * 300 }
        for (series, events) in Self.counters {
            var value = 0
            var pending = events.map { (index: Int(($0.0 * 12).rounded()), change: $0.1) }
            for index in 0..<Self.fiveMinuteSamples {
                while let next = pending.first, next.index == index {
                    switch next.change {
                    case .add(let n): value += n
                    case .reset: value = 0
                    }
                    pending.removeFirst()
                }
                lines.append("\(series) \(value) \(time(index))")
            }
        }
        // Coverage: 70 % on day 0, +1.5 points a day, 79 % on day 6.
        for index in 0..<Self.fiveMinuteSamples {
            lines.append("code_coverage_percent \(70 + 1.5 * Double(index / 288)) \(time(index))")
        }
        // A p99 gauge: checkout 0.2 s for 3 days then 0.45 s; payments 0.8 s throughout.
        for index in 0..<Self.fiveMinuteSamples {
            lines.append(#"service_latency_p99_seconds{service="checkout"} \#(index < 3 * 288 ? 0.2 : 0.45) \#(time(index))"#)
        }
        for index in 0..<Self.fiveMinuteSamples {
            lines.append(#"service_latency_p99_seconds{service="payments"} 0.8 \#(time(index))"#)
        }
        let firstMinute = end - (Self.minuteSamples - 1) * 60
        for (service, buckets, codes) in Self.histograms {
            for (le, perMinute) in buckets {
                for minute in 0..<Self.minuteSamples {
                    lines.append(#"http_request_duration_seconds_bucket{service="\#(service)",le="\#(le)"} \#(minute * perMinute) \#(firstMinute + minute * 60)"#)
                }
            }
            for (code, perMinute) in codes {
                for minute in 0..<Self.minuteSamples {
                    lines.append(#"http_requests_total{service="\#(service)",code="\#(code)"} \#(minute * perMinute) \#(firstMinute + minute * 60)"#)
                }
            }
        }
        lines.append("# EOF")
        return lines.joined(separator: "\n") + "\n"
    }
}

/// Starts Prometheus with `history`; when it cannot (no packages), records a loud failure that
/// says what to install (so the test fails, in CI and locally) and returns nil.
func startPrometheus(history: String?) async -> PrometheusServer? {
    do {
        return try await PrometheusServer.start(history: history)
    } catch {
        Issue.record("""
            Prometheus could not be started for this test: \(error)
            (CI=\(ProcessInfo.processInfo.environment["CI"] ?? "unset"); tests against real servers never pass silently.)
            """)
        return nil
    }
}

@Suite("Prometheus source against a real Prometheus", .serialized)
struct PrometheusSourceTests {
    func settings(_ url: URL, queries: [PrometheusQuery] = PrometheusQuery.defaults,
                  lookback: Duration = .seconds(60 * 86_400), timeout: Duration = .seconds(10)) -> PrometheusSettings {
        PrometheusSettings(id: "prom", url: url, timeout: timeout, queries: queries, lookback: lookback)
    }

    func count(_ deployments: [Deployment], _ service: String, _ env: String, _ outcome: DeploymentOutcome,
               rollback: Bool = false) -> Int {
        deployments.filter {
            $0.service == service && $0.environment == env && $0.outcome == outcome && $0.markedRollback == rollback
        }.count
    }

    @Test("the default queries give the hand-computed deployments, CFR, builds, coverage, latency and error rate")
    func knownHistory() async throws {
        let history = KnownHistory(now: Date(timeIntervalSince1970: Date().timeIntervalSince1970.rounded(.down)))
        guard let server = await startPrometheus(history: history.openMetrics) else { return }
        defer { server.stop() }
        let source = PrometheusSource(settings: settings(server.url), transport: AsyncHTTPTransport.shared)
        #expect(source.step == .seconds(3_600))
        let polled = try await source.poll(now: history.now)
        let snapshot = polled.snapshot
        #expect(polled.queryErrors.isEmpty, "\(polled.queryErrors)\n\(server.logTail())")

        // Deployments, per service / env / status, straight from the event table.
        let deployments = try #require(snapshot.deployments)
        #expect(count(deployments, "checkout", "prod", .success) == 8)       // 1+1+2+1+1+1 (a) + 1 (b)
        #expect(count(deployments, "checkout", "prod", .failure) == 2)
        #expect(count(deployments, "checkout", "prod", .success, rollback: true) == 1)
        #expect(count(deployments, "checkout", "staging", .success) == 3)
        #expect(count(deployments, "checkout", "staging", .failure) == 1)
        #expect(count(deployments, "payments", "production", .success) == 6)  // 3, restart, 1 at 40:15, 1, 1
        #expect(count(deployments, "payments", "production", .success, rollback: true) == 1)
        #expect(count(deployments, "payments", "production", .failure) == 1)
        #expect(count(deployments, "search", "production", .success) == 4)   // no env label → production
        #expect(deployments.count == 27)
        #expect(Set(deployments.map(\.id)).count == 27)
        // Each deployment is stamped on the first grid point at or after it: within an hour.
        let firstCheckout = try #require(deployments.filter { $0.service == "checkout" }.map(\.at).min())
        let happened = Double(history.start + 3 * 3_600)
        #expect(firstCheckout.timeIntervalSince1970 >= happened && firstCheckout.timeIntervalSince1970 < happened + 3_600)

        // Change failure rate over the whole history, production only:
        // total 23 = checkout 11 + payments 8 + search 4; failed 5 = 3 failures + the deployment
        // before each of the 2 rollbacks (checkout at 60 h, payments at 48 h); CFR 5/23.
        let window = DateInterval(start: Date(timeIntervalSince1970: Double(history.start - 86_400)),
                                  end: history.now.addingTimeInterval(3_600))
        let stats = Metrics.deployments(deployments, incidents: [], in: window, bucket: 86_400)
        #expect(stats.total == 23)
        #expect(stats.successful == 20)  // rollbacks are successful deployments
        #expect(stats.rollbacks == 2)
        #expect(stats.failed == 5)
        #expect(stats.changeFailureRate == 5.0 / 23.0)

        // CI runs: api 28 + 3, web 14 + 1 cancelled; success rate 42 / 45 (cancelled not judged).
        let builds = try #require(snapshot.builds)
        #expect(builds.filter { $0.pipeline == "api" && $0.conclusion == .success }.count == 28)
        #expect(builds.filter { $0.pipeline == "api" && $0.conclusion == .failure }.count == 3)
        #expect(builds.filter { $0.pipeline == "web" && $0.conclusion == .success }.count == 14)
        #expect(builds.filter { $0.pipeline == "web" && $0.conclusion == .cancelled }.count == 1)
        let buildStats = Metrics.builds(builds, in: window, bucket: 86_400)
        #expect(buildStats.finished == 46)
        #expect(buildStats.successRate == 42.0 / 45.0)

        let series = try #require(snapshot.series)
        func one(_ key: SeriesKey) throws -> MetricSeries {
            let found = series.filter { $0.key == key }
            try #require(found.count == 1, "\(key): \(found.count) series")
            return found[0]
        }
        // Coverage: 70 % rising 1.5 a day to 79 %; the latest sample comes from the instant query.
        let coverage = try one(SeriesKey(.coverage))
        #expect(coverage.samples.last?.value == 79)
        #expect(coverage.samples.last?.at == history.now)
        #expect(coverage.samples.first?.value == 70)
        #expect(Set(coverage.samples.map(\.value)) == Set((0...6).map { 70 + 1.5 * Double($0) }))
        #expect(zip(coverage.samples, coverage.samples.dropFirst()).allSatisfy { $0.value <= $1.value })
        #expect((168...170).contains(coverage.samples.count), "\(coverage.samples.count) samples")

        // Latency from the histogram (default queries), a constant mix of requests:
        // checkout p50 = 0.1 · 50/60, p99 = 0.5 + 0.5 · (99 − 98)/(100 − 98) = 0.75;
        // payments p50 = 0.25 + 0.25 · (50 − 40)/(70 − 40), p99 falls in +Inf → 1 (the highest finite bound).
        let expected: [(SeriesKey, Double)] = [
            (SeriesKey(.latencyP50, service: "checkout"), 0.1 * 50 / 60),
            (SeriesKey(.latencyP99, service: "checkout"), 0.75),
            (SeriesKey(.latencyP50, service: "payments"), 0.25 + 0.25 * 10 / 30),
            (SeriesKey(.latencyP99, service: "payments"), 1.0),
            // Error rate: 5 of 100 and 2 of 100 requests per minute are 5xx.
            (SeriesKey(.errorRate, service: "checkout"), 0.05),
            (SeriesKey(.errorRate, service: "payments"), 0.02),
        ]
        for (key, value) in expected {
            let found = try one(key)
            #expect((23...26).contains(found.samples.count), "\(key): \(found.samples.count) samples over the last day")
            #expect(found.samples.allSatisfy { abs($0.value - value) < 1e-9 }, "\(key): \(found.samples.map(\.value))")
            #expect(found.samples.last?.at == history.now)
        }

        // A second poll later (same data) keeps every id, and Prometheus is stopped cleanly.
        let again = try await source.poll(now: history.now.addingTimeInterval(30)).snapshot
        #expect(again.deployments.map { Set($0.map(\.id)) } == Set(deployments.map(\.id)))
    }

    @Test("a poll between two milliseconds still has the value as of now (--once showed '-' half the time)")
    func instantSampleNeverAfterThePoll() async throws {
        guard let server = await startPrometheus(history: nil) else { return }
        defer { server.stop() }
        let source = PrometheusSource(settings: settings(server.url, queries: [PrometheusQuery(feed: .coverage, promql: "vector(87)")],
                                                         lookback: .seconds(86_400)),
                                      transport: AsyncHTTPTransport.shared)
        for fraction in [0.0006, 0.0009, 0.0001] {
            // 0.6 ms past a millisecond: sent as the next millisecond, which Prometheus echoes back.
            let now = Date(timeIntervalSince1970: (Date().timeIntervalSince1970 * 1000).rounded(.down) / 1000 + fraction)
            let series = try #require(try await source.poll(now: now).snapshot.series?.first { $0.key == SeriesKey(.coverage) })
            #expect(series.samples.allSatisfy { $0.at <= now }, "a sample after the poll: \(series.samples.suffix(2))")
            #expect(Metrics.seriesWindow(series, in: DateInterval(start: now.addingTimeInterval(-3_600), end: now)).latest == 87)
        }
    }

    @Test("a bad query names itself with Prometheus' error while the other feeds still arrive")
    func badQuery() async throws {
        let history = KnownHistory(now: Date(timeIntervalSince1970: Date().timeIntervalSince1970.rounded(.down)))
        guard let server = await startPrometheus(history: history.openMetrics) else { return }
        defer { server.stop() }
        let queries = [
            PrometheusQuery(feed: .deployments, promql: "deployments_total"),
            PrometheusQuery(feed: .coverage, promql: "code_coverage_percent"),
            PrometheusQuery(feed: .latencyP99, promql: "service_latency_p99_seconds", name: "p99 gauge"),
            PrometheusQuery(feed: .errorRate, promql: "sum(rate(http_requests_total[5m]", name: "error ratio"),
        ]
        // 7 days back: a 10-minute step; the counts do not depend on the step.
        let source = PrometheusSource(settings: settings(server.url, queries: queries, lookback: .seconds(7 * 86_400)),
                                      transport: AsyncHTTPTransport.shared)
        #expect(source.step == .seconds(600))
        let polled = try await source.poll(now: history.now)
        let snapshot = polled.snapshot
        let errors = polled.queryErrors
        #expect(errors.keys.sorted() == ["error ratio"])
        let message = try #require(errors["error ratio"])
        #expect(message.hasPrefix("error ratio query failed: bad_data: "), "\(message)")
        #expect(message.contains("parse error"), "\(message)")

        let deployments = try #require(snapshot.deployments)
        #expect(deployments.count == 27)
        #expect(count(deployments, "payments", "production", .success) == 6)
        #expect(snapshot.builds == nil)  // not configured
        let series = try #require(snapshot.series)
        #expect(!series.contains { $0.key.kind == .errorRate })
        let checkout = try #require(series.first { $0.key == SeriesKey(.latencyP99, service: "checkout") })
        #expect(checkout.samples.first?.value == 0.2)
        #expect(checkout.samples.last?.value == 0.45)
        let payments = try #require(series.first { $0.key == SeriesKey(.latencyP99, service: "payments") })
        #expect(payments.samples.allSatisfy { $0.value == 0.8 })
        #expect(series.first { $0.key == SeriesKey(.coverage) }?.samples.last?.value == 79)
    }

    @Test("a closed port: poll fails with 'connection refused', every query named")
    func refused() async throws {
        let port = try ProcessServer.freePort()
        let url = try #require(URL(string: "http://127.0.0.1:\(port)/"))
        let source = PrometheusSource(settings: settings(url), transport: AsyncHTTPTransport.shared)
        do {
            _ = try await source.poll(now: Date()).snapshot
            Issue.record("poll should have failed")
        } catch let error as SourceError {
            #expect(error.message == "all 6 Prometheus queries failed: connection refused (127.0.0.1:\(port)): "
                    + "is the server running and listening there?")
        }
    }

    @Test("a server that never answers: 'timed out' after the timeout once, not once per query")
    func timeout() async throws {
        let listener = try SilentListener()
        defer { listener.close() }
        let source = PrometheusSource(settings: settings(listener.url, timeout: .seconds(1)), transport: AsyncHTTPTransport.shared)
        // The queries run concurrently, so the poll takes the timeout once, not six times.
        let (outcome, late) = await overrun(beyond: .seconds(1)) { () -> Result<SourceSnapshot, SourceError> in
            do {
                return .success(try await source.poll(now: Date()).snapshot)
            } catch {
                return .failure(error as? SourceError ?? SourceError(.unreachable, "\(error)"))
            }
        }
        #expect(throws: SourceError(.timedOut, "all 6 Prometheus queries failed: timed out after 1s waiting for 127.0.0.1:\(listener.port)")) {
            try outcome.get()
        }
        // Six queries one after the other would be 5 s late; concurrent ones are late by the
        // scheduling of a loaded machine only (1.17 s seen in CI while the suite ran in parallel).
        #expect(late < .seconds(3), "took \(late) longer than the 1 s timeout: were the queries run one by one?")
    }

    @Test("the test server obeys SIGTERM (reset signal mask), and its directory is removed")
    func serverLifecycle() async throws {
        guard let server = await startPrometheus(history: nil) else { return }
        let directory = server.process.workDirectory
        #expect(server.process.isRunning)
        #expect(FileManager.default.fileExists(atPath: directory.path))
        let started = ContinuousClock.now
        let log = server.stop()
        #expect(ContinuousClock.now - started < .seconds(2), "SIGTERM was not obeyed in time")
        #expect(log.contains("Received SIGTERM"), "\(log)")
        #expect(!server.process.isRunning)
        #expect(kill(server.process.pid, 0) != 0)
        #expect(!FileManager.default.fileExists(atPath: directory.path))
        #expect(server.stop().isEmpty)  // a second stop does nothing
    }

    @Test("a missing server binary fails loudly with the apt command")
    func missingBinary() throws {
        do {
            try ProcessServer.requireBinary("vigil-no-such-server")
            Issue.record("should have thrown")
        } catch let error as ServerUnavailable {
            #expect(error.message.contains("SERVER NOT AVAILABLE"))
            #expect(error.message.contains("apt-get install -y --no-install-recommends vigil-no-such-server"))
        }
        // The packages this suite needs are known by name.
        #expect(throws: Never.self) { try ProcessServer.requireBinary("sh") }
    }
}

@Suite("ProcessServer")
struct ProcessServerTests {
    @Test("a server that exits at start-up is reported with its log, and its directory is removed")
    func failedStart() async throws {
        let directory = try ProcessServer.makeWorkDirectory(prefix: "failing")
        do {
            let server = try await ProcessServer.start("prometheus", workDirectory: directory) { _ in ["--no-such-flag"] }
            server.stop()
            Issue.record("prometheus started with an unknown flag")
        } catch let error as ServerUnavailable {
            #expect(error.message.contains("prometheus exited with status"), "\(error.message)")
            #expect(error.message.contains("no-such-flag"), "\(error.message)")
        }
        #expect(!FileManager.default.fileExists(atPath: directory.path))
    }

    @Test("a one-shot helper's failure carries its output")
    func failedRun() async throws {
        do {
            try await ProcessServer.run("promtool", ["tsdb", "create-blocks-from", "openmetrics", "/nonexistent.om", "/tmp"])
            Issue.record("promtool should have failed")
        } catch let error as ProcessFailure {
            #expect(error.status != 0)
            #expect(error.output.contains("nonexistent.om"), "\(error.output)")
        }
    }

    @Test("promtool rejects a history without '# EOF', and start(history:) says so")
    func badHistory() async throws {
        do {
            let server = try await PrometheusServer.start(history: "deployments_total 1 1700000000\n")
            server.stop()
            Issue.record("a history without # EOF was accepted")
        } catch let error as ProcessFailure {
            #expect(error.output.contains("EOF"), "\(error.output)")
        }
    }
}
