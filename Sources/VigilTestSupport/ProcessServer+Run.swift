#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// One-shot processes: a helper run to completion beside the servers (promtool, amtool,
/// `--version`), spawned and reaped the way the servers are.
extension ProcessServer {
    /// Runs a helper to completion (e.g. `promtool tsdb create-blocks-from openmetrics …`) and
    /// returns its combined output.
    /// - Throws: `ServerUnavailable` when the binary is missing; `ProcessFailure` when it exits
    ///   with a failure or does not finish within `timeout` (it is then killed).
    @discardableResult
    public static func run(_ binary: String, _ arguments: [String], timeout: Duration = .seconds(120)) async throws -> String {
        let path = try requireBinary(binary)
        let logFile = FileManager.default.temporaryDirectory
            .appendingPathComponent("vigil-run-\(UUID().uuidString.prefix(8)).log")
        defer { try? FileManager.default.removeItem(at: logFile) }
        let pid = try spawn(path, arguments, logFile: logFile)
        let command = ([binary] + arguments).joined(separator: " ")
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: timeout)
        while true {
            if let status = reap(pid) {
                let output = (try? String(contentsOf: logFile, encoding: .utf8)) ?? ""
                guard status == 0 else { throw ProcessFailure(command: command, status: status, output: output) }
                return output
            }
            if clock.now >= deadline {
                kill(pid, SIGKILL)
                _ = waitBlocking(pid)
                let output = (try? String(contentsOf: logFile, encoding: .utf8)) ?? ""
                throw ProcessFailure(command: command, status: -SIGKILL,
                                     output: "killed after \(timeout) without finishing\n" + output)
            }
            try? await Task.sleep(for: .milliseconds(10))
        }
    }
}
