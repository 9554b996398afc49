import Dispatch
import Foundation
import Synchronization

/// One list of a source to digest (`MetricsIndex.build`), with what the cache kept for the
/// source's previous list, and where its digest goes in the index's digests of its kind.
enum DigestJob: Sendable {
    case incidents(key: String, list: [Incident], previous: (list: [Incident], digest: IncidentDigest)?, slot: Int)
    case deployments(key: String, list: [Deployment], previous: (list: [Deployment], digest: DeploymentDigest)?, slot: Int)
    case builds(key: String, list: [BuildRun], previous: (list: [BuildRun], digest: BuildDigest)?, slot: Int)

    /// A digest made.
    enum Made: Sendable {
        case incidents(IncidentDigest), deployments(DeploymentDigest), builds(BuildDigest)
    }

    /// Below this much work in all (`cost`: about 20,000 CI runs), the digests are made one after
    /// the other: handing work to another thread costs more than it saves.
    static let parallelThreshold = 20_000

    /// The digest.
    func make(config: MetricsConfig) -> Made {
        switch self {
        case let .incidents(_, list, previous, _): .incidents(IncidentDigest(list, config: config, reusing: previous))
        case let .deployments(_, list, previous, _): .deployments(DeploymentDigest(list, reusing: previous))
        case let .builds(_, list, previous, _): .builds(BuildDigest(list, reusing: previous))
        }
    }

    /// A guess of the work, to start the largest first: an incident costs about three times what
    /// a CI run does, a deployment twice (instructions per element of vigil-profile's metrics
    /// inputs made from nothing, 2026-12-06: ~640, ~410, ~225).
    var cost: Int {
        switch self {
        case let .incidents(_, list, _, _): list.count * 3
        case let .deployments(_, list, _, _): list.count * 2
        case let .builds(_, list, _, _): list.count
        }
    }

    /// False when the environment has VIGIL_SERIAL_METRICS set (to anything): every digest is
    /// made on the calling thread, so that callgrind, which counts the instructions of the
    /// thread that calls the workload (scripts/instructions), counts all of them.
    static let threadsAllowed = ProcessInfo.processInfo.environment["VIGIL_SERIAL_METRICS"] == nil

    /// The digests of `jobs`, in their order, and what `then` makes of the incident and
    /// deployment digests (given by job, nil for CI runs'), on two threads when there are
    /// several jobs, with `parallelFrom` or more work in all (`cost`), else one after the other.
    ///
    /// Each thread takes the first task not taken yet whose inputs are made (the jobs, largest
    /// first, then `then`), and stops when there is none: a task whose inputs another thread is
    /// still making is taken by that thread when it is done. No thread waits for another's task
    /// (one thread alone runs every task in order).
    static func run<R: Sendable>(_ jobs: [DigestJob], config: MetricsConfig, parallelFrom: Int = parallelThreshold,
                                 then: @escaping @Sendable (_ made: [Made?]) -> R) -> ([Made], R) {
        guard threadsAllowed, jobs.count > 1, jobs.reduce(0, { $0 + $1.cost }) >= parallelFrom else {
            let made = jobs.map { $0.make(config: config) }
            return (made, then(made.map { if case .builds = $0 { nil } else { $0 } }))
        }
        let tasks = Tasks(jobs, config: config, then: then)
        onTwoThreads { tasks.work() }
        return tasks.results()
    }

    /// The digests of `jobs`, in their order (`run` without a task after them).
    static func run(_ jobs: [DigestJob], config: MetricsConfig, parallelFrom: Int = parallelThreshold) -> [Made] {
        run(jobs, config: config, parallelFrom: parallelFrom) { _ in () }.0
    }

    /// The tasks of one `run` and what they made, shared by its threads.
    private final class Tasks<R: Sendable>: Sendable {
        let jobs: [DigestJob], config: MetricsConfig, then: @Sendable ([Made?]) -> R
        /// Tasks in the order they are taken: jobs by index, largest first, then `then` (-1).
        let order: [Int]
        /// The jobs `then` needs (incidents and deployments).
        let needed: [Int]
        let state: Mutex<(made: [Made?], taken: [Bool], result: R?)>

        init(_ jobs: [DigestJob], config: MetricsConfig, then: @escaping @Sendable ([Made?]) -> R) {
            self.jobs = jobs; self.config = config; self.then = then
            order = jobs.indices.sorted { jobs[$0].cost > jobs[$1].cost } + [-1]
            needed = jobs.indices.filter { if case .builds = jobs[$0] { false } else { true } }
            state = Mutex((made: [Made?](repeating: nil, count: jobs.count),
                           taken: [Bool](repeating: false, count: order.count), result: nil))
        }

        /// Takes ready tasks until there is none.
        func work() {
            while true {
                // The next task, and for `then` the digests it needs.
                let next: (task: Int, inputs: [Made?])? = state.withLock { s in
                    for (k, task) in order.enumerated() where !s.taken[k] {
                        if task < 0 && !needed.allSatisfy({ s.made[$0] != nil }) { continue }
                        s.taken[k] = true
                        return (task, task < 0 ? s.made : [])
                    }
                    return nil
                }
                guard let next else { return }
                if next.task >= 0 {
                    let digest = jobs[next.task].make(config: config)
                    state.withLock { $0.made[next.task] = digest }
                } else {
                    // CI runs' digests may be there or not: `then` is given incidents' and deployments'.
                    let r = then(next.inputs.enumerated().map { k, m in needed.contains(k) ? m : nil })
                    state.withLock { $0.result = r }
                }
            }
        }

        /// What the tasks made (all of them done).
        func results() -> ([Made], R) { state.withLock { s in (s.made.map { $0! }, s.result!) } }
    }
}

/// Runs `work` on the calling thread and on a thread started for it, and returns when both
/// have returned; a thread that starts after the caller's `work` returned does nothing. The
/// started thread has the caller's priority and nice value (Dispatch's pool threads have their
/// own, so that with `nice -n 19` the caller waited on a core shared with one of higher
/// priority).
func onTwoThreads(_ work: @escaping @Sendable () -> Void) {
    final class Helper: Sendable {
        let state = Mutex((started: false, closed: false))
        let finished = DispatchSemaphore(value: 0)
    }
    let helper = Helper()
    let thread = Thread {
        let start = helper.state.withLock { s in
            if s.closed { return false }
            s.started = true
            return true
        }
        guard start else { return }
        work()
        helper.finished.signal()
    }
    thread.start()
    work()
    if helper.state.withLock({ s in s.closed = true; return s.started }) { helper.finished.wait() }
}

/// Runs two independent computations, on two threads when `parallel` (and VIGIL_SERIAL_METRICS
/// is not set), else one after the other; gives both results. For work of milliseconds: handing
/// one to another thread costs some tens of microseconds.
public func bothOf<A: Sendable, B: Sendable>(_ a: @escaping @Sendable () -> A, _ b: @escaping @Sendable () -> B,
                                             parallel: Bool) -> (A, B) {
    guard parallel, DigestJob.threadsAllowed else { return (a(), b()) }
    let results = PairResults<A, B>()
    onTwoThreads {
        // Each thread takes the next of the two computations, if any is left.
        while true {
            let k = results.state.withLock { s in s.taken += 1; return s.taken }
            if k == 1 {
                let r = a()
                results.state.withLock { $0.first = r }
            } else if k == 2 {
                let r = b()
                results.state.withLock { $0.second = r }
            } else {
                return
            }
        }
    }
    return results.state.withLock { s in (s.first!, s.second!) }
}

/// `bothOf`'s results, shared by its threads.
private final class PairResults<A: Sendable, B: Sendable>: Sendable {
    let state = Mutex((taken: 0, first: A?.none, second: B?.none))
}
