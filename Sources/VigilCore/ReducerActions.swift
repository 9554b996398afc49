import Foundation

// The reducer's part for incident actions: asking, typing a note, sending.

/// In the input line, printable keys (any script, pasted text arriving key by key) are typed and
/// Backspace removes the last character (a whole wide or combined one); the rest goes to the key
/// map (Enter, Esc, Ctrl-U). True when the key was typed.
func typeInto(_ key: Key, _ state: inout AppState) -> Bool {
    if state.mode == .filter { return typeFilter(key, &state) }
    guard case .input(let kind, let id, var text, let back) = state.mode else { return false }
    switch key {
    case .char(let c):
        guard text.count < IncidentAction.longestNote else {
            flash(&state, "A note holds at most \(IncidentAction.longestNote) characters", error: false)
            return true
        }
        // Control characters (a pasted newline or tab) become a space: the note is one line.
        text.append(c.unicodeScalars.allSatisfy { $0.properties.generalCategory == .control } ? " " : c)
    case .backspace:
        guard !text.isEmpty else { return true }
        text.removeLast()
    default:
        return false
    }
    state.mode = .input(kind, id, text: text, returnTo: back)
    return true
}

/// While filtering, printable keys extend the filter and Backspace takes a character back; the
/// table (and the selection) follow each key.
func typeFilter(_ key: Key, _ state: inout AppState) -> Bool {
    switch key {
    case .char(let c):
        guard state.query.text.count < 200 else { return true }
        state.query.text.append(c.unicodeScalars.allSatisfy { $0.properties.generalCategory == .control } ? " " : c)
    case .backspace:
        guard !state.query.text.isEmpty else { return true }
        state.query.text.removeLast()
    default:
        return false
    }
    reconcileSelection(&state, previousIndex: nil)
    return true
}

/// An action key: checks that the target incident can take it, then asks for confirmation (or,
/// for taking an acknowledgement back, sends it at once, as before).
func ask(_ kind: ActionKind, _ state: inout AppState) -> [Effect] {
    guard let id = state.actionTarget, let incident = state.incident(id) else {
        flash(&state, "No incident selected", error: true)
        return []
    }
    if let refusal = refusal(kind, incident) {
        flash(&state, refusal.text, error: refusal.isError)
        return []
    }
    if state.actions[id]?.isPending == true {
        flash(&state, "\(id): \(kind == .acknowledge ? "acknowledgement" : "a change") already on its way", error: false)
        return []
    }
    let action: IncidentAction
    switch kind {
    case .acknowledge: action = .acknowledge
    case .resolve: action = .resolve
    case .escalate: action = .escalate
    case .unacknowledge:
        flash(&state, "\(id): taking the acknowledgement back" + "…", error: false)
        return send(.unacknowledge, incident, &state)
    case .snooze:
        state.mode = .pick(.snooze, id, returnTo: returnMode(state.mode))
        return []
    case .note:
        state.mode = .input(.note, id, text: "", returnTo: returnMode(state.mode))
        return []
    case .reassign:
        guard !state.assignees(for: incident).isEmpty else {
            flash(&state, "\(incident.source) names nobody on call to reassign \(id) to: reassign it at \(incident.source)",
                  error: false)
            return []
        }
        state.mode = .pick(.reassign, id, returnTo: returnMode(state.mode))
        return []
    }
    state.mode = .confirm(action, id, returnTo: returnMode(state.mode))
    return []
}

/// Why an incident cannot take an action in its current status, if it cannot.
func refusal(_ kind: ActionKind, _ incident: Incident) -> (text: String, isError: Bool)? {
    let id = incident.id
    switch (kind, incident.status) {
    case (.unacknowledge, .acknowledged): return nil
    case (.unacknowledge, _): return ("\(id) is not acknowledged", true)
    case (_, .resolved): return ("\(id) is already resolved", true)
    case (.acknowledge, .acknowledged):
        return ("\(id) is already acknowledged\(incident.acknowledgedBy.map { " by \($0)" } ?? "")", false)
    default: return nil
    }
}

/// Marks the action as on its way and asks the runtime to send it through the outbox.
/// Acknowledging a page also acknowledges the alerts merged into it whose source asks for that
/// (each through the outbox on its own, confirmed by its own source).
func send(_ action: IncidentAction, _ incident: Incident, _ state: inout AppState) -> [Effect] {
    state.actions[incident.id] = .pending(action, since: state.now)
    var effects: [Effect] = [.act(action, incidentID: incident.id, source: incident.source, by: state.user)]
    if action == .acknowledge {
        for alert in incident.merged where alert.status == .triggered && state.actions[alert.id]?.isPending != true
            && state.sources[alert.source]?.acknowledgesWithPage == true
            && state.sources[alert.source]?.actions.contains(.acknowledge) == true {
            state.actions[alert.id] = .pending(.acknowledge, since: state.now)
            effects.append(.act(.acknowledge, incidentID: alert.id, source: alert.source, by: state.user))
        }
    }
    return effects
}
