// Deterministic inputs at issue 5's scale, shared by the benchmarks and by vigil-profile (the
// same workloads as a plain executable, for callgrind or perf). Nothing here is timed.

import Foundation
import VigilCore
import VigilRender
import VigilSources

/// Deterministic inputs. Nothing here is timed.
public enum Inputs {
    /// 2026-11-26 12:00:00 UTC, the tests' noon.
    public static let now = Date(timeIntervalSince1970: 1_795_694_400)
    static let day: TimeInterval = 86_400

    /// A state to render, its view context, and the frame a minute before.
    public struct Frame: Sendable {
        /// The state, at `Inputs.now`.
        public let state: AppState
        /// Colours and glyphs as on a 256-colour UTF-8 terminal.
        public let context: ViewContext
        /// The frame rendered a minute before `now`, when asked for.
        public let previous: CellGrid?

        /// Builds `incidents` open incidents, 100,000 deployments, 10,000 CI runs and hourly series.
        public init(width: Int, height: Int, incidents: Int, withPrevious: Bool = false) {
            var rng = SplitMix64(seed: 42)
            let snapshot = SourceSnapshot(
                incidents: Inputs.openIncidents(incidents, &rng),
                deployments: Inputs.deployments(100_000, over: 90 * Inputs.day, &rng),
                builds: Inputs.builds(10_000, over: 30 * Inputs.day, &rng),
                series: Inputs.series(&rng))
            var state = Inputs.state(size: Size(width: width, height: height), at: Inputs.now.addingTimeInterval(-60))
            _ = reduce(&state, .polled("bench", snapshot, at: Inputs.now.addingTimeInterval(-60)))
            let context = ViewContext(theme: Theme.builtinDefault, glyphs: .unicode)
            self.context = context
            previous = withPrevious ? DashboardView.render(state, context) : nil
            _ = reduce(&state, .tick(Inputs.now))
            self.state = state
        }
    }

    /// An empty state with one source, the way the app starts one.
    static func state(size: Size, at time: Date) -> AppState {
        var state = AppState(now: time, size: size, user: "alice", title: "bench", sources: [("bench", 30)])
        state.window = .week
        return state
    }

    static let services = ["checkout", "payments", "search", "inventory", "auth", "api-gateway", "notifications",
                           "catalog", "orders", "shipping", "pricing", "recommendations", "reviews", "accounts",
                           "billing", "ledger", "fraud", "media", "cdn-edge", "warehouse", "reporting", "identity",
                           "messaging", "scheduler"]
    static let people = ["Aisha Okafor", "marcus.chen", "bob", "alice", "Priya Raman", "j.smith", "Chen Wei", "ops-bot"]
    static let pipelines = ["CI", "deploy", "nightly", "e2e", "lint", "release", "docs", "mobile", "infra", "perf",
                            "security-scan", "migrations"]
    static let titles = ["error rate above threshold", "p99 latency > 2s", "pod restarting repeatedly",
                         "disk will fill in 4 hours", "consumer lag growing", "TLS certificate expires soon",
                         "5xx responses from upstream", "queue depth above 10k", "replica lag > 30s",
                         "memory usage above 90%"]

    /// Open incidents (triggered or acknowledged) started over the last 30 days, shaped like the
    /// Alertmanager adapter's: labels, a timeline entry and links.
    static func openIncidents(_ count: Int, _ rng: inout SplitMix64) -> [Incident] {
        (0..<count).map { i in
            let service = services[rng.below(services.count)]
            let triggered = now.addingTimeInterval(-Double(rng.below(Int(30 * day))) - 60)
            let acked = rng.below(100) < 40
            let ackAt = triggered.addingTimeInterval(Double(rng.below(3_600)))
            return Incident(
                id: "AM-\(String(format: "%016llx", rng.next()))", source: "bench", sourceKey: "\(i)",
                title: "\(service) \(titles[rng.below(titles.count)]) (#\(i))", service: service,
                severity: severity(rng.below(100)), status: acked ? .acknowledged : .triggered,
                triggeredAt: triggered, acknowledgedAt: acked ? ackAt : nil,
                acknowledgedBy: acked ? people[rng.below(people.count)] : nil,
                paged: rng.below(100) < 30,
                labels: [KeyValue("alertname", "Alert\(rng.below(50))"), KeyValue("env", "prod"),
                         KeyValue("service", service), KeyValue("team", "team-\(rng.below(6))")],
                timeline: [TimelineEntry(at: triggered, text: "Alert started firing")],
                links: [Link(title: "Runbook", url: "https://runbooks.example/\(service)")])
        }
    }

    /// 5% SEV1, 15% SEV2, 50% SEV3, 30% SEV4.
    static func severity(_ percent: Int) -> Severity {
        percent < 5 ? .critical : percent < 20 ? .high : percent < 70 ? .warning : .info
    }

    /// Resolved incidents (a few still open), started over `span` before now.
    static func historicIncidents(_ count: Int, over span: TimeInterval, _ rng: inout SplitMix64) -> [Incident] {
        (0..<count).map { i in
            let service = services[rng.below(services.count)]
            let triggered = now.addingTimeInterval(-Double(rng.below(Int(span))) - 60)
            let open = rng.below(100) < 2
            let ackAt = triggered.addingTimeInterval(Double(rng.below(3_600)))
            let resolvedAt = ackAt.addingTimeInterval(Double(rng.below(6 * 3_600)))
            let resolved = !open && resolvedAt < now
            return Incident(
                id: "PD-\(i)", source: "bench", sourceKey: "\(i)", number: i,
                title: "\(service) \(titles[rng.below(titles.count)])", service: service,
                severity: severity(rng.below(100)), status: resolved ? .resolved : .acknowledged,
                triggeredAt: triggered, acknowledgedAt: ackAt, acknowledgedBy: people[rng.below(people.count)],
                resolvedAt: resolved ? resolvedAt : nil, paged: rng.below(100) < 60)
        }
    }

    /// Deployments over `span` before now: 80% production, 92% successful, 5% failed, 1% marked
    /// rollbacks, versions rising per service with an occasional earlier one (an unmarked rollback).
    static func deployments(_ count: Int, over span: TimeInterval, _ rng: inout SplitMix64) -> [Deployment] {
        var version = [String: Int]()
        return (0..<count).map { i in
            let service = services[rng.below(services.count)]
            let at = now.addingTimeInterval(-span + span * Double(i) / Double(count))
            var v = version[service, default: 100] + 1
            if rng.below(100) < 2 { v -= 3 }
            version[service] = v
            let roll = rng.below(100)
            return Deployment(
                id: "deploy-\(i)", service: service, environment: rng.below(100) < 80 ? "production" : "staging",
                version: "v1.\(v).\(rng.below(10))", at: at,
                outcome: roll < 92 ? .success : (roll < 97 ? .failure : .inProgress),
                markedRollback: rng.below(100) < 1,
                commitAt: at.addingTimeInterval(-Double(rng.below(2 * Int(day)))))
        }
    }

    /// CI runs over `span` before now, most finished.
    static func builds(_ count: Int, over span: TimeInterval, _ rng: inout SplitMix64) -> [BuildRun] {
        (0..<count).map { i in
            let started = now.addingTimeInterval(-span + span * Double(i) / Double(count))
            let finished = started.addingTimeInterval(Double(60 + rng.below(1_800)))
            let roll = rng.below(100)
            let conclusion: BuildConclusion = roll < 85 ? .success : roll < 93 ? .failure : roll < 97 ? .cancelled
                : roll < 99 ? .skipped : .timedOut
            return BuildRun(id: "run-\(i)", pipeline: pipelines[rng.below(pipelines.count)], startedAt: started,
                            finishedAt: finished < now ? finished : nil,
                            conclusion: finished < now ? conclusion : .inProgress)
        }
    }

    /// Hourly coverage over 60 days and hourly latency / error series of 8 services over 14 days.
    static func series(_ rng: inout SplitMix64) -> [MetricSeries] {
        func hourly(_ key: SeriesKey, days: Int, base: Double, spread: Double) -> MetricSeries {
            let n = days * 24
            return MetricSeries(key: key, samples: (0..<n).map { h in
                Sample(at: now.addingTimeInterval(-Double(n - h) * 3_600),
                       value: base + spread * Double(rng.below(1_000)) / 1_000)
            })
        }
        var out = [hourly(SeriesKey(.coverage), days: 60, base: 70, spread: 5)]
        for service in services.prefix(8) {
            out.append(hourly(SeriesKey(.latencyP50, service: service), days: 14, base: 0.05, spread: 0.1))
            out.append(hourly(SeriesKey(.latencyP99, service: service), days: 14, base: 0.5, spread: 2))
            out.append(hourly(SeriesKey(.errorRate, service: service), days: 14, base: 0, spread: 0.02))
        }
        return out
    }

    /// A state holding `events` events over 60 days: 20% incidents, 40% deployments, 40% CI runs.
    public static func metricsState(events: Int) -> AppState {
        var rng = SplitMix64(seed: 7)
        let incidents = events / 5, deploys = events * 2 / 5, runs = events - incidents - deploys
        let snapshot = SourceSnapshot(
            incidents: historicIncidents(incidents, over: 60 * day, &rng),
            deployments: deployments(deploys, over: 60 * day, &rng),
            builds: builds(runs, over: 60 * day, &rng),
            series: series(&rng))
        var state = state(size: Size(width: 120, height: 40), at: now)
        _ = reduce(&state, .polled("bench", snapshot, at: now))
        return state
    }

    /// The events of `metricsState(events:)` dealt round-robin to `sources` sources ("bench-0",
    /// "bench-1", …), as a dashboard over several PagerDuty, GitHub and CI sources holds them.
    public static func metricsState(events: Int, sources: Int) -> AppState {
        let one = metricsState(events: events).sources["bench"]?.snapshot ?? SourceSnapshot()
        func deal<T>(_ list: [T]?, _ k: Int) -> [T] {
            stride(from: k, to: list?.count ?? 0, by: sources).map { list![$0] }
        }
        let ids = (0..<sources).map { "bench-\($0)" }
        var state = AppState(now: now, size: Size(width: 120, height: 40), user: "alice", title: "bench",
                             sources: ids.map { ($0, 30) })
        state.window = .week
        for (k, id) in ids.enumerated() {
            let snapshot = SourceSnapshot(incidents: deal(one.incidents, k), deployments: deal(one.deployments, k),
                                          builds: deal(one.builds, k), series: k == 0 ? one.series : nil)
            _ = reduce(&state, .polled(id, snapshot, at: now))
        }
        return state
    }

    /// The snapshot a poll later: the oldest open incident resolved, one deployment (an earlier
    /// version: a rollback) and one CI run more.
    public static func polled(_ s: SourceSnapshot) -> SourceSnapshot {
        var s = s
        if let k = s.incidents?.firstIndex(where: { $0.isOpen }) {
            s.incidents?[k].status = .resolved
            s.incidents?[k].resolvedAt = now.addingTimeInterval(-30)
        }
        s.deployments?.append(Deployment(id: "deploy-polled", service: services[0], environment: "production",
                                         version: "v1.100.0", at: now.addingTimeInterval(-20), outcome: .success))
        s.builds?.append(BuildRun(id: "run-polled", pipeline: pipelines[0], startedAt: now.addingTimeInterval(-600),
                                  finishedAt: now.addingTimeInterval(-10), conclusion: .success))
        return s
    }

    /// A `GET /api/v2/alerts` answer of Alertmanager 0.25's shape (as in sample-data/), `count`
    /// alerts, some silenced and some inhibited.
    public static func alertmanagerAlerts(count: Int) -> Data {
        var rng = SplitMix64(seed: 3)
        let stamp = ISO8601DateFormatter()
        stamp.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        var out = "["
        out.reserveCapacity(count * 1_500)
        for i in 0..<count {
            let service = services[rng.below(services.count)]
            let title = titles[rng.below(titles.count)]
            let severity = ["critical", "warning", "warning", "info", "page"][rng.below(5)]
            let starts = now.addingTimeInterval(-Double(rng.below(Int(7 * day))))
            let silenced = rng.below(100) < 20 ? "\"\(String(format: "%08x", rng.next() & 0xffff_ffff))-silence\"" : ""
            let inhibited = rng.below(100) < 5 ? "\"\(String(format: "%016llx", rng.next()))\"" : ""
            if i > 0 { out += "," }
            out += """

              {
                "annotations": {
                  "description": "\(service): \(title). See the runbook for triage steps.",
                  "summary": "\(service) \(title) (#\(i))",
                  "runbook_url": "https://runbooks.example/\(service)/\(i % 40)",
                  "dashboard_url": "https://grafana.example/d/\(service)-overview/\(service)?orgId=1"
                },
                "endsAt": "\(stamp.string(from: now.addingTimeInterval(240)))",
                "fingerprint": "\(String(format: "%016llx", rng.next()))",
                "receivers": [{"name": "slack-\(service)"}],
                "startsAt": "\(stamp.string(from: starts))",
                "status": {"inhibitedBy": [\(inhibited)], "silencedBy": [\(silenced)], "state": "\(silenced.isEmpty ? "active" : "suppressed")"},
                "updatedAt": "\(stamp.string(from: now))",
                "generatorURL": "https://prometheus.example/graph?g0.expr=up%7Bservice%3D%22\(service)%22%7D+%3D%3D+0&g0.tab=1",
                "labels": {
                  "alertname": "Alert\(rng.below(60))",
                  "env": "prod",
                  "namespace": "\(service)",
                  "service": "\(service)",
                  "severity": "\(severity)",
                  "team": "team-\(rng.below(6))"
                }
              }
            """
        }
        out += "\n]\n"
        return Data(out.utf8)
    }

    /// A grid of varied glyphs and styles; different seeds differ in every cell.
    public static func grid(_ width: Int, _ height: Int, seed: UInt64) -> CellGrid {
        var grid = CellGrid(width: width, height: height)
        let glyphs: [Character] = ["a", "b", "c", "─", "│", "▁", "▅", "█", "●", "1", "2", "x"]
        let styles = [Theme.builtinDefault[.text], Theme.builtinDefault[.textDim], Theme.builtinDefault[.header],
                      Theme.builtinDefault[.healthError]]
        for y in 0..<height {
            for x in 0..<width {
                // The glyph index differs for seeds 1 and 2 in every cell.
                let g = (x * 7 + y * 3 + Int(seed)) % glyphs.count
                grid[x, y] = Cell(glyphs[g], style: styles[(x + y + Int(seed)) % styles.count])
            }
        }
        return grid
    }
}


extension Event {
    /// A poll of `id` that brought `snapshot` at `at`, with nothing wrong beside it.
    public static func polled(_ id: SourceID, _ snapshot: SourceSnapshot, at: Date) -> Event {
        .sourcePolled(id, PollReport(outcome: .updated(snapshot, warnings: []), at: at, duration: 0,
                                     consecutiveFailures: 0, nextPollAt: nil))
    }
}
