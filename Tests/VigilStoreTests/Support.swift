import Foundation
import Synchronization
import VigilCore
@testable import VigilStore

/// 2026-11-26 21:04:11Z.
let t0 = Date(timeIntervalSince1970: 1_795_727_051)

/// A fresh directory under the system temporary directory.
func temporaryDirectory(_ name: String = "state") -> URL {
    FileManager.default.temporaryDirectory
        .appendingPathComponent("vigil-store-tests-\(UUID().uuidString)", isDirectory: true)
        .appendingPathComponent(name, isDirectory: true)
}

/// Removes the test directory (its parent, the unique one).
func removeTemporary(_ directory: URL) {
    try? FileManager.default.removeItem(at: directory.deletingLastPathComponent())
}

/// Random numbers from a fixed list, repeating its last value: deterministic jitter.
final class FixedRandom: Sendable {
    private let values: Mutex<[Double]>
    init(_ values: [Double]) { self.values = Mutex(values) }
    var next: @Sendable () -> Double {
        { [self] in
            values.withLock { list in
                guard list.count > 1 else { return list.first ?? 1 }
                return list.removeFirst()
            }
        }
    }
}

/// An incident with defaults.
func incident(_ id: String, source: SourceID = "am", status: IncidentStatus = .triggered, triggeredAt: Date = t0,
              acknowledgedAt: Date? = nil, acknowledgedBy: String? = nil, resolvedAt: Date? = nil,
              title: String = "disk full on db-1") -> Incident {
    Incident(id: id, source: source, sourceKey: String(id.dropFirst(3)), number: nil, title: title, service: "db",
             severity: .critical, status: status, triggeredAt: triggeredAt, acknowledgedAt: acknowledgedAt,
             acknowledgedBy: acknowledgedBy, resolvedAt: resolvedAt, paged: true)
}

/// The error a throwing call threw (nil when it did not throw); an error that is not a
/// StoreError comes back as `.failed` with "not a StoreError" so comparisons fail loudly.
func storeError(_ body: () throws -> Void) -> StoreError? {
    do {
        try body()
        return nil
    } catch let error as StoreError {
        return error
    } catch {
        return .failed(path: "", message: "not a StoreError: \(error)")
    }
}
