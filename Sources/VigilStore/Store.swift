import Foundation
import GRDB
import Synchronization
import VigilCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Vigil's durable state in one SQLite file (`vigil.sqlite` in the state directory): the
/// acknowledgement outbox, the audit log and the incident history.
///
/// The database runs in WAL mode with a busy timeout, so a second Vigil (or `vigil log`) can use
/// the same directory at the same time. Every method is synchronous, commits (or rolls back) one
/// transaction, and reports failures as a `StoreError`; it may block up to the busy timeout, so
/// call it off the terminal thread. A failure never leaves a half-written change behind.
public final class VigilStore: Sendable {
    /// The database file's name inside the state directory.
    public static let fileName = "vigil.sqlite"

    /// The state directory.
    public let directory: URL
    /// The database file (`directory/vigil.sqlite`).
    public let databaseURL: URL
    /// How long a call waits for another process's lock before it fails with `.locked`.
    public let busyTimeout: TimeInterval
    /// The back-off used to schedule retries of acknowledgements.
    public let backoff: Backoff

    let pool: any DatabaseWriter
    let random: @Sendable () -> Double
    private let removesDirectoryOnDeinit: Bool
    /// What the history last wrote of each incident (`record(incidents:source:at:)`); used only
    /// on the writer connection, inside its transactions.
    let history = Mutex(HistoryMemory())

    /// The state directory: `$XDG_STATE_HOME/vigil` when that is an absolute path, otherwise
    /// `$HOME/.local/state/vigil`.
    public static func defaultDirectory(environment: [String: String] = ProcessInfo.processInfo.environment) -> URL {
        if let state = environment["XDG_STATE_HOME"], state.hasPrefix("/") {
            return URL(fileURLWithPath: state, isDirectory: true).appendingPathComponent("vigil", isDirectory: true)
        }
        let home = environment["HOME"].flatMap { $0.hasPrefix("/") ? $0 : nil } ?? NSHomeDirectory()
        return URL(fileURLWithPath: home, isDirectory: true)
            .appendingPathComponent(".local/state/vigil", isDirectory: true)
    }

    /// The database file inside `directory` (to check whether there is any state yet without
    /// creating it).
    public static func databaseURL(in directory: URL) -> URL {
        directory.appendingPathComponent(fileName, isDirectory: false)
    }

    /// Opens the store in `directory`, creating the directory (mode 0700, with missing parents)
    /// and the database when they do not exist, and bringing its schema up to date.
    ///
    /// - Parameters:
    ///   - busyTimeout: how long to wait for another process's lock, in seconds.
    ///   - backoff: the retry schedule of the outbox.
    ///   - random: a source of random numbers in [0, 1] for the back-off jitter.
    /// - Throws: `.cannotWrite` (permissions, read-only file system, a file in the way),
    ///   `.diskFull`, `.locked`, `.corrupt` (the file is left untouched) or `.failed`.
    public convenience init(directory: URL, busyTimeout: TimeInterval = 5, backoff: Backoff = .standard,
                            random: @escaping @Sendable () -> Double = { Double.random(in: 0...1) }) throws(StoreError) {
        try self.init(directory: directory, busyTimeout: busyTimeout, backoff: backoff, random: random,
                      removesDirectoryOnDeinit: false)
    }

    /// A store in a new temporary directory that is removed when the store goes away (tests,
    /// demo mode). It is a real file because WAL needs one.
    public static func inMemory(backoff: Backoff = .standard,
                                random: @escaping @Sendable () -> Double = { Double.random(in: 0...1) }) throws(StoreError) -> VigilStore {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("vigil-store-\(UUID().uuidString)", isDirectory: true)
        return try VigilStore(directory: directory, busyTimeout: 5, backoff: backoff, random: random,
                              removesDirectoryOnDeinit: true)
    }

    /// A store that lives in memory only, for when no file can be opened (a read-only or full
    /// disk): actions still go through the one outbox, they are just not kept across a restart.
    public static func volatile(backoff: Backoff = .standard,
                                random: @escaping @Sendable () -> Double = { Double.random(in: 0...1) }) throws(StoreError)
        -> VigilStore {
        try VigilStore(volatileWith: backoff, random: random)
    }

    private init(volatileWith backoff: Backoff, random: @escaping @Sendable () -> Double) throws(StoreError) {
        self.directory = URL(fileURLWithPath: "/dev/null")
        self.databaseURL = URL(fileURLWithPath: ":memory:")
        self.busyTimeout = 5
        self.backoff = backoff
        self.random = random
        self.removesDirectoryOnDeinit = false
        do {
            let queue = try DatabaseQueue()
            try Schema.migrator.migrate(queue)
            self.pool = queue
        } catch {
            throw StoreError(error, path: ":memory:", busyTimeout: 5)
        }
    }

    init(directory: URL, busyTimeout: TimeInterval, backoff: Backoff, random: @escaping @Sendable () -> Double,
         removesDirectoryOnDeinit: Bool) throws(StoreError) {
        self.directory = directory
        self.databaseURL = Self.databaseURL(in: directory)
        self.busyTimeout = busyTimeout
        self.backoff = backoff
        self.random = random
        self.removesDirectoryOnDeinit = removesDirectoryOnDeinit
        try Self.makeWritableDirectory(directory)

        var configuration = Configuration()
        configuration.label = "vigil-store"
        configuration.busyMode = .timeout(busyTimeout)
        configuration.journalMode = .wal
        configuration.prepareDatabase { db in
            // FULL: a committed outbox entry survives a power cut, not only `kill -9`.
            try db.execute(sql: "PRAGMA synchronous = FULL")
            // 512 KiB of page cache per connection, not SQLite's 2 MB: the history's rows are
            // read back rarely (the writer remembers what it wrote), and a page not cached comes
            // from the operating system's cache, not the disk.
            try db.execute(sql: "PRAGMA cache_size = -512")
        }
        let path = databaseURL.path
        do {
            self.pool = try Self.openAndMigrate(path: path, configuration: configuration, busyTimeout: busyTimeout)
        } catch {
            throw StoreError(error, path: path, busyTimeout: busyTimeout)
        }
    }

    /// Opens the pool and brings the schema up to date. Two Vigils creating the same file at once
    /// can get SQLITE_BUSY at once, without the busy handler (switching a new file to WAL, or two
    /// migrations each upgrading a read to a write): that is retried, with short pauses, for as
    /// long as the busy timeout.
    private static func openAndMigrate(path: String, configuration: Configuration,
                                       busyTimeout: TimeInterval) throws -> DatabasePool {
        let deadline = Date().addingTimeInterval(busyTimeout)
        var attempt = 0
        while true {
            do {
                let pool = try DatabasePool(path: path, configuration: configuration)
                do {
                    try Schema.migrator.migrate(pool)
                } catch let error as DatabaseError
                    where error.resultCode == .SQLITE_ERROR || error.resultCode == .SQLITE_CONSTRAINT {
                    // Another process migrated the same file between our check and our
                    // transaction: its schema is now in place, so a second pass finds nothing to do.
                    try Schema.migrator.migrate(pool)
                }
                return pool
            } catch let error as DatabaseError
                where (error.resultCode == .SQLITE_BUSY || error.resultCode == .SQLITE_LOCKED) && Date() < deadline {
                attempt += 1
                usleep(UInt32(min(200, 10 * attempt)) * 1_000)
            }
        }
    }

    deinit {
        guard removesDirectoryOnDeinit else { return }
        try? pool.close()
        try? FileManager.default.removeItem(at: directory)
    }

    // MARK: - Transactions

    /// Runs `body` in one IMMEDIATE write transaction (the write lock is taken up front, so the
    /// busy timeout applies and a read-then-write never fails half-way), mapping errors.
    func write<T>(_ body: (Database) throws -> T) throws(StoreError) -> T {
        do {
            return try pool.writeWithoutTransaction { db in
                var result: T?
                try db.inTransaction(.immediate) {
                    result = try body(db)
                    return .commit
                }
                guard let result else { throw StoreError.failed(path: databaseURL.path, message: "transaction gave no result") }
                return result
            }
        } catch {
            throw StoreError(error, path: databaseURL.path, busyTimeout: busyTimeout)
        }
    }

    /// Runs `body` on a consistent snapshot, mapping errors.
    func read<T>(_ body: (Database) throws -> T) throws(StoreError) -> T {
        do {
            return try pool.read(body)
        } catch {
            throw StoreError(error, path: databaseURL.path, busyTimeout: busyTimeout)
        }
    }

    // MARK: - Test hooks

    /// Caps the database at its current size, as a full disk would (`PRAGMA max_page_count` on
    /// the single writer connection). Pass nil to lift the cap.
    func simulateFullDisk(_ full: Bool = true) throws(StoreError) {
        do {
            try pool.writeWithoutTransaction { db in
                try db.execute(sql: "PRAGMA max_page_count = \(full ? 1 : 1_073_741_823)")
            }
        } catch {
            throw StoreError(error, path: databaseURL.path, busyTimeout: busyTimeout)
        }
    }

    // MARK: - Directory

    /// Creates `directory` and its missing parents with mode 0700, then proves it is writable by
    /// creating and removing a file (`access(2)` says yes to root even on a read-only mount).
    static func makeWritableDirectory(_ directory: URL) throws(StoreError) {
        let path = directory.standardizedFileURL.path
        var prefix = ""
        for component in path.split(separator: "/", omittingEmptySubsequences: true) {
            prefix += "/" + component
            var info = stat()
            if stat(prefix, &info) == 0 {
                guard info.st_mode & S_IFMT == S_IFDIR else {
                    throw .cannotWrite(path: prefix, reason: "it is a file, not a directory")
                }
                continue
            }
            if mkdir(prefix, 0o700) != 0 {
                let code = errno
                if code == EEXIST, stat(prefix, &info) == 0, info.st_mode & S_IFMT == S_IFDIR { continue }
                throw Self.directoryError(path: prefix, errno: code)
            }
        }
        let probe = path + "/.vigil-write-probe-\(getpid())"
        let fd = open(probe, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        guard fd >= 0 else { throw Self.directoryError(path: path, errno: errno) }
        close(fd)
        unlink(probe)
    }

    private static func directoryError(path: String, errno code: Int32) -> StoreError {
        if code == ENOSPC || code == EDQUOT { return .diskFull(path: path) }
        return .cannotWrite(path: path, reason: String(cString: strerror(code)))
    }
}

/// The schema, one migration per change; never edit a migration that has shipped.
enum Schema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(sql: """
                CREATE TABLE outbox (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    incidentID TEXT NOT NULL,
                    source TEXT NOT NULL,
                    sourceKey TEXT NOT NULL,
                    kind TEXT NOT NULL,
                    user TEXT NOT NULL,
                    requestedAt REAL NOT NULL,
                    attempts INTEGER NOT NULL DEFAULT 0,
                    lastAttemptAt REAL,
                    lastError TEXT,
                    nextAttemptAt REAL NOT NULL,
                    state TEXT NOT NULL,
                    confirmedBy TEXT,
                    confirmedAt REAL,
                    claimedBy TEXT,
                    finishedAt REAL
                );
                CREATE INDEX outbox_pending ON outbox(state, incidentID, id);
                CREATE INDEX outbox_finished ON outbox(finishedAt);

                CREATE TABLE audit (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    at REAL NOT NULL,
                    user TEXT NOT NULL,
                    incidentID TEXT NOT NULL,
                    source TEXT NOT NULL,
                    action TEXT NOT NULL,
                    outcome TEXT NOT NULL,
                    message TEXT NOT NULL,
                    outboxID INTEGER
                );
                CREATE INDEX audit_at ON audit(at);

                CREATE TABLE incidents (
                    occurrence INTEGER PRIMARY KEY AUTOINCREMENT,
                    id TEXT NOT NULL,
                    source TEXT NOT NULL,
                    sourceKey TEXT NOT NULL,
                    number INTEGER,
                    title TEXT NOT NULL,
                    service TEXT NOT NULL,
                    severity INTEGER NOT NULL,
                    status TEXT NOT NULL,
                    triggeredAt REAL NOT NULL,
                    acknowledgedAt REAL,
                    acknowledgedBy TEXT,
                    resolvedAt REAL,
                    paged INTEGER NOT NULL,
                    lastSeenAt REAL NOT NULL
                );
                CREATE INDEX incidents_id ON incidents(id, occurrence);
                CREATE INDEX incidents_open ON incidents(source, status);
                CREATE INDEX incidents_triggered ON incidents(triggeredAt);
                CREATE INDEX incidents_resolved ON incidents(resolvedAt);
                """)
        }
        // Actions other than (un)acknowledging carry a value: seconds to snooze, a note, a person.
        migrator.registerMigration("v2-action-argument") { db in
            try db.execute(sql: "ALTER TABLE outbox ADD COLUMN argument TEXT")
        }
        // One problem, one row: the keys that merge an alert into the page it opened.
        migrator.registerMigration("v3-page-keys") { db in
            try db.execute(sql: "ALTER TABLE incidents ADD COLUMN dedupKey TEXT")
            try db.execute(sql: "ALTER TABLE incidents ADD COLUMN pagedAs TEXT")
        }
        return migrator
    }
}

/// Who holds a claim on an outbox entry: host, process id and a token unique to this process
/// run, so that a claim left by a process that died (`kill -9`) is recognised at once instead of
/// waiting for its lease to run out.
enum ClaimOwner {
    /// This process.
    static let current: String = "\(hostName)/\(getpid())/\(UUID().uuidString)"

    private static let hostName: String = {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0 else { return "localhost" }
        let bytes = buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
        return String(decoding: bytes, as: UTF8.self).replacingOccurrences(of: "/", with: "_")
    }()

    /// True when `owner` is a process on this host that no longer runs (or an earlier run that
    /// had this process's id). Claims from other hosts are never considered stale.
    static func isStale(_ owner: String?) -> Bool {
        guard let owner, owner != current else { return false }
        let parts = owner.split(separator: "/", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0] == hostName, let pid = pid_t(parts[1]) else { return false }
        if pid == getpid() { return true }
        return kill(pid, 0) != 0 && errno == ESRCH
    }
}
