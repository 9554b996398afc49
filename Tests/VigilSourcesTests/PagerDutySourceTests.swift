import Foundation
import Testing
import VigilCore
@testable import VigilSources
import VigilTestSupport

// PagerDutySource against the PagerDuty test server (Tests/Servers/pagerduty/server.py), which
// keeps state like PagerDuty and refuses, and records, every request PagerDuty's OpenAPI document
// does not allow. Every test ends by asserting that Vigil sent no such request.

func source(_ server: PagerDutyServer, key: String = PagerDutyServer.fullKey, from: String? = "ben@example.com",
                    services: [String] = [], teams: [String] = []) -> PagerDutySource {
    PagerDutySource(settings: PagerDutySettings(id: "pd", url: server.url, apiKey: Secret(value: key, origin: "test"),
                                                from: from, services: services, teams: teams, timeout: .seconds(10)),
                    transport: AsyncHTTPTransport.shared)
}

func expectNoViolations(_ server: PagerDutyServer, sourceLocation: SourceLocation = #_sourceLocation) throws {
    let violations = try server.violations()
    #expect(violations.isEmpty, "requests PagerDuty's document does not allow:\n\(violations.joined(separator: "\n"))",
            sourceLocation: sourceLocation)
}

private func incident(_ title: String, in result: PollResult) throws -> Incident {
    try #require(result.snapshot.incidents?.first { $0.title == title }, "no incident '\(title)'")
}

@Suite(.serialized) struct PagerDutySourceTests {
    @Test func readsOpenAndResolvedIncidentsWithExactTimesAndFollowsTheDocument() async throws {
        let server = try await PagerDutyServer.start()
        try server.create([
            ["title": "Checkout 500s", "service": "PSVC001", "priority": "P1"],
            ["title": "Search slow", "service": "PSVC003", "urgency": "low", "status": "acknowledged",
             "acked_by": "chen@example.com", "created": -600, "acked": -300],
            ["title": "Payments down", "service": "PSVC002", "status": "resolved", "acked_by": "ben@example.com",
             "created": -86_400, "acked": -86_000, "resolved": -80_000],
        ])
        let pd = source(server)
        let result = try await pd.poll(now: Date())
        #expect(result.snapshot.incidents?.count == 3)
        let open = try incident("Checkout 500s", in: result)
        #expect(open.status == .triggered && open.severity == .critical && open.service == "checkout-api")
        #expect(open.labels.contains(KeyValue("assignee", "Aisha Okafor")))
        #expect(open.links.first?.url.hasPrefix("https://example.pagerduty.com/incidents/") == true)
        let acked = try incident("Search slow", in: result)
        #expect(acked.status == .acknowledged && acked.acknowledgedBy == "Chen Wei" && !acked.paged)
        // Resolved: PagerDuty empties `acknowledgements`; who and when come from the log entry.
        let resolved = try incident("Payments down", in: result)
        #expect(resolved.status == .resolved && resolved.acknowledgedBy == "Ben Lindqvist")
        let ackDelay = try #require(resolved.acknowledgedAt).timeIntervalSince(resolved.triggeredAt)
        #expect(abs(ackDelay - 400) < 2)
        #expect(resolved.resolvedAt.map { abs($0.timeIntervalSince(resolved.triggeredAt) - 6_400) < 2 } == true)
        #expect(result.quota?.limit == 960)

        // Every request carried the version header and Content-Type; the server checked the rest.
        for request in try server.requests() {
            let headers = request["headers"] as? [String: String] ?? [:]
            #expect(headers["Accept"] == "application/vnd.pagerduty+json;version=2")
            #expect(headers["Content-Type"] == "application/json")
        }
        try expectNoViolations(server)
    }

    @Test func laterPollsReadOnlyWhatChanged() async throws {
        let server = try await PagerDutyServer.start()
        let ids = try server.create([["title": "Disk full"], ["title": "Cert expiring"]])
        let pd = source(server)
        _ = try await pd.poll(now: Date())
        let first = try server.requests().count
        // Open, the month's resolved, the month's log entries; your user, who is on call, your shifts.
        #expect(try server.requests().map { $0["path"] as? String ?? "" }
                == ["/incidents", "/incidents", "/log_entries", "/users", "/oncalls", "/oncalls"])

        // Resolved elsewhere (another engineer): the next poll sees it leave the open list and
        // reads that one incident.
        try await pd.perform(.resolve, on: Incident(id: "PD-\(ids[0])", source: "pd", sourceKey: ids[0], title: "Disk full",
                                                    service: "checkout-api", severity: .high, status: .triggered,
                                                    triggeredAt: Date()), by: "ben", now: Date())
        let result = try await pd.poll(now: Date())
        let later = try server.requests().dropFirst(first + 1)
        #expect(later.map { $0["path"] as? String ?? "" } == ["/incidents", "/log_entries", "/incidents/\(ids[0])"])
        #expect(try incident("Disk full", in: result).status == .resolved)
        #expect(try incident("Cert expiring", in: result).status == .triggered)
        try expectNoViolations(server)
    }

    @Test func pagesThroughLongListsAndSaysSoAtTenThousand() async throws {
        let server = try await PagerDutyServer.start()
        try server.create((1...250).map { ["title": "Alert \($0)"] })
        let result = try await source(server).poll(now: Date())
        #expect(result.snapshot.incidents?.count == 250)
        let offsets = try server.requests().filter { ($0["query"] as? String ?? "").contains("statuses%5B%5D=triggered") }
            .compactMap { ($0["query"] as? String)?.split(separator: "&").first { $0.hasPrefix("offset=") } }
        #expect(offsets == ["offset=0", "offset=100", "offset=200"])
        try expectNoViolations(server)

        let big = try await PagerDutyServer.start()
        try big.create((1...10_050).map { ["title": "Storm \($0)"] })
        let error = await failure { _ = try await source(big).poll(now: Date()) }
        #expect(error?.kind == .tooLarge)
        #expect(error?.message.contains("at most 10000 results") == true)
        #expect(try big.requests().count == 100)      // offsets 0…9,900, and no request past the limit
        try expectNoViolations(big)
    }

    @Test func rateLimitsAreReadWaitedForAndNeverOverrun() async throws {
        let server = try await PagerDutyServer.start()
        try server.rateLimit(8, window: 60)
        try server.create([["title": "One"]])
        // Another engineer's Vigil on the same key uses six of the eight requests.
        let first = try await source(server).poll(now: Date())
        #expect(first.quota?.remaining == 2 && first.quota?.limit == 8)
        // This one knows nothing of that: its third request meets PagerDuty's 429.
        let pd = source(server)
        let limited = await failure { _ = try await pd.poll(now: Date()) }
        guard case .rateLimited(let until)? = limited?.kind else {
            Issue.record("not rate limited: \(String(describing: limited))"); return
        }
        #expect(until.map { $0 > Date() } == true)
        #expect(limited?.retryAfter.map { $0 > .zero && $0 <= .seconds(60) } == true)
        #expect(limited?.isTransient == true)
        // Until the window resets, nothing more is sent.
        let sent = try server.requests().count
        let again = await failure { _ = try await pd.poll(now: Date()) }
        #expect(again?.message.contains("quota of 8 requests a minute is spent") == true)
        #expect(try server.requests().count == sent)
        try expectNoViolations(server)
    }

    @Test func badKeysAndReadOnlyKeysAreSaidInWordsAndNotRetried() async throws {
        let server = try await PagerDutyServer.start()
        let ids = try server.create([["title": "Checkout 500s"]])
        let wrong = await failure { _ = try await source(server, key: "nope").poll(now: Date()) }
        #expect(wrong?.kind == .unauthorised && wrong?.isTransient == false)
        #expect(wrong?.message.contains("refused the API key") == true)

        let readOnly = source(server, key: PagerDutyServer.readOnlyKey)
        let polled = try await readOnly.poll(now: Date())
        let target = try incident("Checkout 500s", in: polled)
        let refused = await failure { _ = try await readOnly.perform(.acknowledge, on: target, by: "ben", now: Date()) }
        #expect(refused?.kind == .forbidden && refused?.isTransient == false)
        #expect(refused?.message.contains("read-only key can only read") == true)
        #expect(try server.incidents().first { $0["id"] as? String == ids[0] }?["status"] as? String == "triggered")
        try expectNoViolations(server)
    }

    @Test func brokenAnswersAreMalformedOrTooLargeNeverACrash() async throws {
        let server = try await PagerDutyServer.start()
        try server.create([["title": "One"]])
        let pd = source(server)
        try server.fault(["body": "{\"incidents\": [{\"id\": 7"])
        #expect(await failure { _ = try await pd.poll(now: Date()) }?.kind == .malformed)
        try server.fault(["body": "<html>502 Bad Gateway</html>"])
        #expect(await failure { _ = try await pd.poll(now: Date()) }?.kind == .malformed)
        try server.fault(["truncate": 40])
        let cut = await failure { _ = try await pd.poll(now: Date()) }
        #expect(cut != nil && cut?.kind != .unauthorised)
        try server.fault(["status": 503])
        #expect(await failure { _ = try await pd.poll(now: Date()) }?.kind == .httpStatus(503))
        try server.fault(["huge": 100 << 20])
        #expect(await failure { _ = try await pd.poll(now: Date()) }?.kind == .tooLarge)
        try server.fault([:])
        #expect(try await pd.poll(now: Date()).snapshot.incidents?.count == 1)
        try expectNoViolations(server)
    }

    @Test func everyActionRoundTripsAndShowsOnTheNextPoll() async throws {
        let server = try await PagerDutyServer.start()
        try server.create([["title": "Checkout 500s"], ["title": "Search slow", "service": "PSVC003"],
                           ["title": "Payments down", "service": "PSVC002"], ["title": "Queue stuck"]])
        let pd = source(server)
        var polled = try await pd.poll(now: Date())

        let ack = try await pd.perform(.acknowledge, on: try incident("Checkout 500s", in: polled), by: "ben", now: Date())
        #expect(ack.by == "Ben Lindqvist")
        _ = try await pd.perform(.note("rolled back to v41"), on: try incident("Checkout 500s", in: polled), by: "ben",
                                 now: Date())
        _ = try await pd.perform(.snooze(seconds: 3_600), on: try incident("Search slow", in: polled), by: "ben", now: Date())
        _ = try await pd.perform(.reassign(to: "chen@example.com"), on: try incident("Payments down", in: polled), by: "ben",
                                 now: Date())
        _ = try await pd.perform(.escalate, on: try incident("Queue stuck", in: polled), by: "ben", now: Date())

        polled = try await pd.poll(now: Date())
        let checkout = try incident("Checkout 500s", in: polled)
        #expect(checkout.status == .acknowledged && checkout.acknowledgedBy == "Ben Lindqvist")
        #expect(checkout.timeline.contains { $0.text.contains("rolled back to v41") })
        #expect(try incident("Search slow", in: polled).status == .acknowledged)
        #expect(try server.incidents().first { $0["title"] as? String == "Search slow" }?["snoozed_until"] is Double)
        #expect(try incident("Payments down", in: polled).labels.contains(KeyValue("assignee", "Chen Wei")))
        let escalated = try incident("Queue stuck", in: polled)
        #expect(escalated.labels.contains(KeyValue("escalation_level", "2")))
        #expect(escalated.labels.contains(KeyValue("assignee", "Ben Lindqvist")))

        _ = try await pd.perform(.resolve, on: checkout, by: "ben", now: Date())
        polled = try await pd.poll(now: Date())
        #expect(try incident("Checkout 500s", in: polled).status == .resolved)
        try expectNoViolations(server)
    }

    @Test func refusalsSayWhatToDoAndAreNotRetried() async throws {
        let server = try await PagerDutyServer.start()
        try server.create([["title": "Done already", "status": "resolved", "created": -3_600, "resolved": -60],
                           ["title": "Open"]])
        let pd = source(server)
        let polled = try await pd.poll(now: Date())
        let again = await failure {
            _ = try await pd.perform(.resolve, on: try incident("Done already", in: polled), by: "ben", now: Date())
        }
        #expect(again?.kind == .rejected && again?.message.contains("already resolved") == true)

        let stranger = source(server, from: "nobody@example.com")
        let notAUser = await failure {
            _ = try await stranger.perform(.acknowledge, on: try incident("Open", in: polled), by: "x", now: Date())
        }
        #expect(notAUser?.kind == .rejected && notAUser?.isTransient == false)
        #expect(notAUser?.message.contains("from: nobody@example.com is not a user of this account") == true)

        let nobody = await failure {
            _ = try await pd.perform(.reassign(to: "ghost@example.com"), on: try incident("Open", in: polled), by: "ben",
                                     now: Date())
        }
        #expect(nobody?.kind == .rejected && nobody?.message.contains("no user 'ghost@example.com'") == true)

        let tooLong = await failure {
            _ = try await pd.perform(.snooze(seconds: 30 * 86_400), on: try incident("Open", in: polled), by: "ben", now: Date())
        }
        #expect(tooLong?.kind == .rejected)
        try expectNoViolations(server)
    }

    @Test func servicesAndTeamsByNameAreLookedUpOnce() async throws {
        let server = try await PagerDutyServer.start()
        try server.create([["title": "Checkout 500s", "service": "PSVC001"], ["title": "Search slow", "service": "PSVC003"]])
        let pd = source(server, services: ["checkout-api"])
        let result = try await pd.poll(now: Date())
        #expect(result.snapshot.incidents?.map(\.title) == ["Checkout 500s"])
        _ = try await pd.poll(now: Date())
        #expect(try server.requests().filter { $0["path"] as? String == "/services" }.count == 1)

        let wrong = await failure { _ = try await source(server, services: ["checkout"]).poll(now: Date()) }
        #expect(wrong?.message.contains("no service named 'checkout'") == true)
        let team = try await source(server, teams: ["Discovery"]).poll(now: Date())
        #expect(team.snapshot.incidents?.map(\.title) == ["Search slow"])
        try expectNoViolations(server)
    }
}

@Suite(.serialized) struct PagerDutyOnCallTests {
    @Test func whoIsOnCallAndTheEngineersOwnShifts() async throws {
        let server = try await PagerDutyServer.start()
        try server.create([["title": "Checkout 500s", "service": "PSVC001"]])
        // Aisha is the first level of the checkout policy: "you are on call".
        let aisha = try await source(server, from: "aisha@example.com").poll(now: Date())
        let shifts = try #require(aisha.snapshot.onCall)
        #expect(shifts.contains { $0.person == "Aisha Okafor" && $0.level == 1 && $0.isMe && $0.covers(Date()) })
        #expect(OnCallSummary.line(shifts, now: Date(), timeZone: .current)?.hasPrefix("you are on call until ") == true)
        // Ben is the second level: Aisha is on call, and he is told his level.
        let ben = try await source(server, from: "ben@example.com").poll(now: Date())
        let line = OnCallSummary.line(try #require(ben.snapshot.onCall), now: Date(), timeZone: .current)
        #expect(line?.hasPrefix("on call: Aisha Okafor until ") == true)
        #expect(line?.contains("you are level 2 until ") == true)
        // Dana joins the rota with tomorrow's shift: her next shift.
        let dana = try await source(server, from: "dana@example.com").poll(now: Date())
        let hers = OnCallSummary.line(try #require(dana.snapshot.onCall), now: Date(), timeZone: .current)
        #expect(hers?.hasPrefix("on call: Aisha Okafor until ") == true)
        #expect(hers?.contains("your next shift: ") == true, "\(hers ?? "nil")")
        try expectNoViolations(server)
    }

    @Test func reassigningToSomeoneOnCallUsesTheirIdWithoutALookup() async throws {
        let server = try await PagerDutyServer.start()
        try server.create([["title": "Checkout 500s", "service": "PSVC001"]])
        let pd = source(server)
        let polled = try await pd.poll(now: Date())
        // The picker lists people by name, from the on-call answer that carried their ids.
        #expect(polled.snapshot.onCall?.contains { $0.person == "Chen Wei" && $0.personID == "PUSER03" } == true)
        _ = try await pd.perform(.reassign(to: "Chen Wei"), on: try incident("Checkout 500s", in: polled), by: "ben",
                                 now: Date())
        #expect(try server.requests().filter { $0["path"] as? String == "/users" && ($0["query"] as? String ?? "").contains("Chen") }
                    .isEmpty)
        let after = try await pd.poll(now: Date())
        #expect(try incident("Checkout 500s", in: after).labels.contains(KeyValue("assignee", "Chen Wei")))
        try expectNoViolations(server)
    }

    @Test func onCallIsReadEveryFiveMinutesNotEveryPoll() async throws {
        let server = try await PagerDutyServer.start()
        try server.create([["title": "Checkout 500s", "service": "PSVC001"]])
        let pd = source(server)
        let t = Date()
        _ = try await pd.poll(now: t)
        _ = try await pd.poll(now: t.addingTimeInterval(30))
        #expect(try server.requests().filter { $0["path"] as? String == "/oncalls" }.count == 2)   // policies, and Ben's own
        _ = try await pd.poll(now: t.addingTimeInterval(301))
        #expect(try server.requests().filter { $0["path"] as? String == "/oncalls" }.count == 4)
        try expectNoViolations(server)
    }
}

@Suite(.serialized) struct PagerDutySharedKeyTests {
    /// PagerDuty allows 960 requests a minute per key, shared by everyone using it. Fifty
    /// engineers' Vigils on one key, each polling every 30 s from its own start, for a simulated
    /// ten minutes: none is refused, and each refreshes at least every 60 s.
    @Test func fiftyPollersOnOneKeyForTenMinutes() async throws {
        let server = try await PagerDutyServer.start()
        try server.create((1...30).map { ["title": "Alert \($0)", "service": $0 % 2 == 0 ? "PSVC001" : "PSVC003"] })
        let engineers = ["aisha", "ben", "chen", "dana"]
        let pollers = (0..<50).map { source(server, from: "\(engineers[$0 % 4])@example.com") }
        let start = Date()
        var next = (0..<50).map { start.addingTimeInterval(Double($0) * 0.6) }
        var last = [Date?](repeating: nil, count: 50)
        var longestGap: TimeInterval = 0
        var refused: [String] = []
        var clock = start
        let step: TimeInterval = 5
        while clock < start.addingTimeInterval(600) {
            for i in 0..<50 where next[i] <= clock {
                do {
                    _ = try await pollers[i].poll(now: clock)
                    if let previous = last[i] { longestGap = max(longestGap, clock.timeIntervalSince(previous)) }
                    last[i] = clock
                } catch let error as SourceError {
                    refused.append("poller \(i) at +\(Int(clock.timeIntervalSince(start)))s: \(error.message)")
                }
                next[i] = clock.addingTimeInterval(30)
            }
            clock = clock.addingTimeInterval(step)
            try server.advanceClock(by: step)
        }
        #expect(refused.isEmpty, "\(refused.prefix(5).joined(separator: "\n"))")
        #expect(longestGap <= 60 && last.allSatisfy { $0 != nil })
        let requests = try server.requests().count
        #expect(requests < 960 * 10, "\(requests) requests in ten minutes")
        try expectNoViolations(server)
    }
}
