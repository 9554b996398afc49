import Foundation
import Testing

/// Drives the built `vigil` binary in a private tmux server: type keys, read the screen.
final class TmuxSession {
    let socket: String
    let name = "vigil"
    private static let counter = Counter()

    /// The repository root, from this file's path.
    static let repo: URL = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// The built binary: `.build/debug/vigil` (scripts/test builds it before the tests).
    static var binary: String? {
        for dir in [".build/debug", ".build/x86_64-unknown-linux-gnu/debug", ".build/aarch64-unknown-linux-gnu/debug"] {
            let path = repo.appendingPathComponent(dir).appendingPathComponent("vigil").path
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        return nil
    }

    static var tmuxAvailable: Bool { (try? run("/usr/bin/env", ["tmux", "-V"]).status) == 0 }

    /// Starts a shell in a detached tmux session of the given size, and runs `command` in it.
    init(width: Int, height: Int, command: String) throws {
        socket = "vigil-e2e-\(getpid())-\(TmuxSession.counter.next())"
        _ = try tmux(["-f", "/dev/null", "new-session", "-d", "-s", name, "-x", "\(width)", "-y", "\(height)",
                      "env -i PATH=/usr/bin:/bin HOME=/tmp TERM=tmux-256color LANG=C.UTF-8 PS1='e2e$ ' bash --norc --noprofile"])
        _ = try tmux(["set-option", "-t", name, "remain-on-exit", "on"])
        try waitFor(timeout: 10) { $0.contains("e2e$") }
        try send(literal: command)
        try send(keys: ["Enter"])
    }

    deinit {
        _ = try? tmux(["kill-server"])
        try? FileManager.default.removeItem(atPath: "/tmp/tmux-\(getuid())/\(socket)")
    }

    @discardableResult
    func tmux(_ args: [String]) throws -> String {
        let r = try TmuxSession.run("/usr/bin/env", ["tmux", "-L", socket] + args)
        return r.output
    }

    /// The screen as lines of text.
    func screen() throws -> [String] {
        try tmux(["capture-pane", "-p", "-t", name]).components(separatedBy: "\n")
    }

    func send(keys: [String]) throws { try tmux(["send-keys", "-t", name] + keys) }
    func send(literal: String) throws { try tmux(["send-keys", "-t", name, "-l", literal]) }
    func resize(width: Int, height: Int) throws {
        try tmux(["resize-window", "-t", name, "-x", "\(width)", "-y", "\(height)"])
    }

    /// Polls the screen until `done` holds; fails with the last screen after `timeout` seconds.
    /// A frame reaches the terminal in several writes, so the capture that first satisfies `done`
    /// can be half drawn (the title of the new frame, the footer of the old one): the screen is
    /// captured once more 40 ms later and that capture is returned if `done` still holds for it,
    /// so a caller that reads more of the screen than it waited for reads the finished frame.
    @discardableResult
    func waitFor(timeout: Double = 15, _ what: String = "", _ done: (String) -> Bool) throws -> [String] {
        let deadline = Date().addingTimeInterval(timeout)
        var lines: [String] = []
        while Date() < deadline {
            lines = try screen()
            if done(lines.joined(separator: "\n")) {
                usleep(40_000)
                let settled = try screen()
                return done(settled.joined(separator: "\n")) ? settled : lines
            }
            usleep(50_000)
        }
        let report = "\(what)\n--- screen ---\n" + lines.joined(separator: "\n")
        FileHandle.standardError.write(Data(("e2e timeout: " + report + "\n").utf8))
        throw E2EError.timeout(report)
    }

    @discardableResult
    func waitFor(_ text: String, timeout: Double = 15) throws -> [String] {
        try waitFor(timeout: timeout, "waiting for \"\(text)\"") { $0.contains(text) }
    }

    struct Result { var status: Int32; var output: String }

    /// Runs a command to completion with posix_spawn and waitpid. Not Foundation's `Process`:
    /// its exit monitoring did not reap the `tmux new-session` client under the test runner
    /// (the client stayed a zombie and `waitUntilExit` never returned). Output goes through a
    /// file, not a pipe, because the tmux server the client forks would keep a pipe open.
    static func run(_ exe: String, _ args: [String]) throws -> Result {
        let outPath = FileManager.default.temporaryDirectory
            .appendingPathComponent("vigil-e2e-\(getpid())-\(counter.next()).out").path
        defer { unlink(outPath) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        let argv: [UnsafeMutablePointer<CChar>?] = ([exe] + args).map { strdup($0) } + [nil]
        defer { for a in argv { free(a) } }
        // Swift Testing's worker threads block signals, and a spawned child inherits the mask:
        // reset it, or tmux and everything it starts (vigil) would never see SIGINT or SIGWINCH.
        var attr = posix_spawnattr_t()
        posix_spawnattr_init(&attr)
        defer { posix_spawnattr_destroy(&attr) }
        var empty = sigset_t()
        sigemptyset(&empty)
        posix_spawnattr_setsigmask(&attr, &empty)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for sig in [SIGINT, SIGTERM, SIGHUP, SIGWINCH, SIGPIPE] { sigaddset(&defaults, sig) }
        posix_spawnattr_setsigdefault(&attr, &defaults)
        posix_spawnattr_setflags(&attr, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, exe, &actions, &attr, argv, environ)
        guard rc == 0 else { throw E2EError.missing("cannot start \(exe): errno \(rc)") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let exited = (status & 0x7f) == 0
        let code = exited ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        let data = FileManager.default.contents(atPath: outPath) ?? Data()
        return Result(status: code, output: String(decoding: data, as: UTF8.self))
    }

    final class Counter: @unchecked Sendable {
        private var n = 0
        private let lock = NSLock()
        func next() -> Int { lock.lock(); defer { lock.unlock() }; n += 1; return n }
    }
}

enum E2EError: Error, CustomStringConvertible {
    case timeout(String)
    case missing(String)
    var description: String {
        switch self {
        case .timeout(let s), .missing(let s): return s
        }
    }
}

/// Config files for the end-to-end tests.
enum E2EConfig {
    /// A config for `e2e-oncall` with one Alertmanager source at `url`, polled every second.
    static func writeAlertmanager(url: URL, timeout: String, to file: URL) throws {
        try """
            user: e2e-oncall
            sources:
              - name: am
                type: alertmanager
                url: \(url.absoluteString)
                poll_interval: 1s
                timeout: \(timeout)
            """.write(to: file, atomically: true, encoding: .utf8)
    }
}
