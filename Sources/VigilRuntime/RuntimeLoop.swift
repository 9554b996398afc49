import CVigilSignal
import Foundation
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

    /// Creates a loop.
    /// - Parameters:
    ///   - state: the state to start from (`state.themeNames` must match `themes`).
    ///   - store: where actions and history are kept (`VigilStore.volatile()` when no file opened).
    ///   - now: the clock of ticks and retries (the wall clock, or a simulated one).
    public init(state: AppState, themes: [LoadedTheme], terminal: any TerminalDevice, sources: [SourceID: any Source],
                store: VigilStore, inbox: Inbox, noColor: Bool, forceASCII: Bool,
                now: @escaping @Sendable () -> Date = { Date() }) {
        self.state = state
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
        let grid = DashboardView.render(state, ViewContext(theme: theme(), glyphs: glyphs))
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
            // Remember what sources without history saw, so metrics survive restarts.
            do {
                try store.record(incidents: incidents, source: source, at: at)
                try store.markMissing(source: source, presentIDs: Set(incidents.map(\.id)), at: at)
            } catch {
                handle([.storeProblem("\(error)")])
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
