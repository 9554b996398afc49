import Foundation

/// How a wall monitor runs (`vigil --wall`): read-only, rotating pages, a full repaint now and
/// then, and optionally a bell for a new page or outage.
public struct WallSettings: Sendable, Hashable {
    /// How long each page stays before the next (at least 5 s).
    public var rotateEvery: TimeInterval
    /// Ring the terminal bell when a new page or outage arrives.
    public var bell: Bool
    /// How often the whole screen is repainted, so a stray write (a `wall` broadcast, a kernel
    /// message on a console) cannot stay on the screen for long.
    public var repaintEvery: TimeInterval

    /// The shortest rotation: faster than this nobody can read a page from across a room.
    public static let shortestRotation: TimeInterval = 5

    /// Creates settings; the defaults rotate every 20 s, ring no bell and repaint every 5 minutes.
    public init(rotateEvery: TimeInterval = 20, bell: Bool = false, repaintEvery: TimeInterval = 300) {
        self.rotateEvery = max(Self.shortestRotation, rotateEvery)
        self.bell = bell
        self.repaintEvery = max(10, repaintEvery)
    }
}

/// The pages a wall monitor rotates through.
public enum WallPage: Int, Sendable, Hashable, CaseIterable {
    /// The headline figures in large digits, and what is open now.
    case now
    /// The seven panels of the dashboard.
    case panels

    /// The page's name, for the footer.
    public var title: String {
        switch self {
        case .now: return "Now"
        case .panels: return "Panels"
        }
    }
}

/// The wall monitor's part of the app state.
public struct WallState: Sendable, Hashable {
    /// The settings.
    public var settings: WallSettings
    /// The page shown.
    public var page: WallPage = .now
    /// When that page came up (rotation counts from here).
    public var pageSince: Date
    /// When the whole screen was last repainted.
    public var lastRepaint: Date

    /// Creates the state at `now`, on the first page.
    public init(settings: WallSettings, now: Date) {
        self.settings = settings
        self.pageSince = now
        self.lastRepaint = now
    }

    /// When the page changes next.
    public var nextPageAt: Date { pageSince.addingTimeInterval(settings.rotateEvery) }

    /// Moves `by` pages on (negative: back), starting the page's time anew.
    mutating func turn(by step: Int, at now: Date) {
        let count = WallPage.allCases.count
        page = WallPage(rawValue: ((page.rawValue + step) % count + count) % count) ?? .now
        pageSince = now
    }

    /// Time passed: turns the page when its time is up (once, however long the gap: a machine
    /// that slept does not flip through pages) and says whether a full repaint is due.
    mutating func tick(_ now: Date) -> Bool {
        if now >= nextPageAt || now < pageSince { turn(by: 1, at: now) }
        guard now.timeIntervalSince(lastRepaint) >= settings.repaintEvery || now < lastRepaint else { return false }
        lastRepaint = now
        return true
    }
}

extension KeyMap {
    /// The wall monitor's keys: looking around and quitting, nothing that changes a source, and
    /// no selection to move (there is no cursor on a wall).
    public static let wall = KeyMap([
        Binding([.char(" "), .char("l"), .right], .nextPage, .dashboard, help: "Next page", hint: "next page"),
        Binding([.char("h"), .left], .previousPage, .dashboard, help: "Previous page"),
        Binding([.char("w")], .cycleWindow, .dashboard, help: "Cycle the window 24h / 7d / 30d", hint: "window"),
        Binding([.char("t")], .cycleTheme, .dashboard, help: "Cycle themes", hint: "theme"),
        Binding([.ctrl("l")], .repaint, .dashboard, help: "Repaint the whole screen"),
        Binding([.char("?")], .help, .dashboard, help: "Show this help", hint: "help"),
        Binding([.char("q"), .ctrl("c")], .quit, .dashboard, help: "Quit", hint: "quit"),

        Binding([.char("j"), .down, .pageDown, .char(" ")], .pageDown, .help, help: "Scroll down", hint: "scroll"),
        Binding([.char("k"), .up, .pageUp], .pageUp, .help, help: "Scroll up"),
        Binding([.char("?"), .escape, .char("q"), .enter], .close, .help, help: "Close help", hint: "close"),
        Binding([.ctrl("c")], .quit, .help, help: "Quit"),
    ])
}

/// Who needs to look up: pages nobody has acknowledged and outages still going on, for the wall
/// monitor's banner. Derived from the state each frame, so it lasts exactly as long as the
/// problem, not as long as a timer.
public struct WallAlarm: Sendable, Hashable {
    /// Open paging incidents nobody has acknowledged, most severe, then newest, first.
    public var unacknowledgedPages: [Incident]
    /// Outages open now (incidents of the configured outage severities, acknowledged or not),
    /// longest first.
    public var outages: [Incident]

    /// Nothing to shout about.
    public var isEmpty: Bool { unacknowledgedPages.isEmpty && outages.isEmpty }

    /// The alarm of a state.
    public init(_ state: AppState) {
        let open = state.openIncidents
        unacknowledgedPages = open.filter { $0.paged && $0.status == .triggered }
            .sorted { $0.severity != $1.severity ? $0.severity < $1.severity : $0.triggeredAt > $1.triggeredAt }
        outages = open.filter { state.metricsConfig.outageSeverities.contains($0.severity) && $0.triggeredAt <= state.now }
            .sorted { $0.triggeredAt < $1.triggeredAt }
    }
}
