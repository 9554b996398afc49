import Foundation
import Testing
@testable import VigilCore

// One problem, one row: alerts paged through PagerDuty shown inside the incident they opened.

private func page(_ id: String, key: String?, triggered: TimeInterval, acked: TimeInterval? = nil,
                  resolved: TimeInterval? = nil) -> Incident {
    var i = incident(id, severity: .high, triggered: triggered, acked: acked, resolved: resolved, source: "pd")
    i.dedupKey = key
    return i
}

private func alert(_ id: String, keys: [String], triggered: TimeInterval, resolved: TimeInterval? = nil,
                   source: String = "am") -> Incident {
    var i = incident(id, severity: .critical, triggered: triggered, resolved: resolved, source: source)
    i.pagedAs = keys
    return i
}

private func state(_ lists: [SourceID: [Incident]]) -> AppState {
    var s = AppState(now: noon, size: Size(width: 120, height: 40), user: "ben",
                     sources: lists.keys.sorted().map { ($0, 60) })
    for id in lists.keys.sorted() {
        _ = reduce(&s, .sourcePolled(id, PollReport(outcome: .updated(SourceSnapshot(incidents: lists[id]), warnings: []),
                                                     at: noon, duration: 0.01, consecutiveFailures: 0, nextPollAt: nil)))
    }
    return s
}

@Suite struct PageMergeTests {
    @Test func alertsOfAGroupBecomeTheRowOfThePageTheyOpened() throws {
        let s = state([
            "pd": [page("PD-1", key: "k1", triggered: -600), page("PD-2", key: "other", triggered: -500)],
            "am": [alert("AM-a", keys: ["k1"], triggered: -630), alert("AM-b", keys: ["k1"], triggered: -300),
                   alert("AM-c", keys: [], triggered: -200), alert("AM-d", keys: ["nobody"], triggered: -100)],
        ])
        let rows = s.openIncidents
        #expect(rows.map(\.id).sorted() == ["AM-c", "AM-d", "PD-1", "PD-2"])
        let merged = try #require(rows.first { $0.id == "PD-1" })
        #expect(merged.merged.map(\.id) == ["AM-a", "AM-b"])
        #expect(merged.allSources == ["pd", "am"])
        #expect(merged.severity == .critical)
        #expect(rows.first { $0.id == "PD-2" }?.merged.isEmpty == true)
        // The alerts are still incidents of their own source (actions find them).
        #expect(s.incident("AM-b")?.source == "am")
    }

    @Test func anOpenAlertNeverHidesInsideAResolvedPage() {
        // Someone resolved the page while the alert still fires: two rows, the alert visible.
        let s = state([
            "pd": [page("PD-1", key: "k1", triggered: -3_600, resolved: -1_800)],
            "am": [alert("AM-a", keys: ["k1"], triggered: -3_630)],
        ])
        #expect(s.openIncidents.map(\.id) == ["AM-a"])
        #expect(s.incidents.count == 2)
    }

    @Test func theSameKeyOverMonthsMergesEachAlertWithThePageOfItsTime() {
        // A group fires, resolves, and fires again a day later: PagerDuty opened two incidents
        // under one key; each alert goes with the page its life overlaps.
        let merged = PageMerge.merged([
            page("PD-old", key: "k", triggered: -day, resolved: -day + 1_800),
            page("PD-new", key: "k", triggered: -600),
            alert("AM-old", keys: ["k"], triggered: -day - 30, resolved: -day + 1_700),
            alert("AM-new", keys: ["k"], triggered: -630),
            alert("AM-stray", keys: ["k"], triggered: -3 * day, resolved: -3 * day + 60),
        ])
        #expect(merged.first { $0.id == "PD-old" }?.merged.map(\.id) == ["AM-old"])
        #expect(merged.first { $0.id == "PD-new" }?.merged.map(\.id) == ["AM-new"])
        // Resolved long before either page: not merged, not lost.
        #expect(merged.contains { $0.id == "AM-stray" && $0.merged.isEmpty })
    }

    @Test func pagesAndOutagesCountTheProblemOnce() {
        let lists: [SourceID: [Incident]] = [
            "pd": [page("PD-1", key: "k1", triggered: -600)],
            "am": [alert("AM-a", keys: ["k1"], triggered: -630), alert("AM-b", keys: ["k1"], triggered: -620)],
        ]
        let s = state(lists)
        let w = DateInterval(start: noon.addingTimeInterval(-day), end: noon)
        #expect(MetricsIndex.of(s).pages(in: w, bucket: hour).count == 1)
        // Without keys the same incidents are three pages.
        var unkeyed = lists
        unkeyed["am"] = unkeyed["am"]!.map { var i = $0; i.pagedAs = []; return i }
        #expect(MetricsIndex.of(state(unkeyed)).pages(in: w, bucket: hour).count == 3)
    }

    @Test func nothingMergesWithinOneSourceOrWithoutBothSides() {
        // A source's own keys never merge its incidents with each other.
        var selfKeyed = page("PD-1", key: "k", triggered: -60)
        selfKeyed.pagedAs = ["k"]
        #expect(PageMerge.merged([selfKeyed, page("PD-2", key: "k", triggered: -30)]).count == 2)
        #expect(!PageMerge.applies(to: [[alert("AM-a", keys: ["k"], triggered: -1)]]))
        #expect(!PageMerge.applies(to: [[page("PD-1", key: "k", triggered: -1)]]))
    }

    @Test func acknowledgingTheMergedRowAlsoSilencesWhenTheAlertSourceAsks() {
        for asks in [false, true] {
            var s = state([
                "pd": [page("PD-1", key: "k1", triggered: -600)],
                "am": [alert("AM-a", keys: ["k1"], triggered: -630), alert("AM-b", keys: ["k1"], triggered: -620)],
            ])
            s.sources["pd"]?.actions = [.acknowledge, .resolve]
            s.sources["am"]?.actions = [.acknowledge, .unacknowledge]
            s.sources["am"]?.acknowledgesWithPage = asks
            s.selectedIncident = "PD-1"
            _ = reduce(&s, .key(.char("a")))
            let effects = reduce(&s, .key(.char("y")))
            let acts = effects.compactMap { e -> String? in
                if case .act(.acknowledge, let id, let source, _) = e { return "\(source)/\(id)" }
                return nil
            }
            #expect(acts == (asks ? ["pd/PD-1", "am/AM-a", "am/AM-b"] : ["pd/PD-1"]), "acknowledge_with_page: \(asks)")
        }
    }
}
