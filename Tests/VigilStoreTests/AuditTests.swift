import Foundation
import Testing
import VigilCore
@testable import VigilStore

@Suite struct AuditTests {
    @Test func formatAlignsColumnsForVigilLog() {
        let entries = [
            AuditEntry(at: t0, user: "alice", incidentID: "PD-Q1QHMKT", source: "demo", action: .acknowledge,
                       outcome: .confirmed, message: "acknowledged by alice at 21:04"),
            AuditEntry(at: t0.addingTimeInterval(65), user: "bo", incidentID: "AM-e75db90e", source: "alertmanager",
                       action: .unacknowledge, outcome: .failed, message: "connection refused; next attempt in 2.0 s"),
            AuditEntry(at: t0.addingTimeInterval(70), user: "bo", incidentID: "AM-1", source: "am",
                       action: .acknowledge, outcome: .queued, message: ""),
        ]
        #expect(VigilStore.format(entries) == """
            2026-11-26 21:04:11Z  alice  acknowledge    PD-Q1QHMKT   demo          confirmed  acknowledged by alice at 21:04
            2026-11-26 21:05:16Z  bo     unacknowledge  AM-e75db90e  alertmanager  failed     connection refused; next attempt in 2.0 s
            2026-11-26 21:05:21Z  bo     acknowledge    AM-1         am            queued
            """)
        #expect(VigilStore.format([]) == "")
    }

    @Test func formatNeutralisesControlCharactersFromSourceMessages() {
        let entry = AuditEntry(at: t0, user: "eve\u{1B}[2J", incidentID: "X", source: "s", action: .acknowledge,
                               outcome: .failed, message: "bad\nline\u{07}\u{9B}31m")
        let text = VigilStore.format([entry])
        #expect(!text.unicodeScalars.contains { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) })
        #expect(text == "2026-11-26 21:04:11Z  eve?[2J  acknowledge  X  s  failed  bad line??31m")
    }

    @Test func everyStepOfAnAcknowledgementIsLoggedWithWhoWhatWhenAndTheAnswer() throws {
        let store = try VigilStore.inMemory(random: { 1 })
        let e = try store.enqueue(incidentID: "PD-Q1QHMKT", source: "demo", sourceKey: "Q1QHMKT", kind: .acknowledge,
                                  user: "alice", at: t0)
        _ = try store.beginAttempt(id: e.id, at: t0)
        try store.recordFailure(id: e.id, error: "HTTP 503", at: t0.addingTimeInterval(1))
        _ = try store.beginAttempt(id: e.id, at: t0.addingTimeInterval(3))
        try store.recordSuccess(id: e.id, confirmation: ActionConfirmation(by: "alice", at: t0.addingTimeInterval(4)),
                                at: t0.addingTimeInterval(4))
        let log = try store.auditLog()
        #expect(log.map(\.outcome) == [.queued, .sending, .failed, .sending, .confirmed])
        #expect(log.allSatisfy { $0.user == "alice" && $0.incidentID == "PD-Q1QHMKT" && $0.source == "demo"
                                 && $0.action == .acknowledge && $0.outboxID == e.id })
        #expect(log.map(\.message) == ["", "attempt 1", "HTTP 503; next attempt in 2.0 s", "attempt 2",
                                       "acknowledged by alice at 21:04"])
        #expect(log.map(\.at) == [t0, t0, t0.addingTimeInterval(1), t0.addingTimeInterval(3), t0.addingTimeInterval(4)])
        // Newest last, limited.
        #expect(try store.auditLog(limit: 2).map(\.outcome) == [.sending, .confirmed])
        #expect(try store.auditLog(limit: 0).isEmpty)
        #expect(VigilStore.format(try store.auditLog(limit: 1))
                == "2026-11-26 21:04:15Z  alice  acknowledge  PD-Q1QHMKT  demo  confirmed  acknowledged by alice at 21:04")
    }
}
