import Foundation
import Synchronization
import VigilCore
import VigilLog

/// One HTTP request, as a source builds it.
public struct HTTPRequest: Sendable {
    /// "GET", "POST", "DELETE", …
    public var method: String
    /// The full URL including the query.
    public var url: URL
    /// Headers, in order. Secrets go here (Authorization), never in the URL.
    public var headers: [(name: String, value: String)]
    /// The body, if any.
    public var body: Data?
    /// Give up after this long (connect + response).
    public var timeout: Duration

    /// Creates a request.
    public init(method: String = "GET", url: URL, headers: [(name: String, value: String)] = [], body: Data? = nil,
                timeout: Duration = .seconds(10)) {
        self.method = method; self.url = url; self.headers = headers; self.body = body; self.timeout = timeout
    }
}

extension HTTPRequest {
    /// `base` (trailing slashes dropped) + `path` + the query, every name and value
    /// percent-encoded but for RFC 3986's unreserved characters (so PagerDuty's `statuses[]` and
    /// GitHub's `created=>=DAY` arrive as sent).
    public static func url(_ base: URL, _ path: String, _ query: [(String, String)]) -> URL {
        var text = base.absoluteString
        while text.hasSuffix("/") { text.removeLast() }
        text += path
        if !query.isEmpty {
            text += "?" + query.map { "\(percentEncoded($0.0))=\(percentEncoded($0.1))" }.joined(separator: "&")
        }
        return URL(string: text) ?? base
    }

    /// `s` with everything but RFC 3986's unreserved characters percent-encoded.
    public static func percentEncoded(_ s: String) -> String {
        s.addingPercentEncoding(withAllowedCharacters: unreserved) ?? s
    }

    private static let unreserved = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-._~"))
}

/// One HTTP response.
public struct HTTPResponse: Sendable {
    /// Status code.
    public var status: Int
    /// Headers, in order (names as received).
    public var headers: [(name: String, value: String)]
    /// The body (at most the transport's limit).
    public var body: Data

    /// Creates a response.
    public init(status: Int, headers: [(name: String, value: String)] = [], body: Data = Data()) {
        self.status = status; self.headers = headers; self.body = body
    }

    /// The first header with this name, case-insensitively.
    public func header(_ name: String) -> String? {
        headers.first { $0.name.caseInsensitiveCompare(name) == .orderedSame }?.value
    }

    /// How long the server asks the client to wait, from the `Retry-After` header of a 429 or
    /// 503 answer: delay-seconds ("120") or an HTTP date ("Wed, 21 Oct 2026 07:28:00 GMT",
    /// counted from `now`). Nil for other statuses, a missing or unreadable header, or a date
    /// already past.
    public func retryAfter(now: Date) -> Duration? {
        guard status == 429 || status == 503,
              let value = header("Retry-After")?.trimmingCharacters(in: .whitespaces), !value.isEmpty else { return nil }
        if value.allSatisfy(\.isASCII), value.allSatisfy(\.isNumber) {
            // More digits than an Int64 holds is "a very long time", not garbage.
            return .seconds(min(Int64(value) ?? Int64.max, 999_999_999))
        }
        let format = DateFormatter()
        format.locale = Locale(identifier: "en_US_POSIX")
        format.timeZone = TimeZone(identifier: "GMT")
        format.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        guard let date = format.date(from: value) else { return nil }
        let seconds = date.timeIntervalSince(now)
        guard seconds > 0, seconds.isFinite else { return nil }
        return .seconds(Int64(min(seconds.rounded(.up), 9e8)))
    }
}

/// Collects what servers said during one poll about when to come back (`Retry-After` on a 429
/// or 503), so the poll runner can wait at least that long whatever error message the source
/// builds from the answer. The runner binds `current` around a poll; transports record into it.
public final class RetryAfterRecorder: Sendable {
    /// The recorder of the poll running in this task (nil outside a scheduled poll).
    @TaskLocal public static var current: RetryAfterRecorder?

    private let longest = Mutex<Duration?>(nil)

    /// Creates an empty recorder.
    public init() {}

    /// Records a wait the server asked for; the longest one is kept.
    public func record(_ wait: Duration) {
        longest.withLock { current in current = max(current ?? wait, wait) }
    }

    /// The longest wait asked for so far, if any.
    public var retryAfter: Duration? { longest.withLock { $0 } }
}

/// Sends requests. Sources talk HTTP only through this, so tests can put a fault-injecting or
/// recording transport in front of a real server.
public protocol HTTPTransport: Sendable {
    /// Sends a request and returns the response, whatever its status. Throws `SourceError` with a
    /// message an engineer can act on for transport failures: "timed out after 10s",
    /// "connection refused (127.0.0.1:9093)", "response larger than 10 MB refused", TLS errors.
    /// Bodies above `maxBodyBytes` are refused without being loaded. A transport records a
    /// 429/503 answer's `Retry-After` into `RetryAfterRecorder.current`.
    func send(_ request: HTTPRequest, maxBodyBytes: Int) async throws -> HTTPResponse

    /// Sends a request like `send`, but hands the body of a 2xx answer to `sink` piece by piece
    /// as it arrives instead of collecting it (the returned response's body is then empty), so
    /// a large list is decoded while it streams in and never held whole. Other answers are
    /// collected as `send` does. What `sink` throws comes out as `HTTPBodyRejected`, never as
    /// a transport failure. The default collects the body with `send` and hands it over at once.
    func stream(_ request: HTTPRequest, maxBodyBytes: Int, to sink: any HTTPBodySink) async throws -> HTTPResponse
}

/// Receives a successful answer's body as it arrives (`HTTPTransport.stream`).
public protocol HTTPBodySink: AnyObject, Sendable {
    /// The next piece of the body. Throws to stop reading: the answer is not what was expected.
    func receive(_ bytes: UnsafeRawBufferPointer) throws(SourceError)
}

/// What an `HTTPBodySink` threw, passed on unchanged by the transport: the answer arrived but
/// was wrong, which is not the same as the server being unreachable.
public struct HTTPBodyRejected: Error, Sendable {
    /// The sink's error.
    public var error: SourceError
}

extension HTTPTransport {
    public func stream(_ request: HTTPRequest, maxBodyBytes: Int, to sink: any HTTPBodySink) async throws -> HTTPResponse {
        let response = try await send(request, maxBodyBytes: maxBodyBytes)
        guard (200..<300).contains(response.status) else { return response }
        do {
            try response.body.withUnsafeBytes { bytes in try sink.receive(bytes) }
        } catch let error as SourceError {
            throw HTTPBodyRejected(error: error)
        }
        return HTTPResponse(status: response.status, headers: response.headers, body: Data())
    }
}

/// A secret (token, password) read from an environment variable or a file. Its description is
/// always redacted, so it cannot leak into a log line, an error message or the screen.
public struct Secret: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible {
    /// The secret itself. Use only to build a request header.
    public let value: String
    /// Where it came from, for messages ("env PROM_TOKEN", "file /etc/vigil/am-password").
    public let origin: String

    /// Creates a secret, and registers it so that it never appears in the log (`Redaction`).
    public init(value: String, origin: String) {
        self.value = value; self.origin = origin
        Redaction.register(value)
    }

    /// Always redacted.
    public var description: String { "<secret from \(origin)>" }
    /// Always redacted.
    public var debugDescription: String { description }
}

/// How a source authenticates.
public enum HTTPAuth: Sendable, Hashable {
    /// No authentication.
    case none
    /// `Authorization: Bearer <token>`.
    case bearer(Secret)
    /// `Authorization: Basic base64(user:password)`.
    case basic(username: String, password: Secret)

    /// The header to send, if any.
    public var header: (name: String, value: String)? {
        switch self {
        case .none: return nil
        case .bearer(let token): return ("Authorization", "Bearer \(token.value)")
        case .basic(let user, let password):
            return ("Authorization", "Basic " + Data("\(user):\(password.value)".utf8).base64EncodedString())
        }
    }
}

extension Secret: CustomReflectable {
    /// `dump` and debuggers see where the secret came from, never its value.
    public var customMirror: Mirror { Mirror(self, children: ["origin": origin]) }
}
