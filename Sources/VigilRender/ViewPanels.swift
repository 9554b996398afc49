import Foundation
import VigilCore

/// One line of a metric panel: text, or a sparkline across the whole width.
enum PanelLine {
    case text([Span])
    case spark([Double])
    /// Deployments and rollbacks under the sparkline above, on its time axis: `count` values
    /// taken from `start` to `end` (see `DeployMarks`).
    case marks([DeployMark], start: Date, end: Date, count: Int)
}

/// Where deployments and rollbacks go under a sparkline of `count` values spread from `start`
/// to `end`: each in the column its time falls in, the way `Sparkline` places values (one column
/// each when they fit; otherwise `count` squeezed into the width). A rollback wins a column it
/// shares with a deployment.
enum DeployMarks {
    /// Which columns of `width` a mark falls in: 0 no mark, 1 a deployment, 2 a rollback (one array, no
    /// hashing: a week's marks are thousands, placed on every frame).
    static func marked(_ marks: [DeployMark], start: Date, end: Date, count: Int, width: Int) -> [UInt8] {
        guard count > 0, width > 0 else { return [] }
        let span = end.timeIntervalSince(start)
        var out = [UInt8](repeating: 0, count: count <= width ? count : width)
        for m in marks {
            let fraction = span > 0 ? m.at.timeIntervalSince(start) / span : 1
            guard fraction >= -0.000_001, fraction <= 1.000_001 else { continue }
            let index = min(count - 1, max(0, Int(fraction * Double(count))))
            let column = count <= width ? index : index * width / count
            if column < out.count { out[column] = max(out[column], m.rollback ? 2 : 1) }
        }
        return out
    }

    /// The marks line under a sparkline, when there is a mark to show.
    static func line(_ marks: [DeployMark], start: Date, end: Date, count: Int, rank: Int) -> [RankedLine] {
        marks.isEmpty || count == 0 ? [] : [RankedLine(rank, .marks(marks, start: start, end: end, count: count))]
    }
}

/// A panel line with its importance (1 = keep first) for panels too short for all of them.
struct RankedLine {
    var line: PanelLine
    var rank: Int
    init(_ rank: Int, _ line: PanelLine) { self.rank = rank; self.line = line }

    /// The `height` most important lines, in display order.
    static func pick(_ lines: [RankedLine], height: Int) -> [PanelLine] {
        guard height < lines.count else { return lines.map(\.line) }
        let keep = Set(lines.indices.sorted { (lines[$0].rank, $0) < (lines[$1].rank, $1) }.prefix(max(0, height)))
        return lines.indices.filter { keep.contains($0) }.map { lines[$0].line }
    }
}

/// Values shifted so a sparkline spans their own range rather than starting at 0 (coverage
/// moving between 72% and 75% would otherwise be a row of full bars).
func relativeToRange(_ values: [Double]) -> [Double] {
    let finite = values.filter(\.isFinite)
    guard let lo = finite.min(), let hi = finite.max(), hi > lo else { return values }
    let base = lo - (hi - lo) / 8
    return values.map { $0 - base }
}

/// The content of the six metric panels. Each line has a rank, so a short panel keeps the
/// headline and the key secondary figures (see `RankedLine.pick`).
enum MetricPanels {
    static func lines(_ id: PanelID, _ f: DashboardFigures, _ state: AppState, _ ctx: ViewContext) -> [RankedLine] {
        switch id {
        case .builds: return builds(f, state, ctx)
        case .deployments: return deployments(f, state, ctx)
        case .outages: return outages(f, state, ctx)
        case .pages: return pages(f, state, ctx)
        case .response: return response(f, state, ctx)
        case .quality: return quality(f, state, ctx)
        case .incidents: return []
        }
    }

    private static let noDataPrefix = "no data: "

    private static func noData(_ why: String, _ ctx: ViewContext) -> [RankedLine] {
        [RankedLine(1, .text([ctx.span(noDataPrefix + why, .textDim)]))]
    }

    /// Whether `line` is a "no data: …" line, which a failing query's own line above it already
    /// explains (and would contradict: "no CI source configured" under "builds query failed").
    static func isNoData(_ line: RankedLine) -> Bool {
        if case .text(let spans) = line.line, spans.count == 1, spans[0].text.hasPrefix(noDataPrefix) { return true }
        return false
    }

    private static func sp(_ s: String) -> Span { Span(s) }

    /// Why a kind of data is missing: a failing source says so, a silent one is still being
    /// waited for, and only with neither is it a matter of configuration.
    static func missing(_ state: AppState, _ kind: DataKind, _ name: String) -> String { noDataReason(state, kind, name) }

    static func builds(_ f: DashboardFigures, _ state: AppState, _ ctx: ViewContext) -> [RankedLine] {
        guard f.has.builds else { return noData(missing(state, .builds, "CI"), ctx) }
        let (b, prev) = f.builds
        if b.finished == 0 && prev.finished == 0 {
            return noData("no CI runs finished in \(state.window.rawValue)", ctx)
        }
        var out: [RankedLine] = [
            RankedLine(1, .text([ctx.span(Formatting.perDay(b.perDay), .value), sp(" runs ")]
                                + Trend.of(b.perDay, prev.perDay, upIsGood: true, ctx))),
            RankedLine(2, .spark(b.buckets.map(Double.init))),
            RankedLine(2, .text([ctx.span("ok ", .label), ctx.span(Formatting.percent(b.successRate), .text), sp(" ")]
                                + Trend.of(b.successRate, prev.successRate, upIsGood: true, measure: .points, ctx)
                                + [ctx.span(" med ", .label), ctx.span(Formatting.age(b.duration.median), .text)])),
            RankedLine(4, .text([ctx.span("p90 ", .label), ctx.span(Formatting.age(b.duration.p90), .text), sp(" ")]
                                + Trend.of(b.duration.p90, prev.duration.p90, upIsGood: false, ctx)
                                + [ctx.span("  finished ", .label), ctx.span("\(b.finished)", .text)])),
        ]
        if !b.byPipeline.isEmpty {
            var line: [Span] = [ctx.span("by pipeline ", .label)]
            for (i, p) in b.byPipeline.prefix(4).enumerated() {
                if i > 0 { line.append(ctx.span(" \(ctx.glyphs.dot) ", .textDim)) }
                line += [ctx.span(p.name, .text), ctx.span(" \(p.count)", .label)]
            }
            out.append(RankedLine(5, .text(line)))
        }
        return out
    }

    static func deployments(_ f: DashboardFigures, _ state: AppState, _ ctx: ViewContext) -> [RankedLine] {
        guard f.has.deploys else { return noData(missing(state, .deployments, "deployment"), ctx) }
        let (d, prev) = f.deploys
        if d.total == 0 && prev.total == 0 {
            return noData("no production deploys in \(state.window.rawValue)", ctx)
        }
        // The frequency's DORA 2024 cluster (the 2025 report dropped tiers; four-keys' 90 days).
        let cluster: [Span] = f.tier == .none ? []
            : [ctx.span(" DORA ", .label), ctx.span(f.tier.performance.lowercased(), .text)]
        var recovery: [Span] = [ctx.span("recovery ", .label)]
        if d.recovery.count == 0 && d.unrecovered == 0 {
            recovery.append(ctx.span("no failed deploys", .textDim))
        } else {
            // The median first, as MTTR's line; failed deployments not yet recovered are open,
            // with the oldest one's age.
            recovery += [ctx.span(Formatting.age(d.recovery.median), .text),
                         ctx.span(" p90 ", .label), ctx.span(Formatting.age(d.recovery.p90), .text)]
            if d.unrecovered > 0 {
                recovery += [ctx.span(" open \(d.unrecovered) ", .trendBad),
                             ctx.span(Formatting.age(seconds: d.oldestUnrecovered ?? .nan), .trendBad)]
            }
        }
        let lead: [Span] = d.leadTime == nil
            ? [ctx.span("lead time ", .label), ctx.span("unknown: no commit times from the sources", .textDim)]
            : [ctx.span("lead time ", .label), ctx.span(Formatting.age(d.leadTime), .text)]
        return [
            RankedLine(1, .text([ctx.span(Formatting.perDay(d.perDay), .value), sp(" ")]
                                + Trend.of(d.perDay, prev.perDay, upIsGood: true, ctx) + cluster)),
            RankedLine(4, .spark(d.buckets.map(Double.init))),
            RankedLine(2, .text([ctx.span("CFR ", .label), ctx.span(Formatting.percent(d.changeFailureRate), .text), sp(" ")]
                                + Trend.of(d.changeFailureRate, prev.changeFailureRate, upIsGood: false,
                                           measure: .points, ctx)
                                + [ctx.span(" \(d.failed)/\(d.total)", .label)])),
            RankedLine(3, .text([ctx.span("rollbacks ", .label),
                                 ctx.span("\(d.rollbacks)", d.rollbacks > 0 ? .trendBad : .text), sp(" ")]
                                + Trend.of(Double(d.rollbacks), Double(prev.rollbacks), upIsGood: false, ctx))),
            RankedLine(5, .text([ctx.span("rework ", .label), ctx.span(Formatting.percent(d.reworkRate ?? .nan), .text), sp(" ")]
                                + Trend.of(d.reworkRate, prev.reworkRate, upIsGood: false, measure: .points, ctx)
                                + [ctx.span(" \(d.reworked)/\(d.total)", .label)])),
            RankedLine(6, .text(recovery)),
            RankedLine(7, .text(lead)),
        ]
    }

    static func outages(_ f: DashboardFigures, _ state: AppState, _ ctx: ViewContext) -> [RankedLine] {
        guard f.has.incidents else { return noData(missing(state, .incidents, "incident"), ctx) }
        let (o, prev) = f.outages
        var head: [Span]
        if let first = o.ongoing.first {
            head = [ctx.span("\(ctx.glyphs.severityCritical) \(first.service) down \(coarseAge(since: state.now.addingTimeInterval(-first.running), now: state.now))",
                             .severityCritical)]
            if o.ongoingCount > 1 { head.append(ctx.span(" +\(o.ongoingCount - 1)", .severityCritical)) }
        } else {
            head = [ctx.span("\(ctx.glyphs.check) no outage now", .statusResolved)]
        }
        var out: [RankedLine] = [
            RankedLine(1, .text(head)),
            RankedLine(2, .text([ctx.span("\(o.count)", .value), sp(" in \(state.window.rawValue) ")]
                                + Trend.of(Double(o.count), Double(prev.count), upIsGood: false, ctx)
                                + [ctx.span(" down ", .label), ctx.span(Formatting.age(seconds: o.minutes * 60), .text), sp(" ")]
                                + Trend.of(o.minutes, prev.minutes, upIsGood: false, ctx))),
            RankedLine(3, .spark(o.buckets.map(Double.init))),
        ] + DeployMarks.line(f.outageDeployMarks, start: f.window.start, end: f.window.end, count: o.buckets.count, rank: 3)
        for g in o.ongoing.prefix(5) {
            out.append(RankedLine(4, .text([ctx.span("\(ctx.glyphs.bullet) \(g.service) ", .severityCritical),
                                            ctx.span(coarseAge(since: state.now.addingTimeInterval(-g.running), now: state.now) + " ", .text), ctx.span(g.title, .textDim)])))
        }
        return out
    }

    static func pages(_ f: DashboardFigures, _ state: AppState, _ ctx: ViewContext) -> [RankedLine] {
        guard f.has.incidents else { return noData(missing(state, .incidents, "incident"), ctx) }
        let (p, prev) = f.pages
        var out: [RankedLine] = [
            RankedLine(1, .text([ctx.span(Formatting.perDay(p.perDay), .value), sp(" ")]
                                + Trend.of(p.perDay, prev.perDay, upIsGood: false, ctx)
                                + [ctx.span(" \(p.offHours)", .text), ctx.span(" off-hrs", .label)])),
            RankedLine(3, .spark(p.buckets.map(Double.init))),
        ]
        if p.byService.isEmpty {
            out.append(RankedLine(2, .text([ctx.span("no pages in \(state.window.rawValue)", .textDim)])))
        } else {
            var noisy: [Span] = [ctx.span("noisiest ", .label)]
            for (i, s) in p.byService.prefix(3).enumerated() {
                if i > 0 { noisy.append(ctx.span(" \(ctx.glyphs.dot) ", .textDim)) }
                noisy += [ctx.span(s.name, .text), ctx.span(" \(s.count)", .label)]
            }
            out.append(RankedLine(2, .text(noisy)))
        }
        out.append(RankedLine(4, .text([ctx.span("pages ", .label), ctx.span("\(p.count)", .text),
                                        ctx.span(" off-hours ", .label), ctx.span("\(p.offHours)", .text), sp(" ")]
                                       + Trend.of(Double(p.offHours), Double(prev.offHours), upIsGood: false, ctx))))
        let top = max(1, p.byService.first?.count ?? 1)
        for s in p.byService.prefix(6) {
            let bar = String(repeating: ctx.glyphs.sparkline.last ?? "#", count: max(1, s.count * 8 / top))
            out.append(RankedLine(5, .text([ctx.span(s.name.padding(toLength: 14, withPad: " ", startingAt: 0), .text),
                                            ctx.span(bar, .sparkline), ctx.span(" \(s.count)", .label)])))
        }
        return out
    }

    static func response(_ f: DashboardFigures, _ state: AppState, _ ctx: ViewContext) -> [RankedLine] {
        guard f.has.incidents else { return noData(missing(state, .incidents, "incident"), ctx) }
        let (r, rp) = f.mttr, (a, ap) = f.mtta
        return [
            RankedLine(1, .text([ctx.span("MTTR ", .label), ctx.span(Formatting.age(r.mean), .value), sp(" ")]
                                + Trend.of(r.mean, rp.mean, upIsGood: false, ctx)
                                + [ctx.span(" n=\(r.count)", .label)])),
            RankedLine(3, .text([ctx.span("  med ", .label), ctx.span(Formatting.age(r.median), .text),
                                 ctx.span(" p90 ", .label), ctx.span(Formatting.age(r.p90), .text), sp(" ")]
                                + Trend.of(r.p90, rp.p90, upIsGood: false, ctx))),
            RankedLine(2, .text([ctx.span("MTTA ", .label), ctx.span(Formatting.age(a.mean), .value), sp(" ")]
                                + Trend.of(a.mean, ap.mean, upIsGood: false, ctx)
                                + [ctx.span(" n=\(a.count)", .label)])),
            RankedLine(4, .text([ctx.span("  med ", .label), ctx.span(Formatting.age(a.median), .text),
                                 ctx.span(" p90 ", .label), ctx.span(Formatting.age(a.p90), .text), sp(" ")]
                                + Trend.of(a.p90, ap.p90, upIsGood: false, ctx))),
            RankedLine(5, .text([ctx.span("before: MTTR ", .label), ctx.span(Formatting.age(rp.mean), .textDim),
                                 ctx.span(" MTTA ", .label), ctx.span(Formatting.age(ap.mean), .textDim)])),
        ]
    }

    static func quality(_ f: DashboardFigures, _ state: AppState, _ ctx: ViewContext) -> [RankedLine] {
        guard f.has.series else { return noData(missing(state, .series, "metrics"), ctx) }
        var out: [RankedLine] = [
            RankedLine(1, .text([ctx.span("coverage ", .label),
                                 ctx.span(f.coverage.now.map { Formatting.oneDecimal($0) + "%" } ?? "-", .value), sp(" ")]
                                + Trend.of(f.coverage.now.map { $0 / 100 }, f.coverage.before.map { $0 / 100 },
                                           upIsGood: true, measure: .points, ctx))),
        ]
        if !f.coverage.values.isEmpty { out.append(RankedLine(3, .spark(relativeToRange(f.coverage.values)))) }
        if let worst = f.services.filter({ $0.p99 != nil }).max(by: { ($0.p99 ?? 0) < ($1.p99 ?? 0) }) {
            out.append(RankedLine(2, .text([ctx.span("slowest ", .label), ctx.span(worst.service, .text),
                                            ctx.span(" p99 ", .label),
                                            ctx.span(Formatting.latency(worst.p99), (worst.p99 ?? 0) > 1 ? .trendBad : .text),
                                            sp(" ")]
                                           + Trend.of(worst.p99, worst.p99Before, upIsGood: false, ctx))))
            if let line = worst.p99Line, line.values.count > 1 {
                out.append(RankedLine(3, .spark(relativeToRange(line.values))))
                out += DeployMarks.line(f.serviceDeployMarks[worst.service] ?? [], start: line.start,
                                        end: line.end, count: line.values.count, rank: 3)
            }
        }
        if let failing = f.services.filter({ ($0.errorRate ?? 0) > 0 && $0.errorLine != nil })
            .max(by: { ($0.errorRate ?? 0) < ($1.errorRate ?? 0) }), let line = failing.errorLine, line.values.count > 1 {
            out.append(RankedLine(4, .text([ctx.span("errors ", .label), ctx.span(failing.service, .text), sp(" "),
                                            ctx.span(Formatting.percent(failing.errorRate), (failing.errorRate ?? 0) > 0.01
                                                     ? .trendBad : .text)])))
            out.append(RankedLine(4, .spark(line.values)))
            out += DeployMarks.line(f.serviceDeployMarks[failing.service] ?? [], start: line.start,
                                    end: line.end, count: line.values.count, rank: 4)
        }
        if f.services.isEmpty {
            out.append(RankedLine(3, .text([ctx.span("no latency series", .textDim)])))
            return out
        }
        out.append(RankedLine(4, .text([ctx.span("service".padding(toLength: 13, withPad: " ", startingAt: 0)
                                                 + "   p50    p99    err", .label)])))
        for s in f.services {
            let err = s.errorRate ?? 0
            out.append(RankedLine(5, .text([
                ctx.span(s.service.padding(toLength: 13, withPad: " ", startingAt: 0), .text),
                ctx.span(Formatting.latency(s.p50).leftPad(6), .text),
                ctx.span(Formatting.latency(s.p99).leftPad(7), (s.p99 ?? 0) > 1 ? .trendBad : .text),
                sp(" "),
                ctx.span(Formatting.percent(s.errorRate).leftPad(6), err > 0.01 ? .trendBad : .text)])))
        }
        return out
    }
}

extension String {
    /// Right-aligns in `n` columns.
    func leftPad(_ n: Int) -> String {
        let w = GlyphWidth.of(self)
        return w >= n ? self : String(repeating: " ", count: n - w) + self
    }
}
