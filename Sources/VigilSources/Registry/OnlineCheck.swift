import Foundation
import VigilCore

/// What `vigil check-config --online` found out about one source with one cheap real call or
/// two: whether it answers, over TLS, accepts the credentials, what they allow, the quota left,
/// the server's version and, for Prometheus, what each query returns. Never holds a secret.
///
/// A kind's check fills what only it can know (`access` after a probe, `version`, `queries`);
/// `SourceConfig.check` fills the rest from the failure that stopped the check (`stoppedBy`)
/// and from the settings (`completed(endpoints:credentials:actions:)`).
public struct OnlineCheck: Sendable, Hashable {
    /// Whether the source can be used as configured.
    public var passed: Bool
    /// What was found, a short sentence each ("reachable, API key accepted", "the key can act").
    public var findings: [String]
    /// The kind of failure that stopped the check before the source answered, if one did.
    public var stoppedBy: SourceError.Kind?
    /// Whether the server was reached.
    public var reachable: Answer = .unknown
    /// Whether TLS was used and held (`.notApplicable`: plain HTTP).
    public var tls: Answer = .unknown
    /// Whether the credentials were accepted (`.notApplicable`: none are sent).
    public var authenticated: Answer = .unknown
    /// The server answered without the credentials too: they are sent, but nothing checks them
    /// (a proxy meant to require them, missing). Only said where a kind asked (Prometheus,
    /// Alertmanager).
    public var credentialsNotAsked = false
    /// What the credentials allow.
    public var access: Access = .unknown
    /// The request quota left, when the server says.
    public var quota: RateQuota?
    /// The server's version, when it says (Prometheus buildinfo, Alertmanager status, Jenkins's
    /// `X-Jenkins`, GitHub Enterprise's `X-GitHub-Enterprise-Version`).
    public var version: String?
    /// Prometheus: what each query returns now.
    public var queries: [QueryCheck] = []

    /// Yes, no, not known (the check stopped before it could tell), or not applicable.
    public enum Answer: Sendable, Hashable {
        case yes, no, unknown, notApplicable
    }

    /// What the credentials allow.
    public enum Access: Sendable, Hashable {
        /// Not known: the check stopped first.
        case unknown
        /// The source only reads: its kind (or its settings) offers no action.
        case readOnly
        /// The source's actions are offered, and a probe that changes nothing showed they are allowed.
        case canAct
        /// The source's actions are offered but the credentials may not take them.
        case refused
        /// The source's actions are offered, and nothing cheap can tell whether they are allowed.
        case notChecked
    }

    /// What one PromQL query returns at the time of the check.
    public struct QueryCheck: Sendable, Hashable {
        /// Its name (the feed: "deployments").
        public var name: String
        /// How many series it returns now; nil when it failed.
        public var series: Int?
        /// The label names across those series, sorted (`__name__` left out).
        public var labels: [String]
        /// Why it failed, or what is wrong with what it returns (a label the panel needs).
        public var problem: String?

        /// Creates a result.
        public init(name: String, series: Int?, labels: [String] = [], problem: String? = nil) {
            self.name = name; self.series = series; self.labels = labels; self.problem = problem
        }
    }

    /// Creates a result.
    public init(passed: Bool, findings: [String], stoppedBy: SourceError.Kind? = nil) {
        self.passed = passed; self.findings = findings; self.stoppedBy = stoppedBy
    }

    /// A check stopped by `error` before the source answered: its message, after the kind of
    /// failure unless the message already says it ("connection refused: … connection refused").
    /// An error that is not a `SourceError` counts as not reaching the source.
    public init(stoppedBy error: any Error) {
        guard let error = error as? SourceError else {
            self.init(passed: false, findings: ["\(error)"], stoppedBy: .unreachable)
            return
        }
        let label = error.kind.label
        let said = error.message.range(of: label, options: .caseInsensitive) != nil
        self.init(passed: false, findings: [said ? error.message : "\(label): \(error.message)"], stoppedBy: error.kind)
    }

    /// The default check of a kind without its own: build the source and poll it once.
    public static func byPolling(_ source: any Source, now: Date) async -> OnlineCheck {
        do {
            let result = try await source.poll(now: now)
            var findings = ["reachable; one poll answered"]
            let s = result.snapshot
            let counts = [s.incidents.map { "\($0.count) incidents" }, s.deployments.map { "\($0.count) deployments" },
                          s.builds.map { "\($0.count) CI runs" }, s.series.map { "\($0.count) series" }].compactMap { $0 }
            if !counts.isEmpty { findings[0] += " (\(counts.joined(separator: ", ")))" }
            // A warning fails the check (a query or a cluster member that does not answer):
            // said as the problem it is, not as a warning.
            findings += result.warnings.map(\.message)
            var check = OnlineCheck(passed: result.warnings.isEmpty, findings: findings)
            check.quota = result.quota
            return check
        } catch {
            return OnlineCheck(stoppedBy: error)
        }
    }

    /// Fills what the kind's check left unknown, from where the check stopped and the settings:
    /// `endpoints` (https ones use TLS), whether `credentials` are sent, and the `actions` the
    /// source offers (none: read only). A source without endpoints (the demo) reaches nothing.
    public func completed(endpoints: [URL], credentials: Bool, actions: Set<ActionKind>) -> OnlineCheck {
        var c = self
        let secure = !endpoints.isEmpty && endpoints.allSatisfy { $0.scheme?.lowercased() == "https" }
        let reached: Bool
        switch stoppedBy {
        case nil:
            reached = true
            if c.authenticated == .unknown { c.authenticated = credentials ? .yes : .notApplicable }
        case .refused?, .unreachable?, .dns?, .timedOut?:
            reached = false
        case .tls?:
            reached = true
            if c.tls == .unknown { c.tls = .no }
        case .unauthorised?:
            reached = true
            if c.authenticated == .unknown { c.authenticated = credentials ? .no : .notApplicable }
        case .forbidden?:
            reached = true
            if c.authenticated == .unknown { c.authenticated = credentials ? .yes : .notApplicable }
            if c.access == .unknown { c.access = .refused }
        default:
            reached = true
            if c.authenticated == .unknown && !credentials { c.authenticated = .notApplicable }
        }
        if !credentials { c.authenticated = .notApplicable }
        if endpoints.isEmpty {
            // Nothing remote: the source answers in-process, and takes its actions there.
            c.reachable = .notApplicable
            c.tls = .notApplicable
            if c.access == .unknown && stoppedBy == nil && !actions.isEmpty { c.access = .canAct }
        } else {
            if c.reachable == .unknown { c.reachable = reached ? .yes : .no }
            if c.tls == .unknown { c.tls = !secure ? .notApplicable : reached ? .yes : .unknown }
        }
        // What the credentials allow is known only once the source answered.
        if c.access == .unknown && stoppedBy == nil {
            c.access = actions.isEmpty ? .readOnly : .notChecked
        }
        return c
    }
}
