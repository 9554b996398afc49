import CVigilSignal
import Foundation
import VigilCore
import VigilRender
import VigilSources
import VigilStore
import VigilTerminal

/// A theme as loaded, ready to map to whatever colour depth the terminal has.
public struct LoadedTheme: Sendable {
    /// Name shown in the header.
    public var name: String
    /// Gives the theme for a depth (uses the file's `ansi16:` overrides on 16-colour terminals).
    public var forDepth: @Sendable (ColorDepth) -> Theme
    /// Creates a loaded theme.
    public init(name: String, forDepth: @escaping @Sendable (ColorDepth) -> Theme) {
        self.name = name; self.forDepth = forDepth
    }
}

/// The interactive app: the ncurses loop on the calling thread, pollers in tasks.
public final class App {
    private var state: AppState
    private let themes: [LoadedTheme]
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
        let term = try NcursesTerminal(options: options)
        defer { term.restore() }
        let inbox = Inbox(wakeup: wakeup)
        let runner = SourceRunner(sources: sources, inbox: inbox)
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
        var tasks = runner.start()
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
        defer { for t in tasks { t.cancel() } }
        var last: CellGrid?
        var running = true
        var status: Int32 = 0
        var idleInputWakeups = 0

        func apply(_ event: Event) {
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
            for event in inbox.drain() {
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
