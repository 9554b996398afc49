import Foundation
import VigilCore

// The silences view's part of the Alertmanager source: every silence in force, what it silences
// now, and extending or expiring one.

extension AlertmanagerSilence {
    /// As the silences view shows it, silencing `alerts` (incident ids).
    func info(source: SourceID, silencing alerts: [String]) -> SilenceInfo {
        SilenceInfo(id: id, source: source, createdBy: createdBy, comment: comment, startsAt: startsAt, endsAt: endsAt,
                    state: state, matchers: matchers.map(\.written), silencing: alerts, isVigil: isVigilAcknowledgement)
    }
}

extension AlertmanagerMatcher {
    /// `name="value"`, `name!="value"`, `name=~"regex"`, `name!~"regex"`, as amtool writes them.
    var written: String {
        let op = isRegex ? (isEqual ? "=~" : "!~") : (isEqual ? "=" : "!=")
        let shown = value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
        return "\(name)\(op)\"\(shown)\""
    }
}

extension AlertmanagerSource {
    /// The silences not yet expired, each with the alerts Alertmanager says it silences.
    static func silenceInfos(_ silences: [AlertmanagerSilence], alerts: PolledAlerts, source: SourceID)
        -> [SilenceInfo] {
        var silencing: [String: [String]] = [:]
        for k in alerts.indices {
            for id in alerts.silencedBy(k) { silencing[id, default: []].append("AM-\(alerts.fingerprint(k))") }
        }
        return silences.filter { $0.state != "expired" }.map { $0.info(source: source, silencing: silencing[$0.id] ?? []) }
    }

    /// Extends a silence (in place when Alertmanager allows it, else it expires the old one and
    /// gives a new id) or expires it; answers with the silence as Alertmanager now has it.
    public func changeSilence(_ change: SilenceChange, id silenceID: String, by user: String, now: Date) async throws
        -> SilenceInfo {
        do {
            let (member, found) = try await onFirstReachable { member in (member, try await self.api.silence(silenceID, from: member)) }
            let short = silenceID.prefix(8)
            guard let current = found else { throw SourceError(.rejected, "silence \(short) is not known to Alertmanager") }
            guard current.state != "expired" else { throw SourceError(.rejected, "silence \(short) has already expired") }
            switch change {
            case .expire:
                try await api.expire(silenceID, at: member)
                var after = try await api.silence(silenceID, from: member) ?? current
                if after.state != "expired" { throw SourceError(.rejected, "Alertmanager did not expire silence \(short)") }
                after.state = "expired"
                return after.info(source: id, silencing: [])
            case .extend:
                let end = change.newEnd(of: current.info(source: id, silencing: []), now: now)
                let posted = AlertmanagerAPI.PostableSilence(id: silenceID, matchers: current.matchers,
                                                             startsAt: current.startsAt, endsAt: end,
                                                             createdBy: current.createdBy, comment: current.comment)
                guard let newID = try await api.post(posted, to: member),
                      let after = try await api.silence(newID, from: member) else {
                    throw SourceError(.rejected, "silence \(short) is gone from Alertmanager")
                }
                return after.info(source: id, silencing: [])
            }
        } catch {
            throw Self.reported(error)
        }
    }
}
