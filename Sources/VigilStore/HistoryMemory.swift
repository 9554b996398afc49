import VigilCore

/// What `record` last wrote or read of each incident, by source: a poll whose incidents did not
/// change then costs no SQL statement per incident (reading 10,000 rows back every 5 s was most
/// of the cost of keeping the history of 10,000 alerts). Valid while no other connection writes:
/// SQLite's `data_version` says when one did, and then it is dropped.
///
/// It keeps a digest of each row, not the row: its occurrence, `lastSeenAt`, a 64-bit hash of
/// its fields and, only when the row was acknowledged or resolved, what `HistoryFields.merge`
/// and the new-occurrence test read (`HistoryFields.Kept`). 52 bytes per incident where the rows
/// took 257 and kept their strings alive (DECISIONS 2026-12-06).
///
/// Exactness. Rows are found by a 64-bit hash of the incident id, so two ids may share one
/// digest (odds ~n²/2^65 per poll); the other id's digest is then never taken for this one's
/// row: the fields' hash covers the id, the update of a changed row is guarded by the id (a
/// guarded update that changed nothing falls back to reading the row), and a new occurrence is
/// decided on the row read back. What is left is the fields' hash: an incident whose fields
/// changed and whose new fields hash to the old value (a 2^-64 chance per changed incident;
/// the hashes are seeded at random per memory, so no one can aim at a collision) would not be
/// written until its next change.
struct HistoryMemory: Sendable {
    /// `PRAGMA data_version` of the writer connection when it was last valid.
    var dataVersion: Int64?
    /// By source, the digests of that source's last poll.
    var rows: [String: Rows] = [:]
    /// Seeds the hashes (besides the process's own seed, which SWIFT_DETERMINISTIC_HASHING fixes).
    let seed: UInt64

    init(dataVersion: Int64? = nil, seed: UInt64 = .random(in: .min ... .max)) {
        self.dataVersion = dataVersion
        self.seed = seed
    }

    /// The key of an incident id.
    func key(_ id: String) -> UInt64 {
        var hasher = Hasher()
        hasher.combine(seed)
        hasher.combine(id)
        return UInt64(UInt(bitPattern: hasher.finalize()))
    }

    /// The hash of a row's fields (as written: after `merge`).
    func hash(_ fields: HistoryFields) -> UInt64 {
        var hasher = Hasher()
        hasher.combine(~seed)
        hasher.combine(fields)
        return UInt64(UInt(bitPattern: hasher.finalize()))
    }

    /// The digest of a row as written or read.
    func digest(occurrence: Int64, fields: HistoryFields, lastSeenAt: Double) -> Digest {
        Digest(occurrence: occurrence, lastSeenAt: lastSeenAt, fields: hash(fields), kept: Kept.Box(fields.kept))
    }

    /// Forgets `id` wherever it is remembered (it was written, or resolved, by something else).
    mutating func forget(_ id: String) {
        let key = key(id)
        for source in rows.keys where rows[source]?[key] != nil { rows[source]?.remove(key) }
    }

    typealias Kept = HistoryFields.Kept

    /// What is remembered of one row: 32 bytes, and a `Kept` beside it for the rows that were
    /// acknowledged or resolved.
    struct Digest: Sendable {
        var occurrence: Int64
        var lastSeenAt: Double
        /// `HistoryMemory.hash` of the fields.
        var fields: UInt64
        /// What `merge` and the new-occurrence test read; nil when that is `Kept.plain`.
        var kept: Kept.Box?

        var stored: Kept { kept?.value ?? .plain }
    }

    /// Digests by key: in a list, with an index of positions (a dictionary of the digests
    /// themselves would take 66 bytes per incident, its table being a third empty, where this
    /// takes 32 + 20).
    struct Rows: Sendable {
        private var list: [Digest] = []
        private var position: [UInt64: Int32] = [:]

        subscript(key: UInt64) -> Digest? {
            position[key].map { list[Int($0)] }
        }

        mutating func reserve(_ n: Int) {
            list.reserveCapacity(n)
            position.reserveCapacity(n)
        }

        mutating func set(_ key: UInt64, _ digest: Digest) {
            if let p = position[key] {
                list[Int(p)] = digest
            } else {
                position[key] = Int32(list.count)
                list.append(digest)
            }
        }

        /// Forgets `key` (its place in the list stays, unreachable, until the next poll's rows).
        mutating func remove(_ key: UInt64) { position.removeValue(forKey: key) }
    }
}

extension HistoryFields {
    /// What `merge(stored:sourceGaveResolution:)` and the new-occurrence test read of a stored row.
    struct Kept: Sendable, Equatable {
        /// The first acknowledgement, and who made it.
        var acknowledgedAt: Double?
        var acknowledgedBy: String?
        /// Whether the row is resolved; when it is, its resolution and trigger times.
        var resolved: Bool
        var resolvedAt: Double?
        var triggeredAt: Double

        /// A row neither acknowledged nor resolved: all the others read the same.
        static let plain = Kept(acknowledgedAt: nil, acknowledgedBy: nil, resolved: false, resolvedAt: nil, triggeredAt: 0)

        /// `Kept` on the heap, so that the many rows without one pay 8 bytes for it.
        final class Box: Sendable {
            let value: Kept
            /// Nil for `plain`.
            init?(_ value: Kept) {
                guard value != .plain else { return nil }
                self.value = value
            }
        }
    }

    /// What a later `merge` and new-occurrence test need of these fields once stored.
    var kept: Kept {
        let resolved = status == IncidentStatus.resolved.rawValue
        guard acknowledgedAt != nil || resolved else { return .plain }
        return Kept(acknowledgedAt: acknowledgedAt, acknowledgedBy: acknowledgedAt == nil ? nil : acknowledgedBy,
                    resolved: resolved, resolvedAt: resolved ? resolvedAt : nil,
                    triggeredAt: resolved ? triggeredAt : 0)
    }
}
