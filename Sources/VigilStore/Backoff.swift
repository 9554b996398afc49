import Foundation

/// Exponential back-off with full jitter: after the n-th consecutive failure wait a uniformly
/// random time in `[0, min(cap, base · factor^(n−1))]`. Pure; the randomness is passed in, so
/// the outbox and pollers can share it and tests are deterministic.
public struct Backoff: Sendable, Hashable {
    /// The ceiling after the first failure, in seconds.
    public var base: TimeInterval
    /// How much the ceiling grows with each further failure.
    public var factor: Double
    /// The largest ceiling, in seconds.
    public var cap: TimeInterval

    /// Creates a back-off; the defaults are the outbox's (2 s, ×2, at most 5 min).
    public init(base: TimeInterval = 2, factor: Double = 2, cap: TimeInterval = 300) {
        self.base = base; self.factor = factor; self.cap = cap
    }

    /// 2 s, doubling, capped at 5 minutes.
    public static let standard = Backoff()

    /// The longest wait after `failures` consecutive failures (counted from 1; less counts as 1):
    /// 2, 4, 8, …, 256, 300, 300, … with the standard values.
    public func ceiling(afterFailures failures: Int) -> TimeInterval {
        let exponent = Double(max(failures, 1) - 1)
        let raw = base * pow(factor, exponent)
        guard raw.isFinite else { return cap }
        return max(0, min(cap, raw))
    }

    /// The wait after `failures` consecutive failures, given `unit`, a random number in [0, 1]
    /// (clamped): `unit × ceiling` ("full jitter").
    public func delay(afterFailures failures: Int, unit: Double) -> TimeInterval {
        let u = unit.isFinite ? min(max(unit, 0), 1) : 1
        return ceiling(afterFailures: failures) * u
    }

    /// The wait after `failures` consecutive failures, with jitter drawn from `generator`.
    public func delay(afterFailures failures: Int, using generator: inout some RandomNumberGenerator) -> TimeInterval {
        delay(afterFailures: failures, unit: Double.random(in: 0...1, using: &generator))
    }
}
