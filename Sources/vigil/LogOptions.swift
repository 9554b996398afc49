import ArgumentParser
import Foundation
import Logging
import VigilConfig
import VigilCore
import VigilLog

/// `--log-level` and `--log-file`: the diagnostic log (never the terminal). The options win over
/// the config's `log_level:` and `log_file:`; the defaults are `error` and
/// `$XDG_STATE_HOME/vigil/vigil.log` (the state directory, `--state` when given).
struct LogOptions: ParsableArguments {
    @Option(name: .customLong("log-level"), help: ArgumentHelp(
        "What the log file records: error (default), warning, info, debug or trace (every request, redacted).",
        valueName: "LEVEL"))
    var level: String?

    @Option(name: .customLong("log-file"), help: ArgumentHelp(
        "The log file (default: vigil.log in the state directory, $XDG_STATE_HOME/vigil).", valueName: "PATH"))
    var file: String?

    func validate() throws {
        if let level, VigilLogging.level(named: level) == nil {
            throw ValidationError("--log-level must be one of \(VigilConfig.logLevels.joined(separator: ", ")) (got \"\(level)\").")
        }
        if let file, file.isEmpty { throw ValidationError("--log-file needs a path.") }
    }

    /// The file the log goes to, given the config and the state directory.
    func path(config: VigilConfig?, stateDirectory: URL) -> String {
        file ?? config?.logFile ?? stateDirectory.appendingPathComponent("vigil.log").path
    }

    /// Sends the log to its file and returns the start-up logger, and where the log goes (for
    /// the sources dialog). A file that cannot be opened leaves the log off and says so on
    /// standard error (before the terminal is taken).
    func start(config: VigilConfig?, stateDirectory: URL) -> (logger: Logger, file: LogFileInfo?) {
        let level = self.level.flatMap(VigilLogging.level(named:)) ?? config?.logLevel.flatMap(VigilLogging.level(named:))
            ?? .error
        let path = path(config: config, stateDirectory: stateDirectory)
        var info: LogFileInfo?
        do {
            VigilLogging.bootstrap(file: try LogFile(path: path), level: level)
            info = LogFileInfo(path: path, level: level.rawValue)
        } catch {
            VigilLogging.bootstrap(file: nil, level: level)
            FileHandle.standardError.write(Data("vigil: \(error) (running without a log file)\n".utf8))
        }
        let logger = VigilLogging.logger("vigil")
        logger.info("started", metadata: ["version": .string(Vigil.version), "level": .string(level.rawValue),
                                          "pid": .stringConvertible(getpid())])
        return (logger, info)
    }
}
