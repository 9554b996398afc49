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
        let alerts = try SourceJSON.decode([RawAlert].self, from: data, what: "Alertmanager alerts")
        let silenceByID = Dictionary(silences.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        return alerts.map { incident(from: $0, source: source, silences: silenceByID) }
    }

    /// Decodes a `GET /api/v2/silences` response (a JSON array of silences).
    public static func silences(from data: Data) throws(SourceError) -> [AlertmanagerSilence] {
        let raw = try SourceJSON.decode([RawSilence].self, from: data, what: "Alertmanager silences")
        return raw.map {
            AlertmanagerSilence(id: $0.id, createdBy: $0.createdBy ?? "", comment: $0.comment ?? "",
                                startsAt: $0.startsAt, endsAt: $0.endsAt, state: $0.status?.state ?? "active")
        }
    }

    private func incident(from alert: RawAlert, source: SourceID, silences: [String: AlertmanagerSilence]) -> Incident {
        let labels = alert.labels ?? [:]
        let annotations = alert.annotations ?? [:]
        let severityWord = labels[severityLabel]?.lowercased() ?? ""
        let silencedBy = alert.status?.silencedBy ?? []
        let inhibitedBy = alert.status?.inhibitedBy ?? []
        let state = alert.status?.state?.lowercased() ?? "active"
        let silenced = state == "suppressed" && !silencedBy.isEmpty
        let silence = silencedBy.lazy.compactMap { silences[$0] }.first

        var sortedLabels = labels.keys.sorted().map { KeyValue($0, labels[$0] ?? "") }
        if !inhibitedBy.isEmpty { sortedLabels.append(KeyValue("inhibited_by", inhibitedBy.joined(separator: ", "))) }

        var links: [Link] = []
        func add(_ title: String, _ url: String?) {
            guard let url = nonEmpty(url), !links.contains(where: { $0.url == url }) else { return }
            links.append(Link(title: title, url: url))
        }
        add("Runbook", annotations["runbook_url"] ?? annotations["runbook"])
        add("Dashboard", annotations["dashboard_url"] ?? annotations["dashboard"])
        add("Prometheus", alert.generatorURL)

        var timeline = [TimelineEntry(at: alert.startsAt, text: "Alert started firing")]
        if let silence {
            let comment = nonEmpty(silence.comment).map { ": \($0)" } ?? ""
            timeline.append(TimelineEntry(at: silence.startsAt, text: "Silenced by \(silence.createdBy)\(comment)"))
        }

        return Incident(
            id: "AM-\(alert.fingerprint)", source: source, sourceKey: alert.fingerprint, number: nil,
            title: nonEmpty(annotations["summary"]) ?? nonEmpty(labels["alertname"]) ?? "Alert \(alert.fingerprint)",
            service: nonEmpty(labels[serviceLabel]) ?? nonEmpty(labels["job"]) ?? "unknown",
            severity: Severity(word: severityWord) ?? .warning,
            status: silenced ? .acknowledged : .triggered,
            triggeredAt: alert.startsAt,
            acknowledgedAt: silenced ? silence.map { max($0.startsAt, alert.startsAt) } : nil,
            acknowledgedBy: silenced ? silence.flatMap { nonEmpty($0.createdBy) } : nil,
            resolvedAt: nil, paged: pagingSeverities.contains(severityWord),
            labels: sortedLabels, timeline: timeline, links: links)
    }

    struct RawStatus: Decodable {
        var state: String?
        var silencedBy: [String]?
        var inhibitedBy: [String]?
    }

    struct RawAlert: Decodable {
        var fingerprint: String
        var labels: [String: String]?
        var annotations: [String: String]?
        var startsAt: Date
        var endsAt: Date?
        var updatedAt: Date?
        var status: RawStatus?
        var generatorURL: String?
    }

    struct RawSilenceStatus: Decodable {
        var state: String?
    }

    struct RawSilence: Decodable {
        var id: String
        var createdBy: String?
        var comment: String?
        var startsAt: Date
        var endsAt: Date
        var status: RawSilenceStatus?
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

    /// Creates a silence.
    public init(id: String, createdBy: String, comment: String, startsAt: Date, endsAt: Date, state: String) {
        self.id = id; self.createdBy = createdBy; self.comment = comment; self.startsAt = startsAt
        self.endsAt = endsAt; self.state = state
    }
}
