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
    func view(at now: Date, user: DemoUserActions?) -> Incident? {
        guard base.triggeredAt <= now else { return nil }
        var incident = base
        var timeline = base.timeline.filter { $0.at <= now }
        if incident.status == .triggered {
            let acks = [user?.ack, plannedAck].compactMap { $0 }.filter { $0.at <= now && $0.at >= base.triggeredAt }
            if let first = acks.min(by: { $0.at < $1.at }) {
                incident.status = .acknowledged
                incident.acknowledgedAt = first.at
                incident.acknowledgedBy = first.by
                timeline.append(TimelineEntry(at: first.at, text: isAlert
                    ? "Silenced by \(first.by)" : "Acknowledged by \(first.by)."))
            }
        }
        timeline += notes.filter { $0.at <= now }
        if let user {
            timeline += user.timeline.filter { $0.at <= now }
            if let to = user.assignee {
                incident.labels.removeAll { $0.key == "assignee" }
                incident.labels.append(KeyValue("assignee", to))
            }
            if incident.status != .resolved, let resolve = user.resolve, resolve.at <= now {
                incident.status = .resolved
                incident.resolvedAt = resolve.at
                timeline.append(TimelineEntry(at: resolve.at, text: "Resolved by \(resolve.by)."))
            }
        }
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

/// What the engineer at this Vigil did to one demo incident.
struct DemoUserActions: Sendable, Hashable {
    /// Their acknowledgement.
    var ack: ActionConfirmation?
    /// Their resolution.
    var resolve: ActionConfirmation?
    /// Lines they added: notes, snoozes, reassignments, escalations.
    var timeline: [TimelineEntry] = []
    /// Whom they reassigned it to.
    var assignee: String?
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
