import Foundation
import VigilCore

/// The whole screen as a pure function of the state: `render(state) -> CellGrid`.
public enum DashboardView {
    /// Renders one frame.
    public static func render(_ state: AppState, _ ctx: ViewContext) -> CellGrid {
        var grid = CellGrid(width: state.size.width, height: state.size.height,
                            filling: Cell(" ", style: ctx.theme[.background]))
        guard state.size.width > 0, state.size.height > 0 else { return grid }
        let layout = state.layout
        let figures = DashboardFigures(state)
        header(state, figures, layout.header, ctx, &grid)
        for p in layout.panels {
            if p.id == .incidents {
                IncidentsView.render(state, p.rect, ctx, &grid)
            } else {
                metricPanel(p.id, state, figures, p.rect, ctx, &grid)
            }
        }
        footer(state, layout.footer, ctx, &grid)
        let body = Rect(x: 0, y: 1, width: state.size.width, height: max(0, state.size.height - 2))
        switch state.mode {
        case .dashboard: break
        case .details(let id): DetailsView.render(state, id, body, ctx, &grid)
        case .confirmAck(let id, _): ConfirmView.render(state, id, body, ctx, &grid)
        case .help(let back):
            // Help opened from the details stays on top of them.
            if case .details(let id) = back { DetailsView.render(state, id, body, ctx, &grid) }
            HelpView.render(state, body, ctx, &grid)
        }
        return grid
    }

    static func metricPanel(_ id: PanelID, _ state: AppState, _ f: DashboardFigures, _ rect: Rect,
                            _ ctx: ViewContext, _ grid: inout CellGrid) {
        let warnings = state.sourceOrder.flatMap { state.sources[$0]?.warnings ?? [] }.filter { $0.panel == id }
        let panelBadge = warnings.isEmpty ? badge(state, ctx)
            : Span(" \(ctx.glyphs.severityCritical) \(warnings.count) failing ", style: ctx.theme[.healthError])
        let panel = Panel(title: id.title, focused: state.focus == id && state.mode == .dashboard,
                          theme: ctx.theme, glyphs: ctx.glyphs, badge: panelBadge)
        let inner = panel.render(in: rect, on: &grid)
        guard !inner.isEmpty else { return }
        // A failing query is said first, on its panel, above whatever did arrive.
        let warningLines = warnings.map { RankedLine(0, .text([ctx.span($0.message, .healthError)])) }
        let lines = RankedLine.pick(warningLines + MetricPanels.lines(id, f, state, ctx), height: inner.height)
        for (row, line) in lines.enumerated() {
            let y = inner.y + row
            switch line {
            case .text(let spans):
                grid.put(spans: truncate(spans, toWidth: inner.width, ellipsis: ctx.glyphs.ellipsis),
                         x: inner.x, y: y, maxWidth: inner.width)
            case .spark(let values):
                Sparkline(values: values, glyphs: ctx.glyphs, style: ctx.theme[.sparkline])
                    .render(in: Rect(x: inner.x, y: y, width: inner.width, height: 1), on: &grid)
            }
        }
    }

    /// "stale 5m" on every panel when all data is stale; nil when fresh.
    static func badge(_ state: AppState, _ ctx: ViewContext) -> Span? {
        let stale = state.sources.values.filter { $0.isStale(at: state.now) }
        guard !state.sources.isEmpty, stale.count == state.sources.count else { return nil }
        let newest = state.sources.values.compactMap(\.lastSuccess).max()
        let text = newest.map { "stale " + Formatting.age(seconds: state.now.timeIntervalSince($0)) } ?? "no data yet"
        return Span(text, style: ctx.theme[.healthStale])
    }

    static func header(_ state: AppState, _ f: DashboardFigures, _ rect: Rect, _ ctx: ViewContext,
                       _ grid: inout CellGrid) {
        guard !rect.isEmpty else { return }
        grid.fill(rect, with: Cell(" ", style: ctx.theme[.header]))
        var left: [Span] = [ctx.span(" VIGIL ", .headerAccent), ctx.span(" \(state.title) ", .header),
                            ctx.span(" window \(state.window.rawValue) ", .header)]
        if state.readOnly { left.append(ctx.span(" READ-ONLY ", .headerAccent)) }
        left.append(contentsOf: health(state, ctx))
        // The health summary matters more than the theme name and the clock: on a narrow screen
        // the right-hand part goes first (clock alone, then nothing), the summary is cut last.
        let leftWidth = left.reduce(0) { $0 + $1.width }
        let full = " \(state.themeName) \(ctx.glyphs.dot) \(Formatting.clock(state.now)) UTC "
        let short = " \(Formatting.clock(state.now)) "
        let right = leftWidth + GlyphWidth.of(full) < rect.width ? full
            : (leftWidth + GlyphWidth.of(short) < rect.width ? short : "")
        let rw = GlyphWidth.of(right)
        grid.put(spans: truncate(left, toWidth: max(0, rect.width - rw), ellipsis: ctx.glyphs.ellipsis),
                 x: rect.x, y: rect.y, maxWidth: rect.width)
        if rw > 0 { grid.put(right, x: rect.maxX - rw, y: rect.y, style: ctx.theme[.header]) }
    }

    /// The health summary: all fresh, or which sources are not.
    static func health(_ state: AppState, _ ctx: ViewContext) -> [Span] {
        if state.sources.isEmpty { return [ctx.span(" no sources ", .healthStale)] }
        var bad: [Span] = []
        for id in state.sourceOrder {
            guard let s = state.sources[id] else { continue }
            if let err = s.lastError {
                bad.append(ctx.span(" \(ctx.glyphs.severityCritical) \(id): \(err) ", .healthError))
            } else if !s.warnings.isEmpty {
                let what = s.warnings.count == 1 ? s.warnings[0].message : "\(s.warnings.count) problems"
                bad.append(ctx.span(" \(ctx.glyphs.severityCritical) \(id): \(what) ", .healthStale))
            } else if s.lastSuccess == nil {
                bad.append(ctx.span(" \(ctx.glyphs.pending) \(id): connecting ", .healthStale))
            } else if s.isStale(at: state.now), let t = s.lastSuccess {
                bad.append(ctx.span(" \(ctx.glyphs.pending) \(id) stale \(Formatting.age(seconds: state.now.timeIntervalSince(t))) ",
                                    .healthStale))
            }
        }
        if bad.count > 1 {
            // Several: name them all in a few words; each panel says what went wrong for it.
            let names = state.sourceOrder.filter { id in
                guard let s = state.sources[id] else { return false }
                return s.lastError != nil || !s.warnings.isEmpty || s.lastSuccess == nil || s.isStale(at: state.now)
            }
            let failing = names.contains { state.sources[$0]?.lastError != nil }
            return [ctx.span(" \(ctx.glyphs.severityCritical) \(names.joined(separator: ", ")) \(failing ? "failing" : "not fresh") ",
                             failing ? .healthError : .healthStale)]
        }
        if bad.isEmpty {
            let n = state.sources.count
            return [ctx.span(" \(ctx.glyphs.check) \(n == 1 ? "source" : "all \(n) sources") fresh ", .healthOK)]
        }
        return bad
    }

    static func footer(_ state: AppState, _ rect: Rect, _ ctx: ViewContext, _ grid: inout CellGrid) {
        guard !rect.isEmpty else { return }
        grid.fill(rect, with: Cell(" ", style: ctx.theme[.footerText]))
        if let flash = state.flash, flash.until > state.now {
            let role: Role = flash.isError ? .healthError : .statusAcknowledged
            grid.put(spans: truncate([ctx.span(" " + flash.text + " ", role)], toWidth: rect.width,
                                     ellipsis: ctx.glyphs.ellipsis), x: rect.x, y: rect.y, maxWidth: rect.width)
            return
        }
        let ascii = ctx.glyphs == .ascii
        let hints = state.keyMap.hints(in: state.mode.keyContext).map { b in
            (key: b.keys.first.map { ascii ? $0.asciiLabel : $0.label } ?? "", label: b.hint ?? "")
        }
        HintsBar(hints: hints, theme: ctx.theme, glyphs: ctx.glyphs).render(in: rect, on: &grid)
    }
}
