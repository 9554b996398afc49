import Foundation

/// A click or a turn of the wheel, at a cell of the screen.
public struct MouseEvent: Sendable, Hashable {
    /// What happened.
    public enum Kind: Sendable, Hashable { case press, wheelUp, wheelDown }
    /// What happened.
    public var kind: Kind
    /// The column.
    public var x: Int
    /// The row.
    public var y: Int
    /// Creates an event.
    public init(_ kind: Kind, x: Int, y: Int) { self.kind = kind; self.x = x; self.y = y }
}

/// Which rows of a list show in a height: the table draws them, and a click is mapped back to
/// its row the same way.
public enum ListScroll {
    /// The first row to show so that `selected` is visible: `previous` when that already shows it,
    /// otherwise the nearest offset that does.
    public static func offset(selected: Int?, visibleRows: Int, count: Int, previous: Int = 0) -> Int {
        guard count > 0, visibleRows > 0 else { return 0 }
        let maxOffset = max(0, count - visibleRows)
        var offset = min(max(0, previous), maxOffset)
        if let selected {
            let s = min(max(0, selected), count - 1)
            if s < offset { offset = s }
            if s >= offset + visibleRows { offset = s - visibleRows + 1 }
        }
        return offset
    }

    /// The rows shown under a one-line header in `height` lines, and whether the last line is
    /// taken by the "↓ N more" indicator.
    public static func visibleRange(height: Int, count: Int, selected: Int?, previous: Int = 0)
        -> (range: Range<Int>, indicator: Bool) {
        let area = max(0, height - 1)                    // minus the header
        let cut = count > area && area >= 2              // room for rows and an indicator line
        let visible = cut ? area - 1 : area
        let first = offset(selected: selected, visibleRows: visible, count: count, previous: previous)
        return (first..<min(count, first + visible), cut)
    }
}

/// Rows the wheel moves the selection by.
let wheelStep = 3

/// The mouse: a press focuses the panel under it and selects the incident row under it (a press
/// on the selected row opens its details); the wheel moves through the incidents or scrolls the
/// details and help. Dialogs that ask something (confirmation, input, pickers) take no clicks, so
/// nothing is sent by a stray one. A wall monitor has no mouse.
func handleMouse(_ event: MouseEvent, _ state: inout AppState) -> [Effect] {
    guard state.wall == nil else { return [] }
    switch (state.mode, event.kind) {
    case (.details, .wheelUp), (.help, .wheelUp), (.details, .wheelDown), (.help, .wheelDown):
        scrollDialog(by: event.kind == .wheelDown ? wheelStep : -wheelStep, &state)
        return []
    case (.dashboard, _), (.filter, _):
        break
    default:
        return []
    }
    guard let placement = state.layout.panels.first(where: { $0.rect.contains(x: event.x, y: event.y) }) else { return [] }
    if state.mode == .filter { state.mode = .dashboard }   // the filter stays; typing ends
    state.focus = placement.id
    guard placement.id == .incidents else { return [] }
    switch event.kind {
    case .wheelUp, .wheelDown:
        for _ in 0..<wheelStep { moveSelection(event.kind == .wheelDown ? .down : .up, &state) }
        state.focus = .incidents
    case .press:
        let rows = state.visibleIncidents
        let inner = placement.rect.inset(by: 1)
        let selected = state.selectedIncident.flatMap { state.visibleRow(of: $0) }
        let shown = ListScroll.visibleRange(height: inner.height, count: rows.count, selected: selected).range
        let row = shown.lowerBound + (event.y - inner.y - 1)
        guard event.y > inner.y, inner.contains(x: event.x, y: event.y), shown.contains(row) else { return [] }
        if row == selected {
            return perform(.open, on: &state)
        }
        state.selectedIncident = rows[row].id
    }
    return []
}

/// Scrolls the details or help by `lines`, never past their last page.
func scrollDialog(by lines: Int, _ state: inout AppState) {
    let count: Int
    switch state.mode {
    case .help: count = DialogContent.help(state, ascii: false).count
    case .health: count = DialogContent.health(state).count
    case .details(let id):
        guard let incident = state.incident(id) else { return }
        count = DialogContent.details(incident, state).count
    default: return
    }
    let limit = DialogContent.maxScroll(lines: count, size: state.size)
    state.dialogScroll = min(max(0, state.dialogScroll + lines), limit)
}
