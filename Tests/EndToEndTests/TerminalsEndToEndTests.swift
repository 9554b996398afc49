import Foundation
import Testing

extension EndToEnd {
/// The built binary under the terminal types people actually have (in tmux, and in GNU screen),
/// checked by what they would see: the whole dashboard, the colours the terminal can show, the
/// glyphs its locale can show; a `wall`-style stray write repaired by Ctrl-L; and the bytes sent
/// to the terminal (only changes, in synchronized-output frames, nothing when nothing changed).
final class TerminalsEndToEndTests {
    static let width = 100
    static let height = 30

    /// A state directory of this test's own (Swift Testing makes an instance per test), removed after it.
    let state = FileManager.default.temporaryDirectory
        .appendingPathComponent("vigil-e2e-term-state-\(getpid())-\(UUID().uuidString.prefix(8))").path

    deinit { try? FileManager.default.removeItem(atPath: state) }

    /// `vigil --demo` with the repository's data and themes and this test's state directory.
    func vigil(_ args: String = "") throws -> String {
        guard TmuxSession.tmuxAvailable else { throw E2EError.missing("tmux is not installed: run scripts/deps.sh test") }
        guard let bin = TmuxSession.binary else {
            throw E2EError.missing("no built vigil binary: run `swift build --product vigil` (scripts/test does)")
        }
        let repo = TmuxSession.repo.path
        return "VIGIL_USER=e2e-user \(bin) --demo --data \(repo)/sample-data --themes-dir \(repo)/themes "
            + "--state \(state) \(args)"
    }

    /// The terminfo `colors` of a terminal type (-1: none), or nil when this machine has no such entry.
    static func terminfoColors(_ term: String) throws -> Int? {
        let r = try TmuxSession.run("/usr/bin/env", ["tput", "-T", term, "colors"])
        guard r.status == 0 else { return nil }
        return Int(r.output.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    // MARK: - Each TERM

    static let terms = ["xterm-256color", "screen-256color", "tmux-256color", "linux", "vt100", "xterm-direct", "tmux-direct"]

    @Test(arguments: terms)
    func dashboardIsWholeUnder(term: String) throws {
        guard let colors = try Self.terminfoColors(term) else {
            throw E2EError.missing("no terminfo entry for \(term): install ncurses-term (scripts/deps.sh test)")
        }
        let t = try TmuxSession(width: Self.width, height: Self.height,
                                command: "env TERM=\(term) LANG=C.UTF-8 " + (try vigil()) + "; echo EXIT=$?")
        let lines = try t.waitForDashboard()
        Screen.expectWhole(lines, ascii: false, "TERM=\(term)")
        let header = lines.first ?? ""

        // What colour depth was chosen, read from the colours tmux holds for each cell.
        let kinds = Screen.colourKinds(try t.captureWithEscapes())
        switch colors {
        case (1 << 24)...:
            #expect(kinds.contains(.direct), "TERM=\(term) (colors#\(colors)): expected 24-bit colour, got \(kinds)")
        case 256...:
            #expect(kinds.contains(.indexed256), "TERM=\(term): expected 256-colour SGR 38;5, got \(kinds)")
            #expect(!kinds.contains(.direct), "TERM=\(term): 24-bit colour on a 256-colour terminal")
        case 8..<16:
            // linux: colors#8, so only SGR 30–37/40–47 (bright colours become bold).
            #expect(kinds == [.ansi8], "TERM=\(term) (colors#\(colors)): expected only SGR 30–37/40–47, got \(kinds)")
        default:
            // vt100: no colour at all; selection and severity by reverse/bold and symbols.
            #expect(kinds.isEmpty, "TERM=\(term) has no colours, but colour SGR was sent: \(kinds)")
            #expect(header.contains("monochrome"), "header: \(header)")
        }
        try t.send(keys: ["q"])
        try t.waitFor("EXIT=0")
    }

    // MARK: - Locale and options

    @Test(arguments: ["xterm-256color", "vt100"])
    func nonUTF8LocaleDrawsASCII(term: String) throws {
        let t = try TmuxSession(width: Self.width, height: Self.height,
                                command: "env TERM=\(term) LANG=C LC_ALL=C " + (try vigil()) + "; echo EXIT=$?")
        let lines = try t.waitForDashboard()
        Screen.expectWhole(lines, ascii: true, "TERM=\(term) LANG=C")
        // Not one non-ASCII byte on screen: no box drawing, block or braille glyph, no arrow.
        let withEscapes = try t.captureWithEscapes()
        let nonASCII = withEscapes.unicodeScalars.filter { $0.value >= 0x80 }
        #expect(nonASCII.isEmpty, "non-ASCII glyphs under LANG=C: \(Set(nonASCII).map { String($0) }.sorted())")
        if term == "xterm-256color" {
            #expect(Screen.colourKinds(withEscapes).contains(.indexed256), "ASCII does not mean monochrome")
        }
        try t.send(keys: ["q"])
        try t.waitFor("EXIT=0")
    }

    @Test func asciiFlagDrawsASCIIInAUTF8Locale() throws {
        let t = try TmuxSession(width: Self.width, height: Self.height,
                                command: "env TERM=xterm-256color LANG=C.UTF-8 " + (try vigil("--ascii")) + "; echo EXIT=$?")
        let lines = try t.waitForDashboard()
        Screen.expectWhole(lines, ascii: true, "--ascii")
        #expect(try t.captureWithEscapes().unicodeScalars.allSatisfy { $0.value < 0x80 })
        try t.send(keys: ["q"])
        try t.waitFor("EXIT=0")
    }

    @Test func colorsNoneSendsNoColourAtAll() throws {
        // Start the shell first, so the pipe sees every byte vigil ever writes.
        let t = try TmuxSession(width: Self.width, height: Self.height, command: "")
        let log = try t.pipeOutput()
        defer { unlink(log) }
        try t.send(literal: "env TERM=xterm-256color LANG=C.UTF-8 " + (try vigil("--colors none")) + "; echo EXIT=$?")
        try t.send(keys: ["Enter"])
        let lines = try t.waitForDashboard()
        Screen.expectWhole(lines, ascii: false, "--colors none")
        #expect(lines.first?.contains("monochrome") == true, "header: \(lines.first ?? "")")
        #expect(Screen.colourKinds(try t.captureWithEscapes()).isEmpty)
        // Not even "default colour" (39/49): no colour SGR left vigil at all.
        let raw = Screen.read(log)
        let sgr = Screen.sgrParameters(raw)
        #expect(!sgr.isEmpty, "no SGR at all: was the first frame captured?")
        let colourSGR = sgr.filter { Screen.hasColour($0) }
        #expect(colourSGR.isEmpty, "colour SGR sent with --colors none: \(colourSGR.prefix(5))")
        try t.send(keys: ["q"])
        try t.waitFor("EXIT=0")
    }

    @Test func noTerminalAndUnknownTermAreClearErrors() throws {
        guard let bin = TmuxSession.binary else { throw E2EError.missing("no built vigil binary") }
        let repo = TmuxSession.repo.path
        // Standard input and output not a terminal (cron, a pipe).
        let r = try TmuxSession.run(bin, ["--demo", "--data", "\(repo)/sample-data", "--themes-dir", "\(repo)/themes"])
        #expect(r.status != 0)
        #expect(r.output.contains("interactive terminal") && r.output.contains("--once"), "\(r.output)")
        // A TERM with no terminfo entry.
        let t = try TmuxSession(width: 100, height: 20, command: "env TERM=no-such-terminal " + (try vigil()) + "; echo EXIT=$?")
        let s = try t.waitFor(timeout: 15, "exit status") { $0.range(of: #"EXIT=\d"#, options: .regularExpression) != nil }
            .joined(separator: "\n")
        #expect(s.contains("no-such-terminal") && s.contains("--once"), "\(s)")
        #expect(!s.contains("EXIT=0"))
    }

    // MARK: - Ctrl-L after a stray write

    /// What `wall` prints, plus escape sequences a stray write might leave: a red reverse
    /// background, the line-drawing character set, a cursor jump, the cursor shown again.
    static let garbage = "\r\n\u{07}Broadcast message from root@ops-1 (pts/3) (Thu Nov 26 03:12:44 2026):\r\n\r\n"
        + "db-1 reboots in 5 minutes\r\n\u{1B}[41;7mSTRAY\u{1B}(0lqqk\u{0E}abc\u{1B}[12;40Hxyzzy\u{1B}[?25h\r\n\r\n"

    @Test(arguments: ["tmux-256color", "linux", "vt100"])
    func ctrlLRepairsAStrayWrite(term: String) throws {
        let t = try TmuxSession(width: Self.width, height: Self.height, command: "")
        let log = try t.pipeOutput()
        defer { unlink(log) }
        try t.send(literal: "env TERM=\(term) LANG=C.UTF-8 " + (try vigil()) + "; echo EXIT=$?")
        try t.send(keys: ["Enter"])
        _ = try t.waitForDashboard()
        let tty = try t.tmux(["display", "-p", "-t", t.name, "#{pane_tty}"]).trimmingCharacters(in: .whitespacesAndNewlines)
        try repairsAStrayWrite(t, log: log, tty: tty, "TERM=\(term)")
        try t.send(keys: ["q"])
        try t.waitFor("EXIT=0")
    }

    /// Writes `garbage` to `tty`, checks the screen is corrupted, presses Ctrl-L and checks the
    /// screen is exactly what it was before, with no stray colour. Vigil's own updates (the demo
    /// moves, the clock ticks) may change the screen meanwhile, so such an attempt is not judged
    /// and is tried again (at most 4 times). With `log` (the pane's output, vigil writing
    /// directly to it) an attempt is judged when the repaint was the only frame written; without
    /// (inside screen, which does not pass the frame markers on) when the screen after equals
    /// the screen before, so a repaint that is wrong every time still fails.
    func repairsAStrayWrite(_ t: TmuxSession, log: String?, tty: String, _ what: String) throws {
        let attempts = 4
        var lastAfter: [String] = [], lastBefore: [String] = []
        for _ in 1...attempts {
            _ = try t.waitForDashboard()
            let framesBefore = log.map { Screen.frameCount(Screen.read($0)) } ?? 0
            let before = try t.screen()
            let beforeEscapes = try t.captureWithEscapes()

            let fd = open(tty, O_WRONLY | O_NOCTTY)
            guard fd >= 0 else { throw E2EError.missing("cannot open \(tty): errno \(errno)") }
            let bytes = Array(Self.garbage.utf8)
            let written = write(fd, bytes, bytes.count)
            close(fd)
            #expect(written == bytes.count)
            let corrupted = try t.waitFor(timeout: 5, "the stray write on screen") { $0.contains("Broadcast message") }
            #expect(corrupted != before)

            try t.send(keys: ["C-l"])
            let after: [String]
            if let log {
                // Once the frame's end marker is in the log, tmux has read (and parsed) all of it.
                _ = try Screen.waitForFrames(log, after: 0, count: framesBefore + 1, "\(what): Ctrl-L repaints")
                after = try t.screen()
            } else {
                do { after = try t.waitForDashboard() } catch {
                    Issue.record("\(what): after Ctrl-L the dashboard is not whole again: \(error)")
                    return
                }
            }
            let afterEscapes = try t.captureWithEscapes()
            lastAfter = after
            lastBefore = before
            if let log {
                usleep(300_000)   // pipe-pane copies the output asynchronously
                if Screen.frameCount(Screen.read(log)) != framesBefore + 1 { continue }
            } else if after != before {
                continue
            }
            #expect(after == before, "\(what): after Ctrl-L\n\(after.joined(separator: "\n"))\n--- before ---\n\(before.joined(separator: "\n"))")
            #expect(!after.joined().contains("Broadcast") && !after.joined().contains("xyzzy"))
            // No colour or attribute the stray write set survives (tmux reports a red background
            // as 41 and reverse as 7; whatever Vigil itself uses was already there before).
            let strays = Screen.sgrSequences(afterEscapes).subtracting(Screen.sgrSequences(beforeEscapes))
            #expect(strays.isEmpty, "\(what): styles after Ctrl-L that were not there before: \(strays.sorted().map(\.debugDescription))")
            #expect(!Screen.plainSGRCodes(afterEscapes).contains(41), "\(what): the stray red background survived")
            if let log {
                // The repaint is one synchronized frame that clears the screen first.
                let last = Screen.frames(Screen.read(log)).last ?? ""
                #expect(last.utf8.count > 3_000, "\(what): repaint frame only \(last.utf8.count) bytes")
                #expect(last.contains("\u{1B}[H\u{1B}[J") || last.contains("\u{1B}[H\u{1B}[2J"), "\(what): the repaint did not clear")
            }
            return
        }
        Issue.record("""
            \(what): no attempt of \(attempts) could be judged (Vigil updated the screen each time, or the repaint \
            differs every time). Last attempt, after Ctrl-L:
            \(lastAfter.joined(separator: "\n"))
            --- before ---
            \(lastBefore.joined(separator: "\n"))
            """)
    }

    // MARK: - GNU screen

    @Test func insideGNUScreen() throws {
        guard (try? TmuxSession.run("/usr/bin/env", ["screen", "-v"]).status) == 0 else {
            throw E2EError.missing("GNU screen is not installed: run scripts/deps.sh test")
        }
        // A private socket directory (mode 700, as screen insists) and an rc file that makes the
        // session end with its terminal instead of detaching (so no vigil is left running).
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-e2e-screen-\(getpid())-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        defer { try? FileManager.default.removeItem(at: dir) }
        let rc = dir.appendingPathComponent("screenrc")
        try "autodetach off\nstartup_message off\n".write(to: rc, atomically: true, encoding: .utf8)
        let sockets = dir.appendingPathComponent("sockets").path
        try FileManager.default.createDirectory(atPath: sockets, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
        let ttyFile = dir.appendingPathComponent("tty").path
        let session = "vigil-e2e-\(getpid())"
        defer { _ = try? TmuxSession.run("/usr/bin/env", ["SCREENDIR=\(sockets)", "screen", "-S", session, "-X", "quit"]) }

        let inner = "tty > \(ttyFile); echo TERM=$TERM > \(ttyFile).term; " + (try vigil()) + "; echo EXIT=$?; sleep 30"
        let t = try TmuxSession(width: Self.width, height: Self.height,
                                command: "SCREENDIR=\(sockets) screen -U -c \(rc.path) -S \(session) sh -c '\(inner)'")
        let lines = try t.waitForDashboard()
        Screen.expectWhole(lines, ascii: false, "in screen")
        // screen gives its windows TERM=screen: 8 colours.
        let innerTerm = (try? String(contentsOfFile: ttyFile + ".term", encoding: .utf8)) ?? "?"
        let kinds = Screen.colourKinds(try t.captureWithEscapes())
        if innerTerm.contains("TERM=screen\n") {
            #expect(kinds == [.ansi8], "TERM=screen has 8 colours; got \(kinds)")
        } else {
            #expect(!kinds.isEmpty, "\(innerTerm): no colour")
        }

        // Keys pass through screen (its own prefix is Ctrl-A): move the selection down and back.
        func selectedRow(_ s: String) -> Int? { s.components(separatedBy: "\n").firstIndex { $0.contains("▶") } }
        let selected = selectedRow(lines.joined(separator: "\n"))
        #expect(selected != nil)
        try t.send(keys: ["j"])
        try t.waitFor(timeout: 10, "selection moved down") { selectedRow($0) == selected.map { $0 + 1 } }
        try t.send(keys: ["k"])
        try t.waitFor(timeout: 10, "selection back") { selectedRow($0) == selected }

        // A stray write to vigil's own terminal (screen's window), then Ctrl-L.
        let tty = ((try? String(contentsOfFile: ttyFile, encoding: .utf8)) ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(tty.hasPrefix("/dev/"), "no tty recorded inside screen: \(tty)")
        if tty.hasPrefix("/dev/") {
            try repairsAStrayWrite(t, log: nil, tty: tty, "in screen")
        }

        try t.send(keys: ["q"])
        try t.waitFor("EXIT=0")
    }

    // MARK: - Bytes on the wire

    @Test func onlyChangesAreSentInSynchronizedFrames() throws {
        let t = try TmuxSession(width: Self.width, height: Self.height, command: "")
        let log = try t.pipeOutput()
        defer { unlink(log) }
        try t.send(literal: "env TERM=tmux-256color LANG=C.UTF-8 " + (try vigil()) + "; echo EXIT=$?")
        try t.send(keys: ["Enter"])
        try t.waitForDashboard()
        usleep(300_000)

        // From the first frame on, every byte is inside ESC[?2026h … ESC[?2026l.
        let startup = Screen.read(log)
        guard let firstFrame = startup.range(of: Screen.beginSync) else {
            Issue.record("no synchronized-output frame at all")
            return
        }
        #expect(Screen.outsideFrames(String(startup[firstFrame.lowerBound...])).isEmpty)

        // Ctrl-L: one full repaint; its size is the yardstick for "small".
        var mark = startup.utf8.count
        try t.send(keys: ["C-l"])
        let fullBytes = Screen.frames(try Screen.waitForFrames(log, after: mark, count: 1, "Ctrl-L repaints")).map(\.utf8.count).max() ?? 0
        #expect(fullBytes > 3_000, "a full 100x30 repaint is several kB, got \(fullBytes)")

        // Three seconds without a key: only what the demo or the minute changes is sent. Measured
        // frames here are 40–250 bytes (a figure, the ages at a minute); a new incident row moves
        // the rows below it (~1.5 kB). Less than half a full repaint allows that and catches any
        // implementation that rewrites the screen.
        mark = Screen.read(log).utf8.count
        Thread.sleep(forTimeInterval: 3)
        let idle = Screen.tail(Screen.read(log), from: mark)
        #expect(idle.utf8.count < fullBytes / 2, "\(idle.utf8.count) bytes in 3 s idle (a full repaint is \(fullBytes))")
        #expect(Screen.outsideFrames(idle).isEmpty, "idle output outside synchronized frames: \(idle.debugDescription)")

        // A key that changes nothing visible: not one byte. (A demo update may coincide with
        // the key; such an attempt is tried again, at most 4 times.)
        var quietAttempts = 0
        for _ in 1...4 {
            mark = Screen.read(log).utf8.count
            try t.send(keys: ["z"])
            usleep(700_000)
            if Screen.read(log).utf8.count == mark { break }
            quietAttempts += 1
        }
        #expect(quietAttempts < 4, "an unbound key wrote to the terminal 4 times out of 4")

        // A key that moves the selection: one small frame, synchronized.
        mark = Screen.read(log).utf8.count
        try t.send(keys: ["j"])
        let moved = try Screen.waitForFrames(log, after: mark, count: 1, "j moves the selection")
        let movedBytes = Screen.frames(moved).map(\.utf8.count).max() ?? 0
        #expect(movedBytes < fullBytes / 4, "moving the selection sent \(movedBytes) bytes")
        #expect(Screen.outsideFrames(moved).isEmpty)

        try t.send(keys: ["q"])
        try t.waitFor("EXIT=0")
    }
}
}


// MARK: - Helpers

extension TmuxSession {
    /// Waits until the dashboard is painted with data (an incident row and the footer) and the
    /// screen stays the same for 150 ms (tmux may parse a large frame in more than one read).
    @discardableResult
    func waitForDashboard(timeout: Double = 15) throws -> [String] {
        let deadline = Date().addingTimeInterval(timeout)
        var previous: [String] = []
        while Date() < deadline {
            let lines = try screen()
            let text = lines.joined(separator: "\n")
            if text.contains("SEV1"), lines.contains(where: { $0.contains("q quit") }), lines == previous { return lines }
            previous = lines
            usleep(150_000)
        }
        return try waitFor(timeout: 0.1, "the dashboard, painted and settled") { _ in false }
    }

    /// The pane with SGR escape sequences for colours and attributes (`capture-pane -e`).
    func captureWithEscapes() throws -> String {
        try tmux(["capture-pane", "-p", "-e", "-t", name])
    }

    /// Starts copying everything the pane's program writes into a new file; returns its path.
    func pipeOutput() throws -> String {
        let path = FileManager.default.temporaryDirectory
            .appendingPathComponent("vigil-e2e-pipe-\(getpid())-\(UUID().uuidString.prefix(8)).log").path
        _ = FileManager.default.createFile(atPath: path, contents: nil)
        try tmux(["pipe-pane", "-o", "-t", name, "cat >> \(path)"])
        return path
    }
}

/// Reading screens and terminal output.
enum Screen {
    static let beginSync = "\u{1B}[?2026h"
    static let endSync = "\u{1B}[?2026l"

    /// Kinds of colour in SGR sequences.
    enum ColourKind: String, Comparable, CustomStringConvertible {
        case ansi8, bright, indexed256, direct
        static func < (a: Self, b: Self) -> Bool { a.rawValue < b.rawValue }
        var description: String { rawValue }
    }

    static func read(_ path: String) -> String {
        String(decoding: FileManager.default.contents(atPath: path) ?? Data(), as: UTF8.self)
    }

    /// `text` from byte offset `offset` on.
    static func tail(_ text: String, from offset: Int) -> String {
        let bytes = Array(text.utf8)
        return offset < bytes.count ? String(decoding: bytes[offset...], as: UTF8.self) : ""
    }

    /// Waits until `count` complete frames follow byte `offset` of the log; returns those bytes.
    static func waitForFrames(_ log: String, after offset: Int, count: Int, _ what: String,
                              timeout: Double = 10) throws -> String {
        let deadline = Date().addingTimeInterval(timeout)
        var text = ""
        while Date() < deadline {
            text = tail(read(log), from: offset)
            if text.components(separatedBy: endSync).count - 1 >= count { return text }
            usleep(50_000)
        }
        throw E2EError.timeout("\(what): waited \(timeout) s for \(count) synchronized frame(s); got \(text.utf8.count) bytes: \(text.prefix(200).debugDescription)")
    }

    /// Complete synchronized frames written so far.
    static func frameCount(_ raw: String) -> Int { raw.components(separatedBy: endSync).count - 1 }

    /// The synchronized frames in `raw`, markers included.
    static func frames(_ raw: String) -> [String] {
        raw.components(separatedBy: beginSync).dropFirst().compactMap { part in
            guard let end = part.range(of: endSync) else { return nil }
            return beginSync + part[..<end.upperBound]
        }
    }

    /// Whatever in `raw` is not inside a synchronized frame (empty when all of it is).
    /// Text without the window title's sequences (OSC 2, and saving and restoring the title with
    /// XTWINOPS 22/23), which draw nothing and go between frames.
    static func withoutTitles(_ text: Substring) -> String {
        var s = String(text).replacingOccurrences(of: "\u{1B}[22;0t", with: "").replacingOccurrences(of: "\u{1B}[23;0t", with: "")
        while let start = s.range(of: "\u{1B}]2;"), let end = s[start.upperBound...].firstIndex(of: "\u{07}") {
            s.removeSubrange(start.lowerBound...end)
        }
        return s
    }

    static func outsideFrames(_ raw: String) -> String {
        var outside = ""
        var rest = Substring(raw)
        while !rest.isEmpty {
            guard let begin = rest.range(of: beginSync) else { outside += withoutTitles(rest); break }
            outside += withoutTitles(rest[..<begin.lowerBound])
            guard let end = rest[begin.upperBound...].range(of: endSync) else { break } // a frame still being written
            rest = rest[end.upperBound...]
        }
        return outside
    }

    /// The parameter lists of every SGR sequence (`ESC [ … m`); `:` separates like `;`.
    static func sgrParameters(_ text: String) -> [[Int]] {
        sgrSequences(text, unique: false).map { seq in
            let body = seq.dropFirst(2).dropLast()
            if body.isEmpty { return [0] }
            return body.split(separator: ";", omittingEmptySubsequences: false)
                .flatMap { $0.split(separator: ":", omittingEmptySubsequences: false) }
                .map { Int($0) ?? 0 }
        }
    }

    /// The distinct SGR sequences in `text`, as written.
    static func sgrSequences(_ text: String) -> Set<String> { Set(sgrSequences(text, unique: true)) }

    private static func sgrSequences(_ text: String, unique: Bool) -> [String] {
        var result: [String] = []
        let scalars = Array(text.unicodeScalars)
        var i = 0
        while i + 1 < scalars.count {
            guard scalars[i] == "\u{1B}", scalars[i + 1] == "[" else { i += 1; continue }
            var j = i + 2
            while j < scalars.count, ("0"..."9").contains(scalars[j]) || scalars[j] == ";" || scalars[j] == ":" { j += 1 }
            if j < scalars.count, scalars[j] == "m" {
                var s = String.UnicodeScalarView()
                s.append(contentsOf: scalars[i...j])
                result.append(String(s))
            }
            i = j
        }
        return result
    }

    /// Whether an SGR parameter list sets a colour (default colours 39/49 included).
    static func hasColour(_ params: [Int]) -> Bool {
        params.contains { (30...49).contains($0) || (90...97).contains($0) || (100...107).contains($0) }
    }

    /// Every SGR code in `text` except the arguments of 38/48 (so `38;5;241` gives 38, not 241).
    static func plainSGRCodes(_ text: String) -> Set<Int> {
        var codes: Set<Int> = []
        for params in sgrParameters(text) {
            var i = 0
            while i < params.count {
                codes.insert(params[i])
                if params[i] == 38 || params[i] == 48 {
                    let mode = i + 1 < params.count ? params[i + 1] : -1
                    i += mode == 5 ? 3 : mode == 2 ? 5 : 1
                } else {
                    i += 1
                }
            }
        }
        return codes
    }

    /// The kinds of colour the SGR sequences in `text` set (39/49, "default", are not counted).
    static func colourKinds(_ text: String) -> Set<ColourKind> {
        var kinds: Set<ColourKind> = []
        for params in sgrParameters(text) {
            var i = 0
            while i < params.count {
                let p = params[i]
                switch p {
                case 38, 48:
                    let mode = i + 1 < params.count ? params[i + 1] : -1
                    if mode == 5 { kinds.insert(.indexed256); i += 2 }
                    else if mode == 2 { kinds.insert(.direct); i += 4 }
                    i += 1
                case 30...37, 40...47: kinds.insert(.ansi8); i += 1
                case 90...97, 100...107: kinds.insert(.bright); i += 1
                default: i += 1
                }
            }
        }
        return kinds
    }

    /// The dashboard is all there and nothing else is: the header, the six metric panels and the
    /// incidents panel with its rows, the footer; every bordered row closed on the right at the
    /// last column; no escape debris.
    static func expectWhole(_ captured: [String], ascii: Bool, _ what: String,
                            width: Int = EndToEnd.TerminalsEndToEndTests.width, height: Int = EndToEnd.TerminalsEndToEndTests.height,
                            sourceLocation: SourceLocation = #_sourceLocation) {
        var lines = captured
        while lines.count > height, lines.last == "" { lines.removeLast() }
        let text = lines.joined(separator: "\n")
        let show = "\(what):\n\(text)"
        #expect(lines.count == height, "\(show)", sourceLocation: sourceLocation)
        guard lines.count == height else { return }
        #expect(lines[0].contains("VIGIL") && lines[0].contains("demo") && lines[0].hasSuffix("UTC"), "\(show)",
                sourceLocation: sourceLocation)
        for title in ["Build throughput", "Deployments", "Outages", "Alert pages", "MTTR / MTTA", "Quality & performance",
                      "Incidents"] {
            #expect(text.contains(title), "missing \(title): \(show)", sourceLocation: sourceLocation)
        }
        #expect(lines[height - 1].contains("q quit"), "\(show)", sourceLocation: sourceLocation)
        let rows = lines.filter { $0.contains("SEV") && ($0.contains("TRIG") || $0.contains("acked")) }
        #expect(rows.count >= 5, "incident rows: \(rows.count): \(show)", sourceLocation: sourceLocation)
        #expect(lines.contains { $0.contains(ascii ? "#>" : "┃▶") }, "no selected row: \(show)", sourceLocation: sourceLocation)

        // Rows 2…height-1 are bordered: each starts with a left edge and ends with the matching
        // right edge in the last column.
        let edges: [Character: Character] = ascii
            ? ["+": "+", "|": "|", "#": "#"]
            : ["┌": "┐", "│": "│", "└": "┘", "┏": "┓", "┃": "┃", "┗": "┛"]
        for (y, line) in lines.enumerated().dropFirst().dropLast() {
            guard let first = line.first, let right = edges[first] else {
                Issue.record("row \(y + 1) does not start with a border: \(line.debugDescription)\n\(show)",
                             sourceLocation: sourceLocation)
                continue
            }
            #expect(line.count == width && line.last == right,
                    "row \(y + 1) is not closed at column \(width): \(line.debugDescription)\n\(show)",
                    sourceLocation: sourceLocation)
        }
        for debris in ["\u{1B}", "[?", "2026", "\u{FFFD}", "38;5", "lqqk"] {
            #expect(!text.contains(debris), "\(debris.debugDescription) on screen: \(show)", sourceLocation: sourceLocation)
        }
        #expect(lines.allSatisfy { $0.count <= width }, "\(show)", sourceLocation: sourceLocation)
    }
}
