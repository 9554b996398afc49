import Foundation
import VigilLog
import VigilSources

/// What `check-config --online` prints: a table a person reads (a row per source: result,
/// reachable, TLS, credentials, what they allow, quota left, version), then each source's
/// findings (and each Prometheus query's series and labels), and a last line with the count; or,
/// with `--format json`, one JSON object for scripts. Everything a server said passes through
/// `shown`: no secret is printed even when a server echoes one back, and no control character
/// (a stray escape sequence in an error body) reaches the terminal.
enum OnlineReport {
    typealias Row = (source: SourceConfig, check: OnlineCheck)

    /// The table's columns.
    static let headers = ["SOURCE", "TYPE", "RESULT", "REACHABLE", "TLS", "AUTH", "ACCESS", "QUOTA", "VERSION"]

    /// The table, the findings, the count.
    static func table(_ rows: [Row]) -> String {
        let cells = rows.map { row -> [String] in
            let c = row.check
            return [row.source.id, row.source.type, c.passed ? "ok" : "FAIL", text(c.reachable), text(c.tls),
                    c.credentialsNotAsked ? "not asked" : auth(c.authenticated), text(c.access), c.quota.map { "\($0.remaining)/\($0.limit)" } ?? "-",
                    c.version.map(shown) ?? "-"]
        }
        let widths = headers.indices.map { i in ([headers[i]] + cells.map { $0[i] }).map(\.count).max() ?? 0 }
        func line(_ values: [String]) -> String {
            values.enumerated().map { $0.element.padding(toLength: widths[$0.offset], withPad: " ", startingAt: 0) }
                .joined(separator: "  ").replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression)
        }
        var lines = [line(headers)] + cells.map(line)
        for (source, check) in rows where !check.findings.isEmpty {
            lines.append("")
            lines.append("\(source.id) (\(source.type))")
            for finding in check.findings { lines.append("  " + shown(finding)) }
        }
        let failed = rows.filter { !$0.check.passed }.count
        let plural = rows.count == 1 ? "" : "s"
        lines.append("")
        lines.append(failed == 0 ? "all \(rows.count) source\(plural) passed"
                                 : "\(failed) of \(rows.count) source\(plural) failed")
        return lines.joined(separator: "\n")
    }

    /// `text` redacted, with every control character (C0, DEL, C1) replaced by `?`.
    static func shown(_ text: String) -> String {
        let redacted = Redaction.line(text)
        guard redacted.unicodeScalars.contains(where: isControl) else { return redacted }
        return String(String.UnicodeScalarView(redacted.unicodeScalars.map { isControl($0) ? "?" : $0 }))
    }

    private static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value)
    }

    static func text(_ answer: OnlineCheck.Answer) -> String {
        switch answer {
        case .yes: return "yes"
        case .no: return "no"
        case .unknown: return "?"
        case .notApplicable: return "-"
        }
    }

    static func auth(_ answer: OnlineCheck.Answer) -> String {
        switch answer {
        case .yes: return "accepted"
        case .no: return "refused"
        case .unknown: return "?"
        case .notApplicable: return "none"
        }
    }

    static func text(_ access: OnlineCheck.Access) -> String {
        switch access {
        case .unknown: return "?"
        case .readOnly: return "read only"
        case .canAct: return "can act"
        case .refused: return "refused"
        case .notChecked: return "not checked"
        }
    }

    static func json(_ access: OnlineCheck.Access) -> String {
        switch access {
        case .unknown: return "unknown"
        case .readOnly: return "read-only"
        case .canAct: return "can-act"
        case .refused: return "refused"
        case .notChecked: return "not-checked"
        }
    }

    /// The JSON: `{"passed": Bool, "sources": [{"name", "type", "passed", "reachable", "tls",
    /// "authenticated", "access", "quota", "version", "queries", "findings"}]}`, every key present
    /// (`null` when not known). The answers are "yes", "no", "unknown" (the check stopped first)
    /// or "none" (no TLS, no credentials, no server), and "not-asked" for credentials the server
    /// does not check; access is "read-only", "can-act", "refused", "not-checked" or "unknown".
    static func json(_ rows: [Row]) -> String {
        struct Quota: Encodable { let limit: Int, remaining: Int, resetsAt: String }
        struct Query: Encodable { let name: String, series: Nullable<Int>, labels: [String], problem: Nullable<String> }
        struct Source: Encodable {
            let name: String, type: String, passed: Bool
            let reachable: String, tls: String, authenticated: String, access: String
            let quota: Nullable<Quota>, version: Nullable<String>, queries: [Query], findings: [String]
        }
        struct All: Encodable { let passed: Bool, sources: [Source] }
        func answer(_ a: OnlineCheck.Answer) -> String {
            switch a {
            case .yes: return "yes"
            case .no: return "no"
            case .unknown: return "unknown"
            case .notApplicable: return "none"
            }
        }
        let all = All(passed: rows.allSatisfy(\.check.passed), sources: rows.map { row in
            let c = row.check
            return Source(name: row.source.id, type: row.source.type, passed: c.passed, reachable: answer(c.reachable),
                          tls: answer(c.tls), authenticated: c.credentialsNotAsked ? "not-asked" : answer(c.authenticated),
                          access: json(c.access),
                          quota: Nullable(c.quota.map { Quota(limit: $0.limit, remaining: $0.remaining,
                                                              resetsAt: ISO8601DateFormatter().string(from: $0.resetAt)) }),
                          version: Nullable(c.version.map(shown)),
                          queries: c.queries.map { Query(name: $0.name, series: Nullable($0.series), labels: $0.labels.map(shown),
                                                         problem: Nullable($0.problem.map(shown))) },
                          findings: c.findings.map(shown))
        })
        return encoded(all)
    }

    /// The JSON when the config itself is wrong and no source was called:
    /// `{"passed": false, "config_errors": ["file:line: …"], "sources": []}`.
    static func json(configErrors: [String]) -> String {
        struct All: Encodable {
            let passed = false, sources: [String] = []
            let configErrors: [String]
            enum CodingKeys: String, CodingKey { case passed, sources, configErrors = "config_errors" }
        }
        return encoded(All(configErrors: configErrors.map(shown)))
    }

    private static func encoded(_ value: some Encodable) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(value)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }
}

/// An optional that a JSON encoder writes as `null` when empty; the synthesized encoding of an
/// optional leaves the key out, and a script should find every key.
struct Nullable<Value: Encodable>: Encodable {
    let value: Value?

    init(_ value: Value?) { self.value = value }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        if let value { try c.encode(value) } else { try c.encodeNil() }
    }
}
