import Foundation

/// The only place state changes. Pure: no IO, no clock, no terminal. Returns the effects the
/// runtime must perform.
public func reduce(_ state: inout AppState, _ event: Event) -> [Effect] {
    switch event {
    case .tick(let now):
        state.now = now
        if let f = state.flash, f.until <= now { state.flash = nil }
        var effects = releaseNotices(&state)
        if var wall = state.wallState {
            let repaint = wall.tick(now)
            state.wallState = wall
            if repaint { effects.append(.repaint) }
        }
        return effects

    case .resized(let size):
        state.size = size
        return []

    case .key(let key):
        if typeInto(key, &state) { return [] }
        guard let action = state.keyMap.action(for: key, in: state.mode.keyContext, offered: state.offeredActions) else {
            explainUnboundKey(key, &state)
            return []
        }
        return perform(action, on: &state)

    case .mouse(let event):
        return handleMouse(event, &state)

    case .silenceChanged(let old, let silence, let change):
        silenceChanged(silence, replacing: old, change, &state)
        return []

    case .silenceChangeFailed(let id, let change, let error):
        state.pendingSilences.remove(id)
        let what = change == .expire ? "not expired" : "not extended"
        flash(&state, "Silence \(id.prefix(8)) \(what): \(error.message)", error: true)
        return []

    case .sourcePolled(let id, let report):
        var effects: [Effect] = []
        switch report.outcome {
        case .updated(let snapshot, let warnings):
            let changed = state.sources[id]?.snapshot != snapshot
            effects = sourceUpdated(&state, id, snapshot, changed: changed, at: report.at)
            state.sources[id]?.warnings = warnings
            state.sources[id]?.quota = report.quota
            // The same incidents as last time are written again only now and then (the store
            // refreshes when each was last seen, for pruning, every few minutes).
            if state.sources[id]?.keepsHistory == false, let incidents = snapshot.incidents,
               changed || report.at.timeIntervalSince(state.sources[id]?.historyRecordedAt ?? .distantPast) >= 60 {
                effects.append(.recordHistory(id, incidents, at: report.at))
                state.sources[id]?.historyRecordedAt = report.at
            }
        case .failed(let error):
            sourceFailed(&state, id, error, at: report.at)
            state.sources[id]?.consecutiveFailures = report.consecutiveFailures
            state.sources[id]?.nextRetryAt = report.nextPollAt
        }
        state.sources[id]?.lastPollDuration = report.duration
        return effects

    case .actionConfirmed(let id, let action, let confirmation):
        state.actions[id] = .confirmed(action, confirmation)
        showConfirmed(action, id, confirmation, &state)
        switch action {
        case .note, .reassign:
            flash(&state, "\(id): \(action.kind.noun) confirmed by \(confirmation.by) at \(clock(confirmation.at))", error: false)
        case .unacknowledge:
            flash(&state, "\(id) is no longer acknowledged", error: false)
        default:
            flash(&state, "\(id) \(action.kind.done) by \(confirmation.by) at \(clock(confirmation.at))", error: false)
        }
        return []

    case .actionFailed(let id, let action, let error):
        state.actions[id] = .failed(action, error.message)
        let what = action == .unacknowledge ? "still acknowledged" : "not \(action.kind.done)"
        flash(&state, "\(id) \(what): \(error.message)", error: true)
        return []

    case .actionRetrying(let id, let action, let error, let next):
        if state.actions[id]?.isPending != true { state.actions[id] = .pending(action, since: state.now) }
        // What happens next first: on a narrow terminal the cause is what gets cut.
        flash(&state, "\(id) not sent yet, saved, retrying at \(clock(next)): \(error.message)", error: true)
        return []

    case .storeProblem(let message):
        state.storeProblem = message
        flash(&state, "State not saved: \(message)", error: true)
        return []

    case .outboxPending(let entries):
        for (id, action) in entries where state.actions[id] == nil { state.actions[id] = .pending(action, since: state.now) }
        return []

    case .historyLoaded(let incidents):
        // Only what is over is used (whether something is open is the sources' word): the open
        // ones are not kept (after a restart with 10,000 firing alerts, 10,000 rows for nothing).
        state.history = incidents.filter { !$0.isOpen }
        return []

    case .themeLoaded(let index, let problem):
        guard state.themeNames.indices.contains(index) else { return [] }
        guard let problem else {
            state.themeIndex = index
            flash(&state, "theme: \(state.themeName)", error: false)
            return []
        }
        // A theme that cannot be read leaves the cycle, and `t` moves on to the one after it.
        state.themeNames.remove(at: index)
        if index < state.themeIndex { state.themeIndex -= 1 }
        let next = index % max(1, state.themeNames.count)
        guard next != state.themeIndex else {
            // Every other theme is unreadable: stay on the one shown.
            flash(&state, "theme: \(state.themeName)", error: false)
            return []
        }
        flash(&state, "theme skipped: \(problem)", error: true)
        return [.loadTheme(index: next)]
    }
}

/// In read-only mode, say why a familiar key does nothing instead of ignoring it; say so too
/// when the selected incident's source cannot do what the key asks.
func explainUnboundKey(_ key: Key, _ state: inout AppState) {
    let context = state.mode.keyContext
    guard let binding = KeyMap.all.first(where: { $0.mutates && $0.context == context && $0.keys.contains(key) }) else {
        return
    }
    if state.readOnly {
        flash(&state, "Read-only mode: \(key.label) would change something at a source, so it is off", error: false)
    } else if case .act(let kind) = binding.action, let id = state.actionTarget, let incident = state.incident(id) {
        flash(&state, "\(incident.source) cannot \(kind.verb) its incidents", error: false)
    }
}

/// Shows a confirmed action on its row at once; the next poll brings the source's own record.
func showConfirmed(_ action: IncidentAction, _ id: String, _ confirmation: ActionConfirmation,
                           _ state: inout AppState) {
    guard let incident = state.incident(id), var src = state.sources[incident.source],
          var list = src.snapshot?.incidents, let i = list.firstIndex(where: { $0.id == id }) else { return }
    switch action {
    case .acknowledge:
        if list[i].status == .triggered { list[i].status = .acknowledged }
        list[i].acknowledgedBy = list[i].acknowledgedBy ?? confirmation.by
        list[i].acknowledgedAt = list[i].acknowledgedAt ?? confirmation.at
    case .unacknowledge:
        if list[i].status == .acknowledged { list[i].status = .triggered }
        list[i].acknowledgedBy = nil
        list[i].acknowledgedAt = nil
    case .resolve:
        list[i].status = .resolved
        list[i].resolvedAt = list[i].resolvedAt ?? confirmation.at
    case .note(let text):
        list[i].timeline.append(TimelineEntry(at: confirmation.at, text: "Note by \(confirmation.by): \(text)"))
    case .snooze:
        // A snooze acknowledges a triggered incident (PagerDuty, the demo): shown at once.
        if list[i].status == .triggered {
            list[i].status = .acknowledged
            list[i].acknowledgedBy = list[i].acknowledgedBy ?? confirmation.by
            list[i].acknowledgedAt = list[i].acknowledgedAt ?? confirmation.at
        }
        list[i].timeline.append(TimelineEntry(at: confirmation.at, text: "\(action.describe(id)): done by \(confirmation.by)"))
    case .reassign, .escalate:
        list[i].timeline.append(TimelineEntry(at: confirmation.at,
                                              text: "\(action.describe(id)): done by \(confirmation.by)"))
    }
    src.snapshot?.incidents = list
    state.sources[incident.source] = src
}

/// New data: the error, the failure count and the retry time are cleared; the selection stays
/// on its incident (or the row now in its place). A wall monitor that asked for it rings the
/// bell for a new page or outage.
/// `changed`: whether `snapshot` differs from the source's last one (compared once, by the caller).
func sourceUpdated(_ state: inout AppState, _ id: SourceID, _ snapshot: SourceSnapshot, changed: Bool,
                   at: Date) -> [Effect] {
    if var s = state.sources[id], !changed {
        // The same data (most polls): it is fresh again, and nothing else changes; the lists on
        // screen stay, so nothing derived from them is computed again.
        s.markSucceeded(at: at)
        state.sources[id] = s
        return []
    }
    let oldIndex = state.selectedIncident.flatMap { state.visibleRow(of: $0) }
    // A page that was not there before (and is not from the first answer) is announced.
    let old = state.sources[id]?.snapshot.map { $0.incidents ?? [] }
    let list = snapshot.incidents ?? []
    let alignment = old.map { IncidentAlignment(old: $0, new: list) }
    var arrived: [Incident] = []
    if let alignment {
        for p in list.indices where alignment.previous[p] < 0 && list[p].isOpen { arrived.append(list[p]) }
    }
    let newPages = arrived.filter { $0.paged && $0.status == .triggered }
    let newOutages = arrived.filter { state.metricsConfig.outageSeverities.contains($0.severity) }
    let notices = state.notifying ? Notice.arising(old: old, new: list, aligned: alignment, me: state.me) : []
    var s = state.sources[id] ?? SourceState(pollInterval: 60)
    if state.sources[id] == nil { state.sourceOrder.append(id) }
    s.snapshot = snapshot
    s.markSucceeded(at: at)
    state.sources[id] = s
    reconcileSelection(&state, previousIndex: oldIndex)
    if let page = newPages.min(by: { $0.severity < $1.severity }) {
        let more = newPages.count > 1 ? " (+\(newPages.count - 1) more)" : ""
        flash(&state, "New page: \(page.severity.label) \(page.service): \(page.title)\(more)", error: true)
    }
    let ring = state.wallState?.settings.bell == true && !(newPages.isEmpty && newOutages.isEmpty)
    var effects: [Effect] = tell(notices, &state)
    if ring && !effects.contains(.bell) { effects.append(.bell) }
    return effects
}

/// A failed poll: the data that was there stays; the error is recorded.
func sourceFailed(_ state: inout AppState, _ id: SourceID, _ error: SourceError, at: Date) {
    var s = state.sources[id] ?? SourceState(pollInterval: 60)
    if state.sources[id] == nil { state.sourceOrder.append(id) }
    s.lastFailure = error
    s.lastErrorAt = at
    s.nextRetryAt = nil
    s.remember(error, at: at)
    state.sources[id] = s
}

func perform(_ action: Action, on state: inout AppState) -> [Effect] {
    if let effects = performOnSilences(action, &state) { return effects }
    switch action {
    case .quit:
        state.quitting = true
        return [.quit]
    case .repaint:
        let now = state.now
        state.wallState?.lastRepaint = now
        return [.repaint]
    case .nextPage, .previousPage:
        let now = state.now
        state.wallState?.turn(by: action == .nextPage ? 1 : -1, at: now)
        return []
    case .help:
        state.mode = .help(returnTo: returnMode(state.mode))
        return []
    case .sourceHealth:
        state.mode = .health(returnTo: returnMode(state.mode))
        state.dialogScroll = 0
        return []
    case .close, .cancel:
        switch state.mode {
        case .help(let back), .health(let back), .confirm(_, _, let back), .input(_, _, _, let back),
             .pick(_, _, let back):
            state.mode = mode(for: back)
        default:
            state.mode = .dashboard
        }
        return []
    case .cycleWindow:
        state.window = state.window.next
        return []
    case .silences, .extendSilence, .expireSilence:
        return []   // outside the silences view (`performOnSilences`), nothing
    case .cycleTheme:
        // The runtime reads the next theme and answers with `.themeLoaded`.
        return [.loadTheme(index: (state.themeIndex + 1) % max(1, state.themeNames.count))]
    case .up, .down, .top, .bottom, .pageUp, .pageDown:
        moveSelection(action, &state)
        return []
    case .left, .right:
        let layout = state.layout
        if let n = layout.neighbour(of: state.focus, dx: action == .left ? -1 : 1, dy: 0) { state.focus = n }
        return []
    case .nextPanel, .previousPanel:
        let visible = state.layout.panels.map(\.id)
        guard !visible.isEmpty else { return [] }
        let i = visible.firstIndex(of: state.focus) ?? -1
        let step = action == .nextPanel ? 1 : visible.count - 1
        state.focus = visible[(i + step + visible.count) % visible.count]
        return []
    case .open:
        if let id = state.selectedIncident, state.incident(id) != nil { state.mode = .details(id) }
        return []
    case .act(let kind):
        return ask(kind, &state)
    case .choose(let n):
        guard case .pick(let kind, let id, let back) = state.mode else { return [] }
        switch kind {
        case .snooze where IncidentAction.snoozeChoices.indices.contains(n - 1):
            state.mode = .confirm(.snooze(seconds: IncidentAction.snoozeChoices[n - 1]), id, returnTo: back)
        case .reassign:
            guard let incident = state.incident(id) else { return [] }
            let people = state.assignees(for: incident)
            guard people.indices.contains(n - 1) else { return [] }
            state.mode = .confirm(.reassign(to: people[n - 1].name), id, returnTo: back)
        default:
            break
        }
        return []
    case .clearInput:
        if case .input(let kind, let id, _, let back) = state.mode { state.mode = .input(kind, id, text: "", returnTo: back) }
        if state.mode == .filter {
            state.query.text = ""
            reconcileSelection(&state, previousIndex: nil)
        }
        return []
    case .filter:
        state.focus = .incidents
        state.mode = .filter
        return []
    case .clearFilter:
        let had = state.query.narrows
        state.query.text = ""
        state.query.mine = false
        state.mode = .dashboard
        if had { reconcileSelection(&state, previousIndex: nil) }
        return []
    case .toggleMine:
        state.query.mine.toggle()
        state.focus = .incidents
        reconcileSelection(&state, previousIndex: nil)
        if state.query.mine {
            let me = state.me
            let policies = me.policies.isEmpty ? "" : " or on " + me.policies.sorted().joined(separator: ", ")
            flash(&state, "Mine: assigned to or acknowledged by \(state.user)\(policies) (m again: everyone's)", error: false)
        } else {
            flash(&state, "Everyone's incidents", error: false)
        }
        return []
    case .cycleSort:
        state.query.sort = state.query.sort.next
        flash(&state, "Incidents by \(state.query.sort.label)", error: false)
        return []
    case .confirm:
        if case .input(.note, let id, let text, let back) = state.mode {
            let note = text.trimmingCharacters(in: .whitespaces)
            guard !note.isEmpty else {
                flash(&state, "The note is empty: type it, or Esc to cancel", error: false)
                return []
            }
            state.mode = .confirm(.note(note), id, returnTo: back)
            return []
        }
        guard case .confirm(let action, let id, let back) = state.mode else { return [] }
        state.mode = mode(for: back)
        guard let incident = state.incident(id) else {
            flash(&state, "\(id) is gone from its source", error: true)
            return []
        }
        return send(action, incident, &state)
    }
}

func returnMode(_ m: Mode) -> Mode.ReturnMode {
    if case .details(let id) = m { return .details(id) }
    return m == .silences ? .silences : .dashboard
}

func mode(for r: Mode.ReturnMode) -> Mode {
    switch r {
    case .dashboard: return .dashboard
    case .details(let id): return .details(id)
    case .silences: return .silences
    }
}

func flash(_ state: inout AppState, _ text: String, error: Bool) {
    state.flash = Flash(text: text, isError: error, until: state.now.addingTimeInterval(error ? 10 : 5))
}

/// "14:02" in UTC, the time format of flashes and ack lines; "14:02:05" with `seconds`.
public func clock(_ d: Date, seconds: Bool = false) -> String {
    var cal = Calendar(identifier: .gregorian)
    cal.timeZone = TimeZone(identifier: "UTC") ?? .current
    let c = cal.dateComponents([.hour, .minute, .second], from: d)
    return seconds ? String(format: "%02d:%02d:%02d", c.hour ?? 0, c.minute ?? 0, c.second ?? 0)
        : String(format: "%02d:%02d", c.hour ?? 0, c.minute ?? 0)
}
