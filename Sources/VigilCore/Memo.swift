import Synchronization

/// Versions of the state's data, unique in the process: every change to the data an `AppState`
/// derives things from (its sources, history, window, metric settings) takes a new one, so two
/// copies that went different ways never share one.
public enum Revision {
    private static let counter = Atomic<UInt64>(0)

    /// A revision no state has had before.
    public static func next() -> UInt64 { counter.add(1, ordering: .relaxed).newValue }
}

/// A small process-wide cache of values derived from one revision of a state (the merged
/// incident list, the open incidents in table order, the dashboard's figures): a frame that
/// follows a key press or a clock tick, with the same data, reuses them instead of sorting and
/// summing everything again. Keeps the most recent entries only.
public final class Memo: Sendable {
    /// The cache the views and the state use.
    public static let shared = Memo(capacity: 48)

    /// What a value is, with the revision it was derived from and any further input.
    public struct Key: Hashable, Sendable {
        public var revision: UInt64
        public var name: String
        public var extra: Int
        public init(revision: UInt64, name: String, extra: Int = 0) {
            self.revision = revision; self.name = name; self.extra = extra
        }
    }

    private struct Store: ~Copyable {
        var values: [Key: any Sendable] = [:]
        var order: [Key] = []
    }

    private let capacity: Int
    private let store = Mutex(Store())

    /// Creates a cache of `capacity` entries.
    public init(capacity: Int) { self.capacity = max(1, capacity) }

    /// The value for `key`, computed by `make` the first time (outside the lock: two threads may
    /// both compute it, and the same value is kept either way).
    public func value<T: Sendable>(_ key: Key, _ make: () -> T) -> T {
        if let hit = store.withLock({ $0.values[key] }) as? T { return hit }
        let made = make()
        store.withLock { s in
            if s.values.updateValue(made, forKey: key) == nil {
                s.order.append(key)
                if s.order.count > capacity { s.values[s.order.removeFirst()] = nil }
            }
        }
        return made
    }
}
