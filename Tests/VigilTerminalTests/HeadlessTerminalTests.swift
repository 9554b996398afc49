#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Testing
import VigilCore
import VigilRender
@testable import VigilTerminal

/// Everything that touches ncurses (process-global state) runs here, one test at a time.
@Suite(.serialized) struct HeadlessTerminalTests {
    static func temporaryPath(_ name: String) -> String {
        "/tmp/vigil-term-\(getpid())-\(name).out"
    }

    static func bytes(at path: String) -> [UInt8] {
        guard let f = fopen(path, "r") else { return [] }
        defer { fclose(f) }
        var out: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = fread(&buffer, 1, buffer.count, f)
            if n <= 0 { break }
            out.append(contentsOf: buffer[0..<n])
        }
        return out
    }

    static func sampleGrid() -> CellGrid {
        var grid = CellGrid(width: 12, height: 4)
        grid.put("Hello, vigil", x: 0, y: 0)
        grid.put("┌─┐", x: 0, y: 1, style: Style(fg: .ansi(2)))
        grid.put("中文 ok", x: 1, y: 2, style: Style(fg: .rgb(255, 0, 0), bg: .indexed(236), attrs: .bold))
        grid.put("x", x: 11, y: 3, style: Style(attrs: [.reverse, .underline]))
        return grid
    }

    @Test func drawsASCIIBoxDrawingAndWideGlyphs() throws {
        let term = try NcursesTerminal(headless: Size(width: 12, height: 4))
        defer { term.restore() }
        #expect(term.size == Size(width: 12, height: 4))
        #expect(term.colorDepth == .indexed256)
        let grid = Self.sampleGrid()
        term.draw(grid, previous: nil)
        #expect(term.screenLines() == grid.lines)
        #expect(term.screenLines()[2] == " 中文 ok    ")
        #expect(term.colorPairsInUse == 2)
    }

    @Test func secondDrawSendsOnlyTheChange() throws {
        let path = Self.temporaryPath("diff")
        defer { unlink(path) }
        let term = try NcursesTerminal(headless: Size(width: 40, height: 10), outputPath: path)
        defer { term.restore() }
        var first = CellGrid(width: 40, height: 10, filling: "x")
        first.put("uptime 12m", x: 2, y: 3)
        term.draw(first, previous: nil)
        let afterFirst = Self.bytes(at: path).count
        #expect(afterFirst > 400)

        var second = first
        second.put("13m", x: 9, y: 3)
        #expect(second.changes(since: first).count == 1)
        term.draw(second, previous: first)
        let frame = Array(Self.bytes(at: path)[afterFirst...])
        let text = String(decoding: frame, as: UTF8.self)
        #expect(text.contains("3"))
        #expect(!text.contains("uptime"))
        #expect(!text.contains("xxxx"))
        #expect(frame.count < 40, "second frame was \(frame.count) bytes: \(text.debugDescription)")
        #expect(term.screenLines()[3] == "xxuptime 13mxxxxxxxxxxxxxxxxxxxxxxxxxxxx")

        // Nothing changed: nothing at all is written.
        let before = Self.bytes(at: path).count
        term.draw(second, previous: second)
        term.draw(second)
        #expect(Self.bytes(at: path).count == before)
    }

    @Test func framesAreWrappedInSynchronizedOutput() throws {
        let path = Self.temporaryPath("sync")
        defer { unlink(path) }
        let term = try NcursesTerminal(headless: Size(width: 20, height: 3), outputPath: path)
        defer { term.restore() }
        var grid = CellGrid(width: 20, height: 3)
        grid.put("frame one", x: 0, y: 0)
        term.draw(grid, previous: nil)
        let start = Self.bytes(at: path).count
        grid.put("frame two", x: 0, y: 1)
        term.draw(grid)
        let frame = String(decoding: Self.bytes(at: path)[start...], as: UTF8.self)
        #expect(frame.hasPrefix("\u{1B}[?2026h"), "\(frame.debugDescription)")
        #expect(frame.hasSuffix("\u{1B}[?2026l"), "\(frame.debugDescription)")
        #expect(frame.contains("frame two"))
    }

    @Test func synchronizedOutputCanBeTurnedOff() throws {
        let path = Self.temporaryPath("nosync")
        defer { unlink(path) }
        let term = try NcursesTerminal(headless: Size(width: 20, height: 3),
                                       options: TerminalOptions(synchronizedOutput: false), outputPath: path)
        var grid = CellGrid(width: 20, height: 3)
        grid.put("plain", x: 0, y: 0)
        term.draw(grid, previous: nil)
        term.restore()
        let all = String(decoding: Self.bytes(at: path), as: UTF8.self)
        #expect(!all.contains("2026"))
        #expect(all.contains("plain"))
    }

    @Test func forceRepaintSendsEverythingAgain() throws {
        let path = Self.temporaryPath("repaint")
        defer { unlink(path) }
        let term = try NcursesTerminal(headless: Size(width: 30, height: 4), outputPath: path)
        defer { term.restore() }
        var grid = CellGrid(width: 30, height: 4)
        grid.put("static text here", x: 1, y: 1)
        term.draw(grid, previous: nil)
        let start = Self.bytes(at: path).count
        term.forceRepaint()
        term.draw(grid, previous: grid)
        let frame = String(decoding: Self.bytes(at: path)[start...], as: UTF8.self)
        #expect(frame.contains("static text here"))
    }

    @Test func repaintAllStartsFromScratchInOneFrame() throws {
        let path = Self.temporaryPath("repaintall")
        defer { unlink(path) }
        let term = try NcursesTerminal(headless: Size(width: 30, height: 4), outputPath: path)
        defer { term.restore() }
        var grid = CellGrid(width: 30, height: 4)
        grid.put("static text here", x: 1, y: 1, style: Style(fg: .indexed(203)))
        term.draw(grid, previous: nil)
        let start = Self.bytes(at: path).count
        term.repaintAll()
        let frame = String(decoding: Self.bytes(at: path)[start...], as: UTF8.self)
        // xterm-256color: sgr0 = ESC(B ESC[m, op = ESC[39;49m, civis = ESC[?25l; clear = ESC[H ESC[2J.
        let reset = "\u{1B}(B\u{1B}[m\u{1B}[39;49m\u{1B}[?25l"
        #expect(frame.hasPrefix("\u{1B}[?2026h" + reset), "\(frame.debugDescription)")
        #expect(frame.contains("\u{1B}[H\u{1B}[2J"), "\(frame.debugDescription)")
        #expect(frame.contains("static text here"))
        #expect(frame.hasSuffix("\u{1B}[?2026l"))
        #expect(term.screenLines()[1] == " static text here             ")

        // Nothing changed since: the next draw sends nothing.
        let after = Self.bytes(at: path).count
        term.draw(grid)
        #expect(Self.bytes(at: path).count == after)
    }

    @Test func resetSequenceDropsPadding() {
        #expect(NcursesTerminal.withoutPadding("\u{1B}[m\u{0F}$<2>") == "\u{1B}[m\u{0F}")
        #expect(NcursesTerminal.withoutPadding("a$<50/>b$<5*>c") == "abc")
        #expect(NcursesTerminal.withoutPadding("plain $< no end") == "plain $< no end")
    }

    @Test func resizeToOneByOne() throws {
        let term = try NcursesTerminal(headless: Size(width: 20, height: 5))
        defer { term.restore() }
        term.draw(Self.sampleGrid(), previous: nil)
        term.resize(to: Size(width: 1, height: 1))
        #expect(term.size == Size(width: 1, height: 1))
        term.draw(CellGrid(width: 1, height: 1, filling: "#"), previous: nil)
        #expect(term.screenLines() == ["#"])
        // A wide glyph cannot fit in one column; a larger grid is clipped.
        var wide = CellGrid(width: 1, height: 1)
        wide[0, 0] = Cell("中")
        term.draw(wide)
        #expect(term.screenLines() == ["?"])
        term.draw(Self.sampleGrid())
        #expect(term.screenLines() == ["H"])
        term.resize(to: Size(width: 6, height: 2))
        term.draw(Self.sampleGrid())
        #expect(term.screenLines() == ["Hello,", "┌─┐   "])
    }

    @Test func gridSmallerThanTheScreenLeavesTheRestBlank() throws {
        let term = try NcursesTerminal(headless: Size(width: 6, height: 3))
        defer { term.restore() }
        term.draw(CellGrid(width: 6, height: 3, filling: "x"), previous: nil)
        var small = CellGrid(width: 3, height: 2, filling: "o")
        term.draw(small)
        #expect(term.screenLines() == ["ooo   ", "ooo   ", "      "])
        small[1, 1] = Cell("!")
        term.draw(small)
        #expect(term.screenLines() == ["ooo   ", "o!o   ", "      "])
    }

    @Test func wideGlyphReplacedByNarrowAndBack() throws {
        let term = try NcursesTerminal(headless: Size(width: 6, height: 1))
        defer { term.restore() }
        var a = CellGrid(width: 6, height: 1)
        a.put("ab中cd", x: 0, y: 0)
        term.draw(a, previous: nil)
        #expect(term.screenLines() == ["ab中cd"])
        var b = a
        b.put("xy", x: 2, y: 0)
        term.draw(b, previous: a)
        #expect(term.screenLines() == ["abxycd"])
        var c = b
        c.put("文", x: 3, y: 0)
        term.draw(c, previous: b)
        #expect(term.screenLines() == ["abx文d"])
        #expect(term.screenLines() == c.lines)
    }

    @Test func oddGlyphsNeverCrash() throws {
        let term = try NcursesTerminal(headless: Size(width: 12, height: 1))
        defer { term.restore() }
        var grid = CellGrid(width: 12, height: 1)
        grid[0, 0] = Cell("\u{7}")           // control character → space
        grid[1, 0] = Cell("\u{301}")         // lone combining mark → space
        grid[2, 0] = Cell("e\u{301}")        // e + combining acute, kept
        grid[3, 0] = Cell("👨‍👩‍👧")          // ZWJ sequence → its first emoji
        grid[4, 0] = .continuation(.plain)
        grid[5, 0] = .continuation(.plain)   // stray continuation → space
        grid[6, 0] = Cell("😀")              // wide, but the grid says narrow → "?"
        grid[11, 0] = Cell("中")             // wide in the last column → "?"
        term.draw(grid, previous: nil)
        #expect(term.screenLines() == ["  e\u{301}👨 ?    ?"])
    }

    @Test func asciiOnlyDrawsQuestionMarks() throws {
        let term = try NcursesTerminal(headless: Size(width: 8, height: 1),
                                       options: TerminalOptions(asciiOnly: true))
        defer { term.restore() }
        #expect(term.asciiOnly)
        var grid = CellGrid(width: 8, height: 1)
        grid.put("a┌b中", x: 0, y: 0)
        term.draw(grid, previous: nil)
        #expect(term.screenLines() == ["a?b?    "])
    }

    @Test func colourDepthFollowsTerminfoAndOptions() throws {
        do {
            let t = try NcursesTerminal(headless: Size(width: 4, height: 1), options: TerminalOptions(noColor: true))
            #expect(t.colorDepth == .mono)
            var g = CellGrid(width: 4, height: 1)
            g.put("ab", x: 0, y: 0, style: Style(fg: .rgb(1, 2, 3)))
            t.draw(g, previous: nil)
            #expect(t.colorPairsInUse == 0)
            t.restore()
        }
        do {
            let t = try NcursesTerminal(headless: Size(width: 4, height: 1), term: "vt100")
            #expect(t.colorDepth == .mono)
            t.restore()
        }
        do {
            let t = try NcursesTerminal(headless: Size(width: 4, height: 1), term: "xterm")
            #expect(t.colorDepth == .ansi16)
            t.restore()
        }
        do {
            let t = try NcursesTerminal(headless: Size(width: 4, height: 1), term: "xterm-256color",
                                        options: TerminalOptions(colorDepth: .ansi16))
            #expect(t.colorDepth == .ansi16)
            t.restore()
        }
        do {
            // Asking for more than terminfo offers gives what it offers.
            let t = try NcursesTerminal(headless: Size(width: 4, height: 1), term: "xterm-256color",
                                        options: TerminalOptions(colorDepth: .truecolor))
            #expect(t.colorDepth == .indexed256)
            t.restore()
        }
    }

    @Test func runningOutOfColourPairsRepaints() throws {
        // xterm: 8 colours, 64 pairs (63 usable). 9×9 fg/bg combinations (default + 8) do not fit.
        let term = try NcursesTerminal(headless: Size(width: 9, height: 9), term: "xterm")
        defer { term.restore() }
        let colors: [Color] = [.default] + (0..<8).map { Color.ansi(UInt8($0)) }
        var grid = CellGrid(width: 9, height: 9)
        for y in 0..<9 {
            for x in 0..<9 { grid[x, y] = Cell("#", style: Style(fg: colors[x], bg: colors[y])) }
        }
        term.draw(grid, previous: nil)
        #expect(term.pairResets == 1)
        #expect(term.colorPairsInUse <= 63)
        #expect(term.screenLines().allSatisfy { $0 == "#########" })
        var other = grid
        other.put("ok", x: 0, y: 0, style: Style(fg: .ansi(1), bg: .ansi(2)))
        term.draw(other, previous: grid)
        #expect(term.screenLines()[0].hasPrefix("ok#"))
    }

    static let directTerminfoDir: String? = {
        var dirs = ["/etc/terminfo", "/lib/terminfo", "/usr/share/terminfo"]
        if let extra = getenv("TERMINFO_DIRS") {
            dirs += String(cString: extra).split(separator: ":").map(String.init)
        }
        return dirs.first { access("\($0)/x/xterm-direct", R_OK) == 0 }
    }()

    /// Needs the xterm-direct terminfo entry (Debian: ncurses-term).
    @Test(.enabled(if: directTerminfoDir != nil)) func truecolorWithDirectTerminfo() throws {
        let term = try NcursesTerminal(headless: Size(width: 4, height: 1), term: "xterm-direct")
        defer { term.restore() }
        #expect(term.colorDepth == .truecolor)
        var grid = CellGrid(width: 4, height: 1)
        grid.put("rgb", x: 0, y: 0, style: Style(fg: .rgb(0x12, 0x34, 0x56), bg: .rgb(0, 0, 0)))
        term.draw(grid, previous: nil)
        #expect(term.screenLines() == ["rgb "])
        #expect(term.colorPairsInUse == 1)
    }

    @Test func unknownAndDumbTerminalsAreRefused() {
        #expect(throws: TerminalError.unknownTerminal(term: "no-such-terminal-xyz")) {
            _ = try NcursesTerminal(headless: Size(width: 4, height: 1), term: "no-such-terminal-xyz")
        }
        do {
            _ = try NcursesTerminal(headless: Size(width: 4, height: 1), term: "dumb")
            Issue.record("dumb accepted")
        } catch {
            guard case .unsupportedTerminal(let term, _) = error else {
                Issue.record("wrong error \(error)")
                return
            }
            #expect(term == "dumb")
            #expect(error.description.contains("vigil --once"))
        }
        #expect(TerminalError.notATerminal.description.contains("--once"))
        #expect(TerminalError.unknownTerminal(term: "foo").description.contains("TERM=foo"))
    }

    @Test func restoreIsIdempotent() throws {
        let term = try NcursesTerminal(headless: Size(width: 4, height: 2))
        term.draw(CellGrid(width: 4, height: 2, filling: "a"), previous: nil)
        term.restore()
        term.restore()
        term.draw(CellGrid(width: 4, height: 2, filling: "b"), previous: nil) // ignored, no crash
        #expect(term.readInput().isEmpty)
        #expect(term.screenLines().isEmpty)
        // A new screen works after the old one is gone.
        let again = try NcursesTerminal(headless: Size(width: 4, height: 2))
        again.draw(CellGrid(width: 4, height: 2, filling: "c"), previous: nil)
        #expect(again.screenLines() == ["cccc", "cccc"])
    }

    @Test func wakeupAndTimeout() throws {
        let term = try NcursesTerminal(headless: Size(width: 4, height: 1))
        defer { term.restore() }
        let wakeup = try Wakeup()
        let clock = ContinuousClock()
        let start = clock.now
        var r = term.wait(timeout: .milliseconds(30), wakeup: wakeup)
        #expect(r.timedOut)
        #expect(clock.now - start >= .milliseconds(25))
        wakeup.signal()
        wakeup.signal()
        r = term.wait(timeout: .seconds(5), wakeup: wakeup)
        #expect(r == WaitResult(wakeup: true))
        r = term.wait(timeout: .milliseconds(1), wakeup: wakeup)
        #expect(r.timedOut) // drained
        term.feedInput("q")
        r = term.wait(timeout: .seconds(5), wakeup: wakeup)
        #expect(r == WaitResult(input: true))
        #expect(term.readInput() == [.key(.char("q"))])
        #expect(term.wait(timeout: .zero, wakeup: wakeup).timedOut)
    }

    @Test func keysThroughNcurses() throws {
        let term = try NcursesTerminal(headless: Size(width: 4, height: 1))
        defer { term.restore() }
        // xterm-256color in keypad mode: cursor keys are ESC O x; Shift-Tab is ESC [ Z.
        term.feedInput("a\u{1B}OA\u{1B}OB\t\r\u{01}\u{7F}中\u{1B}[Z\u{1B}[5~\u{1B}OP\u{1B}[24~")
        #expect(term.readInput() == [
            .key(.char("a")), .key(.up), .key(.down), .key(.tab), .key(.enter), .key(.ctrl("a")),
            .key(.backspace), .key(.char("中")), .key(.backTab), .key(.pageUp), .key(.function(1)),
            .key(.function(12)),
        ])
        // A lone Esc arrives after the escape delay, not a second later.
        let clock = ContinuousClock()
        let start = clock.now
        term.feedInput([27])
        var keys: [TerminalInput] = []
        while keys.isEmpty && clock.now - start < .seconds(2) { keys = term.readInput() }
        #expect(keys == [.key(.escape)])
        #expect(clock.now - start < .milliseconds(500))
    }

    @Test func signalsWakeTheLoop() throws {
        let term = try NcursesTerminal(headless: Size(width: 4, height: 1))
        defer { term.restore() }
        let wakeup = try Wakeup()
        _ = term.wait(timeout: .zero, wakeup: wakeup)
        term.installSignalHandlers()
        #expect(term.takeSignal() == nil)

        // kill, not raise: the test thread is a dispatch worker with signals blocked.
        kill(getpid(), SIGTERM)
        var r = term.wait(timeout: .seconds(5), wakeup: wakeup)
        #expect(r.signal)
        #expect(term.takeSignal() == .terminate)
        #expect(term.takeSignal() == nil)

        kill(getpid(), SIGHUP)
        r = term.wait(timeout: .seconds(5), wakeup: wakeup)
        #expect(r.signal)
        #expect(term.takeSignal() == .hangup)

        kill(getpid(), SIGWINCH)
        r = term.wait(timeout: .seconds(5), wakeup: wakeup)
        #expect(r.resize)
        let inputs = term.readInput()
        #expect(inputs.contains { if case .resize = $0 { return true } else { return false } })
        #expect(term.wait(timeout: .milliseconds(1), wakeup: wakeup).timedOut)
    }

    @Test func wakeupFromAnotherThread() async throws {
        let wakeup = try Wakeup()
        let term = try NcursesTerminal(headless: Size(width: 4, height: 1))
        defer { term.restore() }
        // A plain thread, not a task: this test blocks a thread of the cooperative pool in poll(),
        // and on a 2-core machine the pool may have no other thread free to run a task.
        Thread.detachNewThread { usleep(20_000); wakeup.signal() }
        let r = term.wait(timeout: .seconds(10), wakeup: wakeup)
        #expect(r.wakeup)
    }
}
