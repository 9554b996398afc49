#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import Synchronization

/// A server binary the tests need is missing, or would not start. The message says what to
/// install (with the apt command) and shows the server's log when it did not come up.
public struct ServerUnavailable: Error, Sendable, CustomStringConvertible {
    /// What went wrong and what to do about it.
    public var message: String
    /// Creates the error.
    public init(_ message: String) { self.message = message }
    /// The message.
    public var description: String { message }
}

/// A one-shot helper process (promtool, amtool) exited with a failure.
public struct ProcessFailure: Error, Sendable, CustomStringConvertible {
    /// The command line, for the message.
    public var command: String
    /// Exit status, or the signal number as a negative value.
    public var status: Int32
    /// Its combined stdout and stderr.
    public var output: String
    /// Creates the error.
    public init(command: String, status: Int32, output: String) {
        self.command = command; self.status = status; self.output = output
    }
    /// The command, its status and its output.
    public var description: String { "`\(command)` exited with status \(status):\n\(output)" }
}

/// A real server process (Prometheus, Alertmanager, …) started by a test on a free loopback port
/// with a temporary work directory.
///
/// The process is spawned with `posix_spawn` and a *reset* signal mask, because Swift Testing's
/// worker threads block signals and a child inherits that mask (a child that blocks SIGTERM cannot
/// be stopped politely). Its stdout and stderr go to `logFile`. `stop()` sends SIGTERM, then
/// SIGKILL after a short grace, waits for the process, and removes the work directory; `deinit`
/// does the same, so a server dies even when the test that started it fails or throws.
///
/// Set `VIGIL_KEEP_TEST_SERVERS=1` to keep work directories (and logs) for a post-mortem.
public final class ProcessServer: Sendable {
    /// A short name for messages ("prometheus").
    public let name: String
    /// The loopback port it listens on.
    public let port: Int
    /// The temporary directory it owns (data, config, log); removed by `stop()`.
    public let workDirectory: URL
    /// Its combined stdout and stderr.
    public let logFile: URL
    /// The process id.
    public let pid: pid_t

    private let state = Mutex<State>(.running)
    private enum State { case running, stopped }

    /// `http://127.0.0.1:<port>/`.
    public var url: URL {
        URL(string: "http://127.0.0.1:\(port)/") ?? URL(fileURLWithPath: "/")
    }

    private init(name: String, port: Int, workDirectory: URL, logFile: URL, pid: pid_t) {
        self.name = name; self.port = port; self.workDirectory = workDirectory; self.logFile = logFile; self.pid = pid
    }

    deinit { stop() }

    // MARK: Starting

    /// Starts `binary` on a free loopback port and waits until `GET readyPath` answers 200.
    ///
    /// - Parameters:
    ///   - binary: the executable's name (looked up with `requireBinary`) or absolute path.
    ///   - workDirectory: a directory the server owns from now on (made with
    ///     `makeWorkDirectory`); it is removed when the server stops, or at once if it fails to start.
    ///   - readyPath: the readiness endpoint.
    ///   - readyDeadline: how long the server may take to become ready.
    ///   - readyHeaders: header lines sent with the readiness request ("Authorization: Basic …").
    ///   - readyStatus: the status that means ready (400 for a server that speaks only TLS: Go
    ///     answers a plain request with "400 Bad Request", which shows it listens).
    ///   - arguments: the command-line arguments for a given port.
    /// - Throws: `ServerUnavailable` when the binary is missing or the server does not become
    ///   ready in time (the message holds the tail of its log). A port conflict is retried with
    ///   another port.
    public static func start(_ binary: String, workDirectory: URL, readyPath: String = "/-/ready",
                             readyDeadline: Duration = .seconds(15), readyHeaders: [String] = [], readyStatus: Int = 200,
                             arguments: (_ port: Int) -> [String]) async throws -> ProcessServer {
        let path: String
        do {
            path = try requireBinary(binary)
        } catch {
            removeWorkDirectory(workDirectory)
            throw error
        }
        let name = (binary as NSString).lastPathComponent
        var lastProblem = ""
        for attempt in 1...3 {
            let port: Int
            do {
                port = try freePort()
            } catch {
                removeWorkDirectory(workDirectory)
                throw error
            }
            let logFile = workDirectory.appendingPathComponent("\(name)-\(attempt).log")
            let pid: pid_t
            do {
                pid = try spawn(path, arguments(port), logFile: logFile)
            } catch {
                removeWorkDirectory(workDirectory)
                throw error
            }
            let server = ProcessServer(name: name, port: port, workDirectory: workDirectory, logFile: logFile, pid: pid)
            let outcome = await server.waitUntilReady(path: readyPath, deadline: readyDeadline, headers: readyHeaders,
                                                        status: readyStatus)
            switch outcome {
            case .ready:
                return server
            case .exited(let status):
                let log = server.logTail()
                server.terminate()
                lastProblem = "\(name) exited with status \(status) before it was ready on port \(port)"
                    + ". Its log:\n\(log)"
                // Lost a race for the port (Go says "address already in use", Python
                // "Address already in use"): try another.
                if log.lowercased().contains("address already in use") { continue }
            case .timedOut(let lastAnswer):
                let log = server.logTail()
                server.terminate()
                lastProblem = "\(name) was not ready on 127.0.0.1:\(port)\(readyPath) within "
                    + "\(readyDeadline) (last answer: \(lastAnswer)). Its log:\n\(log)"
            }
            break
        }
        removeWorkDirectory(workDirectory)
        throw ServerUnavailable(lastProblem)
    }

    /// Creates a fresh temporary work directory, e.g. `/tmp/vigil-prometheus-1A2B…/`.
    public static func makeWorkDirectory(prefix: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("vigil-\(prefix)-\(UUID().uuidString.prefix(8))", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// The full path of an installed binary.
    ///
    /// - Throws: `ServerUnavailable` naming the Debian package to install and the apt command,
    ///   and saying that such tests fail in CI (`CI=true`) rather than pass silently.
    @discardableResult
    public static func requireBinary(_ name: String) throws -> String {
        if name.hasPrefix("/") {
            if access(name, X_OK) == 0 { return name }
        } else {
            let searchPath = ProcessInfo.processInfo.environment["PATH"] ?? ""
            let directories = searchPath.split(separator: ":").map(String.init) + ["/usr/bin", "/usr/sbin", "/usr/local/bin"]
            for directory in directories where !directory.isEmpty {
                let candidate = directory + "/" + name
                if access(candidate, X_OK) == 0 { return candidate }
            }
        }
        let base = (name as NSString).lastPathComponent
        let package = debianPackages[base] ?? base
        let ci = ProcessInfo.processInfo.environment["CI"] == "true"
            ? "CI=true: this test FAILS until the package is installed."
            : "This test fails until the package is installed (in CI too)."
        throw ServerUnavailable("""
            SERVER NOT AVAILABLE: `\(base)` is not installed, so the tests against a real server cannot run.
            Install the Debian package '\(package)':
                sudo apt-get update && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \(package)
            \(ci)
            """)
    }

    /// Which Debian package holds each server binary.
    static let debianPackages: [String: String] = [
        "prometheus": "prometheus", "promtool": "prometheus",
        "prometheus-alertmanager": "prometheus-alertmanager", "amtool": "prometheus-alertmanager",
        "prometheus-pushgateway": "prometheus-pushgateway",
    ]

    /// A loopback TCP port that was free a moment ago (bound to port 0, then closed).
    public static func freePort() throws -> Int {
        let listener = try LoopbackSocket.listen(backlog: 1)
        defer { close(listener.fd) }
        return listener.port
    }

    // MARK: Stopping

    /// Stops the server (SIGTERM, SIGKILL after `grace`), waits for it and removes the work
    /// directory. Safe to call more than once.
    /// - Returns: the server's whole log, read after it exited and before the directory was
    ///   removed; empty when it had already been stopped.
    @discardableResult
    public func stop(grace: Duration = .seconds(3)) -> String {
        guard terminate(grace: grace) else { return "" }
        let finalLog = log()
        Self.removeWorkDirectory(workDirectory)
        return finalLog
    }

    /// Stops the process only; true when this call stopped it.
    @discardableResult
    private func terminate(grace: Duration = .seconds(3)) -> Bool {
        let wasRunning = state.withLock { state -> Bool in
            defer { state = .stopped }
            return state == .running
        }
        guard wasRunning else { return false }
        if Self.reap(pid) != nil { return true }
        kill(pid, SIGTERM)
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: grace)
        while clock.now < deadline {
            if Self.reap(pid) != nil { return true }
            usleep(5_000)
        }
        kill(pid, SIGKILL)
        _ = Self.waitBlocking(pid)
        return true
    }

    /// True until the process has exited or been stopped.
    public var isRunning: Bool {
        state.withLock { $0 == .running } && kill(pid, 0) == 0 && !isZombie
    }

    private var isZombie: Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return false }
        return stat[stat.index(after: close)...].trimmingCharacters(in: .whitespaces).hasPrefix("Z")
    }

    /// The whole log so far.
    public func log() -> String {
        (try? String(contentsOf: logFile, encoding: .utf8)) ?? "(no log at \(logFile.path))"
    }

    /// The last `lines` lines of the log, for failure messages.
    public func logTail(_ lines: Int = 30) -> String {
        log().split(separator: "\n", omittingEmptySubsequences: false).suffix(lines).joined(separator: "\n")
    }

    private static func removeWorkDirectory(_ url: URL) {
        if ProcessInfo.processInfo.environment["VIGIL_KEEP_TEST_SERVERS"] == "1" {
            FileHandle.standardError.write(Data("kept test server directory \(url.path)\n".utf8))
            return
        }
        try? FileManager.default.removeItem(at: url)
    }

    // MARK: Readiness

    private enum Readiness { case ready, exited(Int32), timedOut(String) }

    private func waitUntilReady(path: String, deadline: Duration, headers: [String], status ready: Int) async -> Readiness {
        let clock = ContinuousClock()
        let end = clock.now.advanced(by: deadline)
        var lastAnswer = "no answer"
        // The deadline is checked after each look, never before one: a test process whose
        // threads were all busy may wake this task only after the deadline, and it must still
        // see a server that exited or became ready meanwhile (a full run once reported a server
        // that had exited at once as "not ready within 15 s").
        while true {
            if let status = Self.reap(pid) {
                state.withLock { $0 = .stopped }
                return .exited(status)
            }
            switch LoopbackSocket.get(port: port, path: path, timeout: .seconds(1), headers: headers) {
            case .success(let status):
                // Another test's server may have taken the port first: then ours is about to
                // exit with "address already in use", and the 200 is not its answer.
                if status == ready, Self.listens(pid, onPort: port) { return .ready }
                lastAnswer = status == ready ? "HTTP \(ready) from another process on the port" : "HTTP \(status)"
            case .failure(let problem):
                lastAnswer = problem.message
            }
            if clock.now >= end { return .timedOut(lastAnswer) }
            try? await Task.sleep(for: .milliseconds(20))
        }
    }

    /// Whether process `pid` holds the socket listening on `port` (Linux: /proc/net/tcp* and
    /// /proc/<pid>/fd). True where /proc is not available.
    static func listens(_ pid: pid_t, onPort port: Int) -> Bool {
        var inodes: Set<String> = []
        var sawTable = false
        let hexPort = String(format: "%04X", port)
        for table in ["/proc/net/tcp", "/proc/net/tcp6"] {
            guard let text = try? String(contentsOfFile: table, encoding: .utf8) else { continue }
            sawTable = true
            for line in text.split(separator: "\n").dropFirst() {
                let fields = line.split(separator: " ")
                guard fields.count > 9, fields[3] == "0A", fields[1].hasSuffix(":" + hexPort) else { continue }
                inodes.insert(String(fields[9]))
            }
        }
        guard sawTable else { return true }
        guard !inodes.isEmpty,
              let descriptors = try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd") else { return false }
        for descriptor in descriptors {
            guard let target = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/fd/\(descriptor)"),
                  target.hasPrefix("socket:[") else { continue }
            if inodes.contains(String(target.dropFirst(8).dropLast())) { return true }
        }
        return false
    }

    // MARK: posix_spawn

    /// Spawns `path` with a reset signal mask and default dispositions for the usual
    /// termination signals; stdin is /dev/null, stdout and stderr go to `logFile`.
    static func spawn(_ path: String, _ arguments: [String], logFile: URL) throws -> pid_t {
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var emptyMask = sigset_t()
        sigemptyset(&emptyMask)
        posix_spawnattr_setsigmask(&attributes, &emptyMask)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGINT, SIGTERM, SIGHUP, SIGPIPE, SIGQUIT, SIGUSR1, SIGUSR2] { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, logFile.path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)

        let argv: [UnsafeMutablePointer<CChar>?] = ([path] + arguments).map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        let envp: [UnsafeMutablePointer<CChar>?] = ProcessInfo.processInfo.environment
            .map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { for pointer in envp { free(pointer) } }

        var pid: pid_t = 0
        let result = posix_spawn(&pid, path, &actions, &attributes, argv, envp)
        guard result == 0 else {
            throw ServerUnavailable("could not start \(path): \(String(cString: strerror(result)))")
        }
        return pid
    }

    /// The exit status if the process has ended (then reaped), nil while it runs.
    static func reap(_ pid: pid_t) -> Int32? {
        var status: Int32 = 0
        let result = waitpid(pid, &status, WNOHANG)
        if result == pid { return decode(status) }
        if result < 0 { return errno == ECHILD ? -1 : nil }
        return nil
    }

    static func waitBlocking(_ pid: pid_t) -> Int32 {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 {
            if errno != EINTR { return -1 }
        }
        return decode(status)
    }

    /// Exit code, or minus the signal number.
    private static func decode(_ status: Int32) -> Int32 {
        let signal = status & 0x7f
        return signal == 0 ? (status >> 8) & 0xff : -signal
    }
}
