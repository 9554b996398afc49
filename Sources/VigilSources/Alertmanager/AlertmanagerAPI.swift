import Foundation
import Synchronization
import VigilCore

/// The few Alertmanager v2 calls Vigil makes, against one member at a time, with the
/// authentication header on every request and errors that name the member.
struct AlertmanagerAPI: Sendable {
    let transport: any HTTPTransport
    let auth: HTTPAuth
    let timeout: Duration

    /// Largest alert or silence list accepted.
    static let listLimit = 32 << 20
    /// Largest single-object answer accepted.
    static let itemLimit = 1 << 20

    /// A member could not be reached at all (as opposed to answering with an error status):
    /// writes then try the next member of the cluster.
    struct Unreachable: Error {
        let error: SourceError
    }

    /// How a member is named in messages: its URL without a trailing slash.
    static func name(_ member: URL) -> String {
        var text = member.absoluteString
        while text.hasSuffix("/") { text.removeLast() }
        return text
    }

    /// `member` + `path`, keeping any path prefix of the member's URL (`http://host/am/` →
    /// `http://host/am/api/v2/alerts`).
    static func url(_ member: URL, _ path: String) -> URL {
        URL(string: name(member) + path) ?? member.appendingPathComponent(path)
    }

    func send(_ method: String, _ path: String, to member: URL, body: Data? = nil,
              limit: Int = AlertmanagerAPI.itemLimit, streamingTo sink: (any HTTPBodySink)? = nil) async throws -> HTTPResponse {
        var headers: [(name: String, value: String)] = [("Accept", "application/json")]
        if body != nil { headers.append(("Content-Type", "application/json")) }
        if let header = auth.header { headers.append(header) }
        let request = HTTPRequest(method: method, url: Self.url(member, path), headers: headers, body: body,
                                  timeout: timeout)
        do {
            if let sink { return try await transport.stream(request, maxBodyBytes: limit, to: sink) }
            return try await transport.send(request, maxBodyBytes: limit)
        } catch let error as HTTPBodyRejected {
            throw error
        } catch let error as SourceError {
            throw Unreachable(error: error.prefixed("Alertmanager \(Self.name(member)): "))
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            throw Unreachable(error: SourceError(.unreachable, "Alertmanager \(Self.name(member)): \(error)"))
        }
    }

    /// `check`, with whose credentials were refused when the answer is 401 or 403.
    func checked(_ response: HTTPResponse, from member: URL, doing what: String) throws(SourceError) -> Data {
        do {
            return try Self.check(response, from: member, doing: what)
        } catch {
            guard response.status == 401 || response.status == 403 else { throw error }
            var refused = error
            refused.message += " (\(auth.refused))"
            throw refused
        }
    }

    /// The body of a 2xx answer; otherwise a `SourceError` carrying Alertmanager's own message.
    static func check(_ response: HTTPResponse, from member: URL, doing what: String) throws(SourceError) -> Data {
        guard !(200..<300).contains(response.status) else { return response.body }
        // 429 and 5xx: overloaded or failing now, maybe not later. Other statuses are refusals.
        let wait = response.retryAfter(now: Date())
        throw SourceError(SourceError.kind(ofStatus: response.status, retryAfter: wait),
                          "Alertmanager \(name(member)) refused to \(what): HTTP \(response.status): "
                          + message(in: response.body), retryAfter: wait)
    }

    /// Alertmanager's error text: a JSON string (`"silence not found"`), an object with a
    /// `message` (`{"code":602,"message":"comment in body is required"}`), or plain text.
    static func message(in body: Data) -> String {
        if let text = try? JSONDecoder().decode(String.self, from: body) { return text }
        struct Coded: Decodable { var message: String }
        if let coded = try? JSONDecoder().decode(Coded.self, from: body) { return coded.message }
        let text = String(decoding: body.prefix(300), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return text.isEmpty ? "(no message)" : text
    }

    /// The alerts, decoded one at a time as the answer streams in (`AlertmanagerDecoder.AlertStream`).
    /// Alerts whose bytes are those of the last answer are taken from `memory`, not decoded again.
    func alerts(from member: URL, memory: AlertmanagerDecodeMemory? = nil) async throws -> AlertList {
        let sink = AlertSink(previous: memory?.previous(of: member) ?? .none)
        let response: HTTPResponse
        do {
            response = try await send("GET", "/api/v2/alerts", to: member, limit: Self.listLimit, streamingTo: sink)
        } catch let rejected as HTTPBodyRejected {
            throw rejected.error   // it answered, wrongly: not a reason to try another member
        }
        _ = try checked(response, from: member, doing: "list alerts")
        let (alerts, taken) = try sink.finish()
        memory?.keep(taken.decoded, of: member)
        return AlertList(alerts: alerts, digests: taken.digests)
    }

    /// One member's alerts, with the digest of the bytes each was decoded from (same order).
    struct AlertList: Sendable {
        var alerts: PolledAlerts
        var digests: [AlertmanagerDecodeMemory.Digest]
    }

    /// Receives the alert list as it arrives.
    private final class AlertSink: HTTPBodySink {
        private let stream: Mutex<AlertmanagerDecoder.AlertStream>

        init(previous: AlertmanagerDecodeMemory.Previous) {
            stream = Mutex(AlertmanagerDecoder.AlertStream(previous: previous))
        }

        func receive(_ bytes: UnsafeRawBufferPointer) throws(SourceError) {
            try stream.withLock { (stream) throws(SourceError) in try stream.feed(bytes) }
        }

        /// The alerts, and what the stream gathered (`AlertStream.take()`), leaving it empty:
        /// the sink holds nothing of this answer or the last after.
        func finish() throws(SourceError) -> (PolledAlerts, AlertmanagerDecoder.AlertStreamTaken) {
            try stream.withLock { (stream) throws(SourceError) in
                let alerts = try stream.finishPolled()
                return (alerts, stream.take())
            }
        }
    }

    /// The configuration the member runs (`config.original` of `GET /api/v2/status`).
    func configuration(from member: URL) async throws -> String {
        let response = try await send("GET", "/api/v2/status", to: member, limit: Self.listLimit)
        let body = try checked(response, from: member, doing: "read its status")
        struct Status: Decodable {
            struct Config: Decodable { var original: String }
            var config: Config
        }
        return try SourceJSON.decode(Status.self, from: body, what: "Alertmanager status").config.original
    }

    /// What `check-config --online` shows of a member: its version and its cluster's state.
    struct Status: Decodable, Sendable {
        struct Version: Decodable, Sendable { var version: String? }
        struct Cluster: Decodable, Sendable {
            struct Peer: Decodable, Sendable { var name: String? }
            var status: String?
            var peers: [Peer]?
        }
        var versionInfo: Version?
        var cluster: Cluster?
    }

    /// The member's version and cluster state (`GET /api/v2/status`).
    func status(of member: URL) async throws -> Status {
        let response = try await send("GET", "/api/v2/status", to: member, limit: Self.listLimit)
        let body = try checked(response, from: member, doing: "read its status")
        return try SourceJSON.decode(Status.self, from: body, what: "Alertmanager status")
    }

    func silences(from member: URL) async throws -> [AlertmanagerSilence] {
        let response = try await send("GET", "/api/v2/silences", to: member, limit: Self.listLimit)
        return try AlertmanagerDecoder.silences(from: checked(response, from: member, doing: "list silences"))
    }

    /// One silence, or nil when the member does not know it (404).
    func silence(_ id: String, from member: URL) async throws -> AlertmanagerSilence? {
        let response = try await send("GET", "/api/v2/silence/\(Self.escaped(id))", to: member)
        if response.status == 404 { return nil }
        return try AlertmanagerDecoder.silence(from: checked(response, from: member, doing: "read silence \(id)"))
    }

    /// A silence to create, or to replace when `id` is set.
    struct PostableSilence: Encodable {
        var id: String?
        var matchers: [AlertmanagerMatcher]
        var startsAt: String
        var endsAt: String
        var createdBy: String
        var comment: String

        init(id: String? = nil, matchers: [AlertmanagerMatcher], startsAt: Date, endsAt: Date, createdBy: String,
             comment: String) {
            let format = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
            self.id = id; self.matchers = matchers; self.startsAt = format.format(startsAt)
            self.endsAt = format.format(endsAt); self.createdBy = createdBy; self.comment = comment
        }
    }

    /// Creates (or replaces) a silence and returns the id Alertmanager gives it; nil when the
    /// silence to replace is unknown to the member (404 "silence not found").
    func post(_ silence: PostableSilence, to member: URL) async throws -> String? {
        let body: Data
        do {
            body = try JSONEncoder().encode(silence)
        } catch {
            throw SourceError(.rejected, "could not encode the silence: \(error)")
        }
        let response = try await send("POST", "/api/v2/silences", to: member, body: body)
        if response.status == 404, silence.id != nil { return nil }
        struct Created: Decodable { var silenceID: String }
        let data = try checked(response, from: member, doing: "create a silence")
        return try SourceJSON.decode(Created.self, from: data, what: "Alertmanager silence creation").silenceID
    }

    /// Expires a silence (Alertmanager answers 200 also when it had already expired).
    func expire(_ id: String, at member: URL) async throws {
        let response = try await send("DELETE", "/api/v2/silence/\(Self.escaped(id))", to: member)
        _ = try checked(response, from: member, doing: "expire silence \(id)")
    }

    private static func escaped(_ id: String) -> String {
        id.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(CharacterSet(charactersIn: "/")))
            ?? id
    }
}
