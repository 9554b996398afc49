import Foundation
import Synchronization
import VigilCore

/// Alerts from one Alertmanager, or from every member of an HA cluster, as incidents; an
/// acknowledgement is a silence, as the karma dashboard does it.
///
/// - Polling reads `GET /api/v2/alerts` and `GET /api/v2/silences` from every member at once.
///   A member that fails does not hide the others' alerts; alerts are de-duplicated by
///   fingerprint (the same on every member), silences by id.
/// - Who acknowledged an alert, and when, comes from the active silences that silence it,
///   whoever made them: this Vigil, another Vigil on another member, amtool, the web UI.
/// - Acknowledging creates a silence whose matchers are the alert's identifying labels (less
///   `excludedMatcherLabels`), `createdBy` the engineer, comment "Acknowledged in Vigil by …",
///   ending `ackSilence` from now. While the alert fires, every poll extends the Vigil silences
///   that end within half of `ackSilence` (in place: the id stays); once it resolves they lapse.
///   Several Vigils may extend the same silence: the result is the same, and identical copies
///   (two simultaneous acknowledgements by one engineer) are expired but one.
/// - Un-acknowledging expires the silences that acknowledge only this alert (see
///   `unacknowledge(_:by:now:)`).
///
/// Time comes only from the `now:` parameters.
public final class AlertmanagerSource: Source {
    /// The configured id.
    public let id: SourceID
    /// How often the runtime polls it.
    public let pollInterval: Duration
    /// The settings it was made from.
    public let settings: AlertmanagerSettings

    let api: AlertmanagerAPI
    private let decoder: AlertmanagerDecoder
    /// The routing tree and each alert's page keys (one problem, one row).
    private let pageKeys = AlertmanagerPageKeys()
    /// The last poll's incidents, with what they were made from: an unchanged alert is not
    /// decoded again, and gives the same incident without mapping it again.
    private let decodeMemory: AlertmanagerDecodeMemory

    /// What the last read of the routing tree found, for `check-config --online`.
    public var routingSummary: AlertmanagerPageKeys.Summary? { pageKeys.summary }

    /// Creates a source that talks to `settings.urls` through `transport`.
    public init(settings: AlertmanagerSettings, transport: any HTTPTransport) {
        self.id = settings.id
        self.pollInterval = settings.pollInterval
        self.settings = settings
        self.api = AlertmanagerAPI(transport: transport, auth: settings.auth, timeout: settings.timeout)
        self.decodeMemory = AlertmanagerDecodeMemory(single: settings.urls.count == 1)
        self.decoder = AlertmanagerDecoder(severityLabel: settings.severityLabel, serviceLabel: settings.serviceLabel,
                                           pagingSeverities: Set(settings.pagingSeverities))
    }

    // MARK: - Source

    /// The firing alerts of all members as incidents, after extending the acknowledgements of
    /// those still firing, with what went wrong without failing the poll (a member that did not
    /// answer, a silence that could not be extended) as warnings on the incidents panel. Throws
    /// only when no member answers.
    public func poll(now: Date) async throws -> PollResult {
        do {
            var view = try await fetch(alerts: true)
            var problems = view.problems
            if let silences = view.silences {
                let plan = AlertmanagerKeepAlive.plan(alerts: view.alerts, silences: silences, now: now,
                                                      ackSilence: settings.ackSilence)
                if !plan.isEmpty {
                    problems += await keepAlive(plan, now: now)
                    // Read them again: what was extended, expired or replaced.
                    let again = try await fetch(alerts: false)
                    view.silences = again.silences ?? view.silences
                }
            }
            let acknowledgements = AlertmanagerAcknowledgements(silences: view.silences ?? [])
            let pageKeys = await pageKeys.keys(for: view.alerts, now: now) {
                do { return try await self.onFirstReachable { member in try await self.api.configuration(from: member) } }
                catch { throw Self.reported(error) }
            }
            let incidents = decodeMemory.mapped.withLock { last in
                // With one member, against the poll its alerts were taken from.
                last = Self.map(view.alerts, digests: view.digests, last: view.alerts.basis ?? last,
                                decoder: decoder, source: id, acknowledgements: acknowledgements, pageKeys: pageKeys)
                return last.incidents
            }
            let snapshot = SourceSnapshot(incidents: incidents,
            silences: view.silences.map { Self.silenceInfos($0, alerts: view.alerts, source: id) })
            return PollResult(snapshot, warnings: problems.map { SourceWarning(panel: .incidents, message: $0) })
        } catch {
            throw Self.reported(error)
        }
    }

    /// Acknowledges (a silence kept alive while the alert fires) or takes an acknowledgement
    /// back (expires it); other actions are not something Alertmanager has.
    public func perform(_ action: IncidentAction, on incident: Incident, by user: String, now: Date) async throws
        -> ActionConfirmation {
        switch action {
        case .acknowledge:
            return try await acknowledge(incident, by: user, now: now)
        case .unacknowledge:
            try await unacknowledge(incident, by: user, now: now)
            return ActionConfirmation(by: user, at: now)
        default:
            throw unsupported(action)
        }
    }

    /// Silences the alert behind `incident` until it resolves.
    ///
    /// An active Vigil silence by the same user with the same matchers is reused rather than
    /// duplicated. Refuses an alert that no longer fires, and answers Alertmanager's refusals
    /// with its own message.
    /// - Returns: `user`, and when the silence (or the chain of silences it replaced) started.
    public func acknowledge(_ incident: Incident, by user: String, now: Date) async throws -> ActionConfirmation {
        do {
            let user = user.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !user.isEmpty else { throw SourceError(.rejected, "an acknowledgement needs the engineer's name") }
            let (view, alert) = try await firingAlert(for: incident, doing: "acknowledge")
            let matchers = identifyingMatchers(of: alert)
            guard !matchers.isEmpty else {
                throw SourceError(.rejected, "every label of \(incident.id) is excluded from acknowledgement matchers; "
                                  + "remove some from the Alertmanager source's excluded matcher labels")
            }
            let wanted = AlertmanagerSilence(id: "", createdBy: user, comment: AlertmanagerSilence.vigilComment(by: user),
                                             startsAt: now, endsAt: now, state: "active", matchers: matchers)
            if let existing = view.silences?.first(where: {
                $0.isActive && $0.isVigilAcknowledgement && $0.isSameAcknowledgement(as: wanted)
            }) {
                let since = AlertmanagerAcknowledgements(silences: view.silences ?? []).since(existing)
                return ActionConfirmation(by: user, at: since)
            }
            let silence = AlertmanagerAPI.PostableSilence(
                matchers: matchers, startsAt: now,
                endsAt: now.addingTimeInterval(settings.ackSilence.seconds),
                createdBy: user, comment: wanted.comment)
            let (member, silenceID) = try await onFirstReachable { member in
                (member, try await self.api.post(silence, to: member))
            }
            guard let silenceID else { throw SourceError(.malformed, "Alertmanager \(AlertmanagerAPI.name(member)) gave no silence id") }
            // Alertmanager moves a start in the past to the moment it received the silence.
            let created = try? await api.silence(silenceID, from: member)
            return ActionConfirmation(by: user, at: created?.startsAt ?? now)
        } catch {
            throw Self.reported(error)
        }
    }

    /// Takes the acknowledgement of `incident` back: expires every active silence that
    /// acknowledges this alert alone, whoever made it. That is a silence whose matchers are
    /// exactly the alert's identifying labels (what `acknowledge` creates), or one made only of
    /// `label="value"` matchers of this alert that silences no other firing alert.
    ///
    /// Broader silences (a maintenance window, a regex) also silence other alerts and are left
    /// alone: when one still silences the alert, this throws a `SourceError` naming it, after
    /// expiring the dedicated ones.
    public func unacknowledge(_ incident: Incident, by user: String, now: Date) async throws {
        do {
            let (view, alert) = try await firingAlert(for: incident, doing: "un-acknowledge")
            guard let silences = view.silences else {
                throw SourceError(.unreachable, "could not read the silences of \(incident.id): "
                                  + view.problems.joined(separator: "; "))
            }
            let silencing = AlertmanagerAcknowledgements(silences: silences).silencing(alert)
            guard !silencing.isEmpty else { throw SourceError(.rejected, "\(incident.id) is not acknowledged: no silence matches it") }
            let exact = Set(identifyingMatchers(of: alert))
            let others = view.alerts.all.filter { $0.fingerprint != alert.fingerprint }
            let dedicated = silencing.filter { silence in
                if Set(silence.matchers) == exact { return true }
                let plain = silence.matchers.allSatisfy {
                    $0.isEqual && !$0.isRegex && alert.labels[$0.name] == $0.value
                }
                return plain && !others.contains { silence.silences($0) }
            }
            for silence in dedicated {
                try await onFirstReachable { member in try await self.api.expire(silence.id, at: member) }
            }
            let broad = silencing.filter { !dedicated.contains($0) }
            guard broad.isEmpty else {
                let names = broad.map { silence in
                    let count = others.filter { silence.silences($0) }.count
                    return "\(silence.id) by \(silence.createdBy.isEmpty ? "someone" : silence.createdBy)"
                        + " (\"\(silence.comment)\", also silences \(count) other alert\(count == 1 ? "" : "s"))"
                }
                let expired = dedicated.isEmpty ? "" : "expired \(dedicated.count) silence(s), but "
                throw SourceError(.rejected, "\(expired)\(incident.id) stays silenced by \(names.joined(separator: ", ")); "
                                  + "Vigil leaves silences that cover other alerts alone: expire it in Alertmanager if you mean to")
            }
        } catch {
            throw Self.reported(error)
        }
    }

    // MARK: - Reading

    /// Alerts and silences as the cluster sees them.
    private struct View {
        /// Firing alerts, one per fingerprint.
        var alerts: PolledAlerts
        /// The digest of the bytes each alert was decoded from (same order), when one member
        /// gave them all.
        var digests: [AlertmanagerDecodeMemory.Digest]? = nil
        /// Silences, one per id; nil when no member answered.
        var silences: [AlertmanagerSilence]?
        /// Members' failures that did not stop the read.
        var problems: [String]
    }

    /// Reads every member at once. Throws only when `alerts` are wanted and no member gave them.
    private func fetch(alerts wantAlerts: Bool) async throws -> View {
        let members = settings.urls
        guard !members.isEmpty else { throw SourceError(.notSupported, "\(id): no Alertmanager URL configured") }
        typealias Answer = (index: Int, alerts: Result<AlertmanagerAPI.AlertList, SourceError>?,
                            silences: Result<[AlertmanagerSilence], SourceError>?)
        let answers = await withTaskGroup(of: Answer.self, returning: [Answer].self) { group in
            for (index, member) in members.enumerated() {
                if wantAlerts {
                    group.addTask { (index, await Self.result { try await self.api.alerts(from: member, memory: self.decodeMemory) }, nil) }
                }
                group.addTask { (index, nil, await Self.result { try await self.api.silences(from: member) }) }
            }
            var all: [Answer] = []
            for await answer in group { all.append(answer) }
            return all.sorted { $0.index < $1.index }
        }
        try Task.checkCancellation()
        var alertLists: [AlertmanagerAPI.AlertList] = [], silenceLists: [[AlertmanagerSilence]] = []
        var alertErrors: [SourceError] = [], silenceErrors: [String] = []
        for answer in answers {
            switch answer.alerts {
            case .success(let list)?: alertLists.append(list)
            case .failure(let error)?: alertErrors.append(error)
            case nil: break
            }
            switch answer.silences {
            case .success(let list)?: silenceLists.append(list)
            case .failure(let error)?: silenceErrors.append(error.message)
            case nil: break
            }
        }
        if wantAlerts, alertLists.isEmpty {
            if members.count == 1, let only = alertErrors.first { throw only }
            // Worth trying again if any member may answer later.
            throw SourceError(Self.commonKind(alertErrors),
                              "no Alertmanager answered: " + alertErrors.map(\.message).joined(separator: "; "))
        }
        let alerts = AlertmanagerAlert.merging(alertLists.map(\.alerts))
        let digests = alertLists.count == 1 && alertLists[0].alerts.count == alerts.count ? alertLists[0].digests : nil
        return View(alerts: alerts, digests: digests,
                    silences: silenceLists.isEmpty ? nil : AlertmanagerSilence.merging(silenceLists),
                    problems: (alertErrors.map(\.message) + silenceErrors).reduce(into: []) { unique, problem in
                        if !unique.contains(problem) { unique.append(problem) }  // a dead member fails both reads
                    })
    }

    /// The alert behind `incident` as it fires now, or a `SourceError` saying why it cannot be
    /// acted on.
    private func firingAlert(for incident: Incident, doing what: String) async throws -> (View, AlertmanagerAlert) {
        guard incident.source == id else {
            throw SourceError(.rejected, "\(incident.id) belongs to source \(incident.source), not \(id)")
        }
        guard incident.status != .resolved else { throw SourceError(.rejected, "\(incident.id) is resolved: nothing to \(what)") }
        let view = try await fetch(alerts: true)
        guard let k = view.alerts.indices.first(where: { view.alerts.fingerprint($0) == incident.sourceKey }) else {
            throw SourceError(.rejected, "\(incident.id) no longer fires in Alertmanager (it resolved, or its sender stopped "
                              + "sending it): nothing to \(what)")
        }
        return (view, view.alerts.alert(k))
    }

    /// Equality matchers on the alert's labels, less the excluded ones, sorted by name.
    private func identifyingMatchers(of alert: AlertmanagerAlert) -> [AlertmanagerMatcher] {
        let excluded = Set(settings.excludedMatcherLabels)
        return alert.labels.keys.filter { !excluded.contains($0) }.sorted().map {
            AlertmanagerMatcher(name: $0, value: alert.labels[$0] ?? "", isRegex: false, isEqual: true)
        }
    }

    // MARK: - Writing

    /// Extends and de-duplicates Vigil's silences; returns what failed (a poll does not fail
    /// because a silence could not be extended: the next poll tries again).
    private func keepAlive(_ plan: AlertmanagerKeepAlive, now: Date) async -> [String] {
        var problems: [String] = []
        for silence in plan.expire {
            do {
                try await onFirstReachable { member in try await self.api.expire(silence.id, at: member) }
            } catch {
                problems.append("could not expire duplicate silence \(silence.id): \(Self.reported(error))")
            }
        }
        let endsAt = now.addingTimeInterval(settings.ackSilence.seconds)
        for silence in plan.extend {
            do {
                try await onFirstReachable { member in
                    // Another Vigil may have extended it a moment ago (or replaced it, or the
                    // member has not heard of it yet): then there is nothing to do.
                    guard let current = try await self.api.silence(silence.id, from: member), current.isActive,
                          current.endsAt < endsAt
                    else { return }
                    // Sent back with its own start, Alertmanager 0.25 updates it in place (it
                    // compares starts to the second); a version that does not, replaces it with a
                    // new silence and expires this one. Nil (404) means it vanished in between.
                    _ = try await self.api.post(AlertmanagerAPI.PostableSilence(
                        id: current.id, matchers: current.matchers, startsAt: current.startsAt, endsAt: endsAt,
                        createdBy: current.createdBy, comment: current.comment), to: member)
                }
            } catch {
                problems.append("could not extend silence \(silence.id): \(Self.reported(error))")
            }
        }
        return problems
    }

    /// Runs `body` against the first member that can be reached (silences are gossiped, so
    /// any member will do); an error status from a member is final.
    func onFirstReachable<T>(_ body: (URL) async throws -> T) async throws -> T {
        var failures: [SourceError] = []
        for member in settings.urls {
            do {
                return try await body(member)
            } catch let unreachable as AlertmanagerAPI.Unreachable {
                failures.append(unreachable.error)
            }
        }
        guard !failures.isEmpty else { throw SourceError(.notSupported, "\(id): no Alertmanager URL configured") }
        throw SourceError(Self.commonKind(failures), failures.map(\.message).joined(separator: "; "))
    }

    // MARK: - Errors

    private static func result<T>(_ body: () async throws -> T) async -> Result<T, SourceError> {
        do {
            return .success(try await body())
        } catch {
            let reported = reported(error)
            return .failure(reported as? SourceError ?? SourceError(.unreachable, "\(reported)"))
        }
    }

    /// The error as callers see it: a `SourceError` (or a cancellation).
    static func reported(_ error: any Error) -> any Error {
        switch error {
        case let error as SourceError: return error
        case let error as AlertmanagerAPI.Unreachable: return error.error
        case let error as CancellationError: return error
        default: return SourceError(.unreachable, "\(error)")  // not a refusal from Alertmanager
        }
    }

    /// The kind of several members' failures: theirs when they agree; otherwise the first that
    /// may pass (so the outbox retries while any member may answer later), else the first.
    private static func commonKind(_ errors: [SourceError]) -> SourceError.Kind {
        guard let first = errors.first else { return .unreachable }
        if errors.allSatisfy({ $0.kind == first.kind }) { return first.kind }
        return errors.first(where: \.isTransient)?.kind ?? first.kind
    }
}
