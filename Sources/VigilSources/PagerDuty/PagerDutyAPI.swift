import Foundation
import Synchronization
import VigilCore

/// The PagerDuty REST API v2 calls Vigil makes, as the API document requires them: the
/// `Accept: application/vnd.pagerduty+json;version=2` and `Content-Type: application/json`
/// headers on every request, `Authorization: Token token=…`, `From` on every write, classic
/// pagination (`limit` ≤ 100, `offset`, `more`, and never `offset + limit` over 10,000).
///
/// Every answer's `ratelimit-limit`, `ratelimit-remaining` and `ratelimit-reset` are kept: a
/// request is not sent while the quota is spent and the window has not reset (it would be
/// refused, and count against everyone sharing the key), and a 429 waits for the reset.
final class PagerDutyAPI: Sendable {
    let transport: any HTTPTransport
    let base: URL
    let key: Secret
    let from: String?
    let timeout: Duration
    private let quotaState = Mutex<RateQuota?>(nil)

    static let accept = "application/vnd.pagerduty+json;version=2"
    /// The most a list page may hold.
    static let pageLimit = 100
    /// PagerDuty answers no page whose `offset + limit` is over this.
    static let window = 10_000
    /// Largest list page accepted (100 incidents are about 300 KB).
    static let pageBytes = 16 << 20
    /// Largest single-object answer accepted.
    static let itemBytes = 2 << 20

    init(transport: any HTTPTransport, base: URL, key: Secret, from: String?, timeout: Duration) {
        self.transport = transport; self.base = base; self.key = key; self.from = from; self.timeout = timeout
    }

    /// The quota as of the last answer.
    var quota: RateQuota? { quotaState.withLock { $0 } }

    /// `base` + `path` + the query, with PagerDuty's `name[]` array parameters as they are.
    func url(_ path: String, _ query: [(String, String)]) -> URL { HTTPRequest.url(base, path, query) }

    /// Sends one request and returns the body of a 2xx answer; otherwise a `SourceError` in
    /// words an engineer can act on, carrying PagerDuty's own message.
    func send(_ method: String, _ path: String, query: [(String, String)] = [], body: Data? = nil, limit: Int,
              now: Date, doing what: String) async throws -> Data {
        if let q = quota, q.remaining <= 0, q.resetAt > now {
            let wait = q.resetAt.timeIntervalSince(now)
            throw SourceError(.rateLimited(until: q.resetAt), "PagerDuty: the API key's quota of \(q.limit) requests a "
                + "minute is spent (shared with everyone using the key); waiting \(Int(wait.rounded(.up)))s for it to reset",
                retryAfter: .seconds(Int64(wait.rounded(.up))))
        }
        var headers: [(name: String, value: String)] = [
            ("Accept", Self.accept), ("Content-Type", "application/json"), ("Authorization", "Token token=\(key.value)"),
        ]
        if method != "GET" {
            guard let from else {
                throw SourceError(.rejected, "PagerDuty needs your login e-mail to \(what): add from: you@example.com "
                    + "to the PagerDuty source in the config")
            }
            headers.append(("From", from))
        }
        let request = HTTPRequest(method: method, url: url(path, query), headers: headers, body: body, timeout: timeout)
        let response: HTTPResponse
        do {
            response = try await transport.send(request, maxBodyBytes: limit)
        } catch let error as SourceError {
            throw error.prefixed("PagerDuty: ")
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            throw SourceError(.unreachable, "PagerDuty: \(error)")
        }
        record(response, now: now)
        guard !(200..<300).contains(response.status) else { return response.body }
        throw refusal(response, doing: what, now: now)
    }

    /// Keeps the `ratelimit-*` headers of an answer.
    func record(_ response: HTTPResponse, now: Date) {
        guard let limit = response.header("ratelimit-limit").flatMap({ Int($0.trimmingCharacters(in: .whitespaces)) }),
              let remaining = response.header("ratelimit-remaining").flatMap({ Int($0.trimmingCharacters(in: .whitespaces)) })
        else { return }
        let reset = response.header("ratelimit-reset").flatMap { Double($0.trimmingCharacters(in: .whitespaces)) } ?? 60
        let quota = RateQuota(limit: limit, remaining: remaining, resetAt: now.addingTimeInterval(min(max(reset, 0), 3_600)))
        quotaState.withLock { $0 = quota }
    }

    /// What a non-2xx answer means, in words: which key, which setting, what to do.
    func refusal(_ response: HTTPResponse, doing what: String, now: Date) -> SourceError {
        let said = PagerDutyDecoder.errorMessage(from: response.body)
            ?? String(decoding: response.body.prefix(200), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        let texts = PagerDutyDecoder.errorDetails(from: response.body).texts.joined(separator: " ").lowercased()
        let tail = said.isEmpty ? "" : " (\(said))"
        switch response.status {
        case 401:
            return SourceError(.unauthorised, "PagerDuty refused the API key from \(key.origin) (401)\(tail); check that "
                + "it is a current REST API key of this account")
        case 403:
            return SourceError(.forbidden, "PagerDuty: the API key from \(key.origin) may not \(what) (403)\(tail); "
                + "a read-only key can only read: use a full-access key or a user token to act")
        case 429:
            let reset = quota?.resetAt ?? response.retryAfter(now: now).map { now.addingTimeInterval($0.seconds) }
                ?? now.addingTimeInterval(60)
            let wait = max(1, Int(reset.timeIntervalSince(now).rounded(.up)))
            return SourceError(.rateLimited(until: reset), "PagerDuty: rate limited (429) while trying to \(what); the "
                + "key's quota resets in \(wait)s", retryAfter: .seconds(Int64(wait)))
        case 400, 404, 409, 422:
            if texts.contains("already resolved") {
                return SourceError(.rejected, "PagerDuty: the incident is already resolved, so it cannot \(what)")
            }
            if texts.contains("requester user not found") || texts.contains("\"from\" header") || texts.contains("from header") {
                return SourceError(.rejected, "PagerDuty: from: \(from ?? "(none)") is not a user of this account; set "
                    + "from: to the e-mail you log in to PagerDuty with")
            }
            if response.status == 404 {
                return SourceError(.rejected, "PagerDuty: not found while trying to \(what)\(tail)")
            }
            return SourceError(.rejected, "PagerDuty refused to \(what) (HTTP \(response.status))\(tail)")
        default:
            return SourceError(SourceError.kind(ofStatus: response.status), "PagerDuty: HTTP \(response.status) while "
                + "trying to \(what)\(tail)")
        }
    }

    /// Every page of a list: `decode` returns a page's items and `more`. Stops with an error,
    /// rather than looping or under-counting in silence, where PagerDuty stops answering
    /// (offset + limit over 10,000).
    func list<T>(_ path: String, query: [(String, String)], now: Date, doing what: String,
                 decode: (Data) throws(SourceError) -> (items: [T], more: Bool)) async throws -> [T] {
        var all: [T] = []
        var offset = 0
        while true {
            try Task.checkCancellation()
            guard offset + Self.pageLimit <= Self.window else {
                throw SourceError(.tooLarge, "PagerDuty lists at most \(Self.window) results per query and \(what) has "
                    + "more; narrow the source with services: or teams:, or shorten history:")
            }
            let page = query + [("limit", String(Self.pageLimit)), ("offset", String(offset))]
            let data = try await send("GET", path, query: page, limit: Self.pageBytes, now: now, doing: what)
            let (items, more) = try decode(data)
            all += items
            guard more, !items.isEmpty else { return all }
            offset += Self.pageLimit
        }
    }
}
