import Foundation
import VigilCore
import Yams

/// The kinds of source Vigil knows, in the order `check-config` and the help list them. The
/// config parser, `check-config`, the runtime and the help text read this; nothing else names
/// the kinds. Adding a source is a folder under `Sources/VigilSources/<Name>/` with its
/// `SourceKind`, and one line in `standard`.
public struct SourceRegistry: Sendable {
    /// The kinds, in order.
    public let kinds: [RegisteredKind]

    /// Creates a registry of `kinds`.
    public init(_ kinds: [RegisteredKind]) { self.kinds = kinds }

    /// Every kind Vigil ships.
    public static let standard = SourceRegistry([
        RegisteredKind(PrometheusKind.self),
        RegisteredKind(AlertmanagerKind.self),
        RegisteredKind(PagerDutyKind.self),
        RegisteredKind(GitHubKind.self),
        RegisteredKind(JenkinsKind.self),
        RegisteredKind(CloudWatchKind.self),
        RegisteredKind(CodeDeployKind.self),
        RegisteredKind(CodePipelineKind.self),
        RegisteredKind(DemoKind.self),
    ])

    /// This registry and one kind more (tests register kinds only they know).
    public func adding<K: SourceKind>(_ kind: K.Type) -> SourceRegistry { SourceRegistry(kinds + [RegisteredKind(kind)]) }

    /// The `type:` names.
    public var types: [String] { kinds.map(\.type) }

    /// The kind named `type`.
    public func kind(_ type: String) -> RegisteredKind? { kinds.first { $0.type == type } }

    /// For `vigil --help` and `check-config`: one line per kind.
    public var help: String {
        kinds.map { "- \($0.type): \($0.summary); keys: \(( ["name", "type"] + $0.keys).joined(separator: ", "))" }
            .joined(separator: "\n")
    }

    /// Reads one `sources:` entry. Returns the source when the entry is right, and every problem
    /// found in it otherwise: a bad or repeated name, an unknown type (the keys are then checked
    /// against the nearest kind, so a misspelt type does not hide the entry's other problems),
    /// unknown keys and each key's own problem. `seen` holds the names used so far.
    public func read(_ node: Node, path: String, index: Int, reader: ConfigReader,
                     seen: inout [String: (index: Int, line: Int?)]) -> (SourceConfig?, [ConfigError]) {
        var problems: [ConfigError] = []
        let map: Node.Mapping
        do throws(ConfigError) {
            map = try reader.mapping(node, path, expected: "a source: a mapping with name: and type:, e.g. "
                + "`- {name: prom, type: prometheus, url: http://127.0.0.1:9090}`")
        } catch {
            return (nil, [error])
        }

        var name = ""
        if let nameNode = reader.value(map, "name") {
            do throws(ConfigError) {
                name = try reader.text(nameNode, "\(path).name", expected: "a name such as prom")
                let allowed = name.allSatisfy { $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "_" || $0 == "-") }
                if name.isEmpty || name.count > 64 || !allowed {
                    problems.append(reader.error(nameNode, "\(path).name", .badSourceName(reader.shown(name))))
                } else if let first = seen[name] {
                    problems.append(reader.error(nameNode, "\(path).name",
                                                 .duplicateSourceName(name, firstIndex: first.index, firstLine: first.line)))
                } else {
                    seen[name] = (index, nameNode.mark?.line)
                }
            } catch {
                problems.append(error)
            }
        } else {
            problems.append(reader.error(node, path, .missingKey("name", example: "name: prom (lowercase letters, digits, _ and -)")))
        }

        var kind: RegisteredKind?
        if let typeNode = reader.value(map, "type") {
            do throws(ConfigError) {
                let typeName = try reader.text(typeNode, "\(path).type", expected: types.joined(separator: ", "))
                kind = self.kind(typeName)
                if kind == nil {
                    problems.append(reader.error(typeNode, "\(path).type",
                                                 .unknownSourceType(reader.shown(typeName), valid: types)))
                    // Read the rest as the kind it most likely means, so its other problems show too.
                    kind = Spelling.nearest(to: typeName, in: types).flatMap(self.kind)
                }
            } catch {
                problems.append(error)
            }
        } else {
            let example = "type: \(types.first ?? "demo") (or \(types.dropFirst().joined(separator: ", ")))"
            problems.append(reader.error(node, path, .missingKey("type", example: example)))
        }
        guard let kind else { return (nil, problems) }

        let valid = ["name", "type"] + kind.keys
        for (k, _) in map {
            do throws(ConfigError) { try reader.checkKey(k, path: "\(path).\(k.string ?? "")", valid: valid) } catch {
                problems.append(error)
            }
        }
        let entry = SourceEntry(id: name, node: node, map: map, path: path, reader: reader)
        let source = kind.read(entry)
        problems += entry.problems
        return problems.isEmpty ? (source, []) : (nil, problems)
    }
}

/// A source kind as the registry holds it: its declarations, and its reader and builder with the
/// settings type erased.
public struct RegisteredKind: Sendable {
    /// The `type:` name.
    public let type: String
    /// What it reads and can do, in one line.
    public let summary: String
    /// Its config keys besides `name` and `type`.
    public let keys: [String]
    /// The data it provides.
    public let provides: Set<DataKind>
    /// Whether it keeps its own history.
    public let keepsHistory: Bool
    /// What can be done with its incidents.
    public let actions: Set<ActionKind>
    let read: @Sendable (SourceEntry) -> SourceConfig?

    /// Registers `kind`.
    public init<K: SourceKind>(_ kind: K.Type) {
        type = K.type; summary = K.summary; keys = K.keys; provides = K.provides; keepsHistory = K.keepsHistory
        actions = K.actions
        read = { entry in K.settings(from: entry).map { SourceConfig(K.self, $0) } }
    }
}
