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

/// The `vigil` command: the dashboard by default, and `check-config`.
@main
struct Vigil: ParsableCommand {
    static let version = "0.2.0"

    static let configuration = CommandConfiguration(
        commandName: "vigil",
        abstract: "An on-call terminal dashboard: builds, deploys, outages, pages, MTTR/MTTA, and acknowledgements.",
        discussion: """
            With a config file ($XDG_CONFIG_HOME/vigil/config.yaml, or --config FILE) vigil polls the sources it \
            names; without one it replays the demo scenario in sample-data/ so you can try it at once.
            Keys: j/k move, Tab next panel, Enter details, a acknowledge (y to confirm), u take it back, / filter, \
            m mine, o sort, S silences, w window, t theme, ? help (every key), q quit.
            Source types (type: in the config): \(SourceRegistry.standard.types.joined(separator: ", ")); \
            vigil check-config --help says what each reads.
            """,
        version: version,
        subcommands: [Dashboard.self, CheckConfig.self, Log.self, Report.self, Soak.self],
        defaultSubcommand: Dashboard.self)

    /// Starts loading the demo's data when the arguments ask for the demo (`DemoPrefetch`), then
    /// parses them and runs the command.
    static func main() {
        DemoPrefetch.start(arguments: Array(CommandLine.arguments.dropFirst()),
                           environment: ProcessInfo.processInfo.environment)
        main(nil)
    }
}

/// The dashboard (the default subcommand).
struct Dashboard: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run the dashboard (the default): against the config's sources, or the demo.")

    @Option(name: .customLong("config"), help: ArgumentHelp(
        "Config file (default: $XDG_CONFIG_HOME/vigil/config.yaml when it exists).", valueName: "FILE"))
    var configPath: String?

    @Option(name: .customLong("state"), help: ArgumentHelp(
        "State directory for the acknowledgement outbox, history and audit log (default: $XDG_STATE_HOME/vigil).",
        valueName: "DIR"))
    var stateDirectory: String?

    @Flag(help: "Run the built-in demo replay of sample-data/, even when a config exists.")
    var demo = false

    @Option(name: .customLong("data"), help: ArgumentHelp("Directory of the demo data.", valueName: "DIR"))
    var dataDirectory: String?

    @Flag(name: .customLong("read-only"), help: "Bind no key that changes anything at a source (wall monitors).")
    var readOnly = false

    @Flag(help: ArgumentHelp("Wall monitor: read-only, no cursor, large figures, rotating pages, a banner for pages "
        + "and outages, a full repaint every few minutes."))
    var wall = false

    @Option(help: ArgumentHelp("With --wall: how long each page stays (default: the config's wall.rotate, else 20s).",
                               valueName: "DURATION"))
    var rotate: String?

    @Flag(help: "With --wall: ring the terminal bell for a new page or outage.")
    var bell = false

    @Flag(help: ArgumentHelp("Desktop notifications through the terminal (OSC 9/777) for a new page, a page that "
        + "fires again, or one escalated to you (the config's notify.desktop)."))
    var notify = false

    @Flag(inversion: .prefixedNo, help: ArgumentHelp("Clicks select a row or a panel, the wheel scrolls (default: the "
        + "config's mouse:, else off: with it on, selecting text needs Shift). Never on the wall."))
    var mouse: Bool?

    @Option(help: ArgumentHelp("Theme name from themes/ (default, light, high-contrast, ansi16, …) or a theme file path.",
                               valueName: "NAME|PATH"))
    var theme: String?

    @Option(name: .customLong("themes-dir"), help: ArgumentHelp("Directory of theme files.", valueName: "DIR"))
    var themesDirectory: String?

    @Option(help: ArgumentHelp("Colour depth: auto, truecolor, 256, 16 or none.", valueName: "DEPTH"))
    var colors: String = "auto"

    @Flag(help: "Draw with ASCII only (no box drawing, braille or block glyphs).")
    var ascii = false

    @Option(help: ArgumentHelp("Window shown first: 24h, 7d or 30d (default: the config's, else 7d).", valueName: "WINDOW"))
    var window: String?

    @Option(help: ArgumentHelp("Name recorded on acknowledgements (default: $VIGIL_USER, then $USER).", valueName: "NAME"))
    var user: String?

    @Flag(help: "Print one frame as plain text to standard output and exit (no terminal needed).")
    var once = false

    @Option(help: "Width of the --once frame.")
    var width: Int = 120

    @Option(help: "Height of the --once frame.")
    var height: Int = 40

    @Option(help: ArgumentHelp("Pretend it is this instant (ISO 8601), for reproducible --once captures.",
                               valueName: "TIME"))
    var now: String?

    @OptionGroup var logging: LogOptions

    func validate() throws {
        if let window, TimeWindow(rawValue: window.lowercased()) == nil {
            throw ValidationError("--window must be one of 24h, 7d, 30d (got \"\(window)\").")
        }
        guard colors == "auto" || colors == "none" || ColorDepth(rawValue: colors) != nil else {
            throw ValidationError("--colors must be auto, truecolor, 256, 16 or none (got \"\(colors)\").")
        }
        guard width > 0, height > 0, width <= 10_000, height <= 10_000 else {
            throw ValidationError("--width and --height must be between 1 and 10000.")
        }
        if let user, user.trimmingCharacters(in: .whitespaces).isEmpty
            || user.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            throw ValidationError("--user must be a name, such as --user alice.")
        }
        if let rotate {
            guard let d = ConfigDuration.parse(rotate), d.seconds >= WallSettings.shortestRotation else {
                throw ValidationError("--rotate must be a duration of at least \(Int(WallSettings.shortestRotation))s, "
                    + "such as 30s or 1m (got \"\(rotate)\").")
            }
        }
        if (rotate != nil || bell) && !wall {
            throw ValidationError("--rotate and --bell are for the wall monitor: add --wall.")
        }
        if let now, Self.parseDate(now) == nil {
            throw ValidationError("--now must be an ISO 8601 time such as 2026-11-26T12:00:00Z (got \"\(now)\").")
        }
        try logging.validate()
        if now != nil && !once {
            // The live dashboard runs on the clock: a past --now would replay days of made-up pages.
            throw ValidationError("--now is for --once captures (and vigil report); the live dashboard runs on the clock.")
        }
    }

    static func parseDate(_ s: String) -> Date? {
        let f = ISO8601DateFormatter()
        if let d = f.date(from: s) { return d }
        f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return f.date(from: s)
    }

    func run() throws {
        vigil_tune_heap()
        let env = ProcessInfo.processInfo.environment
        let config = try loadConfig(env)
        let (log, logFile) = logging.start(config: config, stateDirectory: setup.stateURL)
        if let config {
            log.info("config loaded", metadata: ["path": .string(config.path), "sources": .stringConvertible(config.sources.count)])
        }
        // The demo's data is most of the start-up time: it loads on the other core (and this
        // one, once done) while the theme is read (it may have started before the arguments
        // were parsed). Its errors still come after the theme's.
        let prefetched = config == nil ? DemoPrefetch.take(dataArgument: dataDirectory, nowArgument: now) : nil
        let start = prefetched?.startedAt ?? now.flatMap(Self.parseDate) ?? Date()
        let demoSource = config == nil ? startDemoSource(startedAt: start, prefetched: prefetched) : nil
        let themes = try loadThemes(selected: theme ?? config?.theme ?? "default")
        log.info("theme loaded", metadata: ["theme": .string(themes.list[themes.selected].name),
                                            "available": .stringConvertible(themes.list.count)])
        // Meanwhile the demo also opens its durable state (a few milliseconds of SQLite).
        let openedEarly = demoSource != nil && !once ? openStore() : nil
        let sources: [ConfiguredSource]
        var state: AppState
        if let config {
            do {
                sources = try SourceFactory.make(config, now: start)
            } catch {
                throw failure("\(config.path): \(error)")
            }
            state = AppState(now: start, size: Size(width: width, height: height), readOnly: readOnly || config.readOnly,
                             user: user ?? config.user, themeNames: themes.list.map(\.name),
                             title: URL(fileURLWithPath: config.path).lastPathComponent)
            state.register(sources)
            state.metricsConfig = config.metrics
            state.notify = config.notify
            state.window = window.flatMap { TimeWindow(rawValue: $0.lowercased()) } ?? config.window
        } else {
            let demo = try (demoSource ?? startDemoSource(startedAt: start, prefetched: nil))()
            sources = [DemoKind.configured(demo)]
            state = AppState(now: start, size: Size(width: width, height: height), readOnly: readOnly,
                             user: user ?? env["VIGIL_USER"] ?? env["USER"] ?? "oncall",
                             themeNames: themes.list.map(\.name), title: "demo")
            state.register(sources)
            state.metricsConfig.timeZone = demo.scenarioTimeZone
            state.window = window.flatMap { TimeWindow(rawValue: $0.lowercased()) } ?? .week
        }
        state.themeIndex = themes.selected
        state.logFile = logFile
        if notify {
            state.notify.desktop = true
            if wall { state.notify.onWall = true }   // asked for on the wall, explicitly
        }
        if wall || config?.startOnWall == true {
            var settings = config?.wall ?? WallSettings()
            if let rotate, let d = ConfigDuration.parse(rotate) { settings.rotateEvery = d.seconds }
            if bell { settings.bell = true }
            state.makeWall(settings)
        }

        if once {
            try printOnce(state: state, sources: sources, at: start)
            return
        }
        var options = TerminalOptions()
        // NO_COLOR is the default; an explicit --colors wins over it.
        options.noColor = colors == "none" || (colors == "auto" && !(env["NO_COLOR"] ?? "").isEmpty)
        options.colorDepth = colors == "none" ? .mono : ColorDepth(rawValue: colors)
        options.asciiOnly = ascii ? true : nil
        options.mouse = (mouse ?? config?.mouse ?? false) && state.wall == nil
        let (store, storeProblem) = openedEarly ?? openStore()
        let app = App(state: state, themes: themes.list, sources: sources, options: options, forceASCII: ascii,
                      store: store, storeProblem: storeProblem)
        let status: Int32
        do {
            status = try app.run()
        } catch {
            FileHandle.standardError.write(Data("vigil: \(error)\n".utf8))
            throw ExitCode(2)
        }
        if status != 0 { throw ExitCode(status) }
    }

    /// Where the sources and the durable state come from (shared with `vigil report`).
    var setup: SourceSetup {
        SourceSetup(configPath: configPath, demo: demo, dataDirectory: dataDirectory, stateDirectory: stateDirectory)
    }

    /// The durable state; when it cannot be opened, why (the dashboard says so and runs without it).
    func openStore() -> (store: VigilStore?, problem: String?) { setup.openStore() }

    /// The config to run against (`SourceSetup.loadConfig`).
    func loadConfig(_ env: [String: String]) throws -> VigilConfig? { try setup.loadConfig(env) }

    /// One frame to standard output, after one poll of every source (in parallel).
    func printOnce(state: AppState, sources: [ConfiguredSource], at start: Date) throws {
        var state = state
        SourceSetup.pollOnce(&state, sources: sources, at: start)
        // Cron and scripts often run with LANG=C: box drawing would then be mojibake.
        let unicode = !ascii && Self.localeIsUTF8(ProcessInfo.processInfo.environment)
        let grid = DashboardView.render(state, ViewContext(theme: .monochrome, glyphs: unicode ? .unicode : .ascii))
        print(grid.trimmedText)
    }

    /// Whether the locale the environment selects is UTF-8 (LC_ALL, then LC_CTYPE, then LANG).
    static func localeIsUTF8(_ env: [String: String]) -> Bool {
        let locale = ["LC_ALL", "LC_CTYPE", "LANG"].lazy.compactMap { env[$0] }.first { !$0.isEmpty } ?? ""
        let lower = locale.lowercased()
        return lower.contains("utf-8") || lower.contains("utf8")
    }

    /// Starts loading the demo source (`SourceSetup.startDemoSource`).
    func startDemoSource(startedAt: Date, prefetched: DemoPrefetch.Started?) -> () throws -> DemoSource {
        setup.startDemoSource(startedAt: startedAt, prefetched: prefetched)
    }

    func loadThemes(selected theme: String) throws -> (list: [LoadedTheme], selected: Int) {
        var isDir: ObjCBool = false
        if let themesDirectory, !FileManager.default.fileExists(atPath: themesDirectory, isDirectory: &isDir) || !isDir.boolValue {
            throw failure("--themes-dir \(themesDirectory): no such directory. Point it at the themes/ directory of the repository.")
        }
        let dir = ThemeLoader.locateThemesDirectory(explicit: themesDirectory)
        // The chosen theme must load, with a clear error when it does not; the others are read
        // when `t` first shows them (one YAML parse at start-up instead of one per theme).
        do {
            return try LoadedTheme.catalog(selected: theme, themesDirectory: dir)
        } catch {
            throw failure("\(error)")
        }
    }

    func failure(_ message: String) -> ExitCode { SourceSetup.failure(message) }
}
