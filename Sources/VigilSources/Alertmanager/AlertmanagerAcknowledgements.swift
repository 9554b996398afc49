import Foundation
import VigilCore

// The pure half of acknowledging through Alertmanager silences: which silence acknowledges an
// alert, since when, and which of Vigil's silences need extending. No IO here; the source
// (`AlertmanagerSource`) fetches, calls these, and performs the result.

extension AlertmanagerMatcher {
    /// Whether the matcher accepts `labels`, with Alertmanager's semantics: a missing label has
    /// the value "", and a regular expression must match the whole value.
    public func matches(_ labels: AlertLabels) -> Bool {
        let actual = labels[name] ?? ""
        let found: Bool
        if isRegex {
            guard let regex = try? NSRegularExpression(pattern: "^(?:\(value))$") else { return false }
            found = regex.firstMatch(in: actual, range: NSRange(actual.startIndex..., in: actual)) != nil
        } else {
            found = actual == value
        }
        return found == isEqual
    }
}

extension AlertmanagerSilence {
    /// The mark Vigil puts at the start of the comment of every acknowledgement silence it creates;
    /// Vigil extends only silences that carry it.
    public static let vigilCommentPrefix = "Acknowledged in Vigil"

    /// The comment of an acknowledgement made in Vigil by `user`.
    public static func vigilComment(by user: String) -> String { "\(vigilCommentPrefix) by \(user)" }

    /// True for an acknowledgement silence made by Vigil (any instance, any user).
    public var isVigilAcknowledgement: Bool { comment.hasPrefix(Self.vigilCommentPrefix) }

    /// Whether it silences an alert with these labels (ignoring its state). A silence without
    /// matchers silences nothing.
    public func matches(_ labels: AlertLabels) -> Bool {
        !matchers.isEmpty && matchers.allSatisfy { $0.matches(labels) }
    }

    /// Whether it silences `alert`: Alertmanager says so, or its matchers accept the labels.
    public func silences(_ alert: AlertmanagerAlert) -> Bool {
        silences(silencedBy: alert.silencedBy, labels: alert.labels)
    }

    /// Whether it silences an alert silenced by `silencedBy` (Alertmanager's word), with `labels`.
    func silences(silencedBy: [String], labels: AlertLabels) -> Bool {
        silencedBy.contains(id) || matches(labels)
    }

    /// Same matchers (in any order) and same author: one is a duplicate of the other.
    func isSameAcknowledgement(as other: AlertmanagerSilence) -> Bool {
        createdBy == other.createdBy && Set(matchers) == Set(other.matchers)
    }
}

extension AlertmanagerAlert {
    /// Combines the copies of one alert (same fingerprint) reported by the members of an HA
    /// cluster: silenced or inhibited on any member counts, the earliest start and the latest
    /// end win, labels and annotations come from the copy updated last.
    func merged(with other: AlertmanagerAlert) -> AlertmanagerAlert {
        var newest = (other.updatedAt ?? .distantPast) > (updatedAt ?? .distantPast) ? other : self
        let older = newest == self ? other : self
        newest.startsAt = min(startsAt, other.startsAt)
        if let a = endsAt, let b = other.endsAt { newest.endsAt = max(a, b) }
        newest.silencedBy = Self.union(newest.silencedBy, older.silencedBy)
        newest.inhibitedBy = Self.union(newest.inhibitedBy, older.inhibitedBy)
        if older.state == "suppressed" { newest.state = "suppressed" }
        return newest
    }

    private static func union(_ a: [String], _ b: [String]) -> [String] { a + b.filter { !a.contains($0) } }

    /// Merges the alert lists of several members, one alert per fingerprint, in first-seen order.
    static func merging(_ lists: [PolledAlerts]) -> PolledAlerts {
        // One member (most set-ups) listing each fingerprint once, as Alertmanager does: its list as it is.
        if lists.count == 1 {
            let list = lists[0]
            var seen = Set<Substring>(minimumCapacity: list.count)
            if list.indices.allSatisfy({ seen.insert(Substring(list.fingerprintUTF8($0))).inserted }) { return list }
        }
        return PolledAlerts(merging(lists.map(\.all)))
    }

    static func merging(_ lists: [[AlertmanagerAlert]]) -> [AlertmanagerAlert] {
        var order: [String] = []
        var byFingerprint: [String: AlertmanagerAlert] = [:]
        for alert in lists.joined() {
            if let seen = byFingerprint[alert.fingerprint] {
                byFingerprint[alert.fingerprint] = seen.merged(with: alert)
            } else {
                order.append(alert.fingerprint)
                byFingerprint[alert.fingerprint] = alert
            }
        }
        return order.compactMap { byFingerprint[$0] }
    }
}

extension AlertmanagerSilence {
    /// Merges the silence lists of several members, one silence per id. Silences are gossiped,
    /// so the members normally agree; while a change is on its way, the copy changed last wins
    /// (and on a tie, the one no longer active: an expiry is never undone).
    static func merging(_ lists: [[AlertmanagerSilence]]) -> [AlertmanagerSilence] {
        var order: [String] = []
        var byID: [String: AlertmanagerSilence] = [:]
        for silence in lists.joined() {
            guard let seen = byID[silence.id] else {
                order.append(silence.id)
                byID[silence.id] = silence
                continue
            }
            let seenAt = seen.updatedAt ?? .distantPast, newAt = silence.updatedAt ?? .distantPast
            if newAt > seenAt || (newAt == seenAt && seen.isActive && !silence.isActive) {
                byID[silence.id] = silence
            }
        }
        return order.compactMap { byID[$0] }
    }
}

/// Answers "who acknowledged this alert, since when" from the silences of an Alertmanager (or
/// an HA cluster).
struct AlertmanagerAcknowledgements: Sendable {
    /// Every silence known, in any state (expired ones are kept by Alertmanager for days).
    let silences: [AlertmanagerSilence]
    /// How far apart the end of an expired Vigil silence and the start of its replacement may be
    /// and still count as one acknowledgement (Alertmanager stamps both within microseconds).
    static let chainTolerance: TimeInterval = 2

    /// The active silences that silence `alert`.
    func silencing(_ alert: AlertmanagerAlert) -> [AlertmanagerSilence] {
        silencing(silencedBy: alert.silencedBy, labels: alert.labels)
    }

    /// The active silences that silence an alert silenced by `silencedBy`, with `labels`.
    func silencing(silencedBy: [String], labels: AlertLabels) -> [AlertmanagerSilence] {
        silences.filter { $0.isActive && $0.silences(silencedBy: silencedBy, labels: labels) }
    }

    /// The acknowledgement shown for `alert`: of the active silences that silence it, the one
    /// acknowledging it first (ties: the one created by Vigil, then the lowest id).
    func acknowledgement(for alert: AlertmanagerAlert) -> AlertmanagerAcknowledgement? {
        acknowledgement(silencedBy: alert.silencedBy, labels: alert.labels)
    }

    /// The acknowledgement of an alert silenced by `silencedBy`, with `labels`.
    func acknowledgement(silencedBy: [String], labels: AlertLabels) -> AlertmanagerAcknowledgement? {
        silencing(silencedBy: silencedBy, labels: labels)
            .map { AlertmanagerAcknowledgement(silence: $0, since: since($0)) }
            .min { a, b in
                if a.since != b.since { return a.since < b.since }
                if a.silence.isVigilAcknowledgement != b.silence.isVigilAcknowledgement {
                    return a.silence.isVigilAcknowledgement
                }
                return a.silence.id < b.silence.id
            }
    }

    /// Since when `silence` has acknowledged: its start, or for a Vigil silence that replaced
    /// earlier ones when it was extended (an update that is not made in place gets a new id and
    /// start), the start of the first of that unbroken chain.
    func since(_ silence: AlertmanagerSilence) -> Date {
        guard silence.isVigilAcknowledgement else { return silence.startsAt }
        var start = silence.startsAt
        var seen: Set<String> = [silence.id]
        while let previous = silences.first(where: { candidate in
            !candidate.isActive && candidate.isVigilAcknowledgement && !seen.contains(candidate.id)
                && candidate.startsAt < start && candidate.isSameAcknowledgement(as: silence)
                && abs(candidate.endsAt.timeIntervalSince(start)) <= Self.chainTolerance
        }) {
            seen.insert(previous.id)
            start = previous.startsAt
        }
        return start
    }
}

/// What a poll must do to keep Vigil's acknowledgements alive.
struct AlertmanagerKeepAlive: Sendable, Hashable {
    /// Silences to replace with one ending `ackSilence` from now.
    var extend: [AlertmanagerSilence] = []
    /// Redundant copies to expire: the same engineer acknowledging through two Vigils at once,
    /// or two Vigils replacing the same silence at once (Alertmanager versions that do not update
    /// in place), leave identical silences; the one ending last is kept.
    var expire: [AlertmanagerSilence] = []

    /// True when there is nothing to do.
    var isEmpty: Bool { extend.isEmpty && expire.isEmpty }

    /// Plans the keep-alive: every active Vigil silence that still silences a firing alert and
    /// ends within half of `ackSilence` is extended; silences of resolved alerts are left to lapse.
    /// - Parameter alerts: the alerts Alertmanager lists, which are exactly the firing ones.
    static func plan(alerts: [AlertmanagerAlert], silences: [AlertmanagerSilence], now: Date,
                     ackSilence: Duration) -> AlertmanagerKeepAlive {
        plan(alerts: PolledAlerts(alerts), silences: silences, now: now, ackSilence: ackSilence)
    }

    static func plan(alerts: PolledAlerts, silences: [AlertmanagerSilence], now: Date,
                     ackSilence: Duration) -> AlertmanagerKeepAlive {
        var result = AlertmanagerKeepAlive()
        var kept: [AlertmanagerSilence] = []
        let ours = silences.filter { $0.isActive && $0.isVigilAcknowledgement }
        // Keep the best of each group of identical acknowledgements: the one ending last, then the highest id.
        for silence in ours.sorted(by: { ($0.endsAt, $0.id) > ($1.endsAt, $1.id) }) {
            if kept.contains(where: { $0.isSameAcknowledgement(as: silence) }) {
                result.expire.append(silence)
            } else {
                kept.append(silence)
            }
        }
        let horizon = now.addingTimeInterval(ackSilence.seconds / 2)
        result.extend = kept.filter { silence in
            silence.endsAt < horizon
                && alerts.indices.contains { silence.silences(silencedBy: alerts.silencedBy($0), labels: alerts.labels($0)) }
        }.sorted { $0.id < $1.id }
        return result
    }
}
