import Foundation
import Testing
import VigilCore
import VigilSources
import VigilTestSupport

/// The silences view against a real Alertmanager: every silence in force with what it silences
/// (a maintenance window that silences nothing among them), extending one in place, expiring one.
@Suite(.serialized, .timeLimit(.minutes(2)))
struct AlertmanagerSilencesTests {
    @Test func silencesWithWhatTheySilenceAndExtendAndExpire() async throws {
        let am = try await AlertmanagerServer.start()
        defer { am.stop() }
        let labels = ["alertname": "DiskFull", "service": "db", "severity": "warning", "instance": "db-0"]
        try am.post([AlertmanagerServer.Alert(labels: labels, annotations: ["summary": "disk 97%"])])
        let source = AlertmanagerSource(settings: AlertmanagerSettings(id: "am", urls: [am.url], timeout: .seconds(5)),
                                        transport: AsyncHTTPTransport.shared)
        let ack = try am.createSilence(["alertname": "DiskFull", "instance": "db-0"], createdBy: "bob",
                                       comment: "looking at it", duration: 3_600)
        let idle = try am.createSilence(["alertname": "Reindex", "service": "search"], createdBy: "carol",
                                        comment: "search reindex maintenance", duration: 7_200)

        // Alertmanager marks the alert silenced once it has processed the silence.
        var silences: [SilenceInfo] = []
        for _ in 0..<100 {
            silences = try await source.poll(now: Date()).snapshot.silences ?? []
            if silences.first(where: { $0.id == ack })?.silencing.isEmpty == false { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        let alertID = try #require(try await source.poll(now: Date()).snapshot.incidents?.first?.id)
        let bobs = try #require(silences.first { $0.id == ack })
        #expect(bobs.createdBy == "bob" && bobs.comment == "looking at it" && !bobs.isVigil && bobs.state == "active")
        #expect(bobs.matchers == [#"alertname="DiskFull""#, #"instance="db-0""#])
        #expect(bobs.silencing == [alertID])
        let carols = try #require(silences.first { $0.id == idle })
        #expect(carols.silencing.isEmpty)                    // the one that silences nothing

        // Extend bob's by an hour: the same silence (same id), ending an hour later.
        let now = Date()
        let extended = try await source.changeSilence(.extend(seconds: 3_600), id: ack, by: "alice", now: now)
        #expect(extended.id == ack)
        #expect(abs(extended.endsAt.timeIntervalSince(bobs.endsAt) - 3_600) < 1)
        #expect(extended.createdBy == "bob")                 // still bob's
        let listed = try #require(try am.silences().first { $0.id == ack })
        #expect(listed.state == "active")

        // Expire carol's: Alertmanager has it expired; the next poll lists it no more.
        let expired = try await source.changeSilence(.expire, id: idle, by: "alice", now: Date())
        #expect(expired.state == "expired")
        #expect(try am.silences().first { $0.id == idle }?.state == "expired")
        #expect(try await source.poll(now: Date()).snapshot.silences?.contains { $0.id == idle } == false)

        // An expired one, or one Alertmanager never had, is refused with a reason.
        await #expect(throws: SourceError.self) { try await source.changeSilence(.expire, id: idle, by: "alice", now: Date()) }
        do {
            _ = try await source.changeSilence(.extend(seconds: 60), id: "00000000-0000-0000-0000-000000000000", by: "a",
                                               now: Date())
            Issue.record("an unknown silence was extended")
        } catch let error as SourceError {
            #expect(error.message.contains("not known"), "\(error.message)")
        }
    }
}
