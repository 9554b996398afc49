import Foundation
import VigilLog
import VigilSources

/// What `check-config --online` prints: a table a person reads, one block per source (result,
/// name and type, then each finding), and a last line with the count; or, with `--format json`,
/// one JSON object for scripts. Every finding passes through `Redaction`, so no secret is printed
/// even when a server echoes one back.
enum OnlineReport {
    /// The table.
    static func table(_ rows: [(source: SourceConfig, check: OnlineCheck)]) -> String {
        var lines: [String] = []
        for (source, check) in rows {
            lines.append("\(check.passed ? "ok  " : "FAIL") \(source.id) (\(source.type))")
            for finding in check.findings { lines.append("       " + Redaction.line(finding)) }
        }
        let failed = rows.filter { !$0.check.passed }.count
        lines.append(failed == 0 ? "all \(rows.count) source\(rows.count == 1 ? "" : "s") passed"
                                 : "\(failed) of \(rows.count) source\(rows.count == 1 ? "" : "s") failed")
        return lines.joined(separator: "\n")
    }

    /// The JSON: `{"passed": Bool, "sources": [{"name", "type", "passed", "findings": [String]}]}`.
    static func json(_ rows: [(source: SourceConfig, check: OnlineCheck)]) -> String {
        struct Row: Encodable { let name: String, type: String, passed: Bool, findings: [String] }
        struct All: Encodable { let passed: Bool, sources: [Row] }
        let all = All(passed: rows.allSatisfy(\.check.passed),
                      sources: rows.map { Row(name: $0.source.id, type: $0.source.type, passed: $0.check.passed,
                                              findings: $0.check.findings.map(Redaction.line)) })
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(all)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }
}
