import Foundation
import Testing
import VigilCore
@testable import VigilSources
import VigilTestSupport

/// The real sources against real servers through the fault proxy: each fault gives the message
/// an engineer can act on, a 429's `Retry-After` reaches the runner through
/// `RetryAfterRecorder`, and the same source works again once the fault ends.
@Suite(.serialized) struct FaultTests {
    private static func alertmanager(_ url: URL, timeout: Duration = .seconds(2)) -> AlertmanagerSource {
        AlertmanagerSource(settings: AlertmanagerSettings(id: "am", urls: [url], pollInterval: .seconds(1), timeout: timeout),
                           transport: AsyncHTTPTransport.shared)
    }

    /// The poll's error message, and the Retry-After recorded meanwhile.
    private static func failure(_ source: any Source) async -> (message: String, retryAfter: Duration?) {
        let recorder = RetryAfterRecorder()
        do {
            _ = try await RetryAfterRecorder.$current.withValue(recorder) { try await source.poll(now: Date()).snapshot }
            return ("(no error)", recorder.retryAfter)
        } catch {
            return ((error as? SourceError)?.message ?? "\(error)", recorder.retryAfter)
        }
    }

    @Test func alertmanagerFaultsSayWhatWentWrongAndPassThroughRecovers() async throws {
        let am = try await AlertmanagerServer.start()
        defer { am.stop() }
        try am.post([AlertmanagerServer.Alert(labels: ["alertname": "DiskFull", "service": "db", "severity": "critical"],
                                              annotations: ["summary": "disk 97% on db-0"])])
        let proxy = try FaultProxy(upstream: am.url)
        defer { proxy.stop() }
        let source = Self.alertmanager(proxy.url)

        let first = try await source.poll(now: Date()).snapshot
        #expect(first.incidents?.map(\.title) == ["disk 97% on db-0"])

        proxy.set(.tooManyRequests(retryAfterSeconds: 7))
        let limited = await Self.failure(source)
        #expect(limited.message.contains("HTTP 429"), "\(limited.message)")
        #expect(limited.retryAfter == .seconds(7))

        proxy.set(.status(500))
        let broken = await Self.failure(source)
        #expect(broken.message.contains("HTTP 500") && broken.message.contains("injected"), "\(broken.message)")
        #expect(broken.retryAfter == nil)

        proxy.set(.truncate(afterBytes: 40))
        let cut = await Self.failure(source)
        #expect(cut.message.contains("Alertmanager alerts: not valid JSON"), "\(cut.message)")

        proxy.set(.delay(.seconds(3)))
        let started = ContinuousClock.now
        let slow = await Self.failure(Self.alertmanager(proxy.url, timeout: .seconds(1)))
        #expect(slow.message.contains("timed out after 1s"), "\(slow.message)")
        #expect(ContinuousClock.now - started < .seconds(2.5))

        proxy.set(.refuse)
        let refused = await Self.failure(source)
        #expect(refused.message.contains("connection refused (127.0.0.1:\(proxy.port))"), "\(refused.message)")

        proxy.set(.passThrough)
        let again = try await source.poll(now: Date()).snapshot
        #expect(again.incidents?.map(\.title) == ["disk 97% on db-0"])
        #expect(proxy.exchanges.contains { $0.path == "/api/v2/alerts" && $0.mode == .status(500) })
    }

    @Test func aKilledAlertmanagerIsConnectionRefusedUntilItIsBackOnItsPort() async throws {
        let am = try await AlertmanagerServer.start()
        let port = am.process.port
        let source = Self.alertmanager(am.url)
        _ = try await source.poll(now: Date()).snapshot
        am.stop()
        // The first request may go out on a pooled connection the dead server left behind
        // ("I/O on closed channel"); every new connection is refused.
        var refused = await Self.failure(source)
        for _ in 0..<3 where !refused.message.contains("connection refused") {
            try await Task.sleep(for: .milliseconds(100))
            refused = await Self.failure(source)
        }
        #expect(refused.message.contains("connection refused (127.0.0.1:\(port))"), "\(refused.message)")
        let back = try await AlertmanagerServer.restart(onPort: port)
        defer { back.stop() }
        try AlertmanagerServer.post([AlertmanagerServer.Alert(labels: ["alertname": "Back", "severity": "warning"],
                                                              annotations: ["summary": "after the restart"])], port: port)
        let again = try await source.poll(now: Date()).snapshot
        #expect(again.incidents?.map(\.title) == ["after the restart"])
    }

    @Test func prometheusFaultsSayWhatWentWrong() async throws {
        let prometheus = try await PrometheusServer.start()
        defer { prometheus.stop() }
        let proxy = try FaultProxy(upstream: prometheus.url)
        defer { proxy.stop() }
        let settings = PrometheusSettings(id: "prom", url: proxy.url, pollInterval: .seconds(1), timeout: .seconds(2),
                                          queries: [PrometheusQuery(feed: .coverage, promql: "avg(code_coverage_percent)")],
                                          lookback: .seconds(86_400))
        let source = PrometheusSource(settings: settings, transport: AsyncHTTPTransport.shared)
        _ = try await source.poll(now: Date()).snapshot

        proxy.set(.status(500))
        let broken = await Self.failure(source)
        #expect(broken.message.contains("coverage query failed: HTTP 500"), "\(broken.message)")

        proxy.set(.status(401))
        let denied = await Self.failure(source)
        #expect(denied.message.contains("HTTP 401: not authorised (no credentials are configured)"), "\(denied.message)")

        proxy.set(.tooManyRequests(retryAfterSeconds: 30))
        let limited = await Self.failure(source)
        #expect(limited.message.contains("HTTP 429"), "\(limited.message)")
        #expect(limited.retryAfter == .seconds(30))

        proxy.set(.truncate(afterBytes: 25))
        let cut = await Self.failure(source)
        #expect(cut.message.contains("not valid JSON"), "\(cut.message)")

        proxy.set(.passThrough)
        let polled = try await source.poll(now: Date())
        #expect(polled.queryErrors.isEmpty)
    }

    @Test func retryAfterIsReadFromSecondsOrAnHTTPDate() {
        let now = Date(timeIntervalSince1970: 1_795_694_400)              // Thu, 26 Nov 2026 12:00:00 GMT
        #expect(HTTPResponse(status: 429, headers: [("Retry-After", "120")]).retryAfter(now: now) == .seconds(120))
        #expect(HTTPResponse(status: 503, headers: [("retry-after", " 5 ")]).retryAfter(now: now) == .seconds(5))
        #expect(HTTPResponse(status: 429, headers: [("Retry-After", "Thu, 26 Nov 2026 12:00:30 GMT")])
                    .retryAfter(now: now) == .seconds(30))
        #expect(HTTPResponse(status: 429, headers: [("Retry-After", "Thu, 26 Nov 2026 11:59:00 GMT")])
                    .retryAfter(now: now) == nil)
        #expect(HTTPResponse(status: 429, headers: [("Retry-After", "soon")]).retryAfter(now: now) == nil)
        #expect(HTTPResponse(status: 429, headers: [("Retry-After", "99999999999999999999999")]).retryAfter(now: now)
                    == .seconds(999_999_999))
        #expect(HTTPResponse(status: 500, headers: [("Retry-After", "120")]).retryAfter(now: now) == nil)
        #expect(HTTPResponse(status: 429).retryAfter(now: now) == nil)
    }
}
