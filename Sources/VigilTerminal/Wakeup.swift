#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A self-pipe that wakes the terminal thread out of `NcursesTerminal.wait`. Any thread may call
/// `signal()`; the signal handlers write to the same pipe.
public final class Wakeup: Sendable {
    /// Read end (non-blocking, close-on-exec).
    let readFD: Int32
    /// Write end (non-blocking, close-on-exec).
    let writeFD: Int32

    /// The byte `signal()` writes.
    static let wakeByte = UInt8(ascii: "w")

    /// Creates the pipe.
    public init() throws(TerminalError) {
        var fds: [Int32] = [-1, -1]
        let rc = fds.withUnsafeMutableBufferPointer { buffer -> Int32 in
            guard let base = buffer.baseAddress else { return -1 }
            return pipe(base)
        }
        guard rc == 0 else { throw TerminalError.setupFailed("pipe() failed (errno \(errno))") }
        for fd in fds {
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
            _ = fcntl(fd, F_SETFD, fcntl(fd, F_GETFD) | FD_CLOEXEC)
        }
        readFD = fds[0]
        writeFD = fds[1]
    }

    deinit {
        close(readFD)
        close(writeFD)
    }

    /// Wakes the waiting thread. Never blocks; when the pipe is full a wake-up is pending anyway.
    public func signal() {
        var byte = Wakeup.wakeByte
        while write(writeFD, &byte, 1) < 0 && errno == EINTR {}
    }

    /// Reads every byte waiting in the pipe.
    func drain() -> [UInt8] {
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 256)
        while true {
            let n = buffer.withUnsafeMutableBytes { raw -> Int in
                guard let base = raw.baseAddress else { return -1 }
                return read(readFD, base, raw.count)
            }
            if n > 0 {
                bytes.append(contentsOf: buffer[0..<n])
                if n < buffer.count { break }
            } else if n < 0 && errno == EINTR {
                continue
            } else {
                break
            }
        }
        return bytes
    }
}
