import Foundation
import Synchronization
import Testing
import VigilCore

/// How long and how hard the fuzz suite runs, from the environment (fuzz/README.md documents it).
///
/// - `VIGIL_FUZZ_ITERATIONS`: mutated inputs per target and strategy (default 400, which keeps the
///   suite well under a minute on 2 cores). `VIGIL_FUZZ_ITERATIONS=100000` for a long local run.
/// - `VIGIL_FUZZ_SEED`: the seed every mutation stream derives from (default 20261126, so a CI
///   run is reproducible); a number, or `random` for a new one each run (printed at the start).
/// - `VIGIL_FUZZ_TIME_LIMIT_MS`: the longest one input may take to decode (default 2000).
/// - `VIGIL_FUZZ_OUT`: where failing inputs, and the input being decoded, are written (default
///   `$TMPDIR/vigil-fuzz`).
enum FuzzSettings {
    static let environment = ProcessInfo.processInfo.environment

    static let iterations: Int = {
        guard let text = environment["VIGIL_FUZZ_ITERATIONS"], let value = Int(text), value >= 0 else { return 400 }
        return value
    }()

    /// The base seed, or nil for `random`.
    static let seed: UInt64? = {
        guard let text = environment["VIGIL_FUZZ_SEED"] else { return 20_261_126 }
        if text.lowercased() == "random" { return nil }
        if let value = UInt64(text) { return value }
        if text.hasPrefix("0x"), let value = UInt64(text.dropFirst(2), radix: 16) { return value }
        return 20_261_126
    }()

    static let timeLimit: Duration = {
        guard let text = environment["VIGIL_FUZZ_TIME_LIMIT_MS"], let value = Int64(text), value > 0 else {
            return .seconds(2)
        }
        return .milliseconds(value)
    }()

    /// The time bound for an input of `bytes` bytes: the limit, plus twice the limit per
    /// megabyte (decoding must be linear; a megabyte of deeply nested YAML takes seconds to
    /// compose in a debug build).
    static func timeLimit(forBytes bytes: Int, base: Duration = timeLimit) -> Duration {
        base + timeLimit * (2 * Double(bytes) / Double(1 << 20))
    }

    static let outputDirectory: URL = {
        let base = environment["VIGIL_FUZZ_OUT"].map { URL(fileURLWithPath: $0, isDirectory: true) }
            ?? FileManager.default.temporaryDirectory.appendingPathComponent("vigil-fuzz", isDirectory: true)
        try? FileManager.default.createDirectory(at: base, withIntermediateDirectories: true)
        return base
    }()

    /// The repository's `fuzz/corpus`, found from this file's path.
    static let corpusDirectory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("fuzz/corpus", isDirectory: true)

    /// Writes `data` as `<name>` in the output directory; returns its path.
    @discardableResult
    static func save(_ data: Data, as name: String) -> String {
        let url = outputDirectory.appendingPathComponent(name)
        try? data.write(to: url)
        return url.path
    }
}

/// One corpus file.
struct CorpusFile: Sendable {
    var name: String
    var data: Data
}

/// Reads `fuzz/corpus/<target>/`, files sorted by name. Records an issue when it is missing or empty.
enum Corpus {
    private static let cache = Mutex<[String: [CorpusFile]]>([:])

    static func files(_ directory: String) -> [CorpusFile] {
        if let cached = cache.withLock({ $0[directory] }) { return cached }
        let url = FuzzSettings.corpusDirectory.appendingPathComponent(directory, isDirectory: true)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? []
        let files = names.filter { !$0.hasPrefix(".") }.sorted().compactMap { name -> CorpusFile? in
            guard let data = FileManager.default.contents(atPath: url.appendingPathComponent(name).path) else { return nil }
            return CorpusFile(name: name, data: data)
        }
        if files.isEmpty { Issue.record("no corpus files in \(url.path): run python3 fuzz/make-corpus.py") }
        cache.withLock { $0[directory] = files }
        return files
    }
}

/// The fuzzers' uses of `SplitMix64` (VigilCore): seedable, so a case is a pure function of its seed.
extension SplitMix64 {
    /// True with probability 1/n.
    mutating func oneIn(_ n: Int) -> Bool { below(n) == 0 }

    /// A random element.
    mutating func choose<T>(_ items: [T]) -> T { items[below(items.count)] }
}

/// FNV-1a, to give every (target, strategy) stream its own seeds.
func fnv1a(_ text: String) -> UInt64 {
    var hash: UInt64 = 0xCBF2_9CE4_8422_2325
    for byte in text.utf8 {
        hash ^= UInt64(byte)
        hash = hash &* 0x0000_0100_0000_01B3
    }
    return hash
}

/// Hands out case seeds for one stream: with a base seed, the i-th case of a stream always gets
/// the same seed; with `VIGIL_FUZZ_SEED=random`, seeds come from PropertyBased's generator.
final class SeedStream: Sendable {
    private let counter = Mutex<UInt64>(0)
    private let base: UInt64?

    init(_ stream: String) {
        base = FuzzSettings.seed.map { $0 ^ fnv1a(stream) }
    }

    func next<R: RandomNumberGenerator>(using rng: inout R) -> UInt64 {
        guard let base else { return rng.next() }
        let index = counter.withLock { value -> UInt64 in
            defer { value += 1 }
            return value
        }
        var mixer = SplitMix64(seed: base &+ index &* 0x9E37_79B9_7F4A_7C15)
        return mixer.next()
    }
}

/// Resident and peak resident memory of this process, from /proc/self/status (Linux), in bytes.
enum ProcessMemory {
    static func field(_ name: String) -> Int? {
        guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix(name + ":") {
            let digits = line.dropFirst(name.count + 1).filter(\.isNumber)
            return Int(digits).map { $0 * 1024 }
        }
        return nil
    }

    /// Current resident set size.
    static var resident: Int? { field("VmRSS") }
    /// Peak resident set size since the process started.
    static var peak: Int? { field("VmHWM") }
}

/// CPU time used by the calling thread (Linux: CLOCK_THREAD_CPUTIME_ID).
enum ThreadCPUTime {
    static func now() -> Duration {
        var spec = timespec()
        guard clock_gettime(CLOCK_THREAD_CPUTIME_ID, &spec) == 0 else { return .zero }
        return .seconds(Int64(spec.tv_sec)) + .nanoseconds(Int64(spec.tv_nsec))
    }
}
