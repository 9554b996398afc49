import Foundation

// Small building blocks of the metrics index (MetricsIndex.swift): a stable sort of positions by
// time, names interned to small integers, binary search over a time column, sets of positions
// as bit maps, and the local hour and weekday of a time without a Calendar.

/// Column helpers. Internal: the index is their only user.
enum Columns {
    /// Positions 0..<keys.count ordered by key, equal keys in position order (a stable sort);
    /// the identity when the keys are in order.
    ///
    /// A bucket sort: the keys' bit patterns (as unsigned integers in the same order) relative to
    /// the smallest are dealt into up to 65,536 buckets by their highest bits, in position order,
    /// then each bucket is sorted by insertion (a few keys each, for times spread over days). That
    /// moves each key about twice, where a radix sort of 46-bit keys (times with fractions of a
    /// second) moves it four or five times. Keys crowded into few buckets (one far from all the
    /// others) are sorted by comparison there.
    static func stableOrder(_ keys: [Double]) -> [Int32] {
        order(keys).positions ?? (0..<Int32(keys.count)).map { $0 }
    }

    /// `stableOrder`, as nil when the keys are in order.
    static func order(_ keys: [Double]) -> SortOrder {
        let n = keys.count
        var sorted = true
        var i = 1
        while i < n { if keys[i] < keys[i - 1] { sorted = false; break }; i += 1 }
        if sorted { return SortOrder(positions: nil) }
        // Doubles as unsigned integers in the same order (0.0 and -0.0 as one key).
        var lo = UInt64.max, hi = UInt64.min
        let bits = [UInt64](unsafeUninitializedCapacity: n) { bits, count in
            keys.withUnsafeBufferPointer { keys in
                for k in 0..<n {
                    let b = (keys[k] + 0.0).bitPattern, u = b & (1 << 63) != 0 ? ~b : b | (1 << 63)
                    bits[k] = u
                    lo = min(lo, u); hi = max(hi, u)
                }
            }
            count = n
        }
        let keyBits = 64 - (hi - lo).leadingZeroBitCount
        let bucketBits = min(keyBits, 16, max(1, 64 - UInt64(n).leadingZeroBitCount))
        let shift = UInt64(keyBits - bucketBits), buckets = 1 << bucketBits
        var starts = [Int](repeating: 0, count: buckets + 1)
        // Written before read: no need to fill them first.
        var next = [Int](unsafeUninitializedCapacity: buckets + 1) { _, count in count = buckets + 1 }
        var sortedBits = [UInt64](unsafeUninitializedCapacity: n) { _, count in count = n }
        return SortOrder(positions: [Int32](unsafeUninitializedCapacity: n) { order, count in
            bits.withUnsafeBufferPointer { bits in
                starts.withUnsafeMutableBufferPointer { starts in
                    for b in bits { starts[Int((b &- lo) >> shift) + 1] += 1 }
                    for d in 0..<buckets { starts[d + 1] += starts[d] }
                    next.withUnsafeMutableBufferPointer { next in
                        _ = next.update(fromContentsOf: starts)
                        sortedBits.withUnsafeMutableBufferPointer { key in
                            for p in 0..<n {
                                let b = bits[p], d = Int((b &- lo) >> shift), at = next[d]
                                order[at] = Int32(truncatingIfNeeded: p)
                                key[at] = b
                                next[d] = at + 1
                            }
                            for d in 0..<buckets where starts[d + 1] - starts[d] > 1 {
                                sortBucket(starts[d]..<starts[d + 1], order, key)
                            }
                        }
                    }
                }
            }
            count = n
        })
    }

    /// Sorts one bucket's positions by key, equal keys in position order (they come in it).
    private static func sortBucket(_ r: Range<Int>, _ order: UnsafeMutableBufferPointer<Int32>,
                                   _ key: UnsafeMutableBufferPointer<UInt64>) {
        if r.count > 64 {
            var pairs = r.map { (key[$0], order[$0]) }
            pairs.sort { $0 < $1 }
            for (k, pair) in zip(r, pairs) { key[k] = pair.0; order[k] = pair.1 }
            return
        }
        for k in r.lowerBound + 1..<r.upperBound {
            let b = key[k], p = order[k]
            var j = k
            while j > r.lowerBound && key[j - 1] > b {
                key[j] = key[j - 1]; order[j] = order[j - 1]
                j -= 1
            }
            key[j] = b; order[j] = p
        }
    }

    /// The first index of a sorted column whose value is at least `x`.
    static func lowerBound(_ column: [Double], _ x: Double) -> Int {
        var lo = 0, hi = column.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if column[mid] >= x { hi = mid } else { lo = mid + 1 }
        }
        return lo
    }

    /// The positions of a sorted column inside the half-open window.
    static func range(_ column: [Double], _ w: DateInterval) -> Range<Int> {
        let lo = lowerBound(column, w.start.timeIntervalSinceReferenceDate)
        return lo..<max(lo, lowerBound(column, w.end.timeIntervalSinceReferenceDate))
    }

    /// The bucket of a time in a window, as `DateInterval.bucketCounts` computes it.
    static func bucket(_ t: Double, start: Double, width: Double, count: Int) -> Int {
        min(max(Int((t - start) / width), 0), count - 1)
    }

    /// How many buckets a window has (`DateInterval.bucketCounts`).
    static func bucketCount(_ w: DateInterval, _ width: Double) -> Int { max(1, Int((w.duration / width).rounded(.up))) }
}

/// The positions of a column in the order of its keys (`Columns.order`).
struct SortOrder {
    /// The positions; nil when the keys are in order already (the identity).
    let positions: [Int32]?

    /// The values of `column` in this order (`column` itself for the identity).
    func apply<T>(_ column: [T]) -> [T] {
        guard let positions else { return column }
        precondition(positions.count == column.count, "an order of another column")
        // Positions are a permutation of the column's indices (`Columns.order`): in bounds.
        return [T](unsafeUninitializedCapacity: positions.count) { out, count in
            positions.withUnsafeBufferPointer { p in
                column.withUnsafeBufferPointer { c in
                    for k in 0..<p.count { (out.baseAddress! + k).initialize(to: c[Int(p[k])]) }
                }
            }
            count = positions.count
        }
    }
}

/// A set of positions 0..<count as bits, walked in position order.
struct PositionSet {
    private(set) var words: [UInt64]

    init(count: Int) { words = [UInt64](repeating: 0, count: (count + 63) / 64) }

    mutating func insert(_ p: Int) { words[p >> 6] |= 1 << UInt64(p & 63) }

    /// Calls `body` with each position in the set, in increasing order.
    func forEach(_ body: (Int) -> Void) {
        for (wi, word) in words.enumerated() where word != 0 {
            var w = word
            while w != 0 {
                body(wi << 6 + w.trailingZeroBitCount)
                w &= w - 1
            }
        }
    }
}

/// Names (services, pipelines) as small integers, in first-seen order. Equal strings that share
/// their storage, or are short enough to be stored inline, are recognised from their 16 bytes
/// without hashing the text: identical bytes are always the same string while it is alive.
struct Interner {
    private(set) var names: [String] = []
    private var ids: [String: Int32] = [:]
    private var slots = [(UInt64, UInt64, Int32)](repeating: (0, 0, -1), count: 512)

    init() {}

    /// Starts with `names` (ids 0..<names.count, in order), as a digest of an earlier list had them.
    init(names: [String]) {
        self.names = names
        for (id, name) in names.enumerated() { ids[name] = Int32(id) }
    }

    mutating func id(_ s: String) -> Int32 {
        let raw = unsafeBitCast(s, to: (UInt64, UInt64).self)
        let home = Int(truncatingIfNeeded: ((raw.0 ^ (raw.1 &* 0x9E37_79B9_7F4A_7C15)) &* 0xBF58_476D_1CE4_E5B9) >> 55)
        // The home slot and the three after it: two names whose home is the same (likely among
        // a few dozen in 512 slots) both stay, where one slot each made them evict each other
        // and hash their text on every other element.
        var free = -1
        for probe in 0..<4 {
            let slot = (home &+ probe) & 511, cached = slots[slot]
            if cached.2 < 0 { free = slot; break }
            if cached.0 == raw.0, cached.1 == raw.1 { return cached.2 }
        }
        let id: Int32
        if let known = ids[s] { id = known } else {
            id = Int32(names.count)
            names.append(s)
            ids[s] = id
        }
        slots[free >= 0 ? free : home] = (raw.0, raw.1, id)
        return id
    }
}

/// The hour of day and weekday of instants in one time zone, from the zone's offset, which is
/// asked once per hour of time (and per instant only in an hour where the offset changes).
struct LocalClock {
    let zone: TimeZone
    /// Hour since 1970 → offset (Int.min when it changes in that hour), by hour modulo 4,096
    /// (170 days without two hours on one slot): an array, where a dictionary hashed the hour
    /// (half of this function's cost).
    private var offsets: [(hour: Int, offset: Int)] = []   // made on first use

    init(_ zone: TimeZone) { self.zone = zone }

    /// True when the instant (seconds since 1970) is on a weekend or outside `hours`, local time.
    mutating func isOffHours(_ t: Double, hours: Range<Int>) -> Bool {
        let hour = Int((t / 3_600).rounded(.down))
        let slot = hour & 4_095
        if offsets.isEmpty { offsets = [(hour: Int, offset: Int)](repeating: (Int.min, 0), count: 4_096) }
        var offset: Int
        if offsets[slot].hour == hour {
            offset = offsets[slot].offset
        } else {
            let a = zone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(hour) * 3_600))
            let b = zone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(hour) * 3_600 + 3_599.999))
            offset = a == b ? a : Int.min
            offsets[slot] = (hour, offset)
        }
        if offset == Int.min { offset = zone.secondsFromGMT(for: Date(timeIntervalSince1970: t)) }
        let local = (t + Double(offset)).rounded(.down)
        let days = (local / 86_400).rounded(.down)
        let secondOfDay = Int(local - days * 86_400)
        let weekday = ((Int(days) + 4) % 7 + 7) % 7   // 1970-01-01 was a Thursday; 0 = Sunday
        return weekday == 0 || weekday == 6 || !hours.contains(secondOfDay / 3_600)
    }
}
