import Foundation
import Synchronization
import VigilCore

/// What the last poll decoded, by the bytes it was decoded from: an alert whose JSON is byte for
/// byte what it was (most of them, most polls: Prometheus re-sends an alert once a minute, Vigil
/// polls every few seconds) is taken from there instead of being decoded again. Decoding was half
/// the CPU of polling 10,000 alerts.
///
/// - One member (most set-ups): the decoded alerts are not kept. The last poll's incidents
///   (`AlertmanagerSource.MappedPoll`, which the snapshot on screen holds anyway) and a small
///   record per alert of what its incident does not show (`KeptAlert`) give an unchanged alert
///   back as it was decoded (`MappedPoll.alert(at:)`).
/// - Several members (an HA cluster): an incident is made from the members' copies merged, not
///   from one member's alert, so each member's last decoded alerts are kept (`Answer`).
///
/// Only the last successful answer is kept (per member), so it cannot grow; an answer that fails
/// leaves the last one in place.
final class AlertmanagerDecodeMemory: Sendable {
    /// A 128-bit digest of an element's length and bytes (two SipHash-1-3 sums under the
    /// process's random seed, one of them over a prefixed message). Two different elements share
    /// one only by a chance of about 2^-128 per pair; nobody outside the process can aim at it.
    /// 16 bytes: the length is hashed, not kept beside (a third of each poll's digest list and
    /// of the index by digest).
    struct Digest: Hashable, Sendable {
        var first: UInt64
        var second: UInt64

        init(_ bytes: UnsafeRawBufferPointer) {
            var a = Hasher(), b = Hasher()
            a.combine(bytes.count)
            a.combine(bytes: bytes)
            b.combine(0x9E37_79B9_7F4A_7C15 as UInt64)
            b.combine(bytes.count)
            b.combine(bytes: bytes)
            first = UInt64(truncatingIfNeeded: a.finalize())
            second = UInt64(truncatingIfNeeded: b.finalize())
        }
    }

    /// One answer's alerts, in its order, and where each digest's alert is in it (an index
    /// rather than a dictionary of alerts: that one's table was a third empty).
    struct Answer: Sendable {
        private(set) var alerts: [AlertmanagerAlert] = []
        private var position: [Digest: Int32] = [:]

        init() {}

        /// The alert decoded from bytes with this digest.
        subscript(digest: Digest) -> AlertmanagerAlert? {
            position[digest].map { alerts[Int($0)] }
        }

        /// How many alerts.
        var count: Int { alerts.count }

        /// Makes room for `n` alerts (the last answer's count: the list is then not grown by doubling).
        mutating func reserve(_ n: Int) {
            alerts.reserveCapacity(n)
            position.reserveCapacity(n)
        }

        /// Makes room for `n` alerts, not for finding them by digest.
        mutating func reserveAlerts(_ n: Int) { alerts.reserveCapacity(n) }

        /// Adds the next alert of the answer, decoded from bytes with `digest` (nil: not to be
        /// found by its digest).
        mutating func append(_ alert: AlertmanagerAlert, digest: Digest?) {
            if let digest, position[digest] == nil { position[digest] = Int32(alerts.count) }
            alerts.append(alert)
        }
    }

    /// Where a stream takes unchanged alerts from.
    enum Previous: Sendable {
        /// Nowhere: every alert is decoded.
        case none
        /// A member of several: its last answer's alerts.
        case answer(Answer)
        /// The only member: the last poll's incidents and records (`MappedPoll.alert(at:)`).
        case poll(AlertmanagerSource.MappedPoll)
    }

    /// Per member URL, when there are several.
    private let byMember = Mutex<[String: Answer]>([:])
    /// What the last poll mapped (`AlertmanagerSource.map`): for the next poll's `map`, and with
    /// one member, where its stream takes unchanged alerts from.
    let mapped = Mutex(AlertmanagerSource.MappedPoll())
    /// Whether the source has one member.
    let single: Bool

    init(single: Bool = false) { self.single = single }

    /// Where `member`'s next answer takes unchanged alerts from.
    func previous(of member: URL) -> Previous {
        if single { return .poll(mapped.withLock { $0 }) }
        return .answer(byMember.withLock { $0[member.absoluteString] ?? Answer() })
    }

    /// Keeps `answer` (the one just decoded) for `member`'s next answer, when there are several.
    func keep(_ answer: Answer, of member: URL) {
        guard !single else { return }
        byMember.withLock { $0[member.absoluteString] = answer }
    }
}
