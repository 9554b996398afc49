import Foundation
import Logging
import Synchronization
import VigilCore
import VigilLog

/// Wraps a source's transport and logs each request at `trace` (`vigil --log-level trace`):
/// method, URL, status, duration, the sizes sent and received, the rate-limit headers, and the
/// first bytes of an error's body; a request that fails without an answer is logged with why.
/// URLs, header values and bodies pass through `Redaction` (the file handler redacts the whole
/// line again). Costs nothing below `trace` but one level check per request.
public struct TracingTransport: HTTPTransport {
    /// The transport that sends.
    public let base: any HTTPTransport
    /// The logger, with the source's name as metadata.
    public let logger: Logger

    /// How much of an error's body is logged.
    public static let bodyPrefix = 300

    /// Logs `base`'s requests for source `source`.
    public init(_ base: any HTTPTransport, source: String) {
        self.base = base
        self.logger = VigilLogging.logger("vigil.http", metadata: ["source": .string(source)])
    }

    /// Logs through `logger` (tests).
    public init(_ base: any HTTPTransport, logger: Logger) {
        self.base = base
        self.logger = logger
    }

    public func send(_ request: HTTPRequest, maxBodyBytes: Int) async throws -> HTTPResponse {
        guard logger.logLevel <= .trace else { return try await base.send(request, maxBodyBytes: maxBodyBytes) }
        let started = ContinuousClock.now
        do {
            let response = try await base.send(request, maxBodyBytes: maxBodyBytes)
            trace(request, response, received: response.body.count, since: started)
            return response
        } catch {
            traceFailure(request, error, since: started)
            throw error
        }
    }

    public func stream(_ request: HTTPRequest, maxBodyBytes: Int, to sink: any HTTPBodySink) async throws -> HTTPResponse {
        guard logger.logLevel <= .trace else { return try await base.stream(request, maxBodyBytes: maxBodyBytes, to: sink) }
        let started = ContinuousClock.now
        let counting = CountingSink(sink)
        do {
            let response = try await base.stream(request, maxBodyBytes: maxBodyBytes, to: counting)
            trace(request, response, received: response.body.count + counting.count, since: started)
            return response
        } catch {
            traceFailure(request, error, since: started)
            throw error
        }
    }

    private func trace(_ request: HTTPRequest, _ response: HTTPResponse, received: Int, since started: ContinuousClock.Instant) {
        var metadata: Logger.Metadata = [
            "method": .string(request.method), "url": .string(Redaction.url(request.url)),
            "status": .stringConvertible(response.status),
            "duration_ms": .stringConvertible(VigilLogging.milliseconds(since: started)),
            "sent_bytes": .stringConvertible(request.body?.count ?? 0), "received_bytes": .stringConvertible(received),
        ]
        for (name, value) in response.headers where Self.isRateLimit(name) {
            metadata[name.lowercased()] = .string(Redaction.header(name, value))
        }
        if !(200..<300).contains(response.status), !response.body.isEmpty {
            let prefix = String(decoding: response.body.prefix(Self.bodyPrefix), as: UTF8.self)
            metadata["body"] = .string(Redaction.line(prefix) + (response.body.count > Self.bodyPrefix ? "…" : ""))
        }
        logger.trace("HTTP \(request.method) \(response.status)", metadata: metadata)
    }

    private func traceFailure(_ request: HTTPRequest, _ error: any Error, since started: ContinuousClock.Instant) {
        logger.trace("HTTP \(request.method) failed", metadata: [
            "method": .string(request.method), "url": .string(Redaction.url(request.url)),
            "duration_ms": .stringConvertible(VigilLogging.milliseconds(since: started)),
            "error": .string(Redaction.line((error as? HTTPBodyRejected)?.error.message ?? (error as? SourceError)?.message
                                            ?? "\(error)")),
        ])
    }

    /// Rate-limit headers: GitHub's `x-ratelimit-*`, PagerDuty's `ratelimit-*`, `retry-after`.
    static func isRateLimit(_ name: String) -> Bool {
        let lower = name.lowercased()
        return lower.hasPrefix("x-ratelimit-") || lower.hasPrefix("ratelimit") || lower == "retry-after"
    }
}

/// Passes a body on and counts its bytes.
private final class CountingSink: HTTPBodySink {
    let sink: any HTTPBodySink
    private let total = Mutex(0)
    init(_ sink: any HTTPBodySink) { self.sink = sink }
    var count: Int { total.withLock { $0 } }
    func receive(_ bytes: UnsafeRawBufferPointer) throws(SourceError) {
        total.withLock { $0 += bytes.count }
        try sink.receive(bytes)
    }
}
