import VigilCore
import VigilRender

/// What the runtime loop needs from a terminal. `NcursesTerminal` is the one users see, on a tty
/// or headless (tests, `vigil soak`); the loop runs the same against either.
public protocol TerminalDevice: AnyObject {
    /// The screen size.
    var size: Size { get }
    /// The colour depth in force.
    var colorDepth: ColorDepth { get }
    /// True when the terminal cannot show UTF-8 text.
    var isUTF8: Bool { get }
    /// True when only ASCII glyphs are drawn.
    var asciiOnly: Bool { get }
    /// Draws the difference between `previous` and `grid`.
    func draw(_ grid: CellGrid, previous: CellGrid?)
    /// Waits for input, a wakeup, a resize or a signal, at most `timeout`.
    func wait(timeout: Duration?, wakeup: Wakeup) -> WaitResult
    /// Keys and resizes that arrived.
    func readInput() -> [TerminalInput]
    /// A signal that asks to stop, once.
    func takeSignal() -> TerminalSignal?
    /// Repaints everything (Ctrl-L, a wall monitor now and then).
    func repaintAll()
    /// Rings the bell.
    func bell()
    /// Sets the window title.
    func setTitle(_ text: String)
    /// A desktop notification through the terminal.
    func notify(title: String, body: String, using choice: NotifyProtocol)
}

extension NcursesTerminal: TerminalDevice {}
