import Foundation
@testable import VigilCore
@testable import VigilRuntime
@testable import VigilSources

extension SourceRunner {
    /// A runner over sources that declare nothing beyond themselves (no request timeout, every
    /// kind of data, the actions given).
    convenience init(sources: [any Source], inbox: Inbox, now: @escaping @Sendable () -> Date = { Date() },
                     clock: some Clock<Duration> = ContinuousClock(), policy: PollPolicy = PollPolicy(),
                     random: @escaping @Sendable () -> Double = { Double.random(in: 0...1) },
                     actions: Set<ActionKind> = [.acknowledge, .unacknowledge]) {
        self.init(sources: sources.map { ConfiguredSource($0, type: "test", actions: actions) }, inbox: inbox, now: now,
                  clock: clock, policy: policy, random: random)
    }
}
