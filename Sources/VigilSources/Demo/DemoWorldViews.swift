import Foundation
import VigilCore

extension DemoWorld {
    // MARK: - Views

    /// Everything as of `now`.
    func snapshot(at now: Date) -> SourceSnapshot {
        let cutoff = now.addingTimeInterval(-DemoWorld.horizon)
        let incidentViews = incidents.compactMap { $0.view(at: now, user: userActions[$0.base.id]) }
            .filter { $0.triggeredAt >= cutoff || $0.isOpen }
            .sorted { ($0.triggeredAt, $0.id) < ($1.triggeredAt, $1.id) }
        let buildViews = builds.compactMap { $0.view(at: now) }
            .filter { $0.startedAt >= cutoff }
            .sorted { ($0.startedAt, $0.id) < ($1.startedAt, $1.id) }
        let deployViews = deploys.compactMap { $0.view(at: now) }
            .filter { $0.at >= cutoff }
            .sorted { ($0.at, $0.id) < ($1.at, $1.id) }
        return SourceSnapshot(incidents: incidentViews, deployments: deployViews, builds: buildViews,
                              series: seriesViews(at: now, cutoff: cutoff), onCall: onCall(at: now),
                              silences: silences(for: incidentViews, at: now))
    }

    /// A rota of twelve-hour shifts: on each policy a teammate at level 1 and the next at level
    /// 2, turning every shift; the engineer takes the first policy's level 1 two shifts from now
    /// (the header's "your next shift"), and the picker of people has someone to reassign to.
    func onCall(at now: Date) -> [OnCallShift] {
        let shift: TimeInterval = 12 * 3_600
        let k = (now.timeIntervalSince1970 / shift).rounded(.down)
        let start = Date(timeIntervalSince1970: k * shift), end = start.addingTimeInterval(shift)
        let n = teammates.count
        var shifts: [OnCallShift] = []
        for (p, policy) in policies.enumerated() {
            let first = (Int(k) + p) % n
            shifts.append(OnCallShift(person: teammates[first], policy: policy, level: 1, start: start, end: end))
            if n > 1 {
                shifts.append(OnCallShift(person: teammates[(first + 1) % n], policy: policy, level: 2, start: start, end: end))
            }
        }
        shifts.append(OnCallShift(person: user, policy: policies[0], level: 1, start: end.addingTimeInterval(shift),
                                  end: end.addingTimeInterval(2 * shift), isMe: true))
        return shifts
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
}
