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
    @discardableResult
    func waitFor(timeout: Double = 15, _ what: String = "", _ done: (String) -> Bool) throws -> [String] {
        let deadline = Date().addingTimeInterval(timeout)
        var lines: [String] = []
        while Date() < deadline {
            lines = try screen()
            if done(lines.joined(separator: "\n")) { return lines }
            usleep(50_000)
        }
        throw E2EError.timeout("\(what)\n--- screen ---\n" + lines.joined(separator: "\n"))
    }

    @discardableResult
    func waitFor(_ text: String, timeout: Double = 15) throws -> [String] {
        try waitFor(timeout: timeout, "waiting for \"\(text)\"") { $0.contains(text) }
    }

    struct Result { var status: Int32; var output: String }

    static func run(_ exe: String, _ args: [String]) throws -> Result {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: exe)
        p.arguments = args
        let out = Pipe()
        p.standardOutput = out
        p.standardError = out
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return Result(status: p.terminationStatus, output: String(decoding: data, as: UTF8.self))
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
