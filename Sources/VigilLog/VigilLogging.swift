import Foundation
import Logging
import Synchronization

/// Where Vigil's diagnostic log goes, set up once per process (`bootstrap`): a `LogFile` in the
/// state directory (`$XDG_STATE_HOME/vigil/vigil.log`) or `--log-file`, at `--log-level`
/// (`error` by default). Without a bootstrap, or when the file cannot be opened, records go
/// nowhere: swift-log's default handler would write to standard error, which is the
/// dashboard's terminal.
public enum VigilLogging {
    /// The levels a user can choose, least to most.
    public static let levels: [Logger.Level] = [.error, .warning, .info, .debug, .trace]

    /// The level named `name` ("error", "warning", "info", "debug", "trace"; "warn" too).
    public static func level(named name: String) -> Logger.Level? {
        let lower = name.lowercased()
        if lower == "warn" { return .warning }
        return levels.first { $0.rawValue == lower }
    }

    private struct Setup: Sendable {
        var file: LogFile?
        var level: Logger.Level
    }

    private static let setup = Mutex(Setup(file: nil, level: .error))
    private static let once = Mutex(false)

    /// The file records go to, if any.
    public static var file: LogFile? { setup.withLock { $0.file } }
    /// The level records are written at.
    public static var level: Logger.Level { setup.withLock { $0.level } }

    /// Sends every logger's records to `file` at `level` (nil: nowhere). May be called again (a
    /// test, `check-config` then the dashboard): the last call wins for loggers made after it
    /// and before it alike.
    public static func bootstrap(file: LogFile?, level: Logger.Level) {
        setup.withLock { $0 = Setup(file: file, level: level) }
        let first = once.withLock { done in
            defer { done = true }
            return !done
        }
        if first { LoggingSystem.bootstrap { label in Handler(label: label) } }
    }

    /// Whole milliseconds from `started` to now: the `duration_ms` of a record.
    public static func milliseconds(since started: ContinuousClock.Instant) -> Int {
        let d = ContinuousClock.now - started
        return Int(d.components.seconds * 1_000 + d.components.attoseconds / 1_000_000_000_000_000)
    }

    /// A logger labelled `label` ("vigil.poll", "vigil.http"), with `metadata`. Its handler is
    /// always Vigil's, made or not before `bootstrap` (or without one: `vigil report`, the
    /// tests), so a record goes to the set-up file or nowhere, never to swift-log's default
    /// handler on standard error.
    public static func logger(_ label: String, metadata: Logger.Metadata = [:]) -> Logger {
        var logger = Logger(label: label) { Handler(label: $0) }
        for (k, v) in metadata { logger[metadataKey: k] = v }
        return logger
    }

    /// The handler every logger gets: it reads the current setup on each record, so a logger
    /// made before `bootstrap` follows it.
    struct Handler: LogHandler {
        let label: String
        var metadata: Logger.Metadata = [:]
        var metadataProvider: Logger.MetadataProvider?
        /// Overrides the set-up level when a caller sets one.
        private var ownLevel: Logger.Level?

        init(label: String) { self.label = label }

        var logLevel: Logger.Level {
            get { ownLevel ?? VigilLogging.level }
            set { ownLevel = newValue }
        }

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(level: Logger.Level, message: Logger.Message, metadata explicit: Logger.Metadata?,
                 source: String, file: String, function: String, line: UInt) {
            guard let target = VigilLogging.file else { return }
            var handler = FileLogHandler(label: label, file: target, level: logLevel)
            handler.metadata = metadata
            handler.metadataProvider = metadataProvider
            handler.log(level: level, message: message, metadata: explicit, source: source, file: file,
                        function: function, line: line)
        }
    }
}
