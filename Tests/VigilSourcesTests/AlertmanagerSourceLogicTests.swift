import Foundation
import NIOCore
import Synchronization
import Testing
import VigilCore
@testable import VigilSources

// The parts of AlertmanagerSource that need no server: matcher semantics, who acknowledged,
// the keep-alive plan, HA merging, and request details checked with a scripted transport.

private let t0 = Date(timeIntervalSince1970: 1_795_000_000)

private func silence(_ id: String, by author: String = "alice", vigil: Bool = true, state: String = "active",
                     starts: TimeInterval = 0, ends: TimeInterval = 900,
                     matchers: [String: String] = ["alertname": "DiskFull", "service": "db"]) -> AlertmanagerSilence {
    AlertmanagerSilence(
        id: id, createdBy: author, comment: vigil ? AlertmanagerSilence.vigilComment(by: author) : "by hand",
        startsAt: t0.addingTimeInterval(starts), endsAt: t0.addingTimeInterval(ends), state: state,
        matchers: matchers.keys.sorted().map { AlertmanagerMatcher(name: $0, value: matchers[$0] ?? "") })
}

private func alert(_ fingerprint: String = "f1", labels: [String: String] = ["alertname": "DiskFull", "service": "db"],
                   state: String = "active", silencedBy: [String] = [], starts: TimeInterval = -600,
                   updated: TimeInterval = 0) -> AlertmanagerAlert {
    AlertmanagerAlert(fingerprint: fingerprint, labels: labels, startsAt: t0.addingTimeInterval(starts),
                      updatedAt: t0.addingTimeInterval(updated), state: state, silencedBy: silencedBy)
}

@Suite struct AlertmanagerMatchingTests {
    @Test func matchersFollowAlertmanagerSemantics() {
        let labels: AlertLabels = ["alertname": "DiskFull", "instance": "db-1:9100"]
        #expect(AlertmanagerMatcher(name: "alertname", value: "DiskFull").matches(labels))
        #expect(!AlertmanagerMatcher(name: "alertname", value: "Disk").matches(labels))
        #expect(AlertmanagerMatcher(name: "alertname", value: "Disk", isEqual: false).matches(labels))
        #expect(AlertmanagerMatcher(name: "instance", value: "db-.*", isRegex: true).matches(labels))
        #expect(!AlertmanagerMatcher(name: "instance", value: "db", isRegex: true).matches(labels))  // anchored
        #expect(AlertmanagerMatcher(name: "instance", value: "web-.*", isRegex: true, isEqual: false).matches(labels))
        #expect(AlertmanagerMatcher(name: "team", value: "").matches(labels))  // a missing label is ""
        #expect(!AlertmanagerMatcher(name: "x", value: "(", isRegex: true).matches(labels))  // bad regex matches nothing
        #expect(!AlertmanagerSilence(id: "s", createdBy: "", comment: "", startsAt: t0, endsAt: t0, state: "active")
            .matches(labels))  // no matchers, no match
    }

    @Test func theFirstActiveSilenceAcknowledgesWhoeverMadeIt() {
        let acknowledgements = AlertmanagerAcknowledgements(silences: [
            silence("late", by: "bob", vigil: false, starts: 60),
            silence("early", by: "carol", vigil: false, starts: 30, matchers: ["service": "db"]),
            silence("old", by: "dave", state: "expired", starts: -100, ends: -50),
            silence("other", by: "erin", starts: 0, matchers: ["service": "web"]),
        ])
        let chosen = acknowledgements.acknowledgement(for: alert())
        #expect(chosen?.silence.id == "early")
        #expect(chosen?.since == t0.addingTimeInterval(30))
        // Alertmanager's own word (silencedBy) counts even when the matchers are not understood here.
        let byStatus = AlertmanagerAcknowledgements(silences: [silence("x", matchers: ["a": "b"])])
        #expect(byStatus.acknowledgement(for: alert(silencedBy: ["x"]))?.silence.id == "x")
        #expect(byStatus.acknowledgement(for: alert()) == nil)
    }

    @Test func anExtendedAcknowledgementDatesFromItsFirstSilence() {
        // Three extensions: each replacement starts when its predecessor was expired.
        let chain = [
            silence("s1", state: "expired", starts: 0, ends: 450.001),
            silence("s2", state: "expired", starts: 450, ends: 900.002),
            silence("s3", starts: 900, ends: 1800),
            // An earlier acknowledgement that lapsed an hour before: not part of it.
            silence("s0", state: "expired", starts: -7200, ends: -3600),
            // Another author's chain: not part of it.
            silence("b1", by: "bob", state: "expired", starts: 100, ends: 900),
        ]
        let acknowledgements = AlertmanagerAcknowledgements(silences: chain)
        #expect(acknowledgements.since(chain[2]) == t0)
        #expect(acknowledgements.acknowledgement(for: alert())?.since == t0)
        // Silences made by hand are never chained.
        let byHand = silence("h", vigil: false, starts: 900)
        #expect(AlertmanagerAcknowledgements(silences: chain + [byHand]).since(byHand) == t0.addingTimeInterval(900))
    }
}

@Suite struct AlertmanagerKeepAliveTests {
    @Test func extendsOnlyVigilSilencesOfFiringAlertsThatEndSoon() {
        let silences = [
            silence("soon"),  // ends at 900
            silence("far", by: "bob", ends: 2000),
            silence("hand", by: "carol", vigil: false, ends: 500),
            silence("resolved", by: "dave", ends: 500, matchers: ["alertname": "Gone"]),
            silence("expired", by: "erin", state: "expired", ends: 500),
        ]
        let plan = AlertmanagerKeepAlive.plan(alerts: [alert()], silences: silences,
                                              now: t0.addingTimeInterval(500), ackSilence: .seconds(900))
        #expect(plan.extend.map(\.id) == ["soon"])  // 400 s left < 450 s
        #expect(plan.expire.isEmpty)

        let early = AlertmanagerKeepAlive.plan(alerts: [alert()], silences: silences,
                                               now: t0.addingTimeInterval(400), ackSilence: .seconds(900))
        #expect(early.isEmpty)  // 500 s left: not yet
    }

    @Test func duplicatesLeftByTwoVigilsAreExpiredKeepingTheLongest() {
        let silences = [silence("a", starts: 450, ends: 1350), silence("b", starts: 450, ends: 1350.5),
                        silence("c", by: "bob", starts: 450, ends: 1000)]
        let plan = AlertmanagerKeepAlive.plan(alerts: [alert()], silences: silences, now: t0.addingTimeInterval(460),
                                              ackSilence: .seconds(900))
        #expect(plan.expire.map(\.id) == ["a"])
        #expect(plan.extend.isEmpty)
    }

    @Test func membersOfAnHAPairAreMerged() {
        let onA = alert(updated: 1)
        let onB = alert(state: "suppressed", silencedBy: ["s"], starts: -700, updated: 0)
        let merged = AlertmanagerAlert.merging([[onA, alert("f2")], [onB]])
        #expect(merged.map(\.fingerprint) == ["f1", "f2"])
        #expect(merged[0].state == "suppressed")
        #expect(merged[0].silencedBy == ["s"])
        #expect(merged[0].startsAt == t0.addingTimeInterval(-700))

        var expired = silence("s", state: "expired")
        expired.updatedAt = t0.addingTimeInterval(5)
        var active = silence("s")
        active.updatedAt = t0
        #expect(AlertmanagerSilence.merging([[active], [expired]]).map(\.state) == ["expired"])
        #expect(AlertmanagerSilence.merging([[expired], [active]]).map(\.state) == ["expired"])
    }
}

/// Answers requests from a script and records them.
private final class ScriptedTransport: HTTPTransport {
    let requests = Mutex<[HTTPRequest]>([])
    let answer: @Sendable (HTTPRequest) -> HTTPResponse

    init(_ answer: @escaping @Sendable (HTTPRequest) -> HTTPResponse) { self.answer = answer }

    func send(_ request: HTTPRequest, maxBodyBytes: Int) async throws -> HTTPResponse {
        requests.withLock { $0.append(request) }
        return answer(request)
    }

    var log: [String] { requests.withLock { $0.map { "\($0.method) \($0.url.absoluteString)" } } }
}

@Suite struct AlertmanagerSourceRequestTests {
    static let alertsJSON = #"""
        [{"fingerprint":"f1","labels":{"alertname":"DiskFull","service":"db","severity":"critical"},"annotations":{},
          "startsAt":"2026-11-16T08:00:00.000Z","status":{"state":"suppressed","silencedBy":["s1"],"inhibitedBy":[]}}]
        """#
    static let silencesJSON = #"""
        [{"id":"s1","status":{"state":"active"},"createdBy":"alice","comment":"Acknowledged in Vigil by alice",
          "startsAt":"2026-11-16T08:05:00.000Z","endsAt":"2026-11-16T08:10:00.000Z",
          "matchers":[{"name":"alertname","value":"DiskFull","isRegex":false,"isEqual":true}]}]
        """#
    static let silenceJSON = #"""
        {"id":"s1","status":{"state":"active"},"createdBy":"alice","comment":"Acknowledged in Vigil by alice",
         "startsAt":"2026-11-16T08:05:00.000Z","endsAt":"2026-11-16T08:10:00.000Z",
         "matchers":[{"name":"alertname","value":"DiskFull","isRegex":false,"isEqual":true}]}
        """#

    @Test func anotherVigilExtendingFirstIsNotAnError() async throws {
        // The silence is about to end; between our read and our write another Vigil replaced it
        // on a member that has not told ours yet: Alertmanager answers 404 "silence not found".
        let transport = ScriptedTransport { request in
            switch (request.method, request.url.path) {
            case ("GET", "/am/api/v2/alerts"): return HTTPResponse(status: 200, body: Data(Self.alertsJSON.utf8))
            case ("GET", "/am/api/v2/silences"): return HTTPResponse(status: 200, body: Data(Self.silencesJSON.utf8))
            case ("GET", "/am/api/v2/silence/s1"): return HTTPResponse(status: 200, body: Data(Self.silenceJSON.utf8))
            case ("POST", "/am/api/v2/silences"): return HTTPResponse(status: 404, body: Data(#""silence not found""#.utf8))
            default: return HTTPResponse(status: 500, body: Data("unexpected".utf8))
            }
        }
        let token = Secret(value: "t0ken", origin: "test")
        let settings = AlertmanagerSettings(id: "am", urls: [try #require(URL(string: "http://am.example/am/"))],
                                            auth: .bearer(token), ackSilence: .seconds(300))
        let source = AlertmanagerSource(settings: settings, transport: transport)
        let now = try #require(ISO8601Timestamp.parse("2026-11-16T08:08:00Z"))
        let polled = try await source.poll(now: now)
        let snapshot = polled.snapshot

        #expect(polled.warnings.isEmpty)
        #expect(snapshot.incidents?.first?.acknowledgedBy == "alice")
        // The two lists are read at once; then the silence is checked, replaced, and the list read
        // again; last the routing tree (first poll only; its 500 here costs no warning: the alerts
        // just have no page keys).
        let log = transport.log
        #expect(Set(log.prefix(2)) == ["GET http://am.example/am/api/v2/alerts", "GET http://am.example/am/api/v2/silences"])
        #expect(Array(log.dropFirst(2)) == [
            "GET http://am.example/am/api/v2/silence/s1", "POST http://am.example/am/api/v2/silences",
            "GET http://am.example/am/api/v2/silences", "GET http://am.example/am/api/v2/status",
        ])
        let requests = transport.requests.withLock { $0 }
        #expect(requests.allSatisfy { request in
            request.headers.contains { $0.name == "Authorization" && $0.value == "Bearer t0ken" }
        })
        let post = try #require(requests.first { $0.method == "POST" })
        let body = try #require(post.body.flatMap { try JSONSerialization.jsonObject(with: $0) as? [String: Any] })
        #expect(body["id"] as? String == "s1")
        #expect(body["endsAt"] as? String == "2026-11-16T08:13:00.000Z")
        #expect(body["createdBy"] as? String == "alice")
        #expect(body["comment"] as? String == "Acknowledged in Vigil by alice")
    }

    @Test func alertmanagerErrorMessagesAreKept() {
        #expect(AlertmanagerAPI.message(in: Data(#""silence not found""#.utf8)) == "silence not found")
        #expect(AlertmanagerAPI.message(in: Data(#"{"code":602,"message":"comment in body is required"}"#.utf8))
                == "comment in body is required")
        #expect(AlertmanagerAPI.message(in: Data("bad matcher format: env!\n".utf8)) == "bad matcher format: env!")
        #expect(AlertmanagerAPI.message(in: Data()) == "(no message)")
    }
}

@Suite("Alertmanager error statuses")
struct AlertmanagerStatusTests {
    @Test("429 and 5xx are transient (with Retry-After when given); other statuses are refusals")
    func transientStatuses() throws {
        let member = try #require(URL(string: "http://am.example:9093"))
        func error(_ status: Int, _ headers: [(name: String, value: String)] = []) -> SourceError? {
            do {
                _ = try AlertmanagerAPI.check(HTTPResponse(status: status, headers: headers, body: Data(#""no""#.utf8)),
                                              from: member, doing: "create the silence")
                return nil
            } catch {
                return error
            }
        }
        #expect(error(200) == nil)
        #expect(error(503)?.isTransient == true)
        #expect(error(500)?.isTransient == true)
        let slowDown = error(429, [("Retry-After", "30")])
        #expect(slowDown?.isTransient == true)
        #expect(slowDown?.retryAfter == .seconds(30))
        #expect(error(400)?.isTransient == false)
        #expect(error(404)?.isTransient == false)
        #expect(error(400)?.message == "Alertmanager http://am.example:9093 refused to create the silence: HTTP 400: no")
    }
}

@Suite("Transport error wording")
struct TransportWordingTests {
    @Test("a pooled connection closed by a dead server reads as such, not as NIO's 'I/O on closed channel'")
    func closedChannel() throws {
        let url = try #require(URL(string: "http://127.0.0.1:9093/api/v2/alerts"))
        for error in [ChannelError.ioOnClosedChannel, .eof, .alreadyClosed] {
            let (kind, message) = AsyncHTTPTransport.describe(error, timeout: .seconds(5), target: "127.0.0.1:9093", url: url)
            #expect(kind == .unreachable)
            #expect(message == "127.0.0.1:9093 closed the connection before answering (did the server stop or restart?)")
        }
        #expect(AsyncHTTPTransport.describe(ChannelError.connectTimeout(.seconds(1)), timeout: .seconds(5),
                                            target: "127.0.0.1:9093", url: url) == (.timedOut, "timed out connecting to 127.0.0.1:9093"))
    }
}

/// Polls of unchanged alerts reuse what the last poll decoded and mapped, but only while that is
/// still right: a silence made since (the alert's bytes the same) acknowledges it at once, an
/// alert re-sent with a new end gives the same incident, a changed label a new one.
@Suite struct AlertmanagerReuseAcrossPollsTests {
    static func alerts(ends: String, team: String = "db") -> String {
        #"[{"fingerprint":"f1","labels":{"alertname":"DiskFull","service":"db","team":"\#(team)","severity":"critical"},"#
            + #""annotations":{"summary":"disk full"},"startsAt":"2026-11-16T08:00:00.000Z","endsAt":"\#(ends)","#
            + #""status":{"state":"active","silencedBy":[],"inhibitedBy":[]}}]"#
    }
    static let bobsSilence = #"""
        [{"id":"s9","status":{"state":"active"},"createdBy":"bob","comment":"looking",
          "startsAt":"2026-11-16T08:05:00.000Z","endsAt":"2026-11-16T09:05:00.000Z",
          "matchers":[{"name":"alertname","value":"DiskFull","isRegex":false,"isEqual":true}]}]
        """#

    @Test func reuseFollowsSilencesAndChanges() async throws {
        let answers = Mutex((alerts: Self.alerts(ends: "2026-11-16T08:10:00.000Z"), silences: "[]"))
        let transport = ScriptedTransport { request in
            let (alerts, silences) = answers.withLock { ($0.alerts, $0.silences) }
            switch request.url.path {
            case "/api/v2/alerts": return HTTPResponse(status: 200, body: Data(alerts.utf8))
            case "/api/v2/silences": return HTTPResponse(status: 200, body: Data(silences.utf8))
            default: return HTTPResponse(status: 404, body: Data())
            }
        }
        let settings = AlertmanagerSettings(id: "am", urls: [try #require(URL(string: "http://am.example"))], auth: .none)
        let source = AlertmanagerSource(settings: settings, transport: transport)
        let now = try #require(ISO8601Timestamp.parse("2026-11-16T08:06:00Z"))
        let first = try #require(try await source.poll(now: now).snapshot.incidents?.first)
        #expect(first.status == .triggered)
        // Bob silenced it by hand; Alertmanager has not marked the alert yet (same bytes).
        answers.withLock { $0.silences = Self.bobsSilence }
        let silenced = try #require(try await source.poll(now: now).snapshot.incidents?.first)
        #expect(silenced.status == .acknowledged && silenced.acknowledgedBy == "bob")
        // Re-sent by Prometheus: a new end, the same incident.
        answers.withLock { $0.alerts = Self.alerts(ends: "2026-11-16T08:14:00.000Z") }
        #expect(try await source.poll(now: now).snapshot.incidents == [silenced])
        // The silence expired: back to triggered though the alert's bytes did not change.
        answers.withLock { $0.silences = "[]" }
        #expect(try await source.poll(now: now).snapshot.incidents?.first?.status == .triggered)
        // A label changed: the incident shows it.
        answers.withLock { $0.alerts = Self.alerts(ends: "2026-11-16T08:14:00.000Z", team: "storage") }
        let relabelled = try #require(try await source.poll(now: now).snapshot.incidents?.first)
        #expect(relabelled.labels.contains(KeyValue("team", "storage")))
    }

    /// The storage of a list (an array equal to another but separately stored has another).
    static func storage(_ list: [Incident]?) -> UnsafeRawPointer? {
        list?.withUnsafeBufferPointer { $0.baseAddress.map(UnsafeRawPointer.init) }
    }

    /// A poll that shows the same incidents, in the same order, gives the last poll's list itself
    /// (not a copy of it held beside it); one that changes an incident, or adds or drops one,
    /// gives a new list.
    @Test func aPollThatChangesNoIncidentGivesTheLastList() async throws {
        func alert(_ f: String, ends: String, team: String = "db", started: String = "08:00") -> String {
            #"{"fingerprint":"\#(f)","labels":{"alertname":"DiskFull","service":"db","team":"\#(team)","severity":"critical"},"#
                + #""annotations":{"summary":"disk full"},"startsAt":"2026-11-16T\#(started):00.000Z","endsAt":"\#(ends)","#
                + #""status":{"state":"active","silencedBy":[],"inhibitedBy":[]}}"#
        }
        let answer = Mutex("")
        let transport = ScriptedTransport { request in
            switch request.url.path {
            case "/api/v2/alerts": return HTTPResponse(status: 200, body: Data(answer.withLock { $0 }.utf8))
            case "/api/v2/silences": return HTTPResponse(status: 200, body: Data("[]".utf8))
            default: return HTTPResponse(status: 404, body: Data())
            }
        }
        let settings = AlertmanagerSettings(id: "am", urls: [try #require(URL(string: "http://am.example"))], auth: .none)
        let source = AlertmanagerSource(settings: settings, transport: transport)
        let now = try #require(ISO8601Timestamp.parse("2026-11-16T08:06:00Z"))
        func poll(_ alerts: [String]) async throws -> [Incident] {
            answer.withLock { $0 = "[" + alerts.joined(separator: ",") + "]" }
            return try #require(try await source.poll(now: now).snapshot.incidents)
        }
        let e1 = "2026-11-16T08:10:00.000Z", e2 = "2026-11-16T08:14:00.000Z"
        let first = try await poll([alert("f1", ends: e1), alert("f2", ends: e1, started: "08:01")])
        // The same bytes, and then both re-sent with a new end: the same list.
        let same = try await poll([alert("f1", ends: e1), alert("f2", ends: e1, started: "08:01")])
        #expect(Self.storage(same) == Self.storage(first))
        let resent = try await poll([alert("f2", ends: e2, started: "08:01"), alert("f1", ends: e2)])
        #expect(Self.storage(resent) == Self.storage(first) && resent == first)
        // One incident changed: a new list, with the change.
        let changed = try await poll([alert("f1", ends: e2), alert("f2", ends: e2, team: "storage", started: "08:01")])
        #expect(Self.storage(changed) != Self.storage(first))
        #expect(changed[0] == first[0] && changed[1].labels.contains(KeyValue("team", "storage")))
        // One more alert, then one less: new lists each time.
        let more = try await poll([alert("f1", ends: e2), alert("f2", ends: e2, team: "storage", started: "08:01"),
                                   alert("f3", ends: e2, started: "08:02")])
        #expect(more.count == 3 && Self.storage(more) != Self.storage(changed))
        let fewer = try await poll([alert("f1", ends: e2), alert("f3", ends: e2, started: "08:02")])
        #expect(fewer.map(\.sourceKey) == ["f1", "f3"] && Self.storage(fewer) != Self.storage(more))
    }
}
