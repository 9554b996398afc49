import Foundation
import Testing
import VigilCore
@testable import VigilSources

/// With one member, the decoded alerts are not kept between polls: an alert whose bytes did not
/// change is read through the last poll's incident and a small record (`KeptAlert`), and given
/// back as an alert only when asked (`PolledAlerts`). Over random
/// edits of the answer, the silences and the page keys: every unchanged alert the incident can
/// give back is taken and not decoded again, every changed one is decoded, the alerts are those a
/// fresh decode gives, and the incidents those a fresh map gives.
@Suite struct AlertmanagerKeptAlertTests {
    /// A reproducible generator (SplitMix64).
    struct Random: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    /// One alert as Alertmanager would send it; `json` writes it with its keys always in one order.
    struct Model {
        var fingerprint: String
        var labels: [String: String]
        var summary: String?
        var runbook: String?
        var dashboard: String?
        var generator: String?
        var startsAt: Int
        var endsAt: Int?
        var updatedAt: Int?
        var state: String
        var silencedBy: [String]
        var inhibitedBy: [String]

        static func quoted(_ text: String) -> String {
            String(decoding: try! JSONEncoder().encode(text), as: UTF8.self)
        }

        static func time(_ minute: Int) -> String {
            let date = Date(timeIntervalSince1970: 1_795_000_000 + Double(minute) * 60)
            return quoted(date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true)))
        }

        var json: String {
            var notes: [String] = []
            if let summary { notes.append(#""summary":\#(Self.quoted(summary))"#) }
            notes.append(#""description":"whatever""#)
            if let runbook { notes.append(#""runbook_url":\#(Self.quoted(runbook))"#) }
            if let dashboard { notes.append(#""dashboard":\#(Self.quoted(dashboard))"#) }
            var fields = [#""annotations":{\#(notes.joined(separator: ","))}"#]
            if let endsAt { fields.append(#""endsAt":\#(Self.time(endsAt))"#) }
            fields.append(#""fingerprint":\#(Self.quoted(fingerprint))"#)
            fields.append(#""startsAt":\#(Self.time(startsAt))"#)
            let ids = { (list: [String]) in "[" + list.map(Self.quoted).joined(separator: ",") + "]" }
            fields.append(#""status":{"inhibitedBy":\#(ids(inhibitedBy)),"silencedBy":\#(ids(silencedBy)),"state":\#(Self.quoted(state))}"#)
            if let updatedAt { fields.append(#""updatedAt":\#(Self.time(updatedAt))"#) }
            if let generator { fields.append(#""generatorURL":\#(Self.quoted(generator))"#) }
            let pairs = labels.keys.sorted().map { "\(Self.quoted($0)):\(Self.quoted(labels[$0]!))" }
            fields.append(#""labels":{\#(pairs.joined(separator: ","))}"#)
            return "{" + fields.joined(separator: ",") + "}"
        }

        /// Whether its incident can give it back: no summary or URL that the incident shows
        /// trimmed or not at all, and a state Alertmanager uses.
        var givenBack: Bool {
            [summary, runbook, dashboard, generator].allSatisfy { $0 == nil || nonEmpty($0) == $0 }
                && ["active", "suppressed", "unprocessed"].contains(state)
        }
    }

    static func pick<T>(_ options: [T], _ rng: inout Random) -> T { options[Int(rng.next() % UInt64(options.count))] }

    static func edit(_ alert: inout Model, _ rng: inout Random) {
        let url = "https://runbooks.example/checkout/a-long-page-\(rng.next() % 4)"
        switch rng.next() % 12 {
        case 0, 1, 2:   // re-sent by Prometheus
            alert.endsAt = Int(rng.next() % 1_000); alert.updatedAt = Int(rng.next() % 1_000)
        case 3: alert.labels["team"] = pick(["db", "storage", "a-team-with-a-long-name"], &rng)
        case 4: alert.summary = pick([nil, "", "  padded ", "disk full on \(alert.fingerprint)", "disk"], &rng)
        case 5: alert.runbook = pick([nil, "", url, " \(url)", alert.dashboard], &rng)
        case 6: alert.dashboard = pick([nil, "", url, alert.runbook, alert.generator], &rng)
        case 7: alert.generator = pick([nil, "", url, "http://prom/graph?g0.expr=up%7Bjob%3D%22x%22%7D", alert.runbook], &rng)
        case 8:
            alert.state = pick(["active", "suppressed", "unprocessed", "pending"], &rng)
            alert.silencedBy = pick([[], ["s1"], ["s1", "s2"]], &rng)
        case 9: alert.inhibitedBy = pick([[], ["0abc"], ["0abc", "0def"]], &rng)
        case 10: alert.startsAt = Int(rng.next() % 8)
        default: alert.labels["severity"] = pick(["critical", "warning", "page", "info"], &rng)
        }
    }

    static func alert(_ i: Int, _ rng: inout Random) -> Model {
        var model = Model(fingerprint: String(format: "%016x", i), labels: ["alertname": "DiskFull", "service": "svc-\(i % 5)",
                                                                            "severity": "warning"],
                          summary: "disk full on host \(i)", runbook: "https://runbooks.example/disk/\(i % 3)",
                          dashboard: nil, generator: "http://prom/graph?g0.expr=up", startsAt: Int(rng.next() % 8),
                          endsAt: 500, updatedAt: 0, state: "active", silencedBy: [], inhibitedBy: [])
        if i % 4 == 0 { edit(&model, &rng) }
        return model
    }

    static func silences(_ rng: inout Random) -> [AlertmanagerSilence] {
        (0..<Int(rng.next() % 3)).map { n in
            let service = "svc-\(rng.next() % 5)"
            let vigil = rng.next() % 2 == 0
            return AlertmanagerSilence(
                id: "s\(n + 1)", createdBy: pick(["alice", "bob"], &rng),
                comment: vigil ? AlertmanagerSilence.vigilComment(by: "alice") : "maintenance",
                startsAt: Date(timeIntervalSince1970: 1_795_000_000 + Double(rng.next() % 100)),
                endsAt: Date(timeIntervalSince1970: 1_795_100_000), state: pick(["active", "expired"], &rng),
                matchers: [AlertmanagerMatcher(name: "service", value: service)])
        }
    }

    @Test(arguments: [1, 2, 3])
    func unchangedAlertsAreTakenChangedOnesDecodedAndTheResultIsAFreshOne(seed: UInt64) throws {
        var rng = Random(state: seed)
        var models = (0..<200).map { Self.alert($0, &rng) }
        var next = 200
        var last = AlertmanagerSource.MappedPoll()
        var lastBytes: Set<String> = []
        var silences: [AlertmanagerSilence] = []
        var pageKeys: [String: [String]] = [:]
        let decoder = AlertmanagerDecoder()
        var taken = 0, decoded = 0
        for round in 0..<40 {
            if round > 0 {
                for _ in 0..<Int(rng.next() % 30) {
                    let k = Int(rng.next() % UInt64(models.count))
                    Self.edit(&models[k], &rng)
                }
                if rng.next() % 3 == 0, !models.isEmpty { models.remove(at: Int(rng.next() % UInt64(models.count))) }
                if rng.next() % 3 == 0 { models.append(Self.alert(next, &rng)); next += 1 }
                if rng.next() % 4 == 0 { models.shuffle(using: &rng) }
                if rng.next() % 3 == 0 { silences = Self.silences(&rng) }
                if rng.next() % 4 == 0, let some = models.randomElement(using: &rng) {
                    pageKeys[some.fingerprint] = rng.next() % 2 == 0 ? nil : ["pd-\(rng.next() % 3)"]
                }
            }
            let elements = models.map(\.json)
            let data = Data(("[" + elements.joined(separator: ",\n") + "]").utf8)
            var stream = AlertmanagerDecoder.AlertStream(previous: .poll(last))
            // In pieces of a few hundred bytes, as an answer arrives.
            var at = 0
            while at < data.count {
                let n = min(Int(rng.next() % 700) + 1, data.count - at)
                try data[at..<at + n].withUnsafeBytes { try stream.feed($0) }
                at += n
            }
            let alerts = try stream.finishPolled()
            let reused = stream.reused
            let gathered = stream.take()
            let fresh = try AlertmanagerDecoder.alerts(from: data)
            #expect(alerts.all == fresh, "round \(round)")
            #expect(alerts.count == fresh.count && alerts.decoded.count + reused == fresh.count)
            for (k, element) in elements.enumerated() {
                let expected = lastBytes.contains(element) && models[k].givenBack
                #expect((alerts.takenFrom(k) != nil) == expected, "round \(round), alert \(k): \(element)")
                if alerts.takenFrom(k) != nil { taken += 1 } else { decoded += 1 }
                // What a poll reads of an alert, without making it.
                #expect(alerts.fingerprint(k) == fresh[k].fingerprint && alerts.startsAt(k) == fresh[k].startsAt
                        && alerts.labels(k) == fresh[k].labels && alerts.silencedBy(k) == fresh[k].silencedBy)
            }
            let acknowledgements = AlertmanagerAcknowledgements(silences: silences)
            let mapped = AlertmanagerSource.map(alerts, digests: gathered.digests, last: last,
                                                decoder: decoder, source: "am", acknowledgements: acknowledgements,
                                                pageKeys: pageKeys)
            let again = AlertmanagerSource.map(PolledAlerts(fresh), digests: nil, last: AlertmanagerSource.MappedPoll(), decoder: decoder,
                                               source: "am", acknowledgements: acknowledgements, pageKeys: pageKeys)
            #expect(mapped.incidents == again.incidents, "round \(round)")
            #expect(mapped.acknowledgements == again.acknowledgements)
            // Every incident gives its alert back.
            for (k, alert) in fresh.enumerated() {
                guard let p = mapped.index(of: alert.fingerprint, startsAt: alert.startsAt) else {
                    Issue.record("no incident for \(alert.fingerprint)"); continue
                }
                if let position = mapped.position(of: gathered.digests[k]) {
                    #expect(position == p && mapped.alert(at: position) == alert)
                } else {
                    #expect(!models[k].givenBack)
                }
            }
            last = mapped
            lastBytes = Set(elements)
        }
        #expect(taken > 4_000 && decoded > 400, "taken \(taken), decoded \(decoded)")
    }

    /// An incident kept because the alert's bytes did not change is the very one of the last
    /// poll (its storage shared); link lists made anew are one array per list.
    @Test func unchangedIncidentsAndLinkListsAreShared() throws {
        var rng = Random(state: 7)
        let models = (0..<50).map { i in
            var model = Self.alert(i, &rng)
            model.summary = "disk full \(i)"; model.runbook = "https://runbooks.example/disk/\(i % 2)"
            model.dashboard = nil; model.generator = nil; model.state = "active"; model.inhibitedBy = []
            return model
        }
        func poll(_ models: [Model], last: AlertmanagerSource.MappedPoll) throws -> AlertmanagerSource.MappedPoll {
            var stream = AlertmanagerDecoder.AlertStream(previous: .poll(last))
            try Data(("[" + models.map(\.json).joined(separator: ",") + "]").utf8).withUnsafeBytes { try stream.feed($0) }
            let alerts = try stream.finishPolled()
            let gathered = stream.take()
            return AlertmanagerSource.map(alerts, digests: gathered.digests, last: last,
                                          decoder: AlertmanagerDecoder(), source: "am",
                                          acknowledgements: AlertmanagerAcknowledgements(silences: []), pageKeys: [:])
        }
        func storage<T>(_ array: [T]) -> UnsafeRawPointer? { array.withUnsafeBufferPointer { $0.baseAddress.map(UnsafeRawPointer.init) } }
        let first = try poll(models, last: AlertmanagerSource.MappedPoll())
        #expect(Set(first.incidents.map { storage($0.links) }).count == 2)
        var changed = models
        changed[3].endsAt = 999   // re-sent: the same incident
        changed[4].labels["team"] = "storage"   // a new one
        let second = try poll(changed, last: first)
        for (a, b) in zip(first.incidents, second.incidents) where a.sourceKey != changed[4].fingerprint {
            #expect(storage(a.labels) == storage(b.labels) && storage(a.links) == storage(b.links))
        }
    }
}
