import Foundation
@testable import VigilCore

/// 2026-11-26 12:00:00 UTC, a Thursday.
let noon = Date(timeIntervalSince1970: 1_795_694_400)
let hour: TimeInterval = 3_600
let day: TimeInterval = 86_400

func incident(_ id: String, service: String = "checkout", severity: Severity = .high, triggered: TimeInterval,
              acked: TimeInterval? = nil, resolved: TimeInterval? = nil, paged: Bool = true,
              source: String = "test") -> Incident {
    Incident(id: id, source: source, sourceKey: id, title: "Incident \(id)", service: service, severity: severity,
             status: resolved != nil ? .resolved : (acked != nil ? .acknowledged : .triggered),
             triggeredAt: noon.addingTimeInterval(triggered),
             acknowledgedAt: acked.map { noon.addingTimeInterval($0) }, acknowledgedBy: acked.map { _ in "bob" },
             resolvedAt: resolved.map { noon.addingTimeInterval($0) }, paged: paged)
}

func deploy(_ id: String, service: String = "checkout", version: String, at: TimeInterval,
            outcome: DeploymentOutcome = .success, env: String = "production", rollback: Bool = false,
            commitAgo: TimeInterval? = nil, rework: Bool = false) -> Deployment {
    Deployment(id: id, service: service, environment: env, version: version, at: noon.addingTimeInterval(at),
               outcome: outcome, markedRollback: rollback,
               commitAt: commitAgo.map { noon.addingTimeInterval(at - $0) }, markedRework: rework)
}

func run(_ id: String, started: TimeInterval, minutes: Double?, _ c: BuildConclusion = .success,
         pipeline: String = "CI") -> BuildRun {
    BuildRun(id: id, pipeline: pipeline, startedAt: noon.addingTimeInterval(started),
             finishedAt: minutes.map { noon.addingTimeInterval(started + $0 * 60) }, conclusion: c)
}
