import Foundation
import VigilCore

/// The escape sequences that tell an engineer who is looking elsewhere: the window title
/// (OSC 2), desktop notifications (OSC 9, OSC 777) and tmux's passthrough for them. Pure: the
/// terminal writes what these return.
public enum TerminalEscapes {
    static let esc = "\u{1B}"
    static let bel = "\u{07}"

    /// Saves the terminal's title on its stack (xterm's XTWINOPS 22), restored by `popTitle`
    /// when Vigil leaves; terminals without the stack ignore both.
    public static let pushTitle = "\u{1B}[22;0t"
    /// Restores the title saved by `pushTitle`.
    public static let popTitle = "\u{1B}[23;0t"

    /// Whether a terminal type reads OSC sequences (window title, notifications): the Linux
    /// console and hardware terminals do not, and could show the text.
    public static func readsOSC(term: String) -> Bool {
        let t = term.lowercased()
        return !t.isEmpty && !["linux", "vt", "dumb", "cons", "ansi", "sun", "wy", "pcansi"].contains { t.hasPrefix($0) }
    }

    /// Text safe inside an OSC string: no control characters (which would end or break it), at
    /// most `limit` characters; `;` replaced where it separates fields.
    public static func clean(_ text: String, limit: Int = 160, semicolons: Bool = true) -> String {
        var out = ""
        for ch in text {
            if out.count >= limit { out += "…"; break }
            if ch.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
                out.append(" ")
            } else if !semicolons && ch == ";" {
                out.append(",")
            } else {
                out.append(ch)
            }
        }
        return out
    }

    /// `ESC ] 2 ; title BEL`: the window (or tab, or tmux pane) title.
    public static func title(_ text: String) -> String { esc + "]2;" + clean(text) + bel }

    /// `ESC ] 9 ; body BEL`: iTerm2's notification, read by kitty, WezTerm, Windows Terminal,
    /// Ghostty and others. A body starting with a digit and `;` would be ConEmu's progress
    /// report, so it never does.
    public static func osc9(title: String, body: String) -> String {
        var text = clean(title + ": " + body, limit: 200)
        if let first = text.first, first.isNumber { text = "Vigil: " + text }
        return esc + "]9;" + text + bel
    }

    /// `ESC ] 777 ; notify ; title ; body BEL`: rxvt-unicode's notification, read by foot,
    /// WezTerm, Ghostty and others.
    public static func osc777(title: String, body: String) -> String {
        esc + "]777;notify;" + clean(title, limit: 80, semicolons: false) + ";" + clean(body, limit: 200, semicolons: false) + bel
    }

    /// The notification for a terminal: the sequence(s) the protocol choice names (auto: OSC 777
    /// for foot and rxvt, else OSC 9), wrapped in tmux's passthrough when inside tmux (tmux
    /// passes it to the terminal outside with `set -g allow-passthrough on`).
    public static func notification(title: String, body: String, using choice: NotifyProtocol, term: String,
                                    insideTmux: Bool) -> String {
        let t = term.lowercased()
        let kinds: [NotifyProtocol]
        switch choice {
        case .auto: kinds = t.hasPrefix("foot") || t.hasPrefix("rxvt") ? [.osc777] : [.osc9]
        case .both: kinds = [.osc9, .osc777]
        case .osc9, .osc777: kinds = [choice]
        }
        let sequences = kinds.map { $0 == .osc777 ? osc777(title: title, body: body) : osc9(title: title, body: body) }
        return sequences.map { insideTmux ? tmuxPassthrough($0) : $0 }.joined()
    }

    /// `ESC P tmux; … ESC \`, every ESC inside doubled: tmux hands the sequence to the outer terminal.
    public static func tmuxPassthrough(_ sequence: String) -> String {
        esc + "Ptmux;" + sequence.replacingOccurrences(of: esc, with: esc + esc) + esc + "\\"
    }
}

extension NcursesTerminal {
    /// Sets the window title (OSC 2) when the terminal reads it; the first time, the title it
    /// had is saved, to be restored on leaving.
    public func setTitle(_ text: String) {
        guard screen != nil, TerminalEscapes.readsOSC(term: termName) else { return }
        if !titlePushed {
            writeToTerminal(TerminalEscapes.pushTitle)
            titlePushed = true
        }
        writeToTerminal(TerminalEscapes.title(text))
    }

    /// A desktop notification through the terminal, when it reads OSC sequences.
    public func notify(title: String, body: String, using choice: NotifyProtocol) {
        guard screen != nil, TerminalEscapes.readsOSC(term: termName) else { return }
        let tmux = !(ProcessInfo.processInfo.environment["TMUX"] ?? "").isEmpty
        writeToTerminal(TerminalEscapes.notification(title: title, body: body, using: choice, term: termName, insideTmux: tmux))
    }
}
