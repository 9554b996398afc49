#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Testing
import VigilCore
import VigilRender
import VigilRuntime
import VigilSources
import VigilTestSupport

// MARK: - The pipeline without a terminal

/// Real sources polled by the real `SourceRunner` (real clock, 1 s polls), events through
/// `reduce`, frames from `DashboardView` into a `CellGrid`: everything the terminal would show,
/// read as text.
final class Pipeline {
    let inbox = Inbox(wakeup: nil)
    let runner: SourceRunner
    private(set) var state: AppState
    private(set) var reports: [(source: SourceID, report: PollReport)] = []
    private var tasks: [Task<Void, Never>] = []
    private let ctx = ViewContext(theme: .monochrome, glyphs: .unicode)

    /// Starts polling. The jitter is fixed at a quarter of the back-off ceiling, so the waits
    /// are short and known: 1, 1, 2, 2.5, 2.5 … s for a 1 s interval.
    init(_ sources: [ConfiguredSource], size: Size = Size(width: 200, height: 50)) {
        runner = SourceRunner(sources: sources, inbox: inbox, random: { 0.25 })
        state = AppState(now: Date(), size: size, user: "e2e", title: "faults")
        state.register(sources)
        tasks = runner.start()
    }

    deinit { for t in tasks { t.cancel() } }

    /// Stops polling.
    func stop() { for t in tasks { t.cancel() } }

    /// Reduces what arrived, then a tick at the wall clock.
    func pump() {
        for event in inbox.drain() {
            if case .sourcePolled(let id, let report) = event { reports.append((id, report)) }
            _ = reduce(&state, event)
        }
        _ = reduce(&state, .tick(Date()))
    }

    /// The screen, as lines.
    func screen() -> [String] { DashboardView.render(state, ctx).lines }

    /// The top border of a panel (its badge), its own columns only.
    func border(_ panel: PanelID) -> String {
        guard let rect = state.layout.rect(of: panel) else { return "" }
        let line = Array(screen()[rect.y])
        return rect.maxX <= line.count ? String(line[rect.x..<rect.maxX]) : ""
    }

    /// Pumps until `done` holds; throws with the screen after `timeout` seconds.
    @discardableResult
    func waitFor(_ what: String, timeout: Double = 20, _ done: (AppState, [String]) -> Bool) async throws -> [String] {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            pump()
            let lines = screen()
            if done(state, lines) { return lines }
            try await Task.sleep(for: .milliseconds(50))
        }
        let report = "\(what)\n--- screen ---\n" + screen().joined(separator: "\n")
        FileHandle.standardError.write(Data(("fault test timeout: " + report + "\n").utf8))
        throw E2EError.timeout(report)
    }

    /// Failed polls of a source that began after `date` (a poll already under way when a fault
    /// ended may still fail, and on a loaded machine end well after it).
    func failures(of id: SourceID, after date: Date) -> [PollReport] {
        reports.filter { $0.source == id && $0.report.at.addingTimeInterval(-$0.report.duration) > date }.map(\.report).filter {
            if case .failed = $0.outcome { return true }
            return false
        }
    }

    /// When the source last answered.
    func lastSuccess(_ id: SourceID) -> Date { state.sources[id]?.lastSuccess ?? .distantPast }
}

// MARK: - Fixtures

enum Faults {
    static let diskAlert = AlertmanagerServer.Alert(
        labels: ["alertname": "DiskFull", "service": "db", "severity": "critical"], annotations: ["summary": "disk 97% on db-0"])

    static func alertmanager(_ url: URL) throws -> ConfiguredSource {
        try AlertmanagerKind.configured(AlertmanagerSettings(id: "am", urls: [url], pollInterval: .seconds(1),
                                                             timeout: .seconds(1)), context)
    }

    static let context = SourceContext(transport: AsyncHTTPTransport.shared, now: Date())

    static func prometheus(_ url: URL) throws -> ConfiguredSource {
        try PrometheusKind.configured(PrometheusSettings(
            id: "prom", url: url, pollInterval: .seconds(1), timeout: .seconds(1),
            queries: [PrometheusQuery(feed: .coverage, promql: "avg(code_coverage_percent)"),
                      PrometheusQuery(feed: .deployments, promql: "deployments_total")],
            lookback: .seconds(7 * 86_400)), context)
    }

    /// Two days of coverage (every 5 minutes, 71 % then 80 %) and a few production deployments,
    /// ending a minute ago.
    static func history(now: Date) -> String {
        let end = Int(now.timeIntervalSince1970) - 60
        let points = 2 * 288
        var lines = ["# TYPE code_coverage_percent gauge"]
        for i in 0..<points {
            lines.append("code_coverage_percent \(i < points / 2 ? 71 : 80) \(end - (points - 1 - i) * 300)")
        }
        lines.append("# TYPE deployments counter")
        for i in 0..<points {
            lines.append(#"deployments_total{service="checkout",env="prod",status="success"} \#(i / 48) \#(end - (points - 1 - i) * 300)"#)
        }
        lines.append("# EOF")
        return lines.joined(separator: "\n") + "\n"
    }

    /// Both servers, with a firing alert and a history, and the pipeline seeing both fresh.
    static func start(alertmanagerThroughProxy: Bool, prometheusThroughProxy: Bool) async throws
        -> (am: AlertmanagerServer, prom: PrometheusServer, proxy: FaultProxy?, pipeline: Pipeline) {
        let am = try await AlertmanagerServer.start()
        let prom = try await PrometheusServer.start(history: history(now: Date()))
        try am.post([diskAlert])
        var proxy: FaultProxy?
        if alertmanagerThroughProxy { proxy = try FaultProxy(upstream: am.url) }
        if prometheusThroughProxy { proxy = try FaultProxy(upstream: prom.url) }
        let amURL = alertmanagerThroughProxy ? (proxy?.url ?? am.url) : am.url
        let promURL = prometheusThroughProxy ? (proxy?.url ?? prom.url) : prom.url
        let pipeline = Pipeline([try alertmanager(amURL), try prometheus(promURL)])
        try await pipeline.waitFor("both sources fresh") { _, lines in
            lines[0].contains("✓ all 2 sources fresh") && lines.contains { $0.contains("disk 97% on db-0") }
                && lines.contains { $0.contains("80.0%") }
        }
        return (am, prom, proxy, pipeline)
    }

    /// True when no panel fed by `id` shows a failure.
    static func panels(_ p: Pipeline, _ panels: [PanelID], areFresh: Bool) -> Bool {
        panels.allSatisfy { !p.border($0).contains("●") && p.border($0).contains(":") == areFresh }
    }

    static let prometheusPanels: [PanelID] = [.builds, .deployments, .quality]
    static let alertmanagerPanels: [PanelID] = [.outages, .pages, .response, .incidents]
}

// MARK: - Faults, one at a time, against the real servers

extension EndToEnd {
/// Each fault: the message on the panel, the other source's panels unaffected (still polled,
/// still fresh), and recovery on the next poll once the fault ends.
@Suite(.serialized) struct FaultPipelineTests {
    @Test func aKilledAlertmanagerIsRefusedAndRecoversOnTheNextPollOnceBackOnItsPort() async throws {
        let (am, prom, _, p) = try await Faults.start(alertmanagerThroughProxy: false, prometheusThroughProxy: false)
        defer { p.stop(); am.stop(); prom.stop() }
        let port = am.process.port

        am.stop()
        let killedAt = Date()
        let lines = try await p.waitFor("connection refused on the incidents panel") { _, _ in
            p.border(.incidents).contains("● am: Alertmanager http://127.0.0.1:\(port): connection refused")
        }
        #expect(p.border(.incidents).contains("retry in"), "\(p.border(.incidents))")
        #expect(lines[0].contains("am: Alertmanager http://127.0.0.1:\(port): connection refused"))
        #expect(lines.contains { $0.contains("disk 97% on db-0") })          // the data stays
        for panel in [PanelID.outages, .pages, .response] {
            #expect(p.border(panel).contains("● am: connection refused"), "\(panel): \(p.border(panel))")
        }
        // Prometheus keeps being polled, and its panels stay fresh.
        try await p.waitFor("Prometheus polled after the kill") { _, _ in
            p.lastSuccess("prom") > killedAt.addingTimeInterval(1.5)
        }
        #expect(Faults.panels(p, Faults.prometheusPanels, areFresh: true))

        let back = try await AlertmanagerServer.restart(onPort: port)
        defer { back.stop() }
        try AlertmanagerServer.post([AlertmanagerServer.Alert(labels: ["alertname": "Back", "severity": "warning"],
                                                              annotations: ["summary": "after the restart"])], port: port)
        let backAt = Date()
        try await p.waitFor("recovered with the new alert", timeout: 10) { state, lines in
            state.sources["am"]?.lastError == nil && lines.contains { $0.contains("after the restart") }
        }
        // The next poll after the fault ended succeeded: no failure ended later.
        #expect(p.failures(of: "am", after: backAt.addingTimeInterval(0.5)).isEmpty)
        #expect(Faults.panels(p, Faults.alertmanagerPanels, areFresh: true))
        #expect(p.screen()[0].contains("✓ all 2 sources fresh"))
    }

    @Test func aPausedPrometheusTimesOutAndRecoversOnTheNextPollAfterSIGCONT() async throws {
        let (am, prom, _, p) = try await Faults.start(alertmanagerThroughProxy: false, prometheusThroughProxy: false)
        defer { p.stop(); am.stop(); prom.stop() }
        let pid = prom.process.pid
        kill(pid, SIGSTOP)
        var paused = true
        defer { if paused { kill(pid, SIGCONT) } }

        let lines = try await p.waitFor("timed out on the Prometheus panels") { _, _ in
            Faults.prometheusPanels.allSatisfy { p.border($0).contains("● prom: timed out") }
        }
        // The source's own message (the header sums up, and on a loaded machine Alertmanager's
        // 1 s polls may fail too, which the header then reports as "am, prom failing").
        #expect(p.state.sources["prom"]?.lastError?.contains("all 2 Prometheus queries failed: timed out after 1s") == true,
                "\(p.state.sources["prom"]?.lastError ?? "no error")")
        #expect(lines[0].contains("prom"), "\(lines[0])")
        #expect(lines.contains { $0.contains("80.0%") })                     // the data stays
        // Alertmanager keeps updating: a new alert shows while Prometheus hangs.
        try am.post([AlertmanagerServer.Alert(labels: ["alertname": "HighCPU", "service": "api", "severity": "warning"],
                                              annotations: ["summary": "cpu 99% on api-3"])])
        try await p.waitFor("the new alert during the pause") { _, lines in lines.contains { $0.contains("cpu 99% on api-3") } }
        #expect(Faults.panels(p, Faults.alertmanagerPanels, areFresh: true))
        #expect(p.state.sources["prom"]?.lastError != nil)

        kill(pid, SIGCONT)
        paused = false
        let resumedAt = Date()
        try await p.waitFor("Prometheus recovered", timeout: 10) { state, _ in state.sources["prom"]?.lastError == nil }
        #expect(p.failures(of: "prom", after: resumedAt.addingTimeInterval(1.2)).isEmpty)
        #expect(Faults.panels(p, Faults.prometheusPanels, areFresh: true))
    }

    @Test func tooManyRequestsShowsTheRetryAndTheRunnerWaitsAtLeastRetryAfter() async throws {
        let (am, prom, proxy, p) = try await Faults.start(alertmanagerThroughProxy: true, prometheusThroughProxy: false)
        defer { p.stop(); am.stop(); prom.stop() }
        let fault = try #require(proxy)
        defer { fault.stop() }

        fault.set(.tooManyRequests(retryAfterSeconds: 3))
        let limitedAt = Date()
        try await p.waitFor("HTTP 429 on the incidents panel") { _, _ in
            p.border(.incidents).contains("HTTP 429") && p.border(.incidents).contains("retry in 10s")
        }
        #expect(p.state.sources["am"]?.lastError?.contains("the server asks to wait 3s") == true)
        let retryAt = try #require(p.state.sources["am"]?.nextRetryAt)
        let failedAt = try #require(p.state.sources["am"]?.lastErrorAt)
        #expect(retryAt.timeIntervalSince(failedAt) >= 3)
        // Two polls answered 429: the second came no sooner than Retry-After after the first.
        try await p.waitFor("a second rate-limited poll", timeout: 10) { _, _ in
            fault.exchanges.filter { $0.mode == .tooManyRequests(retryAfterSeconds: 3) && $0.path == "/api/v2/alerts" }.count >= 2
        }
        let limited = fault.exchanges.filter { $0.mode == .tooManyRequests(retryAfterSeconds: 3) && $0.path == "/api/v2/alerts" }
        #expect(limited[1].at.timeIntervalSince(limited[0].at) >= 2.95, "\(limited.map(\.at))")
        #expect(p.lastSuccess("prom") > limitedAt.addingTimeInterval(1))
        #expect(Faults.panels(p, Faults.prometheusPanels, areFresh: true))

        fault.set(.passThrough)
        let endedAt = Date()
        try await p.waitFor("recovered", timeout: 10) { state, _ in state.sources["am"]?.lastError == nil }
        #expect(p.failures(of: "am", after: endedAt.addingTimeInterval(0.5)).isEmpty)
        #expect(Faults.panels(p, Faults.alertmanagerPanels, areFresh: true))
    }

    @Test func aServerErrorIsShownWhileTheOtherSourceKeepsUpdating() async throws {
        let (am, prom, proxy, p) = try await Faults.start(alertmanagerThroughProxy: false, prometheusThroughProxy: true)
        defer { p.stop(); am.stop(); prom.stop() }
        let fault = try #require(proxy)
        defer { fault.stop() }

        fault.set(.status(500))
        let lines = try await p.waitFor("HTTP 500 on the Prometheus panels") { _, _ in
            Faults.prometheusPanels.allSatisfy { p.border($0).contains("● prom: HTTP 500") }
        }
        #expect(lines[0].contains("HTTP 500"))
        #expect(lines.contains { $0.contains("80.0%") })
        try am.post([AlertmanagerServer.Alert(labels: ["alertname": "HighCPU", "service": "api", "severity": "warning"],
                                              annotations: ["summary": "cpu 99% on api-3"])])
        try await p.waitFor("the new alert during the fault") { _, lines in lines.contains { $0.contains("cpu 99% on api-3") } }
        #expect(Faults.panels(p, Faults.alertmanagerPanels, areFresh: true))

        fault.set(.passThrough)
        let endedAt = Date()
        try await p.waitFor("recovered", timeout: 10) { state, _ in state.sources["prom"]?.lastError == nil }
        #expect(p.failures(of: "prom", after: endedAt.addingTimeInterval(0.5)).isEmpty)
        #expect(Faults.panels(p, Faults.prometheusPanels, areFresh: true))
    }

    @Test func truncatedJSONIsAMalformedResponse() async throws {
        let (am, prom, proxy, p) = try await Faults.start(alertmanagerThroughProxy: true, prometheusThroughProxy: false)
        defer { p.stop(); am.stop(); prom.stop() }
        let fault = try #require(proxy)
        defer { fault.stop() }

        fault.set(.truncate(afterBytes: 60))
        let since = Date()
        try await p.waitFor("malformed on the Alertmanager panels") { _, _ in
            p.border(.incidents).contains("● am: Alertmanager alerts: not valid JSON")
                && p.border(.outages).contains("● am: malformed response")
        }
        #expect(p.screen().contains { $0.contains("disk 97% on db-0") })
        try await p.waitFor("Prometheus polled meanwhile") { _, _ in p.lastSuccess("prom") > since.addingTimeInterval(1) }
        #expect(Faults.panels(p, Faults.prometheusPanels, areFresh: true))

        fault.set(.passThrough)
        let endedAt = Date()
        try await p.waitFor("recovered", timeout: 10) { state, _ in state.sources["am"]?.lastError == nil }
        #expect(p.failures(of: "am", after: endedAt.addingTimeInterval(0.5)).isEmpty)
    }
}
}


// MARK: - The built binary in tmux

extension EndToEnd {
@Suite(.serialized) struct FaultEndToEndTests {
    /// `vigil` with a config pointing at an Alertmanager through the fault proxy: a 500 shows
    /// with its retry, and the screen recovers once the proxy passes requests through again.
    @Test func aServerErrorShowsWithItsRetryAndTheScreenRecovers() async throws {
        guard TmuxSession.tmuxAvailable else { throw E2EError.missing("tmux is not installed: run scripts/test") }
        guard let bin = TmuxSession.binary else { throw E2EError.missing("no built vigil binary: run scripts/test") }
        let am = try await AlertmanagerServer.start()
        defer { am.stop() }
        try am.post([Faults.diskAlert])
        let proxy = try FaultProxy(upstream: am.url)
        defer { proxy.stop() }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-e2e-fault-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let config = dir.appendingPathComponent("config.yaml")
        try E2EConfig.writeAlertmanager(url: proxy.url, timeout: "1s", to: config)

        let repo = TmuxSession.repo.path
        let t = try TmuxSession(width: 120, height: 40, command:
            "\(bin) --config \(config.path) --themes-dir \(repo)/themes; echo EXIT=$?")
        try t.waitFor(timeout: 20, "the alert, fresh") { $0.contains("disk 97% on db-0") && $0.contains("source fresh") }

        proxy.set(.status(500))
        let failing = try t.waitFor(timeout: 15, "the error and its retry") { $0.contains("HTTP 500") && $0.contains("retry in") }
        #expect(failing.contains { $0.contains("disk 97% on db-0") })        // the data stays
        #expect(failing.contains { $0.contains("Incidents") && $0.contains("● am: HTTP 500") && $0.contains("retry in") })

        proxy.set(.passThrough)
        try t.waitFor(timeout: 20, "recovered") { screen in
            !screen.contains("HTTP 500") && screen.contains("source fresh") && screen.contains("disk 97% on db-0")
        }
        try t.send(keys: ["q"])
        try t.waitFor("EXIT=0")
    }
}
}

