/// Where each incident of a source's new list was in its previous list, by id: what a poll
/// brought (an id not there before), and what an incident was before it (for notifications).
///
/// Sources answer in a stable order, so the lists are walked side by side: an incident whose
/// id is the next one of the previous list, or one of the few after it (some were resolved and
/// left), is found without an index. Only those not found so (new ones, and any that moved) are
/// looked for in the whole previous list: one by one when they are few, else through an index
/// of its ids. Building that index for every poll (hashing 10,000 ids, twice) was a third of the
/// terminal thread's work after a poll of 10,000 incidents (DECISIONS 2026-12-06, "Figures
/// beside the frame").
struct IncidentAlignment {
    /// For each position in the new list, a position in the previous list of an incident with
    /// the same id, or -1 when the id was not there.
    let previous: [Int32]

    /// How far ahead in the previous list an id is looked for before it counts as moved or new.
    static let lookahead = 8
    /// Up to this many ids not found side by side are looked for one by one.
    static let scanned = 8

    init(old: [Incident], new: [Incident]) {
        var map = [Int32](repeating: -1, count: new.count)
        var missing: [Int] = []
        old.withUnsafeBufferPointer { o in
            new.withUnsafeBufferPointer { n in
                var i = 0
                for j in 0..<n.count {
                    if i < o.count, o[i].id == n[j].id {
                        map[j] = Int32(i)
                        i += 1
                        continue
                    }
                    var k = i + 1
                    let limit = min(o.count, i + 1 + Self.lookahead)
                    while k < limit, o[k].id != n[j].id { k += 1 }
                    if k < limit {
                        map[j] = Int32(k)
                        i = k + 1
                    } else {
                        missing.append(j)
                    }
                }
                if missing.count <= Self.scanned {
                    for j in missing {
                        if let k = o.firstIndex(where: { $0.id == n[j].id }) { map[j] = Int32(k) }
                    }
                } else {
                    var index: [String: Int32] = Dictionary(minimumCapacity: o.count)
                    for k in o.indices where index[o[k].id] == nil { index[o[k].id] = Int32(k) }
                    for j in missing { map[j] = index[n[j].id] ?? -1 }
                }
            }
        }
        previous = map
    }
}
