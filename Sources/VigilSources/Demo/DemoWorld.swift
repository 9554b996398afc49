import Foundation
import VigilCore

/// An incident of the demo, with what is planned to happen to it after the demo started.
struct DemoIncident: Sendable {
    /// The incident as of its trigger (history: as of the scenario's end).
    var base: Incident
    /// A teammate's acknowledgement, if one is planned.
    var plannedAck: ActionConfirmation?
    /// When it will be resolved, if it will.
    var plannedResolve: Date?
    /// Timeline lines that appear once their time has come.
    var notes: [TimelineEntry] = []
    /// True for alerts (resolve without a person).
    var isAlert = false

    /// The incident as the source reports it at `now`; nil before it was triggered.
    func view(at now: Date, userAck: ActionConfirmation?) -> Incident? {
        guard base.triggeredAt <= now else { return nil }
        var incident = base
        var timeline = base.timeline.filter { $0.at <= now }
        if incident.status == .triggered {
            let acks = [userAck, plannedAck].compactMap { $0 }.filter { $0.at <= now && $0.at >= base.triggeredAt }
            if let first = acks.min(by: { $0.at < $1.at }) {
                incident.status = .acknowledged
                incident.acknowledgedAt = first.at
                incident.acknowledgedBy = first.by
                timeline.append(TimelineEntry(at: first.at, text: isAlert
                    ? "Silenced by \(first.by)" : "Acknowledged by \(first.by)."))
            }
        }
        timeline += notes.filter { $0.at <= now }
        if incident.status != .resolved, let resolve = plannedResolve, resolve <= now {
            incident.status = .resolved
            incident.resolvedAt = resolve
            let text = isAlert ? "Alert resolved" : (incident.acknowledgedBy.map { "Resolved by \($0)." } ?? "Resolved through the API.")
            timeline.append(TimelineEntry(at: resolve, text: text))
        }
        incident.timeline = timeline.enumerated()
            .sorted { ($0.element.at, $0.offset) < ($1.element.at, $1.offset) }
            .map(\.element)
        return incident
    }

    /// The latest time anything happens to it (for pruning).
    var lastEvent: Date {
        [base.resolvedAt, plannedResolve].compactMap { $0 }.min() ?? .distantFuture
    }
}

/// A CI run of the demo, finishing as planned.
struct DemoBuild: Sendable {
    var base: BuildRun
    var plannedFinish: Date?
    var plannedConclusion: BuildConclusion = .success

    func view(at now: Date) -> BuildRun? {
        guard base.startedAt <= now else { return nil }
        var run = base
        if run.finishedAt == nil, let finish = plannedFinish, finish <= now {
            run.finishedAt = finish
            run.conclusion = plannedConclusion
        }
        return run
    }
}

/// A deployment of the demo, finishing as planned.
struct DemoDeploy: Sendable {
    var base: Deployment
    var startedAt: Date
    var plannedFinish: Date?
    var plannedOutcome: DeploymentOutcome = .success

    func view(at now: Date) -> Deployment? {
        guard startedAt <= now else { return nil }
        var deploy = base
        if deploy.outcome == .inProgress, let finish = plannedFinish, finish <= now {
            deploy.outcome = plannedOutcome
            deploy.at = finish
        }
        return deploy
    }
}

/// A metric series of the demo: its history, and how to continue it.
struct DemoSeries: Sendable {
    var key: SeriesKey
    var history: [Sample]
    var step: TimeInterval
    /// Median by hour of day (UTC) of the history, for the daily rhythm.
    var hourly: [Double]
    var last: Sample?

    init(_ series: MetricSeries) {
        key = series.key
        history = series.samples
        last = series.samples.last
        let n = series.samples.count
        step = n >= 2 ? max(60, series.samples[n - 1].at.timeIntervalSince(series.samples[n - 2].at)) : 3600
        var buckets = [[Double]](repeating: [], count: 24)
        for sample in series.samples {
            buckets[DemoSeries.hour(sample.at)].append(sample.value)
        }
        let overall = DemoSeries.median(series.samples.map(\.value)) ?? 0
        hourly = buckets.map { DemoSeries.median($0) ?? overall }
    }

    static func hour(_ date: Date) -> Int {
        let seconds = date.timeIntervalSince1970.truncatingRemainder(dividingBy: 86_400)
        return (Int((seconds < 0 ? seconds + 86_400 : seconds) / 3600)) % 24
    }

    static func median(_ values: [Double]) -> Double? {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        return sorted[sorted.count / 2]
    }
}

/// Everything the demo knows: the shifted 30-day history plus what it generated since it started.
/// A pure function of elapsed time (and of the user's acknowledgements): live activity is generated
/// one slot at a time, in order, from a generator seeded by the slot number.
struct DemoWorld: Sendable {
    /// Length of one generation slot.
    static let slotLength: TimeInterval = 60
    /// How much history is kept while running: the 30-day scenario plus a day.
    static let horizon: TimeInterval = 31 * 86_400

    let startedAt: Date
    let services: [String]
    let teammates: [String]
    let series: [DemoSeries]
    private(set) var incidents: [DemoIncident]
    private(set) var builds: [DemoBuild]
    private(set) var deploys: [DemoDeploy]
    private(set) var userAcks: [String: ActionConfirmation] = [:]
    private(set) var generatedSlots = 0
    private var versions: [String: [Int]] = [:]
    private var nextNumber: Int
    private var nextRunID: Int
    private let templates: [String: [Incident]]
    private let pagerDutyBase: String?
    private let source: SourceID

    init(source: SourceID, startedAt: Date, services: [String], user: String, incidents: [Incident],
         alerts: [Incident], builds: [BuildRun], deployments: [Deployment], series: [MetricSeries]) {
        self.source = source
        self.startedAt = startedAt
        let allServices = services.isEmpty ? Array(Set(incidents.map(\.service))).sorted() : services
        self.services = allServices.isEmpty ? ["app"] : allServices
        let names = Set(incidents.compactMap(\.acknowledgedBy)).subtracting([user]).sorted()
        teammates = names.isEmpty ? ["Priya Raman", "Marcus Chen", "Sofia Alvarez"] : names
        self.series = series.map(DemoSeries.init)
        nextNumber = (incidents.compactMap(\.number).max() ?? 1000) + 1
        nextRunID = (builds.map(\.id) + deployments.map(\.id))
            .compactMap { Int($0.drop(while: { !$0.isNumber })) }.max().map { $0 + 1000 } ?? 1_000_000
        templates = Dictionary(grouping: incidents.filter { !$0.title.isEmpty }, by: \.service)
        pagerDutyBase = incidents.lazy.compactMap { incident in
            incident.links.first(where: { $0.title == "PagerDuty" }).map { link -> String in
                link.url.hasSuffix(incident.sourceKey) ? String(link.url.dropLast(incident.sourceKey.count)) : ""
            }
        }.first(where: { !$0.isEmpty })

        for deployment in deployments.sorted(by: { $0.at < $1.at }) where deployment.outcome != .failure {
            if let parts = DemoWorld.versionParts(deployment.version) { versions[deployment.service] = parts }
        }

        // Plans for what was still open at the end of the scenario.
        var planned: [DemoIncident] = []
        let teammates = self.teammates
        func teammate(_ key: String) -> String { teammates[Int(stableHash(key) % UInt64(teammates.count))] }
        for incident in incidents.sorted(by: { $0.triggeredAt < $1.triggeredAt }) {
            var item = DemoIncident(base: incident)
            if incident.isOpen {
                let h = stableUnit(incident.id, "plan")
                var ackAt = incident.acknowledgedAt ?? startedAt
                if incident.status == .triggered {
                    let delay = incident.paged ? 150 + h * 240 : 1_200 + h * 1_800
                    ackAt = max(startedAt, incident.triggeredAt).addingTimeInterval(delay)
                    item.plannedAck = ActionConfirmation(by: teammate(incident.id), at: ackAt)
                }
                let after: TimeInterval
                switch incident.severity {
                case .critical: after = 14 * 60 + h * 8 * 60
                case .high: after = 20 * 60 + h * 30 * 60
                case .warning: after = 25 * 60 + h * 50 * 60
                case .info: after = 2 * 3600 + h * 2 * 3600
                }
                item.plannedResolve = max(ackAt, startedAt).addingTimeInterval(after)
            }
            planned.append(item)
        }
        for alert in alerts.sorted(by: { $0.triggeredAt < $1.triggeredAt }) {
            var item = DemoIncident(base: alert, isAlert: true)
            if alert.isOpen {
                let related = planned.filter { $0.base.service == alert.service && $0.base.isOpen }
                    .compactMap(\.plannedResolve).min()
                let h = stableUnit(alert.id, "alert")
                item.plannedResolve = related.map { $0.addingTimeInterval(-(60 + h * 120)) }
                    ?? startedAt.addingTimeInterval(30 * 60 + h * 210 * 60)
            }
            planned.append(item)
        }
        self.incidents = planned

        self.builds = builds.map { run in
            var item = DemoBuild(base: run)
            if run.finishedAt == nil {
                let h = stableUnit(run.id, "build")
                item.plannedFinish = max(run.startedAt.addingTimeInterval(180 + h * 600),
                                         startedAt.addingTimeInterval(20 + h * 150))
                item.plannedConclusion = h < 0.9 ? .success : .failure
            }
            return item
        }
        self.deploys = deployments.map { deployment in
            var item = DemoDeploy(base: deployment, startedAt: deployment.at)
            if deployment.outcome == .inProgress {
                let h = stableUnit(deployment.id, "deploy")
                item.plannedFinish = max(deployment.at.addingTimeInterval(240 + h * 360),
                                         startedAt.addingTimeInterval(30 + h * 150))
                item.plannedOutcome = .success
            }
            return item
        }
    }

    // MARK: - Time passing

    /// Generates every slot that has started by `now`, and forgets what fell out of the horizon.
    mutating func advance(to now: Date) {
        let elapsed = now.timeIntervalSince(startedAt)
        guard elapsed >= 0 else { return }
        let target = Int(elapsed / DemoWorld.slotLength) + 1
        while generatedSlots < target {
            generate(slot: generatedSlots)
            generatedSlots += 1
        }
        let cutoff = now.addingTimeInterval(-DemoWorld.horizon)
        incidents.removeAll { $0.lastEvent < cutoff }
        builds.removeAll { ($0.base.finishedAt ?? $0.plannedFinish ?? .distantFuture) < cutoff }
        deploys.removeAll { max($0.base.at, $0.plannedFinish ?? $0.base.at) < cutoff }
        let known = Set(incidents.map(\.base.id))
        userAcks = userAcks.filter { known.contains($0.key) }
    }

    private mutating func generate(slot: Int) {
        var rng = SplitMix64(slot: slot, stream: 1)
        let slotStart = startedAt.addingTimeInterval(Double(slot) * DemoWorld.slotLength)

        // Rates close to the recorded month's (about 29 CI runs and 11 deploys a day), so the
        // figures and their trends do not drift while the demo runs.
        if rng.chance(0.02) {
            let start = slotStart.addingTimeInterval(rng.seconds(0...59))
            let duration = rng.seconds(180...900)
            let roll = rng.unit()
            let conclusion: BuildConclusion = roll < 0.9 ? .success : (roll < 0.975 ? .failure : .cancelled)
            let run = BuildRun(id: "GHA-\(takeRunID())", pipeline: "CI", startedAt: start, finishedAt: nil,
                               conclusion: .inProgress)
            builds.append(DemoBuild(base: run, plannedFinish: start.addingTimeInterval(
                conclusion == .cancelled ? duration * 0.4 : duration), plannedConclusion: conclusion))
        }

        if rng.chance(0.008), let service = rng.pick(services) {
            let production = rng.chance(0.75)
            let start = slotStart.addingTimeInterval(rng.seconds(0...59))
            let finish = start.addingTimeInterval(rng.seconds(240...720))
            let failed = rng.chance(production ? 0.07 : 0.04)
            var parts = versions[service] ?? [1, 0, 0]
            while parts.count < 3 { parts.append(0) }
            if rng.chance(0.1) {
                parts[1] += 1
                parts[2] = 0
            } else {
                parts[2] += 1
            }
            if production { versions[service] = parts }
            let version = "v" + parts.map(String.init).joined(separator: ".")
            let deployment = Deployment(id: "GHA-\(takeRunID())", service: service,
                                        environment: production ? "production" : "staging", version: version,
                                        at: start, outcome: .inProgress, markedRollback: false,
                                        commitAt: start.addingTimeInterval(-rng.seconds(900...36_000)))
            deploys.append(DemoDeploy(base: deployment, startedAt: start, plannedFinish: finish,
                                      plannedOutcome: failed ? .failure : .success))
            if failed && production && rng.chance(0.5) {
                let trigger = finish.addingTimeInterval(rng.seconds(240...2_400))
                let roll = 0.1 + rng.unit() * 0.5
                var incident = newIncident(service: service, at: trigger, rng: &rng, severityRoll: roll)
                incident.notes.append(TimelineEntry(at: trigger.addingTimeInterval(300),
                    text: "Note added by \(incident.plannedAck?.by ?? "on-call"): started after the failed \(service) \(version) deploy."))
                incidents.append(incident)
            }
        }

        // A page 3 minutes in and every 45 minutes after that, so there is always something to
        // acknowledge soon, plus the odd one in between.
        let scheduledPage = slot % 45 == 3
        if rng.chance(scheduledPage ? 1 : 0.002), let service = rng.pick(services) {
            let trigger = slotStart.addingTimeInterval(rng.seconds(0...59))
            let roll = rng.unit()
            incidents.append(newIncident(service: service, at: trigger, rng: &rng, severityRoll: roll))
        }
    }

    private mutating func takeRunID() -> Int {
        defer { nextRunID += 1 }
        return nextRunID
    }

    private mutating func newIncident(service: String, at trigger: Date, rng: inout SplitMix64,
                                      severityRoll: Double) -> DemoIncident {
        let severity: Severity = severityRoll < 0.04 ? .critical : severityRoll < 0.3 ? .high
            : severityRoll < 0.85 ? .warning : .info
        let paged = severity != .info || rng.chance(0.3)
        let letters = Array("ABCDEFGHJKLMNPQRSTUVWXYZ0123456789")
        let key = "Q" + String((0..<6).map { _ in letters[rng.int(0...(letters.count - 1))] })
        let number = nextNumber
        nextNumber += 1
        let candidates = templates[service] ?? []
        let sameSeverity = candidates.filter { $0.severity == severity }
        let template = rng.pick(sameSeverity.isEmpty ? candidates : sameSeverity)
        let title = template?.title ?? "\(service): error rate above threshold"
        let priority = "P\(severity.rawValue)"

        var labels = (template?.labels ?? []).filter { !["incident_key", "assignee", "urgency", "priority"].contains($0.key) }
        labels.insert(KeyValue("priority", priority), at: 0)
        labels.insert(KeyValue("urgency", paged ? "high" : "low"), at: 0)
        labels.append(KeyValue("incident_key", String(format: "%016llx", rng.next())))
        var links = (template?.links ?? []).filter { $0.title != "PagerDuty" && ($0.title != "Conference bridge" || severity == .critical) }
        if let base = pagerDutyBase { links.insert(Link(title: "PagerDuty", url: base + key), at: 0) }

        let incident = Incident(id: "PD-\(key)", source: source, sourceKey: key, number: number, title: title,
                                service: service, severity: severity, status: .triggered, triggeredAt: trigger,
                                paged: paged, labels: labels,
                                timeline: [TimelineEntry(at: trigger, text: "Triggered through the API.")], links: links)
        let ackDelay = paged ? rng.seconds(90...480) : rng.seconds(900...3_600)
        let ackAt = trigger.addingTimeInterval(ackDelay)
        let week = Int(ackAt.timeIntervalSince1970 / (7 * 86_400))
        let acker = teammates[((week % teammates.count) + teammates.count) % teammates.count]
        let work: ClosedRange<Double>
        switch severity {
        case .critical: work = 1_200...3_600
        case .high: work = 900...5_400
        case .warning: work = 600...7_200
        case .info: work = 3_600...18_000
        }
        return DemoIncident(base: incident, plannedAck: ActionConfirmation(by: acker, at: ackAt),
                            plannedResolve: ackAt.addingTimeInterval(rng.seconds(work)))
    }

    static func versionParts(_ version: String) -> [Int]? {
        let trimmed = version.drop(while: { $0 == "v" || $0 == "V" })
        let parts = trimmed.split(separator: ".").map { Int($0.prefix(while: \.isNumber)) }
        guard !parts.isEmpty, parts.allSatisfy({ $0 != nil }) else { return nil }
        return parts.compactMap { $0 }
    }

    // MARK: - Views

    /// Everything as of `now`.
    func snapshot(at now: Date) -> SourceSnapshot {
        let cutoff = now.addingTimeInterval(-DemoWorld.horizon)
        let incidentViews = incidents.compactMap { $0.view(at: now, userAck: userAcks[$0.base.id]) }
            .filter { $0.triggeredAt >= cutoff || $0.isOpen }
            .sorted { ($0.triggeredAt, $0.id) < ($1.triggeredAt, $1.id) }
        let buildViews = builds.compactMap { $0.view(at: now) }
            .filter { $0.startedAt >= cutoff }
            .sorted { ($0.startedAt, $0.id) < ($1.startedAt, $1.id) }
        let deployViews = deploys.compactMap { $0.view(at: now) }
            .filter { $0.at >= cutoff }
            .sorted { ($0.at, $0.id) < ($1.at, $1.id) }
        return SourceSnapshot(incidents: incidentViews, deployments: deployViews, builds: buildViews,
                              series: seriesViews(at: now, cutoff: cutoff))
    }

    private struct Disturbance {
        var start: Date
        var end: Date
        var severity: Severity
    }

    private func seriesViews(at now: Date, cutoff: Date) -> [MetricSeries] {
        // Open or live incidents that are severe enough to show in latency and errors after the start.
        var disturbances: [String: [Disturbance]] = [:]
        for item in incidents where !item.isAlert && item.base.severity <= .high {
            let end = item.base.resolvedAt ?? item.plannedResolve ?? .distantFuture
            guard end > startedAt else { continue }
            disturbances[item.base.service, default: []].append(
                Disturbance(start: item.base.triggeredAt, end: end, severity: item.base.severity))
        }
        let slotStart = startedAt.addingTimeInterval(
            (max(0, now.timeIntervalSince(startedAt)) / DemoWorld.slotLength).rounded(.down) * DemoWorld.slotLength)
        return series.map { model in
            var samples = model.history.filter { $0.at >= cutoff && $0.at <= now }
            guard let last = model.last else { return MetricSeries(key: model.key, samples: samples) }
            // Generated samples continue the history's grid; those before the cutoff are skipped
            // without being made, so a demo left running for weeks costs the same per poll.
            var index = 1
            let skipped = cutoff.timeIntervalSince(last.at) / model.step
            if skipped > 1 { index = Int(skipped.rounded(.down)) }
            var t = last.at.addingTimeInterval(Double(index) * model.step)
            while t <= now {
                if t >= cutoff { samples.append(Sample(at: t, value: value(model, at: t, index: index, disturbances))) }
                index += 1
                t = last.at.addingTimeInterval(Double(index) * model.step)
            }
            if model.key.kind != .coverage, slotStart > (samples.last?.at ?? last.at), slotStart <= now {
                samples.append(Sample(at: slotStart, value: value(model, at: slotStart, index: index, disturbances)))
            }
            return MetricSeries(key: model.key, samples: samples)
        }
    }

    private func value(_ model: DemoSeries, at t: Date, index: Int, _ disturbances: [String: [Disturbance]]) -> Double {
        let noiseKey = "\(model.key.kind.rawValue)|\(model.key.service)|\(Int(t.timeIntervalSince1970 / 60))"
        let noise = stableUnit(noiseKey, "noise")
        if model.key.kind == .coverage {
            let base = model.last?.value ?? 70
            return min(100, max(0, base + 0.04 * Double(index) + (noise - 0.5) * 0.3))
        }
        var value = model.hourly[DemoSeries.hour(t)] * (0.93 + noise * 0.14)
        let active = (disturbances[model.key.service] ?? []).filter { $0.start <= t && t <= $0.end }
        if let worst = active.map(\.severity).min() {
            let critical = worst == .critical
            switch model.key.kind {
            case .latencyP50: value *= critical ? 2.6 : 1.5
            case .latencyP99: value *= critical ? 6.0 : 2.4
            case .errorRate: value += critical ? 0.2 : 0.03
            case .coverage: break
            }
        }
        return value
    }

    // MARK: - Acknowledgement

    /// Records `user`'s acknowledgement of incident `id` at `now`, or says why not.
    mutating func acknowledge(id: String, by user: String, at now: Date) throws(SourceError) -> ActionConfirmation {
        guard let item = incidents.first(where: { $0.base.id == id }),
              let current = item.view(at: now, userAck: userAcks[id])
        else { throw SourceError(.rejected, "unknown incident \(id)") }
        switch current.status {
        case .resolved:
            throw SourceError(.rejected, "\(id) is already resolved")
        case .acknowledged:
            let by = current.acknowledgedBy ?? "someone"
            let at = current.acknowledgedAt.map { " at \(DemoWorld.clock($0))" } ?? ""
            throw SourceError(.rejected, "\(id) is already acknowledged by \(by)\(at)")
        case .triggered:
            let confirmation = ActionConfirmation(by: user, at: now)
            userAcks[id] = confirmation
            return confirmation
        }
    }

    /// "14:02" in the local time zone.
    static func clock(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone.current
        let parts = calendar.dateComponents([.hour, .minute], from: date)
        return String(format: "%02d:%02d", parts.hour ?? 0, parts.minute ?? 0)
    }
}
