import Crypto
import Foundation
import VigilYAML
import Yams

/// Alertmanager's routing tree, read from its running configuration (`GET /api/v2/status`,
/// `config.original`), to know under which key each alert was paged to PagerDuty.
///
/// Alertmanager's PagerDuty receiver sends every event of an alert group with
/// `dedup_key` = hex SHA-256 of the group key, and PagerDuty keeps it as the incident's
/// `incident_key`. The group key is `<route key>:<group labels>` (Alertmanager's
/// `dispatch.aggrGroup.GroupKey`), where
/// - the route key is the parent's key, "/", and the route's matchers as `{name="value",…}`,
///   sorted by name, value and type, no spaces (the root's is `{}`); `match_re` values count
///   anchored, as Alertmanager compiles them (`^(?:…)$`), `matchers` values as written;
/// - the group labels are the alert's labels named in the route's `group_by` (inherited; `...`
///   is all), as `{name="value", …}` sorted by name, values quoted the way Go's `%q` does.
///
/// Which routes an alert reaches follows `dispatch.Route.Match`: a route whose matchers match
/// descends into its children in order; a matching child stops the search unless it has
/// `continue: true`; a route none of whose children matched is itself a match.
///
/// Verified against Alertmanager 0.25 sending to a loopback receiver (AlertmanagerMergeTests).
/// Anything this does not reproduce (a regex Foundation reads differently from Go's RE2) makes
/// a key no page has, so the alert is not merged: a miss, never a wrong merge.
public struct AlertmanagerRoutes: Sendable {
    /// One route of the tree, with what it inherits resolved.
    struct Route: Sendable {
        var key: String
        var matchers: [Matcher]
        var receiver: String
        /// nil: every label (`group_by: ['...']`).
        var groupBy: [String]?
        var continues: Bool
        var children: [Route]
    }

    /// One label matcher of a route.
    struct Matcher: Sendable {
        enum Kind: Int, Sendable { case equal = 0, notEqual = 1, regex = 2, notRegex = 3 }
        var name: String
        var kind: Kind
        /// As it appears in the route key (a `match_re` value anchored).
        var value: String
        /// For regex kinds, compiled anchored; nil when Foundation cannot compile it.
        var regex: NSRegularExpressionBox?

        var op: String { ["=", "!=", "=~", "!~"][kind.rawValue] }

        /// Alertmanager's `Matcher.String()`: name, operator, value in double quotes with
        /// `\`, newline and `"` escaped.
        var text: String { "\(name)\(op)\"\(Self.escaped(value))\"" }

        static func escaped(_ s: String) -> String {
            var out = ""
            for c in s.unicodeScalars {
                switch c {
                case "\\": out += "\\\\"
                case "\n": out += "\\n"
                case "\"": out += "\\\""
                default: out.unicodeScalars.append(c)
                }
            }
            return out
        }

        /// Whether the labels satisfy it (a missing label reads as the empty value); nil when
        /// its regex could not be compiled, so the answer is unknown.
        func matches(_ labels: [String: String]) -> Bool? {
            let v = labels[name] ?? ""
            switch kind {
            case .equal: return v == value
            case .notEqual: return v != value
            case .regex, .notRegex:
                guard let regex else { return nil }
                let hit = regex.value.firstMatch(in: v, range: NSRange(v.startIndex..., in: v)) != nil
                return kind == .regex ? hit : !hit
            }
        }

        /// Go's `sort.Sort(labels.Matchers)` order: name, value, type, bytewise.
        static func precedes(_ a: Matcher, _ b: Matcher) -> Bool {
            if a.name != b.name { return Array(a.name.utf8).lexicographicallyPrecedes(Array(b.name.utf8)) }
            if a.value != b.value { return Array(a.value.utf8).lexicographicallyPrecedes(Array(b.value.utf8)) }
            return a.kind.rawValue < b.kind.rawValue
        }
    }

    /// A compiled regex that may cross tasks (NSRegularExpression is immutable and thread-safe).
    final class NSRegularExpressionBox: @unchecked Sendable {
        let value: NSRegularExpression
        init(_ value: NSRegularExpression) { self.value = value }
    }

    let root: Route
    /// The receivers with at least one `pagerduty_configs` entry.
    public let pagingReceivers: Set<String>

    /// True when some route can page to PagerDuty (else no alert has a key to merge by).
    public var pages: Bool { !pagingReceivers.isEmpty }

    /// Why a configuration could not be read.
    public struct Unreadable: Error, Sendable, CustomStringConvertible {
        public let description: String
    }

    /// Reads the routing tree and receivers of an Alertmanager configuration (YAML).
    /// - Throws: `Unreadable` when it is not YAML or has no `route`.
    public init(configuration yaml: String) throws {
        let node: Node?
        do { node = try SafeYAML.compose(yaml: yaml) } catch {
            throw Unreadable(description: "Alertmanager's configuration is not readable YAML: \(error)")
        }
        guard let top = node?.mapping, let route = Self.value(top, "route")?.mapping else {
            throw Unreadable(description: "Alertmanager's configuration has no route")
        }
        var paging = Set<String>()
        for receiver in Self.value(top, "receivers")?.sequence ?? [] {
            guard let r = receiver.mapping, let name = Self.value(r, "name")?.scalar?.string else { continue }
            if let pd = Self.value(r, "pagerduty_configs")?.sequence, !pd.isEmpty { paging.insert(name) }
        }
        pagingReceivers = paging
        root = Self.route(route, parent: nil)
    }

    /// The dedup keys under which Alertmanager pages this alert's groups to PagerDuty (one per
    /// route reached whose receiver pages), or none.
    public func pageKeys(for labels: [String: String]) -> [String] {
        guard pages else { return [] }
        var reached: [Route] = []
        guard Self.match(root, labels, into: &reached) != nil else { return [] }
        var keys: [String] = []
        for route in reached where pagingReceivers.contains(route.receiver) {
            let key = Self.hash(route.key + ":" + Self.groupLabels(labels, route.groupBy))
            if !keys.contains(key) { keys.append(key) }
        }
        return keys
    }

    /// The group key's hash, as Alertmanager's `GroupKey.Hash()` (hex SHA-256).
    public static func hash(_ groupKey: String) -> String {
        SHA256.hash(data: Data(groupKey.utf8)).map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
    }

    /// `model.LabelSet.String()` of the labels `group_by` names (all when nil).
    static func groupLabels(_ labels: [String: String], _ groupBy: [String]?) -> String {
        let names = (groupBy ?? Array(labels.keys)).filter { labels[$0] != nil }
        let sorted = Set(names).sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
        return "{" + sorted.map { "\($0)=\(goQuoted(labels[$0] ?? ""))" }.joined(separator: ", ") + "}"
    }

    /// Go's `%q` of a string: printable characters as they are, the rest escaped.
    static func goQuoted(_ s: String) -> String {
        var out = "\""
        for c in s.unicodeScalars {
            switch c {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\u{07}": out += "\\a"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{0B}": out += "\\v"
            default:
                if c.value < 0x20 || c.value == 0x7F {
                    out += "\\x" + (c.value < 16 ? "0" : "") + String(c.value, radix: 16)
                } else if c.properties.generalCategory == .control || c.properties.generalCategory == .format
                            || c.properties.generalCategory == .unassigned || c.properties.generalCategory == .surrogate
                            || c.properties.generalCategory == .privateUse
                            || (c.properties.isWhitespace && c != " ") {
                    let hex = String(c.value, radix: 16)
                    out += c.value <= 0xFFFF ? "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                        : "\\U" + String(repeating: "0", count: 8 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(c)
                }
            }
        }
        return out + "\""
    }

    /// `dispatch.Route.Match`; nil when the answer depends on a matcher that could not be read.
    static func match(_ route: Route, _ labels: [String: String], into reached: inout [Route]) -> Bool? {
        for m in route.matchers {
            guard let ok = m.matches(labels) else { return nil }
            if !ok { return false }
        }
        let before = reached.count
        for child in route.children {
            guard let matched = match(child, labels, into: &reached) else { return nil }
            if matched && !child.continues { break }
        }
        if reached.count == before { reached.append(route) }
        return true
    }

    private static func route(_ map: Node.Mapping, parent: Route?) -> Route {
        var matchers: [Matcher] = []
        for (k, v) in value(map, "match")?.mapping ?? [:] {
            guard let name = k.scalar?.string, let value = v.scalar?.string else { continue }
            matchers.append(Matcher(name: name, kind: .equal, value: value))
        }
        for (k, v) in value(map, "match_re")?.mapping ?? [:] {
            guard let name = k.scalar?.string, let value = v.scalar?.string else { continue }
            matchers.append(regexMatcher(name, .regex, "^(?:\(value))$"))
        }
        for item in value(map, "matchers")?.sequence ?? [] {
            if let text = item.scalar?.string, let m = parse(matcher: text) { matchers.append(m) }
        }
        matchers.sort(by: Matcher.precedes)
        let text = "{" + matchers.map(\.text).joined(separator: ",") + "}"
        let key = parent.map { $0.key + "/" + text } ?? text
        let receiver = value(map, "receiver")?.scalar?.string ?? parent?.receiver ?? ""
        var groupBy: [String]? = parent.map(\.groupBy) ?? []
        if let list = value(map, "group_by")?.sequence {
            let names = list.compactMap { $0.scalar?.string }
            groupBy = names.contains("...") ? nil : names
        }
        let continues = value(map, "continue")?.scalar?.string == "true"
        var me = Route(key: key, matchers: matchers, receiver: receiver, groupBy: groupBy, continues: continues, children: [])
        me.children = (value(map, "routes")?.sequence ?? []).compactMap { $0.mapping.map { route($0, parent: me) } }
        return me
    }

    /// One `matchers:` entry: `name<op>value`, the value in double quotes (with escapes) or bare.
    static func parse(matcher text: String) -> Matcher? {
        let t = text.trimmingCharacters(in: .whitespaces)
        guard let opStart = t.firstIndex(where: { $0 == "=" || $0 == "!" }) else { return nil }
        let name = t[..<opStart].trimmingCharacters(in: .whitespaces)
        let rest = t[opStart...]
        let kind: Matcher.Kind, opLength: Int
        if rest.hasPrefix("=~") { kind = .regex; opLength = 2 }
        else if rest.hasPrefix("!~") { kind = .notRegex; opLength = 2 }
        else if rest.hasPrefix("!=") { kind = .notEqual; opLength = 2 }
        else if rest.hasPrefix("=") { kind = .equal; opLength = 1 }
        else { return nil }
        var raw = rest.dropFirst(opLength).trimmingCharacters(in: .whitespaces)
        if raw.count >= 2, raw.hasPrefix("\""), raw.hasSuffix("\"") {
            var value = "", escaping = false
            for c in raw.dropFirst().dropLast() {
                if escaping {
                    value.append(c == "n" ? "\n" : c)
                    escaping = false
                } else if c == "\\" {
                    escaping = true
                } else {
                    value.append(c)
                }
            }
            raw = value
        }
        guard !name.isEmpty else { return nil }
        switch kind {
        case .regex, .notRegex: return regexMatcher(name, kind, raw, anchoring: true)
        default: return Matcher(name: name, kind: kind, value: raw)
        }
    }

    /// A regex matcher whose key shows `value`; it matches with `value` anchored.
    private static func regexMatcher(_ name: String, _ kind: Matcher.Kind, _ value: String,
                                     anchoring: Bool = false) -> Matcher {
        let pattern = anchoring ? "^(?:\(value))$" : value
        let regex = (try? NSRegularExpression(pattern: pattern)).map(NSRegularExpressionBox.init)
        return Matcher(name: name, kind: kind, value: value, regex: regex)
    }

    private static func value(_ map: Node.Mapping, _ key: String) -> Node? {
        map.first { $0.key.scalar?.string == key }?.value
    }
}
