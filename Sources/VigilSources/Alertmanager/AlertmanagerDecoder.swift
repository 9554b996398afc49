import Foundation
import VigilCore

/// Decodes Alertmanager v2 responses (`GET /api/v2/alerts`, `GET /api/v2/silences`) into
/// `Incident`s. Which labels carry the severity and the service, and which severities page a
/// person, are configurable.
public struct AlertmanagerDecoder: Sendable, Hashable {
    /// The label whose value is the severity word (`critical`, `warning`, …).
    public var severityLabel: String
    /// The label whose value is the service name.
    public var serviceLabel: String
    /// Severity words (lower case) that page a person.
    public var pagingSeverities: Set<String>

    /// Creates a decoder; the defaults follow the usual Prometheus alerting-rule conventions.
    public init(severityLabel: String = "severity", serviceLabel: String = "service",
                pagingSeverities: Set<String> = ["critical", "page"]) {
        self.severityLabel = severityLabel
        self.serviceLabel = serviceLabel
        self.pagingSeverities = Set(pagingSeverities.map { $0.lowercased() })
    }

    /// Decodes a `GET /api/v2/alerts` response (a JSON array of alerts).
    /// - Parameters:
    ///   - source: the id of the configured source that owns these alerts.
    ///   - silences: silences from `silences(from:)`; a silenced alert whose silence is known is
    ///     shown as acknowledged by the silence's author at the silence's start.
    public func incidents(from data: Data, source: SourceID,
                          silences: [AlertmanagerSilence] = []) throws(SourceError) -> [Incident] {
        let silenceByID = Dictionary(silences.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        return try Self.alerts(from: data).map { alert in
            let silence = alert.silencedBy.lazy.compactMap { silenceByID[$0] }.first
            return incident(from: alert, source: source,
                            acknowledgement: silence.map { AlertmanagerAcknowledgement(silence: $0, since: $0.startsAt) })
        }
    }

    /// Decodes a `GET /api/v2/alerts` response into alerts, without mapping them to incidents.
    public static func alerts(from data: Data) throws(SourceError) -> [AlertmanagerAlert] {
        var stream = AlertStream()
        do {
            try data.withUnsafeBytes { bytes in try stream.feed(bytes) }
        } catch let error as SourceError {
            throw error
        } catch {
            throw SourceError(.malformed, "Alertmanager alerts: \(error)")
        }
        return try stream.finish()
    }

    public static func silences(from data: Data) throws(SourceError) -> [AlertmanagerSilence] {
        let silences = try SourceJSON.decode([RawSilence].self, from: data, what: "Alertmanager silences")
        if let index = silences.firstIndex(where: { $0.id.isEmpty }) {
            throw SourceError(.malformed, "Alertmanager silences: silence \(index + 1) of \(silences.count) has an empty id; "
                              + "the answer does not follow the Alertmanager v2 API")
        }
        return silences.map(\.silence)
    }

    /// Decodes a `GET /api/v2/silence/{id}` response (one silence).
    public static func silence(from data: Data) throws(SourceError) -> AlertmanagerSilence {
        let silence = try SourceJSON.decode(RawSilence.self, from: data, what: "Alertmanager silence")
        guard !silence.id.isEmpty else {
            throw SourceError(.malformed, "Alertmanager silence: the silence has an empty id; the answer does not follow the Alertmanager v2 API")
        }
        return silence.silence
    }

    /// Maps one alert to an incident.
    /// - Parameter acknowledgement: the silence that acknowledges it, if known. The incident is
    ///   acknowledged when Alertmanager reports the alert silenced or when an acknowledgement is
    ///   given; who and when come from the acknowledgement (never earlier than the alert's start).
    public func incident(from alert: AlertmanagerAlert, source: SourceID,
                         acknowledgement: AlertmanagerAcknowledgement?) -> Incident {
        let labels = alert.labels
        let severityWord = labels[severityLabel]?.lowercased() ?? ""
        let acknowledged = alert.isSilenced || acknowledgement != nil

        var sortedLabels = labels.pairs   // shared with the alert
        if !alert.inhibitedBy.isEmpty {
            sortedLabels.append(KeyValue("inhibited_by", alert.inhibitedBy.joined(separator: ", ")))
        }

        var links: [Link] = []
        links.reserveCapacity(3)
        func add(_ title: String, _ url: String?) {
            guard let url = nonEmpty(url), !links.contains(where: { $0.url == url }) else { return }
            links.append(Link(title: title, url: url))
        }
        add("Runbook", alert.runbookURL)
        add("Dashboard", alert.dashboardURL)
        add("Prometheus", alert.generatorURL)

        var timeline = [TimelineEntry(at: alert.startsAt, text: TimelineEntry.alertStartedFiring)]
        if let acknowledgement {
            let silence = acknowledgement.silence
            let comment = nonEmpty(silence.comment).map { ": \($0)" } ?? ""
            timeline.append(TimelineEntry(at: max(acknowledgement.since, alert.startsAt),
                                          text: "Silenced by \(silence.createdBy)\(comment)"))
        }

        return Incident(
            id: "AM-\(alert.fingerprint)", source: source, sourceKey: alert.fingerprint, number: nil,
            title: nonEmpty(alert.summary) ?? nonEmpty(labels["alertname"]) ?? "Alert \(alert.fingerprint)",
            service: nonEmpty(labels[serviceLabel]) ?? nonEmpty(labels["job"]) ?? "unknown",
            severity: Severity(word: severityWord) ?? .warning,
            status: acknowledged ? .acknowledged : .triggered,
            triggeredAt: alert.startsAt,
            acknowledgedAt: acknowledgement.map { max($0.since, alert.startsAt) },
            acknowledgedBy: acknowledgement.flatMap { nonEmpty($0.silence.createdBy) },
            resolvedAt: nil, paged: pagingSeverities.contains(severityWord),
            labels: sortedLabels, timeline: timeline, links: links)
    }

    struct RawStatus: Decodable {
        var state: String?
        var silencedBy: [String]?
        var inhibitedBy: [String]?
    }

    /// The annotations Vigil shows; the others (a description, anything a team adds) are skipped
    /// while decoding rather than kept for nothing.
    struct RawAnnotations: Decodable {
        var summary: String?
        var runbook_url: String?
        var runbook: String?
        var dashboard_url: String?
        var dashboard: String?
    }

    struct RawAlert: Decodable {
        var fingerprint: String
        var labels: [String: String]?
        var annotations: RawAnnotations?
        var startsAt: Date
        var endsAt: Date?
        var updatedAt: Date?
        var status: RawStatus?
        var generatorURL: String?
    }

    struct RawSilenceStatus: Decodable {
        var state: String?
    }

    struct RawMatcher: Decodable {
        var name: String
        var value: String
        var isRegex: Bool?
        var isEqual: Bool?
    }

    struct RawSilence: Decodable {
        var id: String
        var createdBy: String?
        var comment: String?
        var startsAt: Date
        var endsAt: Date
        var updatedAt: Date?
        var status: RawSilenceStatus?
        var matchers: [RawMatcher]?

        var silence: AlertmanagerSilence {
            AlertmanagerSilence(
                // A silence cannot end before it starts (fuzz finding F4): such an end means it
                // ended as it began.
                id: id, createdBy: createdBy ?? "", comment: comment ?? "", startsAt: startsAt, endsAt: max(endsAt, startsAt),
                state: status?.state ?? "active",
                matchers: (matchers ?? []).map {
                    AlertmanagerMatcher(name: $0.name, value: $0.value, isRegex: $0.isRegex ?? false,
                                        isEqual: $0.isEqual ?? true)
                },
                updatedAt: updatedAt)
        }
    }
}

/// An Alertmanager silence: how Alertmanager users acknowledge alerts.
public struct AlertmanagerSilence: Sendable, Hashable {
    /// The silence id (a UUID).
    public var id: String
    /// Who created it.
    public var createdBy: String
    /// Why.
    public var comment: String
    /// When it started.
    public var startsAt: Date
    /// When it ends.
    public var endsAt: Date
    /// `active`, `pending` or `expired`.
    public var state: String
    /// Which alerts it silences: all of them must match.
    public var matchers: [AlertmanagerMatcher]
    /// When it was last changed (created, updated or expired), if known.
    public var updatedAt: Date?

    /// Creates a silence.
    public init(id: String, createdBy: String, comment: String, startsAt: Date, endsAt: Date, state: String,
                matchers: [AlertmanagerMatcher] = [], updatedAt: Date? = nil) {
        self.id = id; self.createdBy = createdBy; self.comment = comment; self.startsAt = startsAt
        self.endsAt = endsAt; self.state = state; self.matchers = matchers; self.updatedAt = updatedAt
    }

    /// True while it is in force.
    public var isActive: Bool { state == "active" }
}

/// One matcher of a silence: `name="value"`, `name!="value"`, `name=~"regex"` or `name!~"regex"`.
public struct AlertmanagerMatcher: Sendable, Hashable, Encodable {
    /// The label name.
    public var name: String
    /// The value, or a regular expression when `isRegex`.
    public var value: String
    /// Whether `value` is a regular expression (anchored at both ends, as in Alertmanager).
    public var isRegex: Bool
    /// False for a negative matcher (`!=`, `!~`).
    public var isEqual: Bool

    /// Creates a matcher; the default is an equality matcher.
    public init(name: String, value: String, isRegex: Bool = false, isEqual: Bool = true) {
        self.name = name; self.value = value; self.isRegex = isRegex; self.isEqual = isEqual
    }
}

/// One alert as Alertmanager reports it (`GET /api/v2/alerts`). Alertmanager lists only alerts
/// that still fire; a resolved alert is simply absent.
public struct AlertmanagerAlert: Sendable, Hashable {
    /// Alertmanager's hash of the label set: the same on every member of an HA cluster.
    public var fingerprint: String
    /// The identifying labels.
    public var labels: AlertLabels
    /// The `summary` annotation.
    public var summary: String?
    /// The `runbook_url` annotation (or `runbook`).
    public var runbookURL: String?
    /// The `dashboard_url` annotation (or `dashboard`).
    public var dashboardURL: String?
    /// When it started firing.
    public var startsAt: Date
    /// When it will resolve unless the sender repeats it.
    public var endsAt: Date?
    /// When Alertmanager last received it.
    public var updatedAt: Date?
    /// `active`, `suppressed` or `unprocessed`.
    public var state: String
    /// Ids of the silences that silence it.
    public var silencedBy: [String]
    /// Fingerprints of the alerts that inhibit it.
    public var inhibitedBy: [String]
    /// Link to the expression that fired it.
    public var generatorURL: String?

    /// Creates an alert. Of the annotations, Vigil keeps the ones it shows: `summary`,
    /// `runbook_url` (or `runbook`) and `dashboard_url` (or `dashboard`).
    public init(fingerprint: String, labels: [String: String], annotations: [String: String] = [:], startsAt: Date,
                endsAt: Date? = nil, updatedAt: Date? = nil, state: String = "active", silencedBy: [String] = [],
                inhibitedBy: [String] = [], generatorURL: String? = nil) {
        self.init(fingerprint: fingerprint, labels: AlertLabels(labels), summary: annotations["summary"],
                  runbookURL: annotations["runbook_url"] ?? annotations["runbook"],
                  dashboardURL: annotations["dashboard_url"] ?? annotations["dashboard"], startsAt: startsAt,
                  endsAt: endsAt, updatedAt: updatedAt, state: state, silencedBy: silencedBy, inhibitedBy: inhibitedBy,
                  generatorURL: generatorURL)
    }

    /// Creates an alert from its parts.
    public init(fingerprint: String, labels: AlertLabels, summary: String?, runbookURL: String?, dashboardURL: String?,
                startsAt: Date, endsAt: Date?, updatedAt: Date?, state: String, silencedBy: [String],
                inhibitedBy: [String], generatorURL: String?) {
        self.fingerprint = fingerprint; self.labels = labels; self.summary = summary; self.runbookURL = runbookURL
        self.dashboardURL = dashboardURL; self.startsAt = startsAt; self.endsAt = endsAt; self.updatedAt = updatedAt
        self.state = state; self.silencedBy = silencedBy; self.inhibitedBy = inhibitedBy; self.generatorURL = generatorURL
    }

    /// True when Alertmanager reports it suppressed by at least one silence.
    public var isSilenced: Bool { state == "suppressed" && !silencedBy.isEmpty }
}

/// Who acknowledged an alert: the silence that does it, and since when (for a silence Vigil kept
/// extending, the start of the first silence of the chain).
public struct AlertmanagerAcknowledgement: Sendable, Hashable {
    /// The silence.
    public var silence: AlertmanagerSilence
    /// Since when the alert has been acknowledged.
    public var since: Date

    /// Creates an acknowledgement.
    public init(silence: AlertmanagerSilence, since: Date) { self.silence = silence; self.since = since }
}
