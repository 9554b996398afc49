import Synchronization

/// The incident table's last order, for the next poll: when the new list has, position by
/// position, the same incidents (id, severity, trigger time) and none became open, its order is
/// the last one without the incidents that closed. A poll that acknowledges or resolves some of
/// 10,000 incidents then costs one walk of the list instead of a sort (3.4 M of the terminal
/// thread's 8.9 M instructions after such a poll; DECISIONS 2026-12-06, "Figures beside the
/// frame").
///
/// The order is the same as sorting again: the keys (severity, trigger time, id, position) of
/// every position are those the last order was sorted by, and a subset of a sorted sequence is
/// sorted. It holds the last list, which the memo and the metrics' digests hold anyway.
final class OpenOrder: Sendable {
    static let last = OpenOrder()

    private struct Kept: Sendable {
        var list: [Incident]
        var order: [Int32]
    }

    private let kept = Mutex<Kept?>(nil)

    /// Remembers `list` and the positions of its open incidents in table order.
    func keep(_ list: [Incident], _ order: [Int32]) {
        kept.withLock { $0 = Kept(list: list, order: order) }
    }

    /// The table order of `list` and its count of unacknowledged incidents, from the last order,
    /// when the last list had the same incidents at every position and none of `list`'s open
    /// incidents was closed there; nil otherwise (the caller sorts, and keeps the result).
    func reused(for list: [Incident]) -> (order: [Int32], unacknowledged: Int)? {
        guard let last = kept.withLock({ $0 }), last.list.count == list.count else { return nil }
        let same: Bool = last.list.withUnsafeBufferPointer { old in
            list.withUnsafeBufferPointer { new in
                for p in 0..<new.count {
                    // Stored fields only: a computed property of an element copies the element.
                    if new[p].status != .resolved && old[p].status == .resolved { return false }
                    if new[p].severity != old[p].severity || new[p].triggeredAt != old[p].triggeredAt
                        || new[p].id != old[p].id { return false }
                }
                return true
            }
        }
        guard same else { return nil }
        var order: [Int32] = []
        order.reserveCapacity(last.order.count)
        var unacknowledged = 0
        list.withUnsafeBufferPointer { new in
            for p in last.order where new[Int(p)].status != .resolved {
                order.append(p)
                if new[Int(p)].status == .triggered { unacknowledged += 1 }
            }
        }
        keep(list, order)
        return (order, unacknowledged)
    }
}
