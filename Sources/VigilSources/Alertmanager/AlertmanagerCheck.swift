import Foundation
import VigilCore

extension AlertmanagerSource {
    /// `check-config --online` after the poll: each member's version and cluster state, and
    /// whether the credentials may create silences (the acknowledgement), found with a silence
    /// that has no matcher: Alertmanager refuses it as invalid (422) without creating anything,
    /// and a proxy or web config that forbids writes refuses it first (401, 403).
    func statusAndWrites(into check: inout OnlineCheck, now: Date) async {
        var versions: [String] = []
        var answered: [URL] = []
        for member in settings.urls {
            do {
                let status = try await api.status(of: member)
                answered.append(member)
                if let v = status.versionInfo?.version, !v.isEmpty, !versions.contains(v) { versions.append(v) }
                if let cluster = status.cluster, let state = cluster.status, state != "disabled" {
                    let peers = cluster.peers?.count ?? 0
                    check.findings.append("\(AlertmanagerAPI.name(member)): cluster \(state), "
                                          + "\(peers) peer\(peers == 1 ? "" : "s")")
                }
            } catch is AlertmanagerAPI.Unreachable {
                continue  // the poll's own finding already says the member cannot be reached
            } catch {
                check.findings.append("could not read the status of \(AlertmanagerAPI.name(member)): \(error)")
            }
        }
        if !versions.isEmpty { check.version = versions.joined(separator: ", ") }
        if settings.auth != .none, let member = answered.first,
           (try? await AlertmanagerAPI(transport: api.transport, auth: .none, timeout: api.timeout).status(of: member)) != nil {
            check.credentialsNotAsked = true
            check.findings.append("\(AlertmanagerAPI.name(member)) answers without credentials too: the configured auth is "
                                  + "sent, but nothing checks it")
        }
        // The write goes to a member that answered (an HA pair with one member down still says
        // whether its credentials may write).
        guard let member = answered.first ?? settings.urls.first else { return }
        let probe = AlertmanagerAPI.PostableSilence(
            matchers: [], startsAt: now, endsAt: now.addingTimeInterval(60), createdBy: "vigil check-config",
            comment: "vigil check-config --online: a silence without matchers, which Alertmanager refuses as invalid")
        do {
            let response = try await api.send("POST", "/api/v2/silences", to: member, body: try JSONEncoder().encode(probe))
            switch response.status {
            case 400, 422:
                check.access = .canAct
                check.findings.append("can create silences (acknowledge): a probe silence without matchers was "
                                      + "refused as invalid, so nothing was created")
            case 200..<300:
                check.access = .canAct
                struct Created: Decodable { var silenceID: String }
                if let id = try? JSONDecoder().decode(Created.self, from: response.body).silenceID {
                    try? await api.expire(id, at: member)
                    check.findings.append("can create silences; the probe silence \(id) was accepted and expired at once")
                }
            case 401, 403:
                check.access = .refused
                check.passed = false
                check.findings.append("the credentials may read but not create silences (HTTP \(response.status)): "
                                      + "acknowledging would fail; allow POST /api/v2/silences for them, or use others")
            default:
                check.access = .notChecked
                check.findings.append("could not tell whether silences can be created: HTTP \(response.status): "
                                      + AlertmanagerAPI.message(in: response.body))
            }
        } catch {
            let why = (error as? AlertmanagerAPI.Unreachable)?.error.message ?? "\(error)"
            check.access = .notChecked
            check.findings.append("could not tell whether silences can be created: \(why)")
        }
    }
}
