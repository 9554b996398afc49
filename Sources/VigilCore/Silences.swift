import Foundation

/// A silence as the silences view shows it (Alertmanager's, Vigil's acknowledgements among
/// them): what it matches, who made it and why, until when, and which alerts it silences now.
public struct SilenceInfo: Sendable, Hashable, Identifiable {
    /// The source's id of it.
    public var id: String
    /// The source it lives at.
    public var source: SourceID
    /// Who made it.
    public var createdBy: String
    /// Why.
    public var comment: String
    /// When it starts (or started).
    public var startsAt: Date
    /// When it ends.
    public var endsAt: Date
    /// `active`, `pending` (starts later) or `expired`.
    public var state: String
    /// Its matchers as written: `alertname="DiskFull"`, `instance=~"db-.*"`.
    public var matchers: [String]
    /// The incidents (alerts) it silences now.
    public var silencing: [String]
    /// Whether Vigil made it to acknowledge an alert.
    public var isVigil: Bool

    /// Creates a silence.
    public init(id: String, source: SourceID, createdBy: String, comment: String, startsAt: Date, endsAt: Date,
                state: String, matchers: [String], silencing: [String], isVigil: Bool) {
        self.id = id; self.source = source; self.createdBy = createdBy; self.comment = comment
        self.startsAt = startsAt; self.endsAt = endsAt; self.state = state; self.matchers = matchers
        self.silencing = silencing; self.isVigil = isVigil
    }

    /// The short form of its id, as the view names it.
    public var shortID: String { String(id.prefix(8)) }
}

/// What can be done with a silence from the keyboard.
public enum SilenceChange: Sendable, Hashable {
    /// Make it end this many seconds later than it would (from now, if it would end sooner).
    case extend(seconds: Int)
    /// End it now.
    case expire

    /// How long an extension can be picked for, in the picker's order.
    public static let extendChoices = [3_600, 4 * 3_600, 24 * 3_600, 3 * 86_400, 7 * 86_400]

    /// The new end of a silence extended at `now`.
    public func newEnd(of silence: SilenceInfo, now: Date) -> Date {
        guard case .extend(let seconds) = self else { return now }
        return max(silence.endsAt, now).addingTimeInterval(TimeInterval(seconds))
    }

    /// "extend silence 1a2b3c4d by 4h", "expire silence 1a2b3c4d".
    public func describe(_ silence: SilenceInfo) -> String {
        switch self {
        case .extend(let seconds): return "extend silence \(silence.shortID) by \(DurationText.format(.seconds(seconds)))"
        case .expire: return "expire silence \(silence.shortID)"
        }
    }
}

extension AppState {
    /// Every silence the sources report that is in force or starts later, those that silence
    /// nothing first (the forgotten ones), then the soonest to end.
    public var silences: [SilenceInfo] {
        sourceOrder.flatMap { sources[$0]?.snapshot?.silences ?? [] }
            .filter { $0.state != "expired" }
            .sorted { a, b in
                let x = a.silencing.isEmpty ? 0 : 1, y = b.silencing.isEmpty ? 0 : 1
                return x != y ? x < y : (a.endsAt, a.id) < (b.endsAt, b.id)
            }
    }

    /// Whether some source reports silences (the view and its key are offered only then).
    public var hasSilences: Bool { sourceOrder.contains { sources[$0]?.snapshot?.silences != nil } }

    /// The silence under the view's cursor.
    public var selectedSilence: SilenceInfo? {
        let list = silences
        return list.isEmpty ? nil : list[min(max(0, silenceCursor), list.count - 1)]
    }
}

// MARK: - Reducer

/// Keys of the silences view and its dialogs.
func performOnSilences(_ action: Action, _ state: inout AppState) -> [Effect]? {
    switch (state.mode, action) {
    case (.dashboard, .silences):
        guard state.hasSilences else {
            flash(&state, "No source here keeps silences (Alertmanager does)", error: false)
            return []
        }
        state.silenceCursor = 0
        state.mode = .silences
        return []
    case (.silences, .down), (.silences, .up), (.silences, .top), (.silences, .bottom):
        let count = state.silences.count
        let moves: [Action: Int] = [.down: 1, .up: -1, .top: -count, .bottom: count]
        state.silenceCursor = min(max(0, state.silenceCursor + (moves[action] ?? 0)), max(0, count - 1))
        return []
    case (.silences, .extendSilence), (.silences, .expireSilence):
        guard let silence = state.selectedSilence else {
            flash(&state, "No silence selected", error: false)
            return []
        }
        if action == .expireSilence {
            state.mode = .silenceConfirm(.expire, silence.id)
        } else {
            state.mode = .silencePick(silence.id)
        }
        return []
    case (.silencePick(let id), .choose(let n)):
        guard SilenceChange.extendChoices.indices.contains(n - 1) else { return [] }
        state.mode = .silenceConfirm(.extend(seconds: SilenceChange.extendChoices[n - 1]), id)
        return []
    case (.silenceConfirm(let change, let id), .confirm):
        state.mode = .silences
        guard let silence = state.silences.first(where: { $0.id == id }) else {
            flash(&state, "That silence is gone from its source", error: true)
            return []
        }
        state.pendingSilences.insert(id)
        flash(&state, "\(change.describe(silence).capitalizedFirst) at \(silence.source)…", error: false)
        return [.changeSilence(change, silenceID: id, source: silence.source, by: state.user)]
    case (.silencePick, .cancel), (.silenceConfirm, .cancel), (.silences, .close):
        state.mode = state.mode == .silences ? .dashboard : .silences
        return []
    default:
        return nil
    }
}

/// The source's answer to a change: the silence as it now is (Alertmanager may give an extended
/// silence a new id, expiring the old one).
func silenceChanged(_ silence: SilenceInfo, replacing old: String, _ change: SilenceChange, _ state: inout AppState) {
    state.pendingSilences.remove(old)
    guard var src = state.sources[silence.source], var list = src.snapshot?.silences else { return }
    var silence = silence
    if silence.state != "expired", silence.silencing.isEmpty, let before = list.first(where: { $0.id == old }) {
        silence.silencing = before.silencing   // the same matchers: the same alerts, until the next poll says
    }
    list.removeAll { $0.id == old || $0.id == silence.id }
    list.append(silence)
    src.snapshot?.silences = list
    state.sources[silence.source] = src
    switch change {
    case .expire: flash(&state, "Silence \(silence.shortID) expired at \(silence.source)", error: false)
    case .extend: flash(&state, "Silence \(silence.shortID) now ends \(clock(silence.endsAt)) UTC (\(silence.source))",
                        error: false)
    }
}

extension String {
    /// The string with its first letter upper-cased.
    public var capitalizedFirst: String { prefix(1).uppercased() + dropFirst() }
}
