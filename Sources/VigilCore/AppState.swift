import Foundation

extension PanelID {
    /// The kind of data the panel is drawn from, so its health badge can name the sources that
    /// feed it (`SourceState.provides`).
    public var dataKind: DataKind {
        switch self {
        case .builds: return .builds
        case .deployments: return .deployments
        case .outages, .pages, .response, .incidents: return .incidents
        case .quality: return .series
        }
    }
}

/// The kinds of data a source can provide, so a panel without data can name the source that
/// should have given it.
public enum DataKind: String, Sendable, Hashable, CaseIterable {
    case incidents, deployments, builds, series
}

/// A problem a source reported beside data it did deliver.
public struct SourceWarning: Sendable, Hashable {
    /// The panel it concerns, if one.
    public var panel: PanelID?
    /// What went wrong, naming the query or member.
    public var message: String
    /// Creates a warning.
    public init(panel: PanelID?, message: String) { self.panel = panel; self.message = message }
}

/// Which screen is in front.
public enum Mode: Sendable, Hashable {
    case dashboard
    case details(String)
    /// Typing the incident filter (`/`): the table follows every key.
    case filter
    /// The silences of the sources that keep them.
    case silences
    /// How long to extend a silence by.
    case silencePick(String)
    /// "Extend / expire this silence?"
    case silenceConfirm(SilenceChange, String)
    /// Asks "do this?" before an action is sent.
    case confirm(IncidentAction, String, returnTo: ReturnMode)
    /// Typing the text an action needs (a note), one line.
    case input(ActionKind, String, text: String, returnTo: ReturnMode)
    /// Choosing a value from a short list (how long to snooze).
    case pick(ActionKind, String, returnTo: ReturnMode)
    case help(returnTo: ReturnMode)
    /// Every source's state and last errors, and the log file (`H`); scrolls and closes as help does.
    case health(returnTo: ReturnMode)

    /// Where a dialog returns to.
    public enum ReturnMode: Sendable, Hashable { case dashboard, details(String), silences }

    /// The key context of this mode.
    public var keyContext: KeyContext {
        switch self {
        case .dashboard: return .dashboard
        case .details: return .details
        case .filter: return .filter
        case .silences: return .silences
        case .silencePick: return .picker
        case .silenceConfirm: return .confirm
        case .confirm: return .confirm
        case .input: return .input
        case .pick: return .picker
        case .help, .health: return .help
        }
    }
}

/// A short message shown in the footer until `until`.
public struct Flash: Sendable, Hashable {
    /// The text.
    public var text: String
    /// True for errors.
    public var isError: Bool
    /// When it disappears.
    public var until: Date
}

/// The whole state of the app. Changed only by `reduce`.
public struct AppState: Sendable {
    /// The current time, from the last tick.
    public var now: Date
    /// The terminal size.
    public var size: Size
    /// Read-only (wall monitor): no mutating key is bound.
    public var readOnly: Bool
    /// Who acknowledges.
    public var user: String
    /// The key map in force.
    public var keyMap: KeyMap
    /// The chosen window.
    public var window: TimeWindow = .week { didSet { revision = Revision.next() } }
    /// The focused panel.
    public var focus: PanelID = .incidents
    /// How to tell an engineer who is looking elsewhere (config `notify:`).
    public var notify = NotifySettings()
    /// What was told and what waits for its turn.
    public var notifier = NotifierState()
    /// The row of the silences view.
    public var silenceCursor = 0
    /// Silences changed here and not yet answered for.
    public var pendingSilences: Set<String> = []
    /// What the incident table shows: the filter, "mine", the order.
    public var query = IncidentQuery()
    /// The selected incident, by id (stable across refreshes).
    public var selectedIncident: String?
    /// Scroll offset of list panels other than incidents.
    public var scroll: [PanelID: Int] = [:]
    /// Which screen is in front. Setting it scrolls the new dialog to its top.
    public var mode: Mode = .dashboard {
        didSet { if mode != oldValue { dialogScroll = 0 } }
    }
    /// First line shown of a dialog taller than the screen (details, help).
    public var dialogScroll = 0
    /// Theme names available and the one in use.
    public var themeNames: [String]
    /// Index into `themeNames`.
    public var themeIndex: Int = 0
    /// Per-source data and health, by source id. Only a change of some source's data (its
    /// snapshot) makes a new revision: a poll that brought the same data, a failure, a warning
    /// leave everything derived from the data as it was.
    public var sources: [SourceID: SourceState] = [:] {
        didSet { if Self.dataDiffers(oldValue, sources) { revision = Revision.next() } }
    }
    /// Order sources were configured in.
    public var sourceOrder: [SourceID] = [] { didSet { revision = Revision.next() } }
    /// Actions asked for here, by incident id (the latest per incident).
    public var actions: [String: ActionProgress] = [:]
    /// Footer message.
    public var flash: Flash?
    /// Incidents remembered by the store from earlier runs; live data wins by id.
    public var history: [Incident] = [] { didSet { revision = Revision.next() } }
    /// The last problem of the durable store, shown in the header until it goes away.
    public var storeProblem: String?
    /// Metric settings.
    public var metricsConfig = MetricsConfig() { didSet { revision = Revision.next() } }
    /// The version of the data above (sources, history, window, metric settings): what derived
    /// values are cached by (`Memo`). Changes with every change to them.
    public private(set) var revision: UInt64 = Revision.next()
    /// Set once quitting was asked for.
    public var quitting = false
    /// The diagnostic log's file and level, for the sources dialog (nil: no log file).
    public var logFile: LogFileInfo?
    /// Name shown in the header ("demo", a config name).
    public var title: String
    /// The wall monitor's pages and timers; nil when not on a wall. Set it with `makeWall`.
    public private(set) var wall: WallState?

    /// Turns this into a wall monitor (`vigil --wall`): read-only, with the wall's own keys (none
    /// changes a source, none moves a selection), rotating pages from `now`.
    public mutating func makeWall(_ settings: WallSettings) {
        wall = WallState(settings: settings, now: now)
        readOnly = true
        keyMap = .wall
        selectedIncident = nil
    }

    /// Internal access for the reducer.
    var wallState: WallState? {
        get { wall }
        set { wall = newValue }
    }

    /// Creates a state.
    public init(now: Date, size: Size, readOnly: Bool = false, user: String, themeNames: [String] = ["default"],
                title: String = "demo", sources: [(SourceID, TimeInterval)] = []) {
        self.now = now; self.size = size; self.readOnly = readOnly; self.user = user
        self.keyMap = KeyMap.standard(readOnly: readOnly)
        self.themeNames = themeNames.isEmpty ? ["default"] : themeNames
        self.title = title
        for (id, interval) in sources {
            self.sources[id] = SourceState(pollInterval: interval)
            sourceOrder.append(id)
        }
    }

    /// All incidents from all sources, plus those only the store remembers (live wins by id).
    public var incidents: [Incident] {
        Memo.shared.value(Memo.Key(revision: revision, name: "incidents")) {
            // One list per source; with one source its own list is used as it is (shared, not
            // copied), and lists are joined into exactly the room they need (10,000 incidents
            // are 2 MB of list, twice that after doubling growth).
            let lists = sourceOrder.compactMap { sources[$0]?.snapshot?.incidents }.filter { !$0.isEmpty }
            var live: [Incident]
            if lists.count == 1 {
                live = lists[0]
            } else {
                live = []
                live.reserveCapacity(lists.reduce(0) { $0 + $1.count })
                for list in lists { live += list }
            }
            if !history.isEmpty {
                // Only what is over comes from memory: whether something is open is the sources' word.
                let liveIDs = Set(live.map(\.id))
                live += history.filter { !$0.isOpen && !liveIDs.contains($0.id) }
            }
            // One problem, one row: alerts inside the pages they opened.
            return lists.count + (history.isEmpty ? 0 : 1) > 1 ? PageMerge.merged(live) : live
        }
    }

    /// True when `incidents` merges alerts into pages, so figures must be taken from it rather
    /// than from each source's list.
    public var mergesPages: Bool {
        Memo.shared.value(Memo.Key(revision: revision, name: "mergesPages")) {
            let lists = sourceOrder.compactMap { sources[$0]?.snapshot?.incidents }.filter { !$0.isEmpty }
            return lists.count > 1 && PageMerge.applies(to: lists)
        }
    }
    /// All deployments (merged once per revision).
    public var deployments: [Deployment] {
        Memo.shared.value(Memo.Key(revision: revision, name: "deployments")) {
            sourceOrder.flatMap { sources[$0]?.snapshot?.deployments ?? [] }
        }
    }
    /// All CI runs (merged once per revision).
    public var builds: [BuildRun] {
        Memo.shared.value(Memo.Key(revision: revision, name: "builds")) {
            sourceOrder.flatMap { sources[$0]?.snapshot?.builds ?? [] }
        }
    }
    /// All series (merged once per revision).
    public var series: [MetricSeries] {
        Memo.shared.value(Memo.Key(revision: revision, name: "series")) {
            sourceOrder.flatMap { sources[$0]?.snapshot?.series ?? [] }
        }
    }

    /// Whether two sets of source states hold different data: a source came or went, or one's
    /// snapshot was set since (the reducer leaves an equal snapshot as it was).
    static func dataDiffers(_ a: [SourceID: SourceState], _ b: [SourceID: SourceState]) -> Bool {
        guard a.count == b.count else { return true }
        for (id, state) in b {
            guard let old = a[id], old.snapshotVersion.value == state.snapshotVersion.value else { return true }
        }
        return false
    }

    /// True when some source provides this kind of data (so "no data" can say why).
    public func provides(_ kind: KeyPath<SourceSnapshot, [Incident]?>) -> Bool {
        sources.values.contains { $0.snapshot?[keyPath: kind] != nil }
    }

    /// Open incidents, most severe first, then oldest first: the incident table's rows.
    /// Sorted once per revision of the data, not once per frame; the rows are positions in
    /// `incidents`, not a copy of them (a copy was 2 MB per 10,000 incidents, and the memo keeps
    /// two revisions).
    public var openIncidents: IncidentRows { openTable.rows }

    /// How many open incidents nobody has acknowledged (counted with `openIncidents`).
    public var unacknowledgedCount: Int { openTable.unacknowledged }

    private struct OpenTable: Sendable {
        var rows: IncidentRows
        var unacknowledged: Int
    }

    private var openTable: OpenTable {
        Memo.shared.value(Memo.Key(revision: revision, name: "openIncidents")) {
            // Positions are ordered by keys read once: by trigger time with the metrics' bucket
            // sort, then by severity with a counting sort (both stable), and only runs of equal
            // severity and time by id. Sorting positions with a comparison of (severity, time,
            // id) was most of the terminal thread's work after a poll (22 M instructions of
            // 53 M for 10,000 incidents; DECISIONS 2026-12-06, "Figures beside the frame").
            let all = incidents
            if let kept = OpenOrder.last.reused(for: all) { return OpenTable(rows: IncidentRows(all, kept.order),
                                                                             unacknowledged: kept.unacknowledged) }
            var rows: [Int32] = [], severity: [UInt8] = [], started: [Double] = []
            var unacknowledged = 0
            var levels = 0
            all.withUnsafeBufferPointer { list in
                // Stored fields only: `isOpen`, a computed property, copied each incident.
                for p in list.indices where list[p].status != .resolved {
                    rows.append(Int32(p))
                    let level = list[p].severity.rawValue
                    severity.append(UInt8(truncatingIfNeeded: level))
                    levels = max(levels, level + 1)
                    started.append(list[p].triggeredAt.timeIntervalSinceReferenceDate)
                    if list[p].status == .triggered { unacknowledged += 1 }
                }
            }
            let byTime = Columns.stableOrder(started)
            var starts = [Int](repeating: 0, count: levels + 1)
            for level in severity { starts[Int(level) + 1] += 1 }
            for l in 0..<levels { starts[l + 1] += starts[l] }
            var order = [Int32](repeating: 0, count: rows.count)
            for k in byTime {
                let level = Int(severity[Int(k)])
                order[starts[level]] = k
                starts[level] += 1
            }
            // Equal severity and time: by id, then as listed.
            all.withUnsafeBufferPointer { list in
                var k = 0
                while k < order.count {
                    var end = k + 1
                    while end < order.count, severity[Int(order[end])] == severity[Int(order[k])],
                          started[Int(order[end])] == started[Int(order[k])] { end += 1 }
                    if end - k > 1 {
                        order[k..<end].sort { a, b in
                            let x = list[Int(rows[Int(a)])].id, y = list[Int(rows[Int(b)])].id
                            return x != y ? x < y : a < b
                        }
                    }
                    k = end
                }
            }
            for k in order.indices { order[k] = rows[Int(order[k])] }
            OpenOrder.last.keep(all, order)
            return OpenTable(rows: IncidentRows(all, order), unacknowledged: unacknowledged)
        }
    }

    /// The row of the open incident with an id in `openIncidents`, if it is open (looked for
    /// once per revision and id: the table asks for the selected one on every frame).
    public func openRow(of id: String) -> Int? {
        let rows = openIncidents
        // -1: not open (an optional kept as `any Sendable` would not cast back reliably).
        let row = Memo.shared.value(Memo.Key(revision: revision, name: "openRow\u{1}" + id)) { rows.firstRow(withID: id) ?? -1 }
        return row < 0 ? nil : row
    }

    /// Who is on call, for the header ("on call: Aisha Okafor until 09:00"), from the sources
    /// that say; nil when none does.
    public var onCallLine: String? {
        let shifts = sourceOrder.flatMap { sources[$0]?.snapshot?.onCall ?? [] }
        return shifts.isEmpty ? nil : OnCallSummary.line(shifts, now: now, timeZone: OnCallSummary.headerTimeZone)
    }

    /// The incident with an id (from an index built once per revision).
    public func incident(_ id: String) -> Incident? {
        // An open one (the selected row, nearly always) from the table's own index, built for
        // every frame anyway: an index of all incidents is then built only for the others (it
        // was a third of the frame after a poll of 100,000 incidents, and 3 MB).
        if let row = openRow(of: id) { return openIncidents[row] }
        let all = incidents
        let index = Memo.shared.value(Memo.Key(revision: revision, name: "incidentIndex")) {
            var index: [String: Int] = Dictionary(minimumCapacity: all.count)
            all.withUnsafeBufferPointer { list in
                for p in list.indices where index[list[p].id] == nil { index[list[p].id] = p }
            }
            return index
        }
        if let p = index[id] { return all[p] }
        // An alert shown inside the page it opened is still an incident of its own source.
        let members = Memo.shared.value(Memo.Key(revision: revision, name: "mergedIncidentIndex")) {
            var members: [String: Incident] = [:]
            for row in all where !row.merged.isEmpty { for m in row.merged { members[m.id] = m } }
            return members
        }
        return members[id]
    }

    /// The sources that feed a panel, in configured order: those that provide its kind of data.
    public func sources(feeding panel: PanelID) -> [SourceID] {
        sourceOrder.filter { sources[$0]?.provides.contains(panel.dataKind) == true }
    }

    /// The incident an action key applies to: the one in the details or confirmation dialog,
    /// else the selected one.
    public var actionTarget: String? {
        switch mode {
        case .details(let id), .confirm(_, let id, _), .input(_, let id, _, _), .pick(_, let id, _): return id
        default: return selectedIncident
        }
    }

    /// The incident actions the key map offers now: those the target incident's source supports;
    /// without a target, those any source supports (so help still tells what `a` would do).
    public var offeredActions: Set<ActionKind> {
        guard let id = actionTarget, let incident = incident(id) else {
            return sources.values.reduce(into: Set<ActionKind>()) { $0.formUnion($1.actions) }
        }
        return sources[incident.source]?.actions ?? []
    }

    /// The layout for the current size.
    public var layout: DashboardLayout { DashboardLayout.compute(size) }

    /// The theme in use.
    public var themeName: String { themeNames[min(max(themeIndex, 0), themeNames.count - 1)] }
}

/// Where the diagnostic log goes and at which level (`AppState.logFile`).
public struct LogFileInfo: Sendable, Hashable {
    /// The file.
    public var path: String
    /// The level's name ("error", "debug", …).
    public var level: String
    /// Creates the description.
    public init(path: String, level: String) { self.path = path; self.level = level }
}
