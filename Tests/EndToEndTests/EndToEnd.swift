import Foundation
import Testing

/// Every suite that drives real processes in real time (the built binary in tmux, servers
/// behind the fault proxy, the soak), one test at a time. Their waits block a thread; on a
/// 2-core machine the test runner has two threads for everyone's async code, and two such
/// tests at once starved servers being started elsewhere past their time limits.
@Suite(.serialized) enum EndToEnd {}

/// Runs blocking work on a thread of its own, off the threads that run every test's async
/// code (for waits of many seconds).
func offThePool<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread { continuation.resume(with: Result { try body() }) }.start()
    }
}

/// A directory of one test's own holding a config file (and the state directory), removed when
/// the value goes; `command(bin)` runs the built binary on it in tmux and echoes its exit status.
final class TestConfig {
    let dir: URL
    let file: URL

    init(_ name: String, yaml: String) throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-e2e-\(name)-\(getpid())-\(UUID())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        file = dir.appendingPathComponent("config.yaml")
        try yaml.write(to: file, atomically: true, encoding: .utf8)
    }

    deinit { try? FileManager.default.removeItem(at: dir) }

    func command(_ bin: String) -> String {
        "\(bin) --config \(file.path) --state \(dir.path) --themes-dir \(TmuxSession.repo.path)/themes; echo EXIT=$?"
    }
}
