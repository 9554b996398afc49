import Foundation
import Testing
@testable import VigilCore
@testable import VigilRender
@testable import VigilRuntime
@testable import VigilStore
@testable import VigilTerminal

/// A terminal that keeps the frames drawn (the loop only ever draws into it).
private final class RecordingTerminal: TerminalDevice {
    let size: Size
    var frames: [CellGrid] = []
    init(size: Size) { self.size = size }
    var colorDepth: ColorDepth { .indexed256 }
    var isUTF8: Bool { true }
    var asciiOnly: Bool { false }
    func draw(_ grid: CellGrid, previous: CellGrid?) { frames.append(grid) }
    func wait(timeout: Duration?, wakeup: Wakeup) -> WaitResult { WaitResult() }
    func readInput() -> [TerminalInput] { [] }
    func takeSignal() -> TerminalSignal? { nil }
    func repaintAll() {}
    func bell() {}
    func setTitle(_ text: String) {}
    func notify(title: String, body: String, using choice: NotifyProtocol) {}
}

private let noon = Date(timeIntervalSince1970: 1_795_694_400)

private func pages(_ count: Int, from: Int = 0) -> [Incident] {
    (from..<from + count).map { i in
        Incident(id: "P-\(i)", source: "s", sourceKey: "\(i)", title: "Page number \(i)", service: "checkout",
                 severity: .critical, status: .triggered, triggeredAt: noon.addingTimeInterval(-Double(i + 1) * 600),
                 paged: true)
    }
}

private func polled(_ incidents: [Incident], at: Date) -> Event {
    .sourcePolled("s", PollReport(outcome: .updated(SourceSnapshot(incidents: incidents), warnings: []), at: at,
                                  duration: 0.01, consecutiveFailures: 0, nextPollAt: nil))
}

/// With `workBeside` (the app), the frame after a poll shows the poll's incidents at once with
/// the figures of before, and the new figures once computed beside it; a frame of another
/// window computes its figures itself, so it is never drawn with another window's figures.
@Suite(.serialized) struct FiguresBesideTests {
    private func loop(workBeside: Bool, _ inbox: Inbox) throws -> (RuntimeLoop, RecordingTerminal) {
        let term = RecordingTerminal(size: Size(width: 120, height: 40))
        let state = AppState(now: noon, size: term.size, user: "alice", title: "t", sources: [("s", 30)])
        let theme = LoadedTheme(name: "default", forDepth: { _ in Theme.builtinDefault })
        let loop = RuntimeLoop(state: state, themes: [theme], terminal: term, sources: [:], store: try VigilStore.volatile(),
                               inbox: inbox, noColor: false, forceASCII: false, workBeside: workBeside, now: { noon })
        return (loop, term)
    }

    private func text(_ grid: CellGrid?) -> String { grid?.lines.joined(separator: "\n") ?? "" }

    @Test func theFrameAfterAPollHasItsIncidentsAndTheFiguresFollow() async throws {
        let (loop, term) = try loop(workBeside: true, Inbox(wakeup: nil))
        loop.handle([polled(pages(3), at: noon)])
        loop.drawFrame()   // the first frame computes its figures
        #expect(loop.drawnFigures?.pages.now.count == 3)
        #expect(text(term.frames.last).contains("Page number 2"))

        loop.handle([polled(pages(40), at: noon.addingTimeInterval(30))])
        loop.drawFrame()
        #expect(text(term.frames.last).contains("3 open") == false)
        #expect(text(term.frames.last).contains("40 open"))
        #expect(loop.drawnFigures?.pages.now.count == 3, "drawn at once with the figures of before")

        // The figures are computed beside; the next frame after they are ready shows them.
        for _ in 0..<500 where loop.figuresPending { try await Task.sleep(for: .milliseconds(10)) }
        loop.drawFrame()
        #expect(loop.drawnFigures?.pages.now.count == 40)
        let ctx = ViewContext(theme: Theme.builtinDefault, glyphs: .unicode)
        #expect(term.frames.last?.lines == DashboardView.render(loop.state, ctx).lines, "the frame is the one computed in place")
    }

    @Test func anotherWindowIsNeverDrawnWithTheFiguresOfTheLast() throws {
        let (loop, _) = try loop(workBeside: true, Inbox(wakeup: nil))
        loop.handle([polled(pages(3), at: noon)])
        loop.drawFrame()
        let week = try #require(loop.drawnFigures)
        loop.handle([.key(.char("w"))])
        #expect(loop.state.window != .week)
        loop.drawFrame()
        let drawn = try #require(loop.drawnFigures)
        #expect(drawn.window != week.window)
        #expect(drawn.window == loop.state.window.interval(endingAt: loop.state.now))
    }

    @Test func historyWrittenBesideIsInPollOrderOnceFinished() throws {
        let inbox = Inbox(wakeup: nil)
        let store = try VigilStore.volatile()
        let term = RecordingTerminal(size: Size(width: 120, height: 40))
        var state = AppState(now: noon, size: term.size, user: "alice", title: "t", sources: [("s", 30)])
        state.sources["s"]?.keepsHistory = false   // as Alertmanager: Vigil remembers what it saw
        let loop = RuntimeLoop(state: state, themes: [LoadedTheme(name: "default", forDepth: { _ in Theme.builtinDefault })],
                               terminal: term, sources: [:], store: store, inbox: inbox, noColor: false, forceASCII: false,
                               workBeside: true, now: { noon })
        // Three polls: 5 pages, then 8, then the first 2 gone (resolved by their absence).
        loop.handle([polled(pages(5), at: noon)])
        loop.handle([polled(pages(8), at: noon.addingTimeInterval(5))])
        loop.handle([polled(pages(6, from: 2), at: noon.addingTimeInterval(10))])
        loop.finishWrites()
        let remembered = try store.history(since: noon.addingTimeInterval(-86_400))
        #expect(remembered.count == 8)
        #expect(remembered.filter { $0.status == .resolved }.map(\.id).sorted() == ["P-0", "P-1"])
        #expect(remembered.first { $0.id == "P-0" }?.resolvedAt == noon.addingTimeInterval(10))
        #expect(inbox.drain().isEmpty, "no store problem")
    }

    @Test func withoutWorkBesideEveryFrameHasItsOwnFigures() throws {
        let (loop, _) = try loop(workBeside: false, Inbox(wakeup: nil))
        loop.handle([polled(pages(3), at: noon)])
        loop.drawFrame()
        loop.handle([polled(pages(40), at: noon.addingTimeInterval(30))])
        loop.drawFrame()
        #expect(DashboardFigures.of(loop.state).pages.now.count == 40)
        #expect(loop.drawnFigures == nil)
    }
}
