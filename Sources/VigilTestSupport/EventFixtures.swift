import Foundation
import VigilCore

/// Short spellings of the events tests send most: a poll that brought data or failed, and an
/// action the source confirmed or refused.
extension Event {
    /// A poll that brought `snapshot` at `at`, with nothing wrong beside it.
    public static func sourceUpdated(_ id: SourceID, _ snapshot: SourceSnapshot, at: Date) -> Event {
        .sourcePolled(id, PollReport(outcome: .updated(snapshot, warnings: []), at: at, duration: 0,
                                     consecutiveFailures: 0, nextPollAt: nil))
    }

    /// A poll that failed with `error` at `at` (the first failure in a row, no retry planned).
    public static func sourceFailed(_ id: SourceID, _ error: SourceError, at: Date) -> Event {
        .sourcePolled(id, PollReport(outcome: .failed(error), at: at, duration: 0, consecutiveFailures: 1, nextPollAt: nil))
    }

    /// The source confirmed an acknowledgement.
    public static func ackSucceeded(incidentID: String, _ confirmation: ActionConfirmation) -> Event {
        .actionConfirmed(incidentID: incidentID, .acknowledge, confirmation)
    }

    /// The source refused an acknowledgement.
    public static func ackFailed(incidentID: String, _ message: String) -> Event {
        .actionFailed(incidentID: incidentID, .acknowledge, SourceError(.rejected, message))
    }
}
