import Foundation

/// One problem, one row: alerts that paged through a pager (Alertmanager groups routed to
/// PagerDuty) are shown inside the page they opened instead of beside it.
///
/// The match is exact or nothing (DECISIONS.md, 2026-12-05): an alert merges into an incident of
/// another source only when one of the alert's `pagedAs` keys equals the incident's `dedupKey`.
/// For Alertmanager the key is the one its PagerDuty receiver sends (the SHA-256 of the group
/// key), so a wrong computation can only miss a merge, never make a wrong one. Time decides
/// between the pages one key opened over the months (a group that fires again opens a new
/// incident under the same key):
/// - an open alert merges only into an open page (a firing alert is never hidden inside an
///   incident someone resolved);
/// - a resolved alert merges into the page whose life overlaps its own (within `slack`, the
///   longest wait a route may hold a group before it pages), the latest such.
///
/// The merged row keeps the page's identity, status and times (actions go to the pager), takes
/// the worst severity of the page and its alerts, and lists the alerts in `Incident.merged`; the alerts no longer count on their own in pages,
/// outages or MTTR.
public enum PageMerge {
    /// How far apart a page and an alert's life may be and still overlap.
    public static let slack: TimeInterval = 15 * 60

    /// True when some incident is a page with a dedup key and some incident of another source
    /// was paged under one: only then is there anything to merge.
    public static func applies(to lists: [[Incident]]) -> Bool {
        var pagerSources = Set<SourceID>(), alertSources = Set<SourceID>()
        for incidents in lists {
            incidents.withUnsafeBufferPointer { list in
                for i in list {
                    if i.dedupKey != nil { pagerSources.insert(i.source) }
                    if !i.pagedAs.isEmpty { alertSources.insert(i.source) }
                }
            }
        }
        // Some pair of different sources: not both the same single source.
        guard !pagerSources.isEmpty, !alertSources.isEmpty else { return false }
        return !(pagerSources.count == 1 && pagerSources == alertSources)
    }

    /// The list with each merged alert moved inside its page, in the original order otherwise.
    public static func merged(_ incidents: [Incident]) -> [Incident] {
        guard applies(to: [incidents]) else { return incidents }
        var pages: [String: [Int]] = [:]
        for (p, i) in incidents.enumerated() {
            if let key = i.dedupKey { pages[key, default: []].append(p) }
        }
        var into: [Int: [Int]] = [:]
        var hidden = Set<Int>()
        for (p, alert) in incidents.enumerated() where !alert.pagedAs.isEmpty {
            var targets: [Int] = []
            for key in alert.pagedAs {
                guard let candidates = pages[key],
                      let t = page(for: alert, among: candidates.filter { incidents[$0].source != alert.source }, incidents),
                      !targets.contains(t) else { continue }
                targets.append(t)
            }
            guard !targets.isEmpty else { continue }
            hidden.insert(p)
            for t in targets { into[t, default: []].append(p) }
        }
        guard !hidden.isEmpty else { return incidents }
        var out: [Incident] = []
        out.reserveCapacity(incidents.count - hidden.count)
        for (p, i) in incidents.enumerated() where !hidden.contains(p) {
            guard let members = into[p] else { out.append(i); continue }
            var row = i
            row.merged = members.map { incidents[$0] }
            // As bad as its worst alert: PagerDuty's urgency is coarser than the alert's severity.
            row.severity = min(row.severity, row.merged.map(\.severity).min() ?? row.severity)
            out.append(row)
        }
        return out
    }

    /// Which of the pages opened under one key an alert belongs to, or nil.
    static func page(for alert: Incident, among candidates: [Int], _ incidents: [Incident]) -> Int? {
        if alert.isOpen {
            return candidates.filter { incidents[$0].isOpen }.max { incidents[$0].triggeredAt < incidents[$1].triggeredAt }
        }
        let start = alert.triggeredAt.addingTimeInterval(-slack)
        let end = (alert.resolvedAt ?? alert.triggeredAt).addingTimeInterval(slack)
        return candidates.filter { c in
            let page = incidents[c]
            return page.triggeredAt <= end && (page.resolvedAt ?? .distantFuture) >= start
        }.max { incidents[$0].triggeredAt < incidents[$1].triggeredAt }
    }
}
