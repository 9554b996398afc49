import Foundation
import Testing
import VigilCore
@testable import VigilSources

/// The alert list is cut into elements as it streams in and decoded one alert at a time: the
/// same alerts as decoding it whole, whatever the pieces it arrives in, and the same errors.
@Suite struct StreamingDecodeTests {
    /// Every element of `text`, cut from pieces of `sizes` bytes (cycled).
    static func split(_ text: String, pieces sizes: [Int]) throws -> [String] {
        var splitter = JSONArraySplitter()
        var out: [String] = []
        let bytes = Array(text.utf8)
        var at = 0, turn = 0
        while at < bytes.count {
            let n = min(max(1, sizes[turn % sizes.count]), bytes.count - at)
            turn += 1
            try bytes[at..<at + n].withUnsafeBytes { piece in
                try splitter.feed(piece) { index, element in
                    #expect(index == out.count)
                    out.append(String(decoding: element, as: UTF8.self))
                }
            }
            at += n
        }
        try splitter.finish { _, element in out.append(String(decoding: element, as: UTF8.self)) }
        return out
    }

    @Test func cutsElementsWhateverThePieces() throws {
        let elements = [
            #"{"a": "x]}\"{[", "b": [1, {"c": "]"}], "d": "\\"}"#,
            #"[1, 2, [3]]"#,
            #""a string with , and ] and \" inside""#,
            #"-12.5e3"#,
            #"true"#,
            #"null"#,
            #"{"emoji": "🚨 ünïcode ✓", "nested": {"deep": {"deeper": []}}}"#,
            #"{}"#,
        ]
        let document = "\u{FEFF} \n[ " + elements.joined(separator: " ,\n\t") + " ]\n "
        for sizes in [[1], [2], [3, 7], [5, 1, 64], [4096], [13, 2, 1, 1, 8]] {
            #expect(try Self.split(document, pieces: sizes) == elements, "pieces of \(sizes)")
        }
        #expect(try Self.split("[]", pieces: [1]).isEmpty)
        #expect(try Self.split(" [ \n ] ", pieces: [2]).isEmpty)
        #expect(try Self.split("[7]", pieces: [1]) == ["7"])
    }

    @Test(arguments: [
        ("", "the answer is empty"),
        ("   ", "the answer is empty"),
        ("{}", "expected a list at the top level, found an object"),
        ("\"text\"", "expected '[' at byte 1"),
        ("[", "unexpected end of data"),
        ("[{\"a\": \"b", "unexpected end of data"),
        ("[{},", "unexpected end of data"),
        ("[{},]", "a ']' after a ','"),
        ("[{} {}]", "expected ',' or ']' after element 1"),
        ("[{}] x", "'x' after the end of the list"),
        ("[1,,2]", "not valid JSON"),
    ])
    func refusesWhatIsNotAList(_ text: String, _ fragment: String) {
        let error = sourceError { _ = try Self.split(text, pieces: [3]) }
        #expect(error?.message.contains(fragment) == true, "\(text): \(error?.message ?? "no error")")
    }

    /// The sample alerts and a generated 2,000-alert list: streamed in pieces, the same alerts
    /// as Foundation's decoder finds in the whole document.
    @Test func alertsStreamedAreTheAlertsDecodedWhole() throws {
        let sample = try Data(contentsOf: sampleDataURL.appendingPathComponent("alertmanager-alerts.json"))
        for data in [sample, Self.generated(2_000)] {
            let whole = try SourceJSON.decode([AlertmanagerDecoder.RawAlert].self, from: data, what: "whole")
            for piece in [1, 7, 1_000, 65_536] {
                var stream = AlertmanagerDecoder.AlertStream()
                var at = 0
                while at < data.count {
                    let end = min(at + piece, data.count)
                    try data[at..<end].withUnsafeBytes { try stream.feed($0) }
                    at = end
                }
                let alerts = try stream.finish()
                #expect(alerts.count == whole.count)
                #expect(alerts.map(\.fingerprint) == whole.map(\.fingerprint))
                #expect(alerts.map(\.labels.dictionary) == whole.map { $0.labels ?? [:] })
                #expect(alerts.map(\.summary) == whole.map { $0.annotations?.summary })
                #expect(alerts.map(\.runbookURL) == whole.map { $0.annotations?.runbook_url })
                #expect(alerts.map(\.startsAt) == whole.map(\.startsAt))
                #expect(alerts.map(\.silencedBy) == whole.map { $0.status?.silencedBy ?? [] })
            }
            #expect(try AlertmanagerDecoder.alerts(from: data).count == whole.count)
        }
    }

    /// The last answer's alerts (a member of several) are taken again for the elements whose bytes did not change
    /// (`AlertmanagerDecodeMemory`), and only for those: a changed byte, anywhere in the element,
    /// means decoding it again. The result is always what decoding the whole answer gives.
    @Test func unchangedAlertsAreTakenFromTheLastAnswerAndOnlyThose() throws {
        func stream(_ data: Data, previous: AlertmanagerDecodeMemory.Answer)
            throws -> AlertmanagerDecoder.AlertStream {
            var stream = AlertmanagerDecoder.AlertStream(previous: previous)
            try data.withUnsafeBytes { try stream.feed($0) }
            return stream
        }
        let first = Self.generated(500)
        var one = try stream(first, previous: AlertmanagerDecodeMemory.Answer())
        let alerts = try one.finish()
        #expect(one.reused == 0 && one.decoded.count == 500)
        // The same answer again: every alert taken, none decoded.
        var same = try stream(first, previous: one.decoded)
        #expect(try same.finish() == alerts && same.reused == 500)
        // Alert 7's end moved (Prometheus re-sent it), alert 9's silence changed, one alert is new
        // and one gone: those are decoded, the rest taken.
        var elements = (0..<500).map { Self.element($0) }
        elements[7] = Self.element(7, endsAt: "2026-11-26T12:05:00.000Z")
        elements[9] = Self.element(9, silencedBy: #"["s-new"]"#, state: "suppressed")
        elements[499] = Self.element(500)
        let changed = Data(("[" + elements.joined(separator: ",\n") + "]").utf8)
        var next = try stream(changed, previous: one.decoded)
        let again = try next.finish()
        #expect(next.reused == 497)
        let whole = try AlertmanagerDecoder.alerts(from: changed)
        #expect(again == whole)
        #expect(again[7].endsAt != alerts[7].endsAt && again[9].silencedBy == ["s-new"] && again[9].state == "suppressed")
        // An answer that fails keeps nothing new: the memory is the last good answer's.
        let memory = AlertmanagerDecodeMemory(), member = URL(string: "http://am.example")!
        memory.keep(one.decoded, of: member)
        var broken = AlertmanagerDecoder.AlertStream(previous: memory.previous(of: member))
        #expect(throws: SourceError.self) {
            try Data("[{\"fingerprint\": \"a\"".utf8).withUnsafeBytes { try broken.feed($0) }
            _ = try broken.finish()
        }
        guard case .answer(let kept) = memory.previous(of: member) else { Issue.record("no answer kept"); return }
        #expect(kept.count == 500)
    }

    /// The long strings an answer repeats (a rule's generator URL, a runbook, a label value) are
    /// held once, also across alerts taken from the last answer and alerts decoded anew; short
    /// ones are inline anyway. (Two strings are one copy when their two words are the same.)
    /// The digest is 16 bytes and covers the length as well as the bytes: an element and the
    /// same element with a byte more (even a zero) differ, and equal bytes give equal digests.
    @Test func digestsAreSixteenBytesAndTellLengthsApart() {
        typealias Digest = AlertmanagerDecodeMemory.Digest
        #expect(MemoryLayout<Digest>.stride == 16)
        func digest(_ bytes: [UInt8]) -> Digest { bytes.withUnsafeBytes { Digest($0) } }
        let element = Array(#"{"fingerprint":"0000000000000001"}"#.utf8)
        #expect(digest(element) == digest(element))
        #expect(digest(element) != digest(element + [0]))
        #expect(digest([]) != digest([0]) && digest([0]) != digest([0, 0]))
        var changed = element
        changed[changed.count - 3] ^= 1
        #expect(digest(element) != digest(changed))
    }

    @Test func repeatedLongStringsAreHeldOnce() throws {
        func sameCopy(_ a: String?, _ b: String?) -> Bool {
            guard let a, let b else { return false }
            return unsafeBitCast(a, to: (UInt64, UInt64).self) == unsafeBitCast(b, to: (UInt64, UInt64).self)
        }
        var first = AlertmanagerDecoder.AlertStream()
        try Self.generated(50).withUnsafeBytes { try first.feed($0) }
        let alerts = try first.finish()
        #expect(alerts.allSatisfy { sameCopy($0.generatorURL, alerts[0].generatorURL) })
        #expect(alerts.map(\.generatorURL) == Array(repeating: alerts[0].generatorURL, count: 50))
        // The next answer: alert 3 changed (decoded again), the others taken; it shares their copy.
        var elements = (0..<50).map { Self.element($0) }
        elements[3] = Self.element(3, endsAt: "2026-11-26T12:09:00.000Z")
        var next = AlertmanagerDecoder.AlertStream(previous: first.decoded)
        try Data(("[" + elements.joined(separator: ",\n") + "]").utf8).withUnsafeBytes { try next.feed($0) }
        let again = try next.finish()
        #expect(next.reused == 49 && sameCopy(again[3].generatorURL, alerts[0].generatorURL))
    }

    @Test func anAlertsErrorNamesTheAlert() {
        let data = json(#"[{"fingerprint": "a", "startsAt": "2026-11-26T10:00:00Z"}, {"fingerprint": "b", "startsAt": 5}]"#)
        let error = sourceError { _ = try AlertmanagerDecoder.alerts(from: data) }
        #expect(error?.message.hasPrefix("Alertmanager alerts: ") == true, "\(error?.message ?? "")")
        #expect(error?.message.contains("[1].startsAt") == true, "\(error?.message ?? "")")
        let missing = sourceError { _ = try AlertmanagerDecoder.alerts(from: json(#"[{"fingerprint": "a"}]"#)) }
        #expect(missing?.message.contains("missing field 'startsAt' at [0]") == true, "\(missing?.message ?? "")")
        let cut = sourceError { _ = try AlertmanagerDecoder.alerts(from: json(#"[{"fingerprint": "a", "startsAt": "#)) }
        #expect(cut?.message.hasPrefix("Alertmanager alerts: not valid JSON") == true, "\(cut?.message ?? "")")
    }

    static func generated(_ count: Int) -> Data {
        Data(("[" + (0..<count).map { element($0) }.joined(separator: ",\n") + "]").utf8)
    }

    /// Alert `i` of `generated`, its end, silences and state as given.
    static func element(_ i: Int, endsAt: String = "2026-11-26T12:04:00.000Z", silencedBy: String? = nil,
                        state: String = "active") -> String {
        """
            {"annotations": {"summary": "checkout latency high (#\(i)) \\"quoted\\" [x]", "runbook_url": "https://r.example/\(i)"},
             "endsAt": "\(endsAt)", "fingerprint": "\(String(i, radix: 16))f00d",
             "receivers": [{"name": "team-\(i % 7)"}], "startsAt": "2026-11-2\(i % 6)T0\(i % 10):00:00.000Z",
             "status": {"inhibitedBy": [], "silencedBy": \(silencedBy ?? (i % 5 == 0 ? #"["s\#(i)"]"# : "[]")), "state": "\(state)"},
             "updatedAt": "2026-11-26T12:00:00.000Z", "generatorURL": "http://prom/graph?g0.expr=up%7Bjob%3D%22x%22%7D",
             "labels": {"alertname": "Latency{\(i)}", "severity": "\(["critical", "warning", "page"][i % 3])", "service": "svc-\(i % 13)"}}
            """
    }
}

@Suite struct AlertCountLimitTests {
    @Test func moreAlertsThanTheMaximumAreRefusedAsTheyArrive() {
        let item = #"{"fingerprint":"f","startsAt":"2026-11-26T14:00:00Z"}"#
        let data = Data(("[" + Array(repeating: item, count: AlertmanagerDecoder.AlertStream.maximum + 1)
            .joined(separator: ",") + "]").utf8)
        let error = sourceError { _ = try AlertmanagerDecoder.alerts(from: data) }
        #expect(error?.message == "Alertmanager alerts: more than 100000 alerts in one answer refused "
                + "(Vigil reads at most 100000 from one Alertmanager)")
    }
}

@Suite struct NonEmptyTests {
    /// The fast trim agrees with Foundation's `.whitespacesAndNewlines` on every whitespace
    /// scalar there is and on mixed text.
    @Test func trimsWhatFoundationTrims() {
        var samples = ["", " ", "a", " a ", "\tcheckout\n", "a b", "  \u{00A0}x\u{3000}", "\u{2028}\u{2029}",
                       "\u{0085}y\u{200B}", "🚨 page ", "\r\n", "é\u{0301} ", " \u{FEFF}z"]
        for v in UInt32(0)...0xFFFF {
            guard let s = Unicode.Scalar(v) else { continue }
            samples.append("\(s)x\(s)")
            samples.append(String(s))
        }
        for text in samples {
            let foundation = text.trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(nonEmpty(text) == (foundation.isEmpty ? nil : foundation), "\(Array(text.unicodeScalars))")
        }
        #expect(nonEmpty(nil) == nil)
    }
}
