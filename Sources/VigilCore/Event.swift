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
    /// A source confirmed an acknowledgement.
    case ackSucceeded(incidentID: String, AckConfirmation)
    /// A source refused an acknowledgement or could not be reached.
    case ackFailed(incidentID: String, String)
    /// A source took an acknowledgement back.
    case unackSucceeded(incidentID: String)
    /// A source refused to take an acknowledgement back.
    case unackFailed(incidentID: String, String)
}

/// Side effects the reducer asks the runtime for. Their results come back as events.
public enum Effect: Sendable, Hashable {
    /// Acknowledge an incident at its source.
    case acknowledge(incidentID: String, source: SourceID, by: String)
    /// Take an acknowledgement back at the source.
    case unacknowledge(incidentID: String, source: SourceID, by: String)
    /// Repaint the whole terminal (Ctrl-L).
    case repaint
    /// Quit, restoring the terminal.
    case quit
}
