import Foundation
import VigilCore

/// A JSON document as the structure-aware mutator sees it: key order, duplicate keys and the
/// exact text of numbers and strings are kept (strings stay escaped as in the source), so odd
/// inputs survive a parse and re-serialisation unchanged except where the mutator changes them.
indirect enum FuzzJSON: Sendable, Equatable {
    case null
    case bool(Bool)
    /// The number's source text ("1e400" stays "1e400").
    case number(String)
    /// The string's source text between the quotes, escapes included.
    case string(String)
    case array([FuzzJSON])
    case object([Member])

    struct Member: Sendable, Equatable {
        /// The key's source text between the quotes.
        var key: String
        var value: FuzzJSON
    }

    /// Nesting this parser accepts; deeper documents are left to the byte mutator.
    static let maximumDepth = 600

    // MARK: Parsing

    /// Parses `data`, or nil when it is not JSON this parser accepts (it is lenient about string
    /// contents: invalid UTF-8 and lone surrogate escapes are kept as they are).
    static func parse(_ data: Data) -> FuzzJSON? {
        var parser = Parser(bytes: [UInt8](data))
        parser.skipSpace()
        guard let value = parser.value(depth: 0) else { return nil }
        parser.skipSpace()
        return parser.index == parser.bytes.count ? value : nil
    }

    private struct Parser {
        let bytes: [UInt8]
        var index = 0

        init(bytes: [UInt8]) {
            // A UTF-8 byte order mark is not JSON, but keep going past it.
            self.bytes = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? Array(bytes.dropFirst(3)) : bytes
        }

        var current: UInt8? { index < bytes.count ? bytes[index] : nil }

        mutating func skipSpace() {
            while let c = current, c == 0x20 || c == 0x0A || c == 0x0D || c == 0x09 { index += 1 }
        }

        mutating func literal(_ text: String) -> Bool {
            let word = Array(text.utf8)
            guard index + word.count <= bytes.count, Array(bytes[index..<index + word.count]) == word else { return false }
            index += word.count
            return true
        }

        mutating func value(depth: Int) -> FuzzJSON? {
            guard depth < FuzzJSON.maximumDepth, let c = current else { return nil }
            switch c {
            case UInt8(ascii: "n"): return literal("null") ? .null : nil
            case UInt8(ascii: "t"): return literal("true") ? .bool(true) : nil
            case UInt8(ascii: "f"): return literal("false") ? .bool(false) : nil
            case UInt8(ascii: "\""): return string().map(FuzzJSON.string)
            case UInt8(ascii: "["):
                index += 1
                var items: [FuzzJSON] = []
                skipSpace()
                if current == UInt8(ascii: "]") { index += 1; return .array(items) }
                while true {
                    skipSpace()
                    guard let item = value(depth: depth + 1) else { return nil }
                    items.append(item)
                    skipSpace()
                    if current == UInt8(ascii: ",") { index += 1; continue }
                    if current == UInt8(ascii: "]") { index += 1; return .array(items) }
                    return nil
                }
            case UInt8(ascii: "{"):
                index += 1
                var members: [Member] = []
                skipSpace()
                if current == UInt8(ascii: "}") { index += 1; return .object(members) }
                while true {
                    skipSpace()
                    guard current == UInt8(ascii: "\""), let key = string() else { return nil }
                    skipSpace()
                    guard current == UInt8(ascii: ":") else { return nil }
                    index += 1
                    skipSpace()
                    guard let item = value(depth: depth + 1) else { return nil }
                    members.append(Member(key: key, value: item))
                    skipSpace()
                    if current == UInt8(ascii: ",") { index += 1; continue }
                    if current == UInt8(ascii: "}") { index += 1; return .object(members) }
                    return nil
                }
            default:
                let start = index
                while let d = current, (d >= 0x30 && d <= 0x39) || d == 0x2B || d == 0x2D || d == 0x2E || d == 0x45 || d == 0x65 {
                    index += 1
                }
                guard index > start else { return nil }
                return .number(String(decoding: bytes[start..<index], as: UTF8.self))
            }
        }

        /// The raw text between the quotes.
        mutating func string() -> String? {
            index += 1
            let start = index
            while let c = current {
                if c == UInt8(ascii: "\\") {
                    index += 2
                    continue
                }
                if c == UInt8(ascii: "\"") {
                    let text = String(decoding: bytes[start..<index], as: UTF8.self)
                    index += 1
                    return text
                }
                index += 1
            }
            return nil
        }
    }

    // MARK: Serialising

    /// Compact JSON text (the same bytes the source had for untouched numbers and strings).
    var data: Data {
        var out: [UInt8] = []
        write(into: &out)
        return Data(out)
    }

    private func write(into out: inout [UInt8]) {
        switch self {
        case .null: out += Array("null".utf8)
        case .bool(let b): out += Array((b ? "true" : "false").utf8)
        case .number(let text): out += Array(text.utf8)
        case .string(let raw):
            out.append(UInt8(ascii: "\""))
            out += Array(raw.utf8)
            out.append(UInt8(ascii: "\""))
        case .array(let items):
            out.append(UInt8(ascii: "["))
            for (i, item) in items.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                item.write(into: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let members):
            out.append(UInt8(ascii: "{"))
            for (i, member) in members.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                out.append(UInt8(ascii: "\""))
                out += Array(member.key.utf8)
                out += Array("\":".utf8)
                member.value.write(into: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    /// JSON string source text for `text` (quotes not included).
    static func escaped(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 {
                    out += String(format: "\\u%04x", scalar.value)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out
    }

    // MARK: Shape

    /// Number of nodes (this one included).
    var count: Int {
        switch self {
        case .array(let items): return 1 + items.reduce(0) { $0 + $1.count }
        case .object(let members): return 1 + members.reduce(0) { $0 + $1.value.count }
        default: return 1
        }
    }

    var kind: Int {
        switch self {
        case .null: return 0
        case .bool: return 1
        case .number: return 2
        case .string: return 3
        case .array: return 4
        case .object: return 5
        }
    }
}

// MARK: - Random values

/// The words random values are drawn from: keys and strings the code under test looks for.
struct FuzzVocabulary: Sendable {
    var keys: [String]
    var strings: [String]
    var numbers: [String]

    /// For the JSON decoders.
    static let json = FuzzVocabulary(keys: FuzzValues.keys, strings: FuzzValues.strings, numbers: FuzzValues.numbers)
}

/// Random JSON values drawn from what breaks decoders: boundary numbers, non-finite spellings,
/// odd dates, status words the decoders switch on, invalid escapes, long and deep values.
enum FuzzValues {
    static let numbers = [
        "0", "-0", "1", "-1", "2", "7", "0.5", "-1.5", "1e400", "-1e400", "1e-400", "1e308", "-1e308", "4.9e-324",
        "123456789012345678901234567890", "9223372036854775807", "9223372036854775808", "-9223372036854775808",
        "-9223372036854775809", "18446744073709551615", "1e19", "-1e19", "9.2e18", "1e15", "1793102400",
        "1793102400.5", "1764167700", "2147483648", "4294967296", "1E2", "0.1", "200000", "200001", "11000",
    ]

    static let strings = [
        "", " ", "x", "NaN", "+Inf", "-Inf", "Inf", "inf", "nan", "Infinity", "-0", "1e400", "0x1p3", "12",
        "2026-11-26T14:36:35Z", "2026-11-26T14:36:35.962Z", "2026-11-26T14:36:35+01:00", "2026-11-26T14:36:35+0100",
        "2026-11-26", "2026-02-29T00:00:00Z", "2026-13-01T00:00:00Z", "9999-12-31T23:59:60Z", "0000-01-01T00:00:00Z",
        "1970-01-01T00:00:00Z", "2026-11-26T14:36:35.\(String(repeating: "9", count: 300))Z", "2026-11-26T14:36:35",
        "2026-11-26 14:36:35Z", "2026-11-26T14:36:35+99:99", "1793102400",
        "success", "failure", "cancelled", "skipped", "timed_out", "neutral", "stale", "completed", "in_progress",
        "queued", "resolved", "acknowledged", "triggered", "low", "high", "P1", "critical", "warning", "page",
        "active", "suppressed", "expired", "matrix", "vector", "scalar", "string", "error", "bad_data",
        "Deploy", "Rollback", "CI", "Deploy checkout v1.2.3 to production", "Rollback payments to v1.8.2",
        "Roll back x to y in staging", "acknowledge_log_entry", "trigger_log_entry", "resolve_log_entry",
        "annotate_log_entry", "link", "runbook", "https://runbooks.example/x", "http://", "service", "env", "status",
        "\\u0000", "\\ud800", "\\udc00\\ud800", "\\uD83D\\uDE00", "\\\\", "\\\"", "\\n\\t", "é", "😀", "\u{202E}x",
        "a-b", "-", "prom-x-1",
    ]

    static let keys = [
        "id", "incidents", "incident", "log_entries", "created_at", "updated_at", "resolved_at", "status", "urgency",
        "title", "summary", "service", "priority", "name", "acknowledgements", "at", "acknowledger", "assignments",
        "assignee", "teams", "escalation_policy", "first_trigger_log_entry", "contexts", "href", "text", "type", "body",
        "details", "conference_bridge", "conference_url", "incident_type", "incident_key", "incident_number",
        "last_status_change_at", "html_url", "agent", "channel", "note", "fingerprint", "labels", "annotations",
        "startsAt", "endsAt", "updatedAt", "silencedBy", "inhibitedBy", "state", "generatorURL", "createdBy",
        "comment", "matchers", "value", "isRegex", "isEqual", "total_count", "workflow_runs", "display_title",
        "head_sha", "path", "conclusion", "workflow_id", "run_started_at", "head_commit", "timestamp", "data",
        "resultType", "result", "metric", "values", "errorType", "error", "env", "pipeline", "workflow", "__name__",
        "", "ID", "createdAt", "created-at",
    ]

    /// A random value; `depth` bounds how far it nests.
    static func random(_ rng: inout SplitMix64, depth: Int = 3, _ words: FuzzVocabulary = .json) -> FuzzJSON {
        switch rng.below(depth > 0 ? 12 : 8) {
        case 0: return .null
        case 1: return .bool(rng.oneIn(2))
        case 2, 3: return .number(rng.oneIn(4) ? String(Int64(bitPattern: rng.next()) % 100_000) : rng.choose(words.numbers))
        case 4, 5, 6: return .string(rng.choose(words.strings))
        case 7: return .string(longString(&rng))
        case 8, 9:
            return .array((0..<rng.below(4)).map { _ in random(&rng, depth: depth - 1, words) })
        case 10:
            return .object((0..<rng.below(4)).map { _ in
                FuzzJSON.Member(key: rng.choose(words.keys), value: random(&rng, depth: depth - 1, words))
            })
        default:
            return deep(&rng)
        }
    }

    static func longString(_ rng: inout SplitMix64) -> String {
        let unit = rng.choose(["a", "é", "😀", "\\u0041", "a ", " ", "Deploy ", "\\\\"])
        return String(repeating: unit, count: rng.choose([100, 1_000, 10_000, 100_000]))
    }

    /// Arrays or objects nested a few hundred levels (under JSONDecoder's limit of 512, so
    /// recursive Decodable types get to recurse) or past it.
    static func deep(_ rng: inout SplitMix64) -> FuzzJSON {
        let levels = rng.choose([50, 300, 500, 511, 520])
        var value: FuzzJSON = rng.oneIn(2) ? .number("1") : .string("x")
        let objects = rng.oneIn(2)
        for _ in 0..<levels {
            value = objects ? .object([FuzzJSON.Member(key: "details", value: value)]) : .array([value])
        }
        return value
    }
}

// MARK: - Structure-aware mutation

/// Mutates a parsed document: replaces random values with random JSON of another type, deletes
/// and duplicates members (duplicate keys) and elements, renames keys, wraps values, moves values
/// to other places, and splices in values from another document.
enum StructureMutator {
    /// Mutated documents larger than this are mutated again (from the original), and in the end
    /// cut to this size: bigger inputs belong in LargeInputTests.
    static let maximumSize = 4 << 20

    /// `document` after 1–4 changes, serialised, at most `maximumSize` bytes.
    static func mutated(_ document: FuzzJSON, donor: FuzzJSON?, rng: inout SplitMix64,
                        _ words: FuzzVocabulary = .json) -> Data {
        var data = Data()
        for _ in 0..<3 {
            data = mutate(document, donor: donor, rng: &rng, words).data
            if data.count <= maximumSize { return data }
        }
        return data.prefix(maximumSize)
    }

    static func mutate(_ document: FuzzJSON, donor: FuzzJSON?, rng: inout SplitMix64,
                       _ words: FuzzVocabulary = .json) -> FuzzJSON {
        var doc = document
        // Mostly one or two changes, so the rest of the document still gets past the decoder.
        let rounds = rng.choose([1, 1, 1, 2, 2, 3, 4])
        for _ in 0..<rounds {
            let total = doc.count
            let target = rng.below(total)
            let donorValue = donor.flatMap { d -> FuzzJSON? in
                var counter = rng.below(d.count)
                return node(in: d, at: &counter)
            }
            let copied: FuzzJSON? = {
                var counter = rng.below(total)
                return node(in: doc, at: &counter)
            }()
            let operation = rng.below(10)
            var counter = target
            apply(&doc, at: &counter, rng: &rng) { value, rng in
                switch operation {
                case 0, 1:
                    // Another type.
                    var replacement = FuzzValues.random(&rng, depth: 3, words)
                    var tries = 0
                    while replacement.kind == value.kind, tries < 4 {
                        replacement = FuzzValues.random(&rng, depth: 3, words)
                        tries += 1
                    }
                    value = replacement
                case 2:
                    value = FuzzValues.random(&rng, depth: 3, words)
                case 3:
                    // Delete a member or an element.
                    switch value {
                    case .array(var items) where !items.isEmpty:
                        items.remove(at: rng.below(items.count))
                        value = .array(items)
                    case .object(var members) where !members.isEmpty:
                        members.remove(at: rng.below(members.count))
                        value = .object(members)
                    default:
                        value = .null
                    }
                case 4:
                    // Duplicate: an element many times, or a member under the same key (another value).
                    switch value {
                    case .array(var items) where !items.isEmpty:
                        let item = items[rng.below(items.count)]
                        // At most about 1 MB more per duplication.
                        let size = item.data.count
                        let times = min(rng.choose([1, 2, 10, 100, 1_000]), max(1, (1 << 20) / max(size, 1)))
                        items.insert(contentsOf: repeatElement(item, count: times), at: rng.below(items.count + 1))
                        value = .array(items)
                    case .object(var members) where !members.isEmpty:
                        var member = members[rng.below(members.count)]
                        if rng.oneIn(2) { member.value = FuzzValues.random(&rng, depth: 3, words) }
                        members.insert(member, at: rng.below(members.count + 1))
                        value = .object(members)
                    default:
                        value = .array([value, value])
                    }
                case 5:
                    // Rename a key: another known key, another spelling, or nothing.
                    if case .object(var members) = value, !members.isEmpty {
                        let i = rng.below(members.count)
                        members[i].key = rng.oneIn(3) ? respell(members[i].key, &rng) : rng.choose(words.keys)
                        value = .object(members)
                    } else {
                        value = .object([FuzzJSON.Member(key: rng.choose(words.keys), value: value)])
                    }
                case 6:
                    // Wrap or unwrap.
                    switch value {
                    case .array(let items) where items.count == 1: value = items[0]
                    case .object(let members) where members.count == 1: value = members[0].value
                    default: value = rng.oneIn(2) ? .array([value]) : .object([FuzzJSON.Member(key: rng.choose(words.keys), value: value)])
                    }
                case 7:
                    // A value from elsewhere in this document, or from another document.
                    if let other = (rng.oneIn(2) ? donorValue : copied) ?? copied { value = other }
                case 8:
                    // Odd text in place of a string or number.
                    value = rng.oneIn(2) ? .string(rng.choose(words.strings)) : .number(rng.choose(words.numbers))
                default:
                    // Add a member with a known key.
                    if case .object(var members) = value {
                        members.append(FuzzJSON.Member(key: rng.choose(words.keys), value: FuzzValues.random(&rng, depth: 3, words)))
                        value = .object(members)
                    } else {
                        value = FuzzValues.random(&rng, depth: 1, words)
                    }
                }
            }
        }
        return doc
    }

    private static func respell(_ key: String, _ rng: inout SplitMix64) -> String {
        switch rng.below(4) {
        case 0: return key.uppercased()
        case 1: return key.replacingOccurrences(of: "_", with: "")
        case 2: return key + key
        default: return String(key.dropLast())
        }
    }

    /// The node at preorder position `counter` (counting down as it walks).
    private static func node(in value: FuzzJSON, at counter: inout Int) -> FuzzJSON? {
        if counter == 0 { return value }
        counter -= 1
        switch value {
        case .array(let items):
            for item in items { if let found = node(in: item, at: &counter) { return found } }
        case .object(let members):
            for member in members { if let found = node(in: member.value, at: &counter) { return found } }
        default: break
        }
        return nil
    }

    /// Applies `change` to the node at preorder position `counter`.
    @discardableResult
    private static func apply(_ value: inout FuzzJSON, at counter: inout Int, rng: inout SplitMix64,
                              _ change: (inout FuzzJSON, inout SplitMix64) -> Void) -> Bool {
        if counter == 0 {
            change(&value, &rng)
            return true
        }
        counter -= 1
        switch value {
        case .array(var items):
            value = .null  // so `items` is the only reference and is changed in place
            defer { value = .array(items) }
            for i in items.indices {
                if apply(&items[i], at: &counter, rng: &rng, change) { return true }
            }
        case .object(var members):
            value = .null
            defer { value = .object(members) }
            for i in members.indices {
                if apply(&members[i].value, at: &counter, rng: &rng, change) { return true }
            }
        default: break
        }
        return false
    }
}
