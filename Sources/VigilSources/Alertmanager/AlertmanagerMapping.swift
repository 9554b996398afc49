import Foundation
import VigilCore

// Alerts to incidents across polls: what stayed the same is not mapped again.
extension AlertmanagerSource {
    /// The incidents of `alerts`, oldest first (then by id); `digests`: of the bytes each alert
    /// was decoded from, when one member gave them all. An alert taken from `last` (its bytes
    /// the same as then: `PolledAlerts.takenFrom`; `last` must be the poll it was taken from),
    /// acknowledged the same way and paging under the same keys gives the incident it gave then
    /// (sharing its storage with the one on screen), without mapping it again; one re-sent by
    /// Prometheus (a new end, nothing else) is mapped, and the incident shown is kept when the
    /// result is the same.
    static func map(_ alerts: PolledAlerts, digests: [AlertmanagerDecodeMemory.Digest]?, last: MappedPoll,
                    decoder: AlertmanagerDecoder, source: SourceID, acknowledgements: AlertmanagerAcknowledgements,
                    pageKeys: [String: [String]]) -> MappedPoll {
        // Oldest first, then by fingerprint's bytes: positions sorted first, so the
        // incidents are made once, in their order (sorting them after held two lists at once).
        let order = alerts.indices.sorted { a, b in
            let x = alerts.startsAt(a), y = alerts.startsAt(b)
            return x != y ? x < y : alerts.fingerprintUTF8(a).lexicographicallyPrecedes(alerts.fingerprintUTF8(b))
        }
        // Records for the next poll only where its stream takes alerts from a poll (one member).
        let digests = alerts.basis == nil || digests?.count != alerts.count ? nil : digests
        var next = MappedPoll()
        next.reserve(order.count, records: digests != nil)
        var acks: [String: AlertmanagerAcknowledgement] = [:]
        // The link lists of the incidents made anew, one array per list (a rule's alerts share one).
        var linkLists = Set<[Link]>()
        // Whether every incident so far is the one the last poll had at the same place: then
        // the last list itself is the answer (below), not a second list equal to it.
        var same = order.count == last.incidents.count
        for k in order {
            let acknowledgement = acknowledgements.acknowledgement(silencedBy: alerts.silencedBy(k), labels: alerts.labels(k))
            let from = alerts.takenFrom(k)
            // A taken alert's fingerprint is made a string (from its incident's id) only when a
            // table is asked for it: with none acknowledged and nothing paged, never.
            let asked = from == nil || acknowledgement != nil || !pageKeys.isEmpty || !last.acknowledgements.isEmpty
            let fingerprint = asked ? alerts.fingerprint(k) : ""
            if let acknowledgement { acks[fingerprint] = acknowledgement }
            let keys = pageKeys.isEmpty ? [] : pageKeys[fingerprint] ?? []
            let digest = digests?[k]
            let here = next.incidents.count
            if let from, (asked ? last.acknowledgements[fingerprint] : nil) == acknowledgement,
               last.incidents[from].pagedAs == keys {
                next.append(last.incidents[from], record: last.kept[from], digest: digest)
                same = same && from == here
                continue
            }
            let alert = alerts.alert(k)
            var incident = decoder.incident(from: alert, source: source, acknowledgement: acknowledgement)
            if !keys.isEmpty { incident.pagedAs = keys }
            let at = from ?? last.index(of: fingerprint, startsAt: alert.startsAt)
            if let at, last.incidents[at] == incident {
                incident = last.incidents[at]
                same = same && at == here
            } else if let at, last.incidents[at].links == incident.links {
                incident.links = last.incidents[at].links
                same = false
            } else {
                incident.links = linkLists.insert(incident.links).memberAfterInsert
                same = false
            }
            next.append(incident, record: digest == nil ? nil : KeptAlert(alert, incident: incident), digest: digest)
        }
        if same {
            // Nothing the incidents show changed (Prometheus re-sent alerts: new `updatedAt` and
            // `endsAt`, same incidents): the last list, shared with the state that shows it, is
            // kept instead of a copy of it (with 10,000 alerts, 2 MB held twice between polls,
            // and the state's comparison of the two lists becomes one of identity).
            next.adopt(last.incidents)
        }
        next.acknowledgements = acks
        return next
    }

    /// What the last poll mapped, for the next (`map`), and with one member what its alerts are
    /// taken from when their bytes did not change (`AlertmanagerDecoder.AlertStream`). Its
    /// incidents are the list the snapshot carries, so keeping them costs nothing; the alerts
    /// they were made from are not kept, only what an incident does not show (`KeptAlert`).
    struct MappedPoll: Sendable {
        /// Oldest first, then by fingerprint, as in the snapshot.
        private(set) var incidents: [Incident] = []
        /// What else each incident's alert had (same order); empty when the alerts were merged
        /// from several members, nil for an alert that cannot be given back from its incident.
        private(set) var kept: [KeptAlert?] = []
        /// The position of each alert in `incidents` by the digest of its bytes, for those in `kept`.
        private var byDigest: [AlertmanagerDecodeMemory.Digest: Int32] = [:]
        /// The acknowledgement of each acknowledged alert, by fingerprint.
        var acknowledgements: [String: AlertmanagerAcknowledgement] = [:]

        mutating func reserve(_ n: Int, records: Bool) {
            incidents.reserveCapacity(n)
            if records {
                kept.reserveCapacity(n)
                byDigest.reserveCapacity(n)
            }
        }

        /// Adds the next incident; with `digest` (one member), `record` of its alert too.
        mutating func append(_ incident: Incident, record: KeptAlert?, digest: AlertmanagerDecodeMemory.Digest?) {
            if let digest {
                if record != nil { byDigest[digest] = Int32(incidents.count) }
                kept.append(record)
            }
            incidents.append(incident)
        }

        /// Takes `list`, equal to `incidents` element for element, in its place (sharing its storage).
        mutating func adopt(_ list: [Incident]) {
            precondition(list.count == incidents.count, "adopt: a list of another length")
            incidents = list
        }

        /// The position of the alert decoded from bytes with `digest`, if it can be given back.
        func position(of digest: AlertmanagerDecodeMemory.Digest) -> Int? { byDigest[digest].map { Int($0) } }

        /// The alert at `position` (one `position(of:)` found), as it was decoded.
        func alert(at position: Int) -> AlertmanagerAlert {
            kept[position]!.alert(of: incidents[position])
        }

        // What a poll reads of the alert at `position` (one `position(of:)` found), without
        // making the alert.
        func fingerprint(at position: Int) -> String { incidents[position].sourceKey }
        func fingerprintUTF8(at position: Int) -> Substring.UTF8View { incidents[position].sourceKeyUTF8 }
        func startsAt(at position: Int) -> Date { incidents[position].triggeredAt }
        func silencedBy(at position: Int) -> [String] { kept[position]!.silencedBy }
        func labels(at position: Int) -> AlertLabels { kept[position]!.labels(of: incidents[position]) }

        /// The position of the incident of the alert `fingerprint` that started at `startsAt`
        /// (the order of `incidents`), if there is one.
        func index(of fingerprint: String, startsAt: Date) -> Int? {
            var low = 0, high = incidents.count
            while low < high {
                let mid = (low + high) / 2
                let at = incidents[mid].triggeredAt
                if at < startsAt || (at == startsAt && incidents[mid].sourceKeyUTF8.lexicographicallyPrecedes(fingerprint.utf8)) {
                    low = mid + 1
                } else {
                    high = mid
                }
            }
            guard low < incidents.count, incidents[low].triggeredAt == startsAt,
                  incidents[low].sourceKeyUTF8.elementsEqual(fingerprint.utf8)
            else { return nil }
            return low
        }
    }

    /// What an alert had that its incident does not show, so that the two give the alert back
    /// as it was decoded: its fingerprint, labels and start are the incident's (`sourceKey`,
    /// `labels` unless inhibited, `triggeredAt`), its summary the title, its URLs
    /// those of the links.
    struct KeptAlert: Sendable {
        var silencedBy: [String]
        var inhibitedBy: [String]
        /// The labels of an inhibited alert (its incident adds `inhibited_by` to them); else
        /// empty: they are the incident's.
        private var inhibitedLabels: [KeyValue]
        /// `timeIntervalSinceReferenceDate`; NaN for none.
        var endsAt: Double
        var updatedAt: Double
        /// Bit 0: the summary is the title (else none); bits 1-2, 3-4, 5-6: the runbook,
        /// dashboard and generator URL are the URL of link n (0: none); bits 7-8: the state.
        var shape: UInt16

        private static let states = ["active", "suppressed", "unprocessed"]

        /// The record of `alert`, whose incident is `incident`; nil when the incident cannot give
        /// it back (an empty or padded summary or URL, which the incident shows trimmed or not
        /// at all, or another state): such an alert is decoded again next time.
        init?(_ alert: AlertmanagerAlert, incident: Incident) {
            guard let state = Self.states.firstIndex(of: alert.state) else { return nil }
            var shape = UInt16(state) << 7
            if let summary = alert.summary {
                guard summary == incident.title else { return nil }
                shape |= 1
            }
            for (n, url) in [alert.runbookURL, alert.dashboardURL, alert.generatorURL].enumerated() {
                guard let url else { continue }
                guard let link = incident.links.firstIndex(where: { $0.url == url }), link < 3 else { return nil }
                shape |= UInt16(link + 1) << (1 + 2 * n)
            }
            self.shape = shape
            silencedBy = alert.silencedBy
            inhibitedBy = alert.inhibitedBy
            inhibitedLabels = alert.inhibitedBy.isEmpty ? [] : alert.labels.pairs
            endsAt = alert.endsAt?.timeIntervalSinceReferenceDate ?? .nan
            updatedAt = alert.updatedAt?.timeIntervalSinceReferenceDate ?? .nan
        }

        /// The alert's labels (shared with the incident).
        func labels(of incident: Incident) -> AlertLabels {
            AlertLabels(sorted: inhibitedBy.isEmpty ? incident.labels : inhibitedLabels)
        }

        /// The alert, from `incident` (the one it was recorded with, or an equal one).
        func alert(of incident: Incident) -> AlertmanagerAlert {
            func url(_ n: Int) -> String? {
                let link = Int(shape >> (1 + 2 * n)) & 3
                return link == 0 ? nil : incident.links[link - 1].url
            }
            func date(_ t: Double) -> Date? { t.isNaN ? nil : Date(timeIntervalSinceReferenceDate: t) }
            return AlertmanagerAlert(
                fingerprint: incident.sourceKey, labels: labels(of: incident),
                summary: shape & 1 == 0 ? nil : incident.title, runbookURL: url(0), dashboardURL: url(1),
                startsAt: incident.triggeredAt, endsAt: date(endsAt), updatedAt: date(updatedAt),
                state: Self.states[Int(shape >> 7) & 3], silencedBy: silencedBy, inhibitedBy: inhibitedBy,
                generatorURL: url(2))
        }
    }
}
