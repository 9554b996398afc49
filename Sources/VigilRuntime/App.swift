import CVigilSignal
import Foundation
import Synchronization
import VigilCore
import VigilRender
import VigilSources
import VigilStore
import VigilTerminal

/// A theme as loaded, ready to map to whatever colour depth the terminal has. A theme made with
/// `init(name:parse:)` is read the first time it is needed, so start-up reads only the theme it
/// shows (`catalog(selected:themesDirectory:)`).
public struct LoadedTheme: Sendable {
    /// Name shown in the header.
    public var name: String
    private let slot: ThemeSlot

    /// A theme that is ready: `forDepth` gives it for a depth.
    public init(name: String, forDepth: @escaping @Sendable (ColorDepth) -> Theme) {
        self.name = name
        slot = ThemeSlot(.ready(forDepth))
    }

    /// A theme read when first needed: `parse` runs once, on the first `load()` or `forDepth(_:)`.
    public init(name: String, parse: @escaping @Sendable () throws(ThemeError) -> ThemeDocument) {
        self.name = name
        slot = ThemeSlot(.unread(parse))
    }

    /// Reads the theme if that was not done yet. Nil when it can be shown, else why not.
    @discardableResult
    public func load() -> ThemeError? {
        if case .failure(let error) = slot.resolved() { return error }
        return nil
    }

    /// The theme for a depth (with the file's `ansi16:` overrides on 16-colour terminals); nil
    /// when its file cannot be read or parsed.
    public func forDepth(_ depth: ColorDepth) -> Theme? {
        try? slot.resolved().get()(depth)
    }

    /// The themes `t` cycles through, and the index of `selected` among them: every theme of
    /// `themesDirectory` (or the built-in default when it has none), plus `selected` when it is a
    /// file elsewhere. Only `selected` is read here; the others when first shown. A theme named
    /// "default" that cannot be read is the built-in default.
    /// - Throws: `ThemeError` when `selected` is missing or malformed (unless it is "default" and
    ///   there is no themes directory: then it is the built-in default).
    public static func catalog(selected: String, themesDirectory dir: URL?)
        throws(ThemeError) -> (list: [LoadedTheme], selected: Int) {
        let chosen: ThemeDocument?
        do {
            chosen = try ThemeLoader.document(nameOrPath: selected, themesDirectory: dir)
        } catch {
            guard selected == "default" && dir == nil else { throw error }
            chosen = nil
        }
        var names = dir.map { ThemeLoader.available(in: $0) } ?? []
        if names.isEmpty { names = ["default"] }
        var list: [LoadedTheme] = []
        var index: Int?
        for name in names {
            if name == selected, let chosen {
                index = list.count
                list.append(LoadedTheme(name: name, forDepth: { chosen.theme(for: $0) }))
            } else if let dir {
                list.append(LoadedTheme(name: name) { () throws(ThemeError) -> ThemeDocument in
                    do throws(ThemeError) {
                        return try ThemeLoader.document(nameOrPath: name, themesDirectory: dir)
                    } catch {
                        guard name == "default" else { throw error }
                        return ThemeDocument(theme: Theme.builtinDefault)
                    }
                })
            } else {
                list.append(LoadedTheme(name: "default", forDepth: { Theme.builtinDefault.mapped(to: $0) }))
            }
        }
        if let index { return (list, index) }
        guard let chosen else { return (list, 0) }
        list.append(LoadedTheme(name: chosen.theme.name, forDepth: { chosen.theme(for: $0) }))
        return (list, list.count - 1)
    }

    /// Before `t` moves on from the theme shown: reads the next theme, and drops it, and any after
    /// it, that cannot be read or parsed, from `themes` and `state.themeNames`, as start-up did
    /// when it read every theme. Returns whether any was dropped (indices changed). Does nothing
    /// when `state.themeNames` does not list `themes` (monochrome).
    @discardableResult
    public static func dropUnreadable(before cycling: inout AppState, _ themes: inout [LoadedTheme]) -> Bool {
        guard cycling.themeNames == themes.map(\.name) else { return false }
        var dropped = false
        while themes.count > 1 {
            let next = (cycling.themeIndex + 1) % themes.count
            guard themes[next].load() != nil else { break }
            themes.remove(at: next)
            cycling.themeNames.remove(at: next)
            if next < cycling.themeIndex { cycling.themeIndex -= 1 }
            dropped = true
        }
        return dropped
    }
}

/// A theme, read at most once, from whichever thread needs it first.
private final class ThemeSlot: Sendable {
    enum State {
        case ready(@Sendable (ColorDepth) -> Theme)
        case unread(@Sendable () throws(ThemeError) -> ThemeDocument)
        case failed(ThemeError)
    }

    private let state: Mutex<State>

    init(_ state: State) { self.state = Mutex(state) }

    func resolved() -> Result<@Sendable (ColorDepth) -> Theme, ThemeError> {
        state.withLock { state in
            switch state {
            case .ready(let forDepth):
                return .success(forDepth)
            case .failed(let error):
                return .failure(error)
            case .unread(let parse):
                do throws(ThemeError) {
                    let document = try parse()
                    let forDepth: @Sendable (ColorDepth) -> Theme = { document.theme(for: $0) }
                    state = .ready(forDepth)
                    return .success(forDepth)
                } catch {
                    state = .failed(error)
                    return .failure(error)
                }
            }
        }
    }
}

/// The interactive app: the ncurses loop on the calling thread, pollers in tasks.
public final class App {
    private var state: AppState
    private var themes: [LoadedTheme]
    private let options: TerminalOptions
    private let sources: [any Source]
    private let forceASCII: Bool
    private let store: VigilStore?
    private let storeProblem: String?

    /// Creates the app. `state.themeNames` must match `themes`.
    public init(state: AppState, themes: [LoadedTheme], sources: [any Source], options: TerminalOptions,
                forceASCII: Bool, store: VigilStore? = nil, storeProblem: String? = nil) {
        self.state = state; self.themes = themes; self.sources = sources; self.options = options
        self.forceASCII = forceASCII; self.store = store; self.storeProblem = storeProblem
    }

    /// Runs until the user quits or the terminal goes away. Restores the terminal on every path.
    /// Returns the exit status: 0 after `q`, 128 + the signal's number after Ctrl-C, SIGTERM,
    /// SIGHUP or SIGQUIT, 1 when the terminal vanished.
    public func run() throws(TerminalError) -> Int32 {
        let wakeup = try Wakeup()
        let inbox = Inbox(wakeup: wakeup)
        let runner = SourceRunner(sources: sources, inbox: inbox)
        // The first polls run while the terminal is set up, so that a quick answer (the demo's
        // takes a millisecond or two) is in the first frame.
        var tasks = runner.start()
        defer { for t in tasks { t.cancel() } }
        let term = try NcursesTerminal(options: options)
        defer { term.restore() }
        let glyphs: Glyphs = (forceASCII || term.asciiOnly || !term.isUTF8) ? .ascii : .unicode
        var mapped: [Int: Theme] = [:]
        func theme() -> Theme {
            if let t = mapped[state.themeIndex] { return t }
            let loaded = themes.indices.contains(state.themeIndex) ? themes[state.themeIndex] : themes.first
            let t = options.noColor || term.colorDepth == .mono ? Theme.monochrome
                : (loaded?.forDepth(term.colorDepth) ?? Theme.builtinDefault)
            mapped[state.themeIndex] = t
            return t
        }

        state.size = term.size
        state.now = Date()
        if options.noColor || term.colorDepth == .mono {
            // Themes are colours; without colour there is one way to draw, so say so on `t`.
            state.themeNames = ["monochrome"]
            state.themeIndex = 0
        }
        let outbox = store.map { AckOutbox(store: $0, sources: runner.sources, inbox: inbox) }
        if let storeProblem { inbox.post(.storeProblem(storeProblem)) }
        if let store, let outbox {
            let pending = outbox.pending()
            if !pending.isEmpty { inbox.post(.outboxPending(pending.map(\.incidentID))) }
            if let remembered = try? store.history(since: Date().addingTimeInterval(-62 * 86_400)) {
                inbox.post(.historyLoaded(remembered))
            }
        }
        let forgetful = Set(sources.filter { !$0.keepsHistory }.map(\.id))
        var lastRetryCheck = Date.distantPast
        var lastTrim = Date()
        var last: CellGrid?
        var running = true
        var status: Int32 = 0
        var idleInputWakeups = 0

        func apply(_ event: Event) {
            // Themes other than the first are read when `t` reaches them.
            if case .key(let key) = event, state.keyMap.action(for: key, in: state.mode.keyContext) == .cycleTheme,
               LoadedTheme.dropUnreadable(before: &state, &themes) {
                mapped = [:]
            }
            for effect in reduce(&state, event) {
                switch effect {
                case .quit: running = false
                case .repaint: term.repaintAll()
                case .bell: term.bell()
                case .acknowledge(let id, _, let by):
                    guard let incident = state.incident(id) else { break }
                    if let outbox {
                        if let t = outbox.submit(incident, kind: .acknowledge, by: by) { tasks.append(t) }
                    } else {
                        tasks.append(runner.acknowledge(incident, by: by))
                    }
                case .unacknowledge(let id, _, let by):
                    guard let incident = state.incident(id) else { break }
                    if let outbox {
                        if let t = outbox.submit(incident, kind: .unacknowledge, by: by) { tasks.append(t) }
                    } else {
                        tasks.append(runner.unacknowledge(incident, by: by))
                    }
                }
            }
        }

        func handle(_ events: [Event]) {
            for event in events {
                // Remember what sources without history saw, so metrics survive restarts.
                if let store, case .sourcePolled(let id, let report) = event, forgetful.contains(id),
                   case .updated(let snapshot, _) = report.outcome, let incidents = snapshot.incidents {
                    do {
                        try store.record(incidents: incidents, source: id, at: report.at)
                        try store.markMissing(source: id, presentIDs: Set(incidents.map(\.id)), at: report.at)
                    } catch {
                        apply(.storeProblem("\(error)"))
                    }
                }
                apply(event)
            }
        }

        // What arrived while the terminal was set up is in the first frame.
        handle(inbox.drain())
        while running {
            let grid = DashboardView.render(state, ViewContext(theme: theme(), glyphs: glyphs))
            if grid != last {
                term.draw(grid, previous: last)
                last = grid
            }
            // While acknowledgements wait in the outbox, look at them every couple of seconds.
            let waitingAcks = state.acks.values.contains { if case .pending = $0 { return true } else { return false } }
            let result = term.wait(timeout: waitingAcks ? min(timeUntilNextTick(), .seconds(2)) : timeUntilNextTick(),
                                   wakeup: wakeup)
            if result.inputClosed { status = 1; break }
            if let sig = term.takeSignal() {
                status = sig.exitStatus
                break
            }
            apply(.tick(Date()))
            let inputs = term.readInput()
            // Input said ready but nothing could be read, again and again: the terminal is gone
            // without a hang-up reaching us. Stop instead of spinning.
            idleInputWakeups = result.input && inputs.isEmpty ? idleInputWakeups + 1 : 0
            if idleInputWakeups > 200 { status = 1; break }
            for input in inputs {
                switch input {
                case .key(let k): apply(.key(k))
                case .resize(let s): apply(.resized(s)); last = nil
                }
                if !running { break }
            }
            handle(inbox.drain())
            // Saved acknowledgements that are due: checked against the source, then re-sent.
            if let outbox, Date().timeIntervalSince(lastRetryCheck) >= 1 {
                lastRetryCheck = Date()
                let current = state
                tasks += outbox.retryDue(incident: { current.incident($0) },
                                         answered: { current.sources[$0]?.lastSuccess != nil })
            }
            tasks.removeAll { $0.isCancelled }
            // Weeks on a wall: give freed memory back, so fragments do not pile up as resident
            // memory (the soak test shows the heap in use flat, and resident memory creeping
            // without this).
            if Date().timeIntervalSince(lastTrim) >= Self.trimEvery {
                lastTrim = Date()
                vigil_trim_heap()
            }
        }
        return status
    }

    /// How often freed memory is handed back to the system.
    static let trimEvery: TimeInterval = 60

    /// Until the next moment something visible can change on its own: the next whole minute (the
    /// clock and ages are shown in minutes), a flash expiring, or a source turning stale.
    private func timeUntilNextTick() -> Duration {
        let now = Date()
        let t = now.timeIntervalSince1970
        var next = (t / 60).rounded(.down) * 60 + 60
        if let f = state.flash { next = min(next, f.until.timeIntervalSince1970) }
        if let wall = state.wall {
            next = min(next, wall.nextPageAt.timeIntervalSince1970,
                       wall.lastRepaint.timeIntervalSince1970 + wall.settings.repaintEvery)
        }
        for s in state.sources.values {
            if let l = s.lastSuccess {
                let staleAt = l.timeIntervalSince1970 + 2 * s.pollInterval + 0.01
                if staleAt > t { next = min(next, staleAt) }
            }
        }
        return .milliseconds(max(10, Int((next - t) * 1_000)))
    }
}
