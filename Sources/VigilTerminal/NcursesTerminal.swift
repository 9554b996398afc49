#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CNcursesw
import CVigilSignal
import VigilCore
import VigilRender

/// The terminal, through ncursesw. Confined to one thread: create it, use it and drop it on the
/// same thread (not `Sendable`). Only one may be live per process (ncurses state is global).
///
/// The loop it is made for, on a dedicated thread:
/// ```
/// while running {
///     let r = term.wait(timeout: untilNextTick, wakeup: wakeup)
///     for input in term.readInput() { … }
///     if let s = term.takeSignal() { … }
///     term.draw(grid, previous: last)
/// }
/// term.restore()
/// ```
public final class NcursesTerminal {
    /// The colour depth in use (after `NO_COLOR`, the option and what terminfo offers).
    public private(set) var colorDepth: ColorDepth
    /// The locale's codeset is UTF-8.
    public private(set) var isUTF8: Bool
    /// Draw ASCII glyphs only (non-UTF-8 locale, or asked for); other glyphs are drawn as "?".
    public private(set) var asciiOnly: Bool
    /// The `TERM` this terminal was set up with.
    public let termName: String

    /// The screen size ncurses works with.
    public var size: Size {
        guard let win = window else { return Size(width: 0, height: 0) }
        var rows: Int32 = 0, cols: Int32 = 0
        vigil_getmaxyx(win, &rows, &cols)
        return Size(width: Int(cols), height: Int(rows))
    }

    // ncurses handles
    private var screen: OpaquePointer?
    private var window: UnsafeMutablePointer<WINDOW>?
    private let headless: Bool
    private var ownedFiles: [UnsafeMutablePointer<FILE>] = []
    private let inputFD: Int32
    private let outputFD: Int32
    private let synchronizedOutput: Bool
    /// Sent before a full repaint: puts attributes, character set and cursor back to what
    /// ncurses believes they are (see `repaintAll`).
    private let resetSequence: String
    private var signalsInstalled = false
    private var attachedWakeup: Wakeup?
    private var headlessKeys: Wakeup?

    // drawing state
    private var lastDrawn: CellGrid?
    private var needsFullRepaint = true
    private var pendingWinch = false

    // colours
    private let colorCount: Int
    private let defaultColorsWork: Bool
    private let maxPair: Int32
    private var nextPair: Int32 = 1
    private var pairs: [PairKey: Int32] = [:]
    private var styleCache: [ColorKey: (pair: Int32, bold: Bool)] = [:]
    private var pairsOverflowed = false
    /// How often the colour pairs ran out and were reset (tests).
    private(set) var pairResets = 0

    // attributes
    private let attrBold = vigil_wa_bold()
    private let attrTable: [(Attributes, attr_t)] = [
        (.bold, vigil_wa_bold()), (.dim, vigil_wa_dim()), (.underline, vigil_wa_underline()),
        (.reverse, vigil_wa_reverse()), (.italic, vigil_wa_italic()), (.blink, vigil_wa_blink()),
    ]

    private struct PairKey: Hashable { var fg: Int32; var bg: Int32 }
    private struct ColorKey: Hashable { var fg: Color; var bg: Color }

    static let beginSynchronizedUpdate = "\u{1B}[?2026h"
    static let endSynchronizedUpdate = "\u{1B}[?2026l"

    /// Takes over the controlling terminal (standard input and output): full screen, no echo,
    /// keys one at a time, hidden cursor. Throws when there is no usable terminal; the error text
    /// points to `vigil --once`.
    public convenience init(options: TerminalOptions) throws(TerminalError) {
        guard isatty(STDIN_FILENO) == 1, isatty(STDOUT_FILENO) == 1 else { throw .notATerminal }
        let term = NcursesTerminal.environment("TERM") ?? ""
        guard !term.isEmpty else { throw .unknownTerminal(term: term) }
        if term == "dumb" {
            throw .unsupportedTerminal(term: term, reason: "it has no cursor addressing")
        }
        try self.init(term: term, output: vigil_stdout(), input: vigil_stdin(), owned: [],
                      headless: false, options: options)
    }

    /// A terminal without a TTY, for tests: ncurses keeps the screen in memory, so
    /// `screenLines()` reads back what was drawn, and `feedInput` types keys. `outputPath`
    /// receives the bytes ncurses would have sent (default: discarded). Signal handlers are not
    /// installed.
    public convenience init(headless size: Size, term: String = "xterm-256color",
                            options: TerminalOptions = TerminalOptions(),
                            outputPath: String? = nil) throws(TerminalError) {
        guard let output = fopen(outputPath ?? "/dev/null", "w") else {
            throw .setupFailed("cannot open \(outputPath ?? "/dev/null") for writing")
        }
        // Input is a pipe we hold the write end of: poll() blocks on it like on a quiet TTY.
        let keys: Wakeup
        do { keys = try Wakeup() } catch {
            fclose(output)
            throw error
        }
        let readFD = dup(keys.readFD)
        guard readFD >= 0, let input = fdopen(readFD, "r") else {
            if readFD >= 0 { close(readFD) }
            fclose(output)
            throw .setupFailed("cannot open an input pipe")
        }
        try self.init(term: term, output: output, input: input, owned: [output, input],
                      headless: true, options: options)
        headlessKeys = keys
        resize(to: size)
    }

    /// Bytes as if typed on the keyboard (headless terminals only; ignored otherwise).
    public func feedInput(_ bytes: [UInt8]) {
        guard let keys = headlessKeys, !bytes.isEmpty else { return }
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { raw -> Int in
                guard let base = raw.baseAddress else { return -1 }
                return write(keys.writeFD, base + offset, raw.count - offset)
            }
            if n > 0 { offset += n } else if n < 0 && errno == EINTR { continue } else { return }
        }
    }

    /// Text as if typed (headless terminals only).
    public func feedInput(_ text: String) { feedInput(Array(text.utf8)) }

    private init(term: String, output: UnsafeMutablePointer<FILE>?, input: UnsafeMutablePointer<FILE>?,
                 owned: [UnsafeMutablePointer<FILE>], headless: Bool,
                 options: TerminalOptions) throws(TerminalError) {
        func closeOwned() { for f in owned { fclose(f) } }
        guard let output, let input else {
            closeOwned()
            throw .setupFailed("standard input or output is closed")
        }

        _ = vigil_setlocale_from_env()
        let codeset = vigil_codeset().map { String(cString: $0) } ?? ""
        let utf8 = ["UTF-8", "UTF8"].contains(codeset.uppercased())

        // Headless terminals name their type; a real one uses TERM (nil) like every program.
        let newScreen: OpaquePointer? = headless ? newterm(term, output, input) : newterm(nil, output, input)
        guard let newScreen else {
            closeOwned()
            throw .unknownTerminal(term: term)
        }
        guard vigil_has_string_cap("cup") == 1, let win = vigil_stdscr() else {
            endwin()
            delscreen(newScreen)
            closeOwned()
            throw .unsupportedTerminal(term: term, reason: "its terminfo entry has no cursor addressing (cup)")
        }

        cbreak()
        noecho()
        nonl()
        keypad(win, true)
        nodelay(win, true)
        leaveok(win, true)
        _ = set_escdelay(Int32(clamping: max(0, options.escDelayMs)))
        _ = curs_set(0)
        if !headless { NcursesTerminal.disableFlowControl(fd: fileno(input)) }

        // Colour: NO_COLOR and mono skip start_color entirely (ncurses ignores NO_COLOR).
        var depth = NcursesTerminal.detectDepth(colors: Int(vigil_num_cap("colors")), hasColors: has_colors())
        if options.noColor { depth = .mono }
        if let wanted = options.colorDepth, wanted.rank < depth.rank { depth = wanted }
        var defaultsWork = false
        var count = 0
        var pairsMax: Int32 = 0
        if depth != .mono, start_color() == vigil_ok() {
            defaultsWork = use_default_colors() == vigil_ok()
            count = Int(vigil_colors())
            pairsMax = max(0, min(vigil_color_pairs() - 1, 65_535))
            if count < 8 || pairsMax < 1 { depth = .mono }
        } else {
            depth = .mono
        }

        self.termName = term
        self.screen = newScreen
        self.window = win
        self.headless = headless
        self.ownedFiles = owned
        self.inputFD = fileno(input)
        self.outputFD = fileno(output)
        self.synchronizedOutput = options.synchronizedOutput
        self.resetSequence = NcursesTerminal.resetSequence(colors: depth != .mono)
        self.colorDepth = depth
        self.colorCount = count
        self.defaultColorsWork = defaultsWork
        self.maxPair = pairsMax
        self.isUTF8 = utf8
        self.asciiOnly = options.asciiOnly ?? !utf8

        if !headless { installSignalHandlers() }
    }

    /// Installs the SIGWINCH/SIGHUP/SIGTERM/SIGINT hooks. After newterm: ncurses has installed its
    /// SIGWINCH handler by then, and ours chains after it. (Tests call it on a headless terminal.)
    func installSignalHandlers() {
        guard !signalsInstalled else { return }
        signalsInstalled = vigil_signal_install(attachedWakeup?.writeFD ?? -1) == 0
    }

    deinit { restore() }

    // MARK: - Colour depth

    /// The deepest colour depth a terminfo `colors` count allows. Truecolor needs a direct-colour
    /// entry (`xterm-direct`, `tmux-direct`: colors#0x1000000); `COLORTERM` alone cannot help,
    /// since ncurses can only send what terminfo describes.
    static func detectDepth(colors: Int, hasColors: Bool) -> ColorDepth {
        guard hasColors else { return .mono }
        if colors >= 1 << 24 { return .truecolor }
        if colors >= 256 { return .indexed256 }
        if colors >= 8 { return .ansi16 }
        return .mono
    }

    /// The terminal's own strings that return it to the state ncurses leaves it in after every
    /// update (normal attributes, default colours, ASCII character set, hidden cursor): `sgr0`,
    /// `op`, `enacs`, `civis`, whichever the terminfo entry has, without their padding (`$<5>`).
    static func resetSequence(colors: Bool) -> String {
        var names = ["sgr0"]
        if colors { names.append("op") }
        names += ["enacs", "civis"]
        return names.compactMap { vigil_string_cap($0).map { withoutPadding(String(cString: $0)) } }.joined()
    }

    /// A terminfo string without its padding specifications (`$<2>`, `$<50/>`), which `tputs`
    /// would turn into delays (or nothing, on terminals with XON/XOFF flow control).
    static func withoutPadding(_ cap: String) -> String {
        var out = ""
        var rest = Substring(cap)
        while let start = rest.range(of: "$<") {
            guard let end = rest[start.upperBound...].firstIndex(of: ">") else { break }
            out += rest[..<start.lowerBound]
            rest = rest[rest.index(after: end)...]
        }
        return out + rest
    }

    private static func environment(_ name: String) -> String? {
        guard let value = getenv(name) else { return nil }
        return String(cString: value)
    }

    /// cbreak leaves XON/XOFF on, so Ctrl-S would freeze the dashboard: turn it off, and tell
    /// ncurses this is the program mode (restored after suspend/resume).
    private static func disableFlowControl(fd: Int32) {
        var tio = termios()
        guard tcgetattr(fd, &tio) == 0 else { return }
        tio.c_iflag &= ~tcflag_t(IXON)
        if tcsetattr(fd, TCSANOW, &tio) == 0 { _ = def_prog_mode() }
    }

    // MARK: - Drawing

    /// Draws `grid`: only the cells that differ from what is on screen, in one update wrapped in
    /// synchronized output. Writes nothing when nothing changed. `previous` is the grid drawn
    /// last (the terminal also remembers that itself, and trusts its own record when they
    /// differ); `nil` rewrites every cell, though ncurses still sends only what differs from the
    /// screen. Cells outside the screen are clipped.
    public func draw(_ grid: CellGrid, previous: CellGrid?) {
        guard let win = window else { return }
        let full = needsFullRepaint
        let base: CellGrid? = (full || previous == nil) ? nil : (lastDrawn ?? previous)
        let runs = grid.changes(since: base)
        if runs.isEmpty && !full { return }

        let screenSize = size
        // A full rewrite starts from blank, so nothing outside a smaller grid survives.
        if base == nil || base?.size != grid.size { werase(win) }
        if full, let cur = vigil_curscr() { clearok(cur, true) }

        paint(runs, in: win, screen: screenSize)
        if pairsOverflowed {
            // Out of colour pairs: forget them all and paint everything again with fresh ones.
            resetPairs()
            werase(win)
            paint(grid.changes(since: nil), in: win, screen: screenSize)
            pairsOverflowed = false
        }

        wnoutrefresh(win)
        // Straight to the fd: putp would go through stdio's stdout, not this screen's buffer.
        // ncurses then sends the whole frame in one write(2) at the end of doupdate.
        if synchronizedOutput { writeToTerminal(NcursesTerminal.beginSynchronizedUpdate) }
        // ncurses leaves the terminal in normal mode after every update and assumes it still is.
        // A stray write (`\e[41m`, `\e(0`) breaks that; its clear would then fill the screen
        // with the stray background. Say what "normal" is again before starting from scratch.
        if full { writeToTerminal(resetSequence) }
        doupdate()
        if synchronizedOutput { writeToTerminal(NcursesTerminal.endSynchronizedUpdate) }
        lastDrawn = grid
        needsFullRepaint = false
    }

    /// Draws `grid` against what this terminal drew last.
    public func draw(_ grid: CellGrid) { draw(grid, previous: lastDrawn) }

    /// Makes the next `draw` clear the terminal and send every cell again. `repaintAll()` does
    /// it at once.
    public func forceRepaint() {
        needsFullRepaint = true
    }

    /// Repaints the whole screen now, from scratch, with what was drawn last: resets the
    /// terminal's attributes, character set and cursor visibility, clears it and sends every
    /// cell again (ncurses `clearok(curscr)`), in one synchronized frame. Recovers from `wall`
    /// broadcasts and any other stray output that a diff-only update would leave on screen.
    /// Ctrl-L calls it; so can a periodic repaint on a wall monitor. Before the first `draw`
    /// it makes that draw a full one.
    public func repaintAll() {
        needsFullRepaint = true
        guard let grid = lastDrawn else { return }
        draw(grid, previous: nil)
    }

    /// Rings the terminal's bell (or flashes the screen where the terminal has no bell).
    public func bell() {
        _ = beep()
    }

    /// Reads the rows of the screen as ncurses holds them (wide glyphs once, like `CellGrid.lines`).
    public func screenLines() -> [String] {
        guard let win = window else { return [] }
        let s = size
        let capacity = s.width * 5 + 1
        var buffer = [wchar_t](repeating: 0, count: capacity)
        return (0..<s.height).map { y in
            let n = buffer.withUnsafeMutableBufferPointer { p -> Int32 in
                guard let base = p.baseAddress else { return 0 }
                return mvwinnwstr(win, Int32(y), 0, base, Int32(capacity - 1))
            }
            var line = String.UnicodeScalarView()
            for i in 0..<max(0, Int(n)) {
                if let scalar = Unicode.Scalar(UInt32(bitPattern: buffer[i])) { line.append(scalar) }
            }
            return String(line)
        }
    }

    private func paint(_ runs: [CellGrid.Run], in win: UnsafeMutablePointer<WINDOW>, screen: Size) {
        var cc = cchar_t()
        var text = [wchar_t](repeating: 0, count: 6)
        for run in runs where run.y >= 0 && run.y < screen.height {
            var previousWidth = 1
            for (offset, cell) in run.cells.enumerated() {
                let x = run.x + offset
                guard x >= 0, x < screen.width else { break }
                let nextIsContinuation = offset + 1 < run.cells.count && run.cells[offset + 1].isContinuation
                if cell.isContinuation {
                    // Covered by the wide glyph to its left, unless ncurses drew that one narrow.
                    if previousWidth == 2 { previousWidth = 1; continue }
                    putGlyph([0x20], style: cell.style, x: x, y: run.y, win: win, cc: &cc, text: &text)
                    previousWidth = 1
                    continue
                }
                var scalars = glyphScalars(cell.glyph)
                var width = scalars.first.map { Int(vigil_wcwidth(wchar_t(bitPattern: $0))) } ?? 1
                if width < 0 || (width == 2 && !nextIsContinuation) {
                    scalars = [0x3F] // "?": unprintable here, or wider than the grid thinks
                    width = 1
                } else if width == 0 {
                    scalars = [0x20]
                    width = 1
                } else if width == 2 && x + 1 >= screen.width {
                    scalars = [0x20] // a wide glyph in the last column would wrap
                    width = 1
                }
                putGlyph(scalars, style: cell.style, x: x, y: run.y, win: win, cc: &cc, text: &text)
                previousWidth = width
            }
        }
    }

    /// The scalars to draw for a glyph: at most five (CCHARW_MAX), control characters as a space,
    /// non-ASCII as "?" in ASCII mode.
    private func glyphScalars(_ glyph: Character) -> [UInt32] {
        let all = glyph.unicodeScalars
        guard let first = all.first?.value else { return [0x20] }
        if first < 0x20 || (first >= 0x7F && first < 0xA0) { return [0x20] }
        if asciiOnly { return first < 0x80 ? [first] : [0x3F] }
        if all.count == 1 { return [first] }
        // A ZWJ sequence cannot be one cchar_t (its parts are spacing): draw its first emoji.
        if all.contains(where: { $0.value == 0x200D }) { return [first] }
        return Array(all.prefix(5).map(\.value))
    }

    private func putGlyph(_ scalars: [UInt32], style: Style, x: Int, y: Int,
                          win: UnsafeMutablePointer<WINDOW>, cc: inout cchar_t, text: inout [wchar_t]) {
        let (pair, extraBold) = colorPair(for: style)
        var attrs = attributes(style.attrs)
        if extraBold { attrs |= attrBold }
        var count = 0
        for s in scalars.prefix(5) {
            text[count] = wchar_t(bitPattern: s)
            count += 1
        }
        text[count] = 0
        var rc = text.withUnsafeBufferPointer { p -> Int32 in
            guard let base = p.baseAddress else { return vigil_err() }
            return vigil_setcchar(&cc, base, attrs, pair)
        }
        if rc == vigil_err() {
            // ncurses refused the sequence (e.g. an unprintable first scalar): draw "?".
            text[0] = 0x3F
            text[1] = 0
            rc = text.withUnsafeBufferPointer { p -> Int32 in
                guard let base = p.baseAddress else { return vigil_err() }
                return vigil_setcchar(&cc, base, attrs, pair)
            }
            if rc == vigil_err() { return }
        }
        _ = mvwadd_wch(win, Int32(y), Int32(x), &cc)
    }

    private func attributes(_ a: Attributes) -> attr_t {
        var result = vigil_wa_normal()
        if a.isEmpty { return result }
        for (flag, value) in attrTable where a.contains(flag) { result |= value }
        return result
    }

    // MARK: - Colour pairs

    /// The pair number for a style's colours, and whether bold is needed for a bright foreground.
    private func colorPair(for style: Style) -> (Int32, Bool) {
        if colorDepth == .mono { return (0, false) }
        let key = ColorKey(fg: style.fg, bg: style.bg)
        if let cached = styleCache[key] { return (cached.pair, cached.bold) }

        let fg = ColorMapping.terminalColor(style.fg, depth: colorDepth, colorCount: colorCount, foreground: true)
        let bg = ColorMapping.terminalColor(style.bg, depth: colorDepth, colorCount: colorCount, foreground: false)
        var fgNumber = fg.number, bgNumber = bg.number
        if !defaultColorsWork {
            if fgNumber < 0 { fgNumber = 7 }
            if bgNumber < 0 { bgNumber = 0 }
        }
        let pair: Int32
        if (fgNumber == -1 && bgNumber == -1) || (!defaultColorsWork && fgNumber == 7 && bgNumber == 0) {
            pair = 0
        } else if let existing = pairs[PairKey(fg: fgNumber, bg: bgNumber)] {
            pair = existing
        } else if nextPair <= maxPair {
            pair = nextPair
            var ok = init_extended_pair(pair, fgNumber, bgNumber) == vigil_ok()
            if !ok, pair <= Int32(Int16.max), let f = Int16(exactly: fgNumber), let b = Int16(exactly: bgNumber) {
                ok = init_pair(Int16(pair), f, b) == vigil_ok()
            }
            if !ok { return (0, fg.needsBold) }
            nextPair += 1
            pairs[PairKey(fg: fgNumber, bg: bgNumber)] = pair
        } else {
            pairsOverflowed = true
            return (0, fg.needsBold)
        }
        styleCache[key] = (pair, fg.needsBold)
        return (pair, fg.needsBold)
    }

    private func resetPairs() {
        pairResets += 1
        pairs.removeAll(keepingCapacity: true)
        styleCache.removeAll(keepingCapacity: true)
        nextPair = 1
    }

    /// Colour pairs in use (for tests and diagnostics).
    public var colorPairsInUse: Int { Int(nextPair) - 1 }

    // MARK: - Resize

    /// Brings ncurses' screen size in line with the terminal's after a SIGWINCH or `KEY_RESIZE`,
    /// and makes the next `draw` repaint everything. Returns the new size.
    @discardableResult
    public func handleResize() -> Size {
        guard let win = window else { return Size(width: 0, height: 0) }
        if !headless {
            var rows: Int32 = 0, cols: Int32 = 0
            if vigil_tty_size(outputFD, &rows, &cols) == 0 {
                let current = size
                if Int(rows) != current.height || Int(cols) != current.width {
                    _ = resize_term(rows, cols)
                }
            }
        }
        // resize_term touched every line; without this, the next wget_wch would refresh the
        // half-updated screen on its own, outside the synchronized frame.
        untouchwin(win)
        needsFullRepaint = true
        return size
    }

    /// Sets the screen size ncurses works with (headless terminals; a real one follows SIGWINCH).
    public func resize(to newSize: Size) {
        guard let win = window else { return }
        _ = resize_term(Int32(max(1, newSize.height)), Int32(max(1, newSize.width)))
        untouchwin(win)
        needsFullRepaint = true
    }

    // MARK: - Input

    /// Reads every key waiting (`wget_wch` until ERR), decoded; a resize is reported once, last,
    /// with the final size. Never blocks (except ncurses' short Esc delay).
    public func readInput() -> [TerminalInput] {
        guard let win = window else { return [] }
        var inputs: [TerminalInput] = []
        var resized = pendingWinch || vigil_signal_take_winch() != 0
        pendingWinch = false
        var wch: wint_t = 0
        let keyCodeYes = vigil_key_code_yes()
        let resizeCode = vigil_key_resize()
        for _ in 0..<4096 {
            let rc = wget_wch(win, &wch)
            if rc == keyCodeYes {
                let code = Int32(bitPattern: wch)
                if code == resizeCode {
                    resized = true
                    untouchwin(win)
                } else if let key = KeyDecoder.decode(keyCode: code) {
                    inputs.append(.key(key))
                }
            } else if rc == vigil_ok() {
                if let key = KeyDecoder.decode(character: wch) { inputs.append(.key(key)) }
            } else {
                break
            }
        }
        if resized { inputs.append(.resize(handleResize())) }
        return inputs
    }

    /// Blocks until a key is waiting, `wakeup` is signalled, a signal arrives, or `timeout`
    /// passes (`nil`: no timeout). Drains the wake-up pipe. The first call connects the signal
    /// handlers to this pipe; the terminal keeps `wakeup` alive while it is attached.
    public func wait(timeout: Duration?, wakeup: Wakeup) -> WaitResult {
        if attachedWakeup !== wakeup {
            attachedWakeup = wakeup
            if signalsInstalled { vigil_signal_set_fd(wakeup.writeFD) }
        }
        var result = WaitResult()
        var timeoutMs = NcursesTerminal.milliseconds(timeout)
        if vigil_signal_pending() != 0 { timeoutMs = 0 } // arrived before the pipe was attached
        var fds = [
            pollfd(fd: inputFD, events: Int16(POLLIN), revents: 0),
            pollfd(fd: wakeup.readFD, events: Int16(POLLIN), revents: 0),
        ]
        var rc = poll(&fds, nfds_t(fds.count), timeoutMs)
        if rc < 0 && errno == EINTR {
            // A signal interrupted poll; its byte is in the pipe now.
            fds[0].revents = 0
            fds[1].revents = 0
            rc = poll(&fds, nfds_t(fds.count), 0)
        }
        if rc > 0 {
            let stdinEvents = Int32(fds[0].revents)
            if stdinEvents & Int32(POLLIN) != 0 { result.input = true }
            // A hung-up terminal also reports POLLIN (reads then fail with EIO): whatever it still
            // holds is of no use, and treating it as input would spin the loop forever.
            if stdinEvents & Int32(POLLHUP | POLLERR | POLLNVAL) != 0 {
                result.inputClosed = true
            }
            if Int32(fds[1].revents) & Int32(POLLIN) != 0 {
                for byte in wakeup.drain() {
                    switch byte {
                    case UInt8(ascii: "W"): result.resize = true
                    case UInt8(ascii: "H"), UInt8(ascii: "T"), UInt8(ascii: "I"), UInt8(ascii: "Q"): result.signal = true
                    default: result.wakeup = true
                    }
                }
            }
        }
        if vigil_signal_pending() != 0 {
            if vigil_signal_take_winch() != 0 { pendingWinch = true; result.resize = true }
            if vigil_signal_pending() != 0 { result.signal = true }
        }
        return result
    }

    /// The terminating signal received since the last call, if any.
    public func takeSignal() -> TerminalSignal? {
        switch vigil_signal_take() {
        case SIGHUP: return .hangup
        case SIGTERM: return .terminate
        case SIGQUIT: return .quit
        case SIGINT: return .interrupt
        default: return nil
        }
    }

    static func milliseconds(_ timeout: Duration?) -> Int32 {
        guard let timeout else { return -1 }
        let (seconds, attoseconds) = timeout.components
        if seconds < 0 || (seconds == 0 && attoseconds <= 0) { return 0 }
        // Round up so a 0.4 ms wait does not spin at 0 ms.
        let ms = seconds.multipliedReportingOverflow(by: 1000)
        let fraction = (attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000
        guard !ms.overflow else { return Int32.max }
        return Int32(clamping: ms.partialValue + fraction)
    }

    // MARK: - Restore

    /// Gives the terminal back: leaves synchronized mode, ends curses mode (cursor, echo, the
    /// normal screen) and frees ncurses' screen. Safe to call more than once; `deinit` calls it.
    public func restore() {
        guard let screen else { return }
        let win = window
        self.screen = nil
        self.window = nil
        if signalsInstalled {
            vigil_signal_uninstall()
            signalsInstalled = false
        }
        attachedWakeup = nil
        if synchronizedOutput { writeToTerminal(NcursesTerminal.endSynchronizedUpdate) }
        // A terminal without an alternate screen (vt100, linux console) would keep the dashboard
        // under the shell prompt: clear it first.
        if !headless, vigil_has_string_cap("rmcup") != 1, let win {
            werase(win)
            wrefresh(win)
        }
        endwin()
        delscreen(screen)
        for file in ownedFiles { fclose(file) }
        ownedFiles = []
        headlessKeys = nil
    }

    /// Writes bytes straight to the terminal's fd (ncurses has flushed its own buffer by then).
    private func writeToTerminal(_ text: String) {
        var bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeMutableBytes { raw -> Int in
                guard let base = raw.baseAddress else { return -1 }
                return write(outputFD, base + offset, raw.count - offset)
            }
            if n > 0 { offset += n } else if n < 0 && errno == EINTR { continue } else { return }
        }
    }
}

extension ColorDepth {
    /// Order of richness: mono < 16 < 256 < truecolor.
    var rank: Int {
        switch self {
        case .mono: return 0
        case .ansi16: return 1
        case .indexed256: return 2
        case .truecolor: return 3
        }
    }
}
