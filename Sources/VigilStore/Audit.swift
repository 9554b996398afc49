import Foundation
import GRDB
import VigilCore

/// What happened to an acknowledgement at one step.
public enum AuditOutcome: String, Sendable, Hashable, Codable, CaseIterable {
    /// Written to the outbox.
    case queued
    /// A send started.
    case sending
    /// The source confirmed it.
    case confirmed
    /// A send failed; it will be retried.
    case failed
    /// Given up.
    case abandoned
}

/// One line of the audit log: who asked what for which incident, when, and what the source said.
public struct AuditEntry: Sendable, Hashable {
    /// When this step happened.
    public var at: Date
    /// Who asked for the acknowledgement.
    public var user: String
    /// The incident.
    public var incidentID: String
    /// The source that owns it.
    public var source: SourceID
    /// Acknowledge or take back.
    public var action: ActionKind
    /// What happened.
    public var outcome: AuditOutcome
    /// The source's answer or the error, in words ("acknowledged by alice at 21:04").
    public var message: String
    /// The outbox entry it belongs to.
    public var outboxID: Int64?

    /// Creates an entry (the store writes them; this is for tests and previews).
    public init(at: Date, user: String, incidentID: String, source: SourceID, action: ActionKind,
                outcome: AuditOutcome, message: String, outboxID: Int64? = nil) {
        self.at = at; self.user = user; self.incidentID = incidentID; self.source = source
        self.action = action; self.outcome = outcome; self.message = message; self.outboxID = outboxID
    }

    /// "2026-11-26 21:04:11Z", in UTC.
    public static func timestamp(_ date: Date) -> String {
        let c = utc.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        return "\(pad(c.year, 4))-\(pad(c.month))-\(pad(c.day)) \(pad(c.hour)):\(pad(c.minute)):\(pad(c.second))Z"
    }

    /// "21:04", in UTC.
    static func clock(_ date: Date) -> String {
        let c = utc.dateComponents([.hour, .minute], from: date)
        return "\(pad(c.hour)):\(pad(c.minute))"
    }

    private static let utc: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(secondsFromGMT: 0) ?? calendar.timeZone
        return calendar
    }()

    private static func pad(_ value: Int?, _ width: Int = 2) -> String {
        let text = String(value ?? 0)
        return String(repeating: "0", count: max(0, width - text.count)) + text
    }
}

extension VigilStore {
    /// The audit log, oldest first; with `limit`, only the newest `limit` entries (still oldest
    /// first, so the newest is last).
    public func auditLog(limit: Int? = nil) throws(StoreError) -> [AuditEntry] {
        try read { db in
            let rows: [Row]
            if let limit {
                rows = try Row.fetchAll(db, sql: "SELECT * FROM audit ORDER BY id DESC LIMIT ?",
                                        arguments: [max(limit, 0)]).reversed()
            } else {
                rows = try Row.fetchAll(db, sql: "SELECT * FROM audit ORDER BY id")
            }
            return rows.map(AuditEntry.init(row:))
        }
    }

    /// The audit log as aligned text lines for `vigil log`, one entry a line, no trailing
    /// newline; "" when there are none. Columns: time (UTC), user, action, incident, source,
    /// outcome, message. Control characters (from a source's error text) are shown as "?" so
    /// printing the log can never drive the terminal.
    ///
    ///     2026-11-26 21:04:11Z  alice  acknowledge  PD-Q1QHMKT  demo  confirmed  acknowledged by alice at 21:04
    public static func format(_ entries: [AuditEntry]) -> String {
        let rows = entries.map { e in
            [AuditEntry.timestamp(e.at), e.user, e.action.rawValue, e.incidentID, e.source, e.outcome.rawValue, e.message]
                .map(printable)
        }
        guard let columns = rows.first?.count else { return "" }
        var widths = [Int](repeating: 0, count: columns)
        for row in rows {
            for (i, cell) in row.enumerated() { widths[i] = max(widths[i], cell.count) }
        }
        return rows.map { row in
            var line = ""
            for (i, cell) in row.enumerated() {
                if i > 0 { line += "  " }
                line += cell
                if i < columns - 1 { line += String(repeating: " ", count: widths[i] - cell.count) }
            }
            while line.last == " " { line.removeLast() }
            return line
        }.joined(separator: "\n")
    }

    /// Replaces control characters (C0, DEL, C1) by "?" and line breaks by spaces.
    static func printable(_ text: String) -> String {
        String(String.UnicodeScalarView(text.unicodeScalars.map { scalar -> Unicode.Scalar in
            switch scalar.value {
            case 0x0A, 0x0D, 0x09: return " "
            case 0x00...0x1F, 0x7F...0x9F: return "?"
            default: return scalar
            }
        }))
    }

    /// Appends one audit line for `entry` inside the caller's transaction.
    static func appendAudit(_ db: Database, entry: OutboxEntry, at: Date, outcome: AuditOutcome, message: String) throws {
        try db.execute(sql: """
            INSERT INTO audit (at, user, incidentID, source, action, outcome, message, outboxID)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """, arguments: [at.timeIntervalSince1970, entry.user, entry.incidentID, entry.source,
                             entry.kind.rawValue, outcome.rawValue, message, entry.id])
    }
}

extension AuditEntry {
    /// Decodes a row of the `audit` table.
    init(row: Row) {
        self.init(at: Date(timeIntervalSince1970: row["at"]), user: row["user"], incidentID: row["incidentID"],
                  source: row["source"], action: ActionKind(rawValue: row["action"]) ?? .acknowledge,
                  outcome: AuditOutcome(rawValue: row["outcome"]) ?? .failed, message: row["message"],
                  outboxID: row["outboxID"])
    }
}
