import Foundation
import VigilCore

extension AlertmanagerDecoder {
    /// What an `AlertStream` gathered besides the alerts.
    struct AlertStreamTaken {
        /// The digest of each alert's bytes.
        var digests: [AlertmanagerDecodeMemory.Digest]
        /// The alerts decoded, by digest when the previous was an `.answer`.
        var decoded: AlertmanagerDecodeMemory.Answer
    }

    /// Decodes a `GET /api/v2/alerts` answer piece by piece as it arrives, one alert at a time
    /// (`JSONArraySplitter`): memory holds the alerts, not the answer or a parse of all of it.
    struct AlertStream {
        private var splitter = JSONArraySplitter()
        /// This answer's alerts so far, unless they may be taken from a poll; by digest too when
        /// taken from an `.answer` (for the next answer of this member, `AlertmanagerDecodeMemory`).
        private(set) var decoded = AlertmanagerDecodeMemory.Answer()
        /// This answer's alerts so far, when they may be taken from a poll.
        private var polled = PolledAlerts()
        /// The first alert without a fingerprint.
        private var unidentified: Int?
        /// The last answer, or the last poll: an alert decoded from the same bytes is taken from it.
        private let lastAnswer: AlertmanagerDecodeMemory.Answer?
        private let lastPoll: AlertmanagerSource.MappedPoll?
        /// The digest of each alert's bytes, in the order of `finish()`'s alerts.
        private(set) var digests: [AlertmanagerDecodeMemory.Digest] = []
        /// How many alerts were taken from `previous` (or from earlier in this answer) rather than decoded.
        private(set) var reused = 0

        /// The long strings of this answer's alerts, one copy each: the same `generatorURL`,
        /// runbook or label value of a thousand alerts of one rule is then held once, not a
        /// thousand times (strings of up to 15 bytes are stored inline anyway).
        private var strings = Set<String>()

        /// A stream that takes unchanged alerts from `previous`.
        init(previous: AlertmanagerDecodeMemory.Previous = .none) {
            switch previous {
            case .none:
                lastAnswer = nil
                lastPoll = nil
            case .answer(let answer):
                lastAnswer = answer
                lastPoll = nil
                decoded.reserve(answer.count)
                digests.reserveCapacity(answer.count)
            case .poll(let poll):
                lastAnswer = nil
                lastPoll = poll
                polled = PolledAlerts(basis: poll)
                polled.reserve(poll.incidents.count)
                digests.reserveCapacity(poll.incidents.count)
            }
        }

        /// A stream that takes unchanged alerts from a member's last answer (`decoded`).
        init(previous answer: AlertmanagerDecodeMemory.Answer) { self.init(previous: .answer(answer)) }

        /// What the answer gave (after `finish()`), leaving the stream empty: nothing of the last
        /// poll outlives the answer through it.
        mutating func take() -> AlertStreamTaken {
            defer { self = AlertStream() }
            return AlertStreamTaken(digests: digests, decoded: decoded)
        }

        /// The one copy of `text` in this answer.
        private mutating func intern(_ text: String) -> String {
            text.utf8.count > 15 ? strings.insert(text).memberAfterInsert : text
        }

        private mutating func intern(_ text: String?) -> String? { text.map { intern($0) } }

        /// Makes the long strings of a kept alert the copies later alerts of this answer share.
        private mutating func share(_ alert: AlertmanagerAlert) {
            for text in [alert.generatorURL, alert.runbookURL, alert.dashboardURL] { _ = intern(text) }
            for pair in alert.labels.pairs where pair.value.utf8.count > 15 { _ = intern(pair.value) }
        }

        /// Reads the next piece of the answer.
        mutating func feed(_ bytes: UnsafeRawBufferPointer) throws(SourceError) {
            // Out of `self` while it reads (`add` changes `self`), and back after.
            var splitter = self.splitter
            self.splitter = JSONArraySplitter()
            defer { self.splitter = splitter }
            do {
                try splitter.feed(bytes) { index, element in try self.add(index, element) }
            } catch let error as SourceError {
                throw Self.named(error)
            } catch {
                throw SourceError(.malformed, "Alertmanager alerts: \(error)")
            }
        }

        /// Ends the answer: the alerts, or the first thing wrong with it.
        mutating func finish() throws(SourceError) -> [AlertmanagerAlert] { try finishPolled().all }

        /// Ends the answer: the alerts (those taken from a poll as positions in it), or the first
        /// thing wrong with it.
        mutating func finishPolled() throws(SourceError) -> PolledAlerts {
            var splitter = self.splitter
            self.splitter = JSONArraySplitter()
            defer { self.splitter = splitter }
            do {
                try splitter.finish { index, element in try self.add(index, element) }
            } catch let error as SourceError {
                throw Self.named(error)
            } catch {
                throw SourceError(.malformed, "Alertmanager alerts: \(error)")
            }
            // The fingerprint is what identifies an alert across polls, HA members and restarts: an
            // alert without one cannot be tracked or acknowledged (fuzz finding F3).
            if let index = unidentified {
                throw SourceError(.malformed, "Alertmanager alerts: alert \(index + 1) of \(digests.count) has an empty fingerprint; "
                                  + "the answer does not follow the Alertmanager v2 API")
            }
            return lastPoll == nil ? PolledAlerts(decoded.alerts) : polled
        }

        /// The most alerts one answer may hold: 100,000 is ten times a very large Alertmanager;
        /// more is refused like an answer over the size limit, before it fills memory.
        static let maximum = 100_000

        private mutating func add(_ index: Int, _ element: Data) throws(SourceError) {
            guard index < Self.maximum else {
                throw SourceError(.tooLarge, "Alertmanager alerts: more than \(Self.maximum) alerts in one answer refused "
                                  + "(Vigil reads at most \(Self.maximum) from one Alertmanager)")
            }
            let digest = element.withUnsafeBytes { AlertmanagerDecodeMemory.Digest($0) }
            digests.append(digest)
            // Decoded from these very bytes before (by the last answer or poll, or earlier in
            // this answer), and checked then: a kept alert has a fingerprint.
            if lastPoll == nil, let known = lastAnswer?[digest] ?? decoded[digest] {
                decoded.append(known, digest: digest)
                share(known)
                reused += 1
                return
            }
            // Taken from the poll, it stays a position in it. Its strings are not shared with the
            // alerts decoded anew: those are mostly re-sent alerts, whose incidents stay as they were.
            if let at = lastPoll?.position(of: digest) {
                polled.append(takenFrom: at)
                reused += 1
                return
            }
            let raw = try SourceJSON.decode(RawAlert.self, from: element, what: "Alertmanager alerts", element: index)
            if raw.fingerprint.isEmpty && unidentified == nil { unidentified = index }
            let notes = raw.annotations
            let alert = AlertmanagerAlert(
                fingerprint: raw.fingerprint, labels: AlertLabels(raw.labels ?? [:], intern: { intern($0) }),
                summary: notes?.summary, runbookURL: intern(notes?.runbook_url ?? notes?.runbook),
                dashboardURL: intern(notes?.dashboard_url ?? notes?.dashboard),
                startsAt: raw.startsAt, endsAt: raw.endsAt, updatedAt: raw.updatedAt,
                state: raw.status?.state?.lowercased() ?? "active", silencedBy: raw.status?.silencedBy ?? [],
                inhibitedBy: raw.status?.inhibitedBy ?? [], generatorURL: intern(raw.generatorURL))
            // By digest too, unless taken from a poll: for later in this answer, and the next one.
            if lastPoll != nil { polled.append(alert) } else { decoded.append(alert, digest: digest) }
        }

        /// The splitter's errors, named like the decoder's.
        private static func named(_ error: SourceError) -> SourceError {
            error.message.hasPrefix("Alertmanager alerts: ") ? error : error.prefixed("Alertmanager alerts: ")
        }
    }
}
