import Foundation

// The reducer's part for the selection: moving it through the incident table (as shown: filtered
// and ordered), dialogs that scroll, and keeping it on its incident when the data changes.

/// Moves the selection (or scrolls the dialog in front) for a movement key.
func moveSelection(_ action: Action, _ state: inout AppState) {
    let inDetails: Bool
    if case .details = state.mode { inDetails = true } else { inDetails = false }
    let page = max(1, state.size.height - 6)
    // Dialogs scroll, never past their last page, so PgUp answers at once.
    let dialogLines: Int?
    switch state.mode {
    case .help: dialogLines = DialogContent.help(state, ascii: false).count
    case .health: dialogLines = DialogContent.health(state).count
    default: dialogLines = nil
    }
    if let dialogLines {
        let step = action == .pageDown ? page : action == .pageUp ? -page : 0
        let limit = DialogContent.maxScroll(lines: dialogLines, size: state.size)
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
    let rows = state.visibleIncidents
    guard !rows.isEmpty else { state.selectedIncident = nil; return }
    let current = state.selectedIncident.flatMap { state.visibleRow(of: $0) }
    if !inDetails, state.mode == .dashboard, action == .up, current == 0, let above = state.layout.neighbour(of: .incidents, dx: 0, dy: -1) {
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
func reconcileSelection(_ state: inout AppState, previousIndex: Int?) {
    guard state.wall == nil else { return }  // no cursor on a wall
    let rows = state.visibleIncidents
    if let id = state.selectedIncident, state.visibleRow(of: id) != nil { return }
    guard !rows.isEmpty else { state.selectedIncident = nil; return }
    state.selectedIncident = rows[min(previousIndex ?? 0, rows.count - 1)].id
}
