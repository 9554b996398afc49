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
        switch lookup(key, list, valid: valid) {
        case .kept(let d): return d
        case .missing(let previous):
            let made = make(previous)
            keep(key, list, made)
            return made
        }
    }

    /// What `lookup` found under a key.
    enum Found<T: Sendable, D: AnyObject & Sendable>: Sendable {
        /// The digest of the same list.
        case kept(D)
        /// None for this list: the list and digest kept under the key before, if any (and valid).
        case missing(previous: (list: [T], digest: D)?)
    }

    /// The digest kept under `key` when it is that of `list` (the same array), else the list and
    /// digest kept there (when `valid`) for making a new one, to `keep` then (`digest` in two
    /// steps, so that digests can be made on several threads between them).
    func lookup<T: Sendable, D: AnyObject & Sendable>(_ key: String, _ list: [T], valid: (D) -> Bool = { _ in true }) -> Found<T, D> {
        if let e = store.withLock({ $0.entries[key] }), let old = e.list as? [T], let d = e.digest as? D, valid(d) {
            return Self.same(old, list) ? .kept(d) : .missing(previous: (old, d))
        }
        return .missing(previous: nil)
    }

    /// Keeps `digest` as that of `list` under `key`.
    func keep<T: Sendable, D: AnyObject & Sendable>(_ key: String, _ list: [T], _ digest: D) {
        store.withLock { s in
            if s.entries.updateValue(Entry(list: list, digest: digest), forKey: key) == nil {
                s.order.append(key)
                if s.order.count > capacity { s.entries[s.order.removeFirst()] = nil }
            }
        }
    }

    /// Forgets every digest, so the next figures are computed from scratch (for benchmarks).
    func removeAll() { store.withLock { $0 = Store() } }

    private static func same<T>(_ a: [T], _ b: [T]) -> Bool {
        a.count == b.count && a.withUnsafeBufferPointer { x in b.withUnsafeBufferPointer { y in x.baseAddress == y.baseAddress } }
    }
}
