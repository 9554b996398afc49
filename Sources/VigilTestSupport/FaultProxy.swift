#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Dispatch
import Foundation
import Synchronization

/// A small HTTP proxy on a free loopback port in front of a real server (Prometheus,
/// Alertmanager), whose behaviour a test switches while it runs: pass requests through, answer
/// 429 with a `Retry-After`, answer 500 (or any status), cut the body after some bytes, hold the
/// answer beyond a client's timeout, or refuse connections altogether.
///
/// One request per connection: the proxy forwards it upstream with `Connection: close` and no
/// `Accept-Encoding` (so a body can be cut where the test says), reads the whole answer, and
/// sends it back with a `Content-Length` and `Connection: close`. An upstream that cannot be
/// reached is answered with 502, one that does not answer within 30 s with 504.
///
/// Bounded: at most 64 connections at once (more are closed at once), 64 MB per answer, socket
/// timeouts on every read, delays of at most 60 s. Loopback only. `stop()`, or releasing the
/// proxy, closes the listener and every open connection.
public final class FaultProxy: Sendable {
    /// The port the proxy listens on.
    public let port: Int
    /// The port of the server behind it, on 127.0.0.1.
    public let upstreamPort: Int
    private let core: Core

    /// `http://127.0.0.1:<port>/`.
    public var url: URL { URL(string: "http://127.0.0.1:\(port)/") ?? URL(fileURLWithPath: "/") }

    /// Starts a proxy on a free loopback port in front of `127.0.0.1:<upstreamPort>`.
    /// - Throws: `ServerUnavailable` when no port could be listened on.
    public init(upstreamPort: Int, mode: Mode = .passThrough) throws {
        var lastError: (any Error)?
        for _ in 0..<5 {
            do {
                let port = try ProcessServer.freePort()
                let fd = try Self.listen(on: port)
                self.port = port
                self.upstreamPort = upstreamPort
                self.core = Core(listener: fd, port: port, upstreamPort: upstreamPort, mode: .passThrough)
                core.setMode(mode)
                core.startAccepting()
                return
            } catch {
                lastError = error
            }
        }
        throw lastError ?? ServerUnavailable("the fault proxy could not listen on 127.0.0.1")
    }

    /// Starts a proxy in front of a server's URL (its port on 127.0.0.1).
    public convenience init(upstream: URL, mode: Mode = .passThrough) throws {
        try self.init(upstreamPort: upstream.port ?? 80, mode: mode)
    }

    deinit { core.stop() }

    /// The mode in force.
    public var mode: Mode { core.mode }

    /// Switches the behaviour for the requests that arrive from now on.
    public func set(_ mode: Mode) { core.setMode(mode) }

    /// Every request received so far, oldest first.
    public var exchanges: [Exchange] { core.exchanges }

    /// Closes the listener and every open connection. Safe to call more than once.
    public func stop() { core.stop() }

    // MARK: - Sockets

    /// A listening socket bound explicitly to `port` (so it keeps the port while it stops
    /// listening in `.refuse` mode).
    static func listen(on port: Int) throws -> Int32 {
        #if canImport(Glibc)
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        #else
        let fd = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard fd >= 0 else { throw ServerUnavailable("socket(): \(String(cString: strerror(errno)))") }
        var yes: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var address = LoopbackSocket.loopback(port: port)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        #if canImport(Glibc)
        let listening = bound == 0 ? Glibc.listen(fd, 64) : -1
        #else
        let listening = bound == 0 ? Darwin.listen(fd, 64) : -1
        #endif
        guard listening == 0 else {
            let message = String(cString: strerror(errno))
            close(fd)
            throw ServerUnavailable("the fault proxy could not listen on 127.0.0.1:\(port): \(message)")
        }
        return fd
    }

    /// Why a connection to 127.0.0.1 failed: the errno.
    struct ConnectFailure: Error {
        var code: Int32
    }

    /// Connects to 127.0.0.1:port; the socket, or errno.
    static func connect(port: Int, timeout: Int) -> Result<Int32, ConnectFailure> {
        #if canImport(Glibc)
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        #else
        let fd = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard fd >= 0 else { return .failure(ConnectFailure(code: errno)) }
        setTimeouts(fd, seconds: timeout)
        var address = LoopbackSocket.loopback(port: port)
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                #if canImport(Glibc)
                Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                #else
                Darwin.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                #endif
            }
        }
        guard connected == 0 else {
            let code = errno
            close(fd)
            return .failure(ConnectFailure(code: code))
        }
        return .success(fd)
    }

    static func setTimeouts(_ fd: Int32, seconds: Int) {
        var limit = timeval(tv_sec: seconds, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
    }

    static func sendAll(_ fd: Int32, _ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes[offset...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard sent > 0 else { return false }
            offset += sent
        }
        return true
    }

    // MARK: - The shared state the threads use

    /// Everything the accept and connection threads share; the proxy object itself is not
    /// captured by them, so releasing it stops them.
    final class Core: Sendable {
        static let maximumConnections = 64
        static let maximumAnswer = 64 << 20
        static let maximumDelay = Duration.seconds(60)

        let port: Int
        let upstreamPort: Int
        private let listener: Int32

        private struct State {
            var mode: Mode
            var stopped = false
            var listening = true
            var open: Set<Int32> = []
            var exchanges: [Exchange] = []
        }
        private let state: Mutex<State>
        private let acceptEnded = DispatchSemaphore(value: 0)

        init(listener: Int32, port: Int, upstreamPort: Int, mode: Mode) {
            self.listener = listener
            self.port = port
            self.upstreamPort = upstreamPort
            self.state = Mutex(State(mode: mode))
        }

        var mode: Mode { state.withLock { $0.mode } }
        var exchanges: [Exchange] { state.withLock { $0.exchanges } }
        var isStopped: Bool { state.withLock { $0.stopped } }

        /// Sets the mode; stops or resumes listening at once, so the very next connection
        /// attempt is refused, or accepted.
        func setMode(_ mode: Mode) {
            state.withLock { s in
                s.mode = mode
                guard !s.stopped else { return }
                if mode == .refuse, s.listening {
                    // A listening socket that is shut down stops listening but keeps its port
                    // (bound explicitly): connections are refused until it listens again.
                    shutdown(listener, Int32(SHUT_RDWR))
                    s.listening = false
                } else if mode != .refuse, !s.listening, Self.relisten(listener) {
                    s.listening = true
                }
            }
        }

        private static func relisten(_ fd: Int32) -> Bool {
            #if canImport(Glibc)
            return Glibc.listen(fd, 64) == 0
            #else
            return Darwin.listen(fd, 64) == 0
            #endif
        }

        func stop() {
            let (wasRunning, open) = state.withLock { s -> (Bool, Set<Int32>) in
                defer { s.stopped = true }
                return (!s.stopped, s.open)
            }
            guard wasRunning else { return }
            // Wakes threads blocked in recv/send on these; each closes its own sockets.
            for fd in open { shutdown(fd, Int32(SHUT_RDWR)) }
            _ = acceptEnded.wait(timeout: .now() + 2)
        }

        /// Registers a socket so `stop()` can wake it; false (and nothing registered) once stopped.
        private func track(_ fd: Int32) -> Bool {
            state.withLock { s in
                guard !s.stopped else { return false }
                s.open.insert(fd)
                return true
            }
        }

        private func untrackAndClose(_ fd: Int32) {
            state.withLock { _ = $0.open.remove(fd) }
            close(fd)
        }

        // MARK: Accepting

        func startAccepting() {
            let thread = Thread { [self] in
                acceptLoop()
                close(listener)  // only this thread closes it, so the number is never reused under it
                acceptEnded.signal()
            }
            thread.start()
        }

        private func acceptLoop() {
            while true {
                let (stopped, refusing, listening) = state.withLock { s in (s.stopped, s.mode == .refuse, s.listening) }
                if stopped { return }
                if !listening {
                    // Refusing; or listening again failed when the mode changed: try once more.
                    if !refusing { state.withLock { s in if !s.listening, Self.relisten(listener) { s.listening = true } } }
                    usleep(10_000)
                    continue
                }
                var ready = pollfd(fd: listener, events: Int16(POLLIN), revents: 0)
                guard poll(&ready, 1, 50) > 0 else { continue }
                let connection = accept(listener, nil, nil)
                guard connection >= 0 else { continue }
                let admitted = state.withLock { s -> Bool in
                    guard !s.stopped, s.open.count < Self.maximumConnections * 2 else { return false }
                    s.open.insert(connection)
                    return true
                }
                guard admitted else {
                    close(connection)
                    continue
                }
                let handler = Thread { [self] in
                    handle(connection)
                    untrackAndClose(connection)
                }
                handler.start()
            }
        }

        // MARK: One connection

        private func handle(_ client: Int32) {
            FaultProxy.setTimeouts(client, seconds: 10)
            guard let request = HTTPMessage.read(from: client, isRequest: true, limit: 8 << 20) else { return }
            let mode = self.mode
            state.withLock {
                $0.exchanges.append(Exchange(method: request.method, path: request.target, at: Date(), mode: mode))
            }
            let answer: [UInt8]
            switch mode {
            case .refuse:
                return  // accepted just before the listener stopped: drop it
            case .tooManyRequests(let seconds):
                answer = HTTPMessage.response(status: 429, reason: "Too Many Requests",
                                              headers: [("Retry-After", "\(seconds)"), ("Content-Type", "text/plain")],
                                              body: Array("rate limited by the fault proxy: retry after \(seconds)s\n".utf8))
            case .status(let code):
                answer = HTTPMessage.response(status: code, reason: "Injected Fault", headers: [("Content-Type", "text/plain")],
                                              body: Array("fault proxy: injected HTTP \(code)\n".utf8))
            case .delay(let duration):
                let until = ContinuousClock.now.advanced(by: min(duration, Self.maximumDelay))
                while ContinuousClock.now < until {
                    if isStopped { return }
                    usleep(10_000)
                }
                answer = forward(request, cut: nil)
            case .lateAnswer(let duration, let method):
                answer = forward(request, cut: nil)
                if request.method == method {
                    let until = ContinuousClock.now.advanced(by: min(duration, Self.maximumDelay))
                    while ContinuousClock.now < until {
                        if isStopped { return }
                        usleep(10_000)
                    }
                }
            case .truncate(let bytes):
                answer = forward(request, cut: max(0, bytes))
            case .passThrough:
                answer = forward(request, cut: nil)
            }
            guard FaultProxy.sendAll(client, answer) else { return }
            shutdown(client, Int32(SHUT_WR))
            // Drain until the client closes, so it sees the whole answer rather than a reset.
            FaultProxy.setTimeouts(client, seconds: 2)
            var scratch = [UInt8](repeating: 0, count: 4_096)
            while scratch.withUnsafeMutableBytes({ recv(client, $0.baseAddress, $0.count, 0) }) > 0 {}
        }

        /// Sends the request upstream and returns the answer to give the client.
        private func forward(_ request: HTTPMessage, cut: Int?) -> [UInt8] {
            let upstream: Int32
            switch FaultProxy.connect(port: upstreamPort, timeout: 30) {
            case .success(let fd):
                upstream = fd
            case .failure(let failure):
                let reason = String(cString: strerror(failure.code))
                return HTTPMessage.response(status: 502, reason: "Bad Gateway", headers: [("Content-Type", "text/plain")],
                                            body: Array("fault proxy: upstream 127.0.0.1:\(upstreamPort): \(reason)\n".utf8))
            }
            guard track(upstream) else {
                close(upstream)
                return []
            }
            defer { untrackAndClose(upstream) }
            let dropped: Set<String> = ["connection", "keep-alive", "accept-encoding", "proxy-connection", "te", "upgrade"]
            var headers = request.headers.filter { !dropped.contains($0.name.lowercased()) }
            headers.append(("Connection", "close"))
            var head = "\(request.method) \(request.target) HTTP/1.1\r\n"
            for (name, value) in headers { head += "\(name): \(value)\r\n" }
            guard FaultProxy.sendAll(upstream, Array((head + "\r\n").utf8) + request.body),
                  let answer = HTTPMessage.read(from: upstream, isRequest: false, limit: Self.maximumAnswer) else {
                return HTTPMessage.response(status: 504, reason: "Gateway Timeout", headers: [("Content-Type", "text/plain")],
                                            body: Array("fault proxy: no answer from upstream 127.0.0.1:\(upstreamPort)\n".utf8))
            }
            let body = cut.map { Array(answer.body.prefix($0)) } ?? answer.body
            let kept = answer.headers.filter {
                !["content-length", "transfer-encoding", "connection", "keep-alive", "content-encoding"].contains($0.name.lowercased())
            }
            return HTTPMessage.response(status: answer.status, reason: answer.reason, headers: kept, body: body)
        }
    }
}
