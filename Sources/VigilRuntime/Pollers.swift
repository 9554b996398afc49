import Foundation
import VigilCore
import VigilSources

/// Runs one polling task per source and performs effects that need a source. Results come back
/// to the terminal thread as events through the inbox.
public final class SourceRunner: Sendable {
    /// The sources, by id.
    public let sources: [SourceID: any Source]
    private let inbox: Inbox
    private let now: @Sendable () -> Date

    /// Creates a runner; `now` is the wall clock (injected for tests).
    public init(sources: [any Source], inbox: Inbox, now: @escaping @Sendable () -> Date = { Date() }) {
        var byID: [SourceID: any Source] = [:]
        for s in sources { byID[s.id] = s }
        self.sources = byID
        self.inbox = inbox
        self.now = now
    }

    /// Polls one source once and posts the result.
    public func pollOnce(_ source: any Source) async {
        let started = now()
        do {
            let snapshot = try await source.poll(now: started)
            inbox.post(.sourceUpdated(source.id, snapshot, at: now()))
            inbox.post(.sourceWarnings(source.id, SourceFactory.warnings(of: source)))
        } catch is CancellationError {
            return
        } catch {
            inbox.post(.sourceFailed(source.id, String(describing: error), at: now()))
        }
    }

    /// Starts a polling loop per source; cancel the returned tasks to stop. A poll never overlaps
    /// the previous one of the same source: the next starts an interval after the last ended.
    public func start() -> [Task<Void, Never>] {
        sources.values.map { source in
            Task.detached { [self] in
                while !Task.isCancelled {
                    await pollOnce(source)
                    try? await Task.sleep(for: source.pollInterval)
                }
            }
        }
    }

    /// Performs an un-acknowledgement effect: asks the source, posts its answer.
    public func unacknowledge(_ incident: Incident, by user: String) -> Task<Void, Never> {
        Task.detached { [self] in
            guard let source = sources[incident.source] else {
                inbox.post(.unackFailed(incidentID: incident.id, "source \(incident.source) is not configured"))
                return
            }
            do {
                try await source.unacknowledge(incident, by: user, now: now())
                inbox.post(.unackSucceeded(incidentID: incident.id))
            } catch {
                inbox.post(.unackFailed(incidentID: incident.id, String(describing: error)))
            }
        }
    }

    /// Performs an acknowledgement effect: asks the source, posts its answer.
    public func acknowledge(_ incident: Incident, by user: String) -> Task<Void, Never> {
        Task.detached { [self] in
            guard let source = sources[incident.source] else {
                inbox.post(.ackFailed(incidentID: incident.id, "source \(incident.source) is not configured"))
                return
            }
            do {
                let confirmation = try await source.acknowledge(incident, by: user, now: now())
                inbox.post(.ackSucceeded(incidentID: incident.id, confirmation))
            } catch {
                inbox.post(.ackFailed(incidentID: incident.id, String(describing: error)))
            }
        }
    }
}
