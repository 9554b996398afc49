import Foundation
import Yams

/// What can be wrong in a YAML file Vigil reads (the config, a theme): each file's own problems,
/// plus the few every YAML file can have, which `YAMLReader` reports.
public protocol YAMLProblem: Sendable, Equatable {
    /// The YAML itself does not parse (libyaml's message, which never quotes the text).
    static func syntax(_ message: String) -> Self
    /// A value of the wrong kind: a list where a mapping belongs, a mapping where text belongs…
    static func wrongShape(expected: String) -> Self
    /// A key that is not allowed where it is; `valid` lists the keys that are.
    static func unknownKey(_ name: String, valid: [String]) -> Self
    /// The file cannot be read as text.
    static func unreadable(reason: String) -> Self
    /// Anything else: a complete "what is wrong; how to fix it" sentence.
    static func invalid(_ sentence: String) -> Self
    /// Whether this is a syntax error (its location shows the column too).
    var isSyntax: Bool { get }
    /// What is wrong and how to fix it, without the location.
    var message: String { get }
}

/// A problem in a YAML file, where it is: the file, line and dotted key, what is wrong and how to
/// fix it. `ConfigError` and `ThemeError` are this type with their own problems.
public struct LocatedError<Problem: YAMLProblem>: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file, as given.
    public var file: String
    /// 1-based line of the offending key or value, when known.
    public var line: Int?
    /// 1-based column, when known (shown for syntax errors).
    public var column: Int?
    /// Dotted path of the offending key, such as `sources[1].poll_interval` (list indexes count
    /// from 0, as in jq and yq).
    public var key: String?
    /// What went wrong.
    public var problem: Problem

    /// Creates an error.
    public init(file: String, line: Int? = nil, column: Int? = nil, key: String? = nil, problem: Problem) {
        self.file = file; self.line = line; self.column = column; self.key = key; self.problem = problem
    }

    /// One line: `file:line: key: what is wrong; how to fix it` (`file:line:column:` for syntax).
    public var description: String {
        var location = file
        if let line {
            location += ":\(line)"
            if let column, problem.isSyntax { location += ":\(column)" }
        }
        return "\(location): " + (key.map { "\($0): " } ?? "") + message
    }

    /// The problem and its fix, without the location.
    public var message: String { problem.message }
}

/// Reads the node tree of one YAML file, reporting problems as `LocatedError`s at the node's
/// line and column: the helpers the config parser, the source kinds and the theme loader share.
public struct YAMLReader<Problem: YAMLProblem>: Sendable {
    /// The file, as named in errors.
    public let file: String

    /// Creates a reader for `file`.
    public init(file: String) { self.file = file }

    /// An error at `node`, under the dotted `key`.
    public func error(_ node: Node?, _ key: String?, _ problem: Problem) -> LocatedError<Problem> {
        LocatedError(file: file, line: node?.mark?.line, column: node?.mark?.column, key: key, problem: problem)
    }

    /// The text's single document (nil when it holds nothing), through `SafeYAML`'s guard.
    public func compose(_ yaml: String) throws(LocatedError<Problem>) -> Node? {
        do {
            return try SafeYAML.compose(yaml: yaml)
        } catch let e as YamlError {
            throw syntaxError(e)
        } catch let refusal as SafeYAML.Refusal {
            throw LocatedError(file: file, line: refusal.line, column: refusal.column, problem: .syntax(refusal.message))
        } catch {
            throw LocatedError(file: file, problem: .syntax("the YAML cannot be parsed"))
        }
    }

    /// A Yams error in words that never quote the YAML text (a secret may be on that line).
    public func syntaxError(_ e: YamlError) -> LocatedError<Problem> {
        switch e {
        case let .scanner(context, problem, mark, _), let .parser(context, problem, mark, _),
             let .composer(context, problem, mark, _):
            let ctx = context.map { " (\($0.text), line \($0.mark.line))" } ?? ""
            return LocatedError(file: file, line: mark.line, column: mark.column, problem: .syntax(problem + ctx))
        case let .duplicatedKeysInMapping(duplicates, context):
            let keys = duplicates.sorted().map { "'\($0)'" }.joined(separator: ", ")
            return LocatedError(file: file, line: context.mark.line, column: context.mark.column,
                                problem: .invalid("the key \(keys) appears more than once in this mapping (first here); "
                                    + "keep only one of them"))
        case let .reader(problem, _, _, _):
            return LocatedError(file: file, problem: .unreadable(reason: problem))
        default:
            return LocatedError(file: file, problem: .syntax("the YAML cannot be parsed"))
        }
    }

    /// Whether the node is YAML's null (an empty value, `~`, `null`).
    public func isNull(_ node: Node) -> Bool {
        guard let s = node.scalar else { return false }
        return s.style == .plain && ["", "~", "null", "Null", "NULL"].contains(s.string)
    }

    /// Whether the node is a plain `false`, `no` or `off`.
    public func isOff(_ node: Node) -> Bool {
        guard let s = node.scalar, s.style == .plain else { return false }
        return ["false", "no", "off"].contains(s.string.lowercased())
    }

    /// The value under `key`, unless it is missing or null.
    public func value(_ map: Node.Mapping, _ key: String) -> Node? {
        guard let v = map.first(where: { $0.key.string == key })?.value, !isNull(v) else { return nil }
        return v
    }

    /// The node as a mapping.
    public func mapping(_ node: Node, _ path: String?, expected: String) throws(LocatedError<Problem>) -> Node.Mapping {
        guard let map = node.mapping else { throw error(node, path, .wrongShape(expected: expected)) }
        return map
    }

    /// A list; a single value counts as a list of one, null as an empty list.
    public func list(_ node: Node, _ path: String, expected: String) throws(LocatedError<Problem>) -> [Node] {
        if let seq = node.sequence { return Array(seq) }
        if node.scalar != nil { return isNull(node) ? [] : [node] }
        throw error(node, path, .wrongShape(expected: expected))
    }

    /// A scalar's text, trimmed of spaces.
    public func text(_ node: Node, _ path: String, expected: String) throws(LocatedError<Problem>) -> String {
        guard let s = node.scalar?.string else { throw error(node, path, .wrongShape(expected: expected)) }
        return s.trimmingCharacters(in: .whitespaces)
    }
}
