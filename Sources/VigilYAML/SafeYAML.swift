import Yams
// libyaml, as built inside Yams. Yams does not export it as a product; SwiftPM makes the
// module of a dependency's C target visible to its dependents, and this is the only file that
// relies on that (DECISIONS.md, 2026-11-26, "Aliases in YAML keys").
import CYaml

/// `Yams.compose` behind a guard against YAML that is cheap to write and ruinous to compose.
///
/// Fuzz finding F7: when an alias is used as a mapping key (`? *a9`), Yams' duplicate-key
/// check hashes the key, which walks the aliased tree in full: a 580-byte "billion laughs"
/// file kept the config and theme parsers busy for the better part of an hour. Aliases
/// elsewhere are cheap (the aliased node is shared, not copied), so only aliases inside a key
/// are refused, before anything is composed, from libyaml's event stream.
public enum SafeYAML {
    /// Why a YAML text was refused, and where (1-based line and column).
    public struct Refusal: Error, Equatable, Sendable {
        public let line: Int
        public let column: Int
        public let message: String
    }

    /// The text's single document, composed by Yams, once the guard has passed it.
    public static func compose(yaml: String) throws -> Node? {
        if let refusal = refusal(yaml) { throw refusal }
        return try Yams.compose(yaml: yaml)
    }

    /// Why `yaml` must not be composed, or nil when it may. Syntax errors are not reported here:
    /// the scan stops at the first one and leaves the message to Yams.
    public static func refusal(_ yaml: String) -> Refusal? {
        // Without an alias there is nothing to refuse, and no need for a second parse.
        guard yaml.utf8.contains(UInt8(ascii: "*")) else { return nil }
        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) == 1 else { return nil }
        defer { yaml_parser_delete(&parser) }
        let bytes = Array(yaml.utf8)
        return bytes.withUnsafeBufferPointer { buffer -> Refusal? in
            yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING)
            yaml_parser_set_input_string(&parser, buffer.baseAddress, buffer.count)
            return scan(&parser)
        }
    }

    /// An open sequence or mapping.
    private struct Frame {
        var isMapping: Bool
        /// In a mapping: whether the next node is a key.
        var nextIsKey = true
        /// Whether this container is (inside) a key.
        var inKey: Bool
    }

    private static func scan(_ parser: inout yaml_parser_t) -> Refusal? {
        var stack: [Frame] = []
        /// Whether a node starting now is (inside) a key.
        func startsInKey() -> Bool {
            guard let top = stack.last else { return false }
            return top.inKey || (top.isMapping && top.nextIsKey)
        }
        /// A node just ended: in a mapping, a key is followed by its value and the other way round.
        func ended() {
            guard !stack.isEmpty, stack[stack.count - 1].isMapping else { return }
            stack[stack.count - 1].nextIsKey.toggle()
        }
        while true {
            var event = yaml_event_t()
            guard yaml_parser_parse(&parser, &event) == 1 else { return nil }
            defer { yaml_event_delete(&event) }
            switch event.type {
            case YAML_STREAM_END_EVENT:
                return nil
            case YAML_ALIAS_EVENT:
                if startsInKey() {
                    let anchor = event.data.alias.anchor.map { String(cString: $0) } ?? ""
                    return Refusal(
                        line: Int(event.start_mark.line) + 1, column: Int(event.start_mark.column) + 1,
                        message: "the alias *\(anchor.prefix(64)) is used in a mapping key; aliases are accepted as "
                            + "values but not in keys (a key made of aliases can expand to millions of nodes): "
                            + "write the key out")
                }
                ended()
            case YAML_SCALAR_EVENT:
                ended()
            case YAML_SEQUENCE_START_EVENT:
                stack.append(Frame(isMapping: false, inKey: startsInKey()))
            case YAML_MAPPING_START_EVENT:
                stack.append(Frame(isMapping: true, inKey: startsInKey()))
            case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
                _ = stack.popLast()
                ended()
            default:
                break
            }
        }
    }
}
