import Foundation
import Testing
@testable import VigilCore

@Suite struct MetricsColumnsTests {
    /// The order a plain stable sort gives (Swift's sort is stable).
    static func reference(_ keys: [Double]) -> [Int32] {
        keys.indices.sorted { keys[$0] < keys[$1] }.map(Int32.init)
    }

    @Test(arguments: 0..<100)
    func stableOrderIsAStableSort(seed: UInt64) {
        var rng = SplitMix64(seed: seed)
        let n = [0, 1, 2, 3, 17, 300, 5_000][rng.below(7)]
        let base = Double(rng.below(2)) == 0 ? 817_386_400.0 : 0
        // Whole seconds (a key and its position share an integer), quarters, any fraction, and
        // keys far apart (they do not), with ties, negative keys, zeros of both signs, infinities.
        // Keys over years to the fraction (more bits than a key and its position can share),
        // many equal or next to each other.
        let pool = (0..<50).map { _ in base - Double(rng.below(1 << 30)) / 3 }
        let kind = rng.below(6)
        let keys: [Double] = (0..<n).map { _ in
            switch kind {
            case 0: return base - Double(rng.below(60 * 86_400))
            case 1: return base - Double(rng.below(400)) / 4
            case 2: return base - Double(rng.below(1_000_000)) * 0.001 * Double(rng.below(7))
            case 3: return [0.0, -0.0, 1, -1, .infinity, -.infinity, 1e300, -1e-300, 5e-324][rng.below(9)]
            case 4: return Double(rng.below(3)) * 1e12 - Double(rng.below(1_000)) / 3
            default:
                let k = pool[rng.below(pool.count)]
                return [k, k.nextUp, k.nextDown][rng.below(3)]
            }
        }
        #expect(Columns.stableOrder(keys) == Self.reference(keys), "seed \(seed), kind \(kind), \(n) keys")
        let ordered = keys.sorted()
        #expect(Columns.stableOrder(ordered) == Self.reference(ordered))
    }
}
