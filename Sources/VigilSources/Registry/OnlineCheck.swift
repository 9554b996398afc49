import Foundation
import VigilCore

/// What `vigil check-config --online` found out about one source with one cheap real call or
/// two: whether it answers, accepts the credentials, and what they allow. Never holds a secret.
public struct OnlineCheck: Sendable, Hashable {
    /// Whether the source can be used as configured.
    public var passed: Bool
    /// What was found, a short sentence each ("reachable, API key accepted", "the key can act").
    public var findings: [String]

    /// Creates a result.
    public init(passed: Bool, findings: [String]) { self.passed = passed; self.findings = findings }

    /// The default check of a kind without its own: build the source and poll it once.
    public static func byPolling(_ source: any Source, now: Date) async -> OnlineCheck {
        do {
            let result = try await source.poll(now: now)
            var findings = ["reachable; one poll answered"]
            let s = result.snapshot
            let counts = [s.incidents.map { "\($0.count) incidents" }, s.deployments.map { "\($0.count) deployments" },
                          s.builds.map { "\($0.count) CI runs" }, s.series.map { "\($0.count) series" }].compactMap { $0 }
            if !counts.isEmpty { findings[0] += " (\(counts.joined(separator: ", ")))" }
            findings += result.warnings.map { "warning: \($0.message)" }
            return OnlineCheck(passed: result.warnings.isEmpty, findings: findings)
        } catch let error as SourceError {
            return OnlineCheck(passed: false, findings: ["\(error.kind.label): \(error.message)"])
        } catch {
            return OnlineCheck(passed: false, findings: ["\(error)"])
        }
    }
}
