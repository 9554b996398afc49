import Foundation

/// How the incident table is ordered (`o` cycles through them).
public enum IncidentSort: String, Sendable, Hashable, CaseIterable {
    /// Most severe first, then oldest first (the default: what needs someone most).
    case severity
    /// Newest first (what just came in).
    case age
    /// By service name, then most severe first.
    case service
    /// Unacknowledged first, then most severe.
    case status

    /// The next key in the cycle.
    public var next: IncidentSort {
        let all = Self.allCases
        return all[(all.firstIndex(of: self)! + 1) % all.count]
    }

    /// How the flash and help name it: "severity", "newest first".
    public var label: String {
        switch self {
        case .severity: return "severity"
        case .age: return "newest first"
        case .service: return "service"
        case .status: return "unacknowledged first"
        }
    }
}

/// What the incident table shows of the open incidents: the filter typed after `/`, "mine" and
/// the sort key. Never a figure: pages, MTTA and the unacknowledged count are over everything.
public struct IncidentQuery: Sendable, Hashable {
    /// The filter as typed: words, each of which must appear (in any case) in the service, title,
    /// labels, assignee, id or source of an incident.
    public var text = ""
    /// Only incidents assigned to me, acknowledged by me, or on an escalation policy I am on.
    public var mine = false
    /// The order.
    public var sort: IncidentSort = .severity

    /// Creates a query.
    public init(text: String = "", mine: Bool = false, sort: IncidentSort = .severity) {
        self.text = text; self.mine = mine; self.sort = sort
    }

    /// The filter's words, lower-cased; several are ANDed.
    public var words: [String] {
        text.lowercased().split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
    }

    /// True when some incidents may be left out.
    public var narrows: Bool { mine || !words.isEmpty }

    /// Everything the filter looks in, lower-cased, in one string: built once per revision of the
    /// data, so typing a letter searches strings rather than building them.
    public static func haystack(_ i: Incident) -> String {
        var s = i.id + "\u{1}" + i.service + "\u{1}" + i.title + "\u{1}" + i.source
        for l in i.labels { s += "\u{1}" + l.key + "=" + l.value }
        if let who = i.acknowledgedBy { s += "\u{1}" + who }
        for m in i.merged { s += "\u{1}" + m.id + "\u{1}" + m.source }
        return s.lowercased()
    }

    /// Whether an incident's haystack holds every word.
    public static func matches(_ haystack: String, _ words: [String]) -> Bool {
        words.allSatisfy { haystack.contains($0) }
    }
}

/// Who "me" is for `m`: the names the engineer goes by (Vigil's user, and the names the sources
/// give the person they act as) and the escalation policies they are on now.
public struct Me: Sendable, Hashable {
    /// Lower-cased names.
    public var names: Set<String>
    /// Escalation policies with a shift of mine covering now.
    public var policies: Set<String>

    /// Creates it.
    public init(names: Set<String>, policies: Set<String>) { self.names = names; self.policies = policies }

    /// Whether an incident is mine: assigned to me, acknowledged by me, or on a policy I am on.
    public func owns(_ i: Incident) -> Bool {
        if let who = i.acknowledgedBy, names.contains(who.lowercased()) { return true }
        for label in i.labels {
            switch label.key {
            case "assignee":
                if label.value.split(separator: ",").contains(where: {
                    names.contains($0.trimmingCharacters(in: .whitespaces).lowercased())
                }) { return true }
            case "escalation_policy":
                if policies.contains(label.value) { return true }
            default:
                break
            }
        }
        return i.merged.contains { owns($0) }
    }
}

extension AppState {
    /// Me, as the sources and the config say at `now`.
    public var me: Me {
        let shifts = sourceOrder.flatMap { sources[$0]?.snapshot?.onCall ?? [] }.filter(\.isMe)
        var names: Set<String> = [user.lowercased()]
        for s in shifts { names.insert(s.person.lowercased()) }
        return Me(names: names, policies: Set(shifts.filter { $0.covers(now) }.map(\.policy)))
    }

    /// The incident table's rows: the open incidents the query keeps, in its order. Computed once
    /// per revision of the data and query; with no filter in the default order it is
    /// `openIncidents` itself.
    public var visibleIncidents: IncidentRows {
        let open = openIncidents
        guard query.narrows || query.sort != .severity else { return open }
        let me = query.mine ? self.me : nil
        let words = query.words
        return Memo.shared.value(Memo.Key(revision: revision, name: "visible" + queryKey(me))) {
            let haystacks: [String] = words.isEmpty ? [] : Memo.shared.value(Memo.Key(revision: revision, name: "haystacks")) {
                open.map(IncidentQuery.haystack)
            }
            var rows: [Int] = []
            for p in open.indices {
                if let me, !me.owns(open[p]) { continue }
                if !words.isEmpty, !IncidentQuery.matches(haystacks[p], words) { continue }
                rows.append(p)
            }
            // `open` is most severe, then oldest, first: a stable sort on one more key keeps that
            // order within it.
            switch query.sort {
            case .severity:
                break
            case .age:
                rows.sort { a, b in
                    let x = open[a].triggeredAt, y = open[b].triggeredAt
                    return x != y ? x > y : a < b
                }
            case .service:
                rows.sort { a, b in
                    let x = open[a].service, y = open[b].service
                    return x != y ? x < y : a < b
                }
            case .status:
                rows.sort { a, b in
                    let x = open[a].status == .triggered ? 0 : 1, y = open[b].status == .triggered ? 0 : 1
                    return x != y ? x < y : a < b
                }
            }
            return open.picking(rows)
        }
    }

    /// The row of the incident with an id in `visibleIncidents`, if it is shown (looked for once
    /// per revision, query and id).
    public func visibleRow(of id: String) -> Int? {
        guard query.narrows || query.sort != .severity else { return openRow(of: id) }
        let rows = visibleIncidents
        let row = Memo.shared.value(Memo.Key(revision: revision, name: "visibleRow\u{1}" + id + queryKey(query.mine ? me : nil))) {
            rows.firstRow(withID: id) ?? -1
        }
        return row < 0 ? nil : row
    }

    /// What the query's derived values are cached by, beside the revision (who "me" is can change
    /// with the clock: a shift starts).
    private func queryKey(_ me: Me?) -> String {
        "\u{1}\(query.sort.rawValue)\u{1}\(query.words.joined(separator: " "))\u{1}"
            + (me.map { $0.names.sorted().joined(separator: ",") + "|" + $0.policies.sorted().joined(separator: ",") } ?? "-")
    }
}
