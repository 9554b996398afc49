import Foundation

/// The window a user picks with `w`: every figure covers `[now - length, now)`.
public enum TimeWindow: String, Sendable, Hashable, CaseIterable {
    case day = "24h", week = "7d", month = "30d"

    /// Length in seconds.
    public var seconds: TimeInterval {
        switch self {
        case .day: return 86_400
        case .week: return 7 * 86_400
        case .month: return 30 * 86_400
        }
    }

    /// Width of one sparkline bucket: hours for a day, 6 h for a week, days for a month.
    public var bucketSeconds: TimeInterval {
        switch self {
        case .day: return 3_600
        case .week: return 6 * 3_600
        case .month: return 86_400
        }
    }

    /// The next window in the cycle 24h → 7d → 30d → 24h.
    public var next: TimeWindow {
        switch self {
        case .day: return .week
        case .week: return .month
        case .month: return .day
        }
    }

    /// The interval ending at `now`.
    public func interval(endingAt now: Date) -> DateInterval {
        Self.interval(seconds: seconds, endingAt: now)
    }

    /// The interval of the same length just before the current one.
    public func previousInterval(endingAt now: Date) -> DateInterval {
        Self.previousInterval(seconds: seconds, endingAt: now)
    }

    /// A window of any length ending at `now`, `[now - seconds, now)` (`vigil report --window 12h`).
    public static func interval(seconds: TimeInterval, endingAt now: Date) -> DateInterval {
        DateInterval(start: now.addingTimeInterval(-seconds), end: now)
    }

    /// The window of `seconds` just before the one ending at `now`: what a figure is compared with.
    public static func previousInterval(seconds: TimeInterval, endingAt now: Date) -> DateInterval {
        DateInterval(start: now.addingTimeInterval(-2 * seconds), end: now.addingTimeInterval(-seconds))
    }
}

extension DateInterval {
    /// Half-open membership `[start, end)`, as METRICS.md defines windows.
    public func holds(_ d: Date) -> Bool { d >= start && d < end }

    /// Counts of dates per bucket of `bucket` seconds, oldest first; dates outside are ignored.
    public func bucketCounts(_ dates: [Date], bucket: TimeInterval) -> [Int] {
        let n = max(1, Int((duration / bucket).rounded(.up)))
        var counts = Array(repeating: 0, count: n)
        for d in dates where holds(d) {
            let i = Int(d.timeIntervalSince(start) / bucket)
            counts[min(max(i, 0), n - 1)] += 1
        }
        return counts
    }
}
