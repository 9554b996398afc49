#if canImport(Glibc)
import Glibc
#endif
import VigilCore
import VigilRender

/// Why the terminal could not be set up, phrased so the user knows what to do next.
public enum TerminalError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Standard input or output is not a terminal (piped, redirected, cron).
    case notATerminal
    /// `TERM` is unset or names a terminal type that has no terminfo entry here.
    case unknownTerminal(term: String)
    /// The terminal type exists but cannot run a full-screen program (`dumb`, no cursor addressing).
    case unsupportedTerminal(term: String, reason: String)
    /// A system call or ncurses call failed while setting up.
    case setupFailed(String)

    /// A one-paragraph explanation with the way out.
    public var description: String {
        switch self {
        case .notATerminal:
            return "vigil needs an interactive terminal, but standard input or output is not one "
                + "(piped or redirected). Use `vigil --once` to print one snapshot as text instead."
        case .unknownTerminal(let term):
            let name = term.isEmpty ? "TERM is not set" : "TERM=\(term) is not a known terminal type here"
            return "\(name) (no terminfo entry). Set TERM to a type this machine knows, e.g. "
                + "TERM=xterm-256color (inside tmux: tmux-256color), or use `vigil --once` for plain text."
        case .unsupportedTerminal(let term, let reason):
            return "TERM=\(term) cannot run a full-screen dashboard: \(reason). Use a real terminal "
                + "type (e.g. TERM=xterm-256color), or `vigil --once` for plain text."
        case .setupFailed(let what):
            return "could not set up the terminal: \(what). Try `vigil --once` for plain text."
        }
    }
}

/// How to set up the terminal; `nil` fields are detected.
public struct TerminalOptions: Sendable, Equatable {
    /// Colour depth to use at most; `nil` detects it from terminfo. Never more than the terminal has.
    public var colorDepth: ColorDepth?
    /// Draw ASCII only; `nil` decides from the locale's codeset (non-UTF-8 → ASCII).
    public var asciiOnly: Bool?
    /// `NO_COLOR` is set: no colour at all, attributes only.
    public var noColor: Bool
    /// Wrap each frame in synchronized output (`ESC[?2026h` … `ESC[?2026l`).
    public var synchronizedOutput: Bool
    /// How long a lone Esc waits for the rest of an escape sequence, in milliseconds.
    public var escDelayMs: Int
    /// Ask the terminal for clicks and the wheel (off by default: it takes over text selection).
    public var mouse = false

    /// Creates options.
    public init(colorDepth: ColorDepth? = nil, asciiOnly: Bool? = nil, noColor: Bool = false,
                synchronizedOutput: Bool = true, escDelayMs: Int = 25) {
        self.colorDepth = colorDepth
        self.asciiOnly = asciiOnly
        self.noColor = noColor
        self.synchronizedOutput = synchronizedOutput
        self.escDelayMs = escDelayMs
    }
}

/// Something that came from the terminal.
public enum TerminalInput: Sendable, Hashable {
    /// A key press.
    case key(Key)
    /// The terminal now has this size; the next `draw` repaints everything.
    case resize(Size)
    /// A click or a turn of the wheel (only with the mouse on).
    case mouse(MouseEvent)
}

/// A signal that asks the program to end.
public enum TerminalSignal: Sendable, Hashable {
    /// SIGHUP: the terminal or SSH session went away.
    case hangup
    /// SIGTERM: asked to stop (kill, systemd).
    case terminate
    /// SIGINT: Ctrl-C.
    case interrupt
    /// SIGQUIT: Ctrl-\\. Handled as a request to stop, not as a crash.
    case quit

    /// The conventional exit status of a program stopped by this signal (128 + its number).
    public var exitStatus: Int32 {
        switch self {
        case .hangup: return 128 + SIGHUP
        case .terminate: return 128 + SIGTERM
        case .interrupt: return 128 + SIGINT
        case .quit: return 128 + SIGQUIT
        }
    }
}

/// What ended a `NcursesTerminal.wait`. All false means the timeout passed.
public struct WaitResult: Sendable, Hashable {
    /// Standard input has bytes: call `readInput()`.
    public var input: Bool
    /// `Wakeup.signal()` was called: look at the inbox.
    public var wakeup: Bool
    /// SIGWINCH arrived: `readInput()` will report the new size.
    public var resize: Bool
    /// SIGHUP, SIGTERM or SIGINT arrived: call `takeSignal()`.
    public var signal: Bool
    /// Standard input hung up or failed; the terminal is gone.
    public var inputClosed: Bool

    /// Creates a result.
    public init(input: Bool = false, wakeup: Bool = false, resize: Bool = false, signal: Bool = false,
                inputClosed: Bool = false) {
        self.input = input
        self.wakeup = wakeup
        self.resize = resize
        self.signal = signal
        self.inputClosed = inputClosed
    }

    /// Nothing happened before the timeout.
    public var timedOut: Bool { !(input || wakeup || resize || signal || inputClosed) }
}
