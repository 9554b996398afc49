import Foundation
import VigilCore
import VigilSources
import Yams

/// Walks the YAML node tree of one config file, collecting every problem it finds: each
/// top-level key, and each source entry (where the source's kind, from the registry, reads and
/// checks its own keys and reports each wrong one), so a single run of `check-config` shows them all.
struct ConfigParser {
    let r: ConfigReader
    let registry: SourceRegistry
    var file: String { r.file }
    /// Problems found so far, in file order.
    private(set) var errors: [ConfigError] = []

    init(file: String, environment: [String: String], registry: SourceRegistry,
         readFile: @escaping (String) throws -> String) {
        self.r = ConfigReader(file: file, environment: environment, readFile: readFile)
        self.registry = registry
    }

    static let topKeys = ["user", "window", "theme", "read_only", "wall", "notify", "mouse", "log_level", "log_file",
                          "working_hours", "outage_severities",
                          "change_failure_window", "sources"]
    static let workingHoursKeys = ["start", "end", "time_zone"]
    static let wallKeys = ["start", "rotate", "bell", "repaint"]
    static let notifyKeys = ["desktop", "bell", "protocol", "min_interval", "on_wall", "title"]

    // MARK: Top level

    mutating func parse(_ yaml: String) -> VigilConfig? {
        let parsed: Node?
        do throws(ConfigError) {
            parsed = try r.yaml.compose(yaml)
        } catch {
            errors.append(error); return nil
        }
        guard let root = parsed, !r.isNull(root) else {
            errors.append(ConfigError(file: file, line: 1, problem: .empty)); return nil
        }
        guard let top = root.mapping else {
            errors.append(r.error(root, nil, .wrongShape(expected: "a mapping at the top level, with sources: and optional "
                + "user:, window:, theme:… (see config.example.yaml)")))
            return nil
        }

        var user = r.nonEmpty(r.environment["VIGIL_USER"]) ?? r.nonEmpty(r.environment["USER"]) ?? "oncall"
        var window = TimeWindow.week
        var theme = "default"
        var readOnly = false
        var metrics = MetricsConfig()
        metrics.timeZone = .current
        var sources: [SourceConfig] = []
        var sawSources = false
        var wall = WallSettings()
        var startOnWall = false
        var notify = NotifySettings()
        var mouse = false
        var logLevel: String?
        var logFile: String?

        for (k, v) in top {
            let key = k.string ?? ""
            do throws(ConfigError) {
                try r.checkKey(k, path: key, valid: Self.topKeys)
                if key == "sources" { sawSources = true; sources = parseSources(v); continue }
                if r.isNull(v) { continue }
                switch key {
                case "user":
                    user = try nonEmptyText(v, key, expected: "a name, e.g. user: alice",
                                            empty: "the name is empty; write the name to record on acknowledgements, "
                                                + "e.g. user: alice, or leave the key out to use $USER")
                case "window":
                    let w = try r.text(v, key, expected: "24h, 7d or 30d")
                    guard let tw = TimeWindow(rawValue: w) else {
                        throw r.error(v, key, .notOneOf(r.shown(w), valid: TimeWindow.allCases.map(\.rawValue)))
                    }
                    window = tw
                case "theme":
                    let t = try nonEmptyText(v, key, expected: "a theme name such as default, or the path of a theme file",
                                             empty: "no theme given; write a theme name such as default, or the path of a theme file")
                    theme = r.isPathLike(t) ? r.resolve(t) : t
                case "read_only": readOnly = try r.bool(v, key)
                case "mouse": mouse = try r.bool(v, key)
                case "log_level":
                    let level = try r.text(v, key, expected: "one of \(VigilConfig.logLevels.joined(separator: ", "))").lowercased()
                    guard VigilConfig.logLevels.contains(level) else {
                        throw r.error(v, key, .notOneOf(r.shown(level), valid: VigilConfig.logLevels))
                    }
                    logLevel = level
                case "log_file":
                    logFile = r.resolve(try nonEmptyText(v, key, expected: "the path of the log file, e.g. log_file: ~/vigil.log",
                                                         empty: "no path given; write a file path, or leave the key out for "
                                                             + "$XDG_STATE_HOME/vigil/vigil.log"))
                case "wall": try wallSettings(v, key, into: &wall, start: &startOnWall)
                case "notify": try notifySettings(v, key, into: &notify)
                case "working_hours": try workingHours(v, key, into: &metrics)
                case "outage_severities": metrics.outageSeverities = try severities(v, key)
                case "change_failure_window":
                    let d = try r.duration(v, key, minimum: .seconds(1), reason: "a deploy needs some time to fail")
                    metrics.failureLinkWindow = d.seconds
                default: break
                }
            } catch {
                errors.append(error)
            }
        }
        if !sawSources {
            errors.append(r.error(root, nil, .missingKey("sources", example: "sources: [{name: demo, type: demo}] "
                + "(config.example.yaml shows Prometheus and Alertmanager sources)")))
        }
        errors.sort { ($0.line ?? 0) < ($1.line ?? 0) }
        var config = VigilConfig(path: file, user: user, window: window, theme: theme, readOnly: readOnly, metrics: metrics,
                                 sources: sources)
        config.wall = wall
        config.startOnWall = startOnWall
        config.notify = notify
        config.mouse = mouse
        config.logLevel = logLevel
        config.logFile = logFile
        return config
    }

    /// A text value that must not be empty; `empty` is the message (with the fix) when it is.
    func nonEmptyText(_ v: Node, _ key: String, expected: String, empty: String) throws(ConfigError) -> String {
        let text = try r.text(v, key, expected: expected)
        if text.isEmpty { throw r.error(v, key, .invalid(empty)) }
        return text
    }

    func wallSettings(_ node: Node, _ path: String, into wall: inout WallSettings, start: inout Bool) throws(ConfigError) {
        let map = try r.mapping(node, path, expected: "a mapping such as {rotate: 30s, bell: true, repaint: 5m}")
        for (k, v) in map {
            let key = k.string ?? ""
            let p = "\(path).\(key)"
            try r.checkKey(k, path: p, valid: Self.wallKeys)
            if r.isNull(v) { continue }
            switch key {
            case "start": start = try r.bool(v, p)
            case "bell": wall.bell = try r.bool(v, p)
            case "rotate":
                let d = try r.duration(v, p, minimum: .seconds(Int64(WallSettings.shortestRotation)),
                                     reason: "a page must stay long enough to be read from across a room")
                wall.rotateEvery = d.seconds
            default:
                let d = try r.duration(v, p, minimum: .seconds(10), reason: "a full repaint sends the whole screen")
                wall.repaintEvery = d.seconds
            }
        }
    }

    func notifySettings(_ node: Node, _ path: String, into notify: inout NotifySettings) throws(ConfigError) {
        let map = try r.mapping(node, path, expected: "a mapping such as {desktop: true, bell: false, min_interval: 30s}")
        for (k, v) in map {
            let key = k.string ?? ""
            let p = "\(path).\(key)"
            try r.checkKey(k, path: p, valid: Self.notifyKeys)
            if r.isNull(v) { continue }
            switch key {
            case "desktop": notify.desktop = try r.bool(v, p)
            case "bell": notify.bell = try r.bool(v, p)
            case "on_wall": notify.onWall = try r.bool(v, p)
            case "title": notify.title = try r.bool(v, p)
            case "protocol":
                let text = try r.text(v, p, expected: "auto, osc9, osc777 or both")
                guard let choice = NotifyProtocol(rawValue: text.lowercased()) else {
                    throw r.error(v, p, .notOneOf(r.shown(text), valid: NotifyProtocol.allCases.map(\.rawValue)))
                }
                notify.protocolChoice = choice
            default:
                let d = try r.duration(v, p, minimum: .seconds(Int64(NotifySettings.shortestInterval)),
                                     reason: "a burst of pages must not become a burst of notifications")
                notify.minInterval = d.seconds
            }
        }
    }

    func workingHours(_ node: Node, _ path: String, into metrics: inout MetricsConfig) throws(ConfigError) {
        let map = try r.mapping(node, path, expected: "a mapping such as {start: 9, end: 18, time_zone: Europe/Berlin}")
        var start = metrics.workingHours.lowerBound, end = metrics.workingHours.upperBound
        for (k, v) in map {
            let key = k.string ?? ""
            let p = "\(path).\(key)"
            try r.checkKey(k, path: p, valid: Self.workingHoursKeys)
            if r.isNull(v) { continue }
            switch key {
            case "start": start = try hour(v, p, range: 0...23)
            case "end": end = try hour(v, p, range: 1...24)
            default:
                let zone = try r.text(v, p, expected: "a time zone name such as Europe/Berlin")
                if zone.lowercased() == "local" {
                    metrics.timeZone = .current
                } else if let tz = TimeZone(identifier: zone) {
                    metrics.timeZone = tz
                } else {
                    let nearest = Spelling.nearest(to: zone, in: TimeZone.knownTimeZoneIdentifiers, maxDistance: 3)
                    throw r.error(v, p, .badTimeZone(r.shown(zone), nearest: nearest))
                }
            }
        }
        guard start < end else {
            throw r.error(node, path, .invalid("working hours must start before they end (start \(start), end \(end)); "
                + "write the hours of one day, e.g. start: 9, end: 18 (overnight shifts are not supported)"))
        }
        metrics.workingHours = start..<end
    }

    func hour(_ node: Node, _ path: String, range: ClosedRange<Int>) throws(ConfigError) -> Int {
        let t = try r.text(node, path, expected: "a whole hour from \(range.lowerBound) to \(range.upperBound)")
        guard let h = Int(t), range.contains(h) else {
            throw r.error(node, path, .invalid("'\(r.shown(t))' is not an hour here; write a whole hour from \(range.lowerBound) "
                + "to \(range.upperBound), e.g. 9 or 18"))
        }
        return h
    }

    func severities(_ node: Node, _ path: String) throws(ConfigError) -> Set<Severity> {
        let items = try r.list(node, path, expected: "a list of severities, e.g. [critical, high]")
        guard !items.isEmpty else {
            throw r.error(node, path, .invalid("no severity given, so nothing would count as an outage; list at least "
                + "one, e.g. [critical]"))
        }
        var set = Set<Severity>()
        for (i, item) in items.enumerated() {
            let p = "\(path)[\(i)]"
            let name = try r.text(item, p, expected: "a severity: critical, high, warning or info")
            guard let s = SeverityName.all.first(where: { $0.0 == name.lowercased() })?.1 else {
                throw r.error(item, p, .notOneOf(r.shown(name), valid: SeverityName.all.map(\.0)))
            }
            set.insert(s)
        }
        return set
    }

    // MARK: Sources

    mutating func parseSources(_ node: Node) -> [SourceConfig] {
        guard let items = node.sequence else {
            errors.append(r.error(node, "sources", r.isNull(node) ? .noSources
                : .wrongShape(expected: "a list of sources, each starting with `- name: …`")))
            return []
        }
        guard !items.isEmpty else { errors.append(r.error(node, "sources", .noSources)); return [] }
        var seen: [String: (index: Int, line: Int?)] = [:]
        var sources: [SourceConfig] = []
        for (i, item) in items.enumerated() {
            let (source, problems) = registry.read(item, path: "sources[\(i)]", index: i, reader: r, seen: &seen)
            if let source { sources.append(source) }
            errors += problems
        }
        return sources
    }
}
