import Foundation

/// An incident or a firing alert, normalised from any source.
///
/// Laid out to be small, since a big Alertmanager lists 10,000 of them and a list of them is
/// copied when it changes: the fields most incidents leave empty (number, who acknowledged,
/// dedup key, merged incidents) are in one shared box that is absent when they are all empty,
/// and the optional times are kept as plain numbers. The source's own key is kept as where it
/// starts in `id` when it ends `id` (Alertmanager's "AM-" + fingerprint, PagerDuty's "PD-" + id;
/// a CloudWatch alarm's ARN is kept apart, in the box), and a
/// timeline that opens with a common entry ("Alert started firing") keeps that entry as a
/// number and a time (`TimelineEntry.openings`): with 10,000 alerts, 0.64 MB of fingerprints
/// and 0.56 MB of one-entry lists. 144 bytes of list per incident instead of 216; the properties
/// are the same either way.
public struct Incident: Sendable, Hashable, Identifiable {
    /// Globally unique id, conventionally prefixed by source ("PD-Q1W2E3", "AM-e75db90e").
    public var id: String {
        didSet { setSourceKey(keyStart == Self.keyApart ? rare?.sourceKey ?? "" : Self.key(of: oldValue, from: keyStart)) }
    }
    /// The source that owns it and must confirm acknowledgements.
    public var source: SourceID
    /// The id the source itself uses (PagerDuty incident id, alert fingerprint).
    public var sourceKey: String {
        get { keyStart == Self.keyApart ? rare?.sourceKey ?? "" : Self.key(of: id, from: keyStart) }
        set { setSourceKey(newValue) }
    }
    /// One-line summary.
    public var title: String
    /// The service it belongs to.
    public var service: String
    /// When it started.
    public var triggeredAt: Date
    /// `acknowledgedAt` and `resolvedAt` as seconds since the reference date, `Self.never` for nil.
    private var acknowledgedTime: Double
    private var resolvedTime: Double
    /// The time of the timeline's opening entry (`opening`), 0 without one.
    private var openingTime: Double
    /// Free-form labels, in display order.
    public var labels: [KeyValue]
    /// The timeline after its opening entry, or all of it when `opening` is 0.
    private var events: [TimelineEntry]
    /// Related links.
    public var links: [Link]
    /// The dedup keys this alert was paged under (Alertmanager: one per group it is in whose route
    /// sends to PagerDuty). An alert merges into the page whose `dedupKey` is one of them.
    public var pagedAs: [String]
    /// The fields that are usually empty; nil when all are.
    private var rare: Rare?
    /// Severity after mapping.
    public var severity: Severity
    /// Current status.
    public var status: IncidentStatus
    /// Whether it paged a person (PagerDuty high urgency, Alertmanager paging severity, …).
    public var paged: Bool
    /// Where `sourceKey` starts in `id`'s UTF-8, or `keyApart` when it is not an end of `id`
    /// (then it is in `rare`).
    private var keyStart: UInt8
    /// The timeline's opening entry's text as its index in `TimelineEntry.openings`; 0 for none.
    private var opening: UInt8

    /// The stored value of a time that is not there (never a real time; equal to itself, unlike NaN).
    private static let never = -Double.infinity
    /// `keyStart` of a source key kept in `rare`.
    private static let keyApart = UInt8.max

    /// What happened, oldest first.
    public var timeline: [TimelineEntry] {
        get {
            guard opening != 0 else { return events }
            var all: [TimelineEntry] = []
            all.reserveCapacity(events.count + 1)
            all.append(TimelineEntry(at: Date(timeIntervalSinceReferenceDate: openingTime),
                                     text: TimelineEntry.openings[Int(opening)]))
            all.append(contentsOf: events)
            return all
        }
        set {
            if let first = newValue.first, let k = TimelineEntry.openings.firstIndex(of: first.text), k > 0 {
                opening = UInt8(k)
                openingTime = first.at.timeIntervalSinceReferenceDate
                events = Array(newValue.dropFirst())
            } else {
                opening = 0
                openingTime = 0
                events = newValue
            }
        }
    }

    /// Short human number if the source has one (PagerDuty incident_number).
    public var number: Int? {
        get { rare?.number }
        set { change { $0.number = newValue } }
    }
    /// When it was first acknowledged, if it was.
    public var acknowledgedAt: Date? {
        get { acknowledgedTime == Self.never ? nil : Date(timeIntervalSinceReferenceDate: acknowledgedTime) }
        set { acknowledgedTime = newValue?.timeIntervalSinceReferenceDate ?? Self.never }
    }
    /// Who acknowledged it.
    public var acknowledgedBy: String? {
        get { rare?.acknowledgedBy }
        set { change { $0.acknowledgedBy = newValue } }
    }
    /// When it was resolved, if it was.
    public var resolvedAt: Date? {
        get { resolvedTime == Self.never ? nil : Date(timeIntervalSinceReferenceDate: resolvedTime) }
        set { resolvedTime = newValue?.timeIntervalSinceReferenceDate ?? Self.never }
    }
    /// The key its source de-duplicates pages by, when it is a page (PagerDuty's `incident_key`,
    /// which is the Events API's `dedup_key` of the event that opened it).
    public var dedupKey: String? {
        get { rare?.dedupKey }
        set { change { $0.dedupKey = newValue } }
    }
    /// Incidents of other sources that are this same problem, shown as this one row
    /// (`PageMerge`); empty unless merged.
    public var merged: [Incident] {
        get { rare?.merged ?? [] }
        set { change { $0.merged = newValue } }
    }

    /// Creates an incident.
    public init(id: String, source: SourceID, sourceKey: String, number: Int? = nil, title: String, service: String,
                severity: Severity, status: IncidentStatus, triggeredAt: Date, acknowledgedAt: Date? = nil,
                acknowledgedBy: String? = nil, resolvedAt: Date? = nil, paged: Bool = true,
                labels: [KeyValue] = [], timeline: [TimelineEntry] = [], links: [Link] = [],
                dedupKey: String? = nil, pagedAs: [String] = [], merged: [Incident] = []) {
        self.id = id; self.source = source
        self.title = title; self.service = service; self.severity = severity; self.status = status
        self.triggeredAt = triggeredAt
        self.acknowledgedTime = acknowledgedAt?.timeIntervalSinceReferenceDate ?? Self.never
        self.resolvedTime = resolvedAt?.timeIntervalSinceReferenceDate ?? Self.never
        self.paged = paged; self.labels = labels; self.links = links
        self.pagedAs = pagedAs
        self.openingTime = 0; self.opening = 0; self.events = []
        var rare = Rare.Fields(number: number, acknowledgedBy: acknowledgedBy, dedupKey: dedupKey, merged: merged)
        if let start = Self.start(of: sourceKey, in: id) {
            keyStart = start
        } else {
            keyStart = Self.keyApart
            rare.sourceKey = sourceKey
        }
        self.rare = rare.isEmpty ? nil : Rare(rare)
        self.timeline = timeline
    }

    /// Where `key` starts in `id`'s UTF-8 when it ends `id` there (and that is not `keyApart` or
    /// beyond).
    private static func start(of key: String, in id: String) -> UInt8? {
        let n = id.utf8.count, k = key.utf8.count
        guard k <= n, n - k < Int(keyApart), id.utf8.suffix(k).elementsEqual(key.utf8) else { return nil }
        return UInt8(n - k)
    }

    /// The end of `id` from UTF-8 byte `start` on (a scalar's first byte: it was a key's).
    private static func key(of id: String, from start: UInt8) -> String {
        String(Substring(id.utf8.dropFirst(Int(start))))
    }

    /// Keeps `key` as where it starts in `id`, or in `rare` when it does not end `id`.
    private mutating func setSourceKey(_ key: String) {
        if let start = Self.start(of: key, in: id) {
            keyStart = start
            if rare?.sourceKey != nil { change { $0.sourceKey = nil } }
        } else {
            keyStart = Self.keyApart
            change { $0.sourceKey = key }
        }
    }

    /// `sourceKey`'s UTF-8, without making a string of it (a fingerprint is 16 bytes, one more
    /// than a string holds without an allocation).
    public var sourceKeyUTF8: Substring.UTF8View {
        keyStart == Self.keyApart ? Substring(rare?.sourceKey ?? "").utf8 : id.utf8.dropFirst(Int(keyStart))
    }

    /// Changes the usually empty fields: a new box (boxes are shared between copies, never
    /// changed), or none when they are all empty now.
    private mutating func change(_ edit: (inout Rare.Fields) -> Void) {
        var fields = rare?.fields ?? Rare.Fields()
        edit(&fields)
        rare = fields.isEmpty ? nil : Rare(fields)
    }

    /// The usually empty fields of an incident, shared by its copies; compared and hashed by value.
    private final class Rare: Sendable, Hashable {
        struct Fields: Hashable, Sendable {
            var number: Int?
            var acknowledgedBy: String?
            var dedupKey: String?
            var merged: [Incident] = []
            /// `sourceKey` when it is not an end of `id`.
            var sourceKey: String?
            var isEmpty: Bool {
                number == nil && acknowledgedBy == nil && dedupKey == nil && merged.isEmpty && sourceKey == nil
            }
        }
        let fields: Fields
        init(_ fields: Fields) { self.fields = fields }
        var number: Int? { fields.number }
        var acknowledgedBy: String? { fields.acknowledgedBy }
        var dedupKey: String? { fields.dedupKey }
        var merged: [Incident] { fields.merged }
        var sourceKey: String? { fields.sourceKey }
        static func == (a: Rare, b: Rare) -> Bool { a === b || a.fields == b.fields }
        func hash(into hasher: inout Hasher) { hasher.combine(fields) }
    }

    /// The sources that show this row: its own, then those of the incidents merged into it.
    public var allSources: [SourceID] {
        merged.reduce(into: [source]) { list, m in if !list.contains(m.source) { list.append(m.source) } }
    }

    /// True while not resolved.
    public var isOpen: Bool { status != .resolved }
}
