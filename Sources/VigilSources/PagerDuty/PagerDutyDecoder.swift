import Foundation
import VigilCore

/// Decodes PagerDuty REST v2 responses: `GET /incidents` lists into `Incident`s and
/// `GET /log_entries` lists into timelines. Pure functions of the response body.
///
/// PagerDuty empties `acknowledgements` once an incident is resolved; who acknowledged a resolved
/// incident, and when, is only in its `acknowledge_log_entry`. `merging(_:into:)` fills that in.
public enum PagerDutyDecoder {
    /// Decodes a `GET /incidents` (or `GET /incidents/{id}`, `{"incident":{…}}`) response.
    /// - Parameter source: the id of the configured source that owns these incidents.
    public static func incidents(from data: Data, source: SourceID) throws(SourceError) -> [Incident] {
        let list = try SourceJSON.decode(IncidentList.self, from: data, what: "PagerDuty incidents")
        guard let raw = list.incidents ?? list.incident.map({ [$0] }) else {
            throw SourceError(.malformed, "PagerDuty incidents: the response has no 'incidents' list")
        }
        return try converted(raw, source: source)
    }

    /// One page of a `GET /incidents` list: its incidents and whether another page follows.
    public static func incidentPage(from data: Data, source: SourceID) throws(SourceError)
        -> (incidents: [Incident], more: Bool, policies: Set<String>) {
        let list = try SourceJSON.decode(IncidentList.self, from: data, what: "PagerDuty incidents")
        guard let raw = list.incidents else {
            throw SourceError(.malformed, "PagerDuty incidents: the response has no 'incidents' list")
        }
        let policies = Set(raw.compactMap { nonEmpty($0.escalationPolicy?.id) })
        return (try converted(raw, source: source), list.more ?? false, policies)
    }

    private static func converted(_ raw: [RawIncident], source: SourceID) throws(SourceError) -> [Incident] {
        // The id is what acknowledgements and log entries refer to: an incident without one
        // cannot be tracked or acknowledged (fuzz finding F3).
        if let index = raw.firstIndex(where: { $0.id.isEmpty }) {
            throw SourceError(.malformed, "PagerDuty incidents: incident \(index + 1) of \(raw.count) has an empty id; "
                              + "the answer does not follow the PagerDuty REST API v2")
        }
        return raw.map { $0.incident(source: source) }
    }

    /// Decodes a `GET /log_entries` (or `GET /incidents/{id}/log_entries`) response.
    /// Entries that name no incident are left out.
    public static func logEntries(from data: Data) throws(SourceError) -> [PagerDutyLogEntry] {
        try logEntryPage(from: data).entries
    }

    /// One page of a log entry list: its entries and whether another page follows.
    public static func logEntryPage(from data: Data) throws(SourceError) -> (entries: [PagerDutyLogEntry], more: Bool) {
        let list = try SourceJSON.decode(LogEntryList.self, from: data, what: "PagerDuty log entries")
        return (logEntryValues(list), list.more ?? false)
    }

    /// PagerDuty's error answer (`{"error": {"message", "code", "errors": [...]}}`) in one line:
    /// "Invalid Input Provided: Incident Already Resolved (code 2001)". Nil when the body is not one.
    public static func errorMessage(from data: Data) -> String? {
        guard let answer = try? JSONDecoder().decode(ErrorAnswer.self, from: data), let error = answer.error else { return nil }
        let details = (error.errors ?? []).compactMap(nonEmpty).prefix(3).joined(separator: "; ")
        let head = nonEmpty(error.message) ?? "error"
        let code = error.code.map { " (code \($0))" } ?? ""
        return String((details.isEmpty ? head : "\(head): \(details)").prefix(300)) + code
    }

    /// The codes and texts of PagerDuty's error answer, for deciding what a refusal means.
    public static func errorDetails(from data: Data) -> (code: Int?, texts: [String]) {
        guard let answer = try? JSONDecoder().decode(ErrorAnswer.self, from: data), let error = answer.error else {
            return (nil, [])
        }
        return (error.code, [error.message].compactMap { $0 } + (error.errors ?? []))
    }

    struct ErrorAnswer: Decodable {
        struct Body: Decodable {
            var message: String?
            var code: Int?
            var errors: [String]?
        }
        var error: Body?
    }

    private static func logEntryValues(_ list: LogEntryList) -> [PagerDutyLogEntry] {
        list.logEntries.compactMap { raw in
            guard let incidentID = raw.incident?.id, !incidentID.isEmpty else { return nil }
            return PagerDutyLogEntry(id: raw.id ?? "", type: raw.type ?? "log_entry", at: raw.createdAt,
                                     incidentID: incidentID, summary: raw.summary ?? raw.type ?? "",
                                     agent: raw.agent?.label,
                                     note: raw.note ?? (raw.type == "annotate_log_entry" ? raw.channel?.summary : nil))
        }
    }

    /// Timelines keyed by PagerDuty incident id (not the `PD-` prefixed id), oldest entry first.
    public static func timelines(_ entries: [PagerDutyLogEntry]) -> [String: [TimelineEntry]] {
        var result: [String: [TimelineEntry]] = [:]
        for entry in entries.sorted(by: PagerDutyLogEntry.chronological) {
            result[entry.incidentID, default: []].append(TimelineEntry(at: entry.at, text: entry.timelineText))
        }
        return result
    }

    /// Attaches each incident's timeline and, for incidents that are acknowledged or resolved but
    /// carry no acknowledgement (PagerDuty drops them on resolve), takes the first
    /// `acknowledge_log_entry` as who acknowledged it and when.
    public static func merging(_ entries: [PagerDutyLogEntry], into incidents: [Incident]) -> [Incident] {
        let byIncident = Dictionary(grouping: entries.sorted(by: PagerDutyLogEntry.chronological), by: \.incidentID)
        return incidents.map { incident in
            guard let own = byIncident[incident.sourceKey] else { return incident }
            var result = incident
            result.timeline = own.map { TimelineEntry(at: $0.at, text: $0.timelineText) }
            if result.acknowledgedAt == nil, result.status != .triggered,
               let ack = own.first(where: { $0.type == "acknowledge_log_entry" }),
               ack.at >= result.triggeredAt, result.resolvedAt.map({ ack.at <= $0 }) ?? true {
                result.acknowledgedAt = ack.at
                result.acknowledgedBy = ack.agent
            }
            return result
        }
    }

    // MARK: - Wire shapes
    //
    // Only the fields used, under their snake_case names (explicit keys: a key decoding strategy
    // would convert every key of every object, most of the decoding time of the demo's data).

    struct IncidentList: Decodable {
        var incidents: [RawIncident]?
        var incident: RawIncident?
        /// Classic pagination: whether another page follows.
        var more: Bool?
    }

    struct Reference: Decodable {
        var id: String?
        var summary: String?
        var name: String?
        /// The best human label: summary, else name, else id.
        var label: String? { nonEmpty(summary) ?? nonEmpty(name) ?? nonEmpty(id) }
    }

    struct Acknowledgement: Decodable {
        var at: Date?
        var acknowledger: Reference?
    }

    struct Assignment: Decodable {
        var assignee: Reference?
    }

    struct Context: Decodable {
        var type: String?
        var href: String?
        var text: String?
    }

    struct TriggerEntry: Decodable {
        var contexts: [Context]?
    }

    struct Body: Decodable {
        var details: JSONValue?
    }

    struct ConferenceBridge: Decodable {
        var conferenceUrl: String?

        enum CodingKeys: String, CodingKey { case conferenceUrl = "conference_url" }
    }

    struct IncidentType: Decodable {
        var name: String?
    }

    struct RawIncident: Decodable {
        var id: String
        var incidentNumber: Int?
        var title: String?
        var summary: String?
        var createdAt: Date
        var updatedAt: Date?
        var status: String?
        var urgency: String?
        var incidentKey: String?
        var service: Reference?
        var priority: Reference?
        var escalationPolicy: Reference?
        var teams: [Reference]?
        var assignments: [Assignment]?
        var acknowledgements: [Acknowledgement]?
        var lastStatusChangeAt: Date?
        var resolvedAt: Date?
        var htmlUrl: String?
        var firstTriggerLogEntry: TriggerEntry?
        var body: Body?
        var conferenceBridge: ConferenceBridge?
        var incidentType: IncidentType?
        var escalationLevel: Int?

        enum CodingKeys: String, CodingKey {
            case id, title, summary, status, urgency, service, priority, teams, assignments, acknowledgements, body
            case incidentNumber = "incident_number", createdAt = "created_at", updatedAt = "updated_at"
            case incidentKey = "incident_key", escalationPolicy = "escalation_policy"
            case lastStatusChangeAt = "last_status_change_at", resolvedAt = "resolved_at", htmlUrl = "html_url"
            case firstTriggerLogEntry = "first_trigger_log_entry", conferenceBridge = "conference_bridge"
            case incidentType = "incident_type", escalationLevel = "escalation_level"
        }

        func incident(source: SourceID) -> Incident {
            let status: IncidentStatus
            switch self.status?.lowercased() {
            case "resolved": status = .resolved
            case "acknowledged": status = .acknowledged
            default: status = .triggered
            }
            let urgency = self.urgency?.lowercased()
            let severity = priority?.label.flatMap(Severity.init(word:))
                ?? priority?.name.flatMap(Severity.init(word:))
                ?? (urgency == "low" ? .warning : .high)
            let firstAck = (acknowledgements ?? [])
                .compactMap { ack in ack.at.map { (at: $0, by: ack.acknowledger?.label) } }
                .min { $0.at < $1.at }
            // Nothing is acknowledged or resolved before it was created (fuzz finding F4: times
            // out of order, from clock skew or a broken proxy, would make negative durations).
            let resolved: Date? = status == .resolved
                ? (resolvedAt ?? lastStatusChangeAt ?? updatedAt).map { max($0, createdAt) } : nil

            var labels: [KeyValue] = []
            if let urgency { labels.append(KeyValue("urgency", urgency)) }
            if let p = priority?.label { labels.append(KeyValue("priority", p)) }
            if let policy = escalationPolicy?.label { labels.append(KeyValue("escalation_policy", policy)) }
            if let level = escalationLevel, status != .resolved { labels.append(KeyValue("escalation_level", String(level))) }
            let teamNames = (teams ?? []).compactMap(\.label)
            if !teamNames.isEmpty { labels.append(KeyValue("team", teamNames.joined(separator: ", "))) }
            let assignees = (assignments ?? []).compactMap { $0.assignee?.label }
            if !assignees.isEmpty { labels.append(KeyValue("assignee", assignees.joined(separator: ", "))) }
            if let type = nonEmpty(incidentType?.name), type != "incident_default" {
                labels.append(KeyValue("incident_type", type))
            }
            if let key = nonEmpty(incidentKey) { labels.append(KeyValue("incident_key", key)) }

            return Incident(
                id: "PD-\(id)", source: source, sourceKey: id, number: incidentNumber,
                title: nonEmpty(title) ?? nonEmpty(summary) ?? "PagerDuty incident \(id)",
                service: service?.label ?? "unknown", severity: severity, status: status,
                triggeredAt: createdAt, acknowledgedAt: status == .triggered ? nil : firstAck.map { max($0.at, createdAt) },
                acknowledgedBy: status == .triggered ? nil : firstAck?.by, resolvedAt: resolved,
                paged: urgency != "low", labels: labels, timeline: [], links: links(), dedupKey: nonEmpty(incidentKey))
        }

        private func links() -> [Link] {
            var links: [Link] = []
            func add(_ title: String, _ url: String?) {
                guard let url = nonEmpty(url), url.hasPrefix("http"), !links.contains(where: { $0.url == url }) else { return }
                links.append(Link(title: title, url: url))
            }
            add("PagerDuty", htmlUrl)
            for context in firstTriggerLogEntry?.contexts ?? [] where (context.type ?? "link") == "link" {
                let text = nonEmpty(context.text) ?? "Link"
                add(text.lowercased().contains("runbook") ? "Runbook" : text, context.href)
            }
            switch body?.details {
            case .object(let details):
                for key in details.keys.sorted() {
                    let lower = key.lowercased()
                    if lower.contains("runbook") { add("Runbook", details[key]?.stringValue) }
                    if lower.contains("dashboard") { add("Dashboard", details[key]?.stringValue) }
                }
            case .string(let text):
                for word in text.split(whereSeparator: { $0.isWhitespace }) where word.hasPrefix("http") {
                    let url = String(word).trimmingCharacters(in: CharacterSet(charactersIn: ".,;)>\"'"))
                    add(url.lowercased().contains("runbook") ? "Runbook" : "Link", url)
                }
            default:
                break
            }
            add("Conference bridge", conferenceBridge?.conferenceUrl)
            return links
        }
    }

    struct LogEntryList: Decodable {
        var logEntries: [RawLogEntry]
        var more: Bool?

        enum CodingKeys: String, CodingKey { case logEntries = "log_entries", more }
    }

    struct Channel: Decodable {
        var summary: String?
    }

    struct RawLogEntry: Decodable {
        var id: String?
        var type: String?
        var summary: String?
        var createdAt: Date
        var agent: Reference?
        var channel: Channel?
        var note: String?
        var incident: Reference?

        enum CodingKeys: String, CodingKey {
            case id, type, summary, agent, channel, note, incident
            case createdAt = "created_at"
        }
    }
}

/// One PagerDuty log entry (trigger, acknowledge, annotate, resolve, …).
public struct PagerDutyLogEntry: Sendable, Hashable {
    /// PagerDuty's log entry id.
    public var id: String
    /// The entry type, e.g. `acknowledge_log_entry`.
    public var type: String
    /// When it happened.
    public var at: Date
    /// The PagerDuty id of the incident it belongs to (no `PD-` prefix).
    public var incidentID: String
    /// PagerDuty's own one-line summary ("Acknowledged by Priya Raman.").
    public var summary: String
    /// Who or what did it (user name, integration), when given.
    public var agent: String?
    /// The note text of an annotation.
    public var note: String?

    /// Creates an entry.
    public init(id: String, type: String, at: Date, incidentID: String, summary: String, agent: String? = nil,
                note: String? = nil) {
        self.id = id; self.type = type; self.at = at; self.incidentID = incidentID; self.summary = summary
        self.agent = agent; self.note = note
    }

    /// The line shown on the incident's timeline.
    public var timelineText: String {
        guard let note = nonEmpty(note) else { return summary }
        var head = summary
        while head.hasSuffix(".") { head.removeLast() }
        return head.isEmpty ? note : "\(head): \(note)"
    }

    /// Oldest first; at the same instant, in life-cycle order (trigger before acknowledge before resolve).
    static func chronological(_ a: PagerDutyLogEntry, _ b: PagerDutyLogEntry) -> Bool {
        if a.at != b.at { return a.at < b.at }
        return a.rank < b.rank
    }

    private var rank: Int {
        switch type {
        case "trigger_log_entry": return 0
        case "acknowledge_log_entry": return 2
        case "resolve_log_entry": return 9
        default: return 5
        }
    }
}

/// The string with surrounding whitespace removed, or nil when that leaves nothing.
func nonEmpty(_ text: String?) -> String? {
    // The White_Space property and U+200B are the set `trimmingCharacters(in:
    // .whitespacesAndNewlines)` trims on Linux (which went through NSString and took a quarter
    // of decoding 10,000 alerts); text that needs no trimming, nearly all of it, is returned as it is.
    guard let text else { return nil }
    func isSpace(_ s: Unicode.Scalar) -> Bool { s.properties.isWhitespace || s.value == 0x200B }
    let scalars = text.unicodeScalars
    guard let first = scalars.firstIndex(where: { !isSpace($0) }),
          let last = scalars.lastIndex(where: { !isSpace($0) }) else { return nil }
    if first == scalars.startIndex && scalars.index(after: last) == scalars.endIndex { return text }
    return String(scalars[first...last])
}
