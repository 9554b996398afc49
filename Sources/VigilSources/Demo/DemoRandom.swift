import Foundation
import VigilCore

/// The demo's uses of the generator (`SplitMix64`, in VigilCore).
extension SplitMix64 {
    /// A generator for one demo slot.
    init(slot: Int, stream: UInt64) {
        self.init(seed: 0x5EED_D3A0_0000_0000 ^ stream &* 0x9E37_79B9_7F4A_7C15 ^ UInt64(bitPattern: Int64(slot)) &* 0xBF58_476D_1CE4_E5B9)
        _ = next()
    }

    /// True with probability `p`.
    mutating func chance(_ p: Double) -> Bool { unit() < p }

    /// Uniform in the range.
    mutating func int(_ range: ClosedRange<Int>) -> Int {
        range.lowerBound + Int(next() % UInt64(range.count))
    }

    /// Uniform in the range.
    mutating func seconds(_ range: ClosedRange<Double>) -> TimeInterval {
        range.lowerBound + unit() * (range.upperBound - range.lowerBound)
    }

    /// One element, or nil for an empty array.
    mutating func pick<T>(_ items: [T]) -> T? {
        items.isEmpty ? nil : items[Int(next() % UInt64(items.count))]
    }
}

/// FNV-1a: a stable 64-bit hash of a string (Swift's `Hasher` is seeded per process).
func stableHash(_ text: String) -> UInt64 {
    var hash: UInt64 = 0xCBF2_9CE4_8422_2325
    for byte in text.utf8 {
        hash ^= UInt64(byte)
        hash = hash &* 0x0000_0100_0000_01B3
    }
    return hash
}

/// A stable value in [0, 1) for a string and a salt.
func stableUnit(_ text: String, _ salt: String = "") -> Double {
    var rng = SplitMix64(seed: stableHash(salt + "|" + text))
    return rng.unit()
}
