import Foundation
import Synchronization
import VigilCore

/// Which PagerDuty incident each alert paged under (one problem, one row), for one Alertmanager
/// source: its routing tree, read at the first poll and every `refresh` (a reload changes the
/// routes), and each alert's page keys, computed once per fingerprint (labels never change
/// under one) and looked up after.
///
/// A member that does not answer leaves the tree as it was, and an unreadable tree gives no keys:
/// the alerts then do not merge into pages, which is the safe way to be wrong.
public final class AlertmanagerPageKeys: Sendable {
    /// How often the running configuration is read again.
    static let refresh: TimeInterval = 300

    /// What the last read of the routing tree found.
    public enum Summary: Sendable, Equatable {
        /// The receivers that page PagerDuty (maybe none).
        case routes(receivers: Set<String>)
        /// Why it could not be read.
        case unread(String)
    }

    private struct State {
        var text: String?
        var routes: AlertmanagerRoutes?
        var readAt: Date?
        /// Why the last read failed, if it did.
        var problem: String?
        /// By fingerprint (pruned when it outgrows the alerts of a poll, so it cannot grow for good).
        var keys: [String: [String]] = [:]
    }

    private let state = Mutex(State())

    init() {}

    /// What the last read found (nil before the first).
    public var summary: Summary? {
        state.withLock { s in
            if let problem = s.problem { return .unread(problem) }
            return s.routes.map { .routes(receivers: $0.pagingReceivers) }
        }
    }

    /// The page keys of the alerts by fingerprint (empty for an alert that does not page; may
    /// hold alerts of earlier polls), reading the configuration with `read` when it is due.
    func keys(for alerts: PolledAlerts, now: Date,
              read: () async throws -> String) async -> [String: [String]] {
        let due = state.withLock { s in s.readAt.map { now.timeIntervalSince($0) >= Self.refresh || now < $0 } ?? true }
        if due {
            let answer: Result<String, any Error>
            do { answer = .success(try await read()) } catch { answer = .failure(error) }
            state.withLock { s in
                s.readAt = now
                switch answer {
                case .failure(let error):
                    s.problem = (error as? SourceError)?.message ?? "\(error)"
                case .success(let text):
                    s.problem = nil
                    guard text != s.text else { return }
                    s.text = text
                    s.keys = [:]
                    do { s.routes = try AlertmanagerRoutes(configuration: text) } catch {
                        s.routes = nil
                        s.problem = "\(error)"
                    }
                }
            }
        }
        return state.withLock { s in
            guard let routes = s.routes, routes.pages else { return [:] }
            for k in alerts.indices {
                let fingerprint = alerts.fingerprint(k)
                if s.keys[fingerprint] == nil { s.keys[fingerprint] = routes.pageKeys(for: alerts.labels(k).dictionary) }
            }
            if s.keys.count > 2 * alerts.count + 1_024 {
                let current = Set(alerts.indices.map { alerts.fingerprint($0) })
                s.keys = s.keys.filter { fingerprint, _ in current.contains(fingerprint) }
            }
            return s.keys
        }
    }
}
