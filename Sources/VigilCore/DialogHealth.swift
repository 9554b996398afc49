import Foundation

extension DialogContent {
    /// The sources dialog (`H`): each source in config order with its state (fresh, stale,
    /// failing), when it last answered, how long its poll took, failures in a row and the next
    /// attempt, its quota, then its last few errors with their times, newest first; last, where
    /// the log file is and how to make it say more.
    public static func health(_ state: AppState) -> [[DialogSegment]] {
        let w = width(for: state.size)
        let now = state.now
        var lines: [[DialogSegment]] = []
        for id in state.sourceOrder {
            guard let s = state.sources[id] else { continue }
            if !lines.isEmpty { lines.append([]) }
            let (word, tone): (String, Tone) = s.isFailing ? ("failing", .error)
                : s.isStale(at: now) ? (s.lastSuccess == nil ? "waiting for its first answer" : "stale", .pending)
                : ("fresh", .resolved)
            lines.append([DialogSegment(id, .heading), DialogSegment("  "), DialogSegment(word, tone)])
            let answered = s.lastSuccess.map { "\(clock($0, seconds: true)) (\(minutesAgo($0, now)) ago)" } ?? "none yet"
            var facts: [DialogSegment] = [DialogSegment("last answer ", .label), DialogSegment(answered)]
            if let d = s.lastPollDuration { facts += [DialogSegment("  poll took ", .label), DialogSegment(seconds(d))] }
            lines.append(facts)
            if s.consecutiveFailures > 0 || s.nextRetryAt != nil {
                var retry: [DialogSegment] = [DialogSegment("failures in a row ", .label), DialogSegment("\(s.consecutiveFailures)")]
                if let next = s.nextRetryAt {
                    let wait = seconds(max(0, next.timeIntervalSince(now)))
                    retry += [DialogSegment("  next try ", .label), DialogSegment("\(clock(next, seconds: true)) (in \(wait))")]
                }
                lines.append(retry)
            }
            if let q = s.quota {
                lines.append([DialogSegment("rate limit ", .label), DialogSegment("\(q.remaining) of \(q.limit) left")])
            }
            for warning in s.warnings {
                lines += wrap([DialogSegment("warning ", .pending)], warning.message, .text, width: w)
            }
            if s.recentErrors.isEmpty {
                lines.append([DialogSegment("no errors since start", .label)])
            } else {
                lines.append([DialogSegment("last errors, newest first", .label)])
                for e in s.recentErrors.reversed() {
                    lines += wrap([DialogSegment("  \(clock(e.at, seconds: true)) ", .label), DialogSegment("\(e.error.kind.label): ", .error)],
                                  e.error.message, .text, width: w)
                }
            }
        }
        if !lines.isEmpty { lines.append([]) }
        if let log = state.logFile {
            lines += wrap([DialogSegment("log ", .label)], "\(log.path) (level \(log.level))", .text, width: w)
            if log.level == "error" || log.level == "warning" || log.level == "info" {
                lines += wrap([DialogSegment("    ")], "every poll: --log-level debug; every request: --log-level trace",
                              .label, width: w)
            }
        } else {
            lines.append([DialogSegment("no log file", .label)])
        }
        return lines
    }

    /// "250ms", "1.2s", "45s", "3m".
    static func seconds(_ s: TimeInterval) -> String {
        if s < 1 { return "\(Int((s * 1_000).rounded()))ms" }
        if s < 10 { return String(format: "%.1fs", s) }
        if s < 120 { return "\(Int(s.rounded()))s" }
        return "\(Int((s / 60).rounded()))m"
    }
}
