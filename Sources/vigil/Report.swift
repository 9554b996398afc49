import ArgumentParser
import Foundation
import VigilConfig
import VigilCore
import VigilRender
import VigilRuntime
import VigilSources
import VigilStore

/// `vigil report`: the shift in one page, for the handover message or a ticket.
struct Report: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "The shift in one page, for a handover or a ticket: open incidents, pages, outages, MTTA/MTTR, deployments.",
        discussion: """
            Polls every source once (as --once does), adds the resolved incidents the state directory remembers, \
            and prints the window's figures, each against the window of the same length before it. Every figure is \
            the dashboard's own. A source that does not answer is named in the report and left out of its figures; \
            when none answers, vigil report exits 1.
            Formats: markdown (default; pastes into chat, tickets and GitHub), text (aligned plain text), json \
            (a stable schema: docs/report-schema.md).
            """)

    @Option(name: .customLong("config"), help: ArgumentHelp(
        "Config file (default: $XDG_CONFIG_HOME/vigil/config.yaml when it exists, else the demo).", valueName: "FILE"))
    var configPath: String?

    @Flag(help: "Report on the built-in demo replay of sample-data/, even when a config exists.")
    var demo = false

    @Option(name: .customLong("data"), help: ArgumentHelp("Directory of the demo data.", valueName: "DIR"))
    var dataDirectory: String?

    @Option(name: .customLong("state"), help: ArgumentHelp(
        "State directory whose history and audit log to read (default: $XDG_STATE_HOME/vigil; for the demo, none "
        + "unless given). Only read, never written.", valueName: "DIR"))
    var stateDirectory: String?

    @Option(help: ArgumentHelp("How far back: 24h, 7d, 30d or any duration from 1m to 365d, such as 12h or 1d12h.",
                               valueName: "DURATION"))
    var window: String = "24h"

    @Option(help: ArgumentHelp("markdown, text or json.", valueName: "FORMAT"))
    var format: String = "markdown"

    @Option(help: ArgumentHelp("End the window at this instant (ISO 8601) instead of now.", valueName: "TIME"))
    var now: String?

    /// The longest window: the previous one must still be inside what sources and the store keep.
    static let longestWindow: TimeInterval = 365 * 86_400

    /// The output formats.
    enum Format: String, CaseIterable { case markdown, text, json }

    /// How long the store's history reaches back by default (as the dashboard restores it).
    static let historyDays: Double = 62

    func validate() throws {
        guard let seconds = Self.seconds(window), seconds >= 60, seconds <= Self.longestWindow else {
            throw ValidationError("--window must be a duration from 1m to 365d, such as 24h, 7d, 30d or 12h (got \"\(window)\").")
        }
        guard Format(rawValue: format.lowercased()) != nil else {
            throw ValidationError("--format must be markdown, text or json (got \"\(format)\").")
        }
        if let now, Dashboard.parseDate(now) == nil {
            throw ValidationError("--now must be an ISO 8601 time such as 2026-11-26T12:00:00Z (got \"\(now)\").")
        }
    }

    /// The window's length in seconds.
    static func seconds(_ text: String) -> TimeInterval? {
        DurationText.parse(text.lowercased()).map { d in
            let (s, atto) = d.components
            return Double(s) + Double(atto) / 1e18
        }
    }

    func run() throws {
        let env = ProcessInfo.processInfo.environment
        let setup = SourceSetup(configPath: configPath, demo: demo, dataDirectory: dataDirectory, stateDirectory: stateDirectory)
        let config = try setup.loadConfig(env)
        let start = now.flatMap(Dashboard.parseDate) ?? Date()
        let sources: [ConfiguredSource]
        var state: AppState
        if let config {
            do {
                sources = try SourceFactory.make(config, now: start)
            } catch {
                throw SourceSetup.failure("\(config.path): \(error)")
            }
            state = AppState(now: start, size: Size(width: 80, height: 24), readOnly: true, user: config.user,
                             title: URL(fileURLWithPath: config.path).lastPathComponent)
            state.register(sources)
            state.metricsConfig = config.metrics
        } else {
            let demoSource = try setup.startDemoSource(startedAt: start, prefetched: nil)()
            sources = [DemoKind.configured(demoSource)]
            state = AppState(now: start, size: Size(width: 80, height: 24), readOnly: true, user: "demo", title: "demo")
            state.register(sources)
            state.metricsConfig.timeZone = demoSource.scenarioTimeZone
        }

        // What earlier runs remembered: resolved incidents of forgetful sources, and the audit
        // log. Read only when the store exists (a report creates no state); the demo reads one
        // only when --state names it, so a demo report does not mix in real history.
        let seconds = Self.seconds(window) ?? 86_400
        var vigilActions: [String: [ShiftReport.VigilAction]] = [:]
        if config != nil || stateDirectory != nil, let store = try openExistingStore(setup) {
            let since = start.addingTimeInterval(-max(Self.historyDays * 86_400, 2 * seconds))
            do {
                _ = reduce(&state, .historyLoaded(try store.history(since: since)))
                for e in try store.auditLog() where e.outcome == .confirmed {
                    vigilActions[e.incidentID, default: []].append(
                        ShiftReport.VigilAction(at: e.at, by: e.user, action: e.action.rawValue))
                }
            } catch {
                FileHandle.standardError.write(Data("vigil: \(setup.stateURL.path): \(error) (the report is without history)\n".utf8))
            }
        }

        SourceSetup.pollOnce(&state, sources: sources, at: start)
        let report = ShiftReport(state: state, seconds: seconds, label: window.lowercased(), vigilActions: vigilActions)
        for s in report.failedSources {
            FileHandle.standardError.write(Data("vigil: \(s.id): \(s.message ?? s.problem ?? "no answer")\n".utf8))
        }
        if !report.sources.isEmpty && report.failedSources.count == report.sources.count {
            throw SourceSetup.failure("no source answered: no report.")
        }
        switch Format(rawValue: format.lowercased()) ?? .markdown {
        case .markdown: print(ShiftReportText.markdown(report), terminator: "")
        case .text: print(ShiftReportText.text(report), terminator: "")
        case .json: print(try report.json(), terminator: "")
        }
    }

    /// The durable state when its database exists; nil when there is none yet.
    func openExistingStore(_ setup: SourceSetup) throws -> VigilStore? {
        guard FileManager.default.fileExists(atPath: VigilStore.databaseURL(in: setup.stateURL).path) else { return nil }
        let (store, problem) = setup.openStore()
        if let problem {
            FileHandle.standardError.write(Data("vigil: \(setup.stateURL.path): \(problem) (the report is without history)\n".utf8))
        }
        return store
    }
}
