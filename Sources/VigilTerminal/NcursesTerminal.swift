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
    var screen: OpaquePointer?
    var window: UnsafeMutablePointer<WINDOW>?
    let headless: Bool
    var ownedFiles: [UnsafeMutablePointer<FILE>] = []
    let inputFD: Int32
    let outputFD: Int32
    let synchronizedOutput: Bool
    /// Sent before a full repaint: puts attributes, character set and cursor back to what
    /// ncurses believes they are (see `repaintAll`).
    let resetSequence: String
    var signalsInstalled = false
    var attachedWakeup: Wakeup?
    var headlessKeys: Wakeup?

    // drawing state
    var lastDrawn: CellGrid?
    var needsFullRepaint = true
    /// Whether the terminal's own title was saved (`setTitle`), to be restored on leaving.
    var titlePushed = false
    var pendingWinch = false

    // colours
    let colorCount: Int
    let defaultColorsWork: Bool
    let maxPair: Int32
    var nextPair: Int32 = 1
    var pairs: [PairKey: Int32] = [:]
    var styleCache: [ColorKey: (pair: Int32, bold: Bool)] = [:]
    var pairsOverflowed = false
    /// How often the colour pairs ran out and were reset (tests).
    var pairResets = 0

    // attributes
    let attrBold = vigil_wa_bold()
    let attrTable: [(Attributes, attr_t)] = [
        (.bold, vigil_wa_bold()), (.dim, vigil_wa_dim()), (.underline, vigil_wa_underline()),
        (.reverse, vigil_wa_reverse()), (.italic, vigil_wa_italic()), (.blink, vigil_wa_blink()),
    ]

    struct PairKey: Hashable { var fg: Int32; var bg: Int32 }
    struct ColorKey: Hashable { var fg: Color; var bg: Color }

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
        if options.mouse { vigil_enable_mouse(1) }
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
        if titlePushed { writeToTerminal(TerminalEscapes.popTitle) }
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
    func writeToTerminal(_ text: String) {
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
