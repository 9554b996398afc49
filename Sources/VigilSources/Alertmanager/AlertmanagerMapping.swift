import Foundation
import VigilCore

// Alerts to incidents across polls: what stayed the same is not mapped again.
extension AlertmanagerSource {
    /// The incidents of `alerts` (`digests`: of the bytes each was decoded from, when one member
    /// gave them all), oldest first (then by id). An alert decoded from the
    /// same bytes as last time, acknowledged the same way and paging under the same keys gives
    /// the incident it gave then (sharing its storage with the one on screen), without mapping it
    /// again; one re-sent by Prometheus (a new end, nothing else) is mapped, and the incident
    /// shown is kept when the result is the same.
    static func map(_ alerts: [AlertmanagerAlert], digests: [AlertmanagerDecodeMemory.Digest]?, last: MappedPoll,
                    decoder: AlertmanagerDecoder, source: SourceID, acknowledgements: AlertmanagerAcknowledgements,
                    pageKeys: [String: [String]]) -> MappedPoll {
        // Oldest first, then by id ("AM-" + fingerprint): positions sorted first, so the
        // incidents are made once, in their order (sorting them after held two lists at once).
        let order = alerts.indices.sorted { a, b in
            let x = alerts[a], y = alerts[b]
            return x.startsAt != y.startsAt ? x.startsAt < y.startsAt : x.fingerprint < y.fingerprint
        }
        var next = MappedPoll()
        next.incidents.reserveCapacity(order.count)
        next.position.reserveCapacity(order.count)
        var acks: [String: AlertmanagerAcknowledgement] = [:]
        for k in order {
            let alert = alerts[k]
            let acknowledgement = acknowledgements.acknowledgement(for: alert)
            if let acknowledgement { acks[alert.fingerprint] = acknowledgement }
            let keys = pageKeys[alert.fingerprint] ?? []
            let before = last.position[alert.fingerprint].map { last.incidents[Int($0)] }
            next.position[alert.fingerprint] = Int32(next.incidents.count)
            if let before, let digest = digests?[k], last.digest(of: alert.fingerprint) == digest,
               last.acknowledgements[alert.fingerprint] == acknowledgement, before.pagedAs == keys {
                next.incidents.append(before)
                continue
            }
            var incident = decoder.incident(from: alert, source: source, acknowledgement: acknowledgement)
            if !keys.isEmpty { incident.pagedAs = keys }
            if let before, before == incident { incident = before }
            next.incidents.append(incident)
        }
        next.digests = digests.map { digests in order.map { digests[$0] } } ?? []
        next.acknowledgements = acks
        return next
    }

    /// What the last poll mapped, for the next (`map`). Its incidents are the list the snapshot
    /// carries, so keeping them costs an index, not a copy.
    struct MappedPoll: Sendable {
        /// Oldest first, as in the snapshot.
        var incidents: [Incident] = []
        /// The digest of each incident's alert's bytes (same order); empty when the alerts were
        /// merged from several members.
        var digests: [AlertmanagerDecodeMemory.Digest] = []
        /// Each alert's position in `incidents`, by fingerprint.
        var position: [String: Int32] = [:]
        /// The acknowledgement of each acknowledged alert, by fingerprint.
        var acknowledgements: [String: AlertmanagerAcknowledgement] = [:]

        func digest(of fingerprint: String) -> AlertmanagerDecodeMemory.Digest? {
            guard let p = position[fingerprint], digests.indices.contains(Int(p)) else { return nil }
            return digests[Int(p)]
        }
    }
}
