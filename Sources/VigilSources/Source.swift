import Foundation
import VigilCore

/// A place Vigil polls for incidents, deployments, CI runs and metric series, and that confirms
/// acknowledgements. Implementations do their own IO; the runtime calls them off the UI thread.
public protocol Source: Sendable {
    /// The configured id ("demo", "pagerduty", …).
    var id: SourceID { get }
    /// How often the runtime polls it.
    var pollInterval: Duration { get }
    /// Everything it knows as of `now`.
    func poll(now: Date) async throws -> SourceSnapshot
    /// Acknowledges an incident it owns; returns only when the source has confirmed it.
    /// Throws `SourceError` when the source refuses or cannot be reached.
    func acknowledge(_ incident: Incident, by user: String, now: Date) async throws -> AckConfirmation
    /// Takes an acknowledgement back (Alertmanager: expires the silence). Sources without the
    /// notion throw a `SourceError` saying so.
    func unacknowledge(_ incident: Incident, by user: String, now: Date) async throws
    /// The kinds of data it can provide (a panel without data names the sources that should
    /// have given it).
    var provides: Set<DataKind> { get }
    /// Whether the source keeps its own history. Alertmanager forgets resolved alerts, so Vigil
    /// records what it saw to keep MTTR, outages and pages right across restarts.
    var keepsHistory: Bool { get }
}

extension Source {
    /// By default: everything.
    public var provides: Set<DataKind> { Set(DataKind.allCases) }
    /// By default a source keeps its own history.
    public var keepsHistory: Bool { true }

    /// By default a source cannot take an acknowledgement back.
    public func unacknowledge(_ incident: Incident, by user: String, now: Date) async throws {
        throw SourceError("\(id) cannot take an acknowledgement back")
    }
}

/// Why a source call failed, in words an engineer can act on.
public struct SourceError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The message shown on the panel or next to the incident.
    public var message: String
    /// How long the server asked to be left alone (HTTP 429/503 `Retry-After`), when it said;
    /// the runner waits at least this long before polling again.
    public var retryAfter: Duration?
    /// Whether the same request may succeed later: the source could not be reached, timed out,
    /// or was overloaded (HTTP 429, 5xx). False for a refusal the same request will meet again
    /// (HTTP 4xx, "already resolved", a body that cannot be read). The acknowledgement outbox
    /// retries transient errors and gives up on the others.
    public var isTransient: Bool

    /// Messages are cut to this many characters (fuzz finding F5: a 1 MB date string in a
    /// response became a 1 MB message on a panel).
    public static let longestMessage = 600

    /// Creates an error; a message longer than `longestMessage` is cut, with "…" at the cut.
    public init(_ message: String, retryAfter: Duration? = nil, transient: Bool = false) {
        self.message = Self.bounded(message)
        self.retryAfter = retryAfter
        self.isTransient = transient
    }

    /// `message`, at most `longestMessage` characters.
    public static func bounded(_ message: String) -> String {
        // utf8.count is O(1) for native strings; only long ones are counted in characters.
        guard message.utf8.count > longestMessage, message.count > longestMessage else { return message }
        return String(message.prefix(longestMessage - 1)) + "…"
    }

    /// The same problem with more context in front ("Alertmanager am:9093: …").
    public func prefixed(_ context: String) -> SourceError {
        SourceError(context + message, retryAfter: retryAfter, transient: isTransient)
    }
    /// The message.
    public var description: String { message }
}
