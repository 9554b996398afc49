import Foundation
import Logging
import VigilCore
import VigilLog
import VigilSources

/// The runner's log: one record per poll, at a level that keeps a wall monitor's log quiet
/// for weeks (failures and changes of warnings stand out; a healthy poll is `debug`).
extension SourceRunner {
    /// The level of a poll's record: a failure, or an answer with new warnings, at `warning`; an
    /// answer that ends a run of failures or clears the warnings at `info`; any other at `debug`.
    static func level(of attempt: Attempt, recovered: Bool, warningsChanged: Bool) -> Logger.Level {
        if attempt.error != nil { return .warning }
        let warned = attempt.result?.warnings.isEmpty == false
        if warningsChanged && warned { return .warning }
        return recovered || warningsChanged ? .info : .debug
    }

    /// The poll's outcome in the log, at `level(of:recovered:warningsChanged:)`, with the retry
    /// decision after a failure; the source and the duration as metadata.
    static func log(_ attempt: Attempt, _ source: any Source, failures: Int, next: Duration, recovered: Bool = false,
                    warningsChanged: Bool = false) {
        let level = level(of: attempt, recovered: recovered, warningsChanged: warningsChanged)
        // Nothing is put together for a record the level leaves out (a poll every few seconds).
        guard logger.logLevel <= level else { return }
        var metadata: Logger.Metadata = [
            "source": .string(source.id), "duration_ms": .stringConvertible(Int((attempt.duration.seconds * 1_000).rounded())),
            "next_in": .string(format(next)),
        ]
        if let error = attempt.error {
            metadata["kind"] = .string(error.kind.label)
            metadata["error"] = .string(error.message)
            metadata["failures"] = .stringConvertible(failures)
            if let wait = attempt.retryAfter { metadata["retry_after"] = .string(format(wait)) }
            logger.warning("poll failed; \(error.isTransient ? "retrying with back-off" : "trying again at the next interval")",
                           metadata: metadata)
            return
        }
        let snapshot = attempt.result?.snapshot
        for (key, count) in [("incidents", snapshot?.incidents?.count), ("deployments", snapshot?.deployments?.count),
                             ("builds", snapshot?.builds?.count), ("series", snapshot?.series?.count)] {
            if let count { metadata[key] = .stringConvertible(count) }
        }
        if let warnings = attempt.result?.warnings, !warnings.isEmpty {
            metadata["warnings"] = .string(warnings.map(\.message).joined(separator: "; "))
        }
        if let quota = attempt.result?.quota {
            metadata["quota_left"] = .string("\(quota.remaining)/\(quota.limit)")
        }
        let warned = attempt.result?.warnings.isEmpty == false
        let message: Logger.Message = warningsChanged && warned ? "poll answered with warnings"
            : warningsChanged ? "poll ok, warnings cleared" : recovered ? "poll ok again" : "poll ok"
        logger.log(level: level, message, metadata: metadata)
    }

    static let logger = VigilLogging.logger("vigil.poll")
}
