import Foundation
import GRDB
import VigilCore

/// Where an outbox entry is in its life.
public enum OutboxState: String, Sendable, Hashable, Codable, CaseIterable {
    /// Not yet confirmed by the source: it is (re)sent when due.
    case pending
    /// The source confirmed it.
    case done
    /// Given up: the source refused in a way retrying cannot fix (for example "already resolved").
    case abandoned
}

/// One action the user asked for (acknowledge, resolve, a note…), written before it is sent and
/// kept until the source confirms it.
public struct OutboxEntry: Sendable, Hashable, Identifiable {
    /// Row id; increases with every new entry, so it is also the order the requests were made in.
    public var id: Int64
    /// The incident (`Incident.id`).
    public var incidentID: String
    /// The source that must confirm it.
    public var source: SourceID
    /// The id the source uses for the incident (`Incident.sourceKey`).
    public var sourceKey: String
    /// What to do.
    public var kind: ActionKind
    /// What the action carries (seconds to snooze, the note, whom to reassign to); nil for none.
    public var argument: String?
    /// Who asked.
    public var user: String
    /// When they asked.
    public var requestedAt: Date
    /// How many sends were started (`beginAttempt`), including one that may still be in flight.
    public var attempts: Int
    /// When the last send started.
    public var lastAttemptAt: Date?
    /// Why the last send failed.
    public var lastError: String?
    /// When it may be sent next (after a failure: the back-off; while a send is in flight: the
    /// end of its lease).
    public var nextAttemptAt: Date
    /// Pending, done or abandoned.
    public var state: OutboxState
    /// Who the source says acknowledged it (nil for an un-acknowledgement).
    public var confirmedBy: String?
    /// When the source says it happened.
    public var confirmedAt: Date?

    /// Creates an entry (the store makes them; this is for tests and previews).
    public init(id: Int64, incidentID: String, source: SourceID, sourceKey: String, kind: ActionKind,
                argument: String? = nil, user: String, requestedAt: Date, attempts: Int = 0, lastAttemptAt: Date? = nil, lastError: String? = nil,
                nextAttemptAt: Date, state: OutboxState = .pending, confirmedBy: String? = nil, confirmedAt: Date? = nil) {
        self.id = id; self.incidentID = incidentID; self.source = source; self.sourceKey = sourceKey
        self.kind = kind; self.argument = argument; self.user = user; self.requestedAt = requestedAt; self.attempts = attempts
        self.lastAttemptAt = lastAttemptAt; self.lastError = lastError; self.nextAttemptAt = nextAttemptAt
        self.state = state; self.confirmedBy = confirmedBy; self.confirmedAt = confirmedAt
    }

    /// The action, with its argument; nil when a stored argument is not valid for its kind.
    public var action: IncidentAction? { IncidentAction(kind: kind, argument: argument) }

    /// True when a send was started before: it may have reached the source without an answer
    /// coming back (a timeout, `kill -9`), so look at the source (`check(against:now:)`) before
    /// sending again.
    public var needsSourceCheck: Bool { attempts > 0 }

    /// Decides, from the incident as the source reported it in its latest successful poll (nil
    /// when that poll no longer lists it), whether to send this entry, record it as done, or
    /// give it up. Use it before every re-send so a retry never duplicates an acknowledgement.
    ///
    /// Per kind: an acknowledgement is done when the source shows it acknowledged, taking it back
    /// when it shows it triggered, a resolution when it shows it resolved (or no longer lists
    /// it), a note when the timeline holds its text. Snoozing and reassigning to a named person
    /// say the same thing twice, so they are sent again. An escalation is not: sent twice it goes
    /// up two levels, so one whose first send may have arrived is given up with a reason.
    public func check(against incident: Incident?, now: Date) -> OutboxCheck {
        guard let incident else {
            if kind == .resolve { return .alreadyDone(nil) }
            return .moot("\(incidentID) is no longer listed by \(source)")
        }
        if incident.status == .resolved {
            if kind == .resolve {
                return .alreadyDone(ActionConfirmation(by: "unknown", at: incident.resolvedAt ?? now))
            }
            return .moot("\(incidentID) is already resolved")
        }
        switch (kind, incident.status) {
        case (.acknowledge, .acknowledged):
            return .alreadyDone(ActionConfirmation(by: incident.acknowledgedBy ?? "unknown",
                                                at: incident.acknowledgedAt ?? now))
        case (.unacknowledge, .triggered):
            return .alreadyDone(nil)
        case (.note, _):
            guard let text = argument, incident.timeline.contains(where: { $0.text.contains(text) }) else { return .send }
            return .alreadyDone(nil)
        case (.escalate, _):
            return .moot("the escalation of \(incidentID) may have reached \(source) without an answer; "
                + "look at the incident there before escalating again")
        default:
            return .send
        }
    }
}

/// What the source's current view of an incident means for a pending outbox entry.
public enum OutboxCheck: Sendable, Hashable {
    /// The source does not show it done: send it.
    case send
    /// The source already shows it done (by this user or someone else): call `recordSuccess`
    /// with this confirmation (nil for an un-acknowledgement) and do not send.
    case alreadyDone(ActionConfirmation?)
    /// It can no longer be done (resolved, gone): call `abandon` with this reason.
    case moot(String)
}

extension VigilStore {
    /// How long a started send keeps its entry from being sent again (by this or another Vigil)
    /// unless its owner is known to have died. Make it longer than a source call can take.
    public static let defaultLease: TimeInterval = 60

    /// Writes and commits an acknowledgement request; call it before sending anything. When the
    /// incident's latest pending entry is the same request (same kind and user), that entry is
    /// returned instead of a second one; an opposite request (ack after un-ack) is queued behind.
    @discardableResult
    public func enqueue(incidentID: String, source: SourceID, sourceKey: String, kind: ActionKind,
                        argument: String? = nil, user: String, at: Date) throws(StoreError) -> OutboxEntry {
        try write { db in
            if let latest = try Row.fetchOne(db, sql: """
                SELECT * FROM outbox WHERE incidentID = ? AND state = 'pending' ORDER BY id DESC LIMIT 1
                """, arguments: [incidentID]).map(OutboxEntry.init(row:)), latest.kind == kind, latest.argument == argument, latest.user == user {
                return latest
            }
            try db.execute(sql: """
                INSERT INTO outbox (incidentID, source, sourceKey, kind, argument, user, requestedAt, attempts,
                                    nextAttemptAt, state)
                VALUES (?, ?, ?, ?, ?, ?, ?, 0, ?, 'pending')
                """, arguments: [incidentID, source, sourceKey, kind.rawValue, argument, user,
                                 at.timeIntervalSince1970, at.timeIntervalSince1970])
            let entry = OutboxEntry(id: db.lastInsertedRowID, incidentID: incidentID, source: source,
                                    sourceKey: sourceKey, kind: kind, argument: argument, user: user, requestedAt: at,
                                    nextAttemptAt: at)
            try Self.appendAudit(db, entry: entry, at: at, outcome: .queued, message: "")
            return entry
        }
    }

    /// Entries to send now, oldest request first: pending, due (`nextAttemptAt ≤ now`, or claimed
    /// by a process that has died), and the oldest pending entry of their incident, so an
    /// acknowledgement and a later un-acknowledgement reach the source in the order asked.
    public func due(at now: Date) throws(StoreError) -> [OutboxEntry] {
        try read { db in
            let pending = try Self.pendingWithClaims(db)
            var seen = Set<String>()
            var result: [OutboxEntry] = []
            for (entry, claimedBy) in pending {
                guard seen.insert(entry.incidentID).inserted else { continue }
                if entry.nextAttemptAt <= now || ClaimOwner.isStale(claimedBy) { result.append(entry) }
            }
            return result.sorted { ($0.requestedAt, $0.id) < ($1.requestedAt, $1.id) }
        }
    }

    /// Every pending entry, in the order they were requested.
    public func pending() throws(StoreError) -> [OutboxEntry] {
        try read { db in try Self.pendingWithClaims(db).map(\.0) }
    }

    /// One entry by id, whatever its state; nil when there is none (or it was pruned).
    public func outboxEntry(id: Int64) throws(StoreError) -> OutboxEntry? {
        try read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM outbox WHERE id = ?", arguments: [id]).map(OutboxEntry.init(row:))
        }
    }

    /// Claims a due entry for one send: counts the attempt, audits it, and keeps it from being
    /// due again for `lease` seconds (or until this process dies). Returns nil, sending nothing,
    /// when it is not for sending now: no longer pending, not due, claimed by another live
    /// process, or behind an older pending entry of the same incident.
    public func beginAttempt(id: Int64, at now: Date, lease: TimeInterval = VigilStore.defaultLease) throws(StoreError) -> OutboxEntry? {
        try write { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM outbox WHERE id = ?", arguments: [id]) else {
                throw StoreError.unknownOutboxEntry(id)
            }
            var entry = OutboxEntry(row: row)
            let claimedBy: String? = row["claimedBy"]
            guard entry.state == .pending, entry.nextAttemptAt <= now || ClaimOwner.isStale(claimedBy) else { return nil }
            let older = try Bool.fetchOne(db, sql: """
                SELECT EXISTS (SELECT 1 FROM outbox WHERE incidentID = ? AND state = 'pending' AND id < ?)
                """, arguments: [entry.incidentID, id]) ?? false
            guard !older else { return nil }
            entry.attempts += 1
            entry.lastAttemptAt = now
            entry.nextAttemptAt = now.addingTimeInterval(max(lease, 0))
            try db.execute(sql: """
                UPDATE outbox SET attempts = ?, lastAttemptAt = ?, nextAttemptAt = ?, claimedBy = ? WHERE id = ?
                """, arguments: [entry.attempts, now.timeIntervalSince1970, entry.nextAttemptAt.timeIntervalSince1970,
                                 ClaimOwner.current, id])
            try Self.appendAudit(db, entry: entry, at: now, outcome: .sending, message: "attempt \(entry.attempts)")
            return entry
        }
    }

    /// Records that a send failed and schedules the next one: after the n-th attempt, a random
    /// wait in [0, min(300 s, 2 s · 2^(n−1))] (see `Backoff`). Audited. An entry that is no
    /// longer pending (confirmed meanwhile) only gets the audit line.
    @discardableResult
    public func recordFailure(id: Int64, error: String, at now: Date) throws(StoreError) -> OutboxEntry {
        try write { db in
            var entry = try Self.fetchEntry(db, id: id)
            guard entry.state == .pending else {
                try Self.appendAudit(db, entry: entry, at: now, outcome: .failed, message: error)
                return entry
            }
            entry.attempts = max(entry.attempts, 1)
            let wait = backoff.delay(afterFailures: entry.attempts, unit: random())
            entry.lastError = error
            entry.lastAttemptAt = entry.lastAttemptAt ?? now
            entry.nextAttemptAt = now.addingTimeInterval(wait)
            try db.execute(sql: """
                UPDATE outbox SET attempts = ?, lastAttemptAt = ?, lastError = ?, nextAttemptAt = ?, claimedBy = NULL
                WHERE id = ?
                """, arguments: [entry.attempts, entry.lastAttemptAt?.timeIntervalSince1970, error,
                                 entry.nextAttemptAt.timeIntervalSince1970, id])
            try Self.appendAudit(db, entry: entry, at: now, outcome: .failed,
                                 message: "\(error); next attempt in \(Self.durationText(wait))")
            return entry
        }
    }

    /// Marks an entry done because the source confirmed it (from its answer, or because a check
    /// showed it already done). `confirmation` is nil for an un-acknowledgement. Audited; a
    /// confirmation that arrives after the entry was abandoned still marks it done.
    @discardableResult
    public func recordSuccess(id: Int64, confirmation: ActionConfirmation?, at now: Date) throws(StoreError) -> OutboxEntry {
        try write { db in
            var entry = try Self.fetchEntry(db, id: id)
            let message: String
            if let confirmation {
                message = "\(entry.kind.done) by \(confirmation.by) at \(AuditEntry.clock(confirmation.at))"
            } else {
                message = entry.kind == .unacknowledge ? "acknowledgement taken back" : "confirmed"
            }
            if entry.state != .done {
                entry.state = .done
                entry.confirmedBy = confirmation?.by
                entry.confirmedAt = confirmation?.at ?? now
                try db.execute(sql: """
                    UPDATE outbox SET state = 'done', confirmedBy = ?, confirmedAt = ?, claimedBy = NULL, finishedAt = ?
                    WHERE id = ?
                    """, arguments: [entry.confirmedBy, entry.confirmedAt?.timeIntervalSince1970,
                                     now.timeIntervalSince1970, id])
            }
            try Self.appendAudit(db, entry: entry, at: now, outcome: .confirmed, message: message)
            return entry
        }
    }

    /// Gives a pending entry up because retrying cannot help (the source refused: "already
    /// resolved", unknown incident, not supported). Audited. Does nothing to an entry that is
    /// no longer pending.
    @discardableResult
    public func abandon(id: Int64, reason: String, at now: Date) throws(StoreError) -> OutboxEntry {
        try write { db in
            var entry = try Self.fetchEntry(db, id: id)
            guard entry.state == .pending else { return entry }
            entry.state = .abandoned
            entry.lastError = reason
            try db.execute(sql: """
                UPDATE outbox SET state = 'abandoned', lastError = ?, claimedBy = NULL, finishedAt = ? WHERE id = ?
                """, arguments: [reason, now.timeIntervalSince1970, id])
            try Self.appendAudit(db, entry: entry, at: now, outcome: .abandoned, message: reason)
            return entry
        }
    }

    // MARK: - Helpers

    static func fetchEntry(_ db: Database, id: Int64) throws -> OutboxEntry {
        guard let row = try Row.fetchOne(db, sql: "SELECT * FROM outbox WHERE id = ?", arguments: [id]) else {
            throw StoreError.unknownOutboxEntry(id)
        }
        return OutboxEntry(row: row)
    }

    static func pendingWithClaims(_ db: Database) throws -> [(OutboxEntry, String?)] {
        try Row.fetchAll(db, sql: "SELECT * FROM outbox WHERE state = 'pending' ORDER BY id")
            .map { (OutboxEntry(row: $0), $0["claimedBy"]) }
    }

    static func durationText(_ seconds: TimeInterval) -> String {
        seconds < 10 ? String(format: "%.1f s", seconds) : "\(Int(seconds.rounded())) s"
    }
}

extension OutboxEntry {
    /// Decodes a row of the `outbox` table.
    init(row: Row) {
        self.init(id: row["id"], incidentID: row["incidentID"], source: row["source"], sourceKey: row["sourceKey"],
                  kind: ActionKind(rawValue: row["kind"]) ?? .acknowledge, argument: row["argument"], user: row["user"],
                  requestedAt: Date(timeIntervalSince1970: row["requestedAt"]), attempts: row["attempts"],
                  lastAttemptAt: (row["lastAttemptAt"] as Double?).map(Date.init(timeIntervalSince1970:)),
                  lastError: row["lastError"],
                  nextAttemptAt: Date(timeIntervalSince1970: row["nextAttemptAt"]),
                  state: OutboxState(rawValue: row["state"]) ?? .pending,
                  confirmedBy: row["confirmedBy"],
                  confirmedAt: (row["confirmedAt"] as Double?).map(Date.init(timeIntervalSince1970:)))
    }
}
