import CVigilSignal
import Foundation
import Synchronization
import VigilCore
import VigilRender
import VigilSources
import VigilStore
import VigilTerminal
import Logging
import VigilLog

/// The interactive app: the runtime loop on the calling thread, driven by an ncurses terminal and
/// the wall clock; pollers in tasks.
public final class App {
    private let initial: AppState
    private let themes: [LoadedTheme]
    private let options: TerminalOptions
    private let sources: [ConfiguredSource]
    private let forceASCII: Bool
    private let store: VigilStore?
    private let storeProblem: String?

    /// Creates the app. `state.themeNames` must match `themes`. Without a `store` (none could be
    /// opened; `storeProblem` says why) actions go through a volatile one.
    public init(state: AppState, themes: [LoadedTheme], sources: [ConfiguredSource], options: TerminalOptions,
                forceASCII: Bool, store: VigilStore? = nil, storeProblem: String? = nil) {
        self.initial = state; self.themes = themes; self.sources = sources; self.options = options
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
        let pollers = runner.start()
        defer { for t in pollers { t.cancel() } }
        let term = try NcursesTerminal(options: options)
        defer { term.restore() }
        VigilLogging.logger("vigil.terminal").info("terminal", metadata: [
            "term": .string(term.termName), "size": .string("\(term.size.width)x\(term.size.height)"),
            "colors": .string("\(term.colorDepth)"), "utf8": .stringConvertible(term.isUTF8),
            "ascii_only": .stringConvertible(term.asciiOnly), "mouse": .stringConvertible(options.mouse),
        ])
        var problem = storeProblem
        let store: VigilStore
        if let opened = self.store {
            store = opened
        } else {
            do {
                store = try VigilStore.volatile()
            } catch {
                return 1
            }
            problem = problem ?? "no state file: actions are kept in memory only"
        }
        var state = initial
        state.now = Date()
        let loop = RuntimeLoop(state: state, themes: themes, terminal: term, sources: runner.sources, store: store,
                               inbox: inbox, noColor: options.noColor, forceASCII: forceASCII, workBeside: true)
        defer {
            for t in loop.tasks { t.cancel() }
            loop.finishWrites()
        }
        if let problem { loop.handle([.storeProblem(problem)]) }
        if self.store != nil { loop.restore() }
        var trim = TrimSchedule(start: Date())
        var releaseStartupPagesAt: Date? = Date().addingTimeInterval(Self.releaseStartupPagesAfter)
        var status: Int32 = 0
        var idleInputWakeups = 0

        // What arrived while the terminal was set up is in the first frame.
        loop.handle(inbox.drain())
        while loop.running {
            loop.drawFrame()
            // While actions wait in the outbox, look at them every couple of seconds.
            var next = timeUntilNextTick(loop.state)
            if let untilTrim = trim.wait(from: Date()) { next = min(next, untilTrim) }
            let result = term.wait(timeout: loop.actionsPending ? min(next, .seconds(2)) : next, wakeup: wakeup)
            if result.inputClosed { status = 1; break }
            if let sig = term.takeSignal() {
                status = sig.exitStatus
                break
            }
            loop.handle([.tick(Date())])
            let inputs = term.readInput()
            // Input said ready but nothing could be read, again and again: the terminal is gone
            // without a hang-up reaching us. Stop instead of spinning.
            idleInputWakeups = result.input && inputs.isEmpty ? idleInputWakeups + 1 : 0
            if idleInputWakeups > 200 { status = 1; break }
            loop.handleInput(inputs)
            let events = inbox.drain()
            if events.contains(where: { if case .sourcePolled = $0 { true } else { false } }) { trim.polled(at: Date()) }
            loop.handle(events)
            loop.retryDueActions()
            // Weeks on a wall: give freed memory back, so fragments do not pile up as resident
            // memory (the soak test shows the heap in use flat, and resident memory creeping
            // without this), and a moment after each poll (`TrimSchedule`).
            if trim.due(at: Date()) { vigil_trim_heap() }
            // Start-up is over: give back the code and data only it used (see
            // vigil_release_file_pages; the demo's RSS goes from 39 to 22 MB, 16 MB with the code
            // laid out by scripts/build-release; DECISIONS 2026-12-06).
            if let due = releaseStartupPagesAt, Date() >= due {
                releaseStartupPagesAt = nil
                _ = vigil_release_file_pages()
            }
        }
        return status
    }

    /// When start-up is surely over (the first frame drawn, the first polls answered), so the
    /// pages only it touched can be given back.
    public static let releaseStartupPagesAfter: TimeInterval = 5

    /// Until the next moment something visible can change on its own: the next whole minute (the
    /// clock and ages are shown in minutes), a flash expiring, or a source turning stale.
    private func timeUntilNextTick(_ state: AppState) -> Duration {
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
