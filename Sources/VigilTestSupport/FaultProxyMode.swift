import Foundation

extension FaultProxy {
    /// What the proxy does with the next requests.
    public enum Mode: Sendable, Hashable, CustomStringConvertible {
        /// Forward requests and answers unchanged.
        case passThrough
        /// Answer 429 Too Many Requests with `Retry-After: <seconds>`, without asking upstream.
        case tooManyRequests(retryAfterSeconds: Int)
        /// Answer with this status (500, 503, 401, …) and a short text body, without asking upstream.
        case status(Int)
        /// Forward, but cut the answer's body after this many bytes (its Content-Length says so:
        /// the client sees a complete HTTP answer with a truncated body).
        case truncate(afterBytes: Int)
        /// Hold each request this long (at most 60 s), then forward it.
        case delay(Duration)
        /// Stop listening: connections are refused (ECONNREFUSED) until another mode is set.
        case refuse
        /// Forward requests with this method at once, and hold their answers this long (at most
        /// 60 s): the upstream acts on the request while the client times out, not knowing it
        /// did. Other requests pass through.
        case lateAnswer(Duration, method: String)

        /// The mode in a few words, for messages.
        public var description: String {
            switch self {
            case .passThrough: return "pass-through"
            case .tooManyRequests(let seconds): return "429 with Retry-After \(seconds)"
            case .status(let code): return "HTTP \(code)"
            case .truncate(let bytes): return "body cut after \(bytes) bytes"
            case .delay(let duration): return "delay \(duration)"
            case .refuse: return "refusing connections"
            case .lateAnswer(let duration, let method): return "\(method) answered after \(duration)"
            }
        }
    }

    /// One request the proxy received.
    public struct Exchange: Sendable {
        /// "GET", "POST", …
        public var method: String
        /// The path with its query.
        public var path: String
        /// When the request arrived.
        public var at: Date
        /// The mode it was handled in.
        public var mode: Mode
    }
}
