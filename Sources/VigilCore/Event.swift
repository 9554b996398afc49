import Foundation

/// Everything that can happen to the app. The runtime turns the world into events.
public enum Event: Sendable {
    /// Time passed.
    case tick(Date)
    /// The terminal changed size.
    case resized(Size)
    /// A key was pressed.
    case key(Key)
    /// A source answered a poll.
    case sourceUpdated(SourceID, SourceSnapshot, at: Date)
    /// A source poll failed.
    case sourceFailed(SourceID, String, at: Date)
    /// What a source reported beside its last successful poll (empty: nothing wrong).
    case sourceWarnings(SourceID, [SourceWarning])
    /// A scheduled poll ended: its outcome, how long it took, and when the runner polls again.
    /// One event, so the screen never shows a failure without its retry time.
    case sourcePolled(SourceID, PollReport)
    /// A source confirmed an acknowledgement.
    case ackSucceeded(incidentID: String, AckConfirmation)
    /// A source refused an acknowledgement or could not be reached.
    case ackFailed(incidentID: String, String)
    /// A source took an acknowledgement back.
    case unackSucceeded(incidentID: String)
    /// A source refused to take an acknowledgement back.
    case unackFailed(incidentID: String, String)
    /// An acknowledgement could not reach its source; it is saved and will be retried at `next`.
    case ackRetrying(incidentID: String, String, next: Date)
    /// The durable store could not do something (disk full, read-only, locked); the UI goes on.
    case storeProblem(String)
    /// Acknowledgements still waiting in the outbox from an earlier run.
    case outboxPending([String])
    /// Incidents remembered from earlier runs and polls (for metrics over sources that forget).
    case historyLoaded([Incident])
}

/// How one poll of a source went, as the runner reports it.
public struct PollReport: Sendable {
    /// What the poll brought.
    public enum Outcome: Sendable {
        /// Data, and the problems reported beside it (empty: nothing wrong).
        case updated(SourceSnapshot, warnings: [SourceWarning])
        /// The error, in words an engineer can act on.
        case failed(String)
    }

    /// What the poll brought.
    public var outcome: Outcome
    /// When it ended.
    public var at: Date
    /// How long it took, seconds.
    public var duration: TimeInterval
    /// Failed polls in a row, this one included (0 after a success).
    public var consecutiveFailures: Int
    /// When the runner polls the source again; nil when it does not (a one-off poll).
    public var nextPollAt: Date?

    /// Creates a report.
    public init(outcome: Outcome, at: Date, duration: TimeInterval, consecutiveFailures: Int, nextPollAt: Date?) {
        self.outcome = outcome; self.at = at; self.duration = duration
        self.consecutiveFailures = consecutiveFailures; self.nextPollAt = nextPollAt
    }
}

/// Side effects the reducer asks the runtime for. Their results come back as events.
public enum Effect: Sendable, Hashable {
    /// Acknowledge an incident at its source.
    case acknowledge(incidentID: String, source: SourceID, by: String)
    /// Take an acknowledgement back at the source.
    case unacknowledge(incidentID: String, source: SourceID, by: String)
    /// Repaint the whole terminal (Ctrl-L, and a wall monitor now and then).
    case repaint
    /// Ring the terminal bell (a wall monitor, for a new page or outage, when asked for).
    case bell
    /// Quit, restoring the terminal.
    case quit
}
