import Foundation
import Synchronization
import VigilCore

/// PagerDuty as a live source: the open incidents of the watched services or teams, the resolved
/// ones of the last month (for MTTA, MTTR, pages and off-hours pages), and the actions an on-call
/// engineer takes, each confirmed by PagerDuty's answer.
///
/// Cost per poll, after the first: one request for the open incidents (one more per 100), one
/// for the log entries since the last poll (what was acknowledged, resolved, noted), and one per
/// incident that left the open list (to read how it ended). The first poll also reads the month's
/// resolved incidents and log entries, once. A team of 50 polling every 30 s stays far below
/// PagerDuty's 960 requests a minute per key.
///
/// Acknowledge and resolve times come from the log entries: PagerDuty empties an incident's
/// `acknowledgements` when it is resolved, so the acknowledge log entry is the only record of it.
public final class PagerDutySource: Source {
    public let settings: PagerDutySettings
    public var id: SourceID { settings.id }
    public var pollInterval: Duration { settings.pollInterval }
    let api: PagerDutyAPI
    private let state = Mutex(State())

    /// What the source remembers between polls.
    struct State {
        /// Watched service and team ids, once names are resolved (nil: not yet).
        var serviceIDs: [String]?
        var teamIDs: [String]?
        /// Resolved incidents within the history, by PagerDuty id.
        var resolved: [String: Incident] = [:]
        /// Log entries by incident id, and the ids seen (polls overlap by a minute).
        var entries: [String: [PagerDutyLogEntry]] = [:]
        var seenEntries: Set<String> = []
        /// Until when log entries have been read.
        var cursor: Date?
        /// The open incidents of the last poll.
        var open: Set<String> = []
        /// Escalation policies seen on the watched incidents: whose on-call the header shows.
        var policies: Set<String> = []
        /// Who is on call, and when that was read.
        var onCall: [OnCallShift] = []
        var onCallRead: Date?
        /// The PagerDuty user id of `from:` (empty: looked up, not a user).
        var me: String?
    }

    /// How often who is on call is read again (shifts change rarely; one ending is noticed at once).
    static let onCallRefresh: TimeInterval = 300

    /// Most incidents read one by one in one poll (those that left the open list); the rest wait
    /// for the next poll.
    static let singleReadsPerPoll = 25
    /// Log entries are read again from this long before the last poll's end (entries can appear
    /// a little late).
    static let overlap: TimeInterval = 60

    /// Creates the source.
    public init(settings: PagerDutySettings, transport: any HTTPTransport) {
        self.settings = settings
        api = PagerDutyAPI(transport: transport, base: settings.url, key: settings.apiKey, from: settings.from,
                           timeout: settings.timeout)
    }

    // MARK: Polling

    public func poll(now: Date) async throws -> PollResult {
        let (services, teams) = try await watched(now: now)
        let filters: [(String, String)] = services.map { ("service_ids[]", $0) } + teams.map { ("team_ids[]", $0) }
        let open = try await incidents(filters + [("statuses[]", "triggered"), ("statuses[]", "acknowledged"),
                                                  ("date_range", "all")], now: now, doing: "list the open incidents")
        var warnings: [SourceWarning] = []
        let known = state.withLock { $0.cursor }
        let historyStart = now.addingTimeInterval(-settings.history.seconds)
        if known == nil {
            // No `until`: PagerDuty's default is now, and a whole-second `until` would leave out
            // what happened in the current second.
            let resolved = try await incidents(filters + [("statuses[]", "resolved"), ("since", Self.iso(historyStart))],
                                               now: now, doing: "list the incidents resolved in the history")
            state.withLock { s in for i in resolved { s.resolved[i.sourceKey] = i } }
        }
        // The log entries since the last poll (the whole history the first time).
        let since = known.map { $0.addingTimeInterval(-Self.overlap) } ?? historyStart
        // Incidents a new log entry says were resolved (not a scan of every entry kept).
        var resolvedNow = Set<String>()
        do {
            let entries = try await api.list("/log_entries", query: [("since", Self.iso(since)), ("is_overview", "true")]
                                                 + teams.map { ("team_ids[]", $0) },
                                             now: now, doing: "read the log entries") { data throws(SourceError) in
                let page = try PagerDutyDecoder.logEntryPage(from: data)
                return (page.entries, page.more)
            }
            resolvedNow = Set(entries.lazy.filter { $0.type == "resolve_log_entry" }.map(\.incidentID))
            state.withLock { s in
                for e in entries where !s.seenEntries.contains(e.id) || e.id.isEmpty {
                    s.seenEntries.insert(e.id)
                    s.entries[e.incidentID, default: []].append(e)
                }
                s.cursor = now
            }
        } catch let error as SourceError where error.kind == .tooLarge {
            // Too many to read: the times come from the incidents alone (acknowledgements of
            // resolved incidents are then unknown). Say so on the panels that use them.
            warnings.append(SourceWarning(panel: .response, message: "\(id): \(error.message); MTTA counts only "
                + "incidents still acknowledged"))
            state.withLock { $0.cursor = now }
        }

        // Incidents that left the open list, or were resolved without Vigil seeing them open.
        let openIDs = Set(open.map(\.sourceKey))
        let toRead: [String] = state.withLock { s in
            let left = s.open.subtracting(openIDs)
            // Log entries cannot be filtered by service: with a service filter, only incidents
            // seen open are followed (team filters apply to the log entries themselves).
            let others = services.isEmpty ? resolvedNow.subtracting(s.resolved.keys) : []
            return Array(left.union(others).subtracting(openIDs)).sorted().prefix(Self.singleReadsPerPoll).map { $0 }
        }
        for key in toRead {
            guard let incident = try? await single(key, now: now), incident.status == .resolved else { continue }
            state.withLock { $0.resolved[key] = incident }
        }

        let merged: [Incident] = state.withLock { s in
            s.open = openIDs
            s.resolved = s.resolved.filter { ($0.value.resolvedAt ?? $0.value.triggeredAt) >= historyStart }
            let keep = openIDs.union(s.resolved.keys)
            s.entries = s.entries.filter { keep.contains($0.key) }
            if s.seenEntries.count > 200_000 { s.seenEntries = Set(s.entries.values.joined().map(\.id)) }
            let all = open + s.resolved.values.filter { !openIDs.contains($0.sourceKey) }
                .sorted { $0.triggeredAt < $1.triggeredAt }
            let entries = s.entries.values.joined()
            return PagerDutyDecoder.merging(Array(entries), into: all)
        }
        do {
            try await refreshOnCall(now: now)
        } catch let error as SourceError {
            warnings.append(SourceWarning(panel: .incidents, message: "\(id): who is on call is unknown: \(error.message)"))
        }
        let onCall = state.withLock { $0.onCall }
        return PollResult(SourceSnapshot(incidents: merged, onCall: onCall.isEmpty ? nil : onCall), warnings: warnings,
                          quota: api.quota)
    }

    /// Reads who is on call on the policies of the watched incidents, and the engineer's own
    /// next shift, every five minutes or when a shift has ended.
    private func refreshOnCall(now: Date) async throws {
        let (due, policies) = state.withLock { s -> (Bool, [String]) in
            guard let read = s.onCallRead else { return (true, s.policies.sorted()) }
            // A shift ended, or one that was ahead has begun: the line would be wrong.
            let changed = s.onCall.contains {
                ($0.end ?? .distantFuture) <= now || (($0.start ?? .distantPast) > read && ($0.start ?? .distantPast) <= now)
            }
            return (changed || now.timeIntervalSince(read) >= Self.onCallRefresh, s.policies.sorted())
        }
        guard due else { return }
        let me = try await myUserID(now: now)
        var shifts: [OnCallShift] = []
        if !policies.isEmpty {
            let found = try await api.list("/oncalls", query: policies.map { ("escalation_policy_ids[]", $0) } + [("earliest", "true")],
                                           now: now, doing: "read who is on call") { data throws(SourceError) in
                let page = try PagerDutyDecoder.onCallPage(from: data)
                return (page.shifts, page.more)
            }
            shifts = found.map { var shift = $0.shift; shift.isMe = $0.userID == me; return shift }
        }
        if let me, !me.isEmpty {
            let week = now.addingTimeInterval(7 * 86_400)
            // Not `earliest`: that would keep only the shift under way, and the next one is wanted too.
            let mine = try await api.list("/oncalls", query: [("user_ids[]", me), ("since", Self.iso(now)), ("until", Self.iso(week))],
                                          now: now, doing: "read your next on-call shift") { data throws(SourceError) in
                let page = try PagerDutyDecoder.onCallPage(from: data)
                return (page.shifts, page.more)
            }
            // Also a shift on a policy no watched incident uses: "you are on call" all the same.
            shifts += mine.map { var shift = $0.shift; shift.isMe = true; return shift }
        }
        var unique: [OnCallShift] = []
        for shift in shifts where !unique.contains(shift) { unique.append(shift) }
        state.withLock { $0.onCall = unique; $0.onCallRead = now }
    }

    /// The PagerDuty user id of `from:`, looked up once ("" when it is not a user of the account).
    private func myUserID(now: Date) async throws -> String? {
        guard let from = settings.from else { return nil }
        if let known = state.withLock({ $0.me }) { return known }
        let data = try await api.send("GET", "/users", query: [("query", from), ("limit", "100")], limit: PagerDutyAPI.pageBytes,
                                      now: now, doing: "look up your PagerDuty user")
        let id = try PagerDutyDecoder.references(from: data, list: "users")
            .first { $0.email?.caseInsensitiveCompare(from) == .orderedSame }?.id ?? ""
        state.withLock { $0.me = id }
        return id
    }

    private func incidents(_ query: [(String, String)], now: Date, doing what: String) async throws -> [Incident] {
        var policies: Set<String> = []
        let found = try await api.list("/incidents", query: query, now: now, doing: what) { data throws(SourceError) in
            let page = try PagerDutyDecoder.incidentPage(from: data, source: id)
            policies.formUnion(page.policies)
            return (page.incidents, page.more)
        }
        state.withLock { $0.policies.formUnion(policies) }
        return found
    }

    private func single(_ key: String, now: Date) async throws -> Incident? {
        let data = try await api.send("GET", "/incidents/\(Self.pathComponent(key))", limit: PagerDutyAPI.itemBytes,
                                      now: now, doing: "read incident \(key)")
        return try PagerDutyDecoder.incidents(from: data, source: id).first
    }

    /// The watched service and team ids; names are looked up once, on the first poll.
    func watched(now: Date) async throws -> (services: [String], teams: [String]) {
        if let known = state.withLock({ s in s.serviceIDs.flatMap { ids in s.teamIDs.map { (ids, $0) } } }) { return known }
        var services: [String] = []
        for wanted in settings.services {
            services.append(try await lookUp(wanted, in: "/services", list: "services", now: now))
        }
        var teams: [String] = []
        for wanted in settings.teams {
            teams.append(try await lookUp(wanted, in: "/teams", list: "teams", now: now))
        }
        state.withLock { $0.serviceIDs = services; $0.teamIDs = teams }
        return (services, teams)
    }

    /// An id as given (`PXXXXXX`), or the id of the one service or team of that name.
    private func lookUp(_ wanted: String, in path: String, list: String, now: Date) async throws -> String {
        if Self.looksLikeID(wanted) { return wanted }
        let data = try await api.send("GET", path, query: [("query", wanted), ("limit", "100")], limit: PagerDutyAPI.pageBytes,
                                      now: now, doing: "look up \(list) named \(wanted)")
        let found = try PagerDutyDecoder.references(from: data, list: list)
        let exact = found.filter { $0.name.caseInsensitiveCompare(wanted) == .orderedSame }
        guard let match = exact.first else {
            let names = found.map(\.name).prefix(5).joined(separator: ", ")
            throw SourceError(.rejected, "PagerDuty has no \(list.dropLast()) named '\(wanted)'"
                + (names.isEmpty ? "" : " (similar: \(names))") + "; write its id (PXXXXXX) or its exact name")
        }
        return match.id
    }

    // MARK: Actions

    public func perform(_ action: IncidentAction, on incident: Incident, by user: String, now: Date) async throws
        -> ActionConfirmation {
        let key = incident.sourceKey
        let path = "/incidents/\(Self.pathComponent(key))"
        let what = action.describe(incident.id)
        switch action {
        case .acknowledge, .resolve:
            let status = action == .acknowledge ? "acknowledged" : "resolved"
            let answer = try await update(path, ["status": status], now: now, doing: what)
            if action == .acknowledge, answer.status == .triggered {
                throw SourceError(.rejected, "PagerDuty answered but \(incident.id) is still triggered")
            }
            if action == .resolve, answer.status != .resolved {
                throw SourceError(.rejected, "PagerDuty answered but \(incident.id) is \(answer.status.rawValue)")
            }
            let by = action == .acknowledge ? answer.acknowledgedBy ?? user : user
            return ActionConfirmation(by: by, at: now)
        case .snooze(let seconds):
            guard (1...604_800).contains(seconds) else {
                throw SourceError(.rejected, "PagerDuty snoozes for 1 second to 7 days; \(DurationText.format(.seconds(seconds))) "
                    + "is outside that")
            }
            if incident.status == .triggered {
                // PagerDuty snoozes only acknowledged incidents: acknowledge first, as its UI does.
                _ = try await update(path, ["status": "acknowledged"], now: now, doing: "acknowledge \(incident.id) to snooze it")
            }
            let body = try JSONSerialization.data(withJSONObject: ["duration": seconds])
            let data = try await api.send("POST", path + "/snooze", body: body, limit: PagerDutyAPI.itemBytes, now: now,
                                          doing: what)
            _ = try PagerDutyDecoder.incidents(from: data, source: id)
            return ActionConfirmation(by: user, at: now)
        case .note(let text):
            let body = try JSONSerialization.data(withJSONObject: ["note": ["content": text]])
            let data = try await api.send("POST", path + "/notes", body: body, limit: PagerDutyAPI.itemBytes, now: now,
                                          doing: what)
            let note = try PagerDutyDecoder.note(from: data)
            return ActionConfirmation(by: note.by ?? user, at: note.at ?? now)
        case .reassign(let to):
            let userID = try await person(to, now: now)
            let assignment: [String: Any] = ["assignee": ["id": userID, "type": "user_reference"]]
            _ = try await update(path, ["assignments": [assignment]], now: now, doing: what)
            return ActionConfirmation(by: user, at: now)
        case .escalate:
            guard let current = try await single(key, now: now) else {
                throw SourceError(.rejected, "PagerDuty has no incident \(key)")
            }
            guard current.status != .resolved else {
                throw SourceError(.rejected, "PagerDuty: \(incident.id) is already resolved, so it cannot be escalated")
            }
            let level = current.labels.first { $0.key == "escalation_level" }.flatMap { Int($0.value) } ?? 1
            _ = try await update(path, ["escalation_level": level + 1], now: now, doing: what)
            return ActionConfirmation(by: user, at: now)
        case .unacknowledge:
            throw unsupported(action)
        }
    }

    /// `PUT /incidents/{id}` with the given fields; the incident as PagerDuty now has it.
    private func update(_ path: String, _ fields: [String: Any], now: Date, doing what: String) async throws -> Incident {
        var incident: [String: Any] = ["type": "incident_reference"]
        for (k, v) in fields { incident[k] = v }
        let body = try JSONSerialization.data(withJSONObject: ["incident": incident], options: [.sortedKeys])
        let data = try await api.send("PUT", path, body: body, limit: PagerDutyAPI.itemBytes, now: now, doing: what)
        guard let answer = try PagerDutyDecoder.incidents(from: data, source: id).first else {
            throw SourceError(.malformed, "PagerDuty answered \(what) without the incident")
        }
        return answer
    }

    /// A user id as given (`PXXXXXX`), or the id of the user with that e-mail or name.
    private func person(_ wanted: String, now: Date) async throws -> String {
        if Self.looksLikeID(wanted) { return wanted }
        // Someone on call (the picker lists them) is known by id already.
        if let known = state.withLock({ s in
            s.onCall.first { $0.person.caseInsensitiveCompare(wanted) == .orderedSame }?.personID
        }) { return known }
        let data = try await api.send("GET", "/users", query: [("query", wanted), ("limit", "100")],
                                      limit: PagerDutyAPI.pageBytes, now: now, doing: "look up the user \(wanted)")
        let users = try PagerDutyDecoder.references(from: data, list: "users")
        guard let user = users.first(where: {
            $0.email?.caseInsensitiveCompare(wanted) == .orderedSame || $0.name.caseInsensitiveCompare(wanted) == .orderedSame
        }) else {
            throw SourceError(.rejected, "PagerDuty has no user '\(wanted)'; give their login e-mail or their user id")
        }
        return user.id
    }

    // MARK: Helpers

    /// PagerDuty ids: P and six or more capitals and digits.
    static func looksLikeID(_ s: String) -> Bool {
        s.count >= 7 && s.count <= 20 && s.hasPrefix("P") && s.allSatisfy { ($0.isUppercase || $0.isNumber) && $0.isASCII }
    }

    /// An id made safe for a URL path.
    static func pathComponent(_ key: String) -> String {
        key.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? key
    }

    /// `2026-12-05T09:25:30Z` (a value-type format style: no formatter built per call).
    static func iso(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle())
    }
}
