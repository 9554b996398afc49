import Foundation
import GRDB
import VigilCore

extension VigilStore {
    /// How stale `lastSeenAt` of an otherwise unchanged incident may get before a poll rewrites
    /// it: polls of unchanged incidents cost no writes in between.
    static let lastSeenResolution: TimeInterval = 300

    /// Records what a source reported, so metrics cover their window across restarts even for
    /// sources that keep no history. Upserts by incident id in one transaction, writing only rows
    /// whose metric fields changed (id, source, key, number, title, service, severity, status,
    /// times, who acknowledged, paged). Returns how many rows it wrote.
    ///
    /// - The first acknowledgement is kept (for MTTA) even when the source later forgets it (an
    ///   expired Alertmanager silence); an acknowledged incident without a time gets `at`.
    /// - A resolved incident without a resolution time gets `at` (or keeps the one stored).
    /// - An id that fires again after it was resolved, with a new start time (Alertmanager reuses
    ///   the fingerprint), becomes a new occurrence: both outages stay in the history.
    /// - Incidents are stored under `source`, whatever their own `source` field says.
    @discardableResult
    public func record(incidents: [Incident], source: SourceID, at now: Date) throws(StoreError) -> Int {
        do {
            return try write { db in
                try history.withLock { memory in
                    // Another process (a second Vigil) wrote since: what is remembered may be stale.
                    let version = try Int64.fetchOne(db, sql: "PRAGMA data_version")
                    if version != memory.dataVersion { memory = HistoryMemory(dataVersion: version) }
                    return try record(incidents, source: source, at: now, db, &memory)
                }
            }
        } catch {
            history.withLock { $0 = HistoryMemory() }   // rolled back: the rows may not be what it remembers
            throw error
        }
    }

    private func record(_ incidents: [Incident], source: SourceID, at now: Date, _ db: Database,
                        _ memory: inout HistoryMemory) throws -> Int {
        var written = 0
        // Statements compiled once, not once per incident: compiling (SQLite's parser and
        // GRDB's authorizer) was a fifth of the CPU of polling 10,000 alerts.
        let latest = try db.cachedStatement(sql: """
            SELECT \(StoredIncident.columns) FROM incidents WHERE id = ? ORDER BY occurrence DESC LIMIT 1
            """)
        let seen = now.timeIntervalSince1970
        let known = memory.rows.removeValue(forKey: source) ?? HistoryMemory.Rows()
        var rows = HistoryMemory.Rows()
        rows.reserve(incidents.count)
        func wrote(_ key: UInt64, _ digest: HistoryMemory.Digest, id: String) {
            rows.set(key, digest)
            written += 1
            memory.forget(id)   // another source's memory of this id is stale now
        }
        // An unchanged row: remembered as it is, and its `lastSeenAt` rewritten once that is stale.
        func unchanged(_ key: UInt64, _ digest: HistoryMemory.Digest, id: String) throws {
            guard seen - digest.lastSeenAt >= Self.lastSeenResolution else {
                rows.set(key, digest)
                return
            }
            try db.cachedStatement(sql: "UPDATE incidents SET lastSeenAt = ? WHERE occurrence = ?")
                .execute(arguments: [seen, digest.occurrence])
            var touched = digest
            touched.lastSeenAt = seen
            wrote(key, touched, id: id)
        }
        for incident in incidents {
            let key = memory.key(incident.id)
            var fields = HistoryFields(incident, source: source, now: now)
            // What this source's last poll left in the row, when that settles it.
            if let remembered = known[key] {
                let stored = remembered.stored
                // A new occurrence (rare) is decided on the row itself: `remembered` may be
                // another id's whose key is the same.
                if !(stored.resolved && incident.isOpen && fields.triggeredAt != stored.triggeredAt) {
                    fields.merge(stored: stored, sourceGaveResolution: incident.resolvedAt != nil)
                    let hash = memory.hash(fields)
                    if hash == remembered.fields {
                        try unchanged(key, remembered, id: fields.id)
                        continue
                    }
                    // Changes nothing when the row is another id's: then read this one's.
                    if try fields.update(db, occurrence: remembered.occurrence, lastSeenAt: now) {
                        wrote(key, HistoryMemory.Digest(occurrence: remembered.occurrence, lastSeenAt: seen, fields: hash,
                                                        kept: .init(fields.kept)), id: fields.id)
                        continue
                    }
                    fields = HistoryFields(incident, source: source, now: now)
                }
            }
            // The row itself.
            let stored = try Row.fetchOne(latest, arguments: [incident.id]).map(StoredIncident.init(row:))
            let newOccurrence = stored.map {
                $0.fields.status == IncidentStatus.resolved.rawValue && incident.isOpen
                    && fields.triggeredAt != $0.fields.triggeredAt
            } ?? true
            guard let stored, !newOccurrence else {
                try fields.insert(db, lastSeenAt: now)
                wrote(key, memory.digest(occurrence: db.lastInsertedRowID, fields: fields, lastSeenAt: seen), id: fields.id)
                continue
            }
            fields.merge(stored: stored.fields.kept, sourceGaveResolution: incident.resolvedAt != nil)
            if fields == stored.fields {
                try unchanged(key, memory.digest(occurrence: stored.occurrence, fields: fields, lastSeenAt: stored.lastSeenAt),
                              id: fields.id)
                continue
            }
            try fields.update(db, occurrence: stored.occurrence, lastSeenAt: now)
            wrote(key, memory.digest(occurrence: stored.occurrence, fields: fields, lastSeenAt: seen), id: fields.id)
        }
        // Only this poll's incidents are remembered: it cannot grow beyond one poll per source.
        memory.rows[source] = rows
        return written
    }

    /// Resolves, at `now`, every open incident of `source` that is not in `presentIDs`: for
    /// sources that drop resolved incidents (Alertmanager forgets resolved alerts). Call it only
    /// after a successful poll that listed all of the source's open incidents. Returns how many
    /// incidents it resolved.
    @discardableResult
    public func markMissing(source: SourceID, presentIDs: Set<String>, at now: Date) throws(StoreError) -> Int {
        try write { db in
            let open = try Row.fetchAll(db, sql: """
                SELECT occurrence, id FROM incidents WHERE source = ? AND status != 'resolved'
                """, arguments: [source])
            var resolved = 0
            for row in open {
                let id: String = row["id"]
                guard !presentIDs.contains(id) else { continue }
                let occurrence: Int64 = row["occurrence"]
                try db.cachedStatement(sql: """
                    UPDATE incidents SET status = 'resolved', resolvedAt = ? WHERE occurrence = ?
                    """).execute(arguments: [now.timeIntervalSince1970, occurrence])
                history.withLock { $0.forget(id) }
                resolved += 1
            }
            return resolved
        }
    }

    /// Every incident that overlaps `[since, now]`: triggered or resolved since then, or still
    /// open, oldest trigger first. Labels, timeline and links are not stored (empty). An id that
    /// fired more than once appears once per occurrence.
    public func history(since: Date) throws(StoreError) -> [Incident] {
        try read { db in
            try Row.fetchAll(db, sql: """
                SELECT \(StoredIncident.columns) FROM incidents
                WHERE triggeredAt >= ?1 OR resolvedAt IS NULL OR resolvedAt >= ?1
                ORDER BY triggeredAt, occurrence
                """, arguments: [since.timeIntervalSince1970])
                .map { StoredIncident(row: $0).incident }
        }
    }

    /// Deletes what is older than `cutoff`, to keep the file bounded: incidents resolved before
    /// it (and open ones not seen since it), finished outbox entries, and audit lines older than
    /// `auditCutoff` (default: `cutoff`). Pending acknowledgements are never deleted. Returns the
    /// number of rows deleted.
    @discardableResult
    public func prune(olderThan cutoff: Date, auditOlderThan auditCutoff: Date? = nil) throws(StoreError) -> Int {
        try write { db in
            let t = cutoff.timeIntervalSince1970
            try db.execute(sql: """
                DELETE FROM incidents WHERE (resolvedAt IS NOT NULL AND resolvedAt < ?1)
                                         OR (resolvedAt IS NULL AND lastSeenAt < ?1)
                """, arguments: [t])
            var deleted = db.changesCount
            try db.execute(sql: "DELETE FROM outbox WHERE state != 'pending' AND finishedAt < ?", arguments: [t])
            deleted += db.changesCount
            try db.execute(sql: "DELETE FROM audit WHERE at < ?",
                           arguments: [(auditCutoff ?? cutoff).timeIntervalSince1970])
            deleted += db.changesCount
            history.withLock { $0 = HistoryMemory() }
            return deleted
        }
    }
}

/// The stored fields of one incident occurrence that metrics need, compared before writing.
struct HistoryFields: Hashable, Sendable {
    var id: String
    var source: String
    var sourceKey: String
    var number: Int?
    var title: String
    var service: String
    var severity: Int
    var status: String
    var triggeredAt: Double
    var acknowledgedAt: Double?
    var acknowledgedBy: String?
    var resolvedAt: Double?
    var paged: Bool
    /// The page's dedup key, and the keys an alert paged under (one problem, one row must still
    /// merge what is only remembered), space-separated.
    var dedupKey: String?
    var pagedAs: String?

    /// The fields of `incident` as reported, normalised: an acknowledged incident has an
    /// acknowledgement time, a resolved one a resolution time, an open one none.
    init(_ incident: Incident, source: SourceID, now: Date) {
        id = incident.id; self.source = source; sourceKey = incident.sourceKey; number = incident.number
        title = incident.title; service = incident.service; severity = incident.severity.rawValue
        status = incident.status.rawValue; triggeredAt = incident.triggeredAt.timeIntervalSince1970
        acknowledgedAt = incident.acknowledgedAt?.timeIntervalSince1970; acknowledgedBy = incident.acknowledgedBy
        if incident.status == .acknowledged, acknowledgedAt == nil { acknowledgedAt = now.timeIntervalSince1970 }
        resolvedAt = incident.status == .resolved ? (incident.resolvedAt ?? now).timeIntervalSince1970 : nil
        paged = incident.paged
        dedupKey = incident.dedupKey
        pagedAs = incident.pagedAs.isEmpty ? nil : incident.pagedAs.joined(separator: " ")
    }

    /// Its columns, in the order `init(row:offset:)` reads them.
    static let columns = "id, source, sourceKey, number, title, service, severity, status, triggeredAt, acknowledgedAt, "
        + "acknowledgedBy, resolvedAt, paged, dedupKey, pagedAs"

    /// Reads the `columns` starting at `offset`, by position: by name, GRDB lower-cases every
    /// column name on every read (a tenth of the CPU of recording 10,000 alerts).
    init(row: Row, offset o: Int) {
        id = row[o]; source = row[o + 1]; sourceKey = row[o + 2]; number = row[o + 3]
        title = row[o + 4]; service = row[o + 5]; severity = row[o + 6]; status = row[o + 7]
        triggeredAt = row[o + 8]; acknowledgedAt = row[o + 9]; acknowledgedBy = row[o + 10]
        resolvedAt = row[o + 11]; paged = row[o + 12]; dedupKey = row[o + 13]; pagedAs = row[o + 14]
    }

    /// Keeps what the stored occurrence knew and the source no longer says: the first
    /// acknowledgement, and the resolution time when the source gives none. `stored` is what
    /// the stored occurrence's `kept` was: all this reads of it.
    mutating func merge(stored: Kept, sourceGaveResolution: Bool) {
        if let storedAck = stored.acknowledgedAt {
            if let ack = acknowledgedAt, ack <= storedAck {
                // The source's (earlier or equal) time wins.
            } else {
                acknowledgedAt = storedAck
                acknowledgedBy = stored.acknowledgedBy
            }
        }
        if !sourceGaveResolution, status == IncidentStatus.resolved.rawValue,
           stored.resolved, let storedResolved = stored.resolvedAt {
            // Resolved without a time: keep the time it was first seen resolved (or missing).
            resolvedAt = storedResolved
        }
    }

    private var arguments: StatementArguments {
        [id, source, sourceKey, number, title, service, severity, status, triggeredAt, acknowledgedAt,
         acknowledgedBy, resolvedAt, paged, dedupKey, pagedAs]
    }

    func insert(_ db: Database, lastSeenAt: Date) throws {
        try db.cachedStatement(sql: """
            INSERT INTO incidents (id, source, sourceKey, number, title, service, severity, status, triggeredAt,
                                   acknowledgedAt, acknowledgedBy, resolvedAt, paged, dedupKey, pagedAs, lastSeenAt)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """).execute(arguments: arguments + [lastSeenAt.timeIntervalSince1970])
    }

    /// Rewrites `occurrence` if it is an occurrence of this id; returns whether it was.
    @discardableResult
    func update(_ db: Database, occurrence: Int64, lastSeenAt: Date) throws -> Bool {
        try db.cachedStatement(sql: """
            UPDATE incidents SET id = ?, source = ?, sourceKey = ?, number = ?, title = ?, service = ?, severity = ?,
                                 status = ?, triggeredAt = ?, acknowledgedAt = ?, acknowledgedBy = ?, resolvedAt = ?,
                                 paged = ?, dedupKey = ?, pagedAs = ?, lastSeenAt = ?
            WHERE occurrence = ? AND id = ?
            """).execute(arguments: arguments + [lastSeenAt.timeIntervalSince1970, occurrence, id])
        return db.changesCount > 0
    }
}

/// One row of the `incidents` table.
struct StoredIncident: Sendable {
    var occurrence: Int64
    var fields: HistoryFields
    var lastSeenAt: Double

    /// The columns `init(row:)` reads, in its order.
    static let columns = "occurrence, lastSeenAt, " + HistoryFields.columns

    /// A row as written.
    init(occurrence: Int64, fields: HistoryFields, lastSeenAt: Double) {
        self.occurrence = occurrence; self.fields = fields; self.lastSeenAt = lastSeenAt
    }

    /// Reads a row selected with `columns`.
    init(row: Row) {
        occurrence = row[0]
        lastSeenAt = row[1]
        fields = HistoryFields(row: row, offset: 2)
    }

    /// Back to the domain model (without labels, timeline or links).
    var incident: Incident {
        Incident(id: fields.id, source: fields.source, sourceKey: fields.sourceKey, number: fields.number,
                 title: fields.title, service: fields.service,
                 severity: Severity(rawValue: fields.severity) ?? .info,
                 status: IncidentStatus(rawValue: fields.status) ?? .triggered,
                 triggeredAt: Date(timeIntervalSince1970: fields.triggeredAt),
                 acknowledgedAt: fields.acknowledgedAt.map(Date.init(timeIntervalSince1970:)),
                 acknowledgedBy: fields.acknowledgedBy,
                 resolvedAt: fields.resolvedAt.map(Date.init(timeIntervalSince1970:)),
                 paged: fields.paged, dedupKey: fields.dedupKey,
                 pagedAs: fields.pagedAs.map { $0.split(separator: " ").map(String.init) } ?? [])
    }
}
