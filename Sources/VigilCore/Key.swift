/// A decoded key press, independent of the terminal library.
public enum Key: Sendable, Hashable {
    /// A printable character.
    case char(Character)
    /// Control plus a letter (Ctrl-C is `.ctrl("c")`).
    case ctrl(Character)
    case up, down, left, right
    case enter, tab, backTab, escape, backspace
    case pageUp, pageDown, home, end
    /// Function key F1…F12.
    case function(Int)

    /// How the key is written in the footer and help ("a", "Tab", "↑", "Ctrl-C").
    public var label: String {
        switch self {
        case .char(" "): return "Space"
        case .char(let c): return String(c)
        case .ctrl(let c): return "Ctrl-\(c.uppercased())"
        case .up: return "↑"
        case .down: return "↓"
        case .left: return "←"
        case .right: return "→"
        case .enter: return "Enter"
        case .tab: return "Tab"
        case .backTab: return "S-Tab"
        case .escape: return "Esc"
        case .backspace: return "Bksp"
        case .pageUp: return "PgUp"
        case .pageDown: return "PgDn"
        case .home: return "Home"
        case .end: return "End"
        case .function(let n): return "F\(n)"
        }
    }

    /// ASCII-only label for terminals without UTF-8.
    public var asciiLabel: String {
        switch self {
        case .up: return "Up"
        case .down: return "Down"
        case .left: return "Left"
        case .right: return "Right"
        default: return label
        }
    }
}
