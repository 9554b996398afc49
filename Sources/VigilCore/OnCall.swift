import Foundation

/// One on-call shift of a person on an escalation policy (PagerDuty's `/oncalls`).
public struct OnCallShift: Sendable, Hashable {
    /// The person's name.
    public var person: String
    /// The escalation policy's name.
    public var policy: String
    /// The level of the policy (1: paged first).
    public var level: Int
    /// When it starts; nil: always on call.
    public var start: Date?
    /// When it ends; nil: never goes off call.
    public var end: Date?
    /// Whether it is the engineer at this Vigil (the source knows who it acts as).
    public var isMe: Bool
    /// The person's id at the source, when it has one (a PagerDuty user id).
    public var personID: String?

    /// Creates a shift.
    public init(person: String, policy: String, level: Int, start: Date?, end: Date?, isMe: Bool = false,
                personID: String? = nil) {
        self.person = person; self.policy = policy; self.level = level; self.start = start; self.end = end; self.isMe = isMe
        self.personID = personID
    }

    /// Whether it covers `now`.
    public func covers(_ now: Date) -> Bool { (start ?? .distantPast) <= now && now < (end ?? .distantFuture) }
}

/// The header's one line about who is on call.
public enum OnCallSummary {
    /// "you are on call until 09:00", "on call: Aisha Okafor until 09:00 · you are level 2 until 09:00",
    /// "on call: Aisha Okafor until 09:00 · your next shift: Tue 09:00", or nil when no source says
    /// who is on call. "On call" is the first level of a policy; the engineer's own later levels
    /// are named as such.
    public static func line(_ shifts: [OnCallShift], now: Date, timeZone: TimeZone) -> String? {
        let current = shifts.filter { $0.level == 1 && $0.covers(now) }
            .sorted { ($0.policy, $0.person) < ($1.policy, $1.person) }
        if let mine = current.first(where: \.isMe) {
            return "you are on call" + until(mine.end, now: now, timeZone: timeZone)
        }
        var parts: [String] = []
        if let first = current.first {
            let others = Set(current.map(\.person)).count - 1
            parts.append("on call: \(first.person)" + (others > 0 ? " +\(others)" : "") + until(first.end, now: now, timeZone: timeZone))
        }
        if let backup = shifts.filter({ $0.isMe && $0.covers(now) }).min(by: { $0.level < $1.level }) {
            parts.append("you are level \(backup.level)" + until(backup.end, now: now, timeZone: timeZone))
        } else if let next = shifts.filter({ $0.isMe && ($0.start ?? .distantPast) > now }).min(by: { ($0.start ?? now) < ($1.start ?? now) }),
           let start = next.start {
            parts.append("your next shift: " + when(start, now: now, timeZone: timeZone))
        }
        return parts.isEmpty ? nil : parts.joined(separator: " \(separator) ")
    }

    /// Between the parts of the line.
    public static let separator = "·"

    /// The zone the header shows times in: its clock's, UTC.
    public static let headerTimeZone = TimeZone(identifier: "UTC") ?? .current

    /// " until 09:00", or nothing for a shift without an end.
    static func until(_ end: Date?, now: Date, timeZone: TimeZone) -> String {
        end.map { " until " + when($0, now: now, timeZone: timeZone) } ?? ""
    }

    /// "09:00" within 24 hours, "Tue 09:00" within a week, "3 Dec 09:00" after that.
    static func when(_ date: Date, now: Date, timeZone: TimeZone) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let c = calendar.dateComponents([.weekday, .day, .month, .hour, .minute], from: date)
        let clock = String(format: "%02d:%02d", c.hour ?? 0, c.minute ?? 0)
        let ahead = date.timeIntervalSince(now)
        if ahead < 24 * 3_600 { return clock }
        let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        if ahead < 6 * 86_400 { return "\(days[((c.weekday ?? 1) - 1) % 7]) \(clock)" }
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        return "\(c.day ?? 1) \(months[((c.month ?? 1) - 1) % 12]) \(clock)"
    }
}

/// Someone an incident can be reassigned to, as the picker lists them.
public struct Assignee: Sendable, Hashable {
    /// Their name (what the action carries; the source looks them up by it).
    public var name: String
    /// Why they are listed: "on call, Checkout on-call level 2 until 09:00".
    public var note: String
}

extension AppState {
    /// The people an incident can be reassigned to: those on call now at its source, the
    /// incident's own escalation policy first (by level), then the others; not those it is
    /// assigned to already; at most nine (one digit each).
    public func assignees(for incident: Incident) -> [Assignee] {
        let shifts = sources[incident.source]?.snapshot?.onCall ?? []
        let policy = incident.labels.first { $0.key == "escalation_policy" }?.value
        let assigned = Set((incident.labels.first { $0.key == "assignee" }?.value ?? "")
            .split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) })
        let current = shifts.filter { $0.covers(now) && !assigned.contains($0.person) }.sorted { a, b in
            let x = a.policy == policy ? 0 : 1, y = b.policy == policy ? 0 : 1
            return (x, a.level, a.person, a.policy) < (y, b.level, b.person, b.policy)
        }
        var out: [Assignee] = []
        for shift in current where !out.contains(where: { $0.name == shift.person }) && out.count < 9 {
            let until = OnCallSummary.until(shift.end, now: now, timeZone: OnCallSummary.headerTimeZone)
            let who = shift.isMe ? " (you)" : ""
            out.append(Assignee(name: shift.person, note: "on call\(who), \(shift.policy) level \(shift.level)\(until)"))
        }
        return out
    }
}
