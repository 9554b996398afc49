import Foundation

/// The kinds of thing an engineer can ask a source to do with an incident. A source declares
/// which it supports (`SourceState.actions`); the key map offers only those.
public enum ActionKind: String, Sendable, Hashable, CaseIterable, Codable {
    /// Acknowledge: "I am on it".
    case acknowledge
    /// Take an acknowledgement back.
    case unacknowledge
    /// Resolve (close) the incident.
    case resolve
    /// Snooze it for a while (it re-triggers afterwards).
    case snooze
    /// Add a note to its timeline.
    case note
    /// Reassign it to someone else.
    case reassign
    /// Escalate it to the next level of its escalation policy.
    case escalate

    /// The verb in a sentence: "acknowledge PD-1", "take back the acknowledgement of PD-1".
    public var verb: String {
        switch self {
        case .acknowledge: return "acknowledge"
        case .unacknowledge: return "take back the acknowledgement of"
        case .resolve: return "resolve"
        case .snooze: return "snooze"
        case .note: return "add a note to"
        case .reassign: return "reassign"
        case .escalate: return "escalate"
        }
    }

    /// The noun: "acknowledgement", "resolution".
    public var noun: String {
        switch self {
        case .acknowledge: return "acknowledgement"
        case .unacknowledge: return "un-acknowledgement"
        case .resolve: return "resolution"
        case .snooze: return "snooze"
        case .note: return "note"
        case .reassign: return "reassignment"
        case .escalate: return "escalation"
        }
    }

    /// What the incident table shows while it is on its way ("acking", "resolving").
    public var progressive: String {
        switch self {
        case .acknowledge: return "acking"
        case .unacknowledge: return "unack"
        case .resolve: return "resolving"
        case .snooze: return "snoozing"
        case .note: return "noting"
        case .reassign: return "reassigning"
        case .escalate: return "escalating"
        }
    }

    /// Past tense: "acknowledged", "resolved".
    public var done: String {
        switch self {
        case .acknowledge: return "acknowledged"
        case .unacknowledge: return "no longer acknowledged"
        case .resolve: return "resolved"
        case .snooze: return "snoozed"
        case .note: return "noted"
        case .reassign: return "reassigned"
        case .escalate: return "escalated"
        }
    }
}

/// One thing to do with an incident, with what it needs (how long to snooze, the note's text,
/// whom to reassign to).
public enum IncidentAction: Sendable, Hashable {
    /// Acknowledge.
    case acknowledge
    /// Take an acknowledgement back.
    case unacknowledge
    /// Resolve.
    case resolve
    /// Snooze for a number of seconds.
    case snooze(seconds: Int)
    /// Add a note.
    case note(String)
    /// Reassign to a person (the source's id or login of that person).
    case reassign(to: String)
    /// Escalate to the next level.
    case escalate

    /// Its kind.
    public var kind: ActionKind {
        switch self {
        case .acknowledge: return .acknowledge
        case .unacknowledge: return .unacknowledge
        case .resolve: return .resolve
        case .snooze: return .snooze
        case .note: return .note
        case .reassign: return .reassign
        case .escalate: return .escalate
        }
    }

    /// What it carries, as text (stored with an outbox entry); nil for actions without one.
    public var argument: String? {
        switch self {
        case .snooze(let seconds): return String(seconds)
        case .note(let text): return text
        case .reassign(let to): return to
        case .acknowledge, .unacknowledge, .resolve, .escalate: return nil
        }
    }

    /// The action of a kind with its argument as text (`argument`); nil when the argument is
    /// missing or not valid for the kind.
    public init?(kind: ActionKind, argument: String?) {
        switch kind {
        case .acknowledge: self = .acknowledge
        case .unacknowledge: self = .unacknowledge
        case .resolve: self = .resolve
        case .escalate: self = .escalate
        case .snooze:
            guard let text = argument, let seconds = Int(text), seconds > 0 else { return nil }
            self = .snooze(seconds: seconds)
        case .note:
            guard let text = argument, !text.isEmpty else { return nil }
            self = .note(text)
        case .reassign:
            guard let to = argument, !to.isEmpty else { return nil }
            self = .reassign(to: to)
        }
    }

    /// A sentence for confirmations and the audit log: "snooze PD-1 for 1h", "add a note to PD-1".
    public func describe(_ incidentID: String) -> String {
        switch self {
        case .snooze(let seconds): return "snooze \(incidentID) for \(DurationText.format(.seconds(seconds)))"
        case .reassign(let to): return "reassign \(incidentID) to \(to)"
        case .note(let text):
            let shown = text.count > 60 ? String(text.prefix(59)) + "…" : text
            return "add a note to \(incidentID): \"\(shown)\""
        default: return "\(kind.verb) \(incidentID)"
        }
    }
}

extension IncidentAction {
    /// How long a snooze can be picked for, in seconds, in the order the picker offers them.
    public static let snoozeChoices = [1_800, 3_600, 4 * 3_600, 8 * 3_600, 24 * 3_600]
    /// The longest note the input line takes.
    public static let longestNote = 500
}

/// The source's answer to an action: who it says did it, and when.
public struct ActionConfirmation: Sendable, Hashable {
    /// Who the source says did it.
    public var by: String
    /// When the source says it happened.
    public var at: Date
    /// Creates a confirmation.
    public init(by: String, at: Date) { self.by = by; self.at = at }
}

/// Where an action asked for in this Vigil stands.
public enum ActionProgress: Sendable, Hashable {
    /// Sent (or saved to be sent); waiting for the source.
    case pending(IncidentAction, since: Date)
    /// The source confirmed it.
    case confirmed(IncidentAction, ActionConfirmation)
    /// The source refused it or could not be reached, and it was given up.
    case failed(IncidentAction, String)

    /// The action it is about.
    public var action: IncidentAction {
        switch self {
        case .pending(let a, _), .confirmed(let a, _), .failed(let a, _): return a
        }
    }

    /// True while waiting for the source.
    public var isPending: Bool { if case .pending = self { return true } else { return false } }
}
