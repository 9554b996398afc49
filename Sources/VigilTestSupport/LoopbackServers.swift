#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import Synchronization

// MARK: - Loopback sockets

/// A TCP listener on 127.0.0.1 that accepts connections into its backlog and never answers:
/// a server that hangs. Requests to it time out. Closed by `close()` or on deinit.
public final class SilentListener: Sendable {
    /// The port it listens on.
    public let port: Int
    private let fd: Int32
    private let closed = Mutex(false)

    /// Opens the listener on a free port.
    public init() throws {
        let socket = try LoopbackSocket.listen(backlog: 64)
        self.fd = socket.fd
        self.port = socket.port
    }

    /// `http://127.0.0.1:<port>/`.
    public var url: URL { URL(string: "http://127.0.0.1:\(port)/") ?? URL(fileURLWithPath: "/") }

    /// Stops listening.
    public func close() {
        let wasOpen = closed.withLock { closed -> Bool in
            defer { closed = true }
            return !closed
        }
        if wasOpen {
            #if canImport(Glibc)
            _ = Glibc.close(fd)
            #else
            _ = Darwin.close(fd)
            #endif
        }
    }

    deinit { close() }
}

/// Plain-socket helpers, so test support needs no HTTP library.
enum LoopbackSocket {
    struct Problem: Error { var message: String }

    /// A listening socket on 127.0.0.1 and an ephemeral port.
    static func listen(backlog: Int32) throws -> (fd: Int32, port: Int) {
        #if canImport(Glibc)
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        #else
        let fd = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard fd >= 0 else { throw ServerUnavailable("socket(): \(String(cString: strerror(errno)))") }
        var address = loopback(port: 0)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        #if canImport(Glibc)
        let listening = Glibc.listen(fd, backlog)
        #else
        let listening = Darwin.listen(fd, backlog)
        #endif
        guard bound == 0, listening == 0 else {
            let message = String(cString: strerror(errno))
            close(fd)
            throw ServerUnavailable("could not listen on 127.0.0.1: \(message)")
        }
        var actual = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &actual) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        return (fd, Int(UInt16(bigEndian: actual.sin_port)))
    }

    static func loopback(port: Int) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = UInt32(0x7f00_0001).bigEndian
        return address
    }

    /// `GET path` over HTTP/1.0 on 127.0.0.1:port; the status code, or why there was none.
    static func get(port: Int, path: String, timeout: Duration, headers: [String] = []) -> Result<Int, Problem> {
        #if canImport(Glibc)
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        #else
        let fd = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard fd >= 0 else { return .failure(Problem(message: "socket(): \(String(cString: strerror(errno)))")) }
        defer { close(fd) }
        let (seconds, attoseconds) = timeout.components
        var limit = timeval(tv_sec: Int(seconds), tv_usec: Int(attoseconds / 1_000_000_000_000))
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
        var address = loopback(port: port)
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { return .failure(Problem(message: "connect: \(String(cString: strerror(errno)))")) }
        let extra = headers.map { $0 + "\r\n" }.joined()
        let request = Array("GET \(path) HTTP/1.0\r\nHost: 127.0.0.1:\(port)\r\n\(extra)Connection: close\r\n\r\n".utf8)
        let sent = request.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        guard sent == request.count else { return .failure(Problem(message: "send failed")) }
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 512)
        while !received.contains(UInt8(ascii: "\n")) {
            let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            guard count > 0 else { break }
            received.append(contentsOf: buffer[0..<count])
        }
        let line = String(decoding: received.prefix { $0 != UInt8(ascii: "\r") && $0 != UInt8(ascii: "\n") }, as: UTF8.self)
        let parts = line.split(separator: " ")
        guard parts.count >= 2, parts[0].hasPrefix("HTTP/"), let status = Int(parts[1]) else {
            return .failure(Problem(message: line.isEmpty ? "no HTTP answer" : "unexpected answer '\(line)'"))
        }
        return .success(status)
    }
}

/// A tiny HTTP server on 127.0.0.1 for transport tests: answers every connection with the same
/// raw bytes (status line, headers and body exactly as given), then closes it. Records the
/// request heads it received. Stopped by `stop()` or on deinit.
public final class CannedHTTPServer: Sendable {
    /// The port it listens on.
    public let port: Int
    private let fd: Int32
    private let stopped = Mutex(false)
    private let heads = RequestLog()

    private final class RequestLog: Sendable {
        let items = Mutex<[String]>([])
    }

    /// Starts serving `response` (a complete raw HTTP response).
    public init(response: [UInt8]) throws {
        let socket = try LoopbackSocket.listen(backlog: 16)
        self.fd = socket.fd
        self.port = socket.port
        let listener = socket.fd
        let thread = Thread { [heads] in
            while true {
                let connection = accept(listener, nil, nil)
                guard connection >= 0 else {
                    if errno == EINTR { continue }
                    close(listener)  // only this thread closes it, so the number is never reused under it
                    return
                }
                let head = LoopbackSocket.readHead(connection)
                heads.items.withLock { $0.append(head) }
                _ = response.withUnsafeBytes { bytes -> Bool in
                    var offset = 0
                    while offset < bytes.count {
                        let sent = send(connection, bytes.baseAddress.map { $0 + offset }, bytes.count - offset, Int32(MSG_NOSIGNAL))
                        guard sent > 0 else { return false }
                        offset += sent
                    }
                    return true
                }
                shutdown(connection, Int32(SHUT_WR))
                // Drain until the client closes, so it sees the whole response, not a reset.
                var scratch = [UInt8](repeating: 0, count: 4096)
                var limit = timeval(tv_sec: 2, tv_usec: 0)
                setsockopt(connection, SOL_SOCKET, SO_RCVTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
                while scratch.withUnsafeMutableBytes({ recv(connection, $0.baseAddress, $0.count, 0) }) > 0 {}
                close(connection)
            }
        }
        thread.start()
    }

    /// A response with this status, headers and body; Content-Length is added unless `chunked`,
    /// in which case the body is sent in 64 kB chunks without a Content-Length.
    public convenience init(status: Int, headers: [(String, String)] = [], body: [UInt8], chunked: Bool = false) throws {
        var text = "HTTP/1.1 \(status) Status\r\nConnection: close\r\n"
        for (name, value) in headers { text += "\(name): \(value)\r\n" }
        var bytes: [UInt8]
        if chunked {
            text += "Transfer-Encoding: chunked\r\n\r\n"
            bytes = Array(text.utf8)
            var offset = 0
            while offset < body.count {
                let chunk = body[offset..<min(offset + 65_536, body.count)]
                bytes += Array((String(chunk.count, radix: 16) + "\r\n").utf8) + chunk + Array("\r\n".utf8)
                offset += chunk.count
            }
            bytes += Array("0\r\n\r\n".utf8)
        } else {
            text += "Content-Length: \(body.count)\r\n\r\n"
            bytes = Array(text.utf8) + body
        }
        try self.init(response: bytes)
    }

    /// `http://127.0.0.1:<port>/`.
    public var url: URL { URL(string: "http://127.0.0.1:\(port)/") ?? URL(fileURLWithPath: "/") }

    /// The request heads (request line and headers) received so far.
    public var requests: [String] { heads.items.withLock { $0 } }

    /// Stops accepting connections.
    public func stop() {
        let wasRunning = stopped.withLock { stopped -> Bool in
            defer { stopped = true }
            return !stopped
        }
        if wasRunning {
            // Wakes the accept loop, which then closes the socket.
            shutdown(fd, Int32(SHUT_RDWR))
        }
    }

    deinit { stop() }
}

extension LoopbackSocket {
    /// Reads a request head (up to the blank line) from a connected socket, with a 2 s limit.
    static func readHead(_ connection: Int32) -> String {
        var limit = timeval(tv_sec: 2, tv_usec: 0)
        setsockopt(connection, SOL_SOCKET, SO_RCVTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        let end = Array("\r\n\r\n".utf8)
        while received.count < 65_536 {
            let count = buffer.withUnsafeMutableBytes { recv(connection, $0.baseAddress, $0.count, 0) }
            guard count > 0 else { break }
            received.append(contentsOf: buffer[0..<count])
            if received.count >= 4, received.indices.dropLast(3).contains(where: { Array(received[$0..<$0 + 4]) == end }) {
                break
            }
        }
        return String(decoding: received, as: UTF8.self)
    }
}
