import Foundation
import VigilCore

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
    /// The engineer at this Vigil (on the rota too).
    let user: String
    /// The escalation policies of the recorded incidents, for the on-call rota.
    let policies: [String]
    let series: [DemoSeries]
    private(set) var incidents: [DemoIncident]
    private(set) var builds: [DemoBuild]
    private(set) var deploys: [DemoDeploy]
    private(set) var userActions: [String: DemoUserActions] = [:]
    /// Silences extended or expired from the silences view, by id.
    var silenceChanges: [String: DemoSilenceChange] = [:]
    private(set) var generatedSlots = 0
    private var versions: [String: [Int]] = [:]
    private var nextNumber: Int
    private var nextRunID: Int
    private let templates: [String: [Incident]]
    private let pagerDutyBase: String?
    let source: SourceID

    init(source: SourceID, startedAt: Date, services: [String], user: String, incidents: [Incident],
         alerts: [Incident], builds: [BuildRun], deployments: [Deployment], series: [MetricSeries]) {
        self.source = source
        self.startedAt = startedAt
        let allServices = services.isEmpty ? Array(Set(incidents.map(\.service))).sorted() : services
        self.services = allServices.isEmpty ? ["app"] : allServices
        let names = Set(incidents.compactMap(\.acknowledgedBy)).subtracting([user]).sorted()
        teammates = names.isEmpty ? ["Priya Raman", "Marcus Chen", "Sofia Alvarez"] : names
        self.user = user
        let policyNames = Set(incidents.compactMap { $0.labels.first { $0.key == "escalation_policy" }?.value })
        policies = policyNames.isEmpty ? ["demo on-call"] : policyNames.sorted()
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
        userActions = userActions.filter { known.contains($0.key) }
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

    // MARK: - Acknowledgement

    /// Records `user`'s acknowledgement of incident `id` at `now`, or says why not.
    mutating func acknowledge(id: String, by user: String, at now: Date) throws(SourceError) -> ActionConfirmation {
        try perform(.acknowledge, id: id, by: user, at: now)
    }

    /// Does what the engineer asked, as PagerDuty would: refuses unknown and resolved incidents
    /// (and acknowledging an acknowledged one) with a `SourceError` saying so; otherwise the next
    /// poll shows the result.
    mutating func perform(_ action: IncidentAction, id: String, by user: String, at now: Date) throws(SourceError)
        -> ActionConfirmation {
        guard let item = incidents.first(where: { $0.base.id == id }),
              let current = item.view(at: now, user: userActions[id])
        else { throw SourceError(.rejected, "unknown incident \(id)") }
        if current.status == .resolved {
            throw SourceError(.rejected, "\(id) is already resolved")
        }
        let confirmation = ActionConfirmation(by: user, at: now)
        var mine = userActions[id] ?? DemoUserActions()
        switch action {
        case .acknowledge:
            if current.status == .acknowledged {
                let by = current.acknowledgedBy ?? "someone"
                let at = current.acknowledgedAt.map { " at \(DemoWorld.clock($0))" } ?? ""
                throw SourceError(.rejected, "\(id) is already acknowledged by \(by)\(at)")
            }
            mine.ack = confirmation
        case .resolve:
            mine.resolve = confirmation
        case .snooze(let seconds):
            if current.status == .triggered { mine.ack = confirmation }
            mine.timeline.append(TimelineEntry(at: now, text: "Snoozed for \(DurationText.format(.seconds(seconds))) by \(user)."))
        case .note(let text):
            mine.timeline.append(TimelineEntry(at: now, text: "Note by \(user): \(text)"))
        case .reassign(let to):
            mine.assignee = to
            mine.timeline.append(TimelineEntry(at: now, text: "Reassigned to \(to) by \(user)."))
        case .escalate:
            mine.timeline.append(TimelineEntry(at: now, text: "Escalated to the next level by \(user)."))
        case .unacknowledge:
            throw SourceError(.notSupported, "the demo cannot take back an acknowledgement")
        }
        userActions[id] = mine
        return confirmation
    }

    /// "14:02" in the local time zone.
    static func clock(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone.current
        let parts = calendar.dateComponents([.hour, .minute], from: date)
        return String(format: "%02d:%02d", parts.hour ?? 0, parts.minute ?? 0)
    }
}
