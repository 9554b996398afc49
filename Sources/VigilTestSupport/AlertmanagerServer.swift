#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// A real Alertmanager (Debian's 0.25 `/usr/bin/prometheus-alertmanager`) on a free loopback port
/// with a temporary storage directory, alone or as a member of an HA cluster on loopback.
///
/// The configuration routes everything to a receiver named `null` that sends nothing
/// (`group_wait`/`group_interval` 1s). The helpers talk to its v2 API directly over a plain
/// socket, independently of the Vigil code under test: post alerts, read alerts and silences,
/// create and expire silences, run amtool against it.
///
/// A single server has clustering off (`--cluster.listen-address=`). Cluster members are killed
/// with SIGKILL when stopped: a member whose peer is already gone takes 10 s to leave the mesh
/// after SIGTERM. Servers stop when released, also when a test fails.
public final class AlertmanagerServer: Sendable {
    /// The process.
    public let process: ProcessServer
    /// The gossip port when it is a cluster member.
    public let clusterPort: Int?

    /// `http://127.0.0.1:<port>/`.
    public var url: URL { process.url }

    private init(process: ProcessServer, clusterPort: Int?) {
        self.process = process
        self.clusterPort = clusterPort
    }

    deinit { stop() }

    /// Starts one Alertmanager with clustering off.
    /// - Throws: `ServerUnavailable` when `prometheus-alertmanager` is not installed (the
    ///   message names the package and the apt command) or does not become ready.
    /// - Parameters:
    ///   - configuration: the `alertmanager.yml` to run (default: everything to a receiver that
    ///     sends nothing).
    ///   - basicAuth: every request must carry `WebBasicAuth`'s user and password (the helpers
    ///     below, which send none, are then refused).
    public static func start(configuration: String = minimalConfig, basicAuth: Bool = false) async throws
        -> AlertmanagerServer {
        try await launch(clusterPort: nil, peers: [], configuration: configuration, basicAuth: basicAuth)
    }

    /// Starts `size` Alertmanagers that gossip with each other on loopback, and returns once
    /// every member sees all the others (silences then replicate within milliseconds; the
    /// cluster's own "settling" phase, about 10 s, only delays notifications).
    /// - Throws: `ServerUnavailable` when the binary is missing, a member does not start, or the
    ///   members do not find each other within `formedWithin`.
    public static func startCluster(size: Int = 2, formedWithin: Duration = .seconds(20)) async throws
        -> [AlertmanagerServer] {
        try ProcessServer.requireBinary(binary)
        var gossipPorts: [Int] = []
        while gossipPorts.count < size {
            let port = try ProcessServer.freePort()
            if !gossipPorts.contains(port) { gossipPorts.append(port) }
        }
        var members: [AlertmanagerServer] = []
        for (index, port) in gossipPorts.enumerated() {
            var peers = gossipPorts
            peers.remove(at: index)
            members.append(try await launch(clusterPort: port, peers: peers))
        }
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: formedWithin)
        var last = ""
        while clock.now < deadline {
            let counts = members.map { (try? $0.clusterStatus())?.peers ?? 0 }
            if counts.allSatisfy({ $0 == size }) { return members }
            last = counts.map(String.init).joined(separator: ", ")
            try await Task.sleep(for: .milliseconds(50))
        }
        let logs = members.map { "--- \($0.url) ---\n\($0.process.logTail(15))" }.joined(separator: "\n")
        members.forEach { $0.stop() }
        throw ServerUnavailable("the Alertmanager cluster did not form within \(formedWithin) "
                                + "(peers seen by each member: \(last)). Logs:\n\(logs)")
    }

    /// Stops it (SIGKILL at once for a cluster member) and removes its directory.
    public func stop() {
        process.stop(grace: clusterPort == nil ? .seconds(3) : .zero)
    }

    /// The Debian binary's name.
    public static let binary = "prometheus-alertmanager"

    /// Routes everything to a receiver that sends nothing.
    public static let minimalConfig = """
        route:
          receiver: 'null'
          group_by: [alertname]
          group_wait: 1s
          group_interval: 1s
          repeat_interval: 1h
        receivers:
          - name: 'null'

        """

    private static func launch(clusterPort: Int?, peers: [Int], configuration: String = minimalConfig,
                               basicAuth: Bool = false) async throws -> AlertmanagerServer {
        let path = try ProcessServer.requireBinary(binary)
        let work = try ProcessServer.makeWorkDirectory(prefix: "alertmanager")
        let config = work.appendingPathComponent("alertmanager.yml")
        let storage = work.appendingPathComponent("data", isDirectory: true)
        var web: [String] = []
        do {
            if basicAuth { web = ["--web.config.file=\(try WebBasicAuth.write(into: work))"] }
            try FileManager.default.createDirectory(at: storage, withIntermediateDirectories: true)
            try Data(configuration.utf8).write(to: config)
        } catch {
            try? FileManager.default.removeItem(at: work)
            throw error
        }
        let cluster = clusterPort.map { ["--cluster.listen-address=127.0.0.1:\($0)"] } ?? ["--cluster.listen-address="]
        let process = try await ProcessServer.start(path, workDirectory: work,
                                                    readyHeaders: basicAuth ? [WebBasicAuth.header] : []) { port in
            ["--config.file=\(config.path)", "--storage.path=\(storage.path)",
             "--web.listen-address=127.0.0.1:\(port)"] + cluster + peers.map { "--cluster.peer=127.0.0.1:\($0)" } + web
        }
        return AlertmanagerServer(process: process, clusterPort: clusterPort)
    }

    // MARK: - The API, directly

    /// An alert to post. Without `endsAt` Alertmanager resolves it after 5 minutes unless it is
    /// posted again, so the default is an hour from now; an `endsAt` in the past resolves it.
    public struct Alert: Sendable, Encodable {
        /// The identifying labels.
        public var labels: [String: String]
        /// Annotations.
        public var annotations: [String: String]
        /// When it started (ISO 8601).
        public var startsAt: String
        /// When it ends (ISO 8601).
        public var endsAt: String

        /// Creates an alert that started `startsAt` (default now, or a minute before an `endsAt`
        /// in the past: Alertmanager refuses an alert that ends before it starts) and ends
        /// `endsAt` (default in an hour).
        public init(labels: [String: String], annotations: [String: String] = [:], startsAt: Date? = nil,
                    endsAt: Date? = nil) {
            let now = Date()
            let ends = endsAt ?? now.addingTimeInterval(3600)
            self.labels = labels
            self.annotations = annotations
            self.startsAt = AlertmanagerServer.format(startsAt ?? min(now, ends.addingTimeInterval(-60)))
            self.endsAt = AlertmanagerServer.format(ends)
        }

        /// The same alert, resolved a second ago.
        public static func resolved(labels: [String: String]) -> Alert {
            Alert(labels: labels, endsAt: Date().addingTimeInterval(-1))
        }
    }

    /// An alert as `GET /api/v2/alerts` lists it.
    public struct ListedAlert: Sendable, Decodable {
        /// Its fingerprint.
        public var fingerprint: String
        /// Its labels.
        public var labels: [String: String]
        /// `status.state`: `active`, `suppressed`, `unprocessed`.
        public var state: String { status.state }
        /// `status.silencedBy`.
        public var silencedBy: [String] { status.silencedBy }

        /// The status object.
        public var status: Status
        /// `status` of a listed alert.
        public struct Status: Sendable, Decodable {
            /// `active`, `suppressed` or `unprocessed`.
            public var state: String
            /// Silence ids.
            public var silencedBy: [String]
        }
    }

    /// One matcher of a listed silence.
    public struct Matcher: Sendable, Decodable, Hashable {
        /// Label name.
        public var name: String
        /// Value or regex.
        public var value: String
        /// Whether `value` is a regex.
        public var isRegex: Bool
        /// False for `!=` / `!~`.
        public var isEqual: Bool?
    }

    /// A silence as `GET /api/v2/silences` lists it.
    public struct ListedSilence: Sendable, Decodable {
        /// Its id.
        public var id: String
        /// Author.
        public var createdBy: String
        /// Comment.
        public var comment: String
        /// Matchers.
        public var matchers: [Matcher]
        /// Start (ISO 8601).
        public var startsAt: String
        /// End (ISO 8601).
        public var endsAt: String
        /// The status object.
        public var status: Status
        /// `status.state`: `active`, `pending`, `expired`.
        public var state: String { status.state }
        /// The end as a date.
        public var ends: Date { AlertmanagerServer.parse(endsAt) ?? .distantPast }
        /// The start as a date.
        public var starts: Date { AlertmanagerServer.parse(startsAt) ?? .distantPast }
        /// The matchers as `name → value` (equality matchers only).
        public var equalities: [String: String] {
            Dictionary(matchers.filter { !$0.isRegex && $0.isEqual != false }.map { ($0.name, $0.value) },
                       uniquingKeysWith: { first, _ in first })
        }

        /// `status` of a listed silence.
        public struct Status: Sendable, Decodable {
            /// `active`, `pending` or `expired`.
            public var state: String
        }
    }

    /// Posts alerts (`POST /api/v2/alerts`).
    public func post(_ alerts: [Alert]) throws {
        _ = try request("POST", "/api/v2/alerts", body: try JSONEncoder().encode(alerts))
    }

    /// `GET /api/v2/alerts`: the firing alerts.
    public func alerts() throws -> [ListedAlert] {
        try JSONDecoder().decode([ListedAlert].self, from: request("GET", "/api/v2/alerts"))
    }

    /// `GET /api/v2/silences`: every silence, expired ones included.
    public func silences() throws -> [ListedSilence] {
        try JSONDecoder().decode([ListedSilence].self, from: request("GET", "/api/v2/silences"))
    }

    /// Creates a silence of equality matchers directly through the API (as the web UI would);
    /// returns its id.
    public func createSilence(_ matchers: [String: String], createdBy: String, comment: String,
                              duration: TimeInterval = 3600) throws -> String {
        struct Body: Encodable {
            struct M: Encodable { var name: String; var value: String; var isRegex = false; var isEqual = true }
            var matchers: [M]; var startsAt: String; var endsAt: String; var createdBy: String; var comment: String
        }
        let now = Date()
        let body = Body(matchers: matchers.keys.sorted().map { Body.M(name: $0, value: matchers[$0] ?? "") },
                        startsAt: Self.format(now), endsAt: Self.format(now.addingTimeInterval(duration)),
                        createdBy: createdBy, comment: comment)
        struct Created: Decodable { var silenceID: String }
        return try JSONDecoder().decode(Created.self, from: request("POST", "/api/v2/silences",
                                                                   body: try JSONEncoder().encode(body))).silenceID
    }

    /// Expires a silence (`DELETE /api/v2/silence/{id}`).
    public func expireSilence(_ id: String) throws {
        _ = try request("DELETE", "/api/v2/silence/\(id)")
    }

    /// The cluster's state (`disabled`, `settling`, `ready`) and how many peers it sees,
    /// itself included.
    public func clusterStatus() throws -> (status: String, peers: Int) {
        struct Status: Decodable {
            struct Cluster: Decodable { struct Peer: Decodable {}; var status: String; var peers: [Peer]? }
            var cluster: Cluster
        }
        let status = try JSONDecoder().decode(Status.self, from: request("GET", "/api/v2/status"))
        return (status.cluster.status, status.cluster.peers?.count ?? 0)
    }

    /// Runs amtool against this server (`--alertmanager.url` is added) and returns its output.
    @discardableResult
    public func amtool(_ arguments: [String]) async throws -> String {
        try await ProcessServer.run("amtool", ["--alertmanager.url=\(url.absoluteString)"] + arguments, timeout: .seconds(30))
    }

    /// A request answered with something other than 2xx.
    public struct RequestFailed: Error, CustomStringConvertible {
        /// What went wrong.
        public var description: String
    }

    /// Sends one HTTP/1.0 request over loopback and returns the body of a 2xx answer.
    public func request(_ method: String, _ path: String, body: Data? = nil) throws -> Data {
        let (status, answer) = try LoopbackHTTP.exchange(port: process.port, method: method, path: path, body: body)
        guard (200..<300).contains(status) else {
            throw RequestFailed(description: "\(method) \(path) → HTTP \(status): \(String(decoding: answer, as: UTF8.self))")
        }
        return answer
    }

    /// ISO 8601 with milliseconds, as Alertmanager writes it.
    public static func format(_ date: Date) -> String {
        Date.ISO8601FormatStyle(includingFractionalSeconds: true).format(date)
    }

    /// Parses Alertmanager's timestamps (with or without fractional seconds).
    public static func parse(_ text: String) -> Date? {
        (try? Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(text))
            ?? (try? Date.ISO8601FormatStyle().parse(text))
    }
}

/// A minimal HTTP/1.0 client on 127.0.0.1 (the server closes the connection after answering, so
/// the body is whatever arrives before EOF).
enum LoopbackHTTP {
    static func exchange(port: Int, method: String, path: String, body: Data?, headers: [(String, String)] = [],
                         timeout: Duration = .seconds(10)) throws -> (status: Int, body: Data) {
        #if canImport(Glibc)
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        #else
        let fd = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        func failure(_ what: String) -> AlertmanagerServer.RequestFailed {
            AlertmanagerServer.RequestFailed(description: "\(method) 127.0.0.1:\(port)\(path): \(what): "
                                             + String(cString: strerror(errno)))
        }
        guard fd >= 0 else { throw failure("socket") }
        defer { close(fd) }
        var limit = timeval(tv_sec: Int(timeout.components.seconds), tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
        var address = LoopbackSocket.loopback(port: port)
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { throw failure("connect") }
        var head = "\(method) \(path) HTTP/1.0\r\nHost: 127.0.0.1:\(port)\r\nAccept: application/json\r\n"
        for (name, value) in headers { head += "\(name): \(value)\r\n" }
        if let body {
            if !headers.contains(where: { $0.0.lowercased() == "content-type" }) { head += "Content-Type: application/json\r\n" }
            head += "Content-Length: \(body.count)\r\n"
        }
        let request = Array((head + "\r\n").utf8) + Array(body ?? Data())
        var offset = 0
        while offset < request.count {
            let sent = request[offset...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard sent > 0 else { throw failure("send") }
            offset += sent
        }
        var received = Data()
        var buffer = [UInt8](repeating: 0, count: 16_384)
        while true {
            let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count == 0 { break }
            guard count > 0 else { throw failure("recv") }
            received.append(contentsOf: buffer[0..<count])
        }
        let separator = Data("\r\n\r\n".utf8)
        guard let end = received.range(of: separator) else {
            throw AlertmanagerServer.RequestFailed(description: "\(method) \(path): no complete HTTP answer")
        }
        let statusLine = String(decoding: received[..<end.lowerBound], as: UTF8.self)
            .split(separator: "\r\n").first.map(String.init) ?? ""
        let parts = statusLine.split(separator: " ")
        guard parts.count >= 2, let status = Int(parts[1]) else {
            throw AlertmanagerServer.RequestFailed(description: "\(method) \(path): unexpected answer '\(statusLine)'")
        }
        return (status, Data(received[end.upperBound...]))
    }
}
