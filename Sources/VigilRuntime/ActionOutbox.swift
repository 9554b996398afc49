import Foundation
import Synchronization
import VigilCore
import VigilSources
import VigilStore
import Logging
import VigilLog

/// The one way an action (acknowledge, resolve, a note…) reaches a source: written to the store
/// before it is sent, retried with back-off while the source is unreachable, checked against the
/// source before a retry (so a retry never does it twice), recorded in the audit log, and marked
/// done only when the source confirms it. Without a store on disk the runtime gives it a
/// volatile one (`VigilStore.volatile()`): the same path, only not kept across a restart.
public final class ActionOutbox: Sendable {
    let store: VigilStore
    let sources: [SourceID: any Source]
    let inbox: Inbox
    let now: @Sendable () -> Date
    /// Where actions go when `store` cannot save them (a disk that filled up since start).
    private let fallback = Mutex<VigilStore?>(nil)

    /// Creates an outbox over a store.
    public init(store: VigilStore, sources: [SourceID: any Source], inbox: Inbox,
                now: @escaping @Sendable () -> Date = { Date() }) {
        self.store = store; self.sources = sources; self.inbox = inbox; self.now = now
    }

    /// From an `Effect.act`: save first, then send. When the store cannot save (the disk filled
    /// up), the action goes through a volatile store instead, on the same path, and the user is
    /// told it will not survive a restart.
    @discardableResult
    public func submit(_ action: IncidentAction, on incident: Incident, by user: String) -> Task<Void, Never>? {
        func enqueue(_ store: VigilStore) throws(StoreError) -> OutboxEntry {
            try store.enqueue(incidentID: incident.id, source: incident.source, sourceKey: incident.sourceKey,
                              kind: action.kind, argument: action.argument, user: user, at: now())
        }
        do {
            return send(try enqueue(store), incident, in: store)
        } catch {
            inbox.post(.storeProblem("not saved to disk, kept in memory until sent: \(error)"))
            do {
                let volatile = try fallback.withLock { (held: inout VigilStore?) throws(StoreError) -> VigilStore in
                    if let held { return held }
                    let made = try VigilStore.volatile()
                    held = made
                    return made
                }
                return send(try enqueue(volatile), incident, in: volatile)
            } catch {
                inbox.post(.actionFailed(incidentID: incident.id, action,
                                         SourceError(.rejected, "not sent: it could not be recorded (\(error))")))
                return nil
            }
        }
    }

    /// The stores actions are in: the durable one, and the volatile one once it was needed.
    private var stores: [VigilStore] { [store] + (fallback.withLock { $0 }.map { [$0] } ?? []) }

    /// Entries due for a retry, each checked against the incident as the source last reported it.
    /// `incident` answers from the latest successful poll; entries of sources that have not
    /// answered yet wait (after a restart, nothing is re-sent blind).
    public func retryDue(incident: (String) -> Incident?, answered: (SourceID) -> Bool) -> [Task<Void, Never>] {
        stores.flatMap { retryDue(in: $0, incident: incident, answered: answered) }
    }

    private func retryDue(in store: VigilStore, incident: (String) -> Incident?,
                          answered: (SourceID) -> Bool) -> [Task<Void, Never>] {
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
                    post(failure: entry, SourceError(.rejected, reason))
                    continue
                case .send:
                    break
                }
            }
            guard let current else { continue }
            if let task = send(entry, current, in: store) { tasks.append(task) }
        }
        return tasks
    }

    /// Pending entries, to show them as on their way again after a restart.
    public func pending() -> [OutboxEntry] { stores.flatMap { (try? $0.pending()) ?? [] } }

    private func send(_ entry: OutboxEntry, _ incident: Incident, in store: VigilStore) -> Task<Void, Never>? {
        guard let claimed = try? store.beginAttempt(id: entry.id, at: now()) else { return nil }
        guard let action = claimed.action else {
            let reason = "the saved \(claimed.kind.noun) of \(claimed.incidentID) has no valid value"
            _ = try? store.abandon(id: claimed.id, reason: reason, at: now())
            post(failure: claimed, SourceError(.rejected, reason))
            return nil
        }
        guard let source = sources[incident.source] else {
            let reason = "source \(incident.source) is not configured"
            _ = try? store.abandon(id: claimed.id, reason: reason, at: now())
            post(failure: claimed, SourceError(.notSupported, reason))
            return nil
        }
        let log = Self.log(claimed, incident)
        return Task.detached { [self] in
            let started = ContinuousClock.now
            log.info("action sent", metadata: ["attempt": .stringConvertible(claimed.attempts)])
            do {
                let confirmation = try await source.perform(action, on: incident, by: claimed.user, now: now())
                log.info("action confirmed", metadata: ["by": .string(confirmation.by),
                                                        "duration_ms": .stringConvertible(VigilLogging.milliseconds(since: started))])
                // Taking an acknowledgement back records no "by": nobody acknowledged anything.
                let recorded = action == .unacknowledge ? nil : confirmation
                _ = try? store.recordSuccess(id: claimed.id, confirmation: recorded, at: now())
                inbox.post(.actionConfirmed(incidentID: claimed.incidentID, action, confirmation))
            } catch {
                let failure = Self.sourceError(error)
                var metadata: Logger.Metadata = ["kind": .string(failure.kind.label), "error": .string(failure.message),
                                                 "duration_ms": .stringConvertible(VigilLogging.milliseconds(since: started))]
                if failure.isTransient {
                    let next = (try? store.recordFailure(id: claimed.id, error: failure.message, at: now()))?.nextAttemptAt
                    if let next { metadata["retry_at"] = .string(ISO8601DateFormatter().string(from: next)) }
                    log.warning("action failed, will retry", metadata: metadata)
                    inbox.post(.actionRetrying(incidentID: claimed.incidentID, action, failure, next: next ?? now()))
                } else {
                    log.error("action refused", metadata: metadata)
                    _ = try? store.abandon(id: claimed.id, reason: failure.message, at: now())
                    post(failure: claimed, failure)
                }
            }
        }
    }

    /// The logger of one action: the source, the incident, what and by whom.
    static func log(_ entry: OutboxEntry, _ incident: Incident) -> Logger {
        VigilLogging.logger("vigil.action", metadata: [
            "source": .string(incident.source), "incident": .string(entry.incidentID),
            "action": .string(entry.kind.noun), "user": .string(entry.user),
        ])
    }

    private func post(success entry: OutboxEntry, _ confirmation: ActionConfirmation?) {
        guard let action = entry.action else { return }
        inbox.post(.actionConfirmed(incidentID: entry.incidentID, action,
                                    confirmation ?? ActionConfirmation(by: entry.user, at: now())))
    }

    private func post(failure entry: OutboxEntry, _ error: SourceError) {
        inbox.post(.actionFailed(incidentID: entry.incidentID, entry.action ?? .acknowledge, error))
    }

    /// The error as a `SourceError`. Sources throw nothing else for a refusal; anything else did
    /// not come from the source's answer (a cancellation at shutdown, say), so it counts as the
    /// source not being reached, and the action is kept and tried again.
    static func sourceError(_ error: any Error) -> SourceError {
        (error as? SourceError) ?? SourceError(.unreachable, String(describing: error))
    }
}
