import Foundation
import Synchronization
import VigilCore
import VigilTerminal

/// Where producers (pollers, effect tasks) post events for the terminal thread. Posting wakes the
/// thread through the self-pipe, so an event is handled in well under a millisecond instead of
/// on the next timeout.
public final class Inbox: Sendable {
    private let events = Mutex<[Event]>([])
    private let wakeup: Wakeup?

    /// An inbox that wakes `wakeup` on every post (nil for tests and `--once`).
    public init(wakeup: Wakeup?) { self.wakeup = wakeup }

    /// Posts an event from any thread.
    public func post(_ event: Event) {
        events.withLock { $0.append(event) }
        wakeup?.signal()
    }

    /// Wakes the terminal thread without an event (work done beside it is ready to draw).
    public func wake() { wakeup?.signal() }

    /// Takes every posted event, oldest first.
    public func drain() -> [Event] {
        events.withLock { e in
            let out = e
            e.removeAll(keepingCapacity: true)
            return out
        }
    }
}
