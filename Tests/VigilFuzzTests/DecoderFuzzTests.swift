import Foundation
import PropertyBased
import Synchronization
import Testing
import VigilCore
@testable import VigilSources

/// How a fuzz case makes its input from the corpus.
enum Strategy: String, Sendable {
    /// libFuzzer-style byte mutations (`ByteMutator`).
    case bytes
    /// Parse, replace values with JSON of other types, duplicate keys, …, re-serialise (`StructureMutator`).
    case structure
}

/// One generated case: everything about its input follows from the seed (and the corpus).
struct FuzzCase: Sendable, CustomTestStringConvertible {
    var target: JSONTarget
    var strategy: Strategy
    var seed: UInt64

    var seedText: String { "0x" + String(seed, radix: 16) }
    var testDescription: String { "\(target.rawValue) \(strategy.rawValue) seed \(seedText)" }

    /// Cases for one target and strategy; seeds per `FuzzSettings.seed`.
    static func generator(_ target: JSONTarget, _ strategy: Strategy) -> Generator<FuzzCase, Shrink.None<FuzzCase>> {
        let stream = SeedStream("\(target.rawValue)/\(strategy.rawValue)")
        return Generator { rng in
            FuzzCase(target: target, strategy: strategy, seed: stream.next(using: &rng))
        }
    }

    /// The input and where it came from ("seed-sample.json + 3 byte mutations").
    func input() -> (data: Data, origin: String) {
        var rng = SplitMix64(seed: seed)
        let files = Corpus.files(target.corpus)
        guard !files.isEmpty else { return (Data(), "empty corpus") }
        // Half the time start from a seed (a valid answer), so mutations reach past the first
        // type check; otherwise from any file, nasty ones included.
        func start<T>(_ items: [T], name: (T) -> String) -> T {
            let seeds = items.filter { name($0).hasPrefix("seed-") }
            return rng.oneIn(2) && !seeds.isEmpty ? rng.choose(seeds) : rng.choose(items)
        }
        switch strategy {
        case .bytes:
            let file = start(files, name: \.name)
            let donor = rng.choose(files)
            let bytes = ByteMutator.mutate([UInt8](file.data), donor: [UInt8](donor.data), rng: &rng)
            return (Data(bytes), "\(file.name) mutated (donor \(donor.name))")
        case .structure:
            let documents = ParsedCorpus.documents(target.corpus)
            guard !documents.isEmpty else { return (Data(), "no parseable corpus file") }
            let (name, document) = start(documents, name: \.0)
            let donor = rng.choose(documents).1
            return (StructureMutator.mutated(document, donor: donor, rng: &rng), "\(name) restructured")
        }
    }
}

/// Corpus files the structure mutator can parse, parsed once.
enum ParsedCorpus {
    private static let cache = Mutex<[String: [(String, FuzzJSON)]]>([:])

    static func documents(_ directory: String) -> [(String, FuzzJSON)] {
        if let cached = cache.withLock({ $0[directory] }) { return cached }
        let parsed = Corpus.files(directory).compactMap { file in FuzzJSON.parse(file.data).map { (file.name, $0) } }
        cache.withLock { $0[directory] = parsed }
        return parsed
    }
}

/// Counts what a run did, for the summary line each test prints.
final class FuzzTally: Sendable {
    private struct State {
        var cases = 0
        var accepted = 0
        var known: [KnownFinding: Int] = [:]
        var slowest: (Duration, String) = (.zero, "")
        var largest = 0
    }
    private let state = Mutex(State())
    let name: String

    init(_ name: String) { self.name = name }

    func add(_ report: FuzzReport, elapsed: Duration, size: Int, label: @autoclosure () -> String) {
        state.withLock { s in
            s.cases += 1
            if report.accepted { s.accepted += 1 }
            for finding in report.known { s.known[finding, default: 0] += 1 }
            if elapsed > s.slowest.0 { s.slowest = (elapsed, label()) }
            s.largest = max(s.largest, size)
        }
    }

    func summary() -> String {
        state.withLock { s in
            let known = s.known.sorted { $0.key.label < $1.key.label }.map { "\($0.key.label.prefix(2)) ×\($0.value)" }
            return "fuzz \(name): \(s.cases) inputs, \(s.accepted) accepted, largest \(s.largest) bytes, slowest "
                + "\(s.slowest.0) (\(s.slowest.1))" + (known.isEmpty ? "" : "; known findings: " + known.joined(separator: ", "))
        }
    }
}

/// Runs one input through its target with the time bound; records an issue (and saves the
/// input) when a check fails or it takes too long.
func fuzz(_ target: JSONTarget, _ data: Data, label: String, tally: FuzzTally, limit: Duration = FuzzSettings.timeLimit,
          sourceLocation: SourceLocation = #_sourceLocation) async {
    // If the decoder traps, this file holds the input that did it.
    FuzzSettings.save(data, as: "\(tally.name.replacingOccurrences(of: "/", with: "-")).current")
    let clock = ContinuousClock()
    let started = clock.now
    let limit = FuzzSettings.timeLimit(forBytes: data.count, base: limit)
    let report: FuzzReport
    let elapsed: Duration
    let tooSlow: Bool
    if target.isSynchronous {
        // CPU time of this thread: what the input costs, whatever else the machine is doing.
        // Wall time only catches a hang (the process stalled for 10 × the limit).
        let cpuStarted = ThreadCPUTime.now()
        report = target.decode(data)
        elapsed = ThreadCPUTime.now() - cpuStarted
        tooSlow = elapsed > limit || clock.now - started > limit * 10
    } else {
        // The source hops between threads of the cooperative pool, which other tests keep busy:
        // wall time, with room for waiting for a thread.
        report = await target.run(data)
        elapsed = clock.now - started
        tooSlow = elapsed > limit * 5
    }
    var counted = report
    if tooSlow, let finding = report.slowBecause { counted.known.insert(finding) }
    tally.add(counted, elapsed: elapsed, size: data.count, label: label)
    // Let other tests' tasks (and the source's child tasks) have the pool's threads.
    await Task.yield()
    guard !report.problems.isEmpty || (tooSlow && report.slowBecause == nil) else { return }
    let safeLabel = String(label.map { (c: Character) -> Character in c.isLetter || c.isNumber || c == "-" || c == "." ? c : "_" })
    let path = FuzzSettings.save(data, as: "failure-\(target.rawValue)-\(safeLabel.prefix(80)).bin")
    var lines = report.problems
    if tooSlow { lines.append("took \(elapsed), more than the \(limit) limit") }
    let message = "\(target.rawValue) on \(label) (\(data.count) bytes, saved to \(path)):\n" + lines.joined(separator: "\n")
    Issue.record(Comment(rawValue: message), sourceLocation: sourceLocation)
}

/// Every decoder against the corpus, random byte mutations of it, and structure-aware mutations;
/// see fuzz/README.md.
@Suite("Decoder fuzzing", .serialized)
struct DecoderFuzzTests {
    @Test("every corpus file: returns or throws SourceError, in time, with sane results", arguments: JSONTarget.allCases)
    func corpus(_ target: JSONTarget) async {
        let tally = FuzzTally("\(target.rawValue)/corpus")
        let files = Corpus.files(target.corpus)
        #expect(files.count >= 50, "the corpus of \(target.corpus) has only \(files.count) files")
        for file in files {
            await fuzz(target, file.data, label: file.name, tally: tally)
        }
        print(tally.summary())
    }

    @Test("random byte mutations of the corpus (VIGIL_FUZZ_ITERATIONS each)", arguments: JSONTarget.allCases)
    func byteMutations(_ target: JSONTarget) async {
        await run(target, .bytes)
    }

    @Test("structure-aware mutations of the corpus (VIGIL_FUZZ_ITERATIONS each)", arguments: JSONTarget.allCases)
    func structureMutations(_ target: JSONTarget) async {
        await run(target, .structure)
    }

    private func run(_ target: JSONTarget, _ strategy: Strategy) async {
        let tally = FuzzTally("\(target.rawValue)/\(strategy.rawValue)")
        await propertyCheck(count: FuzzSettings.iterations, input: FuzzCase.generator(target, strategy)) { fuzzCase in
            let (data, origin) = fuzzCase.input()
            await fuzz(target, data, label: "\(fuzzCase.testDescription) from \(origin)", tally: tally)
        }
        print(tally.summary())
    }
}
