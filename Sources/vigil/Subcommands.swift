import ArgumentParser
import CVigilSignal
import Foundation
import Synchronization
import VigilConfig
import VigilCore
import VigilRender
import VigilRuntime
import VigilSources
import VigilStore
import VigilTerminal

/// `vigil log`: the audit log of acknowledgements.
struct Log: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "log",
        abstract: "Print the audit log: every acknowledgement, who, when, and what the source answered.")

    @Option(name: .customLong("state"), help: ArgumentHelp(
        "State directory (default: $XDG_STATE_HOME/vigil, else ~/.local/state/vigil).", valueName: "DIR"))
    var stateDirectory: String?

    @Option(help: "Show only the last N entries.")
    var last: Int?

    func run() throws {
        let dir = stateDirectory.map { URL(fileURLWithPath: $0) } ?? VigilStore.defaultDirectory()
        guard FileManager.default.fileExists(atPath: VigilStore.databaseURL(in: dir).path) else {
            print("No acknowledgements recorded yet (no \(VigilStore.databaseURL(in: dir).path)).")
            return
        }
        do {
            let store = try VigilStore(directory: dir)
            let entries = try store.auditLog(limit: last)
            print(entries.isEmpty ? "No acknowledgements recorded yet." : VigilStore.format(entries))
        } catch {
            FileHandle.standardError.write(Data("vigil: \(error)\n".utf8))
            throw ExitCode(1)
        }
    }
}

extension CheckConfig {
    /// Every source's online check, one after another (each bounded by its own request timeout).
    static func checkOnline(_ config: VigilConfig) -> [OnlineCheck] {
        let results = Mutex<[OnlineCheck]?>(nil)
        let done = DispatchSemaphore(value: 0)
        let sources = config.sources
        Task {
            let context = SourceContext(transport: AsyncHTTPTransport.shared, now: Date())
            var found: [OnlineCheck] = []
            for source in sources { found.append(await source.check(context)) }
            results.withLock { $0 = found }
            done.signal()
        }
        done.wait()
        return results.withLock { $0 } ?? []
    }
}

/// `vigil check-config [FILE]`: validates a config without starting the UI.
struct CheckConfig: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check-config",
        abstract: "Check a config file and print what it sets up; exits 1 listing every problem.",
        discussion: "Source types (type: in a sources: entry):\n" + SourceRegistry.standard.help)

    @Argument(help: ArgumentHelp("The config file (default: $XDG_CONFIG_HOME/vigil/config.yaml).", valueName: "FILE"))
    var file: String?

    @Flag(help: ArgumentHelp("Also make one cheap real call or two to each source and print a table: reached, TLS, "
        + "credentials accepted, what they allow, quota left, version; for Prometheus, each query's series and labels. "
        + "Exits 1 unless every source passes."))
    var online = false

    @Option(help: ArgumentHelp("With --online: table (default) or json (one object, for scripts; nothing else on "
        + "standard output).", valueName: "FORMAT"))
    var format: String = "table"

    func validate() throws {
        guard format == "table" || format == "json" else {
            throw ValidationError("--format must be table or json (got \"\(format)\").")
        }
        if format == "json" && !online { throw ValidationError("--format json is for --online: add --online.") }
    }

    func run() throws {
        let env = ProcessInfo.processInfo.environment
        let path = file ?? ConfigLoader.defaultPath(environment: env)
        /// The config itself is wrong: every problem on standard error, and with `--format json`
        /// the one object on standard output too, so that a script always gets one.
        func refuse(_ problems: [String], summary: String? = nil) -> ExitCode {
            for p in problems { FileHandle.standardError.write(Data("\(p)\n".utf8)) }
            if let summary { FileHandle.standardError.write(Data("\(summary)\n".utf8)) }
            if format == "json" { print(OnlineReport.json(configErrors: problems)) }
            return ExitCode(1)
        }
        let errors = ConfigLoader.validate(path: path)
        guard errors.isEmpty else {
            throw refuse(errors.map { "\($0)" }, summary: "\(path): \(errors.count) problem\(errors.count == 1 ? "" : "s")")
        }
        do {
            let config = try ConfigLoader.load(path: path)
            let dir = ThemeLoader.locateThemesDirectory(explicit: nil)
            if (try? ThemeLoader.document(nameOrPath: config.theme, themesDirectory: dir)) == nil && config.theme != "default" {
                let available = (dir.map { ThemeLoader.available(in: $0) } ?? []).joined(separator: ", ")
                throw refuse(["\(path): theme: no theme \"\(config.theme)\" (available: \(available))"])
            }
            if format == "table" { print(config.description) }
            if online {
                let results = Self.checkOnline(config)
                let rows = Array(zip(config.sources, results)).map { (source: $0.0, check: $0.1) }
                print(format == "json" ? OnlineReport.json(rows) : OnlineReport.table(rows))
                let failed = results.filter { !$0.passed }.count
                guard failed == 0 else {
                    FileHandle.standardError.write(Data("\(path): \(failed) source\(failed == 1 ? "" : "s") failed the online check\n".utf8))
                    throw ExitCode(1)
                }
            }
            if format == "table" { print("\(path): OK") }
        } catch let error as ConfigError {
            throw refuse(["\(error)"])
        }
    }
}
