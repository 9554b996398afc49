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
        // Whether every incident so far is the one the last poll had at the same place: then
        // the last list itself is the answer (below), not a second list equal to it.
        var same = order.count == last.incidents.count
        for k in order {
            let alert = alerts[k]
            let acknowledgement = acknowledgements.acknowledgement(for: alert)
            if let acknowledgement { acks[alert.fingerprint] = acknowledgement }
            let keys = pageKeys[alert.fingerprint] ?? []
            let place = last.position[alert.fingerprint]
            let before = place.map { last.incidents[Int($0)] }
            let here = Int32(next.incidents.count)
            next.position[alert.fingerprint] = here
            if let before, let digest = digests?[k], last.digest(of: alert.fingerprint) == digest,
               last.acknowledgements[alert.fingerprint] == acknowledgement, before.pagedAs == keys {
                next.incidents.append(before)
                same = same && place == here
                continue
            }
            var incident = decoder.incident(from: alert, source: source, acknowledgement: acknowledgement)
            if !keys.isEmpty { incident.pagedAs = keys }
            if let before, before == incident {
                incident = before
                same = same && place == here
            } else {
                same = false
            }
            next.incidents.append(incident)
        }
        if same {
            // Nothing the incidents show changed (Prometheus re-sent alerts: new `updatedAt` and
            // `endsAt`, same incidents): the last list, shared with the state that shows it, is
            // kept instead of a copy of it (with 10,000 alerts, 2 MB held twice between polls,
            // and the state's comparison of the two lists becomes one of identity).
            next.incidents = last.incidents
            next.position = last.position
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
