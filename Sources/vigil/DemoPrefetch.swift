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

/// The demo's data is most of its start-up time, and parsing the arguments takes a few
/// milliseconds: when a quick look at the arguments says they run the dashboard on the demo, the
/// data starts loading before they are parsed. `Dashboard.run` uses what was started only when
/// the parsed arguments ask for the same data and time (and no config); otherwise it is dropped.
enum DemoPrefetch {
    /// A loading started for the `--data` and `--now` arguments as given.
    struct Started: Sendable {
        var dataArgument: String?
        var nowArgument: String?
        var startedAt: Date
        var directory: URL
        var loading: DemoSource.Loading
    }

    private static let started = Mutex<Started?>(nil)

    /// The dashboard's options that take a value (they may be given as `--name value`).
    private static let valued: Set<String> = ["--config", "--state", "--data", "--rotate", "--theme", "--themes-dir",
                                              "--colors", "--window", "--user", "--width", "--height", "--now"]

    /// Starts loading when `arguments` (without the program's name) look like the demo: the
    /// dashboard (no subcommand, or `run`), no help or version, `--demo` or no config file.
    static func start(arguments: [String], environment: [String: String]) {
        var data: String?, now: String?, config: String?, demo = false
        var index = 0
        if let first = arguments.first, !first.hasPrefix("-") {
            guard first == "run" else { return }
            index = 1
        }
        while index < arguments.count {
            var name = arguments[index]
            var value: String?
            if name.hasPrefix("--"), let equals = name.firstIndex(of: "=") {
                value = String(name[name.index(after: equals)...])
                name = String(name[..<equals])
            } else if valued.contains(name) {
                index += 1
                guard index < arguments.count else { return }
                value = arguments[index]
            }
            switch name {
            case "--demo": demo = true
            case "--data": data = value
            case "--now": now = value
            case "--config": config = value
            case "-h", "--help", "--version", "--generate-completion-script", "--experimental-dump-help": return
            default: break
            }
            index += 1
        }
        if !demo, ConfigLoader.locate(explicit: config, environment: environment) != nil { return }
        let startedAt: Date
        if let now {
            guard let date = Dashboard.parseDate(now) else { return }
            startedAt = date
        } else {
            startedAt = Date()
        }
        guard let directory = DemoSource.locateSampleData(explicit: data) else { return }
        vigil_tune_heap()  // before the loading threads allocate (Dashboard.run does it again)
        let loading = DemoSource.startLoading(directory: directory, startedAt: startedAt)
        started.withLock {
            $0 = Started(dataArgument: data, nowArgument: now, startedAt: startedAt, directory: directory,
                         loading: loading)
        }
    }

    /// The loading started for these `--data` and `--now` arguments, if any (once).
    static func take(dataArgument: String?, nowArgument: String?) -> Started? {
        started.withLock { started in
            defer { started = nil }
            guard let found = started, found.dataArgument == dataArgument, found.nowArgument == nowArgument
            else { return nil }
            return found
        }
    }
}
