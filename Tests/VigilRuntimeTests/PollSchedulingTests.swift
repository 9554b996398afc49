import Foundation
import Synchronization
import Testing
@testable import VigilCore
@testable import VigilRuntime
@testable import VigilSources

// MARK: - A clock the test drives

/// A clock that moves only when the test says so. Sleepers wake when `advance` passes their
/// deadline, or with `CancellationError` when their task is cancelled.
final class ManualClock: Clock, Sendable {
    struct Instant: InstantProtocol {
        var offset: Duration
        func advanced(by duration: Duration) -> Instant { Instant(offset: offset + duration) }
        func duration(to other: Instant) -> Duration { other.offset - offset }
        static func < (a: Instant, b: Instant) -> Bool { a.offset < b.offset }
    }

    private struct Sleeper {
        var id: Int
        var deadline: Instant
        var continuation: CheckedContinuation<Void, any Error>
    }

    private struct State {
        var now = Instant(offset: .zero)
        var sleepers: [Sleeper] = []
        var nextID = 0
        var cancelled: Set<Int> = []
    }

    private let state = Mutex(State())

    var now: Instant { state.withLock { $0.now } }
    var minimumResolution: Duration { .zero }

    /// Time since the start.
    var elapsed: Duration { now.offset }

    /// Deadlines of the sleepers, relative to the start, soonest first.
    var deadlines: [Duration] { state.withLock { $0.sleepers.map(\.deadline.offset).sorted() } }

    func sleep(until deadline: Instant, tolerance: Duration?) async throws {
        let id = state.withLock { s -> Int in
            s.nextID += 1
            return s.nextID
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (c: CheckedContinuation<Void, any Error>) in
                let outcome = state.withLock { s -> Result<Void, any Error>? in
                    if s.cancelled.contains(id) { return .failure(CancellationError()) }
                    if deadline <= s.now { return .success(()) }
                    s.sleepers.append(Sleeper(id: id, deadline: deadline, continuation: c))
                    return nil
                }
                if let outcome { c.resume(with: outcome) }
            }
        } onCancel: {
            let sleeper = state.withLock { s -> Sleeper? in
                s.cancelled.insert(id)
                guard let i = s.sleepers.firstIndex(where: { $0.id == id }) else { return nil }
                return s.sleepers.remove(at: i)
            }
            sleeper?.continuation.resume(throwing: CancellationError())
        }
    }

    /// Moves time on and wakes every sleeper whose deadline has come.
    func advance(by duration: Duration) {
        let due = state.withLock { s -> [Sleeper] in
            s.now = s.now.advanced(by: duration)
            let now = s.now
            let due = s.sleepers.filter { $0.deadline <= now }
            s.sleepers.removeAll { $0.deadline <= now }
            return due
        }
        for sleeper in due { sleeper.continuation.resume() }
    }
}

// MARK: - Sources under control

/// A source whose every poll answers from a script the test sets, and which can be held in a
/// poll until the test lets it go.
final class ControlledSource: Source {
    let id: SourceID
    let pollInterval: Duration

    enum Answer: Sendable {
        case data(SourceSnapshot)
        case fail(SourceError)
        /// Wait, cooperatively, until released or cancelled.
        case hang
        /// Wait until released, ignoring cancellation.
        case hangIgnoringCancellation
        /// Record a Retry-After as a transport would, then fail.
        case recordRetryAfter(Duration, SourceError)
        /// Data, with what is left of a request quota.
        case quota(RateQuota)
    }

    private struct State {
        var answer: Answer = .data(SourceSnapshot(incidents: []))
        var polls = 0
        var running = 0
        var mostAtOnce = 0
        var cancellations = 0
        var release: [CheckedContinuation<Void, Never>] = []
    }

    private let state = Mutex(State())

    init(id: SourceID, interval: Duration = .seconds(10)) {
        self.id = id
        self.pollInterval = interval
    }

    func answer(_ answer: Answer) { state.withLock { $0.answer = answer } }
    var polls: Int { state.withLock { $0.polls } }
    var running: Int { state.withLock { $0.running } }
    var mostAtOnce: Int { state.withLock { $0.mostAtOnce } }
    var cancellations: Int { state.withLock { $0.cancellations } }

    /// Lets every held poll go on.
    func release() {
        let waiting = state.withLock { s -> [CheckedContinuation<Void, Never>] in
            defer { s.release = [] }
            return s.release
        }
        for c in waiting { c.resume() }
    }

    func poll(now: Date) async throws -> PollResult {
        let answer = state.withLock { s -> Answer in
            s.polls += 1
            s.running += 1
            s.mostAtOnce = max(s.mostAtOnce, s.running)
            return s.answer
        }
        defer { state.withLock { $0.running -= 1 } }
        switch answer {
        case .data(let snapshot):
            return PollResult(snapshot)
        case .quota(let quota):
            return PollResult(SourceSnapshot(incidents: []), quota: quota)
        case .fail(let error):
            throw error
        case .recordRetryAfter(let wait, let error):
            RetryAfterRecorder.current?.record(wait)
            throw error
        case .hang:
            await withTaskCancellationHandler {
                await withCheckedContinuation { c in
                    // Under the lock: a cancellation either sees this continuation or is seen here.
                    let cancelled = state.withLock { s -> Bool in
                        if Task.isCancelled { return true }
                        s.release.append(c)
                        return false
                    }
                    if cancelled { c.resume() }
                }
            } onCancel: {
                state.withLock { $0.cancellations += 1 }
                release()
            }
            try Task.checkCancellation()
            return PollResult(SourceSnapshot(incidents: []))
        case .hangIgnoringCancellation:
            await withCheckedContinuation { c in state.withLock { $0.release.append(c) } }
            return PollResult(SourceSnapshot(incidents: []))
        }
    }

    func perform(_ action: IncidentAction, on incident: Incident, by user: String, now: Date) async throws
        -> ActionConfirmation {
        throw SourceError(.notSupported, "not supported")
    }
}

// MARK: - Harness

private let t0 = Date(timeIntervalSince1970: 1_795_694_400)

/// A runner on a manual clock, its inbox and a state fed from it.
final class Scheduled {
    let clock = ManualClock()
    let inbox = Inbox(wakeup: nil)
    let runner: SourceRunner
    var tasks: [Task<Void, Never>] = []
    var state: AppState
    var reports: [(SourceID, PollReport)] = []

    init(_ sources: [ControlledSource], policy: PollPolicy = PollPolicy(), fraction: Double = 1) {
        let clock = self.clock
        runner = SourceRunner(sources: sources, inbox: inbox,
                              now: { t0.addingTimeInterval(clock.elapsed.seconds) },
                              clock: clock, policy: policy, random: { fraction })
        state = AppState(now: t0, size: Size(width: 120, height: 40), user: "alice",
                         sources: sources.map { ($0.id, $0.pollInterval.seconds) })
    }

    func start() { tasks = runner.start() }

    func stop() async {
        for t in tasks { t.cancel() }
        for t in tasks { await t.value }
    }

    /// Feeds what arrived to the reducer; returns the reports.
    @discardableResult
    func pump() -> [(SourceID, PollReport)] {
        var got: [(SourceID, PollReport)] = []
        for event in inbox.drain() {
            if case .sourcePolled(let id, let report) = event { got.append((id, report)) }
            _ = reduce(&state, event)
        }
        _ = reduce(&state, .tick(t0.addingTimeInterval(clock.elapsed.seconds)))
        reports += got
        return got
    }

    /// Waits (real time, bounded) until `done` holds, pumping events meanwhile. The runner's
    /// tasks need a moment of real time to react to a clock step; nothing waits for scheduled time.
    func until(_ what: String, _ done: () -> Bool) async {
        for _ in 0..<2_000 {
            pump()
            if done() { return }
            try? await Task.sleep(for: .milliseconds(1))
        }
        Issue.record("timed out waiting for \(what)")
    }

    /// Waits until `count` tasks sleep on the clock (the runner is idle until its next deadline).
    func sleeping(_ count: Int) async {
        await until("\(count) sleepers") { clock.deadlines.count >= count }
    }

    /// The reports of one source, in order.
    func reports(of id: SourceID) -> [PollReport] { reports.filter { $0.0 == id }.map(\.1) }
}

private func seconds(_ d: Date?) -> Double? { d.map { $0.timeIntervalSince(t0) } }

// MARK: - Tests

@Suite struct PollSchedulingTests {
    @Test func pollsAtOnceThenEveryIntervalWithoutRealSleeping() async {
        let source = ControlledSource(id: "a", interval: .seconds(30))
        let s = Scheduled([source])
        s.start()
        await s.until("first poll") { s.reports(of: "a").count == 1 }
        await s.sleeping(1)
        #expect(s.clock.deadlines == [.seconds(30)])
        #expect(seconds(s.reports(of: "a").first?.nextPollAt) == 30)
        s.clock.advance(by: .seconds(29))
        await s.sleeping(1)
        #expect(source.polls == 1)
        s.clock.advance(by: .seconds(1))
        await s.until("second poll") { s.reports(of: "a").count == 2 }
        #expect(source.polls == 2)
        #expect(s.state.sources["a"]?.lastSuccess == t0.addingTimeInterval(30))
        #expect(s.state.sources["a"]?.nextRetryAt == nil)
        #expect(s.state.sources["a"]?.consecutiveFailures == 0)
        await s.stop()
    }

    @Test func failuresBackOffExponentiallyUpToTheCapAndASuccessResets() async {
        let source = ControlledSource(id: "a", interval: .seconds(10))
        source.answer(.fail(SourceError(.refused, "connection refused (127.0.0.1:9093)")))
        // Jitter fraction 1: each wait is the whole ceiling, 10 s × 2^n up to 10 intervals (100 s).
        let s = Scheduled([source], fraction: 1)
        s.start()
        var waits: [Double] = []
        for n in 1...6 {
            await s.until("failure \(n)") { s.reports(of: "a").count == n }
            await s.sleeping(1)
            let report = s.reports(of: "a")[n - 1]
            #expect(report.consecutiveFailures == n)
            waits.append((seconds(report.nextPollAt) ?? 0) - (seconds(report.at) ?? 0))
            #expect(s.state.sources["a"]?.nextRetryAt == report.nextPollAt)
            #expect(s.state.sources["a"]?.consecutiveFailures == n)
            s.clock.advance(by: .seconds(Int64(waits.last ?? 0)))
        }
        #expect(waits == [20, 40, 80, 100, 100, 100])
        source.answer(.data(SourceSnapshot(incidents: [])))
        await s.until("success") { s.reports(of: "a").count == 7 }
        await s.sleeping(1)
        let success = s.reports(of: "a")[6]
        #expect(success.consecutiveFailures == 0)
        #expect((seconds(success.nextPollAt) ?? 0) - (seconds(success.at) ?? 0) == 10)
        #expect(s.state.sources["a"]?.lastError == nil)
        #expect(s.state.sources["a"]?.nextRetryAt == nil)
        #expect(s.state.sources["a"]?.consecutiveFailures == 0)
        await s.stop()
    }

    @Test func jitterIsAFractionOfTheCeilingButNeverBelowTheMinimum() {
        let policy = PollPolicy()
        let interval = Duration.seconds(10)
        #expect(policy.backoffCeiling(pollInterval: interval, failures: 1) == .seconds(20))
        #expect(policy.backoffCeiling(pollInterval: interval, failures: 3) == .seconds(80))
        #expect(policy.backoffCeiling(pollInterval: interval, failures: 50) == .seconds(100))
        #expect(policy.backoff(pollInterval: interval, failures: 3, fraction: 0.5) == .seconds(40))
        #expect(policy.backoff(pollInterval: interval, failures: 3, fraction: 0) == .seconds(1))
        // 5 minutes caps long intervals; a cap below the interval is raised to it.
        #expect(policy.backoffCeiling(pollInterval: .seconds(60), failures: 10) == .seconds(300))
        #expect(policy.backoffCeiling(pollInterval: .seconds(600), failures: 3) == .seconds(600))
        // A short interval is its own minimum.
        #expect(policy.backoff(pollInterval: .milliseconds(200), failures: 1, fraction: 0) == .milliseconds(200))
    }

    @Test func theTimeLimitIsTwiceTheRequestTimeoutOrTheIntervalPlusSlack() throws {
        let policy = PollPolicy()
        #expect(policy.timeLimit(requestTimeout: .seconds(10), pollInterval: .seconds(15)) == .seconds(30))
        #expect(policy.timeLimit(requestTimeout: .seconds(5), pollInterval: .seconds(30)) == .seconds(40))
        #expect(policy.timeLimit(requestTimeout: nil, pollInterval: .seconds(30)) == .seconds(40))
        var fixed = PollPolicy()
        fixed.pollTimeLimit = .seconds(3)
        #expect(fixed.timeLimit(requestTimeout: .seconds(10), pollInterval: .seconds(15)) == .seconds(3))
        let url = try #require(URL(string: "http://127.0.0.1:9/"))
        // The timeout is the one the kind declares for its settings: no downcast finds it.
        let prometheus = try PrometheusKind.configured(
            PrometheusSettings(id: "p", url: url, pollInterval: .seconds(15), timeout: .seconds(10)),
            SourceContext(transport: AsyncHTTPTransport.shared, now: Date()))
        let runner = SourceRunner(sources: [prometheus], inbox: Inbox(wakeup: nil))
        #expect(runner.timeLimit(of: prometheus.source) == .seconds(30))
    }

    @Test func aLowSharedQuotaWaitsForItsResetAPlentifulOneDoesNot() async {
        let low = ControlledSource(id: "low", interval: .seconds(10))
        low.answer(.quota(RateQuota(limit: 960, remaining: 100, resetAt: t0.addingTimeInterval(50))))
        let plenty = ControlledSource(id: "plenty", interval: .seconds(10))
        plenty.answer(.quota(RateQuota(limit: 960, remaining: 900, resetAt: t0.addingTimeInterval(50))))
        let s = Scheduled([low, plenty])
        s.start()
        await s.until("both polled") { s.reports(of: "low").count == 1 && s.reports(of: "plenty").count == 1 }
        await s.sleeping(2)
        #expect(s.clock.deadlines.sorted() == [.seconds(10), .seconds(50)])
        #expect(seconds(s.reports(of: "low").first?.nextPollAt) == 50)
        #expect(s.state.sources["low"]?.quota?.remaining == 100)
        await s.stop()
    }

    @Test func aRetryAfterFromTheErrorOrTheTransportIsHonoured() async {
        let typed = ControlledSource(id: "typed", interval: .seconds(1))
        typed.answer(.fail(SourceError(.rateLimited(until: nil), "HTTP 429: slow down", retryAfter: .seconds(45))))
        let recorded = ControlledSource(id: "recorded", interval: .seconds(1))
        recorded.answer(.recordRetryAfter(.seconds(120), SourceError(.rateLimited(until: nil), "Alertmanager refused to list alerts: HTTP 429")))
        let s = Scheduled([typed, recorded], fraction: 1)
        s.start()
        await s.until("both failed") { s.reports(of: "typed").count == 1 && s.reports(of: "recorded").count == 1 }
        await s.sleeping(2)
        #expect(s.clock.deadlines == [.seconds(45), .seconds(120)])
        #expect(seconds(s.state.sources["typed"]?.nextRetryAt) == 45)
        #expect(seconds(s.state.sources["recorded"]?.nextRetryAt) == 120)
        #expect(s.state.sources["recorded"]?.lastError?.contains("the server asks to wait 2m") == true)
        #expect(s.state.sources["typed"]?.lastError?.contains("the server asks to wait 45s") == true)
        s.clock.advance(by: .seconds(44))
        await s.sleeping(2)
        #expect(typed.polls == 1)
        s.clock.advance(by: .seconds(1))
        await s.until("the retry") { typed.polls == 2 }
        #expect(recorded.polls == 1)
        await s.stop()
    }

    @Test func aHungPollIsCancelledAtItsTimeLimitAndReportedAsTimedOut() async {
        let source = ControlledSource(id: "a", interval: .seconds(10))
        source.answer(.hang)
        var policy = PollPolicy()
        policy.pollTimeLimit = .seconds(25)
        let s = Scheduled([source], policy: policy, fraction: 1)
        s.start()
        await s.until("the poll and its time limit") { source.running == 1 && s.clock.deadlines == [.seconds(25)] }
        s.clock.advance(by: .seconds(24))
        await s.sleeping(1)
        #expect(s.reports(of: "a").isEmpty)
        s.clock.advance(by: .seconds(1))
        await s.until("the timeout") { s.reports(of: "a").count == 1 }
        #expect(source.cancellations == 1)
        await s.until("the cancelled poll returned") { source.running == 0 }
        let error = s.state.sources["a"]?.lastError ?? ""
        #expect(error.contains("timed out"), "\(error)")
        #expect(error.contains("25s"), "\(error)")
        #expect(seconds(s.state.sources["a"]?.nextRetryAt) == 45)     // 25 + 20 (first back-off)
        #expect(s.state.sources["a"]?.lastPollDuration == 25)
        await s.stop()
    }

    @Test func aPollThatIgnoresCancellationNeverBlocksItsLoopNorOverlapsTheNext() async {
        let source = ControlledSource(id: "a", interval: .seconds(10))
        source.answer(.hangIgnoringCancellation)
        var policy = PollPolicy()
        policy.pollTimeLimit = .seconds(5)
        let s = Scheduled([source], policy: policy, fraction: 1)
        s.start()
        await s.until("the poll") { source.running == 1 && s.clock.deadlines == [.seconds(5)] }
        s.clock.advance(by: .seconds(5))
        await s.until("the timeout") { s.reports(of: "a").count == 1 }
        // The loop goes on (it reports and schedules) although the poll has not returned...
        await s.sleeping(1)
        s.clock.advance(by: .seconds(20))
        await s.until("the second attempt") { s.reports(of: "a").count == 2 }
        // ...but starts no second poll while the first still runs.
        #expect(source.polls == 1)
        #expect(source.mostAtOnce == 1)
        let error = s.state.sources["a"]?.lastError ?? ""
        #expect(error.contains("has still not ended"), "\(error)")
        #expect(s.state.sources["a"]?.consecutiveFailures == 2)
        // Once it returns, the next attempt polls again.
        source.answer(.data(SourceSnapshot(incidents: [])))
        source.release()
        await s.until("the hung poll ended") { source.running == 0 }
        await s.sleeping(1)
        s.clock.advance(by: .seconds(40))
        await s.until("a new poll") { s.reports(of: "a").count == 3 }
        #expect(source.polls == 2)
        #expect(s.state.sources["a"]?.lastError == nil)
        await s.stop()
    }

    @Test func aSlowPollIsNeverOverlappedAndQueuesNoPolls() async {
        let slow = ControlledSource(id: "slow", interval: .seconds(10))
        slow.answer(.hang)
        let s = Scheduled([slow], fraction: 1)
        s.start()
        await s.until("the poll") { slow.running == 1 }
        // Time passes well beyond several intervals (but within the time limit of 20 s).
        for _ in 0..<3 {
            s.clock.advance(by: .seconds(5))
            try? await Task.sleep(for: .milliseconds(5))
        }
        #expect(slow.polls == 1)
        slow.answer(.data(SourceSnapshot(incidents: [])))
        slow.release()
        await s.until("the poll ended") { s.reports(of: "slow").count == 1 }
        await s.sleeping(1)
        // One interval after it ended, not a burst of the polls "missed" meanwhile.
        #expect(s.clock.deadlines == [.seconds(25)])
        #expect(s.state.sources["slow"]?.lastPollDuration == 15)
        s.clock.advance(by: .seconds(10))
        await s.until("the next poll") { s.reports(of: "slow").count == 2 }
        #expect(slow.polls == 2)
        #expect(slow.mostAtOnce == 1)
        await s.stop()
    }

    @Test func otherSourcesKeepTheirScheduleWhileOneHangs() async {
        let hung = ControlledSource(id: "hung", interval: .seconds(10))
        hung.answer(.hang)
        let healthy = ControlledSource(id: "healthy", interval: .seconds(10))
        var policy = PollPolicy()
        policy.pollTimeLimit = .seconds(60)
        let s = Scheduled([hung, healthy], policy: policy)
        s.start()
        await s.until("both started") { hung.running == 1 && s.reports(of: "healthy").count == 1 }
        for n in 2...4 {
            await s.until("healthy sleeping") { s.clock.deadlines.contains(.seconds(Int64(10 * (n - 1)))) }
            s.clock.advance(by: .seconds(10))
            await s.until("healthy poll \(n)") { s.reports(of: "healthy").count == n }
        }
        #expect(hung.polls == 1)
        #expect(s.reports(of: "hung").isEmpty)
        #expect(s.state.sources["healthy"]?.lastSuccess == t0.addingTimeInterval(30))
        await s.stop()
        #expect(hung.cancellations == 1)                 // stopping the runner cancels the poll
    }

    @Test func stoppingTheRunnerPostsNothingMore() async {
        let source = ControlledSource(id: "a", interval: .seconds(10))
        source.answer(.hang)
        let s = Scheduled([source])
        s.start()
        await s.until("the poll") { source.running == 1 }
        await s.stop()
        #expect(source.cancellations == 1)
        #expect(s.pump().isEmpty)
    }

    @Test func pollOnceReportsWithoutANextPoll() async {
        let source = ControlledSource(id: "a")
        source.answer(.fail(SourceError(.httpStatus(500), "HTTP 500")))
        let s = Scheduled([source])
        await s.runner.pollOnce(source)
        let got = s.pump()
        #expect(got.count == 1)
        #expect(got.first?.1.nextPollAt == nil)
        #expect(s.state.sources["a"]?.lastError == "HTTP 500")
        #expect(s.state.sources["a"]?.nextRetryAt == nil)
        #expect(s.state.sources["a"]?.consecutiveFailures == 1)
    }
}

@Suite struct SourceHealthReducerTests {
    private func report(_ outcome: PollReport.Outcome, at: Double, failures: Int, next: Double?) -> PollReport {
        PollReport(outcome: outcome, at: t0.addingTimeInterval(at), duration: 0.25, consecutiveFailures: failures,
                   nextPollAt: next.map { t0.addingTimeInterval($0) })
    }

    @Test func aFailedPollKeepsTheDataAndRecordsTheRetry() {
        var state = AppState(now: t0, size: Size(width: 100, height: 30), user: "alice", sources: [("am", 15)])
        let incident = Incident(id: "AM-1", source: "am", sourceKey: "1", title: "Disk full", service: "db",
                                severity: .high, status: .triggered, triggeredAt: t0)
        let warning = SourceWarning(panel: .incidents, message: "member b did not answer")
        _ = reduce(&state, .sourcePolled("am", report(.updated(SourceSnapshot(incidents: [incident]), warnings: [warning]),
                                                       at: 0, failures: 0, next: 15)))
        #expect(state.sources["am"]?.warnings == [warning])
        #expect(state.sources["am"]?.lastPollDuration == 0.25)
        _ = reduce(&state, .sourcePolled("am", report(.failed(SourceError(.refused, "connection refused")), at: 15, failures: 3, next: 95)))
        let s = state.sources["am"]
        #expect(state.openIncidents.map(\.id) == ["AM-1"])
        #expect(s?.lastError == "connection refused")
        #expect(s?.lastErrorAt == t0.addingTimeInterval(15))
        #expect(s?.consecutiveFailures == 3)
        #expect(s?.nextRetryAt == t0.addingTimeInterval(95))
        #expect(s?.lastSuccess == t0)
        _ = reduce(&state, .sourcePolled("am", report(.updated(SourceSnapshot(incidents: []), warnings: []),
                                                       at: 95, failures: 0, next: 110)))
        #expect(state.sources["am"]?.lastError == nil)
        #expect(state.sources["am"]?.nextRetryAt == nil)
        #expect(state.sources["am"]?.consecutiveFailures == 0)
        #expect(state.sources["am"]?.warnings == [])
    }

    @Test func panelsAreFedByTheSourcesThatProvideTheirData() {
        var state = AppState(now: t0, size: Size(width: 100, height: 30), user: "alice",
                             sources: [("prom", 30), ("am", 15)])
        state.sources["prom"]?.provides = [.deployments, .builds, .series]
        state.sources["am"]?.provides = [.incidents]
        #expect(state.sources(feeding: .incidents) == ["am"])
        #expect(state.sources(feeding: .outages) == ["am"])
        #expect(state.sources(feeding: .quality) == ["prom"])
        #expect(state.sources(feeding: .deployments) == ["prom"])
    }
}
