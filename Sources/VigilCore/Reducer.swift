import Foundation

/// The only place state changes. Pure: no IO, no clock, no terminal. Returns the effects the
/// runtime must perform.
public func reduce(_ state: inout AppState, _ event: Event) -> [Effect] {
    switch event {
    case .tick(let now):
        state.now = now
        if let f = state.flash, f.until <= now { state.flash = nil }
        if var wall = state.wallState {
            let repaint = wall.tick(now)
            state.wallState = wall
            if repaint { return [.repaint] }
        }
        return []

    case .resized(let size):
        state.size = size
        return []

    case .key(let key):
        guard let action = state.keyMap.action(for: key, in: state.mode.keyContext) else {
            // In read-only mode say why a familiar key does nothing, instead of ignoring it.
            if state.readOnly, KeyMap.all.contains(where: {
                $0.mutates && $0.context == state.mode.keyContext && $0.keys.contains(key) }) {
                flash(&state, "Read-only mode: \(key.label) would change something at a source, so it is off", error: false)
            }
            return []
        }
        return perform(action, on: &state)

    case .sourceUpdated(let id, let snapshot, let at):
        return sourceUpdated(&state, id, snapshot, at: at)

    case .sourceFailed(let id, let message, let at):
        sourceFailed(&state, id, message, at: at)
        state.sources[id]?.consecutiveFailures += 1
        return []

    case .sourceWarnings(let id, let warnings):
        state.sources[id]?.warnings = warnings
        return []

    case .sourcePolled(let id, let report):
        var effects: [Effect] = []
        switch report.outcome {
        case .updated(let snapshot, let warnings):
            effects = sourceUpdated(&state, id, snapshot, at: report.at)
            state.sources[id]?.warnings = warnings
        case .failed(let message):
            sourceFailed(&state, id, message, at: report.at)
            state.sources[id]?.consecutiveFailures = report.consecutiveFailures
            state.sources[id]?.nextRetryAt = report.nextPollAt
        }
        state.sources[id]?.lastPollDuration = report.duration
        return effects

    case .ackSucceeded(let id, let confirmation):
        state.acks[id] = .confirmed(confirmation)
        // Show the source's answer at once; the next poll brings the source's own record.
        if let incident = state.incident(id), var src = state.sources[incident.source],
           var list = src.snapshot?.incidents, let i = list.firstIndex(where: { $0.id == id }) {
            if list[i].status == .triggered { list[i].status = .acknowledged }
            list[i].acknowledgedBy = list[i].acknowledgedBy ?? confirmation.by
            list[i].acknowledgedAt = list[i].acknowledgedAt ?? confirmation.at
            src.snapshot?.incidents = list
            state.sources[incident.source] = src
        }
        flash(&state, "\(id) acknowledged by \(confirmation.by) at \(clock(confirmation.at))", error: false)
        return []

    case .ackFailed(let id, let message):
        state.acks[id] = .failed(message)
        flash(&state, "\(id) not acknowledged: \(message)", error: true)
        return []

    case .unackSucceeded(let id):
        state.acks[id] = nil
        if let incident = state.incident(id), var src = state.sources[incident.source],
           var list = src.snapshot?.incidents, let i = list.firstIndex(where: { $0.id == id }) {
            if list[i].status == .acknowledged { list[i].status = .triggered }
            list[i].acknowledgedBy = nil
            list[i].acknowledgedAt = nil
            src.snapshot?.incidents = list
            state.sources[incident.source] = src
        }
        flash(&state, "\(id) is no longer acknowledged", error: false)
        return []

    case .ackRetrying(let id, let message, let next):
        if case .pending? = state.acks[id] {} else { state.acks[id] = .pending(since: state.now) }
        // What happens next first: on a narrow terminal the cause is what gets cut.
        flash(&state, "\(id) not sent yet, saved, retrying at \(clock(next)): \(message)", error: true)
        return []

    case .storeProblem(let message):
        state.storeProblem = message
        flash(&state, "State not saved: \(message)", error: true)
        return []

    case .outboxPending(let ids):
        for id in ids where state.acks[id] == nil { state.acks[id] = .pending(since: state.now) }
        return []

    case .historyLoaded(let incidents):
        state.history = incidents
        return []

    case .unackFailed(let id, let message):
        state.acks[id] = .failed(message)
        flash(&state, "\(id) still acknowledged: \(message)", error: true)
        return []
    }
}

/// New data: the error, the failure count and the retry time are cleared; the selection stays
/// on its incident (or the row now in its place). A wall monitor that asked for it rings the
/// bell for a new page or outage.
private func sourceUpdated(_ state: inout AppState, _ id: SourceID, _ snapshot: SourceSnapshot, at: Date) -> [Effect] {
    let oldIndex = state.selectedIncident.flatMap { state.openIncidentsSummary.rowOf[$0] }
    // A page that was not there before (and is not from the first answer) is announced.
    let known = state.sources[id]?.snapshot.map { Set(($0.incidents ?? []).map(\.id)) }
    let arrived = known.map { known in (snapshot.incidents ?? []).filter { !known.contains($0.id) && $0.isOpen } } ?? []
    let newPages = arrived.filter { $0.paged && $0.status == .triggered }
    let newOutages = arrived.filter { state.metricsConfig.outageSeverities.contains($0.severity) }
    var s = state.sources[id] ?? SourceState(pollInterval: 60)
    if state.sources[id] == nil { state.sourceOrder.append(id) }
    s.snapshot = snapshot
    s.lastSuccess = at
    s.lastError = nil
    s.lastErrorAt = nil
    s.consecutiveFailures = 0
    s.nextRetryAt = nil
    state.sources[id] = s
    reconcileSelection(&state, previousIndex: oldIndex)
    if let page = newPages.min(by: { $0.severity < $1.severity }) {
        let more = newPages.count > 1 ? " (+\(newPages.count - 1) more)" : ""
        flash(&state, "New page: \(page.severity.label) \(page.service): \(page.title)\(more)", error: true)
    }
    let ring = state.wallState?.settings.bell == true && !(newPages.isEmpty && newOutages.isEmpty)
    return ring ? [.bell] : []
}

/// A failed poll: the data that was there stays; the error is recorded.
private func sourceFailed(_ state: inout AppState, _ id: SourceID, _ message: String, at: Date) {
    var s = state.sources[id] ?? SourceState(pollInterval: 60)
    if state.sources[id] == nil { state.sourceOrder.append(id) }
    s.lastError = message
    s.lastErrorAt = at
    s.nextRetryAt = nil
    state.sources[id] = s
}

private func perform(_ action: Action, on state: inout AppState) -> [Effect] {
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
    case .close, .cancel:
        switch state.mode {
        case .help(let back), .confirmAck(_, let back):
            state.mode = mode(for: back)
        default:
            state.mode = .dashboard
        }
        return []
    case .cycleWindow:
        state.window = state.window.next
        return []
    case .cycleTheme:
        state.themeIndex = (state.themeIndex + 1) % max(1, state.themeNames.count)
        flash(&state, "theme: \(state.themeName)", error: false)
        return []
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
    case .acknowledge:
        return askToAcknowledge(&state)
    case .unacknowledge:
        return unacknowledge(&state)
    case .confirm:
        guard case .confirmAck(let id, let back) = state.mode else { return [] }
        state.mode = mode(for: back)
        guard let incident = state.incident(id) else {
            flash(&state, "\(id) is gone from its source", error: true)
            return []
        }
        state.acks[id] = .pending(since: state.now)
        return [.acknowledge(incidentID: id, source: incident.source, by: state.user)]
    }
}

private func askToAcknowledge(_ state: inout AppState) -> [Effect] {
    let target: String?
    if case .details(let id) = state.mode { target = id } else { target = state.selectedIncident }
    guard let id = target, let incident = state.incident(id) else {
        flash(&state, "No incident selected", error: true)
        return []
    }
    if incident.status == .resolved {
        flash(&state, "\(id) is already resolved", error: true)
        return []
    }
    if incident.status == .acknowledged {
        let who = incident.acknowledgedBy.map { " by \($0)" } ?? ""
        flash(&state, "\(id) is already acknowledged\(who)", error: false)
        return []
    }
    switch state.acks[id] {
    case .pending?, .releasing?:
        flash(&state, "\(id): acknowledgement already on its way", error: false)
        return []
    default:
        break
    }
    state.mode = .confirmAck(id, returnTo: returnMode(state.mode))
    return []
}

private func unacknowledge(_ state: inout AppState) -> [Effect] {
    let target: String?
    if case .details(let id) = state.mode { target = id } else { target = state.selectedIncident }
    guard let id = target, let incident = state.incident(id) else {
        flash(&state, "No incident selected", error: true)
        return []
    }
    guard incident.status == .acknowledged else {
        flash(&state, "\(id) is not acknowledged", error: true)
        return []
    }
    switch state.acks[id] {
    case .pending?, .releasing?:
        flash(&state, "\(id): a change is already on its way", error: false)
        return []
    default:
        break
    }
    state.acks[id] = .releasing(since: state.now)
    flash(&state, "\(id): taking the acknowledgement back" + "…", error: false)
    return [.unacknowledge(incidentID: id, source: incident.source, by: state.user)]
}

private func moveSelection(_ action: Action, _ state: inout AppState) {
    let inDetails: Bool
    if case .details = state.mode { inDetails = true } else { inDetails = false }
    let page = max(1, state.size.height - 6)
    // Dialogs scroll, never past their last page, so PgUp answers at once.
    if case .help = state.mode {
        let step = action == .pageDown ? page : action == .pageUp ? -page : 0
        let limit = DialogContent.maxScroll(lines: DialogContent.help(state, ascii: false).count, size: state.size)
        state.dialogScroll = min(max(0, state.dialogScroll + step), limit)
        return
    }
    if inDetails && (action == .pageDown || action == .pageUp), case .details(let id) = state.mode,
       let incident = state.incident(id) {
        let limit = DialogContent.maxScroll(lines: DialogContent.details(incident, state).count, size: state.size)
        state.dialogScroll = min(max(0, state.dialogScroll + (action == .pageDown ? page : -page)), limit)
        return
    }
    guard inDetails || state.focus == .incidents else {
        // Metric panels hold no selection: vertical keys move focus between panels.
        let dy = (action == .down || action == .pageDown || action == .bottom) ? 1 : -1
        if let n = state.layout.neighbour(of: state.focus, dx: 0, dy: dy) { state.focus = n }
        return
    }
    let rows = state.openIncidents
    guard !rows.isEmpty else { state.selectedIncident = nil; return }
    let current = state.selectedIncident.flatMap { state.openIncidentsSummary.rowOf[$0] }
    if !inDetails, action == .up, current == 0, let above = state.layout.neighbour(of: .incidents, dx: 0, dy: -1) {
        state.focus = above   // k at the first incident goes back up, as j came down
        return
    }
    let listPage = max(1, (state.layout.rect(of: .incidents)?.height ?? 10) - 3)
    var i = current ?? -1
    switch action {
    case .down: i += 1
    case .up: i = current == nil ? 0 : i - 1
    case .top: i = 0
    case .bottom: i = rows.count - 1
    case .pageDown: i += listPage
    case .pageUp: i -= listPage
    default: break
    }
    i = min(max(i, 0), rows.count - 1)
    state.selectedIncident = rows[i].id
    if case .details = state.mode { state.mode = .details(rows[i].id) }
}

/// Keeps a selection when its incident resolves: the row now in its place is selected.
private func reconcileSelection(_ state: inout AppState, previousIndex: Int?) {
    guard state.wall == nil else { return }  // no cursor on a wall
    let rows = state.openIncidents
    if let id = state.selectedIncident, state.openIncidentsSummary.rowOf[id] != nil { return }
    guard !rows.isEmpty else { state.selectedIncident = nil; return }
    state.selectedIncident = rows[min(previousIndex ?? 0, rows.count - 1)].id
}

private func returnMode(_ m: Mode) -> Mode.ReturnMode {
    if case .details(let id) = m { return .details(id) }
    return .dashboard
}

private func mode(for r: Mode.ReturnMode) -> Mode {
    switch r {
    case .dashboard: return .dashboard
    case .details(let id): return .details(id)
    }
}

private func flash(_ state: inout AppState, _ text: String, error: Bool) {
    state.flash = Flash(text: text, isError: error, until: state.now.addingTimeInterval(error ? 10 : 5))
}

/// "14:02" in UTC, the time format of flashes and ack lines.
public func clock(_ d: Date) -> String {
    var cal = Calendar(identifier: .gregorian)
    cal.timeZone = TimeZone(identifier: "UTC") ?? .current
    let c = cal.dateComponents([.hour, .minute], from: d)
    return String(format: "%02d:%02d", c.hour ?? 0, c.minute ?? 0)
}
