import Synchronization

/// Digests kept per source and kind, reused while the source's list is the same array (the same
/// storage: an array that changed, or was decoded again, has new storage). Holding the array
/// keeps its storage alive, so its address cannot be reused by another list meanwhile.
///
/// A list that is not the same array is digested again, with the previous list and its digest
/// at hand: the digests reuse, position by position, what they computed for an element whose
/// fields they read are equal in the previous list (a poll that appends, resolves or drops a
/// few of 100,000 interns no names and parses no versions again). That depends on nothing but
/// the two lists, so a previous list that is unrelated costs a comparison, never a wrong figure.
final class DigestCache: Sendable {
    static let shared = DigestCache(capacity: 64)

    private struct Entry: Sendable {
        // The list (`[Incident]`, `[Deployment]` or `[BuildRun]`) and its digest.
        var list: any Sendable
        var digest: AnyObject & Sendable
    }

    private struct Store: ~Copyable {
        var entries: [String: Entry] = [:]
        var order: [String] = []
    }

    private let capacity: Int
    private let store = Mutex(Store())

    init(capacity: Int) { self.capacity = capacity }

    /// The digest of `list` kept under `key`, or a new one made by `make` (outside the lock),
    /// which is given the list and digest kept under `key` before, if any (and `valid`).
    func digest<T: Sendable, D: AnyObject & Sendable>(_ key: String, _ list: [T], valid: (D) -> Bool = { _ in true },
                                                      _ make: (_ previous: (list: [T], digest: D)?) -> D) -> D {
        var previous: (list: [T], digest: D)?
        if let e = store.withLock({ $0.entries[key] }), let old = e.list as? [T], let d = e.digest as? D, valid(d) {
            if Self.same(old, list) { return d }
            previous = (old, d)
        }
        let made = make(previous)
        previous = nil
        store.withLock { s in
            if s.entries.updateValue(Entry(list: list, digest: made), forKey: key) == nil {
                s.order.append(key)
                if s.order.count > capacity { s.entries[s.order.removeFirst()] = nil }
            }
        }
        return made
    }

    /// Forgets every digest, so the next figures are computed from scratch (for benchmarks).
    func removeAll() { store.withLock { $0 = Store() } }

    private static func same<T>(_ a: [T], _ b: [T]) -> Bool {
        a.count == b.count && a.withUnsafeBufferPointer { x in b.withUnsafeBufferPointer { y in x.baseAddress == y.baseAddress } }
    }
}
