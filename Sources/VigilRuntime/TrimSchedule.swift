import Foundation

/// When the dashboard hands freed memory back to the system (glibc `malloc_trim`): at least
/// every `every`, and `afterPoll` after a poll's answer was taken in, once what the poll decoded
/// and replaced is freed, so that memory is not resident until the next poll reuses it (with
/// 10,000 alerts, 1 MB of the median anonymous memory). Never two hand-backs within `gap`
/// (several sources' polls come at once), and a hand-back that must wait is a time to wake at,
/// never a loop that spins until then.
struct TrimSchedule {
    /// The longest time between two hand-backs.
    var every: TimeInterval = 60
    /// How long after a poll's answer its freed memory is handed back.
    var afterPoll: TimeInterval = 1
    /// The shortest time between two hand-backs.
    var gap: TimeInterval = 4
    /// The last hand-back (or the start).
    private(set) var last: Date
    /// The hand-back a poll asked for, if one is pending.
    private(set) var pending: Date?

    init(start: Date) { last = start }

    /// A poll's answer was taken in at `now`.
    mutating func polled(at now: Date) {
        guard pending == nil else { return }
        pending = max(now.addingTimeInterval(afterPoll), last.addingTimeInterval(gap))
    }

    /// Whether to hand back at `now`; if so, it counts as done.
    mutating func due(at now: Date) -> Bool {
        guard now.timeIntervalSince(last) >= every || pending.map({ now >= $0 }) ?? false else { return false }
        last = now
        pending = nil
        return true
    }

    /// How long the loop may sleep from `now` before a pending hand-back (nil: none pending).
    func wait(from now: Date) -> Duration? {
        pending.map { .milliseconds(Int64((max(0, $0.timeIntervalSince(now)) * 1_000).rounded(.up))) }
    }
}
