import Foundation
import Testing
import VigilCore
@testable import VigilSources

@Suite struct DemoSourceTests {
    /// A fixed start, so every run of the tests sees the same demo.
    let start = Date(timeIntervalSince1970: 1_900_000_000)

    func makeSource(latency: ClosedRange<Int> = 0...0) throws -> DemoSource {
        try DemoSource(directory: sampleDataURL, startedAt: start, ackLatencyMilliseconds: latency)
    }

    /// Every instant a snapshot mentions.
    func instants(_ snapshot: SourceSnapshot) -> [Date] {
        var dates: [Date] = []
        for incident in snapshot.incidents ?? [] {
            dates += [incident.triggeredAt] + [incident.acknowledgedAt, incident.resolvedAt].compactMap { $0 }
            dates += incident.timeline.map(\.at)
        }
        for build in snapshot.builds ?? [] { dates += [build.startedAt] + [build.finishedAt].compactMap { $0 } }
        for deployment in snapshot.deployments ?? [] { dates += [deployment.at] + [deployment.commitAt].compactMap { $0 } }
        for series in snapshot.series ?? [] { dates += series.samples.map(\.at) }
        return dates
    }

    @Test func theScenarioEndsWhenTheDemoStarts() async throws {
        let source = try makeSource()
        #expect(source.id == "demo")
        #expect(source.pollInterval == .seconds(5))
        let snapshot = try await source.poll(now: start).snapshot
        let dates = instants(snapshot)
        let newest = try #require(dates.max())
        #expect(newest <= start)
        #expect(start.timeIntervalSince(newest) < 5 * 60)
        let oldest = try #require(dates.filter { $0 > start.addingTimeInterval(-40 * 86_400) }.min())
        #expect(start.timeIntervalSince(oldest) > 29 * 86_400)

        let incidents = try #require(snapshot.incidents)
        #expect(incidents.count >= 60 + 5)  // PagerDuty incidents and Alertmanager alerts
        #expect(incidents.contains { $0.id.hasPrefix("PD-") } && incidents.contains { $0.id.hasPrefix("AM-") })
        #expect(incidents.allSatisfy { $0.source == "demo" })
        #expect(incidents.contains { $0.severity == .critical && $0.isOpen })
        #expect((snapshot.deployments ?? []).filter(\.isProduction).count >= 300)
        #expect((snapshot.builds ?? []).count >= 600)
        #expect((snapshot.series ?? []).count == 3 * 7 + 1)
    }

    @Test func tenMinutesLaterThereIsNewActivity() async throws {
        let source = try makeSource()
        let before = try await source.poll(now: start).snapshot
        let later = try await source.poll(now: start.addingTimeInterval(600)).snapshot

        // Runs that were going at the start have finished.
        let runningBefore = Set((before.builds ?? []).filter { $0.finishedAt == nil }.map(\.id))
        #expect(!runningBefore.isEmpty)
        let finishedNow = (later.builds ?? []).filter { runningBefore.contains($0.id) && $0.finishedAt != nil }
        #expect(!finishedNow.isEmpty)
        #expect((later.deployments ?? []).contains { $0.outcome != .inProgress && $0.at > start })

        // Someone picked up the pages that were waiting.
        let waiting = Set((before.incidents ?? []).filter { $0.status == .triggered && $0.id.hasPrefix("PD-") && $0.paged }.map(\.id))
        #expect(!waiting.isEmpty)
        let picked = (later.incidents ?? []).filter { waiting.contains($0.id) && $0.status != .triggered }
        #expect(picked.count == waiting.count)
        #expect(picked.allSatisfy { $0.acknowledgedBy != nil && ($0.acknowledgedAt ?? .distantPast) > start })

        // Metrics moved on.
        let lastBefore = (before.series ?? []).compactMap { $0.samples.last?.at }.max() ?? .distantPast
        let lastLater = (later.series ?? []).compactMap { $0.samples.last?.at }.max() ?? .distantPast
        #expect(lastLater > lastBefore)
        #expect(instants(later).allSatisfy { $0 <= start.addingTimeInterval(600) })
    }

    @Test func theDemoKeepsGeneratingWorkForHours() async throws {
        let source = try makeSource()
        let before = try await source.poll(now: start).snapshot
        let later = try await source.poll(now: start.addingTimeInterval(6 * 3600)).snapshot
        let oldBuilds = Set((before.builds ?? []).map(\.id))
        let oldDeploys = Set((before.deployments ?? []).map(\.id))
        let oldIncidents = Set((before.incidents ?? []).map(\.id))
        let newBuilds = (later.builds ?? []).filter { !oldBuilds.contains($0.id) }
        let newDeploys = (later.deployments ?? []).filter { !oldDeploys.contains($0.id) }
        let newIncidents = (later.incidents ?? []).filter { !oldIncidents.contains($0.id) }
        #expect(newBuilds.count >= 3)      // about 29 a day, like the recorded month
        #expect(newDeploys.count >= 3)
        #expect(!newIncidents.isEmpty)
        #expect(newIncidents.contains { $0.status == .resolved })
        #expect(newIncidents.allSatisfy { $0.triggeredAt > start && $0.number != nil })
        // The outage that was going on at the start is over.
        let outage = try #require(before.incidents?.first { $0.severity == .critical && $0.isOpen && $0.id.hasPrefix("PD-") })
        #expect(later.incidents?.first { $0.id == outage.id }?.status == .resolved)
    }

    @Test func aNewPageArrivesWithinFiveMinutesAndCanBeAcknowledged() async throws {
        let source = try makeSource()
        let before = Set((try await source.poll(now: start).snapshot).incidents?.map(\.id) ?? [])
        // The first scheduled page triggers 3–4 minutes in; teammates take at least 90 s to ack.
        let now = start.addingTimeInterval(4 * 60 + 1)
        let snapshot = try await source.poll(now: now).snapshot
        let page = try #require(snapshot.incidents?.first { !before.contains($0.id) })
        #expect(page.status == .triggered)
        #expect(page.triggeredAt > start && page.triggeredAt <= now)
        #expect(page.id == "PD-\(page.sourceKey)")
        #expect(page.links.first?.title == "PagerDuty")
        #expect(page.timeline.map(\.text) == ["Triggered through the API."])
        let confirmation = try await source.acknowledge(page, by: "demo-oncall", now: now)
        #expect(confirmation.by == "demo-oncall")
        let after = try await source.poll(now: now.addingTimeInterval(1)).snapshot
        #expect(after.incidents?.first { $0.id == page.id }?.status == .acknowledged)
    }

    @Test func twoInstancesShowTheSameDemo() async throws {
        let a = try makeSource()
        let b = try makeSource()
        // Different polling patterns, same answer.
        _ = try await a.poll(now: start.addingTimeInterval(300)).snapshot
        _ = try await a.poll(now: start.addingTimeInterval(1_800)).snapshot
        let now = start.addingTimeInterval(3 * 3600 + 17)
        let first = try await a.poll(now: now).snapshot
        let second = try await b.poll(now: now).snapshot
        #expect(first == second)
    }

    @Test func acknowledgingShowsOnTheNextPoll() async throws {
        let source = try makeSource(latency: 200...400)
        let snapshot = try await source.poll(now: start).snapshot
        let page = try #require(snapshot.incidents?.first { $0.status == .triggered && $0.id.hasPrefix("PD-") && $0.paged })
        let now = start.addingTimeInterval(30)

        let clock = ContinuousClock()
        let began = clock.now
        let confirmation = try await source.acknowledge(page, by: "demo-oncall", now: now)
        #expect(clock.now - began >= .milliseconds(190))
        #expect(confirmation == ActionConfirmation(by: "demo-oncall", at: now))

        let after = try await source.poll(now: start.addingTimeInterval(31)).snapshot
        let acknowledged = try #require(after.incidents?.first { $0.id == page.id })
        #expect(acknowledged.status == .acknowledged)
        #expect(acknowledged.acknowledgedBy == "demo-oncall")
        #expect(acknowledged.acknowledgedAt == now)
        #expect(acknowledged.timeline.contains { $0.text == "Acknowledged by demo-oncall." && $0.at == now })

        // A teammate's planned acknowledgement later does not override it.
        let muchLater = try await source.poll(now: start.addingTimeInterval(1_200)).snapshot
        #expect(muchLater.incidents?.first { $0.id == page.id }?.acknowledgedBy == "demo-oncall")

        // Acknowledging again is refused, naming who and when.
        await #expect(throws: SourceError.self) {
            _ = try await source.acknowledge(page, by: "someone-else", now: start.addingTimeInterval(40))
        }
        do {
            _ = try await source.acknowledge(page, by: "someone-else", now: start.addingTimeInterval(40))
        } catch let error as SourceError {
            #expect(error.message.hasPrefix("\(page.id) is already acknowledged by demo-oncall at "))
        }
    }

    /// The demo does every action PagerDuty offers, so a newcomer can try them without an account.
    @Test func everyPagerDutyActionShowsOnTheNextPoll() async throws {
        let source = try makeSource()
        let open = try #require(try await source.poll(now: start).snapshot.incidents?.filter { $0.status == .triggered })
        #expect(open.count >= 2)
        let (first, second) = (open[0], open[1])
        let t = start.addingTimeInterval(10)
        _ = try await source.perform(.note("rolled back to v41"), on: first, by: "dana", now: t)
        _ = try await source.perform(.reassign(to: "chen@example.com"), on: first, by: "dana", now: t)
        _ = try await source.perform(.snooze(seconds: 3_600), on: second, by: "dana", now: t)
        _ = try await source.perform(.escalate, on: second, by: "dana", now: t)
        var after = try #require(try await source.poll(now: t.addingTimeInterval(1)).snapshot.incidents)
        let noted = try #require(after.first { $0.id == first.id })
        #expect(noted.timeline.contains { $0.text == "Note by dana: rolled back to v41" })
        #expect(noted.labels.contains(KeyValue("assignee", "chen@example.com")))
        let snoozed = try #require(after.first { $0.id == second.id })
        #expect(snoozed.status == .acknowledged && snoozed.acknowledgedBy == "dana")
        #expect(snoozed.timeline.contains { $0.text == "Snoozed for 1h by dana." })
        #expect(snoozed.timeline.contains { $0.text == "Escalated to the next level by dana." })

        _ = try await source.perform(.resolve, on: first, by: "dana", now: t.addingTimeInterval(2))
        after = try #require(try await source.poll(now: t.addingTimeInterval(3)).snapshot.incidents)
        let resolved = try #require(after.first { $0.id == first.id })
        #expect(resolved.status == .resolved && resolved.resolvedAt == t.addingTimeInterval(2))
        await #expect(throws: SourceError.self) {
            _ = try await source.perform(.resolve, on: first, by: "dana", now: t.addingTimeInterval(4))
        }
        await #expect(throws: SourceError.self) {
            _ = try await source.perform(.unacknowledge, on: second, by: "dana", now: t.addingTimeInterval(4))
        }
    }

    @Test func alertsCanBeAcknowledgedToo() async throws {
        let source = try makeSource()
        let snapshot = try await source.poll(now: start).snapshot
        let alert = try #require(snapshot.incidents?.first { $0.id.hasPrefix("AM-") && $0.status == .triggered })
        _ = try await source.acknowledge(alert, by: "demo-oncall", now: start.addingTimeInterval(5))
        let after = try await source.poll(now: start.addingTimeInterval(6)).snapshot
        #expect(after.incidents?.first { $0.id == alert.id }?.acknowledgedBy == "demo-oncall")
    }

    @Test func refusesResolvedAndUnknownIncidents() async throws {
        let source = try makeSource()
        let snapshot = try await source.poll(now: start).snapshot
        let resolved = try #require(snapshot.incidents?.first { $0.status == .resolved })
        do {
            _ = try await source.acknowledge(resolved, by: "demo-oncall", now: start)
            Issue.record("acknowledging a resolved incident succeeded")
        } catch let error as SourceError {
            #expect(error.message == "\(resolved.id) is already resolved")
        }

        var unknown = resolved
        unknown.id = "PD-NOSUCH"
        do {
            _ = try await source.acknowledge(unknown, by: "demo-oncall", now: start)
            Issue.record("acknowledging an unknown incident succeeded")
        } catch let error as SourceError {
            #expect(error.message == "unknown incident PD-NOSUCH")
        }

        let acknowledged = try #require(snapshot.incidents?.first { $0.status == .acknowledged && $0.id.hasPrefix("PD-") })
        do {
            _ = try await source.acknowledge(acknowledged, by: "demo-oncall", now: start)
            Issue.record("acknowledging an acknowledged incident succeeded")
        } catch let error as SourceError {
            #expect(error.message.contains("is already acknowledged by \(acknowledged.acknowledgedBy ?? "?")"))
        }
    }

    @Test func memoryStaysBoundedOverWeeks() async throws {
        let source = try makeSource()
        let now = start.addingTimeInterval(40 * 86_400)
        let snapshot = try await source.poll(now: now).snapshot
        let cutoff = now.addingTimeInterval(-31 * 86_400)
        #expect((snapshot.builds ?? []).allSatisfy { $0.startedAt >= cutoff })
        #expect((snapshot.deployments ?? []).allSatisfy { $0.at >= cutoff })
        #expect((snapshot.incidents ?? []).allSatisfy { $0.triggeredAt >= cutoff || $0.isOpen })
        #expect((snapshot.series ?? []).allSatisfy { $0.samples.allSatisfy { $0.at >= cutoff && $0.at <= now } })
        #expect((snapshot.series ?? []).allSatisfy { !$0.samples.isEmpty })
        // Nothing from the recorded scenario is left; all of it was generated.
        #expect((snapshot.incidents ?? []).allSatisfy { $0.triggeredAt > start })
        #expect((snapshot.builds ?? []).count > 100)
    }

    @Test func locatesTheSampleData() throws {
        let found = try #require(DemoSource.locateSampleData(explicit: sampleDataURL.path))
        #expect(FileManager.default.fileExists(atPath: found.appendingPathComponent("scenario.json").path))
        #expect(DemoSource.locateSampleData(explicit: "/nonexistent/vigil-sample-data") == nil)
        // Without an explicit path it is still found (cwd, executable, or the source tree).
        let implicit = try #require(DemoSource.locateSampleData(explicit: nil))
        #expect(FileManager.default.fileExists(atPath: implicit.appendingPathComponent("scenario.json").path))
    }

    @Test func missingDataIsASourceError() {
        let error = sourceError { _ = try DemoSource(directory: URL(fileURLWithPath: "/nonexistent"), startedAt: start) }
        #expect(error?.message.contains("scenario.json") == true)
    }

    @Test func loadingInTheBackgroundGivesTheSameDemo() async throws {
        let loading = DemoSource.startLoading(directory: sampleDataURL, startedAt: start)
        let loaded = try loading.value()
        #expect(try loading.value() === loaded)  // waiting again gives the same source
        let now = start.addingTimeInterval(600)
        let expected = try await makeSource().poll(now: now).snapshot
        #expect(try await loaded.poll(now: now).snapshot == expected)
        #expect(loaded.scenarioTimeZone == (try makeSource()).scenarioTimeZone)
    }

    @Test func loadingInTheBackgroundReportsMissingData() {
        let loading = DemoSource.startLoading(directory: URL(fileURLWithPath: "/nonexistent"), startedAt: start)
        for _ in 0..<2 {
            let error = sourceError { _ = try loading.value() }
            #expect(error?.message.contains("scenario.json") == true)
        }
    }
}
