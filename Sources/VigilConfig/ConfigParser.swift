import Foundation
import VigilCore
import VigilSources
import Yams
import VigilYAML

/// Walks the YAML node tree of one config file, collecting every problem it finds (one per
/// top-level key or source, so a single run of `check-config` shows them all).
struct ConfigParser {
    typealias Pairs = Node.Mapping

    let file: String
    let baseDirectory: URL
    let environment: [String: String]
    let readFile: (String) throws -> String
    /// Problems found so far, in file order.
    private(set) var errors: [ConfigError] = []

    init(file: String, environment: [String: String], readFile: @escaping (String) throws -> String) {
        self.file = file
        self.baseDirectory = URL(fileURLWithPath: file).deletingLastPathComponent()
        self.environment = environment
        self.readFile = readFile
    }

    static let topKeys = ["user", "window", "theme", "read_only", "wall", "working_hours", "outage_severities",
                          "change_failure_window", "sources"]
    static let prometheusKeys = ["name", "type", "url", "poll_interval", "timeout", "service_label", "auth", "queries"]
    static let alertmanagerKeys = ["name", "type", "url", "urls", "poll_interval", "timeout", "severity_label",
                                   "service_label", "paging_severities", "ack_silence", "exclude_matcher_labels", "auth"]
    static let demoKeys = ["name", "type", "data"]
    static let authKeys = ["bearer_token_env", "bearer_token_file", "basic"]
    static let basicKeys = ["username", "password_env", "password_file"]
    static let workingHoursKeys = ["start", "end", "time_zone"]
    static let wallKeys = ["start", "rotate", "bell", "repaint"]
    /// Keys that would put a secret into the file, and what to write instead.
    static let inlineSecretKeys: [String: String] = [
        "bearer_token": "bearer_token_env: VARIABLE or bearer_token_file: PATH",
        "token": "bearer_token_env: VARIABLE or bearer_token_file: PATH",
        "password": "password_env: VARIABLE or password_file: PATH (under basic:)",
    ]

    // MARK: Errors

    func error(_ node: Node?, _ key: String?, _ problem: ConfigError.Problem) -> ConfigError {
        ConfigError(file: file, line: node?.mark?.line, column: node?.mark?.column, key: key, problem: problem)
    }

    func syntaxError(_ e: YamlError) -> ConfigError {
        // Never use the error's own description: it quotes the YAML text.
        switch e {
        case let .scanner(context, problem, mark, _), let .parser(context, problem, mark, _),
             let .composer(context, problem, mark, _):
            let ctx = context.map { " (\($0.text), line \($0.mark.line))" } ?? ""
            return ConfigError(file: file, line: mark.line, column: mark.column, problem: .syntax(problem + ctx))
        case let .duplicatedKeysInMapping(duplicates, context):
            let keys = duplicates.sorted().map { "'\($0)'" }.joined(separator: ", ")
            return ConfigError(file: file, line: context.mark.line, column: context.mark.column,
                               problem: .invalid("the key \(keys) appears more than once in this mapping (first here); "
                                   + "keep only one of them"))
        case let .reader(problem, _, _, _):
            return ConfigError(file: file, problem: .unreadable(reason: problem))
        default:
            return ConfigError(file: file, problem: .syntax("the YAML cannot be parsed"))
        }
    }

    // MARK: Top level

    mutating func parse(_ yaml: String) -> VigilConfig? {
        let parsed: Node?
        do {
            parsed = try SafeYAML.compose(yaml: yaml)
        } catch let e as YamlError {
            errors.append(syntaxError(e)); return nil
        } catch let refusal as SafeYAML.Refusal {
            errors.append(ConfigError(file: file, line: refusal.line, column: refusal.column, problem: .syntax(refusal.message)))
            return nil
        } catch {
            errors.append(ConfigError(file: file, problem: .syntax("the YAML cannot be parsed"))); return nil
        }
        guard let root = parsed, !isNull(root) else {
            errors.append(ConfigError(file: file, line: 1, problem: .empty)); return nil
        }
        guard let top = root.mapping else {
            errors.append(error(root, nil, .wrongShape(expected: "a mapping at the top level, with sources: and optional "
                + "user:, window:, theme:… (see config.example.yaml)")))
            return nil
        }

        var user = nonEmpty(environment["VIGIL_USER"]) ?? nonEmpty(environment["USER"]) ?? "oncall"
        var window = TimeWindow.week
        var theme = "default"
        var readOnly = false
        var metrics = MetricsConfig()
        metrics.timeZone = .current
        var sources: [SourceConfig] = []
        var sawSources = false
        var wall = WallSettings()
        var startOnWall = false

        for (k, v) in top {
            let key = k.string ?? ""
            do throws(ConfigError) {
                try checkKey(k, path: key, valid: Self.topKeys)
                if key == "sources" { sawSources = true; sources = parseSources(v); continue }
                if isNull(v) { continue }
                switch key {
                case "user":
                    user = try text(v, key, expected: "a name, e.g. user: alice")
                    if user.isEmpty {
                        throw error(v, key, .invalid("the name is empty; write the name to record on acknowledgements, "
                            + "e.g. user: alice, or leave the key out to use $USER"))
                    }
                case "window":
                    let w = try text(v, key, expected: "24h, 7d or 30d")
                    guard let tw = TimeWindow(rawValue: w) else {
                        throw error(v, key, .notOneOf(shown(w), valid: TimeWindow.allCases.map(\.rawValue)))
                    }
                    window = tw
                case "theme":
                    let t = try text(v, key, expected: "a theme name such as default, or the path of a theme file")
                    if t.isEmpty {
                        throw error(v, key, .invalid("no theme given; write a theme name such as default, or the path "
                            + "of a theme file"))
                    }
                    theme = isPathLike(t) ? resolve(t) : t
                case "read_only": readOnly = try bool(v, key)
                case "wall": try wallSettings(v, key, into: &wall, start: &startOnWall)
                case "working_hours": try workingHours(v, key, into: &metrics)
                case "outage_severities": metrics.outageSeverities = try severities(v, key)
                case "change_failure_window":
                    let d = try duration(v, key, minimum: .seconds(1), reason: "a deploy needs some time to fail")
                    metrics.failureLinkWindow = d.seconds
                default: break
                }
            } catch {
                errors.append(error)
            }
        }
        if !sawSources {
            errors.append(error(root, nil, .missingKey("sources", example: "sources: [{name: demo, type: demo}] "
                + "(config.example.yaml shows Prometheus and Alertmanager sources)")))
        }
        errors.sort { ($0.line ?? 0) < ($1.line ?? 0) }
        var config = VigilConfig(path: file, user: user, window: window, theme: theme, readOnly: readOnly, metrics: metrics,
                                 sources: sources)
        config.wall = wall
        config.startOnWall = startOnWall
        return config
    }

    func wallSettings(_ node: Node, _ path: String, into wall: inout WallSettings, start: inout Bool) throws(ConfigError) {
        let map = try mapping(node, path, expected: "a mapping such as {rotate: 30s, bell: true, repaint: 5m}")
        for (k, v) in map {
            let key = k.string ?? ""
            let p = "\(path).\(key)"
            try checkKey(k, path: p, valid: Self.wallKeys)
            if isNull(v) { continue }
            switch key {
            case "start": start = try bool(v, p)
            case "bell": wall.bell = try bool(v, p)
            case "rotate":
                let d = try duration(v, p, minimum: .seconds(Int64(WallSettings.shortestRotation)),
                                     reason: "a page must stay long enough to be read from across a room")
                wall.rotateEvery = d.seconds
            default:
                let d = try duration(v, p, minimum: .seconds(10), reason: "a full repaint sends the whole screen")
                wall.repaintEvery = d.seconds
            }
        }
    }

    func workingHours(_ node: Node, _ path: String, into metrics: inout MetricsConfig) throws(ConfigError) {
        let map = try mapping(node, path, expected: "a mapping such as {start: 9, end: 18, time_zone: Europe/Berlin}")
        var start = metrics.workingHours.lowerBound, end = metrics.workingHours.upperBound
        for (k, v) in map {
            let key = k.string ?? ""
            let p = "\(path).\(key)"
            try checkKey(k, path: p, valid: Self.workingHoursKeys)
            if isNull(v) { continue }
            switch key {
            case "start": start = try hour(v, p, range: 0...23)
            case "end": end = try hour(v, p, range: 1...24)
            default:
                let zone = try text(v, p, expected: "a time zone name such as Europe/Berlin")
                if zone.lowercased() == "local" {
                    metrics.timeZone = .current
                } else if let tz = TimeZone(identifier: zone) {
                    metrics.timeZone = tz
                } else {
                    let nearest = Spelling.nearest(to: zone, in: TimeZone.knownTimeZoneIdentifiers, maxDistance: 3)
                    throw error(v, p, .badTimeZone(shown(zone), nearest: nearest))
                }
            }
        }
        guard start < end else {
            throw error(node, path, .invalid("working hours must start before they end (start \(start), end \(end)); "
                + "write the hours of one day, e.g. start: 9, end: 18 (overnight shifts are not supported)"))
        }
        metrics.workingHours = start..<end
    }

    func hour(_ node: Node, _ path: String, range: ClosedRange<Int>) throws(ConfigError) -> Int {
        let t = try text(node, path, expected: "a whole hour from \(range.lowerBound) to \(range.upperBound)")
        guard let h = Int(t), range.contains(h) else {
            throw error(node, path, .invalid("'\(shown(t))' is not an hour here; write a whole hour from \(range.lowerBound) "
                + "to \(range.upperBound), e.g. 9 or 18"))
        }
        return h
    }

    func severities(_ node: Node, _ path: String) throws(ConfigError) -> Set<Severity> {
        let items = try list(node, path, expected: "a list of severities, e.g. [critical, high]")
        guard !items.isEmpty else {
            throw error(node, path, .invalid("no severity given, so nothing would count as an outage; list at least "
                + "one, e.g. [critical]"))
        }
        var set = Set<Severity>()
        for (i, item) in items.enumerated() {
            let p = "\(path)[\(i)]"
            let name = try text(item, p, expected: "a severity: critical, high, warning or info")
            guard let s = SeverityName.all.first(where: { $0.0 == name.lowercased() })?.1 else {
                throw error(item, p, .notOneOf(shown(name), valid: SeverityName.all.map(\.0)))
            }
            set.insert(s)
        }
        return set
    }

    // MARK: Sources

    mutating func parseSources(_ node: Node) -> [SourceConfig] {
        guard let items = node.sequence else {
            errors.append(error(node, "sources", isNull(node) ? .noSources
                : .wrongShape(expected: "a list of sources, each starting with `- name: …`")))
            return []
        }
        guard !items.isEmpty else { errors.append(error(node, "sources", .noSources)); return [] }
        var seen: [String: (index: Int, line: Int?)] = [:]
        var sources: [SourceConfig] = []
        for (i, item) in items.enumerated() {
            let path = "sources[\(i)]"
            do throws(ConfigError) {
                sources.append(try source(item, path, index: i, seen: &seen))
            } catch {
                errors.append(error)
            }
        }
        return sources
    }

    func source(_ node: Node, _ path: String, index: Int,
                seen: inout [String: (index: Int, line: Int?)]) throws(ConfigError) -> SourceConfig {
        let map = try mapping(node, path, expected: "a source: a mapping with name: and type:, e.g. "
            + "`- {name: prom, type: prometheus, url: http://127.0.0.1:9090}`")
        guard let nameNode = value(map, "name") else {
            throw error(node, path, .missingKey("name", example: "name: prom (lowercase letters, digits, _ and -)"))
        }
        let name = try text(nameNode, "\(path).name", expected: "a name such as prom")
        let nameCharacters = name.allSatisfy { $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "_" || $0 == "-") }
        guard !name.isEmpty, name.count <= 64, nameCharacters else {
            throw error(nameNode, "\(path).name", .badSourceName(shown(name)))
        }
        if let first = seen[name] {
            throw error(nameNode, "\(path).name", .duplicateSourceName(name, firstIndex: first.index, firstLine: first.line))
        }
        seen[name] = (index, nameNode.mark?.line)

        guard let typeNode = value(map, "type") else {
            throw error(node, path, .missingKey("type", example: "type: prometheus (or alertmanager, demo)"))
        }
        let typeName = try text(typeNode, "\(path).type", expected: "prometheus, alertmanager or demo")
        guard let kind = SourceKind(rawValue: typeName) else {
            throw error(typeNode, "\(path).type", .unknownSourceType(shown(typeName)))
        }
        let valid: [String]
        switch kind {
        case .prometheus: valid = Self.prometheusKeys
        case .alertmanager: valid = Self.alertmanagerKeys
        case .demo: valid = Self.demoKeys
        }
        for (k, _) in map { try checkKey(k, path: "\(path).\(k.string ?? "")", valid: valid) }

        switch kind {
        case .prometheus: return .prometheus(try prometheus(map, node, path, id: name))
        case .alertmanager: return .alertmanager(try alertmanager(map, node, path, id: name))
        case .demo:
            let data = try optional(map, "data", path) { (n, p) throws(ConfigError) in
                resolve(try text(n, p, expected: "the path of a directory of demo data"))
            }
            return .demo(id: name, data: data)
        }
    }

    func prometheus(_ map: Pairs, _ node: Node, _ path: String, id: String) throws(ConfigError) -> PrometheusSettings {
        guard let urlNode = value(map, "url") else {
            throw error(node, path, .missingKey("url", example: "url: http://127.0.0.1:9090"))
        }
        var s = PrometheusSettings(id: id, url: try url(urlNode, "\(path).url"))
        try common(map, path, interval: &s.pollInterval, timeout: &s.timeout, auth: &s.auth)
        if let label = try optional(map, "service_label", path, labelName) { s.serviceLabel = label }
        if let q = try optional(map, "queries", path, queries) { s.queries = q }
        return s
    }

    func alertmanager(_ map: Pairs, _ node: Node, _ path: String, id: String) throws(ConfigError) -> AlertmanagerSettings {
        let one = value(map, "url"), many = value(map, "urls")
        var urls: [URL] = []
        if one != nil, let many {
            throw error(many, "\(path).urls", .conflictingKeys("url", "urls"))
        } else if let one {
            urls = [try url(one, "\(path).url")]
        } else if let many {
            let items = try list(many, "\(path).urls", expected: "a list of URLs, e.g. [http://am1:9093, http://am2:9093]")
            for (i, item) in items.enumerated() { urls.append(try url(item, "\(path).urls[\(i)]")) }
            guard !urls.isEmpty else {
                throw error(many, "\(path).urls", .invalid("no URL given; list at least one, e.g. [http://127.0.0.1:9093]"))
            }
        } else {
            throw error(node, path, .missingKey("url", example: "url: http://127.0.0.1:9093 (or urls: [...] for an HA group)"))
        }
        var s = AlertmanagerSettings(id: id, urls: urls)
        try common(map, path, interval: &s.pollInterval, timeout: &s.timeout, auth: &s.auth)
        if let l = try optional(map, "severity_label", path, labelName) { s.severityLabel = l }
        if let l = try optional(map, "service_label", path, labelName) { s.serviceLabel = l }
        if let list = try optional(map, "paging_severities", path, { (n, p) throws(ConfigError) in
            try self.list(n, p, expected: "a list of severity label values, e.g. [critical, page]").enumerated().map {
                (i, item) throws(ConfigError) in try self.text(item, "\(p)[\(i)]", expected: "a severity label value")
            }
        }) { s.pagingSeverities = list }
        if let list = try optional(map, "exclude_matcher_labels", path, { (n, p) throws(ConfigError) in
            try self.list(n, p, expected: "a list of label names, e.g. [instance, pod]").enumerated().map {
                (i, item) throws(ConfigError) in try self.labelName(item, "\(p)[\(i)]")
            }
        }) { s.excludedMatcherLabels = list }
        if let silenceNode = value(map, "ack_silence") {
            let p = "\(path).ack_silence"
            let d = try duration(silenceNode, p, minimum: .seconds(60),
                                 reason: "a silence shorter than a minute expires before it helps")
            guard d > s.pollInterval else {
                throw error(silenceNode, p, .invalid("\(ConfigDuration.format(d)) is not longer than poll_interval "
                    + "(\(ConfigDuration.format(s.pollInterval))), so the silence would lapse between two polls; make "
                    + "it longer, e.g. 15m"))
            }
            s.ackSilence = d
        }
        return s
    }

    /// poll_interval, timeout and auth, which every HTTP source has.
    func common(_ map: Pairs, _ path: String, interval: inout Duration, timeout: inout Duration,
                auth: inout HTTPAuth) throws(ConfigError) {
        if let d = try optional(map, "poll_interval", path, { (n, p) throws(ConfigError) in
            try duration(n, p, minimum: .seconds(1), reason: "polling more often only loads the server")
        }) { interval = d }
        if let d = try optional(map, "timeout", path, { (n, p) throws(ConfigError) in
            try duration(n, p, minimum: .milliseconds(100), reason: "no server answers that fast")
        }) { timeout = d }
        if let a = try optional(map, "auth", path, self.auth) { auth = a }
    }

    func queries(_ node: Node, _ path: String) throws(ConfigError) -> [PrometheusQuery] {
        let map = try mapping(node, path, expected: "a mapping of feeds to PromQL, e.g. coverage: 'avg(code_coverage_percent)'")
        var chosen: [PrometheusFeed: String?] = [:]
        for (k, v) in map {
            let key = k.string ?? ""
            let p = "\(path).\(key)"
            try checkKey(k, path: p, valid: PrometheusFeed.allCases.map(\.rawValue))
            guard let feed = PrometheusFeed(rawValue: key) else { continue }
            if isNull(v) || isOff(v) {
                chosen[feed] = .some(nil)
            } else {
                let q = try text(v, p, expected: "a PromQL expression, or false to turn this feed off")
                    .trimmingCharacters(in: .whitespacesAndNewlines)
                if q.isEmpty {
                    chosen[feed] = .some(nil)
                } else if v.scalar?.style == .plain, ["true", "yes", "on"].contains(q.lowercased()) {
                    throw error(v, p, .invalid("'\(shown(q))' is not a query; write the PromQL, or false to turn this feed off "
                        + "(leave the key out to use the default query)"))
                } else {
                    chosen[feed] = .some(q)
                }
            }
        }
        return PrometheusFeed.allCases.compactMap { feed -> PrometheusQuery? in
            if let choice = chosen[feed] { return choice.map { PrometheusQuery(feed: feed, promql: $0) } }
            return PrometheusQuery.defaults.first { $0.feed == feed }
        }
    }

    // MARK: Auth and secrets

    func auth(_ node: Node, _ path: String) throws(ConfigError) -> HTTPAuth {
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

    func secretFromEnvironment(_ node: Node, _ path: String, fileKey: String) throws(ConfigError) -> Secret {
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

    func secretFromFile(_ node: Node, _ path: String) throws(ConfigError) -> Secret {
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
    static func reason(_ error: any Error) -> String {
        if let failure = error as? ConfigLoader.ReadFailure { return failure.description }
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
    static func looksLikeVariableName(_ s: String) -> Bool {
        guard let first = s.unicodeScalars.first, s.count <= 64,
              first == "_" || (first.isASCII && first.properties.isAlphabetic),
              s.unicodeScalars.allSatisfy({ $0 == "_" || ($0.isASCII && $0.properties.isAlphabetic) || ("0"..."9").contains($0) })
        else { return false }
        return !mightBeSecret(s)
    }

    /// True when a value looks like a pasted token rather than a name or a path: a JWT, or a run of
    /// 20 or more letters, digits and `-_+=.` mixing letters and digits.
    static func mightBeSecret(_ s: String) -> Bool {
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

    func checkKey(_ keyNode: Node, path: String, valid: [String]) throws(ConfigError) {
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

    func value(_ map: Pairs, _ key: String) -> Node? {
        guard let v = map.first(where: { $0.key.string == key })?.value, !isNull(v) else { return nil }
        return v
    }

    func optional<T>(_ map: Pairs, _ key: String, _ path: String,
                     _ parse: (Node, String) throws(ConfigError) -> T) throws(ConfigError) -> T? {
        guard let v = value(map, key) else { return nil }
        return try parse(v, "\(path).\(key)")
    }

    func isNull(_ node: Node) -> Bool {
        guard let s = node.scalar else { return false }
        return s.style == .plain && ["", "~", "null", "Null", "NULL"].contains(s.string)
    }

    func isOff(_ node: Node) -> Bool {
        guard let s = node.scalar, s.style == .plain else { return false }
        return ["false", "no", "off"].contains(s.string.lowercased())
    }

    func mapping(_ node: Node, _ path: String, expected: String) throws(ConfigError) -> Pairs {
        guard let map = node.mapping else { throw error(node, path, .wrongShape(expected: expected)) }
        return map
    }

    /// A list; a single value counts as a list of one.
    func list(_ node: Node, _ path: String, expected: String) throws(ConfigError) -> [Node] {
        if let seq = node.sequence { return Array(seq) }
        if node.scalar != nil { return isNull(node) ? [] : [node] }
        throw error(node, path, .wrongShape(expected: expected))
    }

    func text(_ node: Node, _ path: String, expected: String) throws(ConfigError) -> String {
        guard let s = node.scalar?.string else { throw error(node, path, .wrongShape(expected: expected)) }
        return s.trimmingCharacters(in: .whitespaces)
    }

    func bool(_ node: Node, _ path: String) throws(ConfigError) -> Bool {
        let t = try text(node, path, expected: "true or false")
        switch t.lowercased() {
        case "true", "yes", "on": return true
        case "false", "no", "off": return false
        default: throw error(node, path, .notOneOf(shown(t), valid: ["true", "false"]))
        }
    }

    func duration(_ node: Node, _ path: String, minimum: Duration, reason: String) throws(ConfigError) -> Duration {
        let t = try text(node, path, expected: "a duration such as 30s, 5m or 1h30m")
        guard let d = ConfigDuration.parse(t) else { throw error(node, path, .badDuration(shown(t))) }
        guard d >= minimum else {
            throw error(node, path, .durationTooShort(shown(t), minimum: ConfigDuration.format(minimum), reason: reason))
        }
        return d
    }

    func labelName(_ node: Node, _ path: String) throws(ConfigError) -> String {
        let t = try text(node, path, expected: "a label name such as service")
        guard let first = t.unicodeScalars.first, first == "_" || (first.isASCII && first.properties.isAlphabetic),
              t.unicodeScalars.allSatisfy({ $0 == "_" || ($0.isASCII && $0.properties.isAlphabetic) || ("0"..."9").contains($0) })
        else {
            throw error(node, path, .invalid("'\(shown(t))' is not a Prometheus label name; use letters, digits and _ "
                + "(not starting with a digit), e.g. service"))
        }
        return t
    }

    func url(_ node: Node, _ path: String) throws(ConfigError) -> URL {
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

    func isPathLike(_ s: String) -> Bool { s.contains("/") || s.hasSuffix(".yaml") || s.hasSuffix(".yml") }

    /// `~/x` → `$HOME/x`; a relative path → against the config file's directory.
    func resolve(_ raw: String) -> String {
        var path = raw
        if path == "~" || path.hasPrefix("~/"), let home = nonEmpty(environment["HOME"]) {
            path = home + path.dropFirst(1)
        }
        if path.hasPrefix("/") { return URL(fileURLWithPath: path).standardizedFileURL.path }
        return baseDirectory.appendingPathComponent(path).standardizedFileURL.path
    }

    /// A value to quote in an error, unless it looks like a pasted secret.
    func shown(_ value: String) -> String { Self.mightBeSecret(value) ? "(value not shown: it looks like a secret)" : value }

    /// A URL to quote in an error, unless it might hold a secret (credentials, a query, a token).
    func shownURL(_ value: String) -> String? {
        Self.mightBeSecret(value) || value.contains("@") || value.contains("?") ? nil : value
    }

    func nonEmpty(_ s: String?) -> String? { s.flatMap { $0.isEmpty ? nil : $0 } }
}
