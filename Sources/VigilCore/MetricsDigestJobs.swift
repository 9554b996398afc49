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

    /// The digests of `jobs`, in their order: on several threads when there are several, with
    /// `parallelFrom` or more work in all (`cost`), else one after the other.
    static func run(_ jobs: [DigestJob], config: MetricsConfig, parallelFrom: Int = parallelThreshold) -> [Made] {
        guard threadsAllowed, jobs.count > 1, jobs.reduce(0, { $0 + $1.cost }) >= parallelFrom else {
            return jobs.map { $0.make(config: config) }
        }
        // The largest first: each thread takes the next job when it is done with one.
        let order = jobs.indices.sorted { jobs[$0].cost > jobs[$1].cost }
        let made = Mutex([Made?](repeating: nil, count: jobs.count))
        DispatchQueue.concurrentPerform(iterations: jobs.count) { k in
            let j = order[k]
            let digest = jobs[j].make(config: config)
            made.withLock { $0[j] = digest }
        }
        return made.withLock { $0.map { $0! } }
    }
}

/// Runs two independent computations, on two threads when `parallel` (and VIGIL_SERIAL_METRICS
/// is not set), else one after the other; gives both results. For work of milliseconds: handing
/// one to another thread costs some microseconds.
public func bothOf<A: Sendable, B: Sendable>(_ a: @Sendable () -> A, _ b: @Sendable () -> B, parallel: Bool) -> (A, B) {
    guard parallel, DigestJob.threadsAllowed else { return (a(), b()) }
    let first = Mutex<A?>(nil), second = Mutex<B?>(nil)
    DispatchQueue.concurrentPerform(iterations: 2) { k in
        if k == 0 {
            let r = a()
            first.withLock { $0 = r }
        } else {
            let r = b()
            second.withLock { $0 = r }
        }
    }
    return (first.withLock { $0! }, second.withLock { $0! })
}
