import Foundation
import VigilCore
import VigilYAML
import Yams

/// Reads the values of one config file: the typed helpers the config parser and every source
/// kind use, so that a duration, a URL, a label name or a secret is checked (and reported, at its
/// file, line and key) the same way wherever it appears.
///
/// Nothing here ever echoes a secret: values that look like pasted tokens are not quoted, URLs
/// with credentials or queries are not shown, and secrets are read from the environment or a
/// file, never from the config text.
public struct ConfigReader {
    /// A YAML mapping's key/value pairs.
    public typealias Pairs = Node.Mapping

    /// The config file, as named in errors.
    public let file: String
    /// Its directory: relative paths in it resolve against this.
    public let baseDirectory: URL
    /// The environment `*_env` secrets come from.
    public let environment: [String: String]
    /// Reads `*_file` secrets.
    public let readFile: (String) throws -> String
    /// The YAML node helpers.
    public let yaml: YAMLReader<ConfigProblem>

    /// Creates a reader for `file`.
    public init(file: String, environment: [String: String], readFile: @escaping (String) throws -> String) {
        self.file = file
        self.baseDirectory = URL(fileURLWithPath: file).deletingLastPathComponent()
        self.environment = environment
        self.readFile = readFile
        self.yaml = YAMLReader(file: file)
    }

    static let authKeys = ["bearer_token_env", "bearer_token_file", "basic"]
    static let basicKeys = ["username", "password_env", "password_file"]
    /// Keys that would put a secret into the file, and what to write instead.
    static let inlineSecretKeys: [String: String] = [
        "bearer_token": "bearer_token_env: VARIABLE or bearer_token_file: PATH",
        "token": "bearer_token_env: VARIABLE or bearer_token_file: PATH",
        "api_key": "api_key_env: VARIABLE or api_key_file: PATH",
        "password": "password_env: VARIABLE or password_file: PATH (under basic:)",
    ]

    /// Why a file could not be read, in words that never include its content.
    public struct ReadFailure: Error, CustomStringConvertible {
        /// "no such file", "permission denied", …
        public let description: String
        /// Creates one.
        public init(_ description: String) { self.description = description }
    }

    /// An error at `node`, under the dotted `key`.
    public func error(_ node: Node?, _ key: String?, _ problem: ConfigProblem) -> ConfigError {
        yaml.error(node, key, problem)
    }

    // MARK: Auth and secrets

    public func auth(_ node: Node, _ path: String) throws(ConfigError) -> HTTPAuth {
        // Never echo a value in here: anything under auth: might be a secret put in the wrong place.
        let map = try mapping(node, path, expected: "a mapping: bearer_token_env: VARIABLE, bearer_token_file: PATH, "
            + "or basic: {username: NAME, password_env: VARIABLE}")
        for (k, _) in map { try checkKey(k, path: "\(path).\(k.string ?? "")", valid: Self.authKeys) }
        let given = map.filter { !isNull($0.value) }
        if given.count > 1 {
            throw error(given[1].key, "\(path).\(given[1].key.string ?? "")",
                        .conflictingKeys(given[0].key.string ?? "", given[1].key.string ?? ""))
        }
        guard let (k, v) = given.first else {
            throw error(node, path, .invalid("no credentials given; add bearer_token_env:, bearer_token_file: or basic:, "
                + "or remove auth:"))
        }
        let key = k.string ?? ""
        let p = "\(path).\(key)"
        switch key {
        case "bearer_token_env": return .bearer(try secretFromEnvironment(v, p, fileKey: "bearer_token_file"))
        case "bearer_token_file": return .bearer(try secretFromFile(v, p))
        default:
            let basic = try mapping(v, p, expected: "a mapping: {username: NAME, password_env: VARIABLE} "
                + "(or password_file: PATH)")
            for (bk, _) in basic { try checkKey(bk, path: "\(p).\(bk.string ?? "")", valid: Self.basicKeys) }
            guard let userNode = value(basic, "username") else {
                throw error(v, p, .missingKey("username", example: "username: vigil"))
            }
            let user = try text(userNode, "\(p).username", expected: "a user name")
            let env = value(basic, "password_env"), file = value(basic, "password_file")
            if env != nil, let file {
                throw error(file, "\(p).password_file", .conflictingKeys("password_env", "password_file"))
            }
            if let env {
                let secret = try secretFromEnvironment(env, "\(p).password_env", fileKey: "password_file")
                return .basic(username: user, password: secret)
            }
            if let file { return .basic(username: user, password: try secretFromFile(file, "\(p).password_file")) }
            throw error(v, p, .missingKey("password_env", example: "password_env: PROM_PASSWORD (or password_file: PATH)"))
        }
    }

    public func secretFromEnvironment(_ node: Node, _ path: String, fileKey: String) throws(ConfigError) -> Secret {
        guard let name = node.scalar?.string.trimmingCharacters(in: .whitespaces), !name.isEmpty else {
            throw error(node, path, .wrongShape(expected: "the name of an environment variable, e.g. PROM_TOKEN"))
        }
        let shown = Self.looksLikeVariableName(name) ? name : nil
        guard let raw = environment[name] else {
            throw error(node, path, .secretVariableNotSet(variable: shown, fileKey: fileKey))
        }
        let value = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !value.isEmpty else {
            if let shown { throw error(node, path, .secretVariableEmpty(variable: shown)) }
            throw error(node, path, .secretVariableNotSet(variable: nil, fileKey: fileKey))
        }
        return Secret(value: value, origin: "env \(shown ?? "(name not shown)")")
    }

    public func secretFromFile(_ node: Node, _ path: String) throws(ConfigError) -> Secret {
        guard let raw = node.scalar?.string.trimmingCharacters(in: .whitespaces), !raw.isEmpty else {
            throw error(node, path, .wrongShape(expected: "the path of a file holding the secret, e.g. /run/secrets/prom-token"))
        }
        let resolved = resolve(raw)
        let shown = Self.mightBeSecret(raw) ? nil : resolved
        let content: String
        do {
            content = try readFile(resolved)
        } catch {
            throw self.error(node, path, .secretFileUnreadable(path: shown, reason: Self.reason(error)))
        }
        let value = content.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !value.isEmpty else {
            if let shown { throw error(node, path, .secretFileEmpty(path: shown)) }
            throw error(node, path, .secretFileUnreadable(path: nil, reason: "empty"))
        }
        return Secret(value: value, origin: "file \(shown ?? "(path not shown)")")
    }

    /// Words for a failed read that cannot carry the file's content.
    public static func reason(_ error: any Error) -> String {
        if let failure = error as? ReadFailure { return failure.description }
        if let cocoa = error as? CocoaError {
            switch cocoa.code {
            case .fileReadNoSuchFile, .fileNoSuchFile: return "no such file"
            case .fileReadNoPermission: return "permission denied"
            case .fileReadInapplicableStringEncoding: return "it is not UTF-8 text"
            default: break
            }
        }
        return "it cannot be read"
    }

    /// A plausible environment variable name that is not a pasted token.
    public static func looksLikeVariableName(_ s: String) -> Bool {
        guard let first = s.unicodeScalars.first, s.count <= 64,
              first == "_" || (first.isASCII && first.properties.isAlphabetic),
              s.unicodeScalars.allSatisfy({ $0 == "_" || ($0.isASCII && $0.properties.isAlphabetic) || ("0"..."9").contains($0) })
        else { return false }
        return !mightBeSecret(s)
    }

    /// True when a value looks like a pasted token rather than a name or a path: a JWT, or a run of
    /// 20 or more letters, digits and `-_+=.` mixing letters and digits.
    public static func mightBeSecret(_ s: String) -> Bool {
        if s.hasPrefix("eyJ") { return true }
        for segment in s.split(whereSeparator: { $0 == "/" || $0.isWhitespace }) where segment.count >= 20 {
            let digits = segment.filter(\.isNumber).count
            let letters = segment.filter(\.isLetter).count
            if digits >= 2, letters >= 2, segment.allSatisfy({ $0.isLetter || $0.isNumber || "-_+=.".contains($0) }) {
                return true
            }
        }
        return false
    }

    // MARK: Values

    public func checkKey(_ keyNode: Node, path: String, valid: [String]) throws(ConfigError) {
        guard let name = keyNode.scalar?.string else {
            throw error(keyNode, path, .wrongShape(expected: "a plain key (one of: \(valid.joined(separator: ", ")))"))
        }
        if valid.contains(name) { return }
        if Self.mightBeSecret(name) {
            let hidden = "(a key that looks like a secret, not shown)"
            let parent = path.hasSuffix(name) ? String(path.dropLast(name.count)) : ""
            throw error(keyNode, parent + "(not shown)", .unknownKey(hidden, valid: valid))
        }
        if let instead = Self.inlineSecretKeys[name.lowercased()] {
            throw error(keyNode, path, .inlineSecret(key: name, instead: instead))
        }
        throw error(keyNode, path, .unknownKey(name, valid: valid))
    }

    /// The value under `key`, unless it is missing or null.
    public func value(_ map: Pairs, _ key: String) -> Node? { yaml.value(map, key) }

    /// The value under `key` parsed, or nil when it is missing or null.
    public func optional<T>(_ map: Pairs, _ key: String, _ path: String,
                            _ parse: (Node, String) throws(ConfigError) -> T) throws(ConfigError) -> T? {
        guard let v = value(map, key) else { return nil }
        return try parse(v, "\(path).\(key)")
    }

    /// Whether the node is YAML's null.
    public func isNull(_ node: Node) -> Bool { yaml.isNull(node) }

    /// Whether the node is a plain `false`, `no` or `off`.
    public func isOff(_ node: Node) -> Bool { yaml.isOff(node) }

    /// The node as a mapping.
    public func mapping(_ node: Node, _ path: String, expected: String) throws(ConfigError) -> Pairs {
        try yaml.mapping(node, path, expected: expected)
    }

    /// A list; a single value counts as a list of one.
    public func list(_ node: Node, _ path: String, expected: String) throws(ConfigError) -> [Node] {
        try yaml.list(node, path, expected: expected)
    }

    /// A scalar's text, trimmed of spaces.
    public func text(_ node: Node, _ path: String, expected: String) throws(ConfigError) -> String {
        try yaml.text(node, path, expected: expected)
    }

    public func bool(_ node: Node, _ path: String) throws(ConfigError) -> Bool {
        let t = try text(node, path, expected: "true or false")
        switch t.lowercased() {
        case "true", "yes", "on": return true
        case "false", "no", "off": return false
        default: throw error(node, path, .notOneOf(shown(t), valid: ["true", "false"]))
        }
    }

    public func duration(_ node: Node, _ path: String, minimum: Duration, reason: String) throws(ConfigError) -> Duration {
        let t = try text(node, path, expected: "a duration such as 30s, 5m or 1h30m")
        guard let d = DurationText.parse(t) else { throw error(node, path, .badDuration(shown(t))) }
        guard d >= minimum else {
            throw error(node, path, .durationTooShort(shown(t), minimum: DurationText.format(minimum), reason: reason))
        }
        return d
    }

    public func labelName(_ node: Node, _ path: String) throws(ConfigError) -> String {
        let t = try text(node, path, expected: "a label name such as service")
        guard let first = t.unicodeScalars.first, first == "_" || (first.isASCII && first.properties.isAlphabetic),
              t.unicodeScalars.allSatisfy({ $0 == "_" || ($0.isASCII && $0.properties.isAlphabetic) || ("0"..."9").contains($0) })
        else {
            throw error(node, path, .invalid("'\(shown(t))' is not a Prometheus label name; use letters, digits and _ "
                + "(not starting with a digit), e.g. service"))
        }
        return t
    }

    public func url(_ node: Node, _ path: String) throws(ConfigError) -> URL {
        let raw = try text(node, path, expected: "a URL such as http://127.0.0.1:9090")
        if !raw.contains("://") {
            throw error(node, path, .badURL(shownURL(raw), reason: "it needs an http:// or https:// scheme"))
        }
        if raw.contains("@") {
            throw error(node, path, .badURL(nil, reason: "it holds a user name or password; credentials never go in "
                + "the config text, so remove them from the URL and use auth: with bearer_token_env/_file or basic"))
        }
        // A query or something token-like may hold a secret: never echo such a URL.
        let shown = shownURL(raw)
        guard let parts = URLComponents(string: raw) else {
            throw error(node, path, .badURL(shown, reason: "it does not parse as a URL"))
        }
        guard let scheme = parts.scheme?.lowercased(), scheme == "http" || scheme == "https" else {
            throw error(node, path, .badURL(shown, reason: "it needs an http:// or https:// scheme"))
        }
        guard let host = parts.host, !host.isEmpty else {
            throw error(node, path, .badURL(shown, reason: "it has no host"))
        }
        if parts.query != nil || parts.fragment != nil {
            throw error(node, path, .badURL(shown, reason: "it has a query or fragment (…?… or …#…), which Vigil cannot "
                + "keep; give only the scheme, host, port and path prefix"))
        }
        guard let url = parts.url else { throw error(node, path, .badURL(shown, reason: "it does not parse as a URL")) }
        return url
    }

    // MARK: Paths

    public func isPathLike(_ s: String) -> Bool { s.contains("/") || s.hasSuffix(".yaml") || s.hasSuffix(".yml") }

    /// `~/x` → `$HOME/x`; a relative path → against the config file's directory.
    public func resolve(_ raw: String) -> String {
        var path = raw
        if path == "~" || path.hasPrefix("~/"), let home = nonEmpty(environment["HOME"]) {
            path = home + path.dropFirst(1)
        }
        if path.hasPrefix("/") { return URL(fileURLWithPath: path).standardizedFileURL.path }
        return baseDirectory.appendingPathComponent(path).standardizedFileURL.path
    }

    /// A value to quote in an error, unless it looks like a pasted secret.
    public func shown(_ value: String) -> String { Self.mightBeSecret(value) ? "(value not shown: it looks like a secret)" : value }

    /// A URL to quote in an error, unless it might hold a secret (credentials, a query, a token).
    public func shownURL(_ value: String) -> String? {
        Self.mightBeSecret(value) || value.contains("@") || value.contains("?") ? nil : value
    }

    public func nonEmpty(_ s: String?) -> String? { s.flatMap { $0.isEmpty ? nil : $0 } }
}
