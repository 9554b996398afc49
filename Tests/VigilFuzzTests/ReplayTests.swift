import Foundation
import Testing

/// Runs one input again, for a failure the fuzzer reported (fuzz/README.md, "Reproducing"):
///
///     VIGIL_FUZZ_REPLAY=prometheus:/tmp/vigil-fuzz/failure-….bin swift test --filter ReplayTests
///     VIGIL_FUZZ_REPLAY=github-actions-runs/structure/0xd9498f9e75f1964b swift test --filter ReplayTests
///
/// The first form runs a file through a target; the second makes a generated case's input again
/// from its seed (with the same corpus) and runs it. The input is saved as
/// `$VIGIL_FUZZ_OUT/replay.input` either way.
@Suite("Fuzz replay (VIGIL_FUZZ_REPLAY)")
struct ReplayTests {
    static let request = FuzzSettings.environment["VIGIL_FUZZ_REPLAY"]

    @Test("replays the input named by VIGIL_FUZZ_REPLAY", .enabled(if: ReplayTests.request != nil))
    func replay() async throws {
        let request = try #require(Self.request)
        let (target, data, label) = try Self.input(request)
        FuzzSettings.save(data, as: "replay.input")
        let tally = FuzzTally("\(target)/replay")
        switch target {
        case .json(let json):
            await fuzz(json, data, label: label, tally: tally)
            let report = await json.run(data)
            print("replay \(label): accepted \(report.accepted), known \(report.known.map(\.label)), problems \(report.problems)")
        #if VIGIL_FUZZ_YAML
        case .yaml(let yaml):
            await fuzz(yaml, data, label: label, tally: tally)
            let report = yaml.run(data)
            print("replay \(label): accepted \(report.accepted), known \(report.known.map(\.label)), problems \(report.problems)")
        #endif
        }
        print(tally.summary())
    }

    enum Target: CustomStringConvertible {
        case json(JSONTarget)
        #if VIGIL_FUZZ_YAML
        case yaml(YAMLTarget)
        #endif

        init?(_ name: String) {
            if let json = JSONTarget(rawValue: name) {
                self = .json(json)
                return
            }
            #if VIGIL_FUZZ_YAML
            if let yaml = YAMLTarget(rawValue: name) {
                self = .yaml(yaml)
                return
            }
            #endif
            return nil
        }

        var description: String {
            switch self {
            case .json(let target): return target.rawValue
            #if VIGIL_FUZZ_YAML
            case .yaml(let target): return target.rawValue
            #endif
            }
        }
    }

    struct BadRequest: Error, CustomStringConvertible {
        var description: String
    }

    /// `target:path` or `target/strategy/seed`.
    static func input(_ request: String) throws -> (Target, Data, String) {
        if let colon = request.firstIndex(of: ":") {
            let name = String(request[..<colon]), path = String(request[request.index(after: colon)...])
            guard let target = Target(name) else { throw BadRequest(description: "unknown target '\(name)'") }
            guard let data = FileManager.default.contents(atPath: path) else { throw BadRequest(description: "cannot read \(path)") }
            return (target, data, path)
        }
        let parts = request.split(separator: "/").map(String.init)
        guard parts.count == 3, let target = Target(parts[0]) else {
            throw BadRequest(description: "VIGIL_FUZZ_REPLAY: write target:path or target/strategy/seed, not '\(request)'")
        }
        let seedText = parts[2].hasPrefix("0x") ? String(parts[2].dropFirst(2)) : parts[2]
        guard let seed = UInt64(seedText, radix: parts[2].hasPrefix("0x") ? 16 : 10) else {
            throw BadRequest(description: "bad seed '\(parts[2])'")
        }
        switch target {
        case .json(let json):
            guard let strategy = Strategy(rawValue: parts[1]) else { throw BadRequest(description: "strategy: bytes or structure") }
            let (data, origin) = FuzzCase(target: json, strategy: strategy, seed: seed).input()
            return (target, data, "\(request) from \(origin)")
        #if VIGIL_FUZZ_YAML
        case .yaml(let yaml):
            guard let strategy = YAMLStrategy(rawValue: parts[1]) else {
                throw BadRequest(description: "strategy: bytes, lines or structure")
            }
            let (data, origin) = YAMLCase(target: yaml, strategy: strategy, seed: seed).input()
            return (target, data, "\(request) from \(origin)")
        #endif
        }
    }
}
