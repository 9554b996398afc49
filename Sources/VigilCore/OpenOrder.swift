import Synchronization

/// The incident table's last order, for the next poll: the incidents found again keep their
/// order, without those that closed, and the few that opened are merged in. A poll that
/// acknowledges, resolves or adds a few of 10,000 incidents then costs a walk of the two lists
/// instead of a sort (3.4 M of the terminal thread's 8.9 M instructions after such a poll;
/// DECISIONS 2026-12-06, "Figures beside the frame").
///
/// The order is the same as sorting again: the incidents found again have the keys they were
/// sorted by (severity, trigger time, id) and the same relative positions (the last key), so
/// their order is a subsequence of the last one; merging the sorted others in by the same keys
/// gives the sorted whole. It holds the last list, which the memo and the metrics' digests hold
/// anyway.
final class OpenOrder: Sendable {
    static let last = OpenOrder()

    private struct Kept: Sendable {
        var list: [Incident]
        var order: [Int32]
    }

    private let kept = Mutex<Kept?>(nil)
    /// How many orders were carried over (for tests).
    let carried = Atomic<Int>(0)

    /// Remembers `list` and the positions of its open incidents in table order.
    func keep(_ list: [Incident], _ order: [Int32]) {
        kept.withLock { $0 = Kept(list: list, order: order) }
    }

    /// The table order of `list` and its count of unacknowledged incidents, from the last order:
    /// the incidents found again (by `IncidentAlignment`, in the same relative order, with the
    /// same severity and trigger time) keep their order, and the others open (new, or opened
    /// again) are sorted and merged in. Nil when the last list is unrelated or something moved
    /// (the caller sorts, and keeps the result).
    func reused(for list: [Incident]) -> (order: [Int32], unacknowledged: Int)? {
        guard let last = kept.withLock({ $0 }) else { return nil }
        let old = last.list
        let alignment = IncidentAlignment(old: old, new: list)
        var newAt = [Int32](repeating: -1, count: old.count)
        var added: [Int32] = []
        let consistent: Bool = old.withUnsafeBufferPointer { o in
            list.withUnsafeBufferPointer { n in
                var previous = -1
                for j in 0..<n.count {
                    let k = Int(alignment.previous[j])
                    let open = n[j].status != .resolved
                    guard k >= 0 else {
                        if open { added.append(Int32(j)) }
                        continue
                    }
                    // Found again: in the same relative order (ties keep their order), once,
                    // with the keys it was sorted by.
                    guard k > previous, n[j].severity == o[k].severity, n[j].triggeredAt == o[k].triggeredAt else { return false }
                    previous = k
                    newAt[k] = Int32(j)
                    if open && o[k].status == .resolved { added.append(Int32(j)) }   // opened again
                }
                return true
            }
        }
        // Many opened: sorting them is most of the work anyway.
        guard consistent, added.count <= max(8, list.count / 16) else { return nil }
        return list.withUnsafeBufferPointer { n in
            // Fields read in place (a copy of an incident retains all its strings).
            func precedes(_ a: Int32, _ b: Int32) -> Bool {
                let x = Int(a), y = Int(b)
                if n[x].severity != n[y].severity { return n[x].severity < n[y].severity }
                if n[x].triggeredAt != n[y].triggeredAt { return n[x].triggeredAt < n[y].triggeredAt }
                return n[x].id != n[y].id ? n[x].id < n[y].id : a < b
            }
            added.sort(by: precedes)
            var order: [Int32] = []
            order.reserveCapacity(last.order.count + added.count)
            var unacknowledged = 0
            var next = 0
            for p in last.order {
                let j = newAt[Int(p)]
                guard j >= 0, n[Int(j)].status != .resolved else { continue }
                while next < added.count, precedes(added[next], j) { order.append(added[next]); next += 1 }
                order.append(j)
            }
            order.append(contentsOf: added[next...])
            for j in order where n[Int(j)].status == .triggered { unacknowledged += 1 }
            keep(list, order)
            carried.add(1, ordering: .relaxed)
            return (order, unacknowledged)
        }
    }
}
