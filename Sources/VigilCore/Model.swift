import Foundation

/// Identifies one configured source (for example `demo`, `pagerduty`, `alertmanager-eu`).
public typealias SourceID = String

/// How bad an incident is. Lower raw value is more severe; `critical` is an outage by default.
public enum Severity: Int, Sendable, Hashable, Comparable, CaseIterable, Codable {
    case critical = 1, high = 2, warning = 3, info = 4

    /// Short label shown in tables ("SEV1" … "SEV4").
    public var label: String { "SEV\(rawValue)" }

    /// Orders the most severe first.
    public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs.rawValue < rhs.rawValue }

    /// Maps the words sources use (PagerDuty priorities, Alertmanager severity labels, Opsgenie P1–P5).
    public init?(word: String) {
        switch word.lowercased() {
        case "sev1", "p1", "critical", "page", "disaster", "emergency": self = .critical
        case "sev2", "p2", "high", "error", "major": self = .high
        case "sev3", "p3", "warning", "warn", "moderate", "minor": self = .warning
        case "sev4", "sev5", "p4", "p5", "info", "low", "none": self = .info
        default: return nil
        }
    }
}

/// Where an incident is in its life cycle, as the source reports it.
public enum IncidentStatus: String, Sendable, Hashable, Codable {
    case triggered, acknowledged, resolved
}

/// One line of an incident's timeline.
public struct TimelineEntry: Sendable, Hashable, Codable {
    /// When it happened.
    public var at: Date
    /// What happened, in words.
    public var text: String
    /// Creates an entry.
    public init(at: Date, text: String) { self.at = at; self.text = text }
}

extension TimelineEntry {
    /// The text of the entry that opens every Alertmanager incident's timeline, at its start.
    public static let alertStartedFiring = "Alert started firing"
    /// Opening entries many incidents have, differing only in time (index 0: none). An incident
    /// keeps such an entry as its index and time, not as a list of one (`Incident.timeline`).
    static let openings = ["", alertStartedFiring]
}

/// A titled link (runbook, dashboard, the incident at its source).
public struct Link: Sendable, Hashable, Codable {
    /// What the link is.
    public var title: String
    /// Where it points.
    public var url: String
    /// Creates a link.
    public init(title: String, url: String) { self.title = title; self.url = url }
}

/// An ordered key/value pair (labels keep the order the source gave them).
public struct KeyValue: Sendable, Hashable, Codable {
    /// The key.
    public var key: String
    /// The value.
    public var value: String
    /// Creates a pair.
    public init(_ key: String, _ value: String) { self.key = key; self.value = value }
}

/// How a deployment ended.
public enum DeploymentOutcome: String, Sendable, Hashable, Codable {
    case success, failure, inProgress
}

/// One deployment of one service to one environment.
public struct Deployment: Sendable, Hashable, Identifiable {
    /// Unique id (for example the CI run id).
    public var id: String
    /// The service deployed.
    public var service: String
    /// Environment name; production is `production` or `prod`.
    public var environment: String
    /// Version deployed, compared with `VersionOrder` to detect rollbacks.
    public var version: String
    /// When it finished (or started, while in progress).
    public var at: Date
    /// How it ended.
    public var outcome: DeploymentOutcome
    /// Whether the source marks it as a rollback (a rollback workflow, a `rollback` label).
    public var markedRollback: Bool
    /// Commit time, when known, for lead time.
    public var commitAt: Date?
    /// Whether the source marks it as rework: unplanned, made to fix a user-facing problem (its
    /// branch, workflow or commit message matched the source's rework patterns, e.g. `hotfix`).
    public var markedRework: Bool

    /// Creates a deployment.
    public init(id: String, service: String, environment: String, version: String, at: Date,
                outcome: DeploymentOutcome, markedRollback: Bool = false, commitAt: Date? = nil,
                markedRework: Bool = false) {
        self.id = id; self.service = service; self.environment = environment; self.version = version
        self.at = at; self.outcome = outcome; self.markedRollback = markedRollback; self.commitAt = commitAt
        self.markedRework = markedRework
    }

    /// True for the production environment.
    public var isProduction: Bool {
        let e = environment.lowercased()
        return e == "production" || e == "prod" || e == "prd"
    }
}

/// How a CI run ended.
public enum BuildConclusion: String, Sendable, Hashable, Codable {
    case success, failure, cancelled, timedOut, skipped, inProgress
}

/// One CI pipeline run.
public struct BuildRun: Sendable, Hashable, Identifiable {
    /// Unique id.
    public var id: String
    /// Pipeline or workflow name.
    public var pipeline: String
    /// When it started.
    public var startedAt: Date
    /// When it finished; nil while in progress.
    public var finishedAt: Date?
    /// How it ended.
    public var conclusion: BuildConclusion

    /// Creates a run.
    public init(id: String, pipeline: String, startedAt: Date, finishedAt: Date?, conclusion: BuildConclusion) {
        self.id = id; self.pipeline = pipeline; self.startedAt = startedAt; self.finishedAt = finishedAt
        self.conclusion = conclusion
    }

    /// Wall-clock duration of a finished run.
    public var duration: TimeInterval? { finishedAt.map { $0.timeIntervalSince(startedAt) } }
}

/// One timestamped value.
public struct Sample: Sendable, Hashable {
    /// When.
    public var at: Date
    /// The value.
    public var value: Double
    /// Creates a sample.
    public init(at: Date, value: Double) { self.at = at; self.value = value }
}

/// The kinds of series the dashboard knows how to show.
public enum SeriesKind: String, Sendable, Hashable, Codable, CaseIterable {
    /// Code coverage, percent 0–100.
    case coverage
    /// Request latency p50, seconds.
    case latencyP50
    /// Request latency p99, seconds.
    case latencyP99
    /// Error ratio 0–1.
    case errorRate
}

/// Identifies one series: a kind, for one service (or "" for all).
public struct SeriesKey: Sendable, Hashable {
    /// Which figure.
    public var kind: SeriesKind
    /// Which service; empty for a project-wide figure such as coverage.
    public var service: String
    /// Creates a key.
    public init(_ kind: SeriesKind, service: String = "") { self.kind = kind; self.service = service }
}

/// A time series from a metrics source, oldest sample first.
public struct MetricSeries: Sendable, Hashable {
    /// What it measures.
    public var key: SeriesKey
    /// The samples, oldest first.
    public var samples: [Sample]
    /// Creates a series.
    public init(key: SeriesKey, samples: [Sample]) { self.key = key; self.samples = samples }
}

/// Everything one source knows right now. A nil field means "this source does not provide it";
/// an empty array means "provides it, and there is none".
public struct SourceSnapshot: Sendable, Hashable {
    /// Incidents and alerts.
    public var incidents: [Incident]?
    /// Deployments.
    public var deployments: [Deployment]?
    /// CI runs.
    public var builds: [BuildRun]?
    /// Metric series.
    public var series: [MetricSeries]?
    /// Who is on call (current shifts, and the engineer's own next one).
    public var onCall: [OnCallShift]?
    /// Its silences (Alertmanager), nil from a source that has none.
    public var silences: [SilenceInfo]?

    /// Creates a snapshot.
    public init(incidents: [Incident]? = nil, deployments: [Deployment]? = nil, builds: [BuildRun]? = nil,
                series: [MetricSeries]? = nil, onCall: [OnCallShift]? = nil, silences: [SilenceInfo]? = nil) {
        self.incidents = incidents; self.deployments = deployments; self.builds = builds; self.series = series
        self.onCall = onCall; self.silences = silences
    }
}
