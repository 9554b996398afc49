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
