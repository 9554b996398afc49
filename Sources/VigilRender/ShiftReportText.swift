import Foundation
import VigilCore

/// `vigil report`'s Markdown and plain-text forms of a `ShiftReport`. Pure. Durations and changes
/// are written as the dashboard writes them (`Formatting.age`, `Trend.change`); clock times are
/// in the report's time zone, without locale ("26 Nov 09:14").
public enum ShiftReportText {
    // MARK: Markdown

    /// Markdown that pastes cleanly into chat and tickets: headings, bullets, short lines, and
    /// every text that comes from a source escaped (`|`, `*`, `_`, backticks, brackets…).
    public static func markdown(_ r: ShiftReport) -> String {
        let c = Clock(r.timeZone)
        let prev = "previous \(r.window.label)"
        var out: [String] = []
        out.append("## Shift report: \(escape(r.title))")
        out.append("\(r.window.label) to \(c.dayTime(r.window.end)) \(escape(r.timeZone)), since \(c.dayTime(r.window.start))")
        for s in r.failedSources {
            out.append("")
            out.append("> **\(escape(s.id))**: \(escape(s.problem ?? "no answer")) — figures without it")
        }

        out.append("")
        out.append("### Open incidents (\(r.openIncidents.count))")
        if r.openIncidents.isEmpty { out.append("- none") }
        for i in r.openIncidents {
            out.append("- **\(i.severity)** \(escape(i.service)): \(escape(i.title))")
            out.append("  `\(code(i.id))` \(escape(i.source)), \(i.paged ? "paged" : "not paged"), "
                       + "since \(c.dayTime(i.triggeredAt)) (\(age(i, r)))")
            out.append("  " + escape(acknowledgement(i, c)))
            if i.mergedCount > 0 { out.append("  + \(i.mergedCount) merged alert\(i.mergedCount == 1 ? "" : "s")") }
            for n in i.notes { out.append("  - \(c.dayTime(n.at)): \(escape(oneLine(n.text)))") }
            for a in i.vigilActions { out.append("  - \(c.dayTime(a.at)): \(escape(a.action)) by \(escape(a.by)) in Vigil") }
        }

        out.append("")
        out.append("### Pages")
        out.append("- \(pagesLine(r.pages)); \(prev): \(r.pages.previousCount), \(r.pages.previousOffHours) off-hours")
        if !r.pages.byService.isEmpty {
            out.append("- by service: " + r.pages.byService.map { "\(escape($0.name)) \($0.count)" }.joined(separator: ", "))
        }
        if r.pages.days.count > 1 {
            out.append("- per day: " + r.pages.days.map { "\(c.day($0.start)) \($0.count)" }.joined(separator: ", "))
        }

        out.append("")
        out.append("### Outages")
        out.append("- \(outagesLine(r.outages)); \(prev): \(r.outages.previousCount), "
                   + "\(Formatting.age(seconds: r.outages.previousMinutes * 60)) down")
        for o in r.outages.list {
            out.append("- \(escape(o.service)): \(span(o, c)), \(Formatting.age(seconds: o.minutes * 60)) — \(escape(o.title))")
        }

        out.append("")
        out.append("### Response")
        out.append("- MTTA \(durationLine(r.mtta))")
        out.append("- MTTR \(durationLine(r.mttr))")

        out.append("")
        out.append("### Delivery")
        out.append("- deployments: \(deploymentsLine(r.deployments)); \(prev): \(r.deployments.previousCount), "
                   + "CFR \(percent(r.deployments.previousChangeFailureRate))")
        for f in r.deployments.failures {
            out.append("  - failed: \(escape(f.service)) at \(c.dayTime(f.at))\(f.rollback ? " (a rollback)" : "")")
        }
        out.append("- builds: \(buildsLine(r.builds)); \(prev): \(r.builds.previousCount), \(r.builds.previousFailed) failed")
        return out.joined(separator: "\n") + "\n"
    }

    /// Escapes what Markdown (GitHub, Slack, Teams) would read as formatting, a link, HTML or a
    /// table cell, and folds line breaks: a source's text shows as written. (`#` and `>` matter
    /// only at the start of a line, where no source text is put.)
    public static func escape(_ text: String) -> String {
        var out = ""
        for ch in oneLine(text) {
            if "\\`*_[]<|~".contains(ch) { out.append("\\") }
            out.append(ch)
        }
        return out
    }

    /// Text inside a code span: backticks cannot be escaped there, so they become quotes.
    static func code(_ text: String) -> String { oneLine(text).replacingOccurrences(of: "`", with: "'") }

    // MARK: Plain text

    /// Plain aligned text for a terminal or a ticket: no escape sequences, no Markdown.
    public static func text(_ r: ShiftReport) -> String {
        let c = Clock(r.timeZone)
        let prev = "previous \(r.window.label)"
        var out: [String] = []
        func row(_ label: String, _ value: String) { out.append(pad(label, 13) + value) }
        row("SHIFT REPORT", oneLine(r.title))
        row("Window", "\(r.window.label) to \(c.dayTime(r.window.end)) \(r.timeZone), since \(c.dayTime(r.window.start))")
        for s in r.failedSources { row("UNAVAILABLE", "\(oneLine(s.id)): \(oneLine(s.problem ?? "no answer")) — figures without it") }

        out.append("")
        out.append("OPEN INCIDENTS (\(r.openIncidents.count))")
        if r.openIncidents.isEmpty { out.append("  none") }
        let idWidth = r.openIncidents.map { oneLine($0.id).count }.max() ?? 0
        let serviceWidth = min(20, r.openIncidents.map { oneLine($0.service).count }.max() ?? 0)
        for i in r.openIncidents {
            let state = i.status == IncidentStatus.acknowledged.rawValue ? "ACK " : "TRIG"
            out.append("  \(i.severity)  \(state)  \(pad(age(i, r), 6))  "
                       + "\(pad(oneLine(i.id), idWidth))  \(pad(oneLine(i.service), serviceWidth))  \(oneLine(i.title))")
            let indent = String(repeating: " ", count: 8)
            out.append(indent + acknowledgement(i, c) + " · since \(c.dayTime(i.triggeredAt)) · \(oneLine(i.source))"
                       + (i.mergedCount > 0 ? " · +\(i.mergedCount) merged" : ""))
            for n in i.notes { out.append(indent + "\(c.dayTime(n.at))  \(oneLine(n.text))") }
            for a in i.vigilActions { out.append(indent + "\(c.dayTime(a.at))  \(oneLine(a.action)) by \(oneLine(a.by)) in Vigil") }
        }

        out.append("")
        row("PAGES", "\(pagesLine(r.pages))  (\(prev): \(r.pages.previousCount), \(r.pages.previousOffHours) off-hours)")
        if !r.pages.byService.isEmpty {
            row("  by service", r.pages.byService.map { "\(oneLine($0.name)) \($0.count)" }.joined(separator: ", "))
        }
        if r.pages.days.count > 1 {
            row("  per day", r.pages.days.map { "\(c.day($0.start)) \($0.count)" }.joined(separator: ", "))
        }
        row("OUTAGES", "\(outagesLine(r.outages))  (\(prev): \(r.outages.previousCount), "
            + "\(Formatting.age(seconds: r.outages.previousMinutes * 60)) down)")
        for o in r.outages.list {
            row("  " + oneLine(o.service), "\(span(o, c))  \(Formatting.age(seconds: o.minutes * 60))  \(oneLine(o.title))")
        }
        row("MTTA", durationLine(r.mtta))
        row("MTTR", durationLine(r.mttr))
        row("DEPLOYMENTS", "\(deploymentsLine(r.deployments))  (\(prev): \(r.deployments.previousCount), "
            + "CFR \(percent(r.deployments.previousChangeFailureRate)))")
        for f in r.deployments.failures {
            row("  failed", "\(oneLine(f.service)) at \(c.dayTime(f.at))\(f.rollback ? " (a rollback)" : "")")
        }
        row("BUILDS", "\(buildsLine(r.builds))  (\(prev): \(r.builds.previousCount), \(r.builds.previousFailed) failed)")
        return out.map { $0.trimmingTrailingSpaces }.joined(separator: "\n") + "\n"
    }

    // MARK: Shared phrases

    static func acknowledgement(_ i: ShiftReport.OpenIncident, _ c: Clock) -> String {
        guard let by = i.acknowledgedBy ?? (i.status == IncidentStatus.acknowledged.rawValue ? "someone" : nil) else {
            return "not acknowledged"
        }
        return "acknowledged by \(oneLine(by))" + (i.acknowledgedAt.map { " at \(c.dayTime($0))" } ?? "")
    }

    /// An incident's age as the dashboard's table shows it (whole minutes, "<1m").
    static func age(_ i: ShiftReport.OpenIncident, _ r: ShiftReport) -> String {
        coarseAge(since: i.triggeredAt, now: r.window.end)
    }

    static func pagesLine(_ p: ShiftReport.Pages) -> String {
        "\(p.count) page\(p.count == 1 ? "" : "s"), \(p.offHours) off-hours, \(Formatting.perDay(p.perDay))"
    }

    static func outagesLine(_ o: ShiftReport.Outages) -> String {
        "\(o.count) started, \(Formatting.age(seconds: o.minutes * 60)) down, \(o.ongoing) ongoing"
    }

    static func deploymentsLine(_ d: ShiftReport.Deployments) -> String {
        "\(d.count), \(d.failed) failed, \(d.rollbacks) rollback\(d.rollbacks == 1 ? "" : "s"), "
            + "CFR \(percent(d.changeFailureRate))"
    }

    static func buildsLine(_ b: ShiftReport.Builds) -> String {
        "\(b.count) finished, \(b.failed) failed, success \(percent(b.successRate))"
    }

    /// "4m (median 3m, n=5); previous 6m, -33%": the mean first, as the dashboard's panel.
    static func durationLine(_ f: ShiftReport.Comparison) -> String {
        func age(_ s: Double?) -> String { s.map { Formatting.age(seconds: $0) } ?? "-" }
        var line = "\(age(f.current.meanSeconds)) (median \(age(f.current.medianSeconds)), n=\(f.current.count)); "
            + "previous \(age(f.previous.meanSeconds))"
        if let now = f.current.meanSeconds, let change = Trend.change(current: now, previous: f.previous.meanSeconds) {
            switch change.direction {
            case .up: line += ", +\(change.text)"
            case .down: line += ", -\(change.text)"
            case .flat: line += ", same"
            }
        }
        return line
    }

    static func span(_ o: ShiftReport.Outage, _ c: Clock) -> String {
        guard let end = o.end else { return "since \(c.dayTime(o.start)), ongoing" }
        return "\(c.dayTime(o.start)) – \(c.sameDay(o.start, end) ? c.time(end) : c.dayTime(end))"
    }

    static func percent(_ fraction: Double?) -> String { fraction.map(Formatting.percent) ?? "-" }

    /// Line breaks and tabs folded into spaces.
    static func oneLine(_ text: String) -> String {
        String(text.map { $0.isNewline || $0 == "\t" ? " " : $0 })
    }

    static func pad(_ s: String, _ width: Int) -> String {
        s.count >= width ? s : s + String(repeating: " ", count: width - s.count)
    }

    /// Clock times in one time zone, without locale.
    struct Clock {
        let calendar: Calendar
        static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

        init(_ zone: String) {
            var c = Calendar(identifier: .gregorian)
            c.timeZone = TimeZone(identifier: zone) ?? TimeZone(secondsFromGMT: 0) ?? c.timeZone
            calendar = c
        }

        /// "26 Nov".
        func day(_ d: Date) -> String {
            let p = calendar.dateComponents([.day, .month], from: d)
            return "\(p.day ?? 0) \(Self.months[max(0, min(11, (p.month ?? 1) - 1))])"
        }

        /// "09:14".
        func time(_ d: Date) -> String {
            let p = calendar.dateComponents([.hour, .minute], from: d)
            func two(_ n: Int?) -> String { let n = n ?? 0; return n < 10 ? "0\(n)" : "\(n)" }
            return "\(two(p.hour)):\(two(p.minute))"
        }

        /// "26 Nov 09:14".
        func dayTime(_ d: Date) -> String { "\(day(d)) \(time(d))" }

        func sameDay(_ a: Date, _ b: Date) -> Bool { calendar.isDate(a, inSameDayAs: b) }
    }
}

extension String {
    fileprivate var trimmingTrailingSpaces: String {
        var s = Substring(self)
        while s.last == " " { s = s.dropLast() }
        return String(s)
    }
}
