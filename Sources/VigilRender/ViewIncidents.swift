import Foundation
import VigilCore

/// The open incidents, most severe and oldest first.
enum IncidentsView {
    static func render(_ state: AppState, _ rect: Rect, _ ctx: ViewContext, _ grid: inout CellGrid) {
        let open = state.openIncidents
        let rows = state.visibleIncidents
        let unacked = state.unacknowledgedCount
        // Acknowledgements saved and not yet confirmed, including those of incidents not listed
        // now (after a restart while the source is down): never out of sight.
        let pending = state.actions.filter { $0.value.isPending }.keys.sorted()
        let unlisted = pending.filter { id in !open.contains { $0.id == id } }
        // The counts are over every open incident: a filter never hides that pages wait.
        var prefix = "\(open.count) open \(ctx.glyphs.dot) \(unacked) unacked"
        if !pending.isEmpty {
            // "ack" while every pending action is an acknowledgement, as before other actions existed.
            let acks = pending.allSatisfy { state.actions[$0]?.action == .acknowledge }
            let noun = acks ? "ack" : "action"
            prefix += " \(ctx.glyphs.dot) \(pending.count) \(noun)\(pending.count == 1 ? "" : "s") pending"
        }
        let title = self.title(state, hidden: open.count - rows.count, ctx)
        let badge = DashboardView.healthBadge(PanelHealth.of(.incidents, state), title: title, rect: rect,
                                              state, ctx, prefix: prefix,
                                              prefixRole: unacked > 0 ? .statusTriggered : .textDim)
        let panel = Panel(title: title, focused: state.wall == nil && state.focus == .incidents && (state.mode == .dashboard || state.mode == .filter),
                          theme: ctx.theme, glyphs: ctx.glyphs, badge: badge)
        let inner = panel.render(in: rect, on: &grid)
        guard !inner.isEmpty else { return }
        if !state.provides(\.incidents) {
            grid.put("no data: " + noDataReason(state, .incidents, "incident"), x: inner.x, y: inner.y,
                     style: ctx.theme[.textDim], maxWidth: inner.width)
            if !unlisted.isEmpty, inner.height > 1 {
                grid.put("saved, sent when the source answers: acknowledgement of " + unlisted.joined(separator: ", "),
                         x: inner.x, y: inner.y + 1, style: ctx.theme[.statusPending], maxWidth: inner.width)
            }
            return
        }
        if open.isEmpty {
            grid.put("\(ctx.glyphs.check) No open incidents", x: inner.x, y: inner.y, style: ctx.theme[.statusResolved],
                     maxWidth: inner.width)
            return
        }
        if rows.isEmpty {
            let what = state.query.mine && state.query.words.isEmpty ? "None of the \(open.count) open incidents is yours"
                : "No open incident matches" + (state.query.mine ? " among yours" : "")
            grid.put(what + " (Esc: show all)", x: inner.x, y: inner.y, style: ctx.theme[.textDim], maxWidth: inner.width)
            return
        }
        // Narrow: drop who acknowledged (the status still says acked) before squeezing titles.
        let showWho = inner.width >= 76
        let wide = inner.width >= 110
        // With several sources, each row names its own (short, in the source's colour).
        let sources = state.sources(feeding: .incidents)
        let sourceWidth = sources.count > 1 ? min(wide ? 12 : 8, max(3, sources.map { drawnWidth($0) }.max() ?? 3)) : 0
        let mark = String(ctx.glyphs.moreBelow)
        func header(_ name: String, _ key: IncidentSort) -> String { state.query.sort == key ? name + mark : name }
        var columns = [
            Table.Column(header("SEV", .severity), width: .fixed(6)),
            Table.Column(header("STATUS", .status), width: .fixed(9)),
        ]
        if sourceWidth > 0 { columns.append(Table.Column("SRC", width: .fixed(sourceWidth))) }
        columns += [
            Table.Column(header("SERVICE", .service), width: .fixed(wide ? 16 : (inner.width >= 60 ? 12 : 9))),
            Table.Column(header("AGE", .age), width: .fixed(5), alignment: .right),
        ]
        if showWho { columns.append(Table.Column("ACK", width: .fixed(wide ? 22 : 18))) }
        columns.append(Table.Column("TITLE", width: .flex(min: 10)))
        let selected = state.selectedIncident.flatMap { state.visibleRow(of: $0) }
        Table(columns: columns, rowCount: rows.count, row: { index in
            var c = row(rows[index], state, ctx)
            if !showWho { c.remove(at: 4) }
            if sourceWidth > 0 { c.insert(sourceSpan(rows[index].source, sources, ctx), at: 2) }
            return c
        }, selected: selected, theme: ctx.theme, glyphs: ctx.glyphs)
            .render(in: inner, on: &grid)
    }

    /// The panel's title: "Incidents", then what narrows or orders it: "mine", the filter as
    /// typed (with a cursor while typing), how many open incidents it hides, the order when it is
    /// not the default.
    static func title(_ state: AppState, hidden: Int, _ ctx: ViewContext) -> String {
        var parts = [PanelID.incidents.title]
        if state.query.mine { parts.append("mine") }
        if state.mode == .filter {
            parts.append("/" + state.query.text + (ctx.glyphs == .ascii ? "_" : "█"))
        } else if !state.query.text.isEmpty {
            parts.append("/" + state.query.text)
        }
        if hidden > 0 { parts.append("\(hidden) hidden") }
        if state.query.sort != .severity { parts.append("by " + state.query.sort.label) }
        return parts.joined(separator: " \(ctx.glyphs.dot) ")
    }

    /// The colours source names take, in configured order.
    static let sourceRoles: [Role] = [.sparkline, .deployMark, .label, .rollbackMark, .value]

    /// A row's source, in its colour.
    static func sourceSpan(_ source: SourceID, _ sources: [SourceID], _ ctx: ViewContext) -> Span {
        let index = sources.firstIndex(of: source) ?? sources.count
        return ctx.span(source, sourceRoles[index % sourceRoles.count])
    }

    static func row(_ i: Incident, _ state: AppState, _ ctx: ViewContext) -> [Span] {
        let sev = Span("\(ctx.glyphs.severity(i.severity)) \(i.severity.label)", style: ctx.theme[.severity(i.severity)])
        let status: Span
        let who: Span
        switch (i.status, state.actions[i.id]) {
        case (_, .pending(let action, _)?) where action.kind != .acknowledge && action.kind != .unacknowledge:
            status = ctx.span("\(ctx.glyphs.pending) \(action.kind.progressive)", .statusPending)
            who = ctx.span(action.kind.progressive + ctx.glyphs.ellipsis, .statusPending)
        case (.acknowledged, .pending(.unacknowledge, _)?):
            status = ctx.span("\(ctx.glyphs.pending) unack", .statusPending)
            who = ctx.span("taking back" + ctx.glyphs.ellipsis, .statusPending)
        case (.acknowledged, _):
            status = ctx.span("\(ctx.glyphs.check) acked", .statusAcknowledged)
            let at = i.acknowledgedAt.map { " " + Formatting.clock($0) } ?? ""
            who = ctx.span((i.acknowledgedBy ?? "someone") + at, .statusAcknowledged)
        case (.triggered, .pending(.acknowledge, _)?):
            status = ctx.span("\(ctx.glyphs.pending) acking", .statusPending)
            who = ctx.span("acknowledging" + ctx.glyphs.ellipsis, .statusPending)
        case (.triggered, .failed(let action, let msg)?):
            status = ctx.span("\(ctx.glyphs.severityCritical) TRIG", .statusTriggered)
            let what = action == .acknowledge ? "ack" : action.kind.rawValue
            who = ctx.span("\(what) failed: " + msg, .healthError)
        default:
            status = ctx.span("\(ctx.glyphs.severityCritical) TRIG", .statusTriggered)
            who = ctx.span("-", .textDim)
        }
        return [sev, status, ctx.span(i.service, .text),
                ctx.span(coarseAge(since: i.triggeredAt, now: state.now), .text),
                who, ctx.span(mergedTag(i) + i.title, .text)]
    }

    /// "[+alertmanager 2] " before the title of a page that alerts of other sources merged into
    /// (one problem, one row); empty otherwise.
    static func mergedTag(_ i: Incident) -> String {
        guard !i.merged.isEmpty else { return "" }
        return "[+\(i.allSources.dropFirst().joined(separator: "+")) \(i.merged.count)] "
    }
}

/// Why a kind of data is missing, in words an engineer can act on: the first failing source and
/// its error, else the sources still being waited for, else a configuration matter.
func noDataReason(_ state: AppState, _ kind: DataKind, _ name: String) -> String {
    let silent = state.sourceOrder.compactMap { id in state.sources[id].map { (id, $0) } }
        .filter { $0.1.snapshot == nil && $0.1.provides.contains(kind) }
    if let (id, s) = silent.first(where: { $0.1.lastError != nil }), let error = s.lastError { return "\(id): \(error)" }
    if !silent.isEmpty { return "waiting for " + silent.map(\.0).joined(separator: ", ") }
    return "no \(name) source configured"
}

/// Ages in whole minutes at least: the screen is redrawn once a minute when nothing else
/// happens, so a seconds figure would be wrong most of the time. Both ends are floored to the
/// minute, so every age on the screen turns over at the same moment, with the header clock.
func coarseAge(since start: Date, now: Date) -> String {
    let minutes = (now.timeIntervalSince1970 / 60).rounded(.down) - (start.timeIntervalSince1970 / 60).rounded(.down)
    return minutes < 1 ? "<1m" : Formatting.age(seconds: minutes * 60)
}

/// Dialog lines from the core, styled.
func styled(_ lines: [[DialogSegment]], _ ctx: ViewContext) -> [[Span]] {
    lines.map { line in
        line.map { seg in
            switch seg.tone {
            case .text: return ctx.span(seg.text, .dialogText)
            case .label: return ctx.span(seg.text, .label)
            case .heading: return ctx.span(seg.text, .title)
            case .key: return ctx.span(seg.text, .footerText)
            case .pending: return ctx.span(seg.text, .statusPending)
            case .error: return ctx.span(seg.text, .healthError)
            case .acknowledged: return ctx.span(seg.text, .statusAcknowledged)
            case .resolved: return ctx.span(seg.text, .statusResolved)
            case .severity(let s): return ctx.span("\(ctx.glyphs.severity(s)) " + seg.text, .severity(s))
            }
        }
    }
}

/// Draws a scrolling dialog of the width the core decided, so it never jumps.
func drawDialog(title: String, _ lines: [[DialogSegment]], _ state: AppState, _ area: Rect, _ ctx: ViewContext,
                _ grid: inout CellGrid) {
    let shown = Dialog.scrolled(styled(lines, ctx), offset: state.dialogScroll,
                                height: DialogContent.visibleLines(for: state.size), glyphs: ctx.glyphs,
                                style: ctx.theme[.label])
    _ = Dialog(title: title, lines: shown, theme: ctx.theme, glyphs: ctx.glyphs,
               minWidth: DialogContent.width(for: state.size)).render(in: area, on: &grid)
}

/// An incident's details: links, timeline, labels.
enum DetailsView {
    static func render(_ state: AppState, _ id: String, _ area: Rect, _ ctx: ViewContext, _ grid: inout CellGrid) {
        guard let i = state.incident(id) else { return }
        drawDialog(title: i.id, DialogContent.details(i, state), state, area, ctx, &grid)
    }
}

/// The y/n question before an action: exactly what will happen, and where.
enum ConfirmView {
    static func render(_ state: AppState, _ action: IncidentAction, _ id: String, _ area: Rect, _ ctx: ViewContext,
                       _ grid: inout CellGrid) {
        guard let i = state.incident(id) else { return }
        let sentence = action.describe(i.id)
        let verb = sentence.prefix(1).uppercased() + sentence.dropFirst()
        let question = action == .acknowledge ? "Acknowledge" : verb
        let lines: [[Span]] = [
            [ctx.span("\(i.severity.label) ", .severity(i.severity)), ctx.span("\(i.service): \(i.title)", .dialogText)],
            [],
            [ctx.span("\(action == .acknowledge ? question : verb) at \(i.source) as \(state.user)?", .dialogText)],
            [],
            [ctx.span(" y ", .footerKey), ctx.span(" yes    ", .dialogText), ctx.span(" n ", .footerKey),
             ctx.span(" no", .dialogText)],
        ]
        _ = Dialog(title: action == .acknowledge ? "Acknowledge \(i.id)?" : "\(verb)?", lines: lines, theme: ctx.theme, glyphs: ctx.glyphs)
            .render(in: area, on: &grid)
    }
}

/// The one-line input of a note: the incident, the line with its cursor (the end of a long line
/// stays in view), and the keys.
enum InputView {
    static func render(_ state: AppState, _ kind: ActionKind, _ id: String, _ text: String, _ area: Rect,
                       _ ctx: ViewContext, _ grid: inout CellGrid) {
        guard let i = state.incident(id) else { return }
        let width = max(10, min(area.width - 4, 72))
        let cursor = ctx.glyphs == .ascii ? "_" : "█"
        // Keep the end in view: drop characters from the front until the line fits.
        var shown = Substring(text)
        var cut = false
        while GlyphWidth.of(shown) + 3 + (cut ? 1 : 0) > width, !shown.isEmpty {
            shown = shown.dropFirst()
            cut = true
        }
        let line: [Span] = [ctx.span("> ", .footerKey), ctx.span((cut ? ctx.glyphs.ellipsis : "") + shown, .dialogText),
                            ctx.span(cursor, .footerKey)]
        let lines: [[Span]] = [
            [ctx.span("\(i.severity.label) ", .severity(i.severity)), ctx.span("\(i.service): \(i.title)", .dialogText)],
            [],
            [ctx.span("A note for \(i.id) at \(i.source), one line (\(text.count)/\(IncidentAction.longestNote)):", .dialogText)],
            line,
            [],
            [ctx.span(" Enter ", .footerKey), ctx.span(" review   ", .dialogText), ctx.span(" Esc ", .footerKey),
             ctx.span(" cancel   ", .dialogText), ctx.span(" Ctrl-U ", .footerKey), ctx.span(" clear", .dialogText)],
        ]
        _ = Dialog(title: "Add a note to \(i.id)", lines: lines, theme: ctx.theme, glyphs: ctx.glyphs, minWidth: width)
            .render(in: area, on: &grid)
    }
}

/// The short list of values an action offers (how long to snooze, whom to reassign to), each
/// with its digit.
enum PickerView {
    static func render(_ state: AppState, _ kind: ActionKind, _ id: String, _ area: Rect, _ ctx: ViewContext,
                       _ grid: inout CellGrid) {
        guard let i = state.incident(id) else { return }
        var lines: [[Span]] = [
            [ctx.span("\(i.severity.label) ", .severity(i.severity)), ctx.span("\(i.service): \(i.title)", .dialogText)],
            [],
        ]
        let title: String
        if kind == .reassign {
            title = "Reassign \(i.id)"
            lines.append([ctx.span("Reassign \(i.id) at \(i.source) to whom? They are paged for it.", .dialogText)])
            lines.append([])
            for (n, person) in state.assignees(for: i).enumerated() {
                lines.append([ctx.span(" \(n + 1) ", .footerKey), ctx.span(" \(person.name)  ", .dialogText),
                              ctx.span(person.note, .textDim)])
            }
        } else {
            title = "Snooze \(i.id)"
            var choices: [Span] = []
            for (n, seconds) in IncidentAction.snoozeChoices.enumerated() {
                choices += [ctx.span(" \(n + 1) ", .footerKey), ctx.span(" \(DurationText.format(.seconds(seconds)))  ", .dialogText)]
            }
            lines.append([ctx.span("Snooze \(i.id) at \(i.source) for how long? It pages again afterwards.", .dialogText)])
            lines.append([])
            lines.append(choices)
        }
        lines += [[], [ctx.span(" Esc ", .footerKey), ctx.span(" cancel", .dialogText)]]
        _ = Dialog(title: title, lines: lines, theme: ctx.theme, glyphs: ctx.glyphs).render(in: area, on: &grid)
    }
}

/// Every binding of the key map in force, grouped by where it applies.
enum HelpView {
    static func render(_ state: AppState, _ area: Rect, _ ctx: ViewContext, _ grid: inout CellGrid) {
        drawDialog(title: "Help", DialogContent.help(state, ascii: ctx.glyphs == .ascii), state, area, ctx, &grid)
    }
}

/// Every source's state, its last errors and the log file (`H`).
enum HealthView {
    static func render(_ state: AppState, _ area: Rect, _ ctx: ViewContext, _ grid: inout CellGrid) {
        drawDialog(title: "Sources", DialogContent.health(state), state, area, ctx, &grid)
    }
}
