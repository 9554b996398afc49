import Foundation
import VigilCore

extension PagerDutySource {
    /// See `PagerDutyKind.check`.
    func check(now: Date) async -> OnlineCheck {
        var findings: [String] = []
        do {
            _ = try await api.send("GET", "/abilities", limit: PagerDutyAPI.itemBytes, now: now,
                                   doing: "read the account's abilities")
            findings.append("reachable, API key from \(settings.apiKey.origin) accepted")
            if let q = api.quota { findings.append("rate limit: \(q.remaining) of \(q.limit) requests left this minute") }
        } catch {
            return OnlineCheck(stoppedBy: error)
        }
        var passed = true
        var access = OnlineCheck.Access.unknown
        if settings.from == nil {
            findings.append("read only: no from:, so no actions are offered (add from: your PagerDuty login e-mail to act)")
        } else {
            let probe = Data(#"{"incident":{"status":"acknowledged","type":"incident_reference"}}"#.utf8)
            do {
                _ = try await api.send("PUT", "/incidents/PVIGILCHECK", body: probe, limit: PagerDutyAPI.itemBytes, now: now,
                                       doing: "check what the key may do")
                findings.append("the key can act, as \(settings.from ?? "")")
                access = .canAct
            } catch let error as SourceError {
                switch error.kind {
                case .forbidden:
                    passed = false
                    access = .refused
                    findings.append("the key is read-only: acknowledging and every other action would be refused; use a "
                        + "full-access REST API key or a user token, or remove from: to only read")
                case .rejected where error.message.contains("not a user of this account"):
                    passed = false
                    findings.append(error.message)
                case .rejected:
                    access = .canAct
                    findings.append("the key can act (read and write), as \(settings.from ?? "")")
                default:
                    passed = false
                    findings.append("\(error.kind.label): \(error.message)")
                }
            } catch {
                passed = false
                findings.append("\(error)")
            }
        }
        do {
            let (services, teams) = try await watched(now: now)
            if !settings.services.isEmpty || !settings.teams.isEmpty {
                findings.append("watching services \(services.joined(separator: ", "))" + (teams.isEmpty ? "" : ", teams \(teams.joined(separator: ", "))"))
            }
        } catch let error as SourceError {
            passed = false
            findings.append(error.message)
        } catch {
            passed = false
            findings.append("\(error)")
        }
        var check = OnlineCheck(passed: passed, findings: findings)
        check.access = access
        check.quota = api.quota
        return check
    }
}
