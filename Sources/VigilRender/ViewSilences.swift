import Foundation
import VigilCore

/// The silences of every source that keeps them: those that silence nothing first (a forgotten
/// acknowledgement or maintenance window), then the soonest to end; three lines each, the cursor's
/// always in view.
enum SilencesView {
    static func render(_ state: AppState, _ area: Rect, _ ctx: ViewContext, _ grid: inout CellGrid) {
        let list = state.silences
        let idle = list.filter { $0.silencing.isEmpty }.count
        var lines: [[Span]] = []
        if list.isEmpty {
            lines.append([ctx.span("No silence is in force.", .dialogText)])
        } else {
            var summary = [ctx.span("\(list.count) silence\(list.count == 1 ? "" : "s")", .dialogText)]
            if idle > 0 {
                summary.append(ctx.span(" \(ctx.glyphs.dot) \(idle) of them silence\(idle == 1 ? "s" : "") nothing: forgotten?",
                                        .severityWarning))
            }
            lines.append(summary)
        }
        let cursor = min(max(0, state.silenceCursor), max(0, list.count - 1))
        let height = DialogContent.visibleLines(for: state.size)
        // Three lines a silence and a blank line after the summary: show the cursor's whole.
        let perPage = max(1, (height - 2) / 3)
        let first = ListScroll.offset(selected: cursor, visibleRows: perPage, count: list.count)
        if first > 0 { lines.append([ctx.span("\(ctx.glyphs.moreAbove) \(first) above", .label)]) } else { lines.append([]) }
        for index in first..<min(list.count, first + perPage) {
            lines += self.lines(list[index], selected: index == cursor, state, ctx)
        }
        let below = list.count - min(list.count, first + perPage)
        if below > 0 { lines.append([ctx.span("\(ctx.glyphs.moreBelow) \(below) more", .label)]) }
        _ = Dialog(title: "Silences", lines: lines, theme: ctx.theme, glyphs: ctx.glyphs,
                   minWidth: DialogContent.width(for: state.size)).render(in: area, on: &grid)
    }

    static func lines(_ s: SilenceInfo, selected: Bool, _ state: AppState, _ ctx: ViewContext) -> [[Span]] {
        let marker = selected ? "\(ctx.glyphs.selectionMarker) " : "  "
        let ends = s.endsAt.timeIntervalSince(state.now)
        let until = "until \(Formatting.clock(s.endsAt)) (in \(Formatting.age(seconds: max(60, ends))))"
        var head: [Span] = [ctx.span(marker, .title),
                            ctx.span(s.state == "pending" ? "pending " : "active  ", s.state == "pending" ? .label : .statusAcknowledged),
                            ctx.span(until, .dialogText),
                            ctx.span("  by \(s.createdBy)", .dialogText)]
        if s.isVigil { head.append(ctx.span("  Vigil ack", .label)) }
        head.append(ctx.span("  \(s.shortID) at \(s.source)", .textDim))
        if state.pendingSilences.contains(s.id) { head.append(ctx.span("  \(ctx.glyphs.pending) changing", .statusPending)) }
        let matchers = [ctx.span("    " + s.matchers.joined(separator: ", "), .dialogText)]
        var why: [Span] = [ctx.span("    \"\(s.comment)\"  ", .textDim)]
        if s.silencing.isEmpty {
            why.append(ctx.span("silences nothing", .severityWarning))
        } else {
            let shown = s.silencing.prefix(3).joined(separator: ", ")
            let more = s.silencing.count > 3 ? " +\(s.silencing.count - 3)" : ""
            why.append(ctx.span("silences \(s.silencing.count): \(shown)\(more)", .dialogText))
        }
        return [head, matchers, why]
    }
}

/// How long to extend a silence by, and the question before a silence is changed.
enum SilencePickView {
    static func render(_ state: AppState, _ id: String, _ area: Rect, _ ctx: ViewContext, _ grid: inout CellGrid) {
        guard let s = state.silences.first(where: { $0.id == id }) else { return }
        var choices: [Span] = []
        for (n, seconds) in SilenceChange.extendChoices.enumerated() {
            choices += [ctx.span(" \(n + 1) ", .footerKey), ctx.span(" \(DurationText.format(.seconds(seconds)))  ", .dialogText)]
        }
        let lines: [[Span]] = [
            [ctx.span("Silence \(s.shortID) at \(s.source) ends \(Formatting.clock(s.endsAt)). Extend it by:", .dialogText)],
            [],
            choices,
            [],
            [ctx.span(" Esc ", .footerKey), ctx.span(" cancel", .dialogText)],
        ]
        _ = Dialog(title: "Extend silence \(s.shortID)", lines: lines, theme: ctx.theme, glyphs: ctx.glyphs)
            .render(in: area, on: &grid)
    }

    static func confirm(_ state: AppState, _ change: SilenceChange, _ id: String, _ area: Rect, _ ctx: ViewContext,
                        _ grid: inout CellGrid) {
        guard let s = state.silences.first(where: { $0.id == id }) else { return }
        let what: String
        switch change {
        case .expire:
            what = s.silencing.isEmpty ? "It silences nothing now."
                : "\(s.silencing.count) alert\(s.silencing.count == 1 ? "" : "s") will notify again: "
                + s.silencing.prefix(3).joined(separator: ", ")
        case .extend:
            what = "It will end \(Formatting.clock(change.newEnd(of: s, now: state.now))) instead of \(Formatting.clock(s.endsAt))."
        }
        let lines: [[Span]] = [
            [ctx.span(s.matchers.joined(separator: ", "), .dialogText)],
            [ctx.span("by \(s.createdBy): \"\(s.comment)\"", .textDim)],
            [],
            [ctx.span(what, .dialogText)],
            [ctx.span("\(change.describe(s).capitalizedFirst) at \(s.source) as \(state.user)?", .dialogText)],
            [],
            [ctx.span(" y ", .footerKey), ctx.span(" yes    ", .dialogText), ctx.span(" n ", .footerKey), ctx.span(" no", .dialogText)],
        ]
        _ = Dialog(title: "\(change.describe(s).capitalizedFirst)?", lines: lines, theme: ctx.theme, glyphs: ctx.glyphs)
            .render(in: area, on: &grid)
    }
}
