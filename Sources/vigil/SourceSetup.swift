import ArgumentParser
import Foundation
import VigilConfig
import VigilCore
import VigilRuntime
import VigilSources
import VigilStore

/// Where the sources of the commands that poll them (the dashboard, `vigil report`) come from:
/// `--config FILE`, else the default config when it exists, else the demo; and where the
/// durable state lives (`--state`).
struct SourceSetup {
    /// `--config FILE`.
    var configPath: String?
    /// `--demo`: the demo even when a config exists.
    var demo: Bool
    /// `--data DIR`: the demo's data.
    var dataDirectory: String?
    /// `--state DIR`.
    var stateDirectory: String?

    /// The durable state's directory: `--state`, else the default.
    var stateURL: URL { stateDirectory.map { URL(fileURLWithPath: $0) } ?? VigilStore.defaultDirectory() }

    /// The durable state; when it cannot be opened, why (the dashboard says so and runs without it).
    func openStore() -> (store: VigilStore?, problem: String?) {
        do {
            return (try VigilStore(directory: stateURL), nil)
        } catch {
            return (nil, "\(error)")
        }
    }

    /// The config to run against: `--config FILE` (which must exist), else the default file when
    /// it exists, else nil (the demo). `--demo` ignores any config. Errors stop here, before the
    /// terminal is touched.
    func loadConfig(_ env: [String: String]) throws -> VigilConfig? {
        guard !demo, let located = ConfigLoader.locate(explicit: configPath, environment: env) else { return nil }
        guard located.exists else {
            throw Self.failure("--config \(located.path): no such file. Copy config.example.yaml there, or run without --config for the demo.")
        }
        do {
            return try ConfigLoader.load(path: located.path)
        } catch {
            throw Self.failure("\(error)\nCheck it with: vigil check-config \(located.path)")
        }
    }

    /// Starts loading the demo source on another thread (or takes the loading `DemoPrefetch`
    /// started); the returned function waits for it, or reports (on standard error) and throws
    /// why there is none.
    func startDemoSource(startedAt: Date, prefetched: DemoPrefetch.Started?) -> () throws -> DemoSource {
        if let prefetched {
            return {
                do {
                    return try prefetched.loading.value()
                } catch {
                    throw Self.failure("cannot load the demo data in \(prefetched.directory.path): \(error)")
                }
            }
        }
        guard let dir = DemoSource.locateSampleData(explicit: dataDirectory) else {
            let dataDirectory = self.dataDirectory
            return {
                if let dataDirectory {
                    throw Self.failure("--data \(dataDirectory): no scenario.json there. Point --data at the sample-data directory of the repository.")
                }
                throw Self.failure("""
                    cannot find the demo data (sample-data/scenario.json).
                    Run vigil from the repository, or pass --data DIR, or set VIGIL_SAMPLE_DATA.
                    """)
            }
        }
        let loading = DemoSource.startLoading(directory: dir, startedAt: startedAt)
        return {
            do {
                return try loading.value()
            } catch {
                throw Self.failure("cannot load the demo data in \(dir.path): \(error)")
            }
        }
    }

    /// Polls every source once (in parallel) at `start` and reduces what they answered into
    /// `state` (the effects asked for, such as recording history, are not performed).
    static func pollOnce(_ state: inout AppState, sources: [ConfiguredSource], at start: Date) {
        let semaphore = DispatchSemaphore(value: 0)
        let inbox = Inbox(wakeup: nil)
        let runner = SourceRunner(sources: sources, inbox: inbox, now: { start })
        Task.detached {
            await withTaskGroup(of: Void.self) { group in
                for source in sources { group.addTask { await runner.pollOnce(source.source) } }
            }
            semaphore.signal()
        }
        semaphore.wait()
        for e in inbox.drain() { _ = reduce(&state, e) }
    }

    /// Writes `vigil: message` to standard error; the exit status 1 to throw.
    static func failure(_ message: String) -> ExitCode {
        FileHandle.standardError.write(Data("vigil: \(message)\n".utf8))
        return ExitCode(1)
    }
}
