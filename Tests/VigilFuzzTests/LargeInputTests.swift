import Foundation
import Synchronization
import Testing
import VigilCore
@testable import VigilSources

/// Inputs too big to commit to the corpus, made at run time: 10,000-level and deeper nesting,
/// multi-megabyte strings and escapes, hundreds of thousands of items, and well-formed answers
/// of realistic shape but huge size. Each must be decoded or refused within five times the
/// usual time limit, and resident memory may not grow by more than `memoryBound` meanwhile.
@Suite("Decoder fuzzing: megabyte inputs", .serialized)
struct LargeInputTests {
    static let memoryBound = 512 << 20

    @Test("deep, long, wide and huge inputs", arguments: JSONTarget.allCases)
    func large(_ target: JSONTarget) async {
        let tally = FuzzTally("\(target.rawValue)/large")
        for (name, data) in LargeJSON.inputs(for: target) {
            let before = PeakMemory.current()
            let sampler = PeakMemory.Sampler()
            await fuzz(target, data, label: name, tally: tally, limit: FuzzSettings.timeLimit * 5)
            let growth = sampler.stop() - before
            #expect(growth < Self.memoryBound, "\(target.rawValue) on \(name): resident memory grew by \(growth >> 20) MB")
        }
        print(tally.summary())
    }

    @Test("decoding time grows linearly with the number of items", arguments: JSONTarget.allCases.filter(\.isSynchronous))
    func linear(_ target: JSONTarget) async {
        // Four times the items may take about four times as long (8 × allows for noise), not
        // sixteen times: no quadratic step.
        let small = LargeJSON.valid(target, items: 2_000)
        let large = LargeJSON.valid(target, items: 8_000)
        func cost(_ data: Data) -> Duration {
            var best = Duration.seconds(1_000)
            for _ in 0..<2 {
                let started = ThreadCPUTime.now()
                let report = target.decode(data)
                best = min(best, ThreadCPUTime.now() - started)
                #expect(report.accepted, "\(target.rawValue): the generated answer was refused")
            }
            return best
        }
        let a = cost(small), b = cost(large)
        #expect(b < a * 8 + .milliseconds(50), "\(target.rawValue): 2,000 items \(a), 8,000 items \(b)")
        print("fuzz \(target.rawValue)/linear: 2,000 items \(a), 8,000 items \(b)")
    }
}

/// Peak resident memory while something runs, sampled from /proc/self/statm.
enum PeakMemory {
    static let pageSize = Int(sysconf(Int32(_SC_PAGESIZE)))

    static func current() -> Int {
        guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
        let fields = text.split(separator: " ")
        guard fields.count > 1, let pages = Int(fields[1]) else { return 0 }
        return pages * pageSize
    }

    /// Samples every 2 ms on its own thread until stopped; `stop()` returns the largest value.
    final class Sampler: Sendable {
        private let peak = Mutex(PeakMemory.current())
        private let done = Mutex(false)

        init() {
            let thread = Thread { [self] in
                while !done.withLock({ $0 }) {
                    let now = PeakMemory.current()
                    peak.withLock { $0 = max($0, now) }
                    usleep(2_000)
                }
            }
            thread.start()
        }

        func stop() -> Int {
            done.withLock { $0 = true }
            let now = PeakMemory.current()
            return peak.withLock { max($0, now) }
        }
    }
}

/// JSON inputs too big to commit.
enum LargeJSON {
    static func repeated(_ text: String, _ count: Int) -> String { String(repeating: text, count: count) }

    /// A minimal valid answer of the target with `items` items.
    static func valid(_ target: JSONTarget, items: Int) -> Data {
        let t = 1_764_000_000
        var text = ""
        switch target {
        case .pagerDutyIncidents:
            text = "{\"incidents\":[" + (0..<items).map {
                "{\"id\":\"Q\($0)\",\"created_at\":\"2026-11-26T14:00:00Z\",\"status\":\"acknowledged\",\"title\":\"t\","
                    + "\"acknowledgements\":[{\"at\":\"2026-11-26T14:05:00Z\",\"acknowledger\":{\"summary\":\"a\"}}],"
                    + "\"first_trigger_log_entry\":{\"contexts\":[{\"type\":\"link\",\"href\":\"https://r/\($0)\",\"text\":\"Runbook\"}]}}"
            }.joined(separator: ",") + "]}"
        case .pagerDutyLogEntries:
            text = "{\"log_entries\":[" + (0..<items).map {
                "{\"id\":\"R\($0)\",\"type\":\"acknowledge_log_entry\",\"created_at\":\"2026-11-26T14:\(String(format: "%02d", $0 % 60)):00Z\","
                    + "\"incident\":{\"id\":\"Q\($0 % 500)\"},\"agent\":{\"summary\":\"a\"}}"
            }.joined(separator: ",") + "]}"
        case .pagerDutyOnCalls:
            text = "{\"oncalls\":[" + (0..<items).map {
                "{\"user\":{\"id\":\"P\($0)\",\"summary\":\"u\($0)\"},\"escalation_policy\":{\"id\":\"E\",\"summary\":\"p\"},"
                    + "\"escalation_level\":\($0 % 3 + 1),\"start\":\"2026-11-26T06:00:00Z\",\"end\":\"2026-11-27T06:00:00Z\"}"
            }.joined(separator: ",") + "],\"more\":false}"
        case .alertmanagerAlerts:
            text = "[" + (0..<items).map {
                "{\"fingerprint\":\"f\($0)\",\"startsAt\":\"2026-11-26T14:00:00.123Z\",\"labels\":{\"alertname\":\"A\",\"severity\":\"critical\","
                    + "\"service\":\"s\($0 % 50)\"},\"annotations\":{\"runbook_url\":\"https://r\"},\"status\":{\"state\":\"suppressed\","
                    + "\"silencedBy\":[\"98352608-e2f2-457c-95c8-7268343c1c27\"],\"inhibitedBy\":[]}}"
            }.joined(separator: ",") + "]"
        case .alertmanagerSilences:
            text = "[" + (0..<items).map {
                "{\"id\":\"s\($0)\",\"createdBy\":\"u\",\"comment\":\"c\",\"startsAt\":\"2026-11-26T14:00:00Z\",\"endsAt\":\"2026-11-26T15:00:00Z\","
                    + "\"status\":{\"state\":\"active\"},\"matchers\":[{\"name\":\"alertname\",\"value\":\"A\",\"isRegex\":false}]}"
            }.joined(separator: ",") + "]"
        case .gitHubActionsRuns:
            text = "{\"total_count\":\(items),\"workflow_runs\":[" + (0..<items).map {
                let deploy = $0 % 3 == 0
                return "{\"id\":\($0),\"name\":\"\(deploy ? "Deploy" : "CI")\",\"display_title\":\"Deploy svc\($0 % 7) v1.\($0) to production\","
                    + "\"status\":\"completed\",\"conclusion\":\"success\",\"created_at\":\"2026-11-26T14:00:00Z\","
                    + "\"updated_at\":\"2026-11-26T14:10:00Z\",\"head_sha\":\"0123456789abcdef\"}"
            }.joined(separator: ",") + "]}"
        case .jenkins:
            text = "{\"jobs\":[" + (0..<max(1, items / 100)).map { j in
                "{\"name\":\"\(j % 2 == 0 ? "deploy" : "build")-svc\(j)\",\"builds\":[" + (0..<100).map {
                    "{\"number\":\($0),\"result\":\"SUCCESS\",\"building\":false,\"timestamp\":\(Int64(t) * 1_000 + Int64($0) * 60_000),"
                        + "\"duration\":60000,\"displayName\":\"svc\(j) v1.\($0)\",\"changeSets\":[{\"items\":[{\"timestamp\":"
                        + "\(Int64(t) * 1_000),\"msg\":\"m\"}]}]}"
                }.joined(separator: ",") + "]}"
            }.joined(separator: ",") + "]}"
        case .awsDelivery:
            text = "{\"deploymentsInfo\":[" + (0..<items).map {
                "{\"deploymentId\":\"d-\($0)\",\"applicationName\":\"svc\($0 % 30)\",\"deploymentGroupName\":\"prod\","
                    + "\"status\":\"\($0 % 5 == 0 ? "Failed" : "Succeeded")\",\"createTime\":\(t + $0),\"completeTime\":\(t + $0 + 60)}"
            }.joined(separator: ",") + "],\"pipelineExecutionSummaries\":[]}"
        case .cloudWatch:
            text = "{\"MetricAlarms\":[" + (0..<items).map {
                "{\"AlarmName\":\"svc\($0 % 40)-alarm-\($0)\",\"AlarmArn\":\"arn:aws:cloudwatch:us-east-1:1:alarm:a\($0)\","
                    + "\"StateValue\":\"\($0 % 3 == 0 ? "ALARM" : "OK")\",\"StateUpdatedTimestamp\":\(t + $0),"
                    + "\"Dimensions\":[{\"Name\":\"LoadBalancer\",\"Value\":\"app/x\"}]}"
            }.joined(separator: ",") + "],\"CompositeAlarms\":[]}"
        case .prometheus, .prometheusSource:
            let series = max(1, items / 100)
            text = "{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":[" + (0..<series).map { s in
                "{\"metric\":{\"service\":\"s\(s)\",\"status\":\"success\"},\"values\":["
                    + (0..<100).map { "[\(t + $0 * 3600),\"\($0 + s)\"]" }.joined(separator: ",") + "]}"
            }.joined(separator: ",") + "]}}"
        }
        return Data(text.utf8)
    }

    /// The megabyte inputs for one target.
    static func inputs(for target: JSONTarget) -> [(String, Data)] {
        // A minimal answer with a hole where nasty content goes.
        let hole: (String) -> String
        switch target {
        case .pagerDutyIncidents: hole = { "{\"incidents\":[{\"id\":\"Q1\",\"created_at\":\"2026-11-26T14:00:00Z\",\"title\":\($0)}]}" }
        case .pagerDutyLogEntries: hole = { "{\"log_entries\":[{\"created_at\":\"2026-11-26T14:00:00Z\",\"incident\":{\"id\":\"Q1\"},\"note\":\($0)}]}" }
        case .pagerDutyOnCalls: hole = { "{\"oncalls\":[{\"user\":{\"id\":\"P1\",\"summary\":\($0)}}]}" }
        case .alertmanagerAlerts: hole = { "[{\"fingerprint\":\"f\",\"startsAt\":\"2026-11-26T14:00:00Z\",\"annotations\":{\"summary\":\($0)}}]" }
        case .alertmanagerSilences: hole = { "[{\"id\":\"s\",\"startsAt\":\"2026-11-26T14:00:00Z\",\"endsAt\":\"2026-11-26T15:00:00Z\",\"comment\":\($0)}]" }
        case .gitHubActionsRuns: hole = { "{\"workflow_runs\":[{\"id\":1,\"name\":\"Deploy\",\"created_at\":\"2026-11-26T14:00:00Z\",\"status\":\"completed\",\"conclusion\":\"success\",\"display_title\":\($0)}]}" }
        case .jenkins: hole = { "{\"jobs\":[{\"name\":\"deploy\",\"builds\":[{\"number\":1,\"timestamp\":0,\"displayName\":\($0)}]}]}" }
        case .awsDelivery: hole = { "{\"deploymentsInfo\":[{\"deploymentId\":\"d\",\"status\":\"Succeeded\",\"deploymentGroupName\":\($0)}]}" }
        case .cloudWatch: hole = { "{\"MetricAlarms\":[{\"AlarmName\":\($0),\"StateValue\":\"ALARM\"}]}" }
        case .prometheus, .prometheusSource: hole = { "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[{\"metric\":{\"service\":\($0)},\"value\":[1764000000,\"1\"]}]}}" }
        }
        let fourMB = 4 << 20
        var out: [(String, String)] = [
            ("10,000 nested arrays", repeated("[", 10_000) + repeated("]", 10_000)),
            ("10,000 nested objects", repeated("{\"a\":", 10_000) + "1" + repeated("}", 10_000)),
            ("10,000 nested arrays and objects", repeated("[{\"a\":", 5_000) + "1" + repeated("}]", 5_000)),
            ("200,000 unclosed arrays", repeated("[", 200_000)),
            ("10,000 nested arrays in a field", hole(repeated("[", 10_000) + repeated("]", 10_000))),
            ("511 nested objects in a field", hole(repeated("{\"details\":", 511) + "1" + repeated("}", 511))),
            ("4 MB string", hole("\"" + repeated("x", fourMB) + "\"")),
            ("4 MB of \\u escapes", hole("\"" + repeated("\\u00e9", fourMB / 6) + "\"")),
            ("4 MB of surrogate pairs", hole("\"" + repeated("\\ud83d\\ude00", fourMB / 12) + "\"")),
            ("4 MB unterminated string", hole("\"" + repeated("x", fourMB))),
            ("1 MB key", hole("{\"" + repeated("k", 1 << 20) + "\":1}")),
            ("4 MB number", hole(repeated("9", fourMB))),
            ("4 MB of whitespace", repeated(" ", fourMB) + hole("\"x\"")),
            ("200,000 empty objects", "[" + repeated("{},", 199_999) + "{}]"),
            ("200,000 nulls in a field", hole("[" + repeated("null,", 199_999) + "null]")),
            ("30,000 duplicate keys", "{" + repeated("\"incidents\":[],\"workflow_runs\":[],\"status\":\"x\",", 10_000) + "\"a\":1}"),
        ]
        switch target {
        case .gitHubActionsRuns:
            // The deploy and rollback patterns on long titles: backtracking must stay linear.
            for (name, title) in [
                ("1 MB deploy title of words", "Deploy " + repeated("a ", 1 << 19)),
                ("1 MB deploy title of spaces", "Deploy " + repeated(" ", 1 << 20) + "x"),
                ("1 MB rollback title", "  Roll back " + repeated("b ", 1 << 19) + "to"),
                ("1 MB title of 'to'", "Deploy x " + repeated("to ", 350_000)),
            ] {
                out.append((name, hole("\"" + title + "\"")))
            }
        case .prometheus, .prometheusSource:
            out.append(("200,000 points", "{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":[{\"metric\":{},\"values\":["
                + (0..<200_000).map { "[\(1_764_000_000 + $0),\"\($0)\"]" }.joined(separator: ",") + "]}]}}"))
            out.append(("20,000 series", "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":["
                + (0..<20_000).map { "{\"metric\":{\"service\":\"s\($0)\",\"status\":\"success\"},\"value\":[1764000000,\"\($0)\"]}" }
                    .joined(separator: ",") + "]}}"))
        default:
            break
        }
        var data = out.map { ($0.0, Data($0.1.utf8)) }
        data.append(("10,000 valid items", valid(target, items: 10_000)))
        return data
    }
}
