import Foundation

/// How a piece of dialog text should look; the render layer maps tones to theme roles.
public enum Tone: Sendable, Hashable {
    case text, label, heading, key, pending, error, acknowledged, resolved
    case severity(Severity)
}

/// A run of dialog text in one tone.
public struct DialogSegment: Sendable, Hashable {
    /// The text.
    public var text: String
    /// How it looks.
    public var tone: Tone
    /// Creates a segment.
    public init(_ text: String, _ tone: Tone = .text) { self.text = text; self.tone = tone }
}

/// The content of the details and help dialogs, as lines already wrapped to the dialog's width.
/// It lives in the core so the reducer knows how far a dialog can scroll (PgDn never scrolls past
/// the end, so PgUp always answers at once) and the view draws exactly these lines.
public enum DialogContent {
    /// Columns inside a dialog on a screen of `size`: dialogs are at most 104 wide (border and
    /// one space of padding each side), so the width never jumps between incidents.
    public static func width(for size: Size) -> Int { max(8, min(size.width, 104) - 4) }

    /// Lines of a dialog that fit on a screen of `size` (header, footer and border taken).
    public static func visibleLines(for size: Size) -> Int { max(0, size.height - 4) }

    /// The first line a dialog of `count` lines can start at on `size` (the last page ends with
    /// the "↑ N above" line, so one line fewer shows).
    public static func maxScroll(lines count: Int, size: Size) -> Int {
        let visible = visibleLines(for: size)
        guard count > visible else { return 0 }
        return count - max(1, visible - 1)
    }

    /// An incident's details: status, links first (the runbook is what you want at 3 a.m.),
    /// the timeline newest first, then labels. Long values wrap rather than being cut, so a URL
    /// can be copied whole.
    public static func details(_ i: Incident, _ state: AppState) -> [[DialogSegment]] {
        let w = width(for: state.size)
        var lines: [[DialogSegment]] = []
        lines += wrap([DialogSegment("\(i.severity.label) ", .severity(i.severity))], i.title, .text, width: w)
        lines.append([DialogSegment("service ", .label), DialogSegment(i.service),
                      DialogSegment(i.merged.isEmpty ? "  source " : "  sources ", .label),
                      DialogSegment(i.allSources.joined(separator: " + ")),
                      DialogSegment("  status ", .label), DialogSegment(i.status.rawValue)])
        lines.append([DialogSegment("triggered ", .label),
                      DialogSegment("\(clock(i.triggeredAt)) (\(minutesAgo(i.triggeredAt, state.now)) ago)")])
        switch state.actions[i.id] {
        case .pending(.acknowledge, _)?:
            lines.append([DialogSegment("acknowledging, waiting for \(i.source) to confirm", .pending)])
        case .pending(.unacknowledge, _)?:
            lines.append([DialogSegment("taking the acknowledgement back, waiting for \(i.source)", .pending)])
        case .pending(let action, _)?:
            lines.append([DialogSegment("asked to \(action.describe(i.id)), waiting for \(i.source) to confirm", .pending)])
        case .failed(_, let m)?:
            lines += wrap([DialogSegment("failed: ", .error)], m, .error, width: w)
        default:
            break
        }
        if let by = i.acknowledgedBy ?? i.acknowledgedAt.map({ _ in "someone" }) {
            let at = i.acknowledgedAt.map { " at \(clock($0))" } ?? ""
            lines.append([DialogSegment("acknowledged by \(by)\(at)", .acknowledged)])
        }
        if let r = i.resolvedAt { lines.append([DialogSegment("resolved at \(clock(r))", .resolved)]) }
        // "It broke after the 14:05 deploy": what changed on this service in the hour before.
        let before = i.triggeredAt.addingTimeInterval(-3_600)
        let changes = state.deployments.filter { $0.service == i.service && $0.at >= before && $0.at <= i.triggeredAt }
            .sorted { $0.at > $1.at }
        if !changes.isEmpty {
            lines.append([])
            lines.append([DialogSegment("Deployments of \(i.service) in the hour before it started", .heading)])
            for d in changes.prefix(10) {
                let what = d.markedRollback ? "rollback to \(d.version)" : d.version
                let outcome = d.outcome == .success ? "" : (d.outcome == .failure ? ", failed" : ", in progress")
                let ago = minutesAgo(d.at, i.triggeredAt)
                lines += wrap([DialogSegment("  \(clock(d.at)) ", .label)], "\(what) to \(d.environment)\(outcome), \(ago) before",
                              .text, width: w)
            }
        }
        if !i.merged.isEmpty {
            // One problem, one row: the alerts this page is, each with where it stands.
            lines.append([])
            let n = i.merged.count
            lines.append([DialogSegment("The same problem in \(Set(i.merged.map(\.source)).sorted().joined(separator: ", ")): "
                                        + "\(n) alert\(n == 1 ? "" : "s")", .heading)])
            for m in i.merged.prefix(20) {
                let state: String
                switch m.status {
                case .triggered: state = "firing"
                case .acknowledged: state = "acked" + (m.acknowledgedBy.map { " by \($0)" } ?? "")
                case .resolved: state = "resolved"
                }
                lines += wrap([DialogSegment("  \(clock(m.triggeredAt)) ", .label)], "\(m.title) (\(m.service), \(state))",
                              .text, width: w)
            }
            if n > 20 { lines.append([DialogSegment("  and \(n - 20) more", .label)]) }
        }
        if !i.links.isEmpty {
            lines.append([])
            lines.append([DialogSegment("Links", .heading)])
            for l in i.links {
                lines.append([DialogSegment("  \(l.title)", .label)])
                lines += wrap([DialogSegment("    ")], l.url, .text, width: w)
            }
        }
        if !i.timeline.isEmpty {
            lines.append([])
            lines.append([DialogSegment("Timeline, newest first", .heading)])
            for e in i.timeline.reversed() {
                lines += wrap([DialogSegment("  \(clock(e.at)) ", .label)], e.text, .text, width: w)
            }
        }
        if !i.labels.isEmpty {
            lines.append([])
            lines.append([DialogSegment("Labels", .heading)])
            for kv in i.labels { lines += wrap([DialogSegment("  \(kv.key)=", .label)], kv.value, .text, width: w) }
        }
        return lines
    }

    /// Every binding of the key map in force, grouped by where it applies.
    public static func help(_ state: AppState, ascii: Bool) -> [[DialogSegment]] {
        var lines: [[DialogSegment]] = []
        for context in KeyContext.allCases {
            // Read-only: no confirmation can ever be asked, so its section would only confuse.
            if state.readOnly && context == .confirm { continue }
            let bindings = state.keyMap.help(in: context, offered: state.offeredActions)
            guard !bindings.isEmpty else { continue }
            if !lines.isEmpty { lines.append([]) }
            lines.append([DialogSegment(context.rawValue, .heading)])
            for b in bindings {
                let keys = "  " + b.keyLabel(ascii: ascii)
                let padded = keys.count < 18 ? keys + String(repeating: " ", count: 18 - keys.count) : keys + " "
                lines.append([DialogSegment(padded, .key), DialogSegment(b.help)])
            }
        }
        if state.readOnly {
            lines.append([])
            lines.append([DialogSegment("Read-only: nothing can be acknowledged from here.", .label)])
        }
        return lines
    }

    /// `prefix` then `text` wrapped to `width` columns, continuation lines indented under the text.
    static func wrap(_ prefix: [DialogSegment], _ text: String, _ tone: Tone, width: Int) -> [[DialogSegment]] {
        let indent = prefix.reduce(0) { $0 + $1.text.count }
        let room = max(8, width - indent)
        var chunks: [String] = []
        var rest = Substring(text)
        while rest.count > room {
            // Break at the last space within the room when there is one, else hard (URLs).
            let window = rest.prefix(room)
            if let space = window.lastIndex(of: " "), space > window.startIndex {
                chunks.append(String(rest[rest.startIndex..<space]))
                rest = rest[rest.index(after: space)...]
            } else {
                chunks.append(String(window))
                rest = rest.dropFirst(room)
            }
        }
        chunks.append(String(rest))
        return chunks.enumerated().map { n, chunk in
            (n == 0 ? prefix : [DialogSegment(String(repeating: " ", count: min(indent, width - 1)))]) + [DialogSegment(chunk, tone)]
        }
    }

    static func minutesAgo(_ t: Date, _ now: Date) -> String {
        let minutes = Int((now.timeIntervalSince1970 / 60).rounded(.down) - (t.timeIntervalSince1970 / 60).rounded(.down))
        if minutes < 1 { return "<1m" }
        if minutes < 60 { return "\(minutes)m" }
        if minutes < 1_440 { return String(format: "%dh%02dm", minutes / 60, minutes % 60) }
        return "\(minutes / 1_440)d\((minutes % 1_440) / 60)h"
    }
}
