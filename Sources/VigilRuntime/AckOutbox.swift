import Foundation
import VigilCore
import VigilSources
import VigilStore

/// Acknowledgements that survive anything: each is written to the store before it is sent,
/// retried with back-off while the source is unreachable, checked against the source before a
/// retry (so a retry never creates a duplicate), and marked done only when the source confirms.
public final class AckOutbox: Sendable {
    let store: VigilStore
    let sources: [SourceID: any Source]
    let inbox: Inbox
    let now: @Sendable () -> Date

    /// Creates an outbox over a store.
    public init(store: VigilStore, sources: [SourceID: any Source], inbox: Inbox,
                now: @escaping @Sendable () -> Date = { Date() }) {
        self.store = store; self.sources = sources; self.inbox = inbox; self.now = now
    }

    /// From an acknowledge / un-acknowledge effect: save first, then send. When the store cannot
    /// save, the request is still sent (and the user told it is not durable).
    @discardableResult
    public func submit(_ incident: Incident, kind: OutboxKind, by user: String) -> Task<Void, Never>? {
        do {
            let entry = try store.enqueue(incidentID: incident.id, source: incident.source, sourceKey: incident.sourceKey,
                                          kind: kind, user: user, at: now())
            return send(entry, incident)
        } catch {
            inbox.post(.storeProblem("not saved, sent once only: \(error)"))
            return unsaved(incident, kind: kind, user: user)
        }
    }

    /// Entries due for a retry, each checked against the incident as the source last reported it.
    /// `incident` answers from the latest successful poll; entries of sources that have not
    /// answered yet wait (after a restart, nothing is re-sent blind).
    public func retryDue(incident: (String) -> Incident?, answered: (SourceID) -> Bool) -> [Task<Void, Never>] {
        guard let due = try? store.due(at: now()) else { return [] }
        var tasks: [Task<Void, Never>] = []
        for entry in due where answered(entry.source) {
            let current = incident(entry.incidentID)
            if entry.needsSourceCheck {
                switch entry.check(against: current, now: now()) {
                case .alreadyDone(let confirmation):
                    _ = try? store.recordSuccess(id: entry.id, confirmation: confirmation, at: now())
                    post(success: entry, confirmation)
                    continue
                case .moot(let reason):
                    _ = try? store.abandon(id: entry.id, reason: reason, at: now())
                    post(failure: entry, reason)
                    continue
                case .send:
                    break
                }
            }
            guard let current else { continue }
            if let task = send(entry, current) { tasks.append(task) }
        }
        return tasks
    }

    /// Pending entries, to show them as "acknowledging…" again after a restart.
    public func pending() -> [OutboxEntry] { (try? store.pending()) ?? [] }

    private func send(_ entry: OutboxEntry, _ incident: Incident) -> Task<Void, Never>? {
        guard let claimed = try? store.beginAttempt(id: entry.id, at: now()) else { return nil }
        guard let source = sources[incident.source] else {
            _ = try? store.abandon(id: claimed.id, reason: "source \(incident.source) is not configured", at: now())
            post(failure: claimed, "source \(incident.source) is not configured")
            return nil
        }
        return Task.detached { [self] in
            do {
                switch claimed.kind {
                case .acknowledge:
                    let confirmation = try await source.acknowledge(incident, by: claimed.user, now: now())
                    _ = try? store.recordSuccess(id: claimed.id, confirmation: confirmation, at: now())
                    post(success: claimed, confirmation)
                case .unacknowledge:
                    try await source.unacknowledge(incident, by: claimed.user, now: now())
                    _ = try? store.recordSuccess(id: claimed.id, confirmation: nil, at: now())
                    post(success: claimed, nil)
                }
            } catch {
                let message = String(describing: error)
                if Self.isTransient(error) {
                    let next = (try? store.recordFailure(id: claimed.id, error: message, at: now()))?.nextAttemptAt
                    inbox.post(.ackRetrying(incidentID: claimed.incidentID, message, next: next ?? now()))
                } else {
                    _ = try? store.abandon(id: claimed.id, reason: message, at: now())
                    post(failure: claimed, message)
                }
            }
        }
    }

    /// Without a store: one attempt, as before there was an outbox.
    private func unsaved(_ incident: Incident, kind: OutboxKind, user: String) -> Task<Void, Never>? {
        guard let source = sources[incident.source] else { return nil }
        return Task.detached { [self] in
            do {
                if kind == .acknowledge {
                    inbox.post(.ackSucceeded(incidentID: incident.id, try await source.acknowledge(incident, by: user, now: now())))
                } else {
                    try await source.unacknowledge(incident, by: user, now: now())
                    inbox.post(.unackSucceeded(incidentID: incident.id))
                }
            } catch {
                inbox.post(kind == .acknowledge ? .ackFailed(incidentID: incident.id, String(describing: error))
                                                : .unackFailed(incidentID: incident.id, String(describing: error)))
            }
        }
    }

    private func post(success entry: OutboxEntry, _ confirmation: AckConfirmation?) {
        switch entry.kind {
        case .acknowledge:
            inbox.post(.ackSucceeded(incidentID: entry.incidentID,
                                     confirmation ?? AckConfirmation(by: entry.user, at: now())))
        case .unacknowledge:
            inbox.post(.unackSucceeded(incidentID: entry.incidentID))
        }
    }

    private func post(failure entry: OutboxEntry, _ message: String) {
        inbox.post(entry.kind == .acknowledge ? .ackFailed(incidentID: entry.incidentID, message)
                                              : .unackFailed(incidentID: entry.incidentID, message))
    }

    /// Whether retrying can help: the source could not be reached or was overloaded, as opposed
    /// to a refusal ("already resolved", 4xx) that the same request will meet again. Sources say
    /// which (`SourceError.isTransient`); anything else did not come from the source's answer (a
    /// cancellation at shutdown, say), so the acknowledgement is kept and tried again.
    static func isTransient(_ error: any Error) -> Bool {
        (error as? SourceError)?.isTransient ?? true
    }
}
