import Foundation
import VigilCore
import Yams

/// One entry of the config's `sources:` list while its kind reads it: the name, the YAML, the
/// reader, and every problem found so far. A kind reads each of its keys through this and keeps
/// going after a bad one, so a single run of `check-config` lists every problem of the entry.
///
/// A class, so the parse closures a kind passes can use the entry's reader while the entry
/// records problems.
public final class SourceEntry {
    /// The source's name.
    public let id: SourceID
    /// The entry's node (problems about the entry as a whole point here).
    public let node: Node
    /// The entry's keys and values.
    public let map: Node.Mapping
    /// Its dotted path, `sources[2]`.
    public let path: String
    /// The value readers, shared with the rest of the file.
    public let reader: ConfigReader
    /// Problems found, in the order found.
    public private(set) var problems: [ConfigError] = []

    /// Creates an entry.
    public init(id: SourceID, node: Node, map: Node.Mapping, path: String, reader: ConfigReader) {
        self.id = id; self.node = node; self.map = map; self.path = path; self.reader = reader
    }

    /// Records a problem.
    public func record(_ error: ConfigError) { problems.append(error) }

    /// Runs one check; its error is recorded and nil returned.
    public func check<T>(_ read: () throws(ConfigError) -> T) -> T? {
        do throws(ConfigError) { return try read() } catch { record(error); return nil }
    }

    /// The dotted path of one of its keys.
    public func path(_ key: String) -> String { "\(path).\(key)" }

    /// The value under `key`, unless missing or null.
    public func value(_ key: String) -> Node? { reader.value(map, key) }

    /// The value under `key` parsed; nil when it is missing, null, or wrong (recorded).
    public func optional<T>(_ key: String, _ parse: (Node, String) throws(ConfigError) -> T) -> T? {
        guard let v = value(key) else { return nil }
        return check { () throws(ConfigError) in try parse(v, path(key)) }
    }

    /// The value under `key` parsed; a missing key is recorded, with `example` as the line to add.
    public func required<T>(_ key: String, example: String, _ parse: (Node, String) throws(ConfigError) -> T) -> T? {
        guard value(key) != nil else {
            record(reader.error(node, path, .missingKey(key, example: example)))
            return nil
        }
        return optional(key, parse)
    }

    /// A duration under `key`, at least `minimum` (`reason` says why there is one).
    public func duration(_ key: String, minimum: Duration, reason: String) -> Duration? {
        optional(key) { (n, p) throws(ConfigError) in try reader.duration(n, p, minimum: minimum, reason: reason) }
    }

    /// A Prometheus-style label name under `key`.
    public func labelName(_ key: String) -> String? {
        optional(key) { (n, p) throws(ConfigError) in try reader.labelName(n, p) }
    }

    /// Text under `key`.
    public func text(_ key: String, expected: String) -> String? {
        optional(key) { (n, p) throws(ConfigError) in try reader.text(n, p, expected: expected) }
    }

    /// A list of texts under `key` (one value counts as a list of one).
    public func texts(_ key: String, expected: String, item: String) -> [String]? {
        optional(key) { (n, p) throws(ConfigError) in
            try reader.list(n, p, expected: expected).enumerated().map { (i, node) throws(ConfigError) in
                try reader.text(node, "\(p)[\(i)]", expected: item)
            }
        }
    }

    /// `poll_interval:`, `timeout:` and `auth:`, which every HTTP source has.
    public func http(interval: inout Duration, timeout: inout Duration, auth: inout HTTPAuth) {
        timing(interval: &interval, timeout: &timeout)
        if let a = optional("auth", { (n, p) throws(ConfigError) in try reader.auth(n, p) }) { auth = a }
    }

    /// `poll_interval:` and `timeout:`.
    public func timing(interval: inout Duration, timeout: inout Duration) {
        if let d = duration("poll_interval", minimum: .seconds(1), reason: "polling more often only loads the server") {
            interval = d
        }
        if let d = duration("timeout", minimum: .milliseconds(100), reason: "no server answers that fast") { timeout = d }
    }

    /// The keys every HTTP source has, for a kind's `keys`.
    public static let httpKeys = ["poll_interval", "timeout", "auth"]
}
