import Foundation
import GRDB

/// Why the state store could not do what was asked, in words an engineer can act on.
///
/// Every case leaves the data as it was: a failed change is rolled back, and the store never
/// deletes or rewrites a file it cannot read. The UI should show `description` and keep running.
public enum StoreError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The state directory or database file cannot be created or written (permissions, a
    /// read-only file system, a file where the directory should be).
    case cannotWrite(path: String, reason: String)
    /// The disk (or the quota) holding the database is full (`SQLITE_FULL`, `ENOSPC`).
    case diskFull(path: String)
    /// Another process held the database lock for longer than the busy timeout (`SQLITE_BUSY`).
    case locked(path: String, timeout: TimeInterval)
    /// The database file is damaged or is not a SQLite database (`SQLITE_CORRUPT`, `SQLITE_NOTADB`).
    case corrupt(path: String, detail: String)
    /// No outbox entry has this id.
    case unknownOutboxEntry(Int64)
    /// Any other SQLite failure, with SQLite's own message.
    case failed(path: String, message: String)

    /// The message to show, ending with what to do about it.
    public var description: String {
        switch self {
        case let .cannotWrite(path, reason):
            return "cannot write to \(path): \(reason). Check its permissions, or set XDG_STATE_HOME to a writable directory."
        case let .diskFull(path):
            return "the disk holding \(path) is full: the last change was not saved (what was saved before is intact). "
                + "Free some space; saving resumes by itself once there is room."
        case let .locked(path, timeout):
            return "\(path) stayed locked for more than \(Self.seconds(timeout)): another Vigil or `vigil log` is holding it. "
                + "Nothing was changed; if this persists, stop the other process."
        case let .corrupt(path, detail):
            return "\(path) is damaged or is not a Vigil database (\(detail)). Vigil has not changed it: "
                + "move it aside (with any \(Self.lastComponent(path))-wal and -shm beside it), "
                + "for example `mv \(path) \(path).corrupt`, and start Vigil again to begin a new one."
        case let .unknownOutboxEntry(id):
            return "there is no acknowledgement #\(id) in the outbox"
        case let .failed(path, message):
            return "the state database \(path) failed: \(message)"
        }
    }

    /// Maps any error thrown while using the database at `path` to a `StoreError`.
    init(_ error: any Error, path: String, busyTimeout: TimeInterval) {
        if let error = error as? StoreError {
            self = error
            return
        }
        guard let error = error as? DatabaseError else {
            self = .failed(path: path, message: String(describing: error))
            return
        }
        let message = error.message ?? error.extendedResultCode.description
        switch error.resultCode {
        case .SQLITE_FULL:
            self = .diskFull(path: path)
        case .SQLITE_BUSY, .SQLITE_LOCKED:
            self = .locked(path: path, timeout: busyTimeout)
        case .SQLITE_CORRUPT, .SQLITE_NOTADB:
            self = .corrupt(path: path, detail: message)
        case .SQLITE_READONLY, .SQLITE_CANTOPEN, .SQLITE_PERM, .SQLITE_AUTH:
            self = .cannotWrite(path: path, reason: message)
        case .SQLITE_IOERR where error.extendedResultCode == .SQLITE_IOERR_SHMSIZE:
            // SQLite could not grow the -shm file: in practice, no space left.
            self = .diskFull(path: path)
        default:
            self = .failed(path: path, message: "\(message) (SQLite code \(error.extendedResultCode.rawValue))")
        }
    }

    private static func seconds(_ t: TimeInterval) -> String {
        t == t.rounded() ? "\(Int(t)) s" : String(format: "%.1f s", t)
    }

    private static func lastComponent(_ path: String) -> String {
        path.split(separator: "/").last.map(String.init) ?? path
    }
}
