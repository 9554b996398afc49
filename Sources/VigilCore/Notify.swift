import Foundation

/// How Vigil tells an engineer who is looking elsewhere (config `notify:`): a desktop
/// notification through the terminal (OSC 9 / OSC 777), the bell, and the terminal's title.
public struct NotifySettings: Sendable, Hashable {
    /// Send desktop notifications through the terminal (opt-in).
    public var desktop: Bool
    /// Ring the terminal bell too (opt-in).
    public var bell: Bool
    /// Which escape sequence carries the notification.
    public var protocolChoice: NotifyProtocol
    /// At most one notification (or bell) per this many seconds; what arrives meanwhile is told
    /// in one notification when the time is up.
    public var minInterval: TimeInterval
    /// Also on a wall monitor (`--wall`): off unless asked, a wall is watched, not worn.
    public var onWall: Bool
    /// Keep the unacknowledged count in the terminal's title.
    public var title: Bool

    /// The shortest interval allowed: a burst of pages must not become a burst of pop-ups.
    public static let shortestInterval: TimeInterval = 5

    /// Creates settings: by default nothing pops up or rings, and the title shows the count.
    public init(desktop: Bool = false, bell: Bool = false, protocolChoice: NotifyProtocol = .auto,
                minInterval: TimeInterval = 30, onWall: Bool = false, title: Bool = true) {
        self.desktop = desktop; self.bell = bell; self.protocolChoice = protocolChoice
        self.minInterval = max(Self.shortestInterval, minInterval); self.onWall = onWall; self.title = title
    }
}

/// The escape sequence of a desktop notification.
public enum NotifyProtocol: String, Sendable, Hashable, CaseIterable {
    /// OSC 777 for terminals known to read it (foot, rxvt-unicode), else OSC 9.
    case auto
    /// `ESC ] 9 ; body BEL` (iTerm2, kitty, WezTerm, Windows Terminal, Ghostty, …).
    case osc9
    /// `ESC ] 777 ; notify ; title ; body BEL` (foot, rxvt-unicode, WezTerm, Ghostty, …).
    case osc777
    /// Both: for a terminal that shows only one of them (may show two where both are read).
    case both
}

/// What the notifier has said and what waits for its turn.
public struct NotifierState: Sendable, Hashable {
    /// When the last notification went out.
    public var lastSent: Date?
    /// Things that arrived while the last one was too recent, oldest first.
    public var held: [Notice] = []
    /// Creates an empty state.
    public init() {}
}

/// One thing to tell: "New page: SEV1 checkout: 5xx above 5%".
public struct Notice: Sendable, Hashable {
    /// Why: a new page, a page that fires again, one of mine escalated to me.
    public enum Reason: String, Sendable, Hashable {
        case newPage = "New page", retriggered = "Triggered again", escalated = "Now yours",
             escalatedAway = "Escalated past you"
    }
    /// Why it is told.
    public var reason: Reason
    /// The incident.
    public var incidentID: String
    /// Its one-line summary: "SEV1 checkout: 5xx above 5%".
    public var summary: String
    /// Its severity (the most severe of those held is told first).
    public var severity: Severity = .info
}

extension Notice {
    /// The notices a poll gives rise to: pages that were not there before (not from the first
    /// answer), pages that fire again after an acknowledgement, incidents that became mine
    /// (escalated or reassigned to me), and mine left unanswered that escalated to someone else.
    static func arising(old: [Incident]?, new: [Incident], aligned: IncidentAlignment? = nil, me: Me) -> [Notice] {
        guard let old else { return [] }
        let alignment = aligned ?? IncidentAlignment(old: old, new: new)
        var out: [Notice] = []
        func notice(_ reason: Reason, _ i: Incident) -> Notice {
            Notice(reason: reason, incidentID: i.id, summary: "\(i.severity.label) \(i.service): \(i.title)", severity: i.severity)
        }
        for p in new.indices where new[p].status != .resolved {
            let k = Int(alignment.previous[p])
            guard k >= 0 else {
                if new[p].paged && new[p].status == .triggered { out.append(notice(.newPage, new[p])) }
                continue
            }
            // What tells is a change of status or of assignee (a label): most incidents of a
            // poll have neither.
            if old[k].status == new[p].status && old[k].labels == new[p].labels { continue }
            let i = new[p], was = old[k]
            if i.paged && i.status == .triggered && was.status == .acknowledged {
                out.append(notice(.retriggered, i))
            } else if i.status != .acknowledged && me.assigned(i) && !me.assigned(was) {
                out.append(notice(.escalated, i))
            } else if i.status == .triggered && me.assigned(was) && !me.assigned(i) && i.labels.contains(where: { $0.key == "assignee" }) {
                // Mine, unanswered, and the policy moved on to the next level: the one who missed it hears.
                out.append(notice(.escalatedAway, i))
            }
        }
        return out
    }
}

extension Me {
    /// Whether an incident is assigned to me (not merely on my policy).
    func assigned(_ i: Incident) -> Bool {
        guard let value = i.labels.first(where: { $0.key == "assignee" })?.value else { return false }
        return value.split(separator: ",").contains { names.contains($0.trimmingCharacters(in: .whitespaces).lowercased()) }
    }
}

extension AppState {
    /// Whether notifications and the bell may go out now: asked for, and on a wall only if asked.
    var notifying: Bool {
        (notify.desktop || notify.bell) && (wall == nil || notify.onWall)
    }

    /// Open pages nobody has acknowledged (counted once per revision).
    public var unacknowledgedPages: Int {
        let open = openIncidents
        return Memo.shared.value(Memo.Key(revision: revision, name: "unacknowledgedPages")) {
            open.reduce(0) { $0 + ($1.paged && $1.status == .triggered ? 1 : 0) }
        }
    }

    /// What the terminal's title says, the count of unacknowledged pages first so that a
    /// background tab tells: "(2) Vigil demo: 2 unacked pages".
    public var terminalTitle: String {
        let n = unacknowledgedPages
        return n > 0 ? "(\(n)) Vigil \(title): \(n) unacked page\(n == 1 ? "" : "s")" : "Vigil \(title): no unacked pages"
    }
}

/// The reducer's part for notices: tell now, or hold until the interval is up.
func tell(_ notices: [Notice], _ state: inout AppState) -> [Effect] {
    guard state.notifying, !notices.isEmpty else { return [] }
    state.notifier.held += notices
    return releaseNotices(&state)
}

/// Sends what is held when the interval since the last notification is up: one notification,
/// the most severe thing first, with the count of the rest.
func releaseNotices(_ state: inout AppState) -> [Effect] {
    guard !state.notifier.held.isEmpty else { return [] }
    guard state.notifying else { state.notifier.held = []; return [] }
    if let last = state.notifier.lastSent, state.now.timeIntervalSince(last) < state.notify.minInterval { return [] }
    let held = state.notifier.held
    state.notifier.held = []
    state.notifier.lastSent = state.now
    // The most severe first; of equals, the one that came first.
    let first = held.indices.min { (held[$0].severity, $0) < (held[$1].severity, $1) }.map { held[$0] } ?? held[0]
    let more = held.count > 1 ? " (+\(held.count - 1) more)" : ""
    var effects: [Effect] = []
    if state.notify.desktop {
        effects.append(.notify(title: "Vigil: \(first.reason.rawValue)\(more)", body: "\(first.incidentID) \(first.summary)"))
    }
    if state.notify.bell { effects.append(.bell) }
    return effects
}
