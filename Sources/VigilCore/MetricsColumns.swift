import Foundation

// Small building blocks of the metrics index (MetricsIndex.swift): a stable sort of positions by
// time, names interned to small integers, binary search over a time column, sets of positions
// as bit maps, and the local hour and weekday of a time without a Calendar.

/// Column helpers. Internal: the index is their only user.
enum Columns {
    /// Positions 0..<keys.count ordered by key, equal keys in position order (a stable sort), by
    /// an LSD radix sort of the keys' bit patterns; the identity when the keys are in order.
    static func stableOrder(_ keys: [Double]) -> [Int32] {
        let n = keys.count
        var sorted = true
        var i = 1
        while i < n { if keys[i] < keys[i - 1] { sorted = false; break }; i += 1 }
        if sorted { return (0..<Int32(n)).map { $0 } }
        // Doubles as unsigned integers in the same order (0.0 and -0.0 as one key).
        let bits = keys.map { k -> UInt64 in
            let b = (k + 0.0).bitPattern
            return b & (1 << 63) != 0 ? ~b : b | (1 << 63)
        }
        // Times are close together and often whole seconds: relative to the smallest key, and
        // without the low bits every key shares, they take few bits (60 days of whole seconds,
        // 23). Then each key and its position fit one integer, which the sort moves alone.
        var lo = UInt64.max, hi = UInt64.min, differ: UInt64 = 0
        for b in bits { lo = min(lo, b); hi = max(hi, b); differ |= b ^ bits[0] }
        let shift = UInt64(differ.trailingZeroBitCount)
        let keyBits = 64 - ((hi - lo) >> shift).leadingZeroBitCount
        let positionBits = 64 - UInt64(n - 1).leadingZeroBitCount
        guard keyBits + positionBits <= 64 else { return order(bits) }
        var packed = [UInt64](repeating: 0, count: n)
        for k in 0..<n { packed[k] = ((bits[k] &- lo) >> shift) << UInt64(positionBits) | UInt64(k) }
        radixSort(&packed, from: positionBits, bits: keyBits)
        let mask = UInt64(1) << UInt64(positionBits) - 1
        return packed.map { Int32(truncatingIfNeeded: $0 & mask) }
    }

    /// Sorts `values` by their bits `from..<from + bits` (an LSD radix sort, stable: values whose
    /// digits are equal keep their order), in passes of at most 11 bits.
    private static func radixSort(_ values: inout [UInt64], from: Int, bits: Int) {
        let n = values.count
        let passes = (bits + 10) / 11, width = (bits + passes - 1) / passes
        let radix = 1 << width, mask = UInt64(radix - 1)
        var counts = [Int](repeating: 0, count: passes * radix)
        counts.withUnsafeMutableBufferPointer { c in
            for v in values {
                for p in 0..<passes { c[p * radix + Int((v >> UInt64(from + p * width)) & mask)] += 1 }
            }
        }
        var scratch = values
        for p in 0..<passes {
            let base = p * radix, shift = UInt64(from + p * width)
            if counts[base..<base + radix].contains(n) { continue }   // every value has this digit
            var sum = 0
            for d in base..<base + radix { let k = counts[d]; counts[d] = sum; sum += k }
            values.withUnsafeBufferPointer { source in
                scratch.withUnsafeMutableBufferPointer { target in
                    counts.withUnsafeMutableBufferPointer { c in
                        for v in source {
                            let d = base + Int((v >> shift) & mask)
                            target[c[d]] = v
                            c[d] += 1
                        }
                    }
                }
            }
            swap(&values, &scratch)
        }
    }

    /// `stableOrder` for keys too far apart to share an integer with their position: the
    /// positions are sorted by the keys' bit patterns, a byte per pass.
    private static func order(_ bits: [UInt64]) -> [Int32] {
        let n = bits.count
        var order = (0..<Int32(n)).map { $0 }
        var scratch = order
        var counts = [Int](repeating: 0, count: 256)
        for pass in 0..<8 {
            let shift = UInt64(pass * 8)
            for c in 0..<256 { counts[c] = 0 }
            for b in bits { counts[Int((b >> shift) & 0xff)] += 1 }
            if counts.contains(n) { continue }   // every key has this digit: nothing to move
            var sum = 0
            for c in 0..<256 { let k = counts[c]; counts[c] = sum; sum += k }
            order.withUnsafeBufferPointer { from in
                scratch.withUnsafeMutableBufferPointer { to in
                    for p in from {
                        let d = Int((bits[Int(p)] >> shift) & 0xff)
                        to[counts[d]] = p
                        counts[d] += 1
                    }
                }
            }
            swap(&order, &scratch)
        }
        return order
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
        let slot = Int(truncatingIfNeeded: ((raw.0 ^ (raw.1 &* 0x9E37_79B9_7F4A_7C15)) &* 0xBF58_476D_1CE4_E5B9) >> 55)
        let cached = slots[slot]
        if cached.2 >= 0, cached.0 == raw.0, cached.1 == raw.1 { return cached.2 }
        let id: Int32
        if let known = ids[s] { id = known } else {
            id = Int32(names.count)
            names.append(s)
            ids[s] = id
        }
        slots[slot] = (raw.0, raw.1, id)
        return id
    }
}

/// The hour of day and weekday of instants in one time zone, from the zone's offset, which is
/// asked once per hour of time (and per instant only in an hour where the offset changes).
struct LocalClock {
    let zone: TimeZone
    private var offsets: [Int: Int] = [:]   // hour since 1970 → offset, or Int.min when it changes

    init(_ zone: TimeZone) { self.zone = zone }

    /// True when the instant (seconds since 1970) is on a weekend or outside `hours`, local time.
    mutating func isOffHours(_ t: Double, hours: Range<Int>) -> Bool {
        let hour = Int((t / 3_600).rounded(.down))
        var offset = offsets[hour] ?? {
            let a = zone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(hour) * 3_600))
            let b = zone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(hour) * 3_600 + 3_599.999))
            let o = a == b ? a : Int.min
            offsets[hour] = o
            return o
        }()
        if offset == Int.min { offset = zone.secondsFromGMT(for: Date(timeIntervalSince1970: t)) }
        let local = (t + Double(offset)).rounded(.down)
        let days = (local / 86_400).rounded(.down)
        let secondOfDay = Int(local - days * 86_400)
        let weekday = ((Int(days) + 4) % 7 + 7) % 7   // 1970-01-01 was a Thursday; 0 = Sunday
        return weekday == 0 || weekday == 6 || !hours.contains(secondOfDay / 3_600)
    }
}
