#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import Synchronization
import Testing
import VigilCore
@testable import VigilSources

/// Huge responses (100 MB) are refused with a message, not loaded: the real transport and the
/// real sources, with the limits they use by default, against a loopback server that streams a
/// 100 MB body generated on the fly (it never holds the body either).
///
/// Each scenario runs in a child process of its own (an exit test), so its memory can be
/// measured without the other suites of this process in the way: resident set size from
/// `/proc/self/statm`, sampled every 2 ms while the request runs. The child prints what
/// happened as one JSON line; the checks are made here.
@Suite("Huge payloads are refused, not loaded")
struct HugePayloadTests {
    static let hundredMB = 100 << 20

    /// The limits the sources use by default.
    static let prometheusLimit = PrometheusSource(
        settings: PrometheusSettings(id: "p", url: URL(fileURLWithPath: "/")), transport: UnusedTransport()).maxBodyBytes
    static let alertmanagerListLimit = AlertmanagerAPI.listLimit
    static let alertmanagerItemLimit = AlertmanagerAPI.itemLimit

    /// Largest growth of resident memory allowed while one 100 MB answer is refused: the 32 MB
    /// the transport may buffer before it refuses, and room for the client's own buffers and
    /// threads (about 40 MB in all, measured).
    static let memoryBound = 64 << 20

    @Test("the default limits are far below 100 MB")
    func limits() {
        #expect(Self.prometheusLimit <= 32 << 20)
        #expect(Self.alertmanagerListLimit <= 32 << 20)
        #expect(Self.alertmanagerItemLimit <= 1 << 20)
    }

    @Test("100 MB with a Content-Length is refused at once, from the header",
          arguments: [HugePayloadTests.prometheusLimit, HugePayloadTests.alertmanagerListLimit,
                      HugePayloadTests.alertmanagerItemLimit])
    func declared(limit: Int) async throws {
        let outcome = try #require(await Scenario.send(.contentLength, limit: limit).inChild())
        #expect(outcome.message.contains("larger than \(AsyncHTTPTransport.formatBytes(limit)) (100 MB) refused"),
                "\(outcome.message)")
        #expect(outcome.message.contains("127.0.0.1:\(outcome.port)"), "\(outcome.message)")
        #expect(outcome.elapsed < .seconds(5), "took \(outcome.elapsed)")
        #expect(outcome.growth < Self.memoryBound, "resident memory grew by \(outcome.growth >> 20) MB")
        // Refused from the header: the client stopped reading long before 100 MB.
        #expect(outcome.sent < Self.hundredMB / 2, "the server sent \(outcome.sent >> 20) MB")
    }

    @Test("100 MB without a Content-Length (chunked, or until close) is refused once past the limit",
          arguments: [StreamingServer.Framing.chunked, .untilClose])
    func streamed(framing: StreamingServer.Framing) async throws {
        let limit = Self.prometheusLimit
        let outcome = try #require(await Scenario.send(framing, limit: limit).inChild())
        #expect(outcome.message.contains("larger than \(AsyncHTTPTransport.formatBytes(limit)) refused"), "\(outcome.message)")
        #expect(outcome.message.contains("127.0.0.1:\(outcome.port)"), "\(outcome.message)")
        #expect(outcome.elapsed < .seconds(30), "took \(outcome.elapsed)")
        #expect(outcome.growth < Self.memoryBound, "resident memory grew by \(outcome.growth >> 20) MB")
        #expect(outcome.sent < Self.hundredMB, "the whole 100 MB was read: \(outcome.sent >> 20) MB")
        print("huge payload, \(framing.testDescription): \(outcome)")
    }

    @Test("a gzip bomb (about 100 kB that inflates to 100 MB) is refused", .enabled(if: Gzip.available))
    func gzipBomb() async throws {
        let outcome = try #require(await Scenario.gzipBomb.inChild())
        #expect(outcome.message.contains("refused") || outcome.message.contains("could not be decompressed"),
                "\(outcome.message)")
        #expect(outcome.message.contains("127.0.0.1:\(outcome.port)"), "\(outcome.message)")
        #expect(outcome.elapsed < .seconds(30), "took \(outcome.elapsed)")
        #expect(outcome.growth < Self.memoryBound, "resident memory grew by \(outcome.growth >> 20) MB")
        print("gzip bomb: \(outcome)")
    }

    @Test("a gzip stream that inflates to 100 MB at an ordinary ratio is refused by the size limit",
          .enabled(if: Gzip.available))
    func gzipStream() async throws {
        let outcome = try #require(await Scenario.gzipStream.inChild())
        #expect(outcome.message.contains("larger than \(AsyncHTTPTransport.formatBytes(Self.prometheusLimit)) refused"),
                "\(outcome.message)")
        #expect(outcome.elapsed < .seconds(30), "took \(outcome.elapsed)")
        #expect(outcome.growth < Self.memoryBound, "resident memory grew by \(outcome.growth >> 20) MB")
        print("gzip stream: \(outcome)")
    }

    @Test("the Prometheus source reports a 100 MB answer as a failed query, named")
    func prometheusSource() async throws {
        let outcome = try #require(await Scenario.prometheusSource.inChild())
        #expect(outcome.message.contains("coverage query failed"), "the failing query is named: \(outcome.message)")
        #expect(outcome.message.contains("larger than 32 MB refused"), "\(outcome.message)")
        // A range and an instant query run at once: two bodies (of 100 MB each) may be filling.
        #expect(outcome.growth < 96 << 20, "resident memory grew by \(outcome.growth >> 20) MB")
        print("Prometheus source: \(outcome)")
    }

    @Test("the Alertmanager source reports a 100 MB alert list as an error naming the member")
    func alertmanagerSource() async throws {
        let outcome = try #require(await Scenario.alertmanagerSource.inChild())
        #expect(outcome.message.contains("larger than 32 MB refused"), "\(outcome.message)")
        #expect(outcome.message.contains("127.0.0.1:\(outcome.port)"), "\(outcome.message)")
        // Alerts and silences are fetched at once: two bodies (of 100 MB each) may be filling.
        #expect(outcome.growth < 96 << 20, "resident memory grew by \(outcome.growth >> 20) MB")
        print("Alertmanager source: \(outcome)")
    }
}

/// What one scenario did, as the child process reports it.
struct HugePayloadOutcome: Codable, Sendable, CustomStringConvertible {
    /// The error message ("" if there was none).
    var message: String
    var elapsedNanoseconds: Int64
    /// Largest growth of resident memory while the request ran, in bytes.
    var growth: Int
    /// Body bytes the server managed to send.
    var sent: Int
    /// The server's port (messages name it).
    var port: Int

    var elapsed: Duration { .nanoseconds(elapsedNanoseconds) }

    var description: String {
        "refused after \(elapsed), the server sent \(sent >> 20) MB, resident memory grew \(growth >> 20) MB: \(message)"
    }

    static let marker = "HUGE-PAYLOAD-OUTCOME "
}

/// One way of answering with 100 MB, and what is asked of it.
enum Scenario: Codable, Sendable {
    /// `AsyncHTTPTransport.send(_:maxBodyBytes:)` with `limit`, against 100 MB framed so.
    case send(StreamingServer.Framing, limit: Int)
    case gzipBomb
    case gzipStream
    case prometheusSource
    case alertmanagerSource

    /// Runs in a child process; the outcome it printed, or nil (an issue is recorded) if it
    /// did not finish cleanly.
    func inChild() async -> HugePayloadOutcome? {
        let result = await #expect(processExitsWith: .success, observing: [\.standardOutputContent]) { [scenario = self as Scenario] in
            let outcome = await scenario.run()
            let json = (try? JSONEncoder().encode(outcome)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
            print(HugePayloadOutcome.marker + json)
        }
        guard let output = result?.standardOutputContent else { return nil }
        let text = String(decoding: output, as: UTF8.self)
        guard let line = text.split(separator: "\n").last(where: { $0.hasPrefix(HugePayloadOutcome.marker) }),
              let outcome = try? JSONDecoder().decode(HugePayloadOutcome.self,
                                                      from: Data(line.dropFirst(HugePayloadOutcome.marker.count).utf8))
        else {
            Issue.record("the child process printed no outcome: \(text.suffix(2_000))")
            return nil
        }
        return outcome
    }

    /// Starts the server, makes the request, measures (in the child).
    func run() async -> HugePayloadOutcome {
        let server: StreamingServer
        do {
            switch self {
            case .send(let framing, _):
                server = try StreamingServer(bodySize: HugePayloadTests.hundredMB, framing: framing)
            case .gzipBomb:
                server = try StreamingServer(body: try Gzip.compress(command: "head -c \(HugePayloadTests.hundredMB) /dev/zero"),
                                             contentEncoding: "gzip")
            case .gzipStream:
                // Base64 of random bytes compresses about 4:3, so the decompression ratio limit
                // does not trip and the body limit has to. gzip runs as a pipeline, relayed.
                server = try StreamingServer(command: "head -c \(HugePayloadTests.hundredMB * 3 / 4) /dev/urandom | base64 -w 0 | gzip -1",
                                             contentEncoding: "gzip")
            case .prometheusSource, .alertmanagerSource:
                server = try StreamingServer(bodySize: HugePayloadTests.hundredMB, framing: .chunked)
            }
        } catch {
            return HugePayloadOutcome(message: "no server: \(error)", elapsedNanoseconds: 0, growth: 0, sent: 0, port: 0)
        }
        defer { server.stop() }
        let transport = AsyncHTTPTransport(connectTimeout: .seconds(5))
        let clock = ContinuousClock()
        let started = clock.now
        let (message, growth) = await ResidentMemory.growth { () -> String in
            do {
                switch self {
                case .send(_, let limit):
                    let response = try await transport.send(HTTPRequest(url: server.url, timeout: .seconds(60)), maxBodyBytes: limit)
                    return "accepted: \(response.body.count) bytes"
                case .gzipBomb, .gzipStream:
                    let response = try await transport.send(HTTPRequest(url: server.url, timeout: .seconds(60)),
                                                            maxBodyBytes: HugePayloadTests.prometheusLimit)
                    return "accepted: \(response.body.count) bytes"
                case .prometheusSource:
                    let settings = PrometheusSettings(id: "prom", url: server.url, timeout: .seconds(30),
                                                      queries: [PrometheusQuery(feed: .coverage, promql: "avg(coverage)")],
                                                      lookback: .seconds(86_400))
                    _ = try await PrometheusSource(settings: settings, transport: transport).poll(now: Date())
                    return "accepted"
                case .alertmanagerSource:
                    let settings = AlertmanagerSettings(id: "am", urls: [server.url], timeout: .seconds(30))
                    _ = try await AlertmanagerSource(settings: settings, transport: transport).poll(now: Date())
                    return "accepted"
                }
            } catch let error as SourceError {
                return error.message
            } catch {
                return "not a SourceError: \(type(of: error)): \(error)"
            }
        }
        let elapsed = clock.now - started
        try? await transport.shutdown()
        let (seconds, attoseconds) = elapsed.components
        return HugePayloadOutcome(message: message, elapsedNanoseconds: seconds * 1_000_000_000 + attoseconds / 1_000_000_000,
                                  growth: growth, sent: server.bodyBytesSent, port: server.port)
    }
}

/// A transport that is never used (for reading a source's default limit).
private struct UnusedTransport: HTTPTransport {
    func send(_ request: HTTPRequest, maxBodyBytes: Int) async throws -> HTTPResponse {
        throw SourceError(.notSupported, "not used")
    }
}

/// Resident set size from /proc/self/statm, sampled while an operation runs.
enum ResidentMemory {
    static let pageSize = Int(sysconf(Int32(_SC_PAGESIZE)))

    /// Current resident set size in bytes (0 where /proc is missing).
    static func current() -> Int {
        guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
        let fields = text.split(separator: " ")
        guard fields.count > 1, let pages = Int(fields[1]) else { return 0 }
        return pages * pageSize
    }

    /// Runs `body`, sampling RSS every 2 ms; returns its result and the largest growth seen.
    static func growth<T: Sendable>(_ body: @Sendable () async -> T) async -> (T, Int) {
        let before = current()
        let state = Sampling(before)
        let sampler = Thread {
            while !state.done.withLock({ $0 }) {
                let now = current()
                state.peak.withLock { $0 = max($0, now) }
                usleep(2_000)
            }
        }
        sampler.start()
        let result = await body()
        let after = current()
        state.done.withLock { $0 = true }
        state.peak.withLock { $0 = max($0, after) }
        return (result, state.peak.withLock { $0 } - before)
    }

    private final class Sampling: Sendable {
        let peak: Mutex<Int>
        let done = Mutex(false)
        init(_ start: Int) { peak = Mutex(start) }
    }
}

/// gzip, for compressed answers (run as a child process, so the test needs no zlib binding).
enum Gzip {
    static let available = FileManager.default.isExecutableFile(atPath: "/bin/sh")
        && ["/bin/gzip", "/usr/bin/gzip"].contains { FileManager.default.isExecutableFile(atPath: $0) }

    /// The gzip of what `command` writes (for small compressed results: it is held in memory).
    static func compress(command: String) throws -> [UInt8] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", "\(command) | gzip -c -9"]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return [UInt8](data)
    }
}

/// An HTTP server on 127.0.0.1 that answers every request with a large body made on the fly:
/// a repeated 64 kB block, a small fixed body, or the output of a shell pipeline relayed as it
/// comes. Each connection gets its own thread; a connection ends when the body is sent or the
/// client goes away. Counts the body bytes it managed to send.
final class StreamingServer: Sendable {
    enum Framing: String, Codable, Sendable, CustomTestStringConvertible {
        /// `Content-Length: <size>`.
        case contentLength
        /// `Transfer-Encoding: chunked`, 64 kB chunks.
        case chunked
        /// No length at all: the body ends when the connection closes.
        case untilClose

        var testDescription: String {
            switch self {
            case .contentLength: return "Content-Length"
            case .chunked: return "chunked"
            case .untilClose: return "until close"
            }
        }
    }

    private enum Body: Sendable {
        case generated(size: Int)
        case fixed([UInt8])
        case command(String)
    }

    private final class Counter: Sendable {
        let value = Mutex(0)
    }

    let port: Int
    private let fd: Int32
    private let stopped = Mutex(false)
    private let sent = Counter()

    var url: URL { URL(string: "http://127.0.0.1:\(port)/") ?? URL(fileURLWithPath: "/") }

    /// Body bytes written to clients so far.
    var bodyBytesSent: Int { sent.value.withLock { $0 } }

    /// `bodySize` bytes of JSON-looking text, framed as asked.
    convenience init(bodySize: Int, framing: Framing) throws {
        try self.init(body: .generated(size: bodySize), framing: framing, contentEncoding: nil)
    }

    /// A fixed (small) body with a Content-Encoding, sent with its Content-Length.
    convenience init(body: [UInt8], contentEncoding: String) throws {
        try self.init(body: .fixed(body), framing: .contentLength, contentEncoding: contentEncoding)
    }

    /// The output of `/bin/sh -c command`, relayed chunked as it comes.
    convenience init(command: String, contentEncoding: String) throws {
        try self.init(body: .command(command), framing: .chunked, contentEncoding: contentEncoding)
    }

    private init(body: Body, framing: Framing, contentEncoding: String?) throws {
        let listener = try Self.listen()
        fd = listener.fd
        port = listener.port
        let sent = self.sent
        let socket = listener.fd
        let thread = Thread {
            while true {
                let connection = accept(socket, nil, nil)
                guard connection >= 0 else {
                    if errno == EINTR { continue }
                    close(socket)  // only this thread closes it, so the number is never reused under it
                    return
                }
                Thread {
                    Self.serve(connection, body: body, framing: framing, contentEncoding: contentEncoding, sent: sent)
                    close(connection)
                }.start()
            }
        }
        thread.start()
    }

    /// Stops accepting connections (those being served end when their client goes away).
    func stop() {
        let wasRunning = stopped.withLock { stopped -> Bool in
            defer { stopped = true }
            return !stopped
        }
        if wasRunning { shutdown(fd, Int32(SHUT_RDWR)) }
    }

    deinit { stop() }

    // MARK: Serving

    /// 64 kB of alerts the size of real ones (~1 kB), each followed by a comma: the body is an
    /// alert list that never ends, so a client that decodes it as it streams in keeps decoding
    /// until the size limit stops it. The first block opens the list.
    private static let block: [UInt8] = {
        let description = String(repeating: "The checkout service answers slowly; see the runbook. ", count: 14)
        let item = Array(("{\"fingerprint\":\"0123456789abcdef\",\"startsAt\":\"2026-11-26T14:00:00Z\","
            + "\"labels\":{\"alertname\":\"CheckoutLatencyHigh\",\"service\":\"checkout\",\"severity\":\"critical\"},"
            + "\"annotations\":{\"description\":\"\(description)\"}},").utf8)
        var out: [UInt8] = [0x20]
        while out.count + item.count <= 65_536 { out += item }
        out += [UInt8](repeating: 0x20, count: 65_536 - out.count)
        return out
    }()
    private static let firstBlock: [UInt8] = { var out = block; out[0] = UInt8(ascii: "["); return out }()

    private static func serve(_ connection: Int32, body: Body, framing: Framing, contentEncoding: String?, sent: Counter) {
        readHead(connection)
        var head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
        if let contentEncoding { head += "Content-Encoding: \(contentEncoding)\r\n" }
        switch (framing, body) {
        case (.contentLength, .generated(let size)): head += "Content-Length: \(size)\r\n"
        case (.contentLength, .fixed(let bytes)): head += "Content-Length: \(bytes.count)\r\n"
        case (.chunked, _): head += "Transfer-Encoding: chunked\r\n"
        default: break
        }
        head += "Connection: close\r\n\r\n"
        guard write(connection, Array(head.utf8)[...]) else { return }

        func emit(_ bytes: ArraySlice<UInt8>) -> Bool {
            let ok: Bool
            if framing == .chunked {
                ok = write(connection, Array((String(bytes.count, radix: 16) + "\r\n").utf8)[...])
                    && write(connection, bytes) && write(connection, Array("\r\n".utf8)[...])
            } else {
                ok = write(connection, bytes)
            }
            if ok { sent.value.withLock { $0 += bytes.count } }
            return ok
        }

        switch body {
        case .generated(let size):
            var remaining = size
            while remaining > 0 {
                let count = min(remaining, block.count)
                guard emit((remaining == size ? firstBlock : block)[0..<count]) else { return }
                remaining -= count
            }
        case .fixed(let bytes):
            guard emit(bytes[...]) else { return }
        case .command(let command):
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/bin/sh")
            process.arguments = ["-c", command]
            let pipe = Pipe()
            process.standardOutput = pipe
            process.standardError = FileHandle.nullDevice
            guard (try? process.run()) != nil else { return }
            let reader = pipe.fileHandleForReading
            defer {
                // Closing the pipe ends the pipeline (its writers get EPIPE); then reap it.
                try? reader.close()
                process.waitUntilExit()
            }
            while true {
                let data = reader.readData(ofLength: 65_536)
                if data.isEmpty { break }
                guard emit([UInt8](data)[...]) else { return }
            }
        }
        if framing == .chunked { _ = write(connection, Array("0\r\n\r\n".utf8)[...]) }
    }

    private static func write(_ connection: Int32, _ bytes: ArraySlice<UInt8>) -> Bool {
        bytes.withUnsafeBytes { raw -> Bool in
            var offset = 0
            while offset < raw.count {
                let n = send(connection, raw.baseAddress.map { $0 + offset }, raw.count - offset, Int32(MSG_NOSIGNAL))
                if n < 0, errno == EINTR { continue }
                guard n > 0 else { return false }
                offset += n
            }
            return true
        }
    }

    /// Reads the request head (up to the blank line), at most 64 kB, waiting at most 5 s.
    private static func readHead(_ connection: Int32) {
        var limit = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(connection, SOL_SOCKET, SO_RCVTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4_096)
        let end = Array("\r\n\r\n".utf8)
        while received.count < 65_536 {
            let count = buffer.withUnsafeMutableBytes { recv(connection, $0.baseAddress, $0.count, 0) }
            guard count > 0 else { return }
            received += buffer[0..<count]
            if received.count >= 4, (0...(received.count - 4)).contains(where: { Array(received[$0..<$0 + 4]) == end }) {
                return
            }
        }
    }

    private static func listen() throws -> (fd: Int32, port: Int) {
        #if canImport(Glibc)
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        #else
        let fd = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard fd >= 0 else { throw SourceError(.unreachable, "socket(): \(String(cString: strerror(errno)))") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        #if canImport(Glibc)
        let listening = Glibc.listen(fd, 16)
        #else
        let listening = Darwin.listen(fd, 16)
        #endif
        guard bound == 0, listening == 0 else {
            let message = String(cString: strerror(errno))
            close(fd)
            throw SourceError(.unreachable, "could not listen on 127.0.0.1: \(message)")
        }
        var actual = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &actual) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        return (fd, Int(UInt16(bigEndian: actual.sin_port)))
    }
}
