import Foundation
import Synchronization
import VigilCore
import VigilSources

/// How the runner schedules the polls of a source: the outer time limit of one poll, and the
/// back-off after failures.
///
/// After `n` failed polls in a row the next attempt waits a random fraction ("full jitter") of
/// `pollInterval × backoffFactor^n`, capped at `maximumBackoff` and at `maximumBackoffIntervals`
/// poll intervals (never below one interval), and never less than `minimumRetryDelay` (or the
/// interval, when that is shorter). A server's `Retry-After` (429/503) is honoured on top, up to
/// `maximumRetryAfter`. A success resets the count: the next poll is one interval later.
public struct PollPolicy: Sendable, Hashable {
    /// The longest back-off, whatever the interval (5 minutes).
    public var maximumBackoff: Duration = .seconds(300)
    /// The longest back-off in poll intervals (10).
    public var maximumBackoffIntervals: Int = 10
    /// How much the back-off ceiling grows with each failure in a row (2).
    public var backoffFactor: Double = 2
    /// The shortest wait after a failure (1 s; the interval when that is shorter), so a jitter
    /// fraction near 0 cannot make a failing source be hammered.
    public var minimumRetryDelay: Duration = .seconds(1)
    /// The longest `Retry-After` honoured (1 hour).
    public var maximumRetryAfter: Duration = .seconds(3_600)
    /// Added to the outer time limit of a poll (10 s): see `timeLimit(requestTimeout:pollInterval:)`.
    public var timeLimitSlack: Duration = .seconds(10)
    /// When set, the outer time limit of every poll, instead of the computed one.
    public var pollTimeLimit: Duration?

    /// The default policy.
    public init() {}

    /// The ceiling of the back-off after `failures` failed polls in a row.
    public func backoffCeiling(pollInterval: Duration, failures: Int) -> Duration {
        let interval = max(pollInterval, .milliseconds(1))
        let cap = max(interval, min(maximumBackoff, interval * maximumBackoffIntervals))
        let growth = pow(max(backoffFactor, 1), Double(min(max(failures, 0), 60)))
        let seconds = min(interval.seconds * growth, cap.seconds)
        return .milliseconds(Int64((seconds * 1_000).rounded()))
    }

    /// The wait before the next attempt after `failures` failed polls in a row: `fraction`
    /// (0…1, random in production) of the ceiling, and at least the minimum retry delay.
    public func backoff(pollInterval: Duration, failures: Int, fraction: Double) -> Duration {
        let ceiling = backoffCeiling(pollInterval: pollInterval, failures: failures)
        let f = fraction.isFinite ? min(max(fraction, 0), 1) : 1
        let jittered = Duration.milliseconds(Int64((ceiling.seconds * f * 1_000).rounded()))
        return max(jittered, min(minimumRetryDelay, pollInterval))
    }

    /// The outer time limit of one poll, beyond which it is cancelled and reported as timed out:
    /// `pollTimeLimit` when set, else the longer of twice the source's own request timeout and
    /// the poll interval, plus `timeLimitSlack`. The source's own timeouts normally fire first;
    /// this guards against a poll that hangs anyway.
    public func timeLimit(requestTimeout: Duration?, pollInterval: Duration) -> Duration {
        if let pollTimeLimit { return pollTimeLimit }
        return max(requestTimeout.map { $0 * 2 } ?? .zero, pollInterval) + timeLimitSlack
    }

}

/// Runs one polling task per source and performs effects that need a source. Results come back
/// to the terminal thread as events through the inbox.
///
/// Scheduling, per source: polls of different sources run concurrently; polls of one source
/// never overlap (the next starts an interval after the last ended, so a slow source does not
/// queue polls); each poll is bounded by `PollPolicy.timeLimit` on the injected clock and
/// cancelled beyond it; failures back off with full jitter (see `PollPolicy`), honouring a
/// server's `Retry-After`. Every poll ends in one `Event.sourcePolled` that carries the next
/// attempt's time.
public final class SourceRunner: Sendable {
    /// The sources, by id.
    public let sources: [SourceID: any Source]
    /// The per-request timeouts their kinds declared, by id.
    private let requestTimeouts: [SourceID: Duration]
    /// The scheduling rules.
    public let policy: PollPolicy
    private let inbox: Inbox
    private let now: @Sendable () -> Date
    private let clock: PollClock
    private let random: @Sendable () -> Double

    /// Creates a runner.
    /// - Parameters:
    ///   - now: the wall clock, for the times in events (injected for tests).
    ///   - clock: what the runner sleeps on between polls and measures time limits with.
    ///   - policy: time limits and back-off.
    ///   - random: the jitter, uniform in 0…1.
    public init(sources: [ConfiguredSource], inbox: Inbox, now: @escaping @Sendable () -> Date = { Date() },
                clock: some Clock<Duration> = ContinuousClock(), policy: PollPolicy = PollPolicy(),
                random: @escaping @Sendable () -> Double = { Double.random(in: 0...1) }) {
        var byID: [SourceID: any Source] = [:]
        var timeouts: [SourceID: Duration] = [:]
        for s in sources {
            byID[s.id] = s.source
            timeouts[s.id] = s.requestTimeout
        }
        self.sources = byID
        self.requestTimeouts = timeouts
        self.inbox = inbox
        self.now = now
        self.clock = PollClock(clock)
        self.policy = policy
        self.random = random
    }

    /// Polls one source once, within its time limit, and posts the result (with no next poll).
    public func pollOnce(_ source: any Source) async {
        let attempt = await self.attempt(source, limit: timeLimit(of: source))
        guard !attempt.cancelled else { return }
        let failures = attempt.error == nil ? 0 : 1
        Self.log(attempt, source, failures: failures, next: .zero)
        inbox.post(.sourcePolled(source.id, report(attempt, source, failures: failures, next: nil)))
    }

    /// Starts a polling loop per source; cancel the returned tasks to stop (a poll in flight is
    /// cancelled too).
    public func start() -> [Task<Void, Never>] {
        sources.values.map { source in
            Task.detached { [self] in await loop(source) }
        }
    }

    /// The outer time limit of a poll of `source`.
    public func timeLimit(of source: any Source) -> Duration {
        policy.timeLimit(requestTimeout: requestTimeouts[source.id], pollInterval: source.pollInterval)
    }

    // MARK: The loop

    private func loop(_ source: any Source) async {
        let interval = source.pollInterval
        let limit = timeLimit(of: source)
        var failures = 0
        var abandoned: PollRace?
        var warnings: [String] = []
        while !Task.isCancelled {
            let attempt: Attempt
            if let hung = abandoned, !hung.pollEnded {
                // Never two polls of one source at once: the one cancelled at its time limit
                // must end first. Say so, and keep backing off.
                attempt = Attempt(error: SourceError(.timedOut, "the poll cancelled after \(Self.format(limit)) has still "
                                  + "not ended; no new poll until it does"), duration: .zero, abandoned: hung)
            } else {
                attempt = await self.attempt(source, limit: limit)
            }
            guard !attempt.cancelled, !Task.isCancelled else { return }
            abandoned = attempt.abandoned
            let failedBefore = failures
            var delay: Duration
            if attempt.error == nil {
                failures = 0
                delay = interval
                // A shared quota running low (PagerDuty's limit per key, which everyone on the key
                // spends): wait for its window to reset rather than spend the rest, so a team on
                // one key stays under the limit instead of meeting 429s together.
                if let quota = attempt.result?.quota, quota.isLow {
                    let untilReset = max(0, quota.resetAt.timeIntervalSince(now()))
                    delay = max(delay, min(.seconds(untilReset), policy.maximumRetryAfter))
                }
            } else {
                failures += 1
                delay = policy.backoff(pollInterval: interval, failures: failures, fraction: random())
            }
            if let wait = attempt.retryAfter { delay = max(delay, wait) }
            // A lasting problem that is not a failure (a query that fails, a cluster member down)
            // is logged when it starts and when it ends, not at every poll.
            var warningsChanged = false
            if let result = attempt.result {
                let current = result.warnings.map(\.message)
                warningsChanged = current != warnings
                warnings = current
            }
            Self.log(attempt, source, failures: failures, next: delay, recovered: failedBefore > 0 && failures == 0,
                     warningsChanged: warningsChanged)
            let ended = now()
            inbox.post(.sourcePolled(source.id, report(attempt, source, failures: failures,
                                                       next: ended.addingTimeInterval(delay.seconds), at: ended)))
            try? await clock.sleep(delay)
        }
    }

    private func report(_ attempt: Attempt, _ source: any Source, failures: Int, next: Date?, at: Date? = nil) -> PollReport {
        let outcome: PollReport.Outcome
        if let error = attempt.error {
            outcome = .failed(error)
        } else {
            let result = attempt.result ?? PollResult(SourceSnapshot())
            outcome = .updated(result.snapshot, warnings: result.warnings)
        }
        return PollReport(outcome: outcome, at: at ?? now(), duration: attempt.duration.seconds,
                          consecutiveFailures: failures, nextPollAt: next, quota: attempt.result?.quota)
    }

    // MARK: One attempt

    /// What one poll gave.
    struct Attempt {
        var result: PollResult?
        /// The failure; nil on success.
        var error: SourceError?
        var duration: Duration
        /// The longest wait a server asked for (capped by the policy).
        var retryAfter: Duration?
        /// A poll cancelled at its time limit that may still be running.
        var abandoned: PollRace?
        /// The runner itself was cancelled: nothing to report.
        var cancelled = false

        init(result: PollResult? = nil, error: SourceError? = nil, duration: Duration, retryAfter: Duration? = nil,
             abandoned: PollRace? = nil, cancelled: Bool = false) {
            self.result = result; self.error = error; self.duration = duration; self.retryAfter = retryAfter
            self.abandoned = abandoned; self.cancelled = cancelled
        }
    }

    /// Runs one poll in a task of its own, racing it against `limit` on the clock, so that even
    /// a poll that ignores cancellation cannot hold up the loop.
    func attempt(_ source: any Source, limit: Duration) async -> Attempt {
        let startedAt = now()
        let race = PollRace()
        let recorder = RetryAfterRecorder()
        let started = clock.elapsed()
        let end: PollRace.End = await {
            let poll = Task {
                let result: Result<PollResult, any Error>
                do {
                    result = .success(try await RetryAfterRecorder.$current.withValue(recorder) {
                        try await source.poll(now: startedAt)
                    })
                } catch {
                    result = .failure(error)
                }
                race.finish(.finished(result))
            }
            let timer = Task { [clock] in
                do {
                    try await clock.sleep(limit)
                    race.finish(.timedOut)
                } catch {
                    return
                }
            }
            let end = await withTaskCancellationHandler {
                await race.wait()
            } onCancel: {
                race.finish(.cancelled)
            }
            timer.cancel()
            if case .finished = end {} else { poll.cancel() }
            return end
        }()
        let duration = clock.elapsed() - started
        var retryAfter = recorder.retryAfter
        switch end {
        case .cancelled:
            return Attempt(duration: duration, cancelled: true)
        case .timedOut:
            return Attempt(error: SourceError(.timedOut, "timed out: no answer within \(Self.format(limit)), poll cancelled"),
                           duration: duration, abandoned: race.pollEnded ? nil : race)
        case .finished(.success(let result)):
            return Attempt(result: result, duration: duration, retryAfter: retryAfter.map { min($0, policy.maximumRetryAfter) })
        case .finished(.failure(let error)):
            if error is CancellationError, Task.isCancelled { return Attempt(duration: duration, cancelled: true) }
            var failure = ActionOutbox.sourceError(error)
            if let asked = failure.retryAfter { retryAfter = max(retryAfter ?? asked, asked) }
            let wait = retryAfter.map { min($0, policy.maximumRetryAfter) }
            if let wait {
                failure = SourceError(failure.kind, failure.message + " (the server asks to wait \(Self.format(wait)))",
                                      retryAfter: wait)
            }
            return Attempt(error: failure, duration: duration, retryAfter: wait)
        }
    }

    /// "12s", "1.5s", "250ms", "5m".
    static func format(_ duration: Duration) -> String {
        let ms = Int64((duration.seconds * 1_000).rounded())
        if ms < 1_000 { return "\(ms)ms" }
        if ms % 60_000 == 0 { return "\(ms / 60_000)m" }
        if ms % 1_000 == 0 { return "\(ms / 1_000)s" }
        return String(format: "%.1fs", Double(ms) / 1_000)
    }
}

/// The injected clock, reduced to what the runner needs from it.
struct PollClock: Sendable {
    /// Sleeps for a duration on the clock; throws when cancelled.
    let sleep: @Sendable (Duration) async throws -> Void
    /// Time on the clock since the runner was made.
    let elapsed: @Sendable () -> Duration

    init<C: Clock<Duration>>(_ clock: C) {
        let start = clock.now
        sleep = { duration in try await clock.sleep(until: clock.now.advanced(by: duration), tolerance: nil) }
        elapsed = { start.duration(to: clock.now) }
    }
}

/// One poll racing its time limit: the first of the poll's end, the limit and the runner's
/// cancellation decides; the poll's own end is remembered even when it comes later, so the
/// next poll of the source can wait for it.
final class PollRace: Sendable {
    enum End: Sendable {
        case finished(Result<PollResult, any Error>)
        case timedOut
        case cancelled
    }

    private struct State {
        var continuation: CheckedContinuation<End, Never>?
        var early: End?
        var delivered = false
        var pollEnded = false
    }

    private let state = Mutex(State())

    /// True once the poll task has returned (whether or not it won the race).
    var pollEnded: Bool { state.withLock { $0.pollEnded } }

    /// Reports one end; only the first is delivered.
    func finish(_ end: End) {
        let continuation = state.withLock { s -> CheckedContinuation<End, Never>? in
            if case .finished = end { s.pollEnded = true }
            guard !s.delivered else { return nil }
            if let c = s.continuation {
                s.continuation = nil
                s.delivered = true
                return c
            }
            if s.early == nil { s.early = end }
            return nil
        }
        continuation?.resume(returning: end)
    }

    /// Waits for the first end.
    func wait() async -> End {
        await withCheckedContinuation { (c: CheckedContinuation<End, Never>) in
            let ready = state.withLock { s -> End? in
                if let early = s.early, !s.delivered {
                    s.delivered = true
                    return early
                }
                s.continuation = c
                return nil
            }
            if let ready { c.resume(returning: ready) }
        }
    }
}
