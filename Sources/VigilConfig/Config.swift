import Foundation
import VigilCore
import VigilSources

/// The parsed, validated config file: who acknowledges, what the dashboard shows, and the sources
/// that feed it. Built by `ConfigLoader`; secrets are already read (and stay redacted in every
/// description).
public struct VigilConfig: Sendable, Hashable, CustomStringConvertible {
    /// The file it was read from.
    public var path: String
    /// Name recorded on acknowledgements (`user:`, else `$VIGIL_USER`, else `$USER`, else `oncall`).
    public var user: String
    /// The time window the dashboard opens with.
    public var window: TimeWindow
    /// Theme name (`default`, `nord`…) or absolute path of a theme file.
    public var theme: String
    /// Wall-monitor mode: mutating actions are not bound.
    public var readOnly: Bool
    /// Working hours and time zone, outage severities, change-failure window.
    public var metrics: MetricsConfig
    /// The sources, in file order; at least one, names unique.
    public var sources: [SourceConfig]
    /// How `vigil --wall` runs (`wall:`: rotate, bell, repaint); `start: true` there runs the
    /// wall monitor without the flag.
    public var wall = WallSettings()
    /// Start as a wall monitor (`wall: {start: true}`).
    public var startOnWall = false
    /// How to tell an engineer looking elsewhere: desktop notifications, bell, title.
    public var notify = NotifySettings()
    /// Clicks and the wheel (`mouse: true`; off by default, since it takes over text selection).
    public var mouse = false
    /// The diagnostic log's level (`log_level:` error, warning, info, debug or trace); nil for
    /// the default (error). `--log-level` wins.
    public var logLevel: String?
    /// The diagnostic log's file (`log_file:`, resolved against the config's directory); nil
    /// for `$XDG_STATE_HOME/vigil/vigil.log`. `--log-file` wins.
    public var logFile: String?

    /// The levels `log_level:` takes, least to most.
    public static let logLevels = ["error", "warning", "info", "debug", "trace"]

    /// Creates a config.
    public init(path: String, user: String, window: TimeWindow = .week, theme: String = "default", readOnly: Bool = false,
                metrics: MetricsConfig = MetricsConfig(), sources: [SourceConfig]) {
        self.path = path; self.user = user; self.window = window; self.theme = theme; self.readOnly = readOnly
        self.metrics = metrics; self.sources = sources
    }

    /// A readable summary (what `vigil check-config` prints). Secrets appear only as their origin.
    public var description: String {
        let m = metrics
        let severities = m.outageSeverities.sorted().map(SeverityName.name).joined(separator: ", ")
        var lines = [
            "config \(path)",
            "  user \(user), window \(window.rawValue), theme \(theme)\(readOnly ? ", read-only" : "")",
            "  wall: pages every \(ConfigDuration.format(.milliseconds(Int64(wall.rotateEvery * 1_000)))), "
                + "repaint every \(ConfigDuration.format(.milliseconds(Int64(wall.repaintEvery * 1_000))))"
                + "\(wall.bell ? ", bell" : "")\(startOnWall ? ", starts on the wall" : "")",
            "  working hours \(m.workingHours.lowerBound)-\(m.workingHours.upperBound) \(m.timeZone.identifier), "
                + "outages: \(severities), change failure window "
                + ConfigDuration.format(.milliseconds(Int64(m.failureLinkWindow * 1_000))),
        ]
        if notify.desktop || notify.bell {
            let how = [notify.desktop ? "desktop notifications (\(notify.protocolChoice.rawValue))" : nil,
                       notify.bell ? "bell" : nil].compactMap { $0 }.joined(separator: " and ")
            lines.append("  notify: \(how), at most one per "
                + ConfigDuration.format(.milliseconds(Int64(notify.minInterval * 1_000)))
                + (notify.onWall ? ", also on the wall" : ""))
        }
        lines += sources.map { "  " + $0.description }
        return lines.joined(separator: "\n")
    }
}

/// The names the config uses for severities.
enum SeverityName {
    /// Name → severity, most severe first.
    static let all: [(String, Severity)] = [("critical", .critical), ("high", .high), ("warning", .warning), ("info", .info)]

    /// The config name of a severity.
    static func name(_ s: Severity) -> String { all.first { $0.1 == s }?.0 ?? "\(s)" }
}
