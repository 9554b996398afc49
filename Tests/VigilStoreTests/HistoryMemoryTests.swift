import Foundation
import GRDB
import Synchronization
import Testing
import VigilCore
@testable import VigilStore

/// `record`'s memory of the rows it wrote (digests, not rows): it must spare the statements of an
/// unchanged poll and never hide a change.
@Suite struct HistoryMemoryTests {
    @Test func anUnchangedPollOf10000IncidentsRunsNoStatementPerIncident() throws {
        let store = try VigilStore.inMemory()
        let incidents = (0..<10_000).map(variety)
        #expect(try store.record(incidents: incidents, source: "am", at: t0) == 10_000)
        let trace = StatementTrace(store)
        #expect(try store.record(incidents: incidents, source: "am", at: t0.addingTimeInterval(30)) == 0)
        let unchanged = trace.take()
        #expect(unchanged.count <= 4, "\(unchanged)")   // BEGIN, data_version, COMMIT
        // One field of one incident: its UPDATE, and no other statement.
        var changed = incidents
        changed[4_321].title += " (again)"
        #expect(try store.record(incidents: changed, source: "am", at: t0.addingTimeInterval(60)) == 1)
        let one = trace.take()
        #expect(one.count == unchanged.count + 1 && one.filter { $0.hasPrefix("UPDATE") }.count == 1, "\(one)")
        #expect(try store.history(since: t0).first { $0.id == "AM-4321" }?.title == "disk full on db-1 (again)")
        // After the last-seen resolution: one cheap refresh each, still no read.
        let later = t0.addingTimeInterval(60 + VigilStore.lastSeenResolution)
        #expect(try store.record(incidents: changed, source: "am", at: later) == 10_000)
        #expect(!trace.take().contains { $0.hasPrefix("SELECT") })
    }

    /// A change in any one field of an otherwise equal incident is written, whatever the rest.
    @Test func aChangeInAnyOneFieldIsWritten() throws {
        let changes: [(String, (inout Incident) -> Void)] = [
            ("sourceKey", { $0.sourceKey += "x" }), ("number", { $0.number = ($0.number ?? 0) + 1 }),
            ("title", { $0.title += "!" }), ("service", { $0.service = "web" }),
            ("severity", { $0.severity = $0.severity == .info ? .high : .info }),
            ("triggeredAt", { $0.triggeredAt += 1 }), ("paged", { $0.paged.toggle() }),
            ("dedupKey", { $0.dedupKey = ($0.dedupKey ?? "") + "k" }), ("pagedAs", { $0.pagedAs.append("k2") }),
            ("acknowledged earlier", { $0.status = .acknowledged; $0.acknowledgedAt = t0.addingTimeInterval(-1)
                                       $0.acknowledgedBy = "erin" }),
            ("resolved", { $0.status = .resolved; $0.resolvedAt = t0.addingTimeInterval(50) }),
        ]
        for (name, change) in changes {
            for i in 0..<6 {
                let store = try VigilStore.inMemory()
                var incidents = (0..<6).map(variety)
                try store.record(incidents: incidents, source: "am", at: t0)
                #expect(try store.record(incidents: incidents, source: "am", at: t0.addingTimeInterval(5)) == 0)
                change(&incidents[i])
                let trace = StatementTrace(store)
                #expect(try store.record(incidents: incidents, source: "am", at: t0.addingTimeInterval(10)) == 1,
                        "\(name) of \(incidents[i].id)")
                #expect(!trace.take().contains { $0.hasPrefix("SELECT") }, "\(name) of \(incidents[i].id)")
                // What is stored is what a store that remembers nothing stores.
                let reference = try VigilStore.inMemory()
                try reference.record(incidents: (0..<6).map(variety), source: "am", at: t0)
                reference.history.withLock { $0 = HistoryMemory() }
                try reference.record(incidents: incidents, source: "am", at: t0.addingTimeInterval(10))
                #expect(try rows(store) == rows(reference), "\(name) of \(incidents[i].id)")
            }
        }
    }

    /// Random polls (changes, reappearances, incidents gone missing, time passing) recorded by a
    /// store that remembers and by one whose memory is dropped before every call (it reads every
    /// row back and compares all fields): the same writes, the same rows.
    @Test func randomPollsWriteWhatAStoreWithoutMemoryWrites() throws {
        var random = SplitMix64(seed: 15)
        let store = try VigilStore.inMemory(), reference = try VigilStore.inMemory()
        func forgetReference() { reference.history.withLock { $0 = HistoryMemory() } }
        var current = (0..<40).map(variety)
        var now = t0
        for poll in 0..<300 {
            now += Double(5 + random.below(150))
            for i in current.indices where random.below(8) == 0 { mutate(&current[i], &random, now: now) }
            let present = current.filter { _ in random.below(10) != 0 }
            forgetReference()
            let wrote = try store.record(incidents: present, source: "am", at: now)
            #expect(try reference.record(incidents: present, source: "am", at: now) == wrote, "poll \(poll)")
            if random.below(6) == 0 {
                let ids = Set(present.map(\.id))
                forgetReference()
                let resolved = try store.markMissing(source: "am", presentIDs: ids, at: now)
                #expect(try reference.markMissing(source: "am", presentIDs: ids, at: now) == resolved)
            }
            #expect(try rows(store) == rows(reference), "poll \(poll)")
        }
    }

    /// After another connection wrote, an unchanged poll reads every row again, once.
    @Test func whatAnotherConnectionWritesDropsTheMemory() throws {
        let directory = temporaryDirectory()
        defer { removeTemporary(directory) }
        let mine = try VigilStore(directory: directory), theirs = try VigilStore(directory: directory)
        let incidents = (0..<1_000).map(variety)
        try mine.record(incidents: incidents, source: "am", at: t0)
        let trace = StatementTrace(mine)
        try mine.record(incidents: incidents, source: "am", at: t0.addingTimeInterval(5))
        #expect(trace.take().filter { $0.hasPrefix("SELECT") }.isEmpty)
        // Anything written elsewhere: here, an audit line.
        _ = try theirs.enqueue(incidentID: "AM-1", source: "am", sourceKey: "1", kind: .acknowledge, user: "u", at: t0)
        #expect(try mine.record(incidents: incidents, source: "am", at: t0.addingTimeInterval(10)) == 0)
        #expect(trace.take().filter { $0.hasPrefix("SELECT") }.count == 1_000)
        try mine.record(incidents: incidents, source: "am", at: t0.addingTimeInterval(15))
        #expect(trace.take().filter { $0.hasPrefix("SELECT") }.isEmpty)
    }

    /// Two ids whose keys are equal (forced here: 64-bit keys collide by chance only) never
    /// take each other's row.
    @Test func aDigestUnderAnotherIDsKeyIsNeverTakenForThisIDsRow() throws {
        let store = try VigilStore.inMemory()
        func plant(_ id: String, as other: String) {
            store.history.withLock { memory in
                var rows = memory.rows["am"]!
                rows.set(memory.key(id), rows[memory.key(other)]!)
                memory.rows["am"] = rows
            }
        }
        let a = incident("AM-a", status: .resolved, resolvedAt: t0.addingTimeInterval(1))
        var b = incident("AM-b", triggeredAt: t0.addingTimeInterval(10), title: "b")
        try store.record(incidents: [a, b], source: "am", at: t0.addingTimeInterval(20))
        // AM-b's key leads to AM-a's digest (resolved, another start): no new occurrence of AM-b.
        plant("AM-b", as: "AM-a")
        #expect(try store.record(incidents: [a, b], source: "am", at: t0.addingTimeInterval(30)) == 0)
        plant("AM-b", as: "AM-a")
        b.title = "b changed"
        #expect(try store.record(incidents: [a, b], source: "am", at: t0.addingTimeInterval(40)) == 1)
        let history = try store.history(since: t0)
        #expect(history.map(\.id) == ["AM-a", "AM-b"])
        #expect(history.map(\.title) == ["disk full on db-1", "b changed"] && history[0].status == .resolved)
        // AM-a's key leads to AM-b's digest (open): AM-a's row is still not AM-b's.
        plant("AM-a", as: "AM-b")
        var a2 = a
        a2.title = "a changed"
        #expect(try store.record(incidents: [a2, b], source: "am", at: t0.addingTimeInterval(50)) == 1)
        #expect(try store.history(since: t0).map { "\($0.id) \($0.title)" } == ["AM-a a changed", "AM-b b changed"])
    }

    @Test func aDigestTakes32Bytes() {
        #expect(MemoryLayout<HistoryMemory.Digest>.stride == 32)
    }
}

/// Incident `i` of a mix: triggered, acknowledged with and without a time, resolved with and
/// without one, with page keys and numbers.
private func variety(_ i: Int) -> Incident {
    var x = incident("AM-\(i)", triggeredAt: t0.addingTimeInterval(Double(-i)))
    switch i % 6 {
    case 1: x.status = .acknowledged; x.acknowledgedBy = "bob"
    case 2: x.status = .acknowledged; x.acknowledgedAt = t0.addingTimeInterval(-0.5); x.acknowledgedBy = "alice"
    case 3: x.status = .resolved
    case 4: x.status = .resolved; x.resolvedAt = t0.addingTimeInterval(-0.25)
    default: break
    }
    if i % 5 == 0 { x.number = i }
    if i % 7 == 0 { x.dedupKey = "dk\(i)" }
    if i % 4 == 0 { x.pagedAs = ["p\(i)", "q\(i)"] }
    x.severity = [.critical, .high, .warning, .info][i % 4]
    x.paged = i % 3 != 0
    return x
}

/// One random change among few values, so that fields often change back.
private func mutate(_ x: inout Incident, _ random: inout SplitMix64, now: Date) {
    switch random.below(9) {
    case 0: x.title = ["disk full", "disk nearly full"][random.below(2)]
    case 1: x.severity = [.critical, .warning][random.below(2)]
    case 2: x.status = .triggered; x.acknowledgedAt = nil; x.acknowledgedBy = nil; x.resolvedAt = nil
    case 3:
        x.status = .acknowledged; x.resolvedAt = nil
        x.acknowledgedAt = [nil, now, now.addingTimeInterval(-3_600)][random.below(3)]
        x.acknowledgedBy = [nil, "bob", "carol"][random.below(3)]
    case 4: x.status = .resolved; x.resolvedAt = random.below(2) == 0 ? nil : now
    case 5: x.triggeredAt = now   // fires again (a new occurrence if it was resolved)
    case 6: x.pagedAs = random.below(2) == 0 ? [] : ["k1"]
    case 7: x.dedupKey = [nil, "d1"][random.below(2)]
    default: x.paged.toggle()
    }
}

/// Every row of the incidents table, all columns.
private func rows(_ store: VigilStore) throws -> [Row] {
    try store.read { db in try Row.fetchAll(db, sql: "SELECT * FROM incidents ORDER BY occurrence") }
}

/// The SQL statements the writer connection of a store runs.
final class StatementTrace: Sendable {
    private let statements = Mutex<[String]>([])

    init(_ store: VigilStore) {
        store.pool.writeWithoutTransaction { db in
            db.trace { [self] event in
                if case .statement(let statement) = event {
                    statements.withLock { $0.append(statement.sql.trimmingCharacters(in: .whitespacesAndNewlines)) }
                }
            }
        }
    }

    /// What ran since the last call.
    func take() -> [String] {
        statements.withLock { list in
            defer { list = [] }
            return list
        }
    }
}
