import Foundation
import Testing
@testable import VigilStore

@Suite struct BackoffTests {
    @Test func ceilingsDoubleFromTwoSecondsAndStopAtFiveMinutes() {
        let b = Backoff.standard
        let ceilings = (1...12).map { b.ceiling(afterFailures: $0) }
        #expect(ceilings == [2, 4, 8, 16, 32, 64, 128, 256, 300, 300, 300, 300])
        #expect(b.ceiling(afterFailures: 0) == 2)
        #expect(b.ceiling(afterFailures: -3) == 2)
        #expect(b.ceiling(afterFailures: 10_000) == 300)
        #expect(b.ceiling(afterFailures: Int.max) == 300)
    }

    @Test func fullJitterScalesTheCeilingByTheRandomUnit() {
        let b = Backoff.standard
        #expect(b.delay(afterFailures: 3, unit: 1) == 8)
        #expect(b.delay(afterFailures: 3, unit: 0.5) == 4)
        #expect(b.delay(afterFailures: 3, unit: 0) == 0)
        #expect(b.delay(afterFailures: 20, unit: 0.25) == 75)
        // Out-of-range units are clamped, never a negative or longer wait.
        #expect(b.delay(afterFailures: 3, unit: 7) == 8)
        #expect(b.delay(afterFailures: 3, unit: -1) == 0)
        #expect(b.delay(afterFailures: 3, unit: .nan) == 8)
    }

    @Test func delaysFromAGeneratorStayWithinZeroAndTheCeiling() {
        var generator = SystemRandomNumberGenerator()
        for failures in 1...15 {
            for _ in 0..<50 {
                let d = Backoff.standard.delay(afterFailures: failures, using: &generator)
                #expect(d >= 0 && d <= Backoff.standard.ceiling(afterFailures: failures))
            }
        }
    }

    @Test func customParametersForPolls() {
        let b = Backoff(base: 5, factor: 3, cap: 60)
        #expect((1...5).map { b.ceiling(afterFailures: $0) } == [5, 15, 45, 60, 60])
    }
}
