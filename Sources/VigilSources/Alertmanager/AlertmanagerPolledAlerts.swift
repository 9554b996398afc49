import Foundation
import VigilCore

/// One poll's alerts. With one member, an alert whose bytes did not change is not decoded, nor
/// given back as an `AlertmanagerAlert` unless asked (`alert(_:)`): it stays a position in the
/// poll it was taken from (`basis`), whose incident and record (`KeptAlert`) hold what the poll
/// reads of it (fingerprint, start, labels, silences). With 10,000 alerts, a list of them all was
/// 1.6 MB each poll.
struct PolledAlerts: Sendable {
    /// The alerts decoded (or merged); all of them, in order, when `slots` is nil.
    private(set) var decoded: [AlertmanagerAlert]
    /// Per alert: a position in `basis` (>= 0), or -1 - its index in `decoded`.
    private var slots: [Int32]?
    /// The poll the alerts in `slots` were taken from.
    let basis: AlertmanagerSource.MappedPoll?

    /// These alerts, none taken from a poll.
    init(_ alerts: [AlertmanagerAlert] = []) {
        decoded = alerts
        slots = nil
        basis = nil
    }

    /// None yet; alerts may be taken from `basis`.
    init(basis: AlertmanagerSource.MappedPoll) {
        decoded = []
        slots = []
        self.basis = basis
    }

    mutating func reserve(_ n: Int) {
        if slots == nil { decoded.reserveCapacity(n) } else { slots?.reserveCapacity(n) }
    }

    /// Adds an alert decoded.
    mutating func append(_ alert: AlertmanagerAlert) {
        slots?.append(Int32(-1 - decoded.count))
        decoded.append(alert)
    }

    /// Adds the alert at `position` of `basis`.
    mutating func append(takenFrom position: Int) {
        slots?.append(Int32(position))
    }

    var count: Int { slots?.count ?? decoded.count }
    var indices: Range<Int> { 0..<count }
    var isEmpty: Bool { count == 0 }

    /// Where alert `k` was taken from in `basis`, if it was.
    func takenFrom(_ k: Int) -> Int? {
        guard let slot = slots?[k], slot >= 0 else { return nil }
        return Int(slot)
    }

    /// The index in `decoded` of alert `k`, if it was decoded.
    private func decodedIndex(_ k: Int) -> Int? {
        guard let slot = slots?[k] else { return k }
        return slot < 0 ? Int(-1 - slot) : nil
    }

    func fingerprint(_ k: Int) -> String {
        if let d = decodedIndex(k) { return decoded[d].fingerprint }
        return basis!.fingerprint(at: Int(slots![k]))
    }

    /// Alert `k`'s fingerprint's UTF-8, without making a string (a taken alert's is its incident's).
    func fingerprintUTF8(_ k: Int) -> Substring.UTF8View {
        if let d = decodedIndex(k) { return Substring(decoded[d].fingerprint).utf8 }
        return basis!.fingerprintUTF8(at: Int(slots![k]))
    }

    func startsAt(_ k: Int) -> Date {
        if let d = decodedIndex(k) { return decoded[d].startsAt }
        return basis!.startsAt(at: Int(slots![k]))
    }

    func labels(_ k: Int) -> AlertLabels {
        if let d = decodedIndex(k) { return decoded[d].labels }
        return basis!.labels(at: Int(slots![k]))
    }

    func silencedBy(_ k: Int) -> [String] {
        if let d = decodedIndex(k) { return decoded[d].silencedBy }
        return basis!.silencedBy(at: Int(slots![k]))
    }

    /// Alert `k` as it was decoded.
    func alert(_ k: Int) -> AlertmanagerAlert {
        if let d = decodedIndex(k) { return decoded[d] }
        return basis!.alert(at: Int(slots![k]))
    }

    /// All of them, as decoded.
    var all: [AlertmanagerAlert] { slots == nil ? decoded : indices.map { alert($0) } }
}
