import Foundation
import Synchronization
import Testing
import VigilCore
@testable import VigilStore

/// Opening, sharing and failing: a read-only directory, a corrupt file, a full disk, a second
/// Vigil on the same state, a lock held too long, a process killed mid-transaction.
@Suite struct RobustnessTests {
    // MARK: Opening

    @Test func defaultDirectoryFollowsXDG() {
        #expect(VigilStore.defaultDirectory(environment: ["XDG_STATE_HOME": "/x/state", "HOME": "/home/a"]).path
                == "/x/state/vigil")
        #expect(VigilStore.defaultDirectory(environment: ["HOME": "/home/a"]).path == "/home/a/.local/state/vigil")
        // A relative XDG path is invalid by the spec, and ignored.
        #expect(VigilStore.defaultDirectory(environment: ["XDG_STATE_HOME": "rel", "HOME": "/home/a"]).path
                == "/home/a/.local/state/vigil")
        #expect(VigilStore.databaseURL(in: URL(fileURLWithPath: "/s")).path == "/s/vigil.sqlite")
    }

    @Test func openingCreatesThePrivateDirectoryAndTheDatabaseInWALMode() throws {
        let directory = temporaryDirectory("deeper/state")
        defer { try? FileManager.default.removeItem(at: directory.deletingLastPathComponent().deletingLastPathComponent()) }
        let store = try VigilStore(directory: directory)
        let attributes = try FileManager.default.attributesOfItem(atPath: directory.path)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o700)
        #expect(FileManager.default.fileExists(atPath: store.databaseURL.path))
        let mode = try store.read { db in try String.fetchOne(db, sql: "PRAGMA journal_mode") }
        #expect(mode == "wal")
        // No probe file is left behind.
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).allSatisfy { $0.hasPrefix("vigil.sqlite") })
    }

    // MARK: Read-only and impossible directories

    /// chmod 0500. As root (how these tests run here) permissions do not stop writes, so the
    /// store opens; as any other user it must refuse with the clear message.
    @Test func aDirectoryWithoutWritePermission() throws {
        let directory = temporaryDirectory()
        defer {
            chmod(directory.path, 0o700)
            removeTemporary(directory)
        }
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        #expect(chmod(directory.path, 0o500) == 0)
        let error = storeError { _ = try VigilStore(directory: directory) }
        if geteuid() == 0 {
            #expect(error == nil)
        } else {
            #expect(error == .cannotWrite(path: directory.path, reason: "Permission denied"))
        }
    }

    @Test func aFileWhereTheDirectoryShouldBe() throws {
        let directory = temporaryDirectory()
        defer { removeTemporary(directory) }
        try FileManager.default.createDirectory(at: directory.deletingLastPathComponent(), withIntermediateDirectories: true)
        #expect(FileManager.default.createFile(atPath: directory.path, contents: Data("not a dir".utf8)))
        let error = storeError { _ = try VigilStore(directory: directory) }
        #expect(error == .cannotWrite(path: directory.path, reason: "it is a file, not a directory"))
        #expect(error?.description == "cannot write to \(directory.path): it is a file, not a directory. "
                + "Check its permissions, or set XDG_STATE_HOME to a writable directory.")
        // Below a file, too.
        let below = storeError { _ = try VigilStore(directory: directory.appendingPathComponent("vigil")) }
        #expect(below == .cannotWrite(path: directory.path, reason: "it is a file, not a directory"))
        #expect(try Data(contentsOf: directory) == Data("not a dir".utf8))
    }

    /// Paths where even root cannot create anything: a new directory in procfs, and an existing
    /// procfs directory (where the write probe fails).
    @Test(.enabled(if: FileManager.default.fileExists(atPath: "/proc/self")))
    func directoriesEvenRootCannotWriteTo() {
        let inProc = "/proc/vigil-test-\(UUID().uuidString)"
        let error = storeError { _ = try VigilStore(directory: URL(fileURLWithPath: inProc)) }
        guard case let .cannotWrite(path, _)? = error else {
            Issue.record("expected cannotWrite, got \(String(describing: error))")
            return
        }
        #expect(path == inProc)
        #expect(error?.description.hasPrefix("cannot write to \(inProc): ") == true)
        #expect(error?.description.hasSuffix("set XDG_STATE_HOME to a writable directory.") == true)

        let existing = storeError { _ = try VigilStore(directory: URL(fileURLWithPath: "/proc/self")) }
        guard case .cannotWrite(path: "/proc/self", _)? = existing else {
            Issue.record("expected cannotWrite for /proc/self, got \(String(describing: existing))")
            return
        }
    }

    // MARK: Corrupt file

    @Test func aFileThatIsNotADatabaseIsReportedAndLeftAlone() throws {
        let directory = temporaryDirectory()
        defer { removeTemporary(directory) }
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let file = VigilStore.databaseURL(in: directory)
        let garbage = Data((0..<8192).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ 13) })
        try garbage.write(to: file)
        let error = storeError { _ = try VigilStore(directory: directory) }
        guard case let .corrupt(path, _)? = error else {
            Issue.record("expected corrupt, got \(String(describing: error))")
            return
        }
        #expect(path == file.path)
        let message = error?.description ?? ""
        #expect(message.contains("is damaged or is not a Vigil database"))
        #expect(message.contains("Vigil has not changed it"))
        #expect(message.contains("mv \(file.path) \(file.path).corrupt"))
        #expect(try Data(contentsOf: file) == garbage)
    }

    @Test func aDamagedSchemaIsReportedAsCorruptAndLeftAlone() throws {
        let directory = temporaryDirectory()
        defer { removeTemporary(directory) }
        do {
            let store = try VigilStore(directory: directory)
            try store.enqueue(incidentID: "A", source: "s", sourceKey: "a", kind: .acknowledge, user: "u", at: t0)
        }
        // The last connection closed: the WAL is checkpointed into the file. Damage the schema
        // page after the 100-byte header.
        let file = VigilStore.databaseURL(in: directory)
        var bytes = try Data(contentsOf: file)
        for i in 100..<min(4096, bytes.count) { bytes[i] = 0xA5 }
        try bytes.write(to: file)
        let error = storeError {
            let store = try VigilStore(directory: directory)
            _ = try store.pending()
        }
        guard case .corrupt? = error else {
            Issue.record("expected corrupt, got \(String(describing: error))")
            return
        }
        #expect(try Data(contentsOf: file) == bytes)
    }

    // MARK: Full disk

    /// A full disk, simulated with `PRAGMA max_page_count` (the file cannot grow): SQLITE_FULL
    /// becomes `.diskFull`, nothing saved is lost, reads keep working, and writing works again
    /// once there is room.
    @Test func aFullDiskIsReportedWithoutLosingAnything() throws {
        let store = try VigilStore.inMemory()
        let first = try store.enqueue(incidentID: "A", source: "s", sourceKey: "a", kind: .acknowledge, user: "u", at: t0)
        try store.simulateFullDisk()
        let big = String(repeating: "x", count: 4_000)
        var error: StoreError?
        var saved = 1
        for i in 0..<200 {
            do {
                try store.enqueue(incidentID: "B\(i)", source: "s", sourceKey: big, kind: .acknowledge, user: "u", at: t0)
                saved += 1
            } catch let caught {
                error = caught
                break
            }
        }
        #expect(error == .diskFull(path: store.databaseURL.path))
        #expect(error?.description.contains("is full: the last change was not saved") == true)
        #expect(try store.pending().count == saved)
        #expect(try store.pending().first == first)
        // A poll that changes nothing writes nothing, so it still succeeds.
        #expect(storeError { _ = try store.record(incidents: [], source: "s", at: t0) } == nil)
        // Room again.
        try store.simulateFullDisk(false)
        try store.enqueue(incidentID: "C", source: "s", sourceKey: big, kind: .acknowledge, user: "u", at: t0)
        #expect(try store.pending().count == saved + 1)
        #expect(try store.read { db in try String.fetchOne(db, sql: "PRAGMA integrity_check") } == "ok")
    }

    // MARK: A second Vigil on the same state

    @Test func twoStoresOnTheSameDirectoryWriteConcurrentlyWithoutLosingRows() throws {
        let directory = temporaryDirectory()
        defer { removeTemporary(directory) }
        let stores = [try VigilStore(directory: directory), try VigilStore(directory: directory)]
        let errors = Mutex<[String]>([])
        let perStore = 40
        DispatchQueue.concurrentPerform(iterations: 4) { worker in
            let store = stores[worker % 2]
            for i in 0..<perStore / 2 {
                do {
                    let id = "W\(worker)-\(i)"
                    let e = try store.enqueue(incidentID: id, source: "s", sourceKey: id, kind: .acknowledge,
                                              user: "u\(worker)", at: t0)
                    if let claimed = try store.beginAttempt(id: e.id, at: t0) {
                        try store.recordSuccess(id: claimed.id, confirmation: ActionConfirmation(by: "u\(worker)", at: t0),
                                                at: t0)
                    }
                    try store.record(incidents: [incident("AM-\(id)")], source: "am", at: t0)
                    _ = try store.due(at: t0)
                } catch {
                    errors.withLock { $0.append(String(describing: error)) }
                }
            }
        }
        #expect(errors.withLock { $0 } == [])
        for store in stores {
            #expect(try store.auditLog().count == 4 * (perStore / 2) * 3)
            #expect(try store.history(since: t0).count == 4 * (perStore / 2))
            #expect(try store.pending().isEmpty)
        }
    }

    @Test func twoVigilsOpeningANewDirectoryAtOnceBothMigrateIt() throws {
        for _ in 0..<5 {
            let directory = temporaryDirectory()
            defer { removeTemporary(directory) }
            let errors = Mutex<[String]>([])
            DispatchQueue.concurrentPerform(iterations: 3) { _ in
                do {
                    let store = try VigilStore(directory: directory)
                    _ = try store.pending()
                } catch {
                    errors.withLock { $0.append(String(describing: error)) }
                }
            }
            #expect(errors.withLock { $0 } == [])
        }
    }

    /// A lock held longer than the busy timeout gives `.locked`, the other store keeps working,
    /// and a waiter with enough patience gets through.
    @Test func aLockHeldLongerThanTheBusyTimeout() throws {
        let directory = temporaryDirectory()
        defer { removeTemporary(directory) }
        let holder = try VigilStore(directory: directory)
        let impatient = try VigilStore(directory: directory, busyTimeout: 0.2)
        let patient = try VigilStore(directory: directory, busyTimeout: 10)
        let inside = DispatchSemaphore(value: 0), release = DispatchSemaphore(value: 0), finished = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            _ = try? holder.write { _ in
                inside.signal()
                release.wait()
            }
            finished.signal()
        }
        inside.wait()
        let started = Date()
        let error = storeError {
            try impatient.enqueue(incidentID: "A", source: "s", sourceKey: "a", kind: .acknowledge, user: "u", at: t0)
        }
        #expect(error == .locked(path: impatient.databaseURL.path, timeout: 0.2))
        #expect(error?.description.hasPrefix("\(impatient.databaseURL.path) stayed locked for more than 0.2 s") == true)
        #expect(Date().timeIntervalSince(started) < 5)
        // Reads are not blocked by a writer in WAL mode.
        #expect(try impatient.pending().isEmpty)
        let patientDone = DispatchSemaphore(value: 0)
        let patientError = Mutex<StoreError?>(nil)
        Thread.detachNewThread {
            let e = storeError {
                try patient.enqueue(incidentID: "B", source: "s", sourceKey: "b", kind: .acknowledge, user: "u", at: t0)
            }
            patientError.withLock { $0 = e }
            patientDone.signal()
        }
        Thread.sleep(forTimeInterval: 0.3)
        release.signal()
        finished.wait()
        patientDone.wait()
        #expect(patientError.withLock { $0 } == nil)
        #expect(try holder.pending().map(\.incidentID) == ["B"])
    }

    // MARK: kill -9

    /// A real process (the sqlite3 shell) takes the write lock, writes an outbox row without
    /// committing, and is killed with SIGKILL: the store reopens, the uncommitted row is not
    /// there, the committed ones are, and the lock is gone.
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/sqlite3")))
    func aWriterKilledMidTransactionLosesOnlyItsUncommittedChange() throws {
        let directory = temporaryDirectory()
        defer { removeTemporary(directory) }
        let committed: Int64
        do {
            let store = try VigilStore(directory: directory)
            committed = try store.enqueue(incidentID: "A", source: "s", sourceKey: "a", kind: .acknowledge,
                                          user: "u", at: t0).id
        }
        let shell = Process()
        shell.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
        shell.arguments = [VigilStore.databaseURL(in: directory).path]
        let input = Pipe(), output = Pipe()
        shell.standardInput = input
        shell.standardOutput = output
        try shell.run()
        input.fileHandleForWriting.write(Data("""
            BEGIN IMMEDIATE;
            INSERT INTO outbox (incidentID, source, sourceKey, kind, user, requestedAt, nextAttemptAt, state)
                VALUES ('GHOST', 's', 'g', 'acknowledge', 'u', 0, 0, 'pending');
            SELECT 'inside';

            """.utf8))
        // Wait until the shell is inside its transaction.
        var seen = Data()
        while !String(decoding: seen, as: UTF8.self).contains("inside") {
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            seen.append(chunk)
        }
        #expect(String(decoding: seen, as: UTF8.self).contains("inside"))
        kill(shell.processIdentifier, SIGKILL)
        shell.waitUntilExit()
        #expect(shell.terminationReason == .uncaughtSignal)

        let store = try VigilStore(directory: directory, busyTimeout: 1)
        #expect(try store.pending().map(\.id) == [committed])
        let next = try store.enqueue(incidentID: "B", source: "s", sourceKey: "b", kind: .acknowledge, user: "u", at: t0)
        #expect(try store.pending().map(\.id) == [committed, next.id])
        #expect(try store.read { db in try String.fetchOne(db, sql: "PRAGMA integrity_check") } == "ok")
    }
}
