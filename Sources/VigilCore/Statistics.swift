import Foundation

/// Small pure statistics used by the metrics.
public enum Stats {
    /// Nearest-rank percentile (p in 0...100) of unsorted values: always an observed value.
    /// Nil for no values.
    public static func nearestRank(_ values: [Double], _ p: Double) -> Double? {
        nearestRank(sorted: values.sorted(), p)
    }

    /// Nearest-rank percentile of values already in ascending order; nil for no values.
    public static func nearestRank(sorted: [Double], _ p: Double) -> Double? {
        guard !sorted.isEmpty else { return nil }
        let rank = Int((p / 100 * Double(sorted.count)).rounded(.up))
        return sorted[min(max(rank, 1), sorted.count) - 1]
    }

    /// The nearest-rank percentiles `ps` (ascending) of values in any order, found by selection
    /// (the values are reordered, not sorted): the same values `nearestRank` gives.
    static func nearestRanks(selecting values: inout [Double], _ ps: [Double]) -> [Double?] {
        guard !values.isEmpty else { return ps.map { _ in nil } }
        let n = values.count
        var hi = n - 1
        var out = [Double?](repeating: nil, count: ps.count)
        for (i, p) in ps.enumerated().reversed() {   // the highest rank first, then below it
            let k = min(max(Int((p / 100 * Double(n)).rounded(.up)), 1), n) - 1
            out[i] = select(&values, k, upTo: max(hi, k))
            hi = k
        }
        return out
    }

    /// The k-th smallest value (0-based) among values[0...hi], by Hoare's quickselect; afterwards
    /// no value before k is larger and none after it smaller.
    private static func select(_ values: inout [Double], _ k: Int, upTo hi: Int) -> Double {
        values.withUnsafeMutableBufferPointer { b in
            var lo = 0, hi = hi
            while lo < hi {
                let x = b[lo], y = b[lo + (hi - lo) / 2], z = b[hi]
                let pivot = max(min(x, y), min(max(x, y), z))   // median of three
                var i = lo, j = hi
                while i <= j {
                    while b[i] < pivot { i += 1 }
                    while b[j] > pivot { j -= 1 }
                    if i <= j { b.swapAt(i, j); i += 1; j -= 1 }
                }
                if k <= j { hi = j } else if k >= i { lo = i } else { break }
            }
            return b[k]
        }
    }

    /// The median by nearest rank (the lower middle for an even count), so it is an observed value.
    public static func median(_ values: [Double]) -> Double? { nearestRank(values, 50) }

    /// Arithmetic mean; nil for no values.
    public static func mean(_ values: [Double]) -> Double? {
        values.isEmpty ? nil : values.reduce(0, +) / Double(values.count)
    }
}

/// Mean, median and p90 of a set of durations (seconds), with the count behind them.
public struct DurationSummary: Sendable, Hashable {
    /// How many durations.
    public var count: Int
    /// Mean seconds; nil when count is 0.
    public var mean: Double?
    /// Median seconds (nearest rank).
    public var median: Double?
    /// 90th percentile seconds (nearest rank).
    public var p90: Double?

    /// Summarises durations in seconds.
    public init(_ durations: [Double]) {
        self.init(count: durations.count, sum: durations.reduce(0, +), sorting: durations)
    }

    /// Summarises durations whose sum (added up in their order, as `init(_:)` does) is known:
    /// the median and p90 are selected, not sorted for.
    init(count: Int, sum: Double, sorting durations: [Double]) {
        self.count = count
        mean = count == 0 ? nil : sum / Double(count)
        var values = durations
        let ranks = Stats.nearestRanks(selecting: &values, [50, 90])
        median = ranks[0]
        p90 = ranks[1]
    }
}
