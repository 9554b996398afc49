import Foundation
import VigilCore

/// The wall monitor (`vigil --wall`): the header, a bar for every source whose data is old or
/// failing, a banner while a page is unacknowledged or an outage goes on, then the page of the
/// rotation (headline figures in large digits, or the panels), and a footer that says which
/// page this is and when the next comes. No selection, no focus, no cursor.
enum WallView {
    static func render(_ state: AppState, _ wall: WallState, _ figures: DashboardFigures, _ ctx: ViewContext,
                       _ grid: inout CellGrid) {
        let width = state.size.width, height = state.size.height
        DashboardView.header(state, figures, Rect(x: 0, y: 0, width: width, height: 1), ctx, &grid)
        let footerY = height - 1
        var y = 1
        // What must not be missed comes first, and may take the whole screen.
        for line in staleLines(state, ctx) where y < footerY {
            grid.put(spans: truncate(line, toWidth: width, ellipsis: ctx.glyphs.ellipsis), x: 0, y: y, maxWidth: width)
            grid.setStyle(Rect(x: GlyphWidth.of(line.map(\.text).joined()), y: y, width: width, height: 1),
                          ctx.theme[.healthError].adding(.reverse))
            y += 1
        }
        let alarm = WallAlarm(state)
        for line in bannerLines(alarm, state, ctx, room: max(0, footerY - y - 8)) where y < footerY {
            grid.put(spans: truncate(line.spans, toWidth: width, ellipsis: ctx.glyphs.ellipsis), x: 0, y: y, maxWidth: width)
            grid.setStyle(Rect(x: min(width, line.width), y: y, width: max(0, width - line.width), height: 1), line.fill)
            y += 1
        }
        let body = Rect(x: 0, y: y, width: width, height: max(0, footerY - y))
        if !body.isEmpty {
            switch wall.page {
            case .now: NowPage.render(state, figures, body, ctx, &grid)
            case .panels: panels(state, figures, body, ctx, &grid)
            }
        }
        if height > 1 { footer(state, wall, Rect(x: 0, y: footerY, width: width, height: 1), ctx, &grid) }
        switch state.mode {
        case .help:
            HelpView.render(state, Rect(x: 0, y: 1, width: width, height: max(0, height - 2)), ctx, &grid)
        case .health:
            HealthView.render(state, Rect(x: 0, y: 1, width: width, height: max(0, height - 2)), ctx, &grid)
        default:
            break
        }
    }

    // MARK: Stale and failing sources

    /// One full-width line per source whose data is failing, old or not there yet: on a wall,
    /// figures that stopped updating must look different from figures that are just calm.
    static func staleLines(_ state: AppState, _ ctx: ViewContext) -> [[Span]] {
        var lines: [[Span]] = []
        let bad = ctx.theme[.healthError].adding(.reverse).adding(.bold)
        for id in state.sourceOrder {
            guard let s = state.sources[id] else { continue }
            let age = s.lastSuccess.map { "data from \(Formatting.clock($0)), \(coarseAge(since: $0, now: state.now)) old" }
                ?? "no data yet"
            if let failure = s.lastFailure {
                // The kind first, in capitals: what can be read from across the room.
                let retry = DashboardView.retryText(s.nextRetryAt, now: state.now).map { ", \($0)" } ?? ""
                let kind = failure.kind.label.uppercased()
                lines.append([Span(" \(ctx.glyphs.severityCritical) \(id.uppercased()) FAILING, \(kind): \(age); "
                                   + "\(failure.message)\(retry) ", style: bad)])
            } else if s.lastSuccess != nil, s.isStale(at: state.now) {
                lines.append([Span(" \(ctx.glyphs.pending) \(id.uppercased()) STALE: \(age) ", style: bad)])
            }
        }
        return lines
    }

    // MARK: Banner

    struct BannerLine {
        var spans: [Span]
        var width: Int
        var fill: Style
    }

    /// The banner: unacknowledged pages, then outages going on, one line each, at most `room`
    /// lines (at least one when there is anything), the last saying how many more there are.
    static func bannerLines(_ alarm: WallAlarm, _ state: AppState, _ ctx: ViewContext, room: Int) -> [BannerLine] {
        guard !alarm.isEmpty else { return [] }
        var items: [(String, Incident)] = alarm.unacknowledgedPages.map { ("UNACKNOWLEDGED PAGE", $0) }
        let paged = Set(alarm.unacknowledgedPages.map(\.id))
        items += alarm.outages.filter { !paged.contains($0.id) }.map { ("OUTAGE", $0) }
        let limit = max(1, min(room, 4))
        var lines: [BannerLine] = []
        for (index, (kind, incident)) in items.enumerated() {
            if index == limit - 1, items.count > limit {
                let style = ctx.theme[.statusTriggered].adding(.reverse).adding(.bold)
                let text = " +\(items.count - index) more: \(items[index...].map { "\($0.1.service)" }.joined(separator: ", ")) "
                lines.append(BannerLine(spans: [Span(text, style: style)], width: GlyphWidth.of(text), fill: style))
                break
            }
            let style = ctx.theme[.severity(incident.severity)].adding(.reverse).adding(.bold)
            let text = " \(ctx.glyphs.severityCritical) \(kind)  \(incident.severity.label)  \(incident.service)  "
                + "\(incident.title)  \(coarseAge(since: incident.triggeredAt, now: state.now)) "
            lines.append(BannerLine(spans: [Span(text, style: style)], width: GlyphWidth.of(text), fill: style))
        }
        return lines
    }

    // MARK: Panels page

    /// The dashboard's panels in the body (the interactive layout at the body's size).
    static func panels(_ state: AppState, _ figures: DashboardFigures, _ body: Rect, _ ctx: ViewContext,
                       _ grid: inout CellGrid) {
        var inner = state
        inner.size = Size(width: body.width, height: body.height + 2)  // the layout keeps a header and a footer row
        let sub = DashboardView.panelsOnly(inner, figures, ctx)
        for row in 1..<(sub.height - 1) {
            for x in 0..<sub.width { grid[body.x + x, body.y + row - 1] = sub[x, row] }
        }
    }

    // MARK: Footer

    static func footer(_ state: AppState, _ wall: WallState, _ rect: Rect, _ ctx: ViewContext, _ grid: inout CellGrid) {
        grid.fill(rect, with: Cell(" ", style: ctx.theme[.footerText]))
        if DashboardView.flash(state, rect, ctx, &grid) { return }
        let pages = WallPage.allCases
        // No countdown: a steady board sends nothing between pages.
        let every = Formatting.age(seconds: wall.settings.rotateEvery)
        let position = " WALL \(ctx.glyphs.dot) \(wall.page.title) \(wall.page.rawValue + 1)/\(pages.count) "
            + "\(ctx.glyphs.dot) pages every \(every) "
        let used = GlyphWidth.of(position)
        grid.put(position, x: rect.x, y: rect.y, style: ctx.theme[.footerKey], maxWidth: rect.width)
        guard rect.width > used + 10 else { return }
        let ascii = ctx.glyphs == .ascii
        let hints = state.keyMap.hints(in: state.mode.keyContext).map { b in
            (key: b.keys.first.map { ascii ? $0.asciiLabel : $0.label } ?? "", label: b.hint ?? "")
        }
        HintsBar(hints: hints, theme: ctx.theme, glyphs: ctx.glyphs)
            .render(in: Rect(x: rect.x + used, y: rect.y, width: rect.width - used, height: 1), on: &grid)
    }
}

/// The "Now" page: the headline figures in large digits, then the open incidents.
enum NowPage {
    /// One headline figure.
    struct Tile {
        var label: String
        var value: String
        var unit: String
        var caption: String
        var role: Role
        /// The data behind it is failing or old.
        var stale: Bool
    }

    static func tiles(_ state: AppState, _ f: DashboardFigures) -> [Tile] {
        let incidentsStale = sourcesAreBad(state, .incidents)
        let deploysStale = sourcesAreBad(state, .deployments)
        let open = state.openIncidents
        let unacked = open.filter { $0.status == .triggered }.count
        let none = Tile(label: "", value: "-", unit: "", caption: "no data", role: .textDim, stale: false)
        var tiles: [Tile] = []
        let w = state.window.rawValue
        if f.has.incidents {
            tiles.append(Tile(label: "OPEN", value: "\(open.count)", unit: "",
                              caption: unacked == 0 ? "all acknowledged" : "\(unacked) unacknowledged",
                              role: unacked > 0 ? .severityCritical : (open.isEmpty ? .healthOK : .severityWarning),
                              stale: incidentsStale))
            let down = f.outages.now.ongoing
            tiles.append(Tile(label: "DOWN NOW", value: "\(f.outages.now.ongoingCount)", unit: "",
                              caption: down.first.map { "\($0.service) for \(Formatting.age(seconds: $0.running))" } ?? "nothing down",
                              role: down.isEmpty ? .healthOK : .severityCritical, stale: incidentsStale))
            tiles.append(Tile(label: "PAGES \(w)", value: "\(f.pages.now.count)", unit: "",
                              caption: "\(Formatting.perDay(f.pages.now.perDay)), \(f.pages.now.offHours) off-hours",
                              role: .value, stale: incidentsStale))
            let (mttaValue, mttaUnit) = bigDuration(f.mtta.now.median)
            tiles.append(Tile(label: "MTTA median", value: mttaValue, unit: mttaUnit,
                              caption: "n=\(f.mtta.now.count) in \(w)", role: .value, stale: incidentsStale))
            let (mttrValue, mttrUnit) = bigDuration(f.mttr.now.median)
            tiles.append(Tile(label: "MTTR median", value: mttrValue, unit: mttrUnit,
                              caption: "n=\(f.mttr.now.count) in \(w)", role: .value, stale: incidentsStale))
        } else {
            for label in ["OPEN", "DOWN NOW", "PAGES \(w)", "MTTA median", "MTTR median"] {
                var t = none
                t.label = label
                tiles.append(t)
            }
        }
        if f.has.deploys {
            let d = f.deploys.now
            let cfr = d.changeFailureRate.map { "CFR \(Formatting.percent($0))" } ?? "CFR -"
            let rework = d.reworkRate.map { "rework \(Formatting.percent($0))" } ?? "rework -"
            tiles.append(Tile(label: "DEPLOYS/day", value: bigNumber(d.perDay), unit: "",
                              caption: "\(d.total) in \(w), \(cfr), \(rework)",
                              role: (d.changeFailureRate ?? 0) > 0.15 ? .severityWarning : .value, stale: deploysStale))
        } else {
            var t = none
            t.label = "DEPLOYS/day"
            tiles.append(t)
        }
        return tiles
    }

    /// Whether any source feeding `kind` is failing or old.
    static func sourcesAreBad(_ state: AppState, _ kind: DataKind) -> Bool {
        state.sourceOrder.contains { id in
            guard let s = state.sources[id], s.provides.contains(kind) else { return false }
            return s.lastError != nil || s.isStale(at: state.now)
        }
    }

    /// A number for large digits: whole when 10 or more, one decimal below.
    static func bigNumber(_ value: Double) -> String {
        guard value.isFinite else { return "-" }
        return value >= 10 ? String(Int(value.rounded())) : String(format: "%.1f", value)
    }

    /// A duration as a number for large digits and a unit beside it: "45" s, "12" m, "3.5" h, "2.1" d.
    static func bigDuration(_ seconds: Double?) -> (String, String) {
        guard let seconds, seconds.isFinite else { return ("-", "") }
        switch seconds {
        case ..<60: return (String(Int(seconds.rounded())), "s")
        case ..<3_600: return (String(Int((seconds / 60).rounded())), "min")
        case ..<172_800: return (bigNumber(seconds / 3_600), "h")
        default: return (bigNumber(seconds / 86_400), "d")
        }
    }

    /// Rows of a tile: its label, the digits, the caption, a blank row.
    static func tileHeight(scale: Int) -> Int { BigText.height * scale + 3 }

    static func render(_ state: AppState, _ f: DashboardFigures, _ body: Rect, _ ctx: ViewContext, _ grid: inout CellGrid) {
        let tiles = tiles(state, f)
        let columns = [6, 3, 2, 1].first { body.width / $0 >= 24 } ?? 1
        let rows = (tiles.count + columns - 1) / columns
        let tileWidth = body.width / columns
        // Twice the size where the screen has room for it and still for a few incident rows.
        let doubled = tileWidth >= 30 && body.height >= rows * tileHeight(scale: 2) + 6
        let scale = doubled ? 2 : 1
        let big = body.height >= rows * tileHeight(scale: 1) - 1 && body.width >= 24
        let tileHeight = big ? tileHeight(scale: scale) : 2
        for (index, tile) in tiles.enumerated() {
            let rect = Rect(x: body.x + (index % columns) * tileWidth, y: body.y + (index / columns) * tileHeight,
                            width: tileWidth - 1, height: tileHeight)
            guard rect.y < body.maxY else { break }
            draw(tile, in: rect, big: big, scale: scale, ctx, &grid)
        }
        // The open incidents below, as many as fit.
        let used = min(body.height, rows * tileHeight)
        let rest = Rect(x: body.x, y: body.y + used, width: body.width, height: body.height - used)
        if rest.height >= 4, state.provides(\.incidents) {
            var quiet = state
            quiet.mode = .dashboard
            IncidentsView.render(quiet, rest, ctx, &grid)
        }
    }

    static func draw(_ tile: Tile, in rect: Rect, big: Bool, scale: Int, _ ctx: ViewContext, _ grid: inout CellGrid) {
        let labelStyle = ctx.theme[.label].adding(.bold)
        let staleNote = tile.stale ? " \(ctx.glyphs.pending) OLD DATA" : ""
        grid.put(spans: [Span(tile.label, style: labelStyle), ctx.span(staleNote, .healthError)],
                 x: rect.x, y: rect.y, maxWidth: rect.width)
        // Figures from data that stopped updating are dimmed, beside the note saying so.
        var style = ctx.theme[tile.stale ? .textDim : tile.role]
        if !tile.stale { style = style.adding(.bold) }
        let fits = (1...scale).reversed().first { BigText.width(of: tile.value, scale: $0) <= rect.width }
        if big, BigText.canDraw(tile.value), let fit = fits {
            let used = BigText(tile.value, glyphs: ctx.glyphs, style: style, scale: fit)
                .render(x: rect.x, y: rect.y + 1, maxWidth: rect.width, on: &grid)
            let digitsHeight = BigText.height * scale
            if !tile.unit.isEmpty {
                grid.put(" " + tile.unit, x: rect.x + used, y: rect.y + digitsHeight, style: style,
                         maxWidth: max(0, rect.width - used))
            }
            grid.put(tile.caption, x: rect.x, y: rect.y + 1 + digitsHeight, style: ctx.theme[.textDim], maxWidth: rect.width)
        } else {
            let value = tile.value + (tile.unit.isEmpty ? "" : " " + tile.unit)
            grid.put(spans: truncate([Span(value + " ", style: style), ctx.span(tile.caption, .textDim)],
                                     toWidth: rect.width, ellipsis: ctx.glyphs.ellipsis),
                     x: rect.x, y: rect.y + 1, maxWidth: rect.width)
        }
    }
}
