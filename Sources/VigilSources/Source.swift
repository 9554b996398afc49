import Foundation
import VigilCore

/// A place Vigil polls for incidents, deployments, CI runs and metric series, and that carries
/// out actions on its incidents. Implementations do their own IO; the runtime calls them off the
/// UI thread. What a source is (its config keys, what it provides, which actions it supports) is
/// declared by its `SourceKind`.
public protocol Source: Sendable {
    /// The configured id ("demo", "pagerduty", …).
    var id: SourceID { get }
    /// How often the runtime polls it.
    var pollInterval: Duration { get }
    /// Everything it knows as of `now`, and the problems it met beside the data it did get.
    /// Throws `SourceError` when it learned nothing.
    func poll(now: Date) async throws -> PollResult
    /// Does `action` to an incident it owns; returns only when the source has confirmed it.
    /// Throws `SourceError` when the source refuses or cannot be reached (kind `.notSupported`
    /// for an action its kind does not declare).
    func perform(_ action: IncidentAction, on incident: Incident, by user: String, now: Date) async throws
        -> ActionConfirmation
    /// Extends or expires one of its silences; returns the silence as the source now has it.
    /// Sources without silences keep the default, which refuses.
    func changeSilence(_ change: SilenceChange, id: String, by user: String, now: Date) async throws -> SilenceInfo
}

extension Source {
    /// Refuses: a source that only reads (its kind declares no actions) keeps this default.
    public func perform(_ action: IncidentAction, on incident: Incident, by user: String, now: Date) async throws
        -> ActionConfirmation {
        throw unsupported(action)
    }

    /// Refuses: this source keeps no silences.
    public func changeSilence(_ change: SilenceChange, id: String, by user: String, now: Date) async throws -> SilenceInfo {
        throw SourceError(.notSupported, "\(self.id) keeps no silences")
    }

    /// The error for an action this source does not offer.
    public func unsupported(_ action: IncidentAction) -> SourceError {
        SourceError(.notSupported, "\(id) cannot \(action.kind.verb) its incidents")
    }
}
