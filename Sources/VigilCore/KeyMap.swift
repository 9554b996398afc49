/// What a key asks for. The reducer interprets actions; the key map only names them.
public enum Action: Sendable, Hashable {
    case quit, up, down, left, right, nextPanel, previousPanel, top, bottom, pageUp, pageDown
    case open, close, confirm, cancel, help, cycleWindow, cycleTheme, repaint
    case nextPage, previousPage
    /// Ask the selected incident's source to do something; offered only when that source supports it.
    case act(ActionKind)
    /// The n-th choice of a picker (1-based).
    case choose(Int)
    /// Empty the input line.
    case clearInput
    /// Start typing the incident filter.
    case filter
    /// Clear the filter and "mine".
    case clearFilter
    /// Show only my incidents, or all again.
    case toggleMine
    /// Order the incident table by the next key.
    case cycleSort
    /// Open the silences view.
    case silences
    /// Extend the selected silence (pick for how long).
    case extendSilence
    /// Expire the selected silence.
    case expireSilence
    /// Show every source's state, its last errors and where the log is.
    case sourceHealth
}

/// Where a binding applies.
public enum KeyContext: String, Sendable, Hashable, CaseIterable {
    case dashboard = "Dashboard", filter = "Filter", silences = "Silences", details = "Incident details", confirm = "Confirmation", input = "Text input"
    case picker = "Choice", help = "Help"
}

/// One key binding: dispatch entry, footer hint and help line at once, so they cannot drift.
public struct Binding: Sendable, Hashable {
    /// The keys that trigger it (the first is the one shown).
    public var keys: [Key]
    /// What it does.
    public var action: Action
    /// Where it applies.
    public var context: KeyContext
    /// The help line.
    public var help: String
    /// Short footer label, or nil to keep it out of the footer.
    public var hint: String?
    /// True for actions that change something at a source (hidden and unbound in read-only mode).
    public var mutates: Bool

    /// Creates a binding.
    public init(_ keys: [Key], _ action: Action, _ context: KeyContext, help: String, hint: String? = nil,
                mutates: Bool = false) {
        self.keys = keys; self.action = action; self.context = context; self.help = help; self.hint = hint
        self.mutates = mutates
    }

    /// How the keys are written ("j/↓").
    public func keyLabel(ascii: Bool = false) -> String {
        keys.map { ascii ? $0.asciiLabel : $0.label }.joined(separator: "/")
    }
}

/// The key map: the only table that dispatches keys and the only source of hints and help.
public struct KeyMap: Sendable, Hashable {
    /// All active bindings.
    public let bindings: [Binding]

    /// Creates a key map from bindings.
    public init(_ bindings: [Binding]) { self.bindings = bindings }

    /// Every binding Vigil has.
    public static let all: [Binding] = [
        Binding([.char("j"), .down], .down, .dashboard, help: "Next incident; from a metric panel, the panel below",
                hint: "move"),
        Binding([.char("k"), .up], .up, .dashboard, help: "Previous incident; from the first, the panel above"),
        Binding([.char("h"), .left], .left, .dashboard, help: "Focus the panel to the left"),
        Binding([.char("l"), .right], .right, .dashboard, help: "Focus the panel to the right"),
        Binding([.tab], .nextPanel, .dashboard, help: "Focus the next panel", hint: "panel"),
        Binding([.backTab], .previousPanel, .dashboard, help: "Focus the previous panel"),
        Binding([.char("g"), .home], .top, .dashboard, help: "First incident"),
        Binding([.char("G"), .end], .bottom, .dashboard, help: "Last incident"),
        Binding([.pageDown], .pageDown, .dashboard, help: "Page down"),
        Binding([.pageUp], .pageUp, .dashboard, help: "Page up"),
        Binding([.enter], .open, .dashboard, help: "Details of the selected incident", hint: "details"),
        Binding([.char("a")], .act(.acknowledge), .dashboard, help: "Acknowledge the selected incident", hint: "ack",
                mutates: true),
        Binding([.char("u")], .act(.unacknowledge), .dashboard,
                help: "Take back your acknowledgement of the selected incident", mutates: true),
        Binding([.char("r")], .act(.resolve), .dashboard, help: "Resolve the selected incident", hint: "resolve",
                mutates: true),
        Binding([.char("e")], .act(.escalate), .dashboard,
                help: "Escalate the selected incident to the next level of its policy", mutates: true),
        Binding([.char("s")], .act(.snooze), .dashboard, help: "Snooze the selected incident (pick for how long)",
                mutates: true),
        Binding([.char("n")], .act(.note), .dashboard, help: "Add a note to the selected incident (type one line)",
                mutates: true),
        Binding([.char("R")], .act(.reassign), .dashboard,
                help: "Reassign the selected incident to someone on call (pick from a list)", mutates: true),
        Binding([.char("/")], .filter, .dashboard,
                help: "Filter as you type: service, title, label, assignee, id (all words)",
                hint: "filter"),
        Binding([.char("m")], .toggleMine, .dashboard,
                help: "Only mine: assigned to or acked by me, or on my escalation policy"),
        Binding([.char("o")], .cycleSort, .dashboard, help: "Order by severity / newest / service / unacknowledged"),
        Binding([.escape], .clearFilter, .dashboard, help: "Clear the filter and \"mine\""),
        Binding([.char("S")], .silences, .dashboard, help: "Silences (Alertmanager): who, what, until when, what they silence"),
        Binding([.char("H")], .sourceHealth, .dashboard,
                help: "Sources: each one's state, its last errors with their times, and the log file"),
        Binding([.char("w")], .cycleWindow, .dashboard, help: "Cycle the window 24h / 7d / 30d", hint: "window"),
        Binding([.char("t")], .cycleTheme, .dashboard, help: "Cycle themes", hint: "theme"),
        Binding([.ctrl("l")], .repaint, .dashboard, help: "Repaint the whole screen"),
        Binding([.char("?")], .help, .dashboard, help: "Show this help", hint: "help"),
        Binding([.char("q"), .ctrl("c")], .quit, .dashboard, help: "Quit", hint: "quit"),

        Binding([.enter], .close, .filter, help: "Keep the filter and go back to the list", hint: "keep"),
        Binding([.escape], .clearFilter, .filter, help: "Clear the filter", hint: "clear"),
        Binding([.down], .down, .filter, help: "Next incident"),
        Binding([.up], .up, .filter, help: "Previous incident"),
        Binding([.ctrl("u")], .clearInput, .filter, help: "Empty the filter, keep typing"),
        Binding([.ctrl("c")], .quit, .filter, help: "Quit"),

        Binding([.char("j"), .down], .down, .silences, help: "Next silence", hint: "move"),
        Binding([.char("k"), .up], .up, .silences, help: "Previous silence"),
        Binding([.char("g"), .home], .top, .silences, help: "First silence"),
        Binding([.char("G"), .end], .bottom, .silences, help: "Last silence"),
        Binding([.char("e")], .extendSilence, .silences, help: "Extend the selected silence (pick by how long)",
                hint: "extend", mutates: true),
        Binding([.char("x")], .expireSilence, .silences, help: "Expire the selected silence now", hint: "expire",
                mutates: true),
        Binding([.escape, .char("q")], .close, .silences, help: "Back to the dashboard", hint: "back"),
        Binding([.char("?")], .help, .silences, help: "Show this help"),
        Binding([.ctrl("c")], .quit, .silences, help: "Quit"),

        Binding([.char("a")], .act(.acknowledge), .details, help: "Acknowledge this incident", hint: "ack", mutates: true),
        Binding([.char("u")], .act(.unacknowledge), .details, help: "Take back the acknowledgement of this incident",
                mutates: true),
        Binding([.char("r")], .act(.resolve), .details, help: "Resolve this incident", hint: "resolve", mutates: true),
        Binding([.char("e")], .act(.escalate), .details, help: "Escalate this incident to the next level of its policy",
                mutates: true),
        Binding([.char("s")], .act(.snooze), .details, help: "Snooze this incident (pick for how long)", hint: "snooze",
                mutates: true),
        Binding([.char("n")], .act(.note), .details, help: "Add a note to this incident (type one line)", hint: "note",
                mutates: true),
        Binding([.char("R")], .act(.reassign), .details, help: "Reassign this incident to someone on call (pick from a list)",
                hint: "reassign", mutates: true),
        Binding([.char("j"), .down], .down, .details, help: "Next incident"),
        Binding([.char("k"), .up], .up, .details, help: "Previous incident"),
        Binding([.pageDown, .char(" ")], .pageDown, .details, help: "Scroll the details down", hint: "scroll"),
        Binding([.pageUp], .pageUp, .details, help: "Scroll the details up"),
        Binding([.escape, .enter, .char("q")], .close, .details, help: "Back to the dashboard", hint: "back"),
        Binding([.char("?")], .help, .details, help: "Show this help"),
        Binding([.ctrl("c")], .quit, .details, help: "Quit"),

        Binding([.char("y")], .confirm, .confirm, help: "Yes, do it", hint: "yes", mutates: true),
        Binding([.char("n"), .escape, .char("q")], .cancel, .confirm, help: "No, cancel", hint: "no"),
        Binding([.ctrl("c")], .quit, .confirm, help: "Quit"),

        Binding([.enter], .confirm, .input, help: "Review the note before it is sent", hint: "review", mutates: true),
        Binding([.escape], .cancel, .input, help: "Cancel: nothing is sent", hint: "cancel"),
        Binding([.ctrl("u")], .clearInput, .input, help: "Clear the line"),
        Binding([.ctrl("c")], .quit, .input, help: "Quit"),

        Binding([.char("1")], .choose(1), .picker, help: "Choose the first item (snooze: 30 minutes)", mutates: true),
        Binding([.char("2")], .choose(2), .picker, help: "Choose the second item (snooze: 1 hour)", mutates: true),
        Binding([.char("3")], .choose(3), .picker, help: "Choose the third item (snooze: 4 hours)", mutates: true),
        Binding([.char("4")], .choose(4), .picker, help: "Choose the fourth item (snooze: 8 hours)", mutates: true),
        Binding([.char("5")], .choose(5), .picker, help: "Choose the fifth item (snooze: 24 hours)", mutates: true),
        Binding([.char("6")], .choose(6), .picker, help: "Choose the sixth item", mutates: true),
        Binding([.char("7")], .choose(7), .picker, help: "Choose the seventh item", mutates: true),
        Binding([.char("8")], .choose(8), .picker, help: "Choose the eighth item", mutates: true),
        Binding([.char("9")], .choose(9), .picker, help: "Choose the ninth item", mutates: true),
        Binding([.escape, .char("q")], .cancel, .picker, help: "Cancel: nothing is sent", hint: "cancel"),
        Binding([.ctrl("c")], .quit, .picker, help: "Quit"),

        Binding([.char("j"), .down, .pageDown, .char(" ")], .pageDown, .help, help: "Scroll down", hint: "scroll"),
        Binding([.char("k"), .up, .pageUp], .pageUp, .help, help: "Scroll up"),
        Binding([.char("?"), .escape, .char("q"), .enter], .close, .help, help: "Close help", hint: "close"),
        Binding([.ctrl("c")], .quit, .help, help: "Quit"),
    ]

    /// The key map for a mode: in read-only mode every mutating binding is simply absent.
    public static func standard(readOnly: Bool) -> KeyMap {
        KeyMap(all.filter { !(readOnly && $0.mutates) })
    }

    /// The action bound to a key in a context, if any. `offered` says which incident actions the
    /// selected incident's source supports: a key for any other is not bound.
    public func action(for key: Key, in context: KeyContext, offered: Set<ActionKind> = Set(ActionKind.allCases)) -> Action? {
        bindings.first { $0.context == context && $0.keys.contains(key) && Self.isOffered($0, offered) }?.action
    }

    /// Footer hints for a context, in table order: only the incident actions in `offered`.
    public func hints(in context: KeyContext, offered: Set<ActionKind> = Set(ActionKind.allCases)) -> [Binding] {
        bindings.filter { $0.context == context && $0.hint != nil && Self.isOffered($0, offered) }
    }

    /// Help lines for a context: only the incident actions in `offered`.
    public func help(in context: KeyContext, offered: Set<ActionKind> = Set(ActionKind.allCases)) -> [Binding] {
        bindings.filter { $0.context == context && Self.isOffered($0, offered) }
    }

    private static func isOffered(_ binding: Binding, _ offered: Set<ActionKind>) -> Bool {
        if case .act(let kind) = binding.action { return offered.contains(kind) }
        return true
    }
}
