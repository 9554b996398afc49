import Foundation
import Synchronization
import VigilCore

/// What the last poll of each member decoded, by the bytes it was decoded from: an alert whose
/// JSON is byte for byte what it was (most of them, most polls: Prometheus re-sends an alert
/// once a minute, Vigil polls every few seconds) is taken from here instead of being decoded
/// again. Decoding was half the CPU of polling 10,000 alerts.
///
/// Only the alerts of the last successful answer of each member are kept, so it holds at most one
/// poll's alerts per member and cannot grow; an answer that fails leaves the last one in place.
final class AlertmanagerDecodeMemory: Sendable {
    /// A 128-bit digest of an element's bytes (two SipHash-1-3 sums under the process's random
    /// seed, one of them over a prefixed message) and its length. Two different elements share
    /// one only by a chance of about 2^-128 per pair; nobody outside the process can aim at it.
    struct Digest: Hashable, Sendable {
        var first: UInt64
        var second: UInt64
        var count: Int

        init(_ bytes: UnsafeRawBufferPointer) {
            var a = Hasher(), b = Hasher()
            a.combine(bytes: bytes)
            b.combine(0x9E37_79B9_7F4A_7C15 as UInt64)
            b.combine(bytes: bytes)
            first = UInt64(truncatingIfNeeded: a.finalize())
            second = UInt64(truncatingIfNeeded: b.finalize())
            count = bytes.count
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

        /// Adds the next alert of the answer, decoded from bytes with `digest`.
        mutating func append(_ alert: AlertmanagerAlert, digest: Digest) {
            if position[digest] == nil { position[digest] = Int32(alerts.count) }
            alerts.append(alert)
        }
    }

    /// Per member URL.
    private let byMember = Mutex<[String: Answer]>([:])

    init() {}

    /// The last successful answer of `member`.
    func previous(of member: URL) -> Answer {
        byMember.withLock { $0[member.absoluteString] ?? Answer() }
    }

    /// Keeps `answer` (the one just decoded) for `member`'s next answer.
    func keep(_ answer: Answer, of member: URL) {
        byMember.withLock { $0[member.absoluteString] = answer }
    }
}
