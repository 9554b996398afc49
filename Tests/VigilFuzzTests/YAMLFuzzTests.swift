// The config and theme parsers, fuzzed like the decoders. They need VigilConfig and VigilRender
// as dependencies of this test target; until Package.swift gives them, this file compiles to
// nothing. To enable it: add "VigilConfig", "VigilRender" to VigilFuzzTests' dependencies and
// `swiftSettings: [.define("VIGIL_FUZZ_YAML")]` to the target (or delete the #if).
#if VIGIL_FUZZ_YAML
import Foundation
import PropertyBased
import Synchronization
import Testing
import VigilSources
import VigilYAML
import VigilConfig
import VigilCore
import VigilRender

/// The YAML parsers under test, named after their corpus directories.
enum YAMLTarget: String, CaseIterable, Sendable, CustomTestStringConvertible {
    /// `ConfigLoader.validate` and `ConfigLoader.load` (config.example.yaml documents the format).
    case config
    /// `ThemeLoader.document` and the theme mapped to every colour depth.
    case theme
    /// `AlertmanagerRoutes`: the routing tree of a running Alertmanager's configuration (it comes
    /// from the network, `/api/v2/status`), and the page keys of a few label sets.
    case alertmanagerRoutes = "alertmanager-routes"

    var testDescription: String { rawValue }

    /// Secret values the fake environment and secret files hold: never in an error message.
    static let environmentSecret = "tok-SECRET-9f8e7d6c5b4a"
    static let fileSecret = "file-SECRET-0a1b2c3d4e5f"
    static let environment = [
        "PROM_TOKEN": environmentSecret, "AM_PASSWORD": environmentSecret, "A": environmentSecret, "P": environmentSecret,
        "EMPTY": "", "HOME": "/home/fuzz", "USER": "fuzz", "VIGIL_USER": "oncall",
    ]

    /// Reads "secret files" from a table, never from disk.
    static func readFile(_ path: String) throws -> String {
        if path.hasSuffix("secret") || path.hasSuffix("b") || path.hasSuffix("prom-token") { return fileSecret + "\n" }
        if path.hasSuffix("empty") { return " \n" }
        throw CocoaError(.fileReadNoSuchFile)
    }

    func run(_ data: Data) -> FuzzReport {
        let text = String(decoding: data, as: UTF8.self)
        var report = FuzzReport()
        switch self {
        case .config:
            let file = "/etc/vigil/config.yaml"
            let problems = ConfigLoader.validate(yaml: text, file: file, environment: Self.environment, readFile: Self.readFile)
            for problem in problems { Self.checkMessage(problem.description, &report) }
            do {
                let config = try ConfigLoader.load(yaml: text, file: file, environment: Self.environment, readFile: Self.readFile)
                report.accepted = true
                report.check(problems.isEmpty, "load accepted what validate refused: \(problems.first?.description ?? "")")
                Self.check(config, &report)
            } catch {
                report.check(!problems.isEmpty, "load refused what validate accepted: \(error.description)")
                Self.checkMessage(error.description, &report)
            }
        case .alertmanagerRoutes:
            do {
                let routes = try AlertmanagerRoutes(configuration: text)
                report.accepted = true
                for labels in [[:], ["alertname": "DiskFull", "severity": "critical", "team": "db", "cluster": "c1"],
                               ["team": "web", "path": "/x y\"q", "instance": "é\u{0}\n"]] {
                    for key in routes.pageKeys(for: labels) {
                        report.check(key.count == 64 && key.allSatisfy(\.isHexDigit), "a page key that is not hex SHA-256: \(key)")
                    }
                }
            } catch {
                report.check(!"\(error)".isEmpty, "an error without a message")
            }
        case .theme:
            do {
                let document = try ThemeLoader.document(yaml: text, file: "/themes/fuzz.yaml")
                report.accepted = true
                report.check(!document.theme.name.isEmpty, "theme without a name")
                for depth in ColorDepth.allCases { _ = document.theme(for: depth) }
            } catch {
                Self.checkMessage(error.description, &report)
            }
        }
        return report
    }

    static func checkMessage(_ message: String, _ report: inout FuzzReport) {
        report.check(!message.isEmpty, "an error without a message")
        report.check(!message.contains(environmentSecret) && !message.contains(fileSecret),
                     "a secret in an error message: \(message.prefix(300))")
    }

    static func check(_ config: VigilConfig, _ report: inout FuzzReport) {
        report.check(!config.sources.isEmpty, "a config without sources was accepted")
        let ids = config.sources.map(\.id)
        report.check(Set(ids).count == ids.count, "two sources with one name: \(ids)")
        for id in ids {
            report.check(!id.isEmpty && id.count <= 64
                         && id.allSatisfy { $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "_" || $0 == "-") },
                         "a bad source name was accepted: \(id.prefix(80))")
        }
        for source in config.sources {
            report.check(source.pollInterval >= .seconds(1), "poll interval \(source.pollInterval) accepted")
            switch source.settings {
            case let settings as PrometheusSettings:
                report.check(settings.timeout >= .milliseconds(100), "timeout \(settings.timeout) accepted")
                report.check(Self.usable(settings.url), "unusable URL accepted: \(settings.url.absoluteString.prefix(80))")
            case let settings as AlertmanagerSettings:
                report.check(!settings.urls.isEmpty, "an Alertmanager source without URLs was accepted")
                for url in settings.urls { report.check(Self.usable(url), "unusable URL accepted: \(url.absoluteString.prefix(80))") }
                report.check(settings.ackSilence >= .seconds(60), "ack_silence \(settings.ackSilence) accepted")
            default:
                break
            }
        }
        let hours = config.metrics.workingHours
        report.check(hours.lowerBound >= 0 && hours.upperBound <= 24 && hours.lowerBound < hours.upperBound,
                     "working hours \(hours) accepted")
        report.check(!config.user.isEmpty && !config.theme.isEmpty, "empty user or theme accepted")
        report.check(!config.description.contains(environmentSecret) && !config.description.contains(fileSecret),
                     "a secret in the config's description")
    }

    static func usable(_ url: URL) -> Bool {
        guard let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https" else { return false }
        return !(url.host ?? "").isEmpty && url.user == nil && url.password == nil && url.query == nil
    }
}

/// Words the YAML mutators use: the keys and values the parsers look for, and YAML's own syntax.
enum YAMLWords {
    static let keys = [
        "user", "window", "theme", "read_only", "working_hours", "start", "end", "time_zone", "outage_severities",
        "change_failure_window", "sources", "name", "type", "url", "urls", "poll_interval", "timeout", "service_label",
        "auth", "queries", "bearer_token_env", "bearer_token_file", "basic", "username", "password_env", "password_file",
        "severity_label", "paging_severities", "ack_silence", "exclude_matcher_labels", "data", "deployments", "builds",
        "coverage", "latency_p50", "latency_p99", "error_rate", "bearer_token", "token", "password", "description",
        "palette", "roles", "ansi16", "fg", "bg", "attrs", "text", "critical", "high", "warning", "info", "<<", "? x",
        "", "\"quoted key\"", "[a, b]", "{a: b}", "&anchor k", "*alias",
    ] + Role.allCases.map(\.rawValue)

    static let values = [
        "~", "null", "true", "false", "yes", "no", "on", "off", "0", "-1", "9", "18", "24", "25", "1e400", ".inf", "-.inf",
        ".nan", "0x1F", "0o17", "99999999999999999999999", "1.5", "30s", "5m", "1h30m", "1d", "500ms", "0s", "1ms", "-1s",
        "1e400s", "36501d", "1h-1m", ".s", "7d", "24h", "30d", "demo", "prometheus", "alertmanager", "http://127.0.0.1:9090",
        "https://prom.example/prefix/", "http://u:p@x", "http://x?q=1", "http://[::1", "ftp://x", "http://", "PROM_TOKEN",
        "EMPTY", "UNSET_VARIABLE", "secret", "empty", "/run/secrets/prom-token", "~/x", "../../etc/passwd",
        "eyJhbGciOiJIUzI1NiJ9.e30.x", "abcdef1234567890ABCDEFabcdef", "Europe/Berlin", "local", "Mars/Olympus",
        "critical", "CRITICAL", "page", "default", "nord", "#102030", "#fff", "#GGGGGG", "red", "bright-red", "256",
        "bold", "underline", "blink", "[bold, dim]", "[critical, high]", "[]", "{}", "{fg: red, bg: 0}",
        "[http://a:9093, http://b:9093]", "{bearer_token_env: PROM_TOKEN}", "{username: u, password_file: secret}",
        "!!binary aGVsbG8=", "!!str 1", "!!int x", "!custom x", "&a 1", "*a", "'single'", "\"\\u0000\"", "\"\\ud800\"",
        "|", ">-", "- a", "? b", "# comment", "\t", "\u{FEFF}", "x: y: z", "'", "\"", "[", "{", "}", "]", ",", ":",
    ]

    static let vocabulary = FuzzVocabulary(keys: keys, strings: values.map(FuzzJSON.escaped), numbers: FuzzValues.numbers)

    static let tokens: [[UInt8]] = ([
        ": ", "- ", "? ", "&a ", "*a", "!!binary ", "!!str ", "!x ", "<<: *a", "\n", "\n  ", "\t", "---\n", "...\n",
        "|\n", ">-\n", "%YAML 1.2\n", "'", "\"", "#", "{", "}", "[", "]", ",", "~", "\\u", "\\x", ".inf", "1e400",
    ].map { Array($0.utf8) }) + ByteMutator.tokens
}

/// YAML-aware mutations that need no parser: YAML is made of lines, so duplicate (duplicate
/// keys), delete, move and re-indent lines, change keys and values, add anchors and aliases,
/// and splice lines from another file.
enum YAMLLineMutator {
    static func mutate(_ text: String, donor: String, rng: inout SplitMix64) -> String {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let donorLines = donor.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if lines.isEmpty { lines = [""] }
        for _ in 0..<rng.choose([1, 1, 2, 3]) {
            let i = rng.below(lines.count)
            let line = lines[i]
            let indent = String(line.prefix { $0 == " " })
            let colon = line.range(of: ": ") ?? (line.hasSuffix(":") ? line.range(of: ":", options: .backwards) : nil)
            switch rng.below(10) {
            case 0:
                lines.insert(line, at: i + 1)
            case 1:
                if lines.count > 1 { lines.remove(at: i) }
            case 2:
                let moved = lines.remove(at: i)
                lines.insert(moved, at: rng.below(lines.count + 1))
            case 3:
                let body = line.drop { $0 == " " }
                let change = rng.choose([-4, -2, -1, 1, 2, 4])
                let width = max(0, indent.count + change)
                lines[i] = (rng.oneIn(6) ? "\t" : String(repeating: " ", count: width)) + body
            case 4, 5:
                let value = rng.choose(YAMLWords.values)
                if let colon {
                    lines[i] = String(line[..<colon.lowerBound]) + ": " + value
                } else if line.trimmingCharacters(in: .whitespaces).hasPrefix("- ") {
                    lines[i] = indent + "- " + value
                } else {
                    lines[i] = indent + value
                }
            case 6:
                let key = rng.choose(YAMLWords.keys)
                if let colon {
                    lines[i] = indent + key + String(line[colon.lowerBound...])
                } else {
                    lines[i] = indent + key + ": " + line.trimmingCharacters(in: .whitespaces)
                }
            case 7:
                let key = rng.choose(YAMLWords.keys)
                let value = rng.oneIn(5) ? String(repeating: rng.choose(["x", "é", "a "]), count: rng.choose([100, 10_000]))
                    : rng.choose(YAMLWords.values)
                lines.insert(indent + key + ": " + value, at: i + rng.below(2))
            case 8:
                // An anchor here and an alias somewhere else.
                if let colon { lines[i] = String(line[..<colon.lowerBound]) + ": &x" + String(line[colon.upperBound...]) }
                let j = rng.below(lines.count)
                if let other = lines[j].range(of: ": ") {
                    lines[j] = String(lines[j][..<other.lowerBound]) + ": *x"
                } else {
                    lines.append("alias: *x")
                }
            default:
                if !donorLines.isEmpty { lines.insert(rng.choose(donorLines), at: i) }
            }
        }
        return lines.joined(separator: "\n")
    }
}

/// How a YAML case makes its input.
enum YAMLStrategy: String, Sendable {
    case bytes
    case lines
    /// The JSON-tree mutator on the corpus files written in JSON syntax (JSON is YAML).
    case structure
}

struct YAMLCase: Sendable, CustomTestStringConvertible {
    var target: YAMLTarget
    var strategy: YAMLStrategy
    var seed: UInt64

    var testDescription: String { "\(target.rawValue) \(strategy.rawValue) seed 0x\(String(seed, radix: 16))" }

    static func generator(_ target: YAMLTarget, _ strategy: YAMLStrategy) -> Generator<YAMLCase, Shrink.None<YAMLCase>> {
        let stream = SeedStream("yaml/\(target.rawValue)/\(strategy.rawValue)")
        return Generator { rng in YAMLCase(target: target, strategy: strategy, seed: stream.next(using: &rng)) }
    }

    func input() -> (data: Data, origin: String) {
        var rng = SplitMix64(seed: seed)
        let files = Corpus.files(target.rawValue)
        guard !files.isEmpty else { return (Data(), "empty corpus") }
        let seeds = files.filter { $0.name.hasPrefix("seed-") }
        let file = rng.oneIn(2) && !seeds.isEmpty ? rng.choose(seeds) : rng.choose(files)
        let donor = rng.choose(files)
        switch strategy {
        case .bytes:
            let bytes = ByteMutator.mutate([UInt8](file.data), donor: [UInt8](donor.data), rng: &rng, tokens: YAMLWords.tokens)
            return (Data(bytes), "\(file.name) mutated")
        case .lines:
            let text = YAMLLineMutator.mutate(String(decoding: file.data, as: UTF8.self),
                                              donor: String(decoding: donor.data, as: UTF8.self), rng: &rng)
            return (Data(text.utf8), "\(file.name) re-lined")
        case .structure:
            let documents = ParsedCorpus.documents(target.rawValue)
            guard !documents.isEmpty else { return (Data(), "no corpus file in JSON syntax") }
            let (name, document) = rng.choose(documents)
            let mutated = StructureMutator.mutated(document, donor: rng.choose(documents).1, rng: &rng, YAMLWords.vocabulary)
            return (mutated, "\(name) restructured")
        }
    }
}

/// Runs one YAML input with the time bound; records an issue (and saves the input) on a problem.
func fuzz(_ target: YAMLTarget, _ data: Data, label: String, tally: FuzzTally, limit: Duration = FuzzSettings.timeLimit,
          sourceLocation: SourceLocation = #_sourceLocation) async {
    FuzzSettings.save(data, as: "\(tally.name.replacingOccurrences(of: "/", with: "-")).current")
    let clock = ContinuousClock()
    let started = clock.now
    let limit = FuzzSettings.timeLimit(forBytes: data.count, base: limit)
    let cpuStarted = ThreadCPUTime.now()
    let report = target.run(data)
    let elapsed = ThreadCPUTime.now() - cpuStarted
    let tooSlow = elapsed > limit || clock.now - started > limit * 10
    var counted = report
    if tooSlow, let finding = report.slowBecause { counted.known.insert(finding) }
    tally.add(counted, elapsed: elapsed, size: data.count, label: label)
    await Task.yield()
    guard !report.problems.isEmpty || (tooSlow && report.slowBecause == nil) else { return }
    let safeLabel = String(label.map { (c: Character) -> Character in c.isLetter || c.isNumber || c == "-" || c == "." ? c : "_" })
    let path = FuzzSettings.save(data, as: "failure-\(target.rawValue)-\(safeLabel.prefix(80)).yaml")
    var lines = report.problems
    if tooSlow { lines.append("took \(elapsed) of CPU, more than the \(limit) limit") }
    let message = "\(target.rawValue) on \(label) (\(data.count) bytes, saved to \(path)):\n" + lines.joined(separator: "\n")
    Issue.record(Comment(rawValue: message), sourceLocation: sourceLocation)
}

@Suite("YAML parser fuzzing", .serialized)
struct YAMLFuzzTests {
    @Test("every corpus file: a config/theme or a ConfigError/ThemeError, in time, no secret shown",
          arguments: YAMLTarget.allCases)
    func corpus(_ target: YAMLTarget) async {
        let tally = FuzzTally("\(target.rawValue)/corpus")
        let files = Corpus.files(target.rawValue)
        #expect(files.count >= 50, "the corpus of \(target.rawValue) has only \(files.count) files")
        for file in files { await fuzz(target, file.data, label: file.name, tally: tally) }
        print(tally.summary())
    }

    @Test("random byte mutations of the corpus", arguments: YAMLTarget.allCases)
    func byteMutations(_ target: YAMLTarget) async { await run(target, .bytes) }

    @Test("line-level YAML mutations of the corpus", arguments: YAMLTarget.allCases)
    func lineMutations(_ target: YAMLTarget) async { await run(target, .lines) }

    @Test("structure-aware mutations of the corpus files in JSON syntax", arguments: YAMLTarget.allCases)
    func structureMutations(_ target: YAMLTarget) async { await run(target, .structure) }

    @Test("megabyte YAML made at run time: deep, long, wide, aliased", arguments: YAMLTarget.allCases)
    func large(_ target: YAMLTarget) async {
        let tally = FuzzTally("\(target.rawValue)/large")
        // Megabytes of YAML: five times the usual limit.
        for (name, text) in LargeYAML.inputs(for: target) {
            await fuzz(target, Data(text.utf8), label: name, tally: tally, limit: FuzzSettings.timeLimit * 5)
        }
        print(tally.summary())
    }

    private func run(_ target: YAMLTarget, _ strategy: YAMLStrategy) async {
        let tally = FuzzTally("\(target.rawValue)/\(strategy.rawValue)")
        await propertyCheck(count: FuzzSettings.iterations, input: YAMLCase.generator(target, strategy)) { yamlCase in
            let (data, origin) = yamlCase.input()
            await fuzz(target, data, label: "\(yamlCase.testDescription) from \(origin)", tally: tally)
        }
        print(tally.summary())
    }
}

/// The YAML parsers' findings, fixed, kept as regression tests. The time bounds are CPU time of
/// this thread in a debug build, with room: before the fixes these took seconds to hours.
@Suite("YAML fuzz findings (fixed; regression tests)", .serialized)
struct YAMLFindingsTests {
    /// CPU time `body` takes on this thread.
    static func cpuTime(_ body: () -> Void) -> Duration {
        let started = ThreadCPUTime.now()
        body()
        return ThreadCPUTime.now() - started
    }

    static func laughs(levels: Int) -> String {
        var text = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n"
        for i in 1...levels {
            text += "a\(i): &a\(i) [" + Array(repeating: "*a\(i - 1)", count: 10).joined(separator: ", ") + "]\n"
        }
        return text
    }

    @Test("F6 (fixed): a 50,000-character unknown time zone is reported at once, without a guess")
    func longTimeZone() {
        let yaml = "working_hours: {time_zone: " + String(repeating: "x", count: 50_000) + "}\nsources: [{name: d, type: demo}]\n"
        var problems: [ConfigError] = []
        let elapsed = Self.cpuTime {
            problems = ConfigLoader.validate(yaml: yaml, file: "c.yaml", environment: [:], readFile: YAMLTarget.readFile)
        }
        #expect(problems.count == 1)
        #expect(problems.first?.description.contains("did you mean") == false)
        // Was ~45 s: Spelling.nearest compared 50,000 characters with each of ~600 zone names.
        #expect(elapsed < .milliseconds(500), "took \(elapsed)")
    }

    @Test("F6 (fixed): suggestions still come for ordinary misspellings")
    func suggestionsStillWork() {
        let yaml = "working_hours: {time_zone: Europe/Berlim}\nsources: [{name: d, type: demo, datta: x}]\n"
        let problems = ConfigLoader.validate(yaml: yaml, file: "c.yaml", environment: [:], readFile: YAMLTarget.readFile)
        let text = problems.map(\.description).joined(separator: "\n")
        #expect(text.contains("Europe/Berlin"), "\(text)")
        #expect(text.contains("did you mean 'data'"), "\(text)")
        let theme = "palette: {frost: '#88C0D0'}\nroles: {text: forst}\n"
        var outcome = ""
        do throws(ThemeError) { _ = try ThemeLoader.document(yaml: theme, file: "t.yaml") } catch { outcome = error.description }
        #expect(outcome.contains("frost"), "\(outcome)")
    }

    @Test("F6 (fixed): a long unknown palette reference is reported at once")
    func longPaletteReference() {
        let palette = (0..<100).map { "  p\($0)\(String(repeating: "p", count: 1_000)): red\n" }.joined()
        let yaml = "palette:\n\(palette)roles: {text: \(String(repeating: "q", count: 10_000))}\n"
        var outcome = ""
        let elapsed = Self.cpuTime {
            do throws(ThemeError) { _ = try ThemeLoader.document(yaml: yaml, file: "t.yaml") } catch { outcome = "\(error.problem)" }
        }
        #expect(outcome.contains("unknownPaletteReference"), "\(outcome)")
        // Was ~1 min (and 80 MB per comparison).
        #expect(elapsed < .milliseconds(500), "took \(elapsed)")
    }

    @Test("F7 (fixed): an alias of a billion nodes as a mapping key is refused at once, with its line",
          arguments: YAMLTarget.allCases)
    func aliasAsKey(_ target: YAMLTarget) {
        let yaml = Self.laughs(levels: 9) + "? *a9\n: 1\n"
        var message = ""
        let elapsed = Self.cpuTime {
            switch target {
            case .config:
                message = ConfigLoader.validate(yaml: yaml, file: "c.yaml", environment: [:], readFile: YAMLTarget.readFile)
                    .map(\.description).joined(separator: "\n")
            case .theme:
                do throws(ThemeError) { _ = try ThemeLoader.document(yaml: yaml, file: "t.yaml") } catch { message = error.description }
            case .alertmanagerRoutes:
                // Refused by the same guard (no line: a network answer has no file to point at).
                do { _ = try AlertmanagerRoutes(configuration: yaml) } catch { message = "\(error) :11:3" }
            }
        }
        // Was the better part of an hour: Yams hashed the key's whole expansion.
        #expect(elapsed < .milliseconds(200), "took \(elapsed)")
        #expect(message.contains(":11:3"), "\(message)")
        #expect(message.contains("the alias *a9 is used in a mapping key"), "\(message)")
    }

    @Test("the alias guard refuses aliases inside keys and leaves aliases in values alone")
    func aliasGuard() {
        #expect(SafeYAML.refusal(Self.laughs(levels: 2) + "? *a2\n: 1\n") != nil)
        #expect(SafeYAML.refusal(Self.laughs(levels: 2) + "?\n  *a2\n: 1\n") != nil)
        #expect(SafeYAML.refusal("a: &a {b: 1}\n{*a : 2}: 3\n") != nil)
        #expect(SafeYAML.refusal("a: &a x\n? [1, {k: *a}]\n: 2\n") != nil)
        #expect(SafeYAML.refusal("a: &a x\nb: *a\nc: [*a, *a]\nd: {e: *a}\nq: 'sum(x) * 100'\n") == nil)
        #expect(SafeYAML.refusal("defaults: &d {poll_interval: 30s}\nsources:\n  - {<<: *d, name: p, type: demo}\n") == nil)
        #expect(SafeYAML.refusal("q: sum(x) * 100\n") == nil)
        // Syntax errors are left to Yams, which reports them with their position.
        #expect(SafeYAML.refusal("a: [*\n") == nil)
    }
}

/// YAML inputs too big to commit.
enum LargeYAML {
    static func inputs(for target: YAMLTarget) -> [(String, String)] {
        var laughs = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n"
        for i in 1...9 {
            laughs += "a\(i): &a\(i) [" + Array(repeating: "*a\(i - 1)", count: 10).joined(separator: ", ") + "]\n"
        }
        var out: [(String, String)] = [
            ("deep flow sequence, 10,000 levels", String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)),
            ("deep flow mapping, 10,000 levels", String(repeating: "{a: ", count: 10_000) + "1" + String(repeating: "}", count: 10_000)),
            ("deep block mapping, 2,000 levels", (0..<2_000).map { String(repeating: " ", count: $0) + "a:\n" }.joined()),
            ("deep block sequence, 2,000 levels", (0..<2_000).map { String(repeating: " ", count: $0) + "-\n" }.joined()),
            ("256 kB scalar", "user: " + String(repeating: "x", count: 1 << 18) + "\nsources: [{name: d, type: demo}]\n"),
            ("256 kB key", String(repeating: "k", count: 1 << 18) + ": 1\n"),
            ("256 kB quoted escapes", "user: \"" + String(repeating: "\\u00e9", count: 40_000) + "\"\n"),
            ("5,000 unknown keys", (0..<5_000).map { "key\($0): \($0)\n" }.joined()),
            ("5,000 sources", "sources:\n" + (0..<5_000).map { "  - {name: s\($0), type: demo}\n" }.joined()),
            ("billion laughs", laughs + "sources: [{name: d, type: demo, data: *a9}]\n"),
            ("billion laughs as a key", laughs + "? *a9\n: 1\n"),
            ("20,000 aliases", "a: &a x\nb: [" + Array(repeating: "*a", count: 20_000).joined(separator: ", ") + "]\n"),
        ]
        switch target {
        case .config:
            out += [
                ("1 MB time zone", "working_hours: {time_zone: " + String(repeating: "Europe/", count: 150_000) + "}\nsources: []\n"),
                ("256 kB duration", "change_failure_window: " + String(repeating: "1d", count: 130_000) + "\nsources: []\n"),
                ("256 kB source name", "sources: [{name: " + String(repeating: "a", count: 1 << 18) + ", type: demo}]\n"),
                ("256 kB URL", "sources: [{name: p, type: prometheus, url: 'http://" + String(repeating: "a", count: 1 << 18) + "'}]\n"),
                ("256 kB unknown key", String(repeating: "sources_", count: 32_000) + ": 1\nsources: []\n"),
            ]
        case .alertmanagerRoutes:
            out += [
                ("a route tree 2,000 deep", "route:\n" + (0..<2_000).map { String(repeating: "  ", count: $0) + "  receiver: p\n"
                    + String(repeating: "  ", count: $0) + "  routes:\n" + String(repeating: "  ", count: $0) + "  -\n" }.joined()
                    + "receivers: [{name: p, pagerduty_configs: [{}]}]\n"),
                ("10,000 sibling routes, each continuing", "route:\n  receiver: p\n  routes:\n"
                    + (0..<10_000).map { "  - {matchers: ['n\($0)=~\"v.*\"'], continue: true}\n" }.joined()
                    + "receivers: [{name: p, pagerduty_configs: [{}]}]\n"),
            ]
        case .theme:
            out += [
                ("2,000-entry palette chain", "palette:\n  p0: red\n" + (1..<2_000).map { "  p\($0): p\($0 - 1)\n" }.joined()
                    + "roles: {text: p1999}\n"),
                ("256 kB unknown role", "roles: {" + String(repeating: "x", count: 1 << 18) + ": red}\n"),
                ("256 kB colour", "roles: {text: '#" + String(repeating: "f", count: 1 << 18) + "'}\n"),
                ("256 kB attribute", "roles: {text: {attrs: [" + String(repeating: "b", count: 1 << 18) + "]}}\n"),
            ]
        }
        return out
    }
}
#endif
