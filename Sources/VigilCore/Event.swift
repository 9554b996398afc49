import Foundation

/// Everything that can happen to the app. The runtime turns the world into events.
public enum Event: Sendable {
    /// Time passed.
    case tick(Date)
    /// The terminal changed size.
    case resized(Size)
    /// A key was pressed.
    case key(Key)
    /// A click or a turn of the wheel (with the mouse on).
    case mouse(MouseEvent)
    /// A source answered a change to a silence: the silence as it now is (`replacing` the id asked about).
    case silenceChanged(replacing: String, SilenceInfo, SilenceChange)
    /// A source refused a change to a silence, or could not be reached.
    case silenceChangeFailed(String, SilenceChange, SourceError)
    /// A scheduled poll ended: its outcome, how long it took, and when the runner polls again.
    /// One event, so the screen never shows a failure without its retry time.
    case sourcePolled(SourceID, PollReport)
    /// A source confirmed an action on an incident.
    case actionConfirmed(incidentID: String, IncidentAction, ActionConfirmation)
    /// A source refused an action, or it could not be sent and was given up.
    case actionFailed(incidentID: String, IncidentAction, SourceError)
    /// An action could not reach its source; it is saved and will be retried at `next`.
    case actionRetrying(incidentID: String, IncidentAction, SourceError, next: Date)
    /// The durable store could not do something (disk full, read-only, locked); the UI goes on.
    case storeProblem(String)
    /// Actions still waiting in the outbox from an earlier run, by incident id.
    case outboxPending([(incidentID: String, action: IncidentAction)])
    /// The runtime read the theme at `index` of `AppState.themeNames` (`Effect.loadTheme`); `problem`
    /// says why it cannot be shown, when it cannot.
    case themeLoaded(index: Int, problem: String?)
    /// Incidents remembered from earlier runs and polls (for metrics over sources that forget).
    case historyLoaded([Incident])
}

/// How one poll of a source went, as the runner reports it.
public struct PollReport: Sendable {
    /// What the poll brought.
    public enum Outcome: Sendable {
        /// Data, and the problems reported beside it (empty: nothing wrong).
        case updated(SourceSnapshot, warnings: [SourceWarning])
        /// The error: its kind, and words an engineer can act on.
        case failed(SourceError)
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
    /// The source's request quota after the poll, when it reports one.
    public var quota: RateQuota?

    /// Creates a report.
    public init(outcome: Outcome, at: Date, duration: TimeInterval, consecutiveFailures: Int, nextPollAt: Date?,
                quota: RateQuota? = nil) {
        self.outcome = outcome; self.at = at; self.duration = duration
        self.consecutiveFailures = consecutiveFailures; self.nextPollAt = nextPollAt; self.quota = quota
    }
}

/// Side effects the reducer asks the runtime for. Their results come back as events.
public enum Effect: Sendable, Hashable {
    /// Do something with an incident at its source (through the durable outbox).
    case act(IncidentAction, incidentID: String, source: SourceID, by: String)
    /// Record what a source that forgets resolved incidents reported, so metrics survive restarts.
    case recordHistory(SourceID, [Incident], at: Date)
    /// Read the theme `t` moves to; drop it (and say so) when it cannot be read.
    case loadTheme(index: Int)
    /// Repaint the whole terminal (Ctrl-L, and a wall monitor now and then).
    case repaint
    /// Ring the terminal bell (a wall monitor, for a new page or outage, when asked for).
    case bell
    /// Extend or expire a silence at its source.
    case changeSilence(SilenceChange, silenceID: String, source: SourceID, by: String)
    /// A desktop notification through the terminal (OSC 9 / OSC 777), when asked for.
    case notify(title: String, body: String)
    /// Quit, restoring the terminal.
    case quit
}

/// What one poll of a source learned: the data, and the problems reported beside it (a failed
/// query among several, an unreachable member of an HA pair), each naming its panel.
public struct PollResult: Sendable {
    /// The data.
    public var snapshot: SourceSnapshot
    /// Problems beside the data (empty: nothing wrong).
    public var warnings: [SourceWarning]
    /// What is left of the source's request quota, when it says (PagerDuty's `ratelimit-*`).
    public var quota: RateQuota?
    /// Creates a result.
    public init(_ snapshot: SourceSnapshot, warnings: [SourceWarning] = [], quota: RateQuota? = nil) {
        self.snapshot = snapshot; self.warnings = warnings; self.quota = quota
    }
}

/// A request quota as the server's answers report it (shared by everyone using the same key).
public struct RateQuota: Sendable, Hashable {
    /// Requests allowed per window.
    public var limit: Int
    /// Requests left in this window.
    public var remaining: Int
    /// When the window starts again.
    public var resetAt: Date
    /// Creates a quota.
    public init(limit: Int, remaining: Int, resetAt: Date) {
        self.limit = limit; self.remaining = remaining; self.resetAt = resetAt
    }
    /// Less than a quarter left: worth showing, and worth polling less.
    public var isLow: Bool { remaining * 4 < limit }
}
