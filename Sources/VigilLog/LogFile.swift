import Foundation
import Synchronization

/// A log file bounded in size, for a dashboard that runs for weeks: when a line would take it
/// past `maxBytes`, the file becomes `NAME.1` (the older ones `NAME.2` … `NAME.<keep>`, the
/// oldest dropped) and a new one is started. Created with mode 0600, its directory as needed.
/// Safe to write from any thread; it writes nowhere else (never the terminal), and a write
/// that fails (a full disk) loses that line, not the program: `problem` says why.
public final class LogFile: Sendable {
    /// Where it writes.
    public let path: String
    /// The size at which it is rotated.
    public let maxBytes: Int
    /// How many rotated files are kept.
    public let keep: Int

    private struct State {
        var fd: Int32
        var size: Int
        var problem: String?
    }

    private let state: Mutex<State>

    /// The default size limit (5 MiB; with `keep` 3, at most 20 MiB of logs).
    public static let defaultMaxBytes = 5 << 20

    /// Opens (or creates) the file at `path` for appending.
    public init(path: String, maxBytes: Int = LogFile.defaultMaxBytes, keep: Int = 3) throws(LogFileError) {
        self.path = path
        self.maxBytes = max(maxBytes, 1_024)
        self.keep = max(keep, 1)
        let fd = try Self.open(path)
        var info = stat()
        let size = fstat(fd, &info) == 0 ? Int(info.st_size) : 0
        state = Mutex(State(fd: fd, size: size, problem: nil))
    }

    deinit { state.withLock { if $0.fd >= 0 { _ = Glibc.close($0.fd) } } }

    /// Why the last write failed, if it did.
    public var problem: String? { state.withLock { $0.problem } }

    /// Appends `line` and a newline, rotating first when the file would grow past `maxBytes`.
    public func write(_ line: String) {
        var bytes = Array(line.utf8)
        bytes.append(UInt8(ascii: "\n"))
        state.withLock { s in
            if s.size > 0, s.size + bytes.count > maxBytes { rotate(&s) }
            guard s.fd >= 0 else { return }
            let written = bytes.withUnsafeBytes { Glibc.write(s.fd, $0.baseAddress, $0.count) }
            if written == bytes.count {
                s.size += written
                s.problem = nil
            } else {
                s.problem = "cannot write \(path): \(String(cString: strerror(errno)))"
            }
        }
    }

    /// Closes the file; later writes are dropped.
    public func close() {
        state.withLock { s in
            if s.fd >= 0 { _ = Glibc.close(s.fd) }
            s.fd = -1
        }
    }

    /// `NAME.n`.
    public func rotated(_ n: Int) -> String { "\(path).\(n)" }

    private func rotate(_ s: inout State) {
        if s.fd >= 0 { _ = Glibc.close(s.fd) }
        s.fd = -1
        unlink(rotated(keep))
        for n in stride(from: keep - 1, through: 1, by: -1) { rename(rotated(n), rotated(n + 1)) }
        rename(path, rotated(1))
        do {
            s.fd = try Self.open(path)
            s.size = 0
        } catch {
            s.problem = error.message
        }
    }

    private static func open(_ path: String) throws(LogFileError) -> Int32 {
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty {
            do {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true,
                                                        attributes: [.posixPermissions: 0o700])
            } catch {
                throw LogFileError(message: "cannot create \(directory) for the log file: \(error.localizedDescription)")
            }
        }
        let fd = Glibc.open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            throw LogFileError(message: "cannot open the log file \(path): \(String(cString: strerror(errno)))")
        }
        return fd
    }
}

/// Why the log file cannot be written.
public struct LogFileError: Error, Sendable, CustomStringConvertible {
    /// What went wrong, with the path.
    public let message: String
    public var description: String { message }
}
