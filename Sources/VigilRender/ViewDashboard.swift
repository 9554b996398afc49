import Foundation
import VigilCore

/// The whole screen as a pure function of the state: `render(state) -> CellGrid`.
public enum DashboardView {
    /// Renders one frame, with `figures` when given (the runtime's, computed beside the terminal
    /// thread and possibly of the data before the last poll), else the state's own.
    public static func render(_ state: AppState, _ ctx: ViewContext, figures given: DashboardFigures? = nil) -> CellGrid {
        var grid = CellGrid(width: state.size.width, height: state.size.height,
                            filling: Cell(" ", style: ctx.theme[.background]))
        guard state.size.width > 0, state.size.height > 0 else { return grid }
        let figures = given ?? DashboardFigures.of(state)
        if let wall = state.wall {
            WallView.render(state, wall, figures, ctx, &grid)
            return grid
        }
        let layout = state.layout
        header(state, figures, layout.header, ctx, &grid)
        panels(state, figures, layout, ctx, &grid)
        footer(state, layout.footer, ctx, &grid)
        let body = Rect(x: 0, y: 1, width: state.size.width, height: max(0, state.size.height - 2))
        switch state.mode {
        case .dashboard, .filter: break
        case .silences: SilencesView.render(state, body, ctx, &grid)
        case .silencePick(let id): SilencesView.render(state, body, ctx, &grid); SilencePickView.render(state, id, body, ctx, &grid)
        case .silenceConfirm(let change, let id):
            SilencesView.render(state, body, ctx, &grid)
            SilencePickView.confirm(state, change, id, body, ctx, &grid)
        case .details(let id): DetailsView.render(state, id, body, ctx, &grid)
        case .confirm(let action, let id, _): ConfirmView.render(state, action, id, body, ctx, &grid)
        case .input(let kind, let id, let text, _): InputView.render(state, kind, id, text, body, ctx, &grid)
        case .pick(let kind, let id, _): PickerView.render(state, kind, id, body, ctx, &grid)
        case .help(let back):
            // Help opened from the details stays on top of them.
            if case .details(let id) = back { DetailsView.render(state, id, body, ctx, &grid) }
            if back == .silences { SilencesView.render(state, body, ctx, &grid) }
            HelpView.render(state, body, ctx, &grid)
        case .health:
            HealthView.render(state, body, ctx, &grid)
        }
        return grid
    }

    /// The panels of a layout.
    static func panels(_ state: AppState, _ figures: DashboardFigures, _ layout: DashboardLayout, _ ctx: ViewContext,
                       _ grid: inout CellGrid) {
        for p in layout.panels {
            if p.id == .incidents {
                IncidentsView.render(state, p.rect, ctx, &grid)
            } else {
                metricPanel(p.id, state, figures, p.rect, ctx, &grid)
            }
        }
    }

    /// The panels alone, in the interactive layout of `state.size` (header and footer rows left
    /// blank): the wall monitor's panels page.
    static func panelsOnly(_ state: AppState, _ figures: DashboardFigures, _ ctx: ViewContext) -> CellGrid {
        var grid = CellGrid(width: state.size.width, height: state.size.height,
                            filling: Cell(" ", style: ctx.theme[.background]))
        guard state.size.width > 0, state.size.height > 0 else { return grid }
        panels(state, figures, state.layout, ctx, &grid)
        return grid
    }

    static func metricPanel(_ id: PanelID, _ state: AppState, _ f: DashboardFigures, _ rect: Rect,
                            _ ctx: ViewContext, _ grid: inout CellGrid) {
        let warnings = state.sourceOrder.flatMap { state.sources[$0]?.warnings ?? [] }.filter { $0.panel == id }
        let health = PanelHealth.of(id, state)
        let panelBadge: Span?
        if warnings.isEmpty || health?.isFailing == true {
            panelBadge = healthBadge(health, title: id.title, rect: rect, state, ctx)
        } else {
            panelBadge = Span(" \(ctx.glyphs.severityCritical) \(warnings.count) failing ", style: ctx.theme[.healthError])
        }
        let panel = Panel(title: id.title, focused: state.wall == nil && state.focus == id && state.mode == .dashboard,
                          theme: ctx.theme, glyphs: ctx.glyphs, badge: panelBadge)
        let inner = panel.render(in: rect, on: &grid)
        guard !inner.isEmpty else { return }
        // A failing query is said first, on its panel, above whatever did arrive.
        let warningLines = warnings.map { RankedLine(0, .text([ctx.span($0.message, .healthError)])) }
        var content = MetricPanels.lines(id, f, state, ctx)
        if !warningLines.isEmpty { content.removeAll(where: MetricPanels.isNoData) }
        let lines = RankedLine.pick(warningLines + content, height: inner.height)
        for (row, line) in lines.enumerated() {
            let y = inner.y + row
            switch line {
            case .text(let spans):
                grid.put(spans: truncate(spans, toWidth: inner.width, ellipsis: ctx.glyphs.ellipsis),
                         x: inner.x, y: y, maxWidth: inner.width)
            case .spark(let values):
                Sparkline(values: values, glyphs: ctx.glyphs, style: ctx.theme[.sparkline])
                    .render(in: Rect(x: inner.x, y: y, width: inner.width, height: 1), on: &grid)
            case .marks(let marks, let start, let end, let count):
                for (column, mark) in DeployMarks.marked(marks, start: start, end: end, count: count,
                                                         width: inner.width).enumerated() where mark != 0 {
                    let rollback = mark == 2
                    grid[inner.x + column, y] = Cell(rollback ? ctx.glyphs.rollbackMark : ctx.glyphs.deployMark,
                                                     style: ctx.theme[rollback ? .rollbackMark : .deployMark])
                }
            }
        }
    }

    /// The top-border badge of a panel: when its data last refreshed ("12:04", only when it fits
    /// beside the whole title), "stale 5m", or "● source: error · retry in 40s" (in as many words
    /// as fit, see `fitFailure`). `prefix` (the incident counts) goes before it, in `prefixRole`
    /// when fresh.
    static func healthBadge(_ health: PanelHealth?, title: String, rect: Rect, _ state: AppState, _ ctx: ViewContext,
                            prefix: String = "", prefixRole: Role = .textDim) -> Span? {
        let room = rect.width - 2
        let titleWidth = drawnWidth(title)
        // The badge keeps a border glyph from the title; the title keeps at least 3 columns.
        let beside = room - 3 - titleWidth - 2
        let squeezed = room - 3 - min(titleWidth, 3) - 2
        let lead = prefix.isEmpty ? "" : prefix + " \(ctx.glyphs.dot) "
        switch health {
        case nil:
            return prefix.isEmpty ? nil : Span(prefix, style: ctx.theme[prefixRole])
        case .fresh(let at)?:
            let full = lead + Formatting.clock(at)
            if drawnWidth(full) <= beside { return Span(full, style: ctx.theme[prefixRole]) }
            return prefix.isEmpty ? nil : Span(prefix, style: ctx.theme[prefixRole])
        case .waiting?:
            return Span(lead + "no data yet", style: ctx.theme[.healthStale])
        case .stale(let since)?:
            return Span(lead + "stale " + coarseAge(since: since, now: state.now), style: ctx.theme[.healthStale])
        case .failing(let failure)?:
            let stale = failure.dataSince.flatMap { since -> String? in
                guard let s = state.sources[failure.source], s.isStale(at: state.now) else { return nil }
                return "stale " + coarseAge(since: since, now: state.now)
            }
            let retry = retryText(failure.retryAt, now: state.now)
            let head = lead + "\(ctx.glyphs.severityCritical) \(failure.names)"
            let text = fitFailure(head: head, error: failure.message, kind: failure.kind?.label, extras: [stale, retry].compactMap { $0 },
                                  limits: [beside, squeezed], ctx)
            return Span(text, style: ctx.theme[.healthError])
        }
    }

    /// The most telling text that fits: the whole error with the extras ("stale 5m", "retry in
    /// 40s"), else the error cut to fit when 32 columns of it remain, else the kind of error
    /// ("connection refused", "HTTP 500") with the extras, then with the retry only, else the
    /// error cut to at least 12 columns, else the kind alone, else the source and the retry.
    /// A cut error that no longer shows its kind starts with it. The forms that say what went
    /// wrong are tried beside the whole title, then beside a cut one (`limits`, in order), before
    /// the source and its retry alone.
    static func fitFailure(head: String, error: String, kind: String?, extras: [String], limits: [Int],
                           _ ctx: ViewContext) -> String {
        let sep = " \(ctx.glyphs.dot) "
        func joined(_ parts: [String]) -> String { parts.isEmpty ? "" : sep + parts.joined(separator: sep) }
        let retry = Array(extras.suffix(1))
        var candidates: [(Int) -> String?] = []
        func whole(_ text: String, _ tail: [String]) -> (Int) -> String? {
            { limit in
                let line = head + ": " + text + joined(tail)
                return drawnWidth(line) <= limit ? line : nil
            }
        }
        func cut(_ tail: [String], atLeast minimum: Int) -> (Int) -> String? {
            { limit in
                let room = limit - drawnWidth(head) - 2 - drawnWidth(joined(tail))
                guard room >= minimum else { return nil }
                var shown = truncate(error, toWidth: room, ellipsis: ctx.glyphs.ellipsis)
                // When the cut hides what went wrong, say it first.
                let visible = drawnWidth(error) > room ? String(shown.dropLast()) : shown
                if let kind, !visible.contains(kind) {
                    let rest = room - drawnWidth(kind) - drawnWidth(sep)
                    guard rest >= 12 else { return nil }
                    shown = kind + sep + truncate(error, toWidth: rest, ellipsis: ctx.glyphs.ellipsis)
                }
                return head + ": " + shown + joined(tail)
            }
        }
        candidates.append(whole(error, extras))
        candidates.append(cut(extras, atLeast: 32))
        if let kind, kind != error {
            candidates.append(whole(kind, extras))
            candidates.append(whole(kind, retry))
        }
        candidates.append(cut(retry, atLeast: 12))
        if let kind { candidates.append(whole(kind, [])) }
        let withoutError: [(Int) -> String?] = [{ limit in
            let line = head + joined(retry)
            return drawnWidth(line) <= limit ? line : nil
        }]
        for tier in [candidates, withoutError] {
            for limit in limits {
                for candidate in tier {
                    if let text = candidate(limit) { return text }
                }
            }
        }
        return head
    }

    /// "retry in 40s" in 10-second steps under a minute, then whole minutes (both rounded up):
    /// coarse, so the badge does not tick. "retrying" once the time has come.
    static func retryText(_ at: Date?, now: Date) -> String? {
        guard let at else { return nil }
        let seconds = at.timeIntervalSince(now)
        guard seconds.isFinite else { return nil }
        if seconds <= 0 { return "retrying" }
        if seconds < 60 { return "retry in \(Int((seconds / 10).rounded(.up)) * 10)s" }
        return "retry in \(Int(min(seconds / 60, 1e6).rounded(.up)))m"
    }

    static func header(_ state: AppState, _ f: DashboardFigures, _ rect: Rect, _ ctx: ViewContext,
                       _ grid: inout CellGrid) {
        guard !rect.isEmpty else { return }
        grid.fill(rect, with: Cell(" ", style: ctx.theme[.header]))
        var left: [Span] = [ctx.span(" VIGIL ", .headerAccent), ctx.span(" \(state.title) ", .header),
                            ctx.span(" window \(state.window.rawValue) ", .header)]
        if state.readOnly { left.append(ctx.span(" READ-ONLY ", .headerAccent)) }
        if state.storeProblem != nil {
            left.append(ctx.span(" \(ctx.glyphs.severityCritical) state not saved ", .healthError))
        }
        left.append(contentsOf: health(state, ctx))
        let hint = detailsHint(state, ctx)
        let hintWidth = hint?.width ?? 0
        // The health summary matters more than the theme name and the clock: on a narrow screen
        // the right-hand part goes first (clock alone, then nothing), the summary is cut last.
        // Who is on call comes after the summary and gives way to the clock, not the reverse.
        let coreWidth = left.reduce(0) { $0 + $1.width } + hintWidth
        let full = " \(state.themeName) \(ctx.glyphs.dot) \(Formatting.clock(state.now)) UTC "
        let short = " \(Formatting.clock(state.now)) "
        func fits(_ onCall: String, _ right: String) -> Bool {
            coreWidth + GlyphWidth.of(onCall) + 2 + GlyphWidth.of(right) < rect.width
        }
        var right = coreWidth + GlyphWidth.of(full) < rect.width ? full : (coreWidth + GlyphWidth.of(short) < rect.width ? short : "")
        if let line = state.onCallLine {
            // Who is on call comes after the summary and is shortened at its seams rather than
            // mid-word (the whole line, its first part, that without its "until"); the theme's
            // name goes before its last part does, the clock never for it.
            let first = line.components(separatedBy: " \(OnCallSummary.separator) ")[0]
            let bare = first.components(separatedBy: " until ")[0]
            let choices = [(line, full), (line, short), (first, full), (bare, full), (first, short), (bare, short)]
            if let (text, r) = choices.first(where: { fits($0.0, $0.1) }) {
                right = r
                let shown = text.replacingOccurrences(of: " \(OnCallSummary.separator) ", with: " \(ctx.glyphs.dot) ")
                left.append(ctx.span(" \(shown) ", .header))
            }
        }
        let rw = GlyphWidth.of(right)
        let shown = truncate(left, toWidth: max(0, rect.width - rw - hintWidth), ellipsis: ctx.glyphs.ellipsis)
        grid.put(spans: shown + (hint.map { [$0] } ?? []), x: rect.x, y: rect.y, maxWidth: rect.width)
        if rw > 0 { grid.put(right, x: rect.maxX - rw, y: rect.y, style: ctx.theme[.header]) }
    }

    /// The health summary: all fresh, or which sources are not.
    static func health(_ state: AppState, _ ctx: ViewContext) -> [Span] {
        if state.sources.isEmpty { return [ctx.span(" no sources ", .healthStale)] }
        var bad: [Span] = []
        for id in state.sourceOrder {
            guard let s = state.sources[id] else { continue }
            if let err = s.lastError {
                let retry = retryText(s.nextRetryAt, now: state.now).map { " \(ctx.glyphs.dot) \($0)" } ?? ""
                bad.append(ctx.span(" \(ctx.glyphs.severityCritical) \(id): \(err)\(retry) ", .healthError))
            } else if !s.warnings.isEmpty {
                let what = s.warnings.count == 1 ? s.warnings[0].message : "\(s.warnings.count) problems"
                bad.append(ctx.span(" \(ctx.glyphs.severityCritical) \(id): \(what) ", .healthStale))
            } else if s.lastSuccess == nil {
                bad.append(ctx.span(" \(ctx.glyphs.pending) \(id): connecting ", .healthStale))
            } else if s.isStale(at: state.now), let t = s.lastSuccess {
                bad.append(ctx.span(" \(ctx.glyphs.pending) \(id) stale \(coarseAge(since: t, now: state.now)) ", .healthStale))
            } else if let q = s.quota, q.isLow {
                bad.append(ctx.span(" \(ctx.glyphs.pending) \(id): quota \(q.remaining)/\(q.limit) ", .healthStale))
            }
        }
        if bad.count > 1 {
            // Several: name them all in a few words; each panel says what went wrong for it.
            let names = state.sourceOrder.filter { id in
                guard let s = state.sources[id] else { return false }
                return s.lastError != nil || !s.warnings.isEmpty || s.lastSuccess == nil || s.isStale(at: state.now)
                    || s.quota?.isLow == true
            }
            let failing = names.contains { state.sources[$0]?.lastError != nil }
            let warned = names.contains { state.sources[$0]?.warnings.isEmpty == false }
            let what = failing ? "failing" : warned ? "with warnings" : "not fresh"
            return [ctx.span(" \(ctx.glyphs.severityCritical) \(names.joined(separator: ", ")) \(what) ",
                             failing ? .healthError : .healthStale)]
        }
        if bad.isEmpty {
            let n = state.sources.count
            var out = [ctx.span(" \(ctx.glyphs.check) \(n == 1 ? "source" : "all \(n) sources") fresh ", .healthOK)]
            // The request quota closest to running out (GitHub's per hour, PagerDuty's per minute).
            var tightest: (id: SourceID, quota: RateQuota, left: Double)?
            for id in state.sourceOrder {
                guard let q = state.sources[id]?.quota, q.limit > 0 else { continue }
                let left = Double(q.remaining) / Double(q.limit)
                if tightest.map({ left < $0.left }) ?? true { tightest = (id, q, left) }
            }
            if let (id, q, _) = tightest {
                out.append(ctx.span(" \(id) quota \(q.remaining)/\(q.limit) ", .textDim))
            }
            return out
        }
        return bad
    }

    /// " H details " while a source is failing, warning or stale: its last errors, their times
    /// and the log file are one key away. Room is kept for it at the end of the header's left
    /// part, so a long error is cut before it rather than push it out.
    static func detailsHint(_ state: AppState, _ ctx: ViewContext) -> Span? {
        let troubled = state.sources.values.contains {
            $0.lastError != nil || !$0.warnings.isEmpty || $0.isStale(at: state.now)
        }
        return troubled ? ctx.span(" H details ", .header) : nil
    }

    /// The flash message, while it lasts, on the footer line `rect` (dashboard and wall): true
    /// when it was drawn.
    static func flash(_ state: AppState, _ rect: Rect, _ ctx: ViewContext, _ grid: inout CellGrid) -> Bool {
        guard let flash = state.flash, flash.until > state.now else { return false }
        let role: Role = flash.isError ? .healthError : .statusAcknowledged
        grid.put(spans: truncate([ctx.span(" " + flash.text + " ", role)], toWidth: rect.width,
                                 ellipsis: ctx.glyphs.ellipsis), x: rect.x, y: rect.y, maxWidth: rect.width)
        return true
    }

    static func footer(_ state: AppState, _ rect: Rect, _ ctx: ViewContext, _ grid: inout CellGrid) {
        guard !rect.isEmpty else { return }
        grid.fill(rect, with: Cell(" ", style: ctx.theme[.footerText]))
        if flash(state, rect, ctx, &grid) { return }
        let ascii = ctx.glyphs == .ascii
        let hints = state.keyMap.hints(in: state.mode.keyContext, offered: state.offeredActions).map { b in
            (key: b.keys.first.map { ascii ? $0.asciiLabel : $0.label } ?? "", label: b.hint ?? "")
        }
        HintsBar(hints: hints, theme: ctx.theme, glyphs: ctx.glyphs).render(in: rect, on: &grid)
    }
}

/// How fresh the data of one panel is, from the sources that feed it (`AppState.sources(feeding:)`).
enum PanelHealth: Equatable {
    /// Every feeding source answered its last poll in time; the oldest of their answers.
    case fresh(Date)
    /// No feeding source has answered yet, and none has failed.
    case waiting
    /// Some feeding source's data is older than twice its poll interval; since when.
    case stale(Date)
    /// A feeding source's last poll failed.
    case failing(Failure)

    /// The first failing source of a panel.
    struct Failure: Equatable {
        /// The failing source.
        var source: SourceID
        /// It, and how many more fail ("am", "am +1").
        var names: String
        /// Its error.
        var message: String
        /// What kind of failure it is, when known.
        var kind: SourceError.Kind?
        /// When it retries.
        var retryAt: Date?
        /// When its data (still shown) arrived, if it ever did.
        var dataSince: Date?
    }

    /// True for `.failing`.
    var isFailing: Bool {
        if case .failing = self { return true }
        return false
    }

    /// The health of a panel's data; nil when no source feeds it.
    static func of(_ panel: PanelID, _ state: AppState) -> PanelHealth? {
        let feeding = state.sources(feeding: panel).compactMap { id in state.sources[id].map { (id, $0) } }
        guard !feeding.isEmpty else { return nil }
        let failing = feeding.filter { $0.1.isFailing }
        if let (id, s) = failing.first {
            return .failing(Failure(source: id, names: failing.count > 1 ? "\(id) +\(failing.count - 1)" : id,
                                    message: s.lastError ?? "", kind: s.lastFailure?.kind, retryAt: s.nextRetryAt, dataSince: s.lastSuccess))
        }
        let answered = feeding.compactMap { $0.1.lastSuccess }
        guard let oldest = answered.min() else { return .waiting }
        if let since = feeding.filter({ $0.1.lastSuccess != nil && $0.1.isStale(at: state.now) })
            .compactMap({ $0.1.lastSuccess }).min() {
            return .stale(since)
        }
        return .fresh(oldest)
    }
}
