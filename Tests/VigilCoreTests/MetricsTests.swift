import Foundation
import Testing
@testable import VigilCore

@Suite struct StatsTests {
    @Test func nearestRankIsAlwaysAnObservedValue() {
        let v: [Double] = [15, 20, 35, 40, 50]
        #expect(Stats.nearestRank(v, 30) == 20)   // rank ceil(1.5) = 2
        #expect(Stats.nearestRank(v, 40) == 20)   // rank 2
        #expect(Stats.nearestRank(v, 50) == 35)   // rank ceil(2.5) = 3
        #expect(Stats.nearestRank(v, 100) == 50)
        #expect(Stats.nearestRank(v, 0) == 15)
        #expect(Stats.median([4, 1, 3, 2]) == 2)  // lower middle, observed
        #expect(Stats.median([]) == nil)
        #expect(Stats.mean([]) == nil)
    }
}

@Suite struct ResponseTimeTests {
    let w = TimeWindow.day.interval(endingAt: noon)

    @Test func mttrUsesIncidentsResolvedInTheWindowOnly() {
        let incidents = [
            incident("a", triggered: -10 * hour, resolved: -9 * hour),                 // 60 min
            incident("b", triggered: -5 * hour, resolved: -4.5 * hour),                 // 30 min
            incident("c", triggered: -30 * hour, resolved: -20 * hour),                 // 10 h, resolved in window
            incident("d", triggered: -50 * hour, resolved: -26 * hour),                 // resolved before the window
            incident("open", triggered: -2 * hour),                                     // open: not in MTTR
        ]
        let s = Metrics.mttr(incidents, in: w)
        #expect(s.count == 3)
        #expect(abs((s.mean ?? 0) - 13_800) < 1e-6)
        #expect(abs((s.median ?? 0) - 3_600) < 1e-6)
        #expect(abs((s.p90 ?? 0) - 36_000) < 1e-6)
    }

    @Test func mttaOverTriggeredInWindowThatWereAcknowledged() {
        let incidents = [
            incident("a", triggered: -10 * hour, acked: -10 * hour + 120),              // 2 min
            incident("b", triggered: -5 * hour, acked: -5 * hour + 600, resolved: -1 * hour), // 10 min
            incident("c", triggered: -3 * hour),                                        // never acked
            incident("d", triggered: -30 * hour, acked: -1 * hour),                     // triggered before window
        ]
        let s = Metrics.mtta(incidents, in: w)
        #expect(s.count == 2)
        #expect(s.mean == 360)
        #expect(s.median == 120)
    }

    @Test func emptyWindowGivesNoFiguresNotZero() {
        let s = Metrics.mttr([], in: w)
        #expect(s.count == 0)
        #expect(s.mean == nil && s.median == nil && s.p90 == nil)
    }
}

@Suite struct OutageTests {
    let w = TimeWindow.day.interval(endingAt: noon)

    @Test func overlappingOutagesOfOneServiceAreMerged() {
        let incidents = [
            incident("a", severity: .critical, triggered: -10 * hour, resolved: -9 * hour),            // 10:00-11:00 ago
            incident("b", severity: .critical, triggered: -9.5 * hour, resolved: -8 * hour),           // overlaps: merged to 2h
            incident("c", service: "search", severity: .critical, triggered: -9.5 * hour, resolved: -9 * hour), // other service: +30m
            incident("d", severity: .high, triggered: -5 * hour, resolved: -1 * hour),                 // not an outage
        ]
        let s = Metrics.outages(incidents, in: w, now: noon, bucket: hour)
        #expect(s.count == 3)
        #expect(s.minutes == 150)
        #expect(s.ongoing.isEmpty)
    }

    @Test func ongoingOutageRunsUntilNowAndIsClippedToTheWindow() {
        let incidents = [
            incident("long", severity: .critical, triggered: -30 * hour),  // started before the window, still open
            incident("new", service: "auth", severity: .critical, triggered: -0.5 * hour, acked: -0.4 * hour),
        ]
        let s = Metrics.outages(incidents, in: w, now: noon, bucket: hour)
        #expect(s.count == 1)                      // only "new" started in the window
        #expect(s.minutes == 24 * 60 + 30)
        #expect(s.ongoing.map(\.incidentID) == ["long", "new"])
        #expect(s.ongoing.first?.running == 30 * hour)
        #expect(s.ongoingCount == 2)
    }

    /// Of many outages open at once only the longest few are listed (longest first, ties by id),
    /// whatever order they come in; all of them are counted.
    @Test func manyOngoingOutagesListTheLongestAndCountAll() {
        // 500 open outages, started 1…500 minutes ago, two at each start (ids "a…" and "b…"), shuffled.
        var incidents: [Incident] = []
        for m in 1...250 {
            for prefix in ["b", "a"] {
                incidents.append(incident("\(prefix)\(m)", severity: .critical, triggered: -Double(m) * 60))
            }
        }
        var random = SplitMix64(seed: 7)
        incidents.shuffle(using: &random)
        let s = Metrics.outages(incidents, in: w, now: noon, bucket: hour)
        #expect(s.ongoingCount == 500 && s.count == 500)
        #expect(s.ongoing.count == OutageStats.listed)
        #expect(s.ongoing.map(\.incidentID) == ["a250", "b250", "a249", "b249", "a248", "b248", "a247", "b247", "a246", "b246"])
        // The same from the index a dashboard keeps (`MetricsIndex`), and from figures built by hand.
        let byHand = OutageStats(count: 500, minutes: s.minutes,
                                 ongoing: incidents.map { OngoingOutage(incidentID: $0.id, service: $0.service, title: $0.title,
                                                                        running: noon.timeIntervalSince($0.triggeredAt)) },
                                 buckets: s.buckets)
        #expect(byHand == s)
    }
}

@Suite struct PageTests {
    @Test func offHoursAndNoisiestServices() {
        let w = TimeWindow.week.interval(endingAt: noon)   // Thu noon back to the previous Thu noon
        let incidents = [
            incident("a", service: "checkout", triggered: -2 * hour),            // Thu 10:00 working hours
            incident("b", service: "checkout", triggered: -10 * hour),           // Thu 02:00 off hours
            incident("c", service: "search", triggered: -4 * day),               // Sun 12:00 weekend
            incident("d", service: "search", triggered: -1 * day + 7 * hour),    // Wed 19:00 off hours
            incident("e", service: "auth", triggered: -3 * hour, paged: false),  // did not page
            incident("f", service: "checkout", triggered: -8 * day),             // before the window
        ]
        let s = Metrics.pages(incidents, in: w, bucket: day)
        #expect(s.count == 4)
        #expect(s.offHours == 3)
        #expect(s.byService == [NamedCount("checkout", 2), NamedCount("search", 2)])
        #expect(abs(s.perDay - 4.0 / 7) < 1e-9)
        #expect(s.buckets.count == 7 && s.buckets.reduce(0, +) == 4)
    }
}

@Suite struct DeliveryTests {
    let w = TimeWindow.day.interval(endingAt: noon)

    @Test func buildsCountWhenTheyFinish() {
        let runs = [
            run("1", started: -3 * hour, minutes: 10),
            run("2", started: -2 * hour, minutes: 20, .failure),
            run("3", started: -1 * hour, minutes: 6, .cancelled),
            run("4", started: -10 * 60, minutes: nil, .inProgress),       // in progress: not counted
            run("5", started: -24 * hour - 600, minutes: 20),             // finished inside the window
        ]
        let s = Metrics.builds(runs, in: w, bucket: hour)
        #expect(s.finished == 4)
        #expect(s.successRate == 2.0 / 3.0)                              // cancelled is not judged
        #expect(s.duration.median == 600)                                 // 6,10,20,20 min → rank 2 = 10 min
        #expect(s.duration.p90 == 1_200)
        #expect(s.byPipeline == [NamedCount("CI", 4)])
    }

    @Test func aRollbackIsCountedOnceAndFailsTheDeploymentItUndid() {
        let deploys = [
            deploy("d1", version: "v1.2.0", at: -20 * hour),
            deploy("d2", version: "v1.3.0", at: -10 * hour),
            // marked rollback AND an earlier version: one rollback, not two
            deploy("r1", version: "v1.2.0", at: -9 * hour, rollback: true),
            deploy("d3", version: "v1.10.0", at: -5 * hour),              // 1.10 > 1.2: not a rollback
            deploy("d4", service: "search", version: "v2.0.0", at: -4 * hour, outcome: .failure),
            deploy("s1", version: "v0.1.0", at: -3 * hour, env: "staging"), // not production
        ]
        let s = Metrics.deployments(deploys, incidents: [], in: w, bucket: hour)
        #expect(s.total == 5)
        #expect(s.successful == 4)
        #expect(s.rollbacks == 1)
        #expect(s.failed == 2)                                           // d2 (rolled back) and d4 (failed)
        #expect(s.changeFailureRate == 2.0 / 5.0)
    }

    @Test func aDeploymentFollowedByManyIncidentsFailsOnce() {
        let deploys = [deploy("d1", version: "1.0", at: -6 * hour), deploy("d2", version: "1.1", at: -3 * hour)]
        let incidents = [
            incident("i1", triggered: -6 * hour + 600),
            incident("i2", triggered: -6 * hour + 1_200),
            incident("i3", triggered: -6 * hour + 1_800),
            incident("late", triggered: -3 * hour + 2 * hour),             // 2 h after d2: outside the 1 h link
            incident("other", service: "search", triggered: -3 * hour + 60),
        ]
        let s = Metrics.deployments(deploys, incidents: incidents, in: w, bucket: hour)
        #expect(s.failed == 1)
        #expect(s.changeFailureRate == 0.5)
    }

    @Test func failedDeploymentRecoveryTimeAndReworkRate() {
        // w ends at noon. d2 is rolled back by r1 an hour later (r1 is rework and recovers d2);
        // d4 fails and the hotfix d5 20 minutes later recovers it and is rework (1 h window);
        // d6 fails and nothing has followed by the window's end: open, 2 h old, not counted.
        let deploys = [
            deploy("d1", version: "v1.2.0", at: -20 * hour),
            deploy("d2", version: "v1.3.0", at: -10 * hour),
            deploy("r1", version: "v1.2.0", at: -9 * hour, rollback: true),
            deploy("d4", service: "search", version: "v2.0.0", at: -5 * hour, outcome: .failure),
            deploy("d5", service: "search", version: "v2.0.1", at: -5 * hour + 1_200),
            deploy("d6", service: "cart", version: "v3.0.0", at: -2 * hour, outcome: .failure),
            deploy("d7", service: "cart", version: "v3.0.1", at: -2 * hour + 7_200 + 60),   // after the window
        ]
        let s = Metrics.deployments(deploys, incidents: [], in: w, bucket: hour)
        #expect(s.failed == 3)
        #expect(s.recovery.count == 2)
        #expect(s.recovery.median == 1_200 && s.recovery.p90 == hour)
        #expect(s.unrecovered == 1 && s.oldestUnrecovered == 2 * hour)
        #expect(s.reworked == 2)                                          // r1 (rollback), d5 (after a failure)
        #expect(s.reworkRate == 2.0 / 6.0)
    }

    @Test func reworkCountsAHotfixBranchOnceAndOnlyInProduction() {
        // h1 is marked rework by its source (a hotfix/ branch) with nothing failed before it;
        // h2 is marked and is also a rollback: still one rework deployment; s1 is a marked hotfix
        // to staging, which is not a production deployment at all. 2 of 4 production deployments.
        let deploys = [
            deploy("d1", version: "v1.0.0", at: -20 * hour),
            deploy("h1", version: "v1.0.1", at: -10 * hour, rework: true),
            deploy("d2", version: "v1.1.0", at: -6 * hour),
            deploy("h2", version: "v1.0.1", at: -5 * hour, rollback: true, rework: true),
            deploy("s1", version: "v1.2.0", at: -4 * hour, env: "staging", rework: true),
        ]
        let s = Metrics.deployments(deploys, incidents: [], in: w, bucket: hour)
        #expect(s.total == 4)
        #expect(s.reworked == 2)
        #expect(s.reworkRate == 0.5)
        #expect(s.rollbacks == 1)
    }

    @Test func noDeploymentsMeansNoRateNotZero() {
        let s = Metrics.deployments([], incidents: [], in: w, bucket: hour)
        #expect(s.changeFailureRate == nil)
        #expect(s.total == 0)
    }

    @Test func leadTimeIgnoresZeroAndNegative() {
        let deploys = [
            deploy("a", version: "1", at: -5 * hour, commitAgo: 3_600),
            deploy("b", version: "2", at: -4 * hour, commitAgo: 7_200),
            deploy("c", version: "3", at: -3 * hour, commitAgo: 0),
            deploy("d", version: "4", at: -2 * hour, commitAgo: -60),
        ]
        #expect(Metrics.deployments(deploys, incidents: [], in: w, bucket: hour).leadTime == 3_600)
    }

    @Test func doraTiers() {
        let daily = (0..<90).flatMap { d in (0..<2).map { i in deploy("d\(d)-\(i)", version: "\(d).\(i)", at: -Double(d) * day - 3_600) } }
        #expect(Metrics.doraTier(daily, now: noon) == .daily)
        let weekly = (0..<13).map { wk in deploy("w\(wk)", version: "\(wk)", at: -Double(wk) * 7 * day - 3_600) }
        #expect(Metrics.doraTier(weekly, now: noon) == .weekly)
        let monthly = (0..<3).map { m in deploy("m\(m)", version: "\(m)", at: -Double(m) * 30 * day - 3_600) }
        #expect(Metrics.doraTier(monthly, now: noon) == .monthly)
        #expect(Metrics.doraTier([deploy("x", version: "1", at: -80 * day)], now: noon) == .yearly)
        #expect(Metrics.doraTier([], now: noon) == .none)
        // Only 30 days known: judged over those 4 weeks, not as 9 empty weeks plus 4 busy ones.
        let recent = (0..<30).map { d in deploy("r\(d)", version: "\(d)", at: -Double(d) * day - 3_600) }
        #expect(Metrics.doraTier(recent, now: noon) == .yearly)
        #expect(Metrics.doraTier(recent, now: noon, historyStart: noon.addingTimeInterval(-30 * day)) == .daily)
    }

    @Test func versionOrder() {
        #expect(VersionOrder.isEarlier("v1.9.9", than: "v1.10.0"))
        #expect(!VersionOrder.isEarlier("1.10.0", than: "v1.9.9"))
        #expect(!VersionOrder.isEarlier("2.0", than: "2.0.0"))
        #expect(VersionOrder.isEarlier("1.2.0-rc1", than: "1.2.0-rc2"))
    }
}
