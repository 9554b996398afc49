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
/// summing everything again.
///
/// It keeps the values of the `revisions` most recent revisions only (and at most `capacity`
/// values): a poll makes a new revision, and each revision's values hold that poll's incidents,
/// so keeping values of older revisions would keep old copies of every incident alive. (It
/// kept the 48 most recent values, about ten revisions: with 10,000 alerts polled every 5 s,
/// some 100 MB of superseded incidents.)
public final class Memo: Sendable {
    /// The cache the views and the state use.
    public static let shared = Memo(capacity: 32, revisions: 2)

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
        /// Keys in the order they were stored.
        var order: [Key] = []
        /// Revisions with values, most recently used last.
        var recent: [UInt64] = []
    }

    private let capacity: Int
    private let revisions: Int
    private let store = Mutex(Store())

    /// Creates a cache of at most `capacity` values from at most `revisions` revisions.
    public init(capacity: Int, revisions: Int = 2) {
        self.capacity = max(1, capacity)
        self.revisions = max(1, revisions)
    }

    /// The value for `key`, computed by `make` the first time (outside the lock: two threads may
    /// both compute it, and the same value is kept either way).
    public func value<T: Sendable>(_ key: Key, _ make: () -> T) -> T {
        if let hit = store.withLock({ s -> (any Sendable)? in
            let hit = s.values[key]
            if hit != nil { Self.use(key.revision, in: &s) }
            return hit
        }) as? T { return hit }
        let made = make()
        store.withLock { s in
            if s.values.updateValue(made, forKey: key) == nil { s.order.append(key) }
            Self.use(key.revision, in: &s)
            if s.recent.count > revisions {
                let dropped = Set(s.recent.prefix(s.recent.count - revisions))
                s.recent.removeFirst(s.recent.count - revisions)
                for key in s.order where dropped.contains(key.revision) { s.values[key] = nil }
                s.order.removeAll { dropped.contains($0.revision) }
            }
            while s.order.count > capacity { s.values[s.order.removeFirst()] = nil }
        }
        return made
    }

    /// The value kept for `key`, if one was made; never computes one.
    public func peek<T: Sendable>(_ key: Key, as type: T.Type = T.self) -> T? {
        store.withLock { s -> (any Sendable)? in
            let hit = s.values[key]
            if hit != nil { Self.use(key.revision, in: &s) }
            return hit
        } as? T
    }

    /// How many values are kept (for tests).
    public var count: Int { store.withLock { $0.values.count } }

    private static func use(_ revision: UInt64, in s: inout Store) {
        if s.recent.last == revision { return }
        s.recent.removeAll { $0 == revision }
        s.recent.append(revision)
    }
}
