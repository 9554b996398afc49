import Foundation

/// Why a source call failed: a kind, set where the failure happened (the transport, a decoder,
/// the source), and a message in words an engineer can act on. Panels, the outbox's retry
/// decision and the wall's stale bar decide by `kind`; the message is for people only.
public struct SourceError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of failure it was.
    public enum Kind: Sendable, Hashable {
        /// No connection could be made or it broke (host or network unreachable, reset, closed).
        case unreachable
        /// The connection was refused: nothing listens there.
        case refused
        /// No answer in time.
        case timedOut
        /// TLS failed (certificate, protocol).
        case tls
        /// The host name did not resolve.
        case dns
        /// The server answered with an HTTP status that is none of the kinds below.
        case httpStatus(Int)
        /// The server asked to be left alone (HTTP 429, or a quota at zero) until `until`, when it said.
        case rateLimited(until: Date?)
        /// The credentials were missing or wrong (HTTP 401).
        case unauthorised
        /// The credentials are valid but not allowed to do this (HTTP 403).
        case forbidden
        /// The answer could not be read: not JSON, a missing field, a value out of range.
        case malformed
        /// The answer was larger than Vigil accepts.
        case tooLarge
        /// The source cannot do what was asked (an action it does not offer).
        case notSupported
        /// The source refused the request for a reason the same request will meet again
        /// ("already resolved", "no longer fires", a bad request).
        case rejected
    }

    /// What kind of failure it was.
    public var kind: Kind
    /// The message shown on the panel or next to the incident.
    public var message: String
    /// How long the server asked to be left alone (HTTP 429/503 `Retry-After`), when it said;
    /// the runner waits at least this long before polling again.
    public var retryAfter: Duration?

    /// Messages are cut to this many characters (fuzz finding F5: a 1 MB date string in a
    /// response became a 1 MB message on a panel).
    public static let longestMessage = 600

    /// Creates an error; a message longer than `longestMessage` is cut, with "…" at the cut.
    public init(_ kind: Kind, _ message: String, retryAfter: Duration? = nil) {
        self.kind = kind
        self.message = Self.bounded(message)
        self.retryAfter = retryAfter
    }

    /// Whether the same request may succeed later: the source could not be reached, timed out,
    /// or was overloaded (rate limited, HTTP 5xx). False for a refusal the same request will
    /// meet again (4xx, "already resolved", a body that cannot be read). The outbox retries
    /// transient errors and gives up on the others.
    public var isTransient: Bool { kind.isTransient }

    /// `message`, at most `longestMessage` characters.
    public static func bounded(_ message: String) -> String {
        // utf8.count is O(1) for native strings; only long ones are counted in characters.
        guard message.utf8.count > longestMessage, message.count > longestMessage else { return message }
        return String(message.prefix(longestMessage - 1)) + "…"
    }

    /// The same problem with more context in front ("Alertmanager am:9093: …").
    public func prefixed(_ context: String) -> SourceError {
        SourceError(kind, context + message, retryAfter: retryAfter)
    }

    /// The kind an HTTP status means: 401 unauthorised, 403 forbidden, 429 rate limited (until
    /// `now + retryAfter` when the server said), 413 too large, anything else its status.
    public static func kind(ofStatus status: Int, retryAfter: Duration? = nil, now: Date = Date()) -> Kind {
        switch status {
        case 401: return .unauthorised
        case 403: return .forbidden
        case 413: return .tooLarge
        case 429: return .rateLimited(until: retryAfter.map { now.addingTimeInterval($0.seconds) })
        default: return .httpStatus(status)
        }
    }

    /// The message.
    public var description: String { message }
}

extension SourceError.Kind {
    /// Whether retrying can help (see `SourceError.isTransient`).
    public var isTransient: Bool {
        switch self {
        case .unreachable, .refused, .timedOut, .dns, .rateLimited: return true
        case .httpStatus(let status): return status >= 500 || status == 408
        case .tls, .unauthorised, .forbidden, .malformed, .tooLarge, .notSupported, .rejected: return false
        }
    }

    /// A few words for a narrow badge: "connection refused", "HTTP 500", "rate limited".
    public var label: String {
        switch self {
        case .unreachable: return "unreachable"
        case .refused: return "connection refused"
        case .timedOut: return "timed out"
        case .tls: return "TLS error"
        case .dns: return "DNS lookup failed"
        case .httpStatus(let status): return "HTTP \(status)"
        case .rateLimited: return "rate limited"
        case .unauthorised: return "unauthorised"
        case .forbidden: return "forbidden"
        case .malformed: return "malformed response"
        case .tooLarge: return "response too large"
        case .notSupported: return "not supported"
        case .rejected: return "refused by the source"
        }
    }
}

extension Duration {
    /// The duration in seconds, with its fraction.
    public var seconds: Double {
        let (s, atto) = components
        return Double(s) + Double(atto) / 1e18
    }

}
