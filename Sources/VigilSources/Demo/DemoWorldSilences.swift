import Foundation
import VigilCore

/// A silence of the demo changed from the silences view.
struct DemoSilenceChange: Sendable, Hashable {
    /// The new end, when extended.
    var endsAt: Date?
    /// Whether it was expired, and when.
    var expiredAt: Date?
}

extension DemoWorld {
    /// The demo's silences, as an Alertmanager beside it would have them: one per acknowledged
    /// alert (Vigil's acknowledgements, kept alive while the alert fires) and a maintenance window
    /// someone forgot, which silences nothing (the hazard the view is for).
    func silences(for incidents: [Incident], at now: Date) -> [SilenceInfo] {
        let quarter: TimeInterval = 900
        let keptAlive = Date(timeIntervalSince1970: (now.timeIntervalSince1970 / quarter).rounded(.down) * quarter + 3_600)
        var list: [SilenceInfo] = []
        for i in incidents where i.isOpen && i.status == .acknowledged && i.id.hasPrefix("AM-") {
            let by = i.acknowledgedBy ?? teammates.first ?? "someone"
            let since = i.acknowledgedAt ?? i.triggeredAt
            let matchers = i.labels.filter { ["alertname", "instance", "service", "namespace"].contains($0.key) }
                .map { "\($0.key)=\"\($0.value)\"" }
            list.append(SilenceInfo(id: Self.silenceID("ack|" + i.id), source: i.source, createdBy: by,
                                    comment: "Acknowledged in Vigil by \(by)", startsAt: since,
                                    endsAt: max(since.addingTimeInterval(4 * 3_600), keptAlive), state: "active",
                                    matchers: matchers.isEmpty ? ["alertname=\"\(i.title)\""] : matchers,
                                    silencing: [i.id], isVigil: true))
        }
        let owner = teammates.count > 1 ? teammates[1] : (teammates.first ?? "someone")
        list.append(SilenceInfo(id: Self.silenceID("maintenance|search"), source: source, createdBy: owner,
                                comment: "search-db reindex, back by morning", startsAt: startedAt.addingTimeInterval(-26 * 3_600),
                                endsAt: startedAt.addingTimeInterval(5 * 3_600), state: "active",
                                matchers: ["service=\"search\"", "alertname=~\"Reindex.*|IndexLag\""], silencing: [],
                                isVigil: false))
        return list.compactMap { silence in
            var s = silence
            if let change = silenceChanges[s.id] {
                if let end = change.endsAt { s.endsAt = end }
                if let at = change.expiredAt { s.endsAt = at; s.state = "expired" }
            }
            if s.endsAt <= now { s.state = "expired" }
            return s.state == "expired" ? nil : s
        }
    }

    /// Extends or expires a silence of the demo; the demo cannot take back an acknowledgement, so
    /// expiring an acknowledgement's silence is refused as taking it back is.
    mutating func changeSilence(_ change: SilenceChange, id: String, at now: Date) throws(SourceError) -> SilenceInfo {
        let views = snapshot(at: now)
        guard let silence = views.silences?.first(where: { $0.id == id }) else {
            throw SourceError(.rejected, "silence \(id.prefix(8)) is not in force")
        }
        switch change {
        case .expire:
            if silence.isVigil { throw SourceError(.notSupported, "the demo cannot take back an acknowledgement") }
            silenceChanges[id, default: DemoSilenceChange()].expiredAt = now
            var expired = silence
            expired.state = "expired"
            expired.endsAt = now
            return expired
        case .extend:
            let end = change.newEnd(of: silence, now: now)
            silenceChanges[id, default: DemoSilenceChange()].endsAt = end
            var extended = silence
            extended.endsAt = end
            return extended
        }
    }

    /// A stable, UUID-shaped id.
    static func silenceID(_ key: String) -> String {
        let a = stableHash(key), b = stableHash(key + "#")
        let hex = String(format: "%016llx%016llx", a, b)
        let c = Array(hex)
        return "\(String(c[0..<8]))-\(String(c[8..<12]))-\(String(c[12..<16]))-\(String(c[16..<20]))-\(String(c[20..<32]))"
    }
}
