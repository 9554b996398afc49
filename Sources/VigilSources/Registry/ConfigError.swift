import Foundation
import VigilCore
import VigilYAML

/// Why a config file cannot be used: the file, line and dotted key, what is wrong, and how to fix it.
///
/// Its text never holds a secret: inline secrets are refused without echoing them, secret files
/// are named but never printed, and a `*_env` / `*_file` value that looks like a pasted token
/// rather than a variable name or a path is not shown either.
public typealias ConfigError = LocatedError<ConfigProblem>

/// What can be wrong in a config file.
public enum ConfigProblem: YAMLProblem {
    /// The YAML does not parse (the message is libyaml's, which never quotes the text).
    case syntax(String)
    /// The config file does not exist.
    case fileNotFound
    /// The config file exists but cannot be read as UTF-8 text.
    case unreadable(reason: String)
    /// The file holds nothing (or only comments).
    case empty
    /// A key that is not allowed where it is; `valid` lists the keys that are.
    case unknownKey(String, valid: [String])
    /// A required key is missing; `example` shows a line to add.
    case missingKey(String, example: String)
    /// A value of the wrong kind: a list where a mapping belongs, a mapping where text belongs…
    case wrongShape(expected: String)
    /// A value that is not a duration.
    case badDuration(String)
    /// A duration below the minimum for its key; `reason` says why there is one.
    case durationTooShort(String, minimum: String, reason: String)
    /// A value outside a fixed set, such as `window: 2d`.
    case notOneOf(String, valid: [String])
    /// `type:` names no known kind of source; `valid` lists the registered kinds.
    case unknownSourceType(String, valid: [String])
    /// A source name with characters other than `a-z 0-9 _ -`.
    case badSourceName(String)
    /// A source name used twice; the first use is `sources[firstIndex]` at `firstLine`.
    case duplicateSourceName(String, firstIndex: Int, firstLine: Int?)
    /// A URL Vigil cannot use. `url` is nil when it is not shown (it held credentials).
    case badURL(String?, reason: String)
    /// Two keys that exclude each other.
    case conflictingKeys(String, String)
    /// `sources:` lists nothing.
    case noSources
    /// A secret written into the config (`bearer_token:`, `password:`…); `instead` names the
    /// keys to use. The value is never kept.
    case inlineSecret(key: String, instead: String)
    /// A `*_env` key names a variable that is not set. `variable` is nil when the value is not
    /// shown because it does not look like a variable name (perhaps it is the token itself).
    case secretVariableNotSet(variable: String?, fileKey: String)
    /// A `*_env` key names a variable that is set but empty.
    case secretVariableEmpty(variable: String)
    /// A `*_file` key names a file that cannot be read. `path` is nil when not shown.
    case secretFileUnreadable(path: String?, reason: String)
    /// A `*_file` key names an empty file.
    case secretFileEmpty(path: String)
    /// An unknown time zone; `nearest` is the closest known name.
    case badTimeZone(String, nearest: String?)
    /// Anything else: a complete "what is wrong; how to fix it" sentence.
    case invalid(String)

    static let durationHint = "write it like 30s, 5m or 1h30m (units: ms, s, m, h, d)"

    public var isSyntax: Bool { if case .syntax = self { return true } else { return false } }

    /// The problem and its fix, without the location.
    public var message: String {
        switch self {
        case let .syntax(text):
            return "YAML syntax error: \(text); check the indentation and quoting near this line"
        case .fileNotFound:
            return "no such config file; create it (config.example.yaml in the Vigil repository is a commented "
                + "starting point), or give the right path: vigil --config FILE, vigil check-config FILE"
        case let .unreadable(reason):
            return "cannot read the config file (\(reason)); check that it is a readable UTF-8 text file"
        case .empty:
            return "the config is empty; it needs at least a sources: list (see config.example.yaml)"
        case let .unknownKey(name, valid):
            let mean = Spelling.nearest(to: name, in: valid).map { "did you mean '\($0)'? " } ?? ""
            return "unknown key '\(name)'; \(mean)allowed here: \(valid.joined(separator: ", "))"
        case let .missingKey(name, example):
            return "missing required key '\(name)'; add it, e.g. \(example)"
        case let .wrongShape(expected):
            return "expected \(expected)"
        case let .badDuration(text):
            if text.trimmingCharacters(in: .whitespaces).isEmpty {
                return "no duration given; \(Self.durationHint)"
            }
            if text.hasPrefix("-") { return "\"\(text)\" is negative; durations are positive, \(Self.durationHint)" }
            if Double(text) != nil {
                return "\"\(text)\" has no unit; write \(text)s for seconds (units: ms, s, m, h, d)"
            }
            if text.contains(" ") {
                let joined = text.replacingOccurrences(of: " ", with: "")
                if DurationText.parse(joined) != nil {
                    return "\"\(text)\" is not a duration; write it without spaces: \(joined)"
                }
            }
            return "\"\(text)\" is not a duration; \(Self.durationHint)"
        case let .durationTooShort(text, minimum, reason):
            return "\(text) is too short; use at least \(minimum) (\(reason))"
        case let .notOneOf(value, valid):
            let mean = Spelling.nearest(to: value, in: valid).map { "did you mean '\($0)'? " } ?? ""
            return "'\(value)' is not valid here; \(mean)use one of: \(valid.joined(separator: ", "))"
        case let .unknownSourceType(type, valid):
            let mean = Spelling.nearest(to: type, in: valid).map { "did you mean '\($0)'? " } ?? ""
            return "unknown source type '\(type)'; \(mean)valid types: \(valid.joined(separator: ", "))"
        case let .badSourceName(name):
            let suggestion = Self.suggestedName(name)
            let eg = suggestion.isEmpty ? "e.g. prom-main" : "e.g. '\(suggestion)'"
            return "'\(name)' is not a valid source name; use only lowercase letters, digits, _ and - (\(eg))"
        case let .duplicateSourceName(name, firstIndex, firstLine):
            let at = firstLine.map { " (line \($0))" } ?? ""
            return "the name '\(name)' is already used by sources[\(firstIndex)]\(at); give each source its own name"
        case let .badURL(url, reason):
            let shown = url.map { "'\($0)' is not a usable URL" } ?? "the URL is not usable (not shown)"
            return "\(shown): \(reason); write it like http://127.0.0.1:9090"
        case let .conflictingKeys(a, b):
            return "'\(a)' and '\(b)' cannot both be given; keep one of them"
        case .noSources:
            return "no sources are listed; add at least one, e.g. `- {name: demo, type: demo}`"
        case let .inlineSecret(key, instead):
            return "secrets are never written in the config file, so '\(key):' is refused (its value is not shown); "
                + "use \(instead) instead, and remove the secret from this file"
        case let .secretVariableNotSet(variable, fileKey):
            guard let variable else {
                return "the value does not look like the name of an environment variable, so it is not shown "
                    + "(is it the secret itself?); put the secret in a variable and write the variable's name "
                    + "here, e.g. PROM_TOKEN, or use \(fileKey): PATH"
            }
            return "the environment variable \(variable) is not set; export it before starting vigil "
                + "(export \(variable)=…), or read the secret from a file with \(fileKey): PATH"
        case let .secretVariableEmpty(variable):
            return "the environment variable \(variable) is set but empty; give it the secret's value"
        case let .secretFileUnreadable(path, reason):
            guard let path else {
                return "the value does not look like a file path, so it is not shown (is it the secret itself?); "
                    + "write the secret into a file readable only by you and give that file's path here"
            }
            return "cannot read the secret file \(path) (\(reason)); check the path and that vigil may read it"
        case let .secretFileEmpty(path):
            return "the secret file \(path) is empty; write the secret into it"
        case let .badTimeZone(zone, nearest):
            let mean = nearest.map { "did you mean '\($0)'? " } ?? ""
            return "unknown time zone '\(zone)'; \(mean)use an IANA name such as Europe/Berlin, America/New_York, "
                + "UTC, or local for this machine's zone"
        case let .invalid(text):
            return text
        }
    }

    /// `Prom Main` → `prom-main`: a valid source name close to an invalid one.
    static func suggestedName(_ name: String) -> String {
        var out = ""
        for c in name.lowercased() {
            if c.isASCII, c.isLetter || c.isNumber || c == "_" || c == "-" {
                out.append(c)
            } else if c == " " || c == "." {
                out.append("-")
            }
        }
        return out
    }
}
