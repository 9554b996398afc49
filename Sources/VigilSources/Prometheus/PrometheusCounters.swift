import Foundation
import VigilCore

/// Counter feeds (`deployments`, `builds`): each rise of a counter series becomes that many events.
extension PrometheusSource {
    /// The most events one counter query may produce in one poll. A counter that rises faster
    /// than this is not counting deployments or CI runs (a request counter, say).
    static let maximumEvents = 200_000

    /// One rise of a counter: how many events, at which time, with which stable stamp.
    struct Rise: Hashable {
        var labels: [String: String]
        var at: Date
        var stamp: Int64
        var count: Int
    }

    /// The rises of every series, summed over series that share the labels in `keep`.
    static func rises(of all: [PrometheusDecoder.LabelledSeries], keep: (([String: String]) -> [String: String]),
                      grid: Grid) throws -> [Rise] {
        var totals: [[String: String]: [Int64: (at: Date, count: Int)]] = [:]
        var events = 0
        for series in all {
            let key = keep(series.labels)
            var previous: Double?
            for sample in series.samples {
                defer { previous = sample.value }
                guard let before = previous else { continue }
                let rise = sample.value >= before ? sample.value - before : sample.value
                let count = Int(exactly: rise.rounded()) ?? 0
                guard count > 0 else { continue }
                // Checked before adding: a huge rise must not overflow the sum (fuzz finding F2).
                guard count <= maximumEvents - events else {
                    throw SourceError(.tooLarge, "more than \(maximumEvents) events in the lookback: is this a counter of "
                        + "deployments or CI runs?")
                }
                events += count
                let time = sample.at.timeIntervalSince1970
                // A sample time no Int64 can hold is bad data, not a crash (fuzz finding F1).
                guard let stamp = Int64(exactly: grid.boundary(after: time).rounded()) else {
                    throw SourceError(.malformed, "sample time \(time) is out of range")
                }
                let entry = totals[key, default: [:]][stamp]
                // The partial step's point (at `now`) carries the stamp of the next grid point.
                let at = entry.map { min($0.at, sample.at) } ?? sample.at
                totals[key, default: [:]][stamp] = (at, (entry?.count ?? 0) + count)
            }
        }
        var out: [Rise] = []
        for (labels, byStamp) in totals {
            for (stamp, entry) in byStamp { out.append(Rise(labels: labels, at: entry.at, stamp: stamp, count: entry.count)) }
        }
        return out
    }

    /// Deployments from a counter with service, env and status labels.
    func deployments(from series: [PrometheusDecoder.LabelledSeries], grid: Grid) throws -> [Deployment] {
        let serviceLabel = settings.serviceLabel
        let rises = try Self.rises(of: series, keep: { labels in
            [
                "service": labels[serviceLabel] ?? labels["service"] ?? "unknown",
                "env": labels["env"] ?? labels["environment"] ?? "production",
                "status": (labels["status"] ?? "success").lowercased(),
            ]
        }, grid: grid)
        var out: [Deployment] = []
        for rise in rises {
            let service = rise.labels["service"] ?? "unknown"
            let env = rise.labels["env"] ?? "production"
            let status = rise.labels["status"] ?? "success"
            guard let (outcome, rollback) = Self.deploymentOutcome(status) else { continue }
            for k in 0..<rise.count {
                out.append(Deployment(
                    id: "prom-\(settings.id)-\(service)-\(env)-\(status)-\(rise.stamp)-\(k)",
                    service: service, environment: env, version: "", at: rise.at,
                    outcome: outcome, markedRollback: rollback))
            }
        }
        return out
    }

    /// CI runs from a counter with pipeline and status labels.
    func builds(from series: [PrometheusDecoder.LabelledSeries], grid: Grid) throws -> [BuildRun] {
        let rises = try Self.rises(of: series, keep: { labels in
            [
                "pipeline": labels["pipeline"] ?? labels["workflow"] ?? "unknown",
                "status": (labels["status"] ?? "success").lowercased(),
            ]
        }, grid: grid)
        var out: [BuildRun] = []
        for rise in rises {
            let pipeline = rise.labels["pipeline"] ?? "unknown"
            let status = rise.labels["status"] ?? "success"
            guard let conclusion = Self.buildConclusion(status) else { continue }
            for k in 0..<rise.count {
                out.append(BuildRun(
                    id: "prom-\(settings.id)-\(pipeline)-\(status)-\(rise.stamp)-\(k)",
                    pipeline: pipeline, startedAt: rise.at, finishedAt: rise.at, conclusion: conclusion))
            }
        }
        return out
    }

    /// Outcome and rollback flag for a deployment `status` label; nil for statuses that are not
    /// a finished deployment (those series are ignored).
    static func deploymentOutcome(_ status: String) -> (DeploymentOutcome, Bool)? {
        switch status {
        case "success", "succeeded", "successful", "ok", "done": return (.success, false)
        case "failure", "failed", "fail", "error", "errored": return (.failure, false)
        case "rollback", "rolledback", "rolled_back", "rolled-back": return (.success, true)
        default: return nil
        }
    }

    /// Conclusion for a CI run `status` label; nil for statuses that are not a finished run.
    static func buildConclusion(_ status: String) -> BuildConclusion? {
        switch status {
        case "success", "succeeded", "successful", "ok", "passed": return .success
        case "failure", "failed", "fail", "error", "errored": return .failure
        case "cancelled", "canceled", "aborted": return .cancelled
        case "timed_out", "timedout", "timeout": return .timedOut
        case "skipped": return .skipped
        default: return nil
        }
    }

    /// One message for a poll in which every query failed: the common cause once when they
    /// share it (a server that is down), else each query's error.
    static func summary(of messages: [String], count: Int) -> String {
        let causes = messages.map { message -> String in
            guard let range = message.range(of: " query failed: ") else { return message }
            return String(message[range.upperBound...])
        }
        if let first = causes.first, causes.allSatisfy({ $0 == first }) {
            return count == 1 ? (messages.first ?? first) : "all \(count) Prometheus queries failed: \(first)"
        }
        return messages.joined(separator: "; ")
    }
}
