import CVigilSignal
import Foundation
import Synchronization
import VigilCore
import VigilRender
import VigilSources
import VigilStore
import VigilTerminal

/// The one loop Vigil runs, whatever drives it: events go through the reducer, the effects it
/// asks for are performed (an action through the outbox, a theme read, history recorded, a bell,
/// a repaint), and each frame is rendered and drawn as a difference. `App` drives it from a
/// terminal and the wall clock; `vigil soak` and the headless tests drive it from a simulated
/// clock into a headless terminal.
public final class RuntimeLoop {
    /// The state, changed only by the reducer.
    public private(set) var state: AppState
    /// False once quitting was asked for.
    public private(set) var running = true
    /// The tasks of actions under way (cancelled when the loop's owner stops).
    public private(set) var tasks: [Task<Void, Never>] = []

    private var themes: [LoadedTheme]
    private let terminal: any TerminalDevice
    private let store: VigilStore
    private let outbox: ActionOutbox
    private let sources: [SourceID: any Source]
    private let inbox: Inbox
    private let noColor: Bool
    private let glyphs: Glyphs
    private let now: @Sendable () -> Date
    private var mapped: [Int: Theme] = [:]
    private var lastFrame: CellGrid?
    private var lastTitle: String?
    private var lastRetryCheck = Date.distantPast
    /// Whether the dashboard's figures are computed, and history written, beside the terminal
    /// thread (see `figures()` and `.recordHistory`).
    private let workBeside: Bool
    /// History writes beside the terminal thread, in order.
    private let historyWrites = DispatchQueue(label: "vigil.history-writes", qos: .utility)
    /// The figures last drawn, with their basis.
    private var shownFigures: (basis: DashboardFigures.Basis, figures: DashboardFigures)?
    /// The computation of figures under way beside the terminal thread, if one is.
    private var figuresJob: FiguresJob?
    /// The figures of the last frame, when `workBeside` (for tests).
    var drawnFigures: DashboardFigures? { shownFigures?.figures }
    /// True while figures are computed beside the terminal thread (for tests).
    var figuresPending: Bool { !(figuresJob?.isDone ?? true) }

    /// Creates a loop.
    /// - Parameters:
    ///   - state: the state to start from (`state.themeNames` must match `themes`).
    ///   - store: where actions and history are kept (`VigilStore.volatile()` when no file opened).
    ///   - now: the clock of ticks and retries (the wall clock, or a simulated one).
    ///   - workBeside: compute the figures after a poll on another thread and draw the frame at
    ///     once with the ones before it, and write a poll's incidents to the history on another
    ///     thread (the app); false does both on the loop's thread, so a frame and the store are a
    ///     function of the events before them (tests, `vigil soak`).
    public init(state: AppState, themes: [LoadedTheme], terminal: any TerminalDevice, sources: [SourceID: any Source],
                store: VigilStore, inbox: Inbox, noColor: Bool, forceASCII: Bool, workBeside: Bool = false,
                now: @escaping @Sendable () -> Date = { Date() }) {
        self.state = state
        self.workBeside = workBeside
        self.themes = themes
        self.terminal = terminal
        self.store = store
        self.noColor = noColor
        self.now = now
        self.outbox = ActionOutbox(store: store, sources: sources, inbox: inbox, now: now)
        self.sources = sources
        self.inbox = inbox
        self.glyphs = (forceASCII || terminal.asciiOnly || !terminal.isUTF8) ? .ascii : .unicode
        self.state.size = terminal.size
        if noColor || terminal.colorDepth == .mono {
            // Themes are colours; without colour there is one way to draw, so say so on `t`.
            self.state.themeNames = ["monochrome"]
            self.state.themeIndex = 0
        }
    }

    /// Shows what the store remembers: actions still waiting from an earlier run, and the
    /// incidents of sources that forget (`history` days back).
    public func restore(history days: Double = 62) {
        let pending = outbox.pending()
        if !pending.isEmpty {
            handle([.outboxPending(pending.compactMap { entry in entry.action.map { (entry.incidentID, $0) } })])
        }
        if let remembered = try? store.history(since: now().addingTimeInterval(-days * 86_400)) {
            handle([.historyLoaded(remembered)])
        }
    }

    /// Reduces events in order and performs the effects each asks for.
    public func handle(_ events: [Event]) {
        for event in events where running {
            for effect in reduce(&state, event) { perform(effect) }
        }
    }

    /// Renders the state and draws what changed since the last frame (`draw: false` renders
    /// only, to tell the two apart in a soak run).
    public func drawFrame(draw: Bool = true) {
        let grid = DashboardView.render(state, ViewContext(theme: theme(), glyphs: glyphs), figures: figures())
        if draw, grid != lastFrame {
            terminal.draw(grid, previous: lastFrame)
            lastFrame = grid
        }
        if draw, state.notify.title, state.sources.values.contains(where: { $0.lastSuccess != nil }) {
            // The count of unacknowledged pages in the title: a background tab tells.
            let title = state.terminalTitle
            if title != lastTitle {
                terminal.setTitle(title)
                lastTitle = title
            }
        }
    }

    /// The figures for the next frame. With `workBeside`, a frame whose figures are not
    /// computed yet (the data changed: a poll, history; or a new minute) is drawn at once with
    /// the figures last drawn when they are of the same window and settings, and the new ones
    /// are computed on another thread, which wakes the loop to draw them. Metrics over 100,000
    /// deployments take tens of milliseconds: the table shows a poll's incidents, and keys are
    /// answered, without waiting for them (DECISIONS 2026-12-06, "Figures beside the frame").
    /// The first frame, and a frame of another window or settings, computes them here.
    private func figures() -> DashboardFigures? {
        guard workBeside else { return nil }
        let basis = DashboardFigures.Basis(state)
        if let ready = DashboardFigures.ready(state) ?? figuresJob?.result(for: state) {
            shownFigures = (basis, ready)
            return ready
        }
        guard let shown = shownFigures, shown.basis == basis else {
            let made = DashboardFigures.of(state)
            shownFigures = (basis, made)
            return made
        }
        // One computation at a time; when it ends, the frame it wakes starts the next if the
        // data moved on meanwhile.
        if figuresJob?.isDone ?? true {
            let current = state, inbox = self.inbox
            let job = FiguresJob(current)
            figuresJob = job
            Task.detached(priority: .userInitiated) {
                job.finish(DashboardFigures.of(current))
                inbox.wake()
            }
        }
        return shown.figures
    }

    /// Waits for the history writes under way (before the store is closed).
    public func finishWrites() { historyWrites.sync {} }

    /// Keys and resizes from the terminal, as events.
    public func handleInput(_ inputs: [TerminalInput]) {
        for input in inputs where running {
            switch input {
            case .key(let k): handle([.key(k)])
            case .mouse(let m): handle([.mouse(m)])
            case .resize(let s):
                handle([.resized(s)])
                lastFrame = nil
            }
        }
    }

    /// Saved actions that are due: checked against the source, then sent again (at most once a
    /// second).
    public func retryDueActions() {
        guard now().timeIntervalSince(lastRetryCheck) >= 1 else { return }
        lastRetryCheck = now()
        let current = state
        tasks += outbox.retryDue(incident: { current.incident($0) }, answered: { current.sources[$0]?.lastSuccess != nil })
        tasks.removeAll { $0.isCancelled }
    }

    /// True while an action waits for its source (the loop then looks at the outbox often).
    public var actionsPending: Bool { state.actions.values.contains { $0.isPending } }

    private func perform(_ effect: Effect) {
        switch effect {
        case .quit:
            running = false
        case .repaint:
            terminal.repaintAll()
        case .bell:
            terminal.bell()
        case .changeSilence(let change, let id, let sourceID, let by):
            // Not through the outbox: one request whose answer shows at once; a change lost to a
            // crash leaves the silence as it was, in view (DECISIONS.md).
            guard let source = sources[sourceID] else { break }
            let inbox = self.inbox, now = self.now
            tasks.append(Task.detached {
                do {
                    let silence = try await source.changeSilence(change, id: id, by: by, now: now())
                    inbox.post(.silenceChanged(replacing: id, silence, change))
                } catch {
                    inbox.post(.silenceChangeFailed(id, change, (error as? SourceError) ?? SourceError(.unreachable, String(describing: error))))
                }
            })
        case .notify(let title, let body):
            terminal.notify(title: title, body: body, using: state.notify.protocolChoice)
        case .act(let action, let id, _, let by):
            guard let incident = state.incident(id) else { break }
            if let task = outbox.submit(action, on: incident, by: by) { tasks.append(task) }
        case .recordHistory(let source, let incidents, let at):
            // Remember what sources without history saw, so metrics survive restarts. Comparing
            // 10,000 incidents with what the store holds takes milliseconds: with `workBeside`
            // it is done on a queue of its own (in order), and a failure comes back as an event.
            let store = self.store
            let write: @Sendable () throws(StoreError) -> Void = {
                try store.record(incidents: incidents, source: source, at: at)
                try store.markMissing(source: source, presentIDs: Set(incidents.map(\.id)), at: at)
            }
            if workBeside {
                let inbox = self.inbox
                historyWrites.async {
                    do { try write() } catch { inbox.post(.storeProblem("\(error)")) }
                }
            } else {
                do { try write() } catch { handle([.storeProblem("\(error)")]) }
            }
        case .loadTheme(let index):
            // Monochrome: nothing to read. Otherwise the theme is read now, the first time it shows.
            let problem = LoadedTheme.load(at: index, &themes, names: state.themeNames)
            mapped = [:]
            handle([.themeLoaded(index: index, problem: problem)])
        }
    }

    private func theme() -> Theme {
        if let t = mapped[state.themeIndex] { return t }
        let loaded = themes.indices.contains(state.themeIndex) ? themes[state.themeIndex] : themes.first
        let t = noColor || terminal.colorDepth == .mono ? Theme.monochrome
            : (loaded?.forDepth(terminal.colorDepth) ?? Theme.builtinDefault)
        mapped[state.themeIndex] = t
        return t
    }
}

/// A computation of figures beside the terminal thread, and its result once done (kept here too:
/// the memo may have let it go by the time the loop looks).
private final class FiguresJob: Sendable {
    private let revision: UInt64, now: Date
    private let figures = Mutex<DashboardFigures?>(nil)
    private let done = Atomic<Bool>(false)

    init(_ state: AppState) { revision = state.revision; now = state.now }

    var isDone: Bool { done.load(ordering: .acquiring) }

    func finish(_ result: DashboardFigures) {
        figures.withLock { $0 = result }
        done.store(true, ordering: .releasing)
    }

    /// The figures computed, if they are those of `state` (its data, and the minute of its clock).
    func result(for state: AppState) -> DashboardFigures? {
        guard isDone, state.revision == revision,
              Int((state.now.timeIntervalSince1970 / 60).rounded(.down)) == Int((now.timeIntervalSince1970 / 60).rounded(.down))
        else { return nil }
        return figures.withLock { $0 }
    }
}
