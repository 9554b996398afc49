import AsyncHTTPClient
import Foundation
import VigilCore
import NIOCore
import NIOHTTP1
import NIOPosix

/// The production `HTTPTransport`: AsyncHTTPClient on NIO's process-wide event loop group.
///
/// Every failure becomes a `SourceError` whose message says what happened and where, in words an
/// engineer can act on ("connection refused (127.0.0.1:9090)", "timed out after 10s waiting for
/// prometheus:9090", "TLS error talking to …", "DNS lookup of … failed"). Messages name only the
/// host and port: never the path, the query, user info from the URL or a header value.
///
/// Use `AsyncHTTPTransport.shared` in the application: it lives for the whole process and never
/// needs shutting down. A transport made with `init(connectTimeout:)` owns its client and must be
/// shut down with `shutdown()` before it is released.
public final class AsyncHTTPTransport: HTTPTransport {
    /// The process-wide transport. Never shut down.
    public static let shared = AsyncHTTPTransport(client: makeClient(connectTimeout: .seconds(10)), owned: false)

    private let client: HTTPClient
    private let owned: Bool

    /// Creates a transport with its own client; call `shutdown()` when done with it.
    /// - Parameter connectTimeout: the longest a TCP (and TLS) connect may take; each request's
    ///   own `timeout` bounds the whole exchange as well.
    public convenience init(connectTimeout: Duration = .seconds(10)) {
        self.init(client: Self.makeClient(connectTimeout: connectTimeout), owned: true)
    }

    private init(client: HTTPClient, owned: Bool) {
        self.client = client
        self.owned = owned
    }

    /// Shuts down a transport made with `init(connectTimeout:)`. Does nothing for `shared`.
    public func shutdown() async throws {
        guard owned else { return }
        try await client.shutdown()
    }

    private static func makeClient(connectTimeout: Duration) -> HTTPClient {
        var configuration = HTTPClient.Configuration(
            // Redirects are returned to the source, not followed: following one could send the
            // Authorization header to another host.
            redirectConfiguration: .disallow,
            timeout: .init(connect: timeAmount(connectTimeout)),
            decompression: .enabled(limit: .ratio(200)))
        // Fail a request at once when its connection cannot be made, instead of retrying until the
        // deadline: "connection refused" is the message the engineer needs.
        configuration.connectionPool.retryConnectionEstablishment = false
        return HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }

    /// Sends `request`; the whole exchange (connect, response head and body) must finish within
    /// `request.timeout`. Bodies larger than `maxBodyBytes` are refused: at once when the
    /// Content-Length says so, otherwise as soon as more than that has arrived. The `Retry-After`
    /// of a 429 or 503 answer is recorded into `RetryAfterRecorder.current`.
    public func send(_ request: HTTPRequest, maxBodyBytes: Int) async throws -> HTTPResponse {
        try await exchange(request, maxBodyBytes: maxBodyBytes, sink: nil)
    }

    /// As `send`, with a 2xx answer's body handed to `sink` as it arrives.
    public func stream(_ request: HTTPRequest, maxBodyBytes: Int, to sink: any HTTPBodySink) async throws -> HTTPResponse {
        try await exchange(request, maxBodyBytes: maxBodyBytes, sink: sink)
    }

    private func exchange(_ request: HTTPRequest, maxBodyBytes: Int, sink: (any HTTPBodySink)?) async throws -> HTTPResponse {
        let target = Self.target(of: request.url)
        var outgoing = HTTPClientRequest(url: request.url.absoluteString)
        outgoing.method = HTTPMethod(rawValue: request.method.uppercased())
        for header in request.headers {
            outgoing.headers.add(name: header.name, value: header.value)
        }
        if !outgoing.headers.contains(name: "Accept-Encoding") {
            outgoing.headers.add(name: "Accept-Encoding", value: "gzip, deflate")
        }
        if let body = request.body {
            outgoing.body = .bytes(ByteBuffer(bytes: body))
        }
        let prepared = outgoing
        let timeout = request.timeout
        let client = self.client
        do {
            return try await withThrowingTaskGroup(of: HTTPResponse?.self) { group in
                group.addTask {
                    let response = try await client.execute(prepared, timeout: Self.timeAmount(timeout))
                    return try await Self.collect(response, maxBodyBytes: maxBodyBytes, target: target, sink: sink)
                }
                group.addTask {
                    try await Task.sleep(for: timeout)
                    return nil
                }
                defer { group.cancelAll() }
                guard let first = try await group.next(), let response = first else {
                    throw SourceError(.timedOut, Self.timedOut(timeout, target: target))
                }
                if let wait = response.retryAfter(now: Date()) { RetryAfterRecorder.current?.record(wait) }
                return response
            }
        } catch let error as SourceError {
            throw error
        } catch let error as HTTPBodyRejected {
            throw error
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            if Task.isCancelled { throw CancellationError() }
            let (kind, message) = Self.describe(error, timeout: timeout, target: target, url: request.url)
            throw SourceError(kind, message)
        }
    }

    private static func collect(_ response: HTTPClientResponse, maxBodyBytes: Int,
                                target: String, sink: (any HTTPBodySink)?) async throws -> HTTPResponse {
        let status = Int(response.status.code)
        let headers = response.headers.map { (name: $0.name, value: $0.value) }
        // A compressed body only grows when it is decoded, so the declared length is a lower bound.
        let declared = response.headers.first(name: "Content-Length").flatMap(Int.init)
        if let length = declared, length > maxBodyBytes {
            throw SourceError(.tooLarge, tooLarge(maxBodyBytes, target: target, declared: length))
        }
        let streaming = (200..<300).contains(status) ? sink : nil
        var body = Data()
        // Room for the declared length at once, rather than doubling (and copying) as it arrives.
        if streaming == nil, let length = declared, length > 0 { body.reserveCapacity(length) }
        var received = 0
        for try await buffer in response.body {
            received += buffer.readableBytes
            guard received <= maxBodyBytes else {
                throw SourceError(.tooLarge, tooLarge(maxBodyBytes, target: target, declared: nil))
            }
            if let streaming {
                do {
                    try buffer.withUnsafeReadableBytes { bytes in try streaming.receive(bytes) }
                } catch let error as SourceError {
                    throw HTTPBodyRejected(error: error)
                }
            } else {
                body.append(contentsOf: buffer.readableBytesView)
            }
        }
        return HTTPResponse(status: status, headers: headers, body: body)
    }

    // MARK: Messages

    /// "host:port" of a URL, without user info, path or query.
    static func target(of url: URL) -> String {
        let host = url.host ?? "?"
        let shownHost = host.contains(":") ? "[\(host)]" : host
        let port = url.port ?? (url.scheme?.lowercased() == "https" ? 443 : 80)
        return "\(shownHost):\(port)"
    }

    static func timedOut(_ timeout: Duration, target: String) -> String {
        "timed out after \(format(timeout)) waiting for \(target)"
    }

    static func tooLarge(_ limit: Int, target: String, declared: Int?) -> String {
        let size = declared.map { " (\(formatBytes($0)))" } ?? ""
        return "response from \(target) larger than \(formatBytes(limit))\(size) refused"
    }

    /// Turns an AsyncHTTPClient / NIO error into its kind and a message naming what failed.
    static func describe(_ error: any Error, timeout: Duration, target: String, url: URL) -> (SourceError.Kind, String) {
        let (kind, message) = classify(error, timeout: timeout, target: target, url: url)
        return (kind, redact(message, url: url))
    }

    private static func classify(_ error: any Error, timeout: Duration, target: String,
                                 url: URL) -> (SourceError.Kind, String) {
        if let error = error as? HTTPClientError {
            switch error {
            case .deadlineExceeded, .readTimeout, .writeTimeout, .getConnectionFromPoolTimeout:
                return (.timedOut, timedOut(timeout, target: target))
            case .connectTimeout:
                return (.timedOut, "timed out connecting to \(target)")
            case .tlsHandshakeTimeout:
                return (.tls, "TLS handshake with \(target) timed out")
            case .remoteConnectionClosed:
                return (.unreachable, "\(target) closed the connection before answering")
            case .invalidURL, .emptyHost, .emptyScheme:
                return (.notSupported, "invalid URL for \(target): check the source's url")
            default:
                if let scheme = url.scheme?.lowercased(), scheme != "http", scheme != "https" {
                    return (.notSupported, "unsupported URL scheme '\(scheme)': use http or https")
                }
                return (.unreachable, "request to \(target) failed: \(error)")
            }
        } else if let error = error as? NIOConnectionError {
            return describe(error, target: target)
        } else if let error = error as? IOError {
            return describe(errno: error.errnoCode, target: target) ?? (.unreachable, "request to \(target) failed: \(error)")
        } else if let error = error as? ChannelError {
            switch error {
            case .connectTimeout:
                return (.timedOut, "timed out connecting to \(target)")
            case .ioOnClosedChannel, .alreadyClosed, .eof, .outputClosed, .inputClosed:
                // A pooled connection to a server that has since died or restarted: NIO says
                // "I/O on closed channel", which tells an engineer nothing.
                return (.unreachable, "\(target) closed the connection before answering (did the server stop or restart?)")
            default:
                return (.unreachable, "request to \(target) failed: \(error)")
            }
        } else if String(reflecting: Swift.type(of: error)).contains("DecompressionError") {
            return (.tooLarge, "the compressed response from \(target) could not be decompressed (\(error)); "
                + "it may be larger than allowed")
        } else if isTLSError(error) {
            return (.tls, describeTLS(error, target: target))
        } else if error is SocketAddressError || error is SocketAddressError.UnknownHost {
            return (.dns, "DNS lookup of \(url.host ?? target) failed: check the host name")
        }
        return (.unreachable, "request to \(target) failed: \(error)")
    }

    private static func describe(_ error: NIOConnectionError, target: String) -> (SourceError.Kind, String) {
        if error.dnsAError != nil || error.dnsAAAAError != nil, error.connectionErrors.isEmpty {
            return (.dns, "DNS lookup of \(error.host) failed: check the host name")
        }
        for failure in error.connectionErrors {
            if let io = failure.error as? IOError, let described = describe(errno: io.errnoCode, target: target) {
                return described
            }
            if let channel = failure.error as? ChannelError, case .connectTimeout = channel {
                return (.timedOut, "timed out connecting to \(target)")
            }
        }
        if error.connectionErrors.isEmpty {
            return (.dns, "DNS lookup of \(error.host) found no address: check the host name")
        }
        return (.unreachable, "could not connect to \(target): \(error)")
    }

    private static func describe(errno code: Int32, target: String) -> (SourceError.Kind, String)? {
        switch code {
        case ECONNREFUSED: return (.refused, "connection refused (\(target)): is the server running and listening there?")
        case ECONNRESET: return (.unreachable, "connection reset by \(target)")
        case EHOSTUNREACH: return (.unreachable, "host unreachable (\(target))")
        case ENETUNREACH: return (.unreachable, "network unreachable (\(target))")
        case ETIMEDOUT: return (.timedOut, "timed out connecting to \(target)")
        case EPIPE: return (.unreachable, "\(target) closed the connection while the request was being sent")
        default: return nil
        }
    }

    /// A TLS failure in one line: BoringSSL's reason code, and what it usually means.
    static func describeTLS(_ error: any Error, target: String) -> String {
        let text = String(describing: error)
        if text.contains("failedToValidateHostname") {
            return "TLS error talking to \(target): the certificate is not for this host name"
        }
        var reason = ""
        if let range = text.range(of: "OPENSSL_internal:") {
            reason = String(text[range.upperBound...].prefix { $0.isLetter || $0.isNumber || $0 == "_" })
        }
        switch reason {
        case "WRONG_VERSION_NUMBER", "HTTP_REQUEST", "PACKET_LENGTH_TOO_LONG":
            return "TLS error talking to \(target): it does not speak TLS on this port (should the url be http://?)"
        case "CERTIFICATE_VERIFY_FAILED":
            return "TLS error talking to \(target): its certificate is not trusted (CERTIFICATE_VERIFY_FAILED); if it is "
                + "signed by your own CA, add that CA to the system's store (Debian/Ubuntu: copy it to "
                + "/usr/local/share/ca-certificates/ and run update-ca-certificates)"
        case "":
            let name = text.prefix { $0 != "(" && $0 != ":" }
            return "TLS error talking to \(target): \(name)"
        default:
            return "TLS error talking to \(target): \(reason)"
        }
    }

    private static func isTLSError(_ error: any Error) -> Bool {
        let type = String(reflecting: Swift.type(of: error))
        return type.contains("NIOSSL") || type.contains("BoringSSL") || type.contains("TLS")
    }

    /// Removes user info from a message, in case an underlying error echoed the URL.
    private static func redact(_ message: String, url: URL) -> String {
        var out = message
        for secret in [url.password, url.user].compactMap({ $0 }) where !secret.isEmpty {
            out = out.replacingOccurrences(of: secret, with: "<redacted>")
        }
        return out
    }

    static func timeAmount(_ duration: Duration) -> TimeAmount {
        .nanoseconds(Int64((duration.seconds * 1e9).rounded()))
    }

    /// "10s", "2.5s", "500ms".
    static func format(_ duration: Duration) -> String {
        let millis = Int64((duration.seconds * 1_000).rounded(.down))
        if millis < 1000 { return "\(millis)ms" }
        if millis % 1000 == 0 { return "\(millis / 1000)s" }
        return String(format: "%.1fs", Double(millis) / 1000)
    }

    static func formatBytes(_ bytes: Int) -> String {
        if bytes >= 1 << 20, bytes % (1 << 20) == 0 { return "\(bytes >> 20) MB" }
        if bytes >= 1 << 20 { return String(format: "%.1f MB", Double(bytes) / Double(1 << 20)) }
        if bytes >= 1 << 10, bytes % (1 << 10) == 0 { return "\(bytes >> 10) kB" }
        if bytes >= 1 << 10 { return String(format: "%.1f kB", Double(bytes) / Double(1 << 10)) }
        return "\(bytes) bytes"
    }
}
