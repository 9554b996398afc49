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
    /// they are sorted once for the median and p90.
    init(count: Int, sum: Double, sorting durations: [Double]) {
        self.count = count
        mean = count == 0 ? nil : sum / Double(count)
        let sorted = durations.sorted()
        median = Stats.nearestRank(sorted: sorted, 50)
        p90 = Stats.nearestRank(sorted: sorted, 90)
    }
}
