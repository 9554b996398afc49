import Foundation
import Testing
@testable import VigilRuntime

/// When freed memory is handed back: a moment after each poll, at least every minute, never two
/// within the gap, and a wait that is a time to wake at (the loop must not spin until then).
@Suite struct TrimScheduleTests {
    let t0 = Date(timeIntervalSinceReferenceDate: 1_000)

    @Test func aSecondAfterAPollOnceTheGapSinceTheLastHasPassed() {
        var s = TrimSchedule(start: t0)
        #expect(s.wait(from: t0) == nil)
        var d = s.due(at: t0 + 30)
        #expect(!d)
        // A poll at start: not before the gap since the start has passed.
        s.polled(at: t0 + 0.5)
        #expect(s.pending == t0 + 4)
        #expect(s.wait(from: t0 + 0.5) == .milliseconds(3_500))
        d = s.due(at: t0 + 3.9)
        #expect(!d)
        d = s.due(at: t0 + 4)
        #expect(d)
        #expect(s.pending == nil && s.wait(from: t0 + 4) == nil)
        // The next poll, 5 s later: a second after it.
        s.polled(at: t0 + 9)
        #expect(s.wait(from: t0 + 9) == .seconds(1))
        d = s.due(at: t0 + 9.5)
        #expect(!d)
        d = s.due(at: t0 + 10)
        #expect(d)
    }

    @Test func pollsTogetherAskForOneHandBack() {
        var s = TrimSchedule(start: t0)
        s.polled(at: t0 + 10)
        s.polled(at: t0 + 10.5)   // another source's answer: the pending one stands
        #expect(s.pending == t0 + 11)
        var d = s.due(at: t0 + 11)
        #expect(d)
        d = s.due(at: t0 + 11.2)
        #expect(!d)
    }

    @Test func everyMinuteWithoutPollsAndAWaitThatNeverGoesBelowZero() {
        var s = TrimSchedule(start: t0)
        var d = s.due(at: t0 + 59.9)
        #expect(!d)
        d = s.due(at: t0 + 60)
        #expect(d)
        s.polled(at: t0 + 61)
        // Woken late: the wait is zero (wake now), not negative, and the hand-back is due.
        #expect(s.wait(from: t0 + 70) == .zero)
        d = s.due(at: t0 + 70)
        #expect(d)
    }
}
