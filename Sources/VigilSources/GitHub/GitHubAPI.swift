import Foundation
import Synchronization
import VigilCore

/// The GitHub REST API calls Vigil makes, as GitHub documents them: `Accept:
/// application/vnd.github+json`, `X-GitHub-Api-Version: 2022-11-28`, `Authorization: Bearer`,
/// pages followed through the `link` header.
///
/// Every GET is conditional: the `ETag` of each URL's last answer is sent back as
/// `If-None-Match`, and a 304 (which GitHub does not charge against the quota) reuses what that
/// answer held, already decoded. Every answer's `x-ratelimit-*` headers are kept: no request is
/// sent while the quota is spent and its window has not reset, and a 403 or 429 from the primary
/// or a secondary limit waits for the reset or the `retry-after` GitHub gives.
final class GitHubAPI: Sendable {
    let transport: any HTTPTransport
    let base: URL
    let token: Secret?
    let timeout: Duration

    /// What an answer held, kept for its ETag.
    private struct Cached: @unchecked Sendable {
        var etag: String
        var value: Any
        var next: URL?
        var usedAt: Date
    }

    private let cache = Mutex<[URL: Cached]>([:])
    private let quotaState = Mutex<RateQuota?>(nil)
    private let counts = Mutex<(sent: Int, notModified: Int)>((0, 0))

    static let pageBytes = 32 << 20

    init(transport: any HTTPTransport, base: URL, token: Secret?, timeout: Duration) {
        self.transport = transport; self.base = base; self.token = token; self.timeout = timeout
    }

    /// The core quota as of the last answer.
    var quota: RateQuota? { quotaState.withLock { $0 } }

    /// Requests sent, and how many of them were answered 304.
    var requestCounts: (sent: Int, notModified: Int) { counts.withLock { $0 } }

    /// `base` + `path` + the query (values percent-encoded).
    func url(_ path: String, _ query: [(String, String)] = []) -> URL { HTTPRequest.url(base, path, query) }

    /// One GET, conditional on the URL's last ETag: the decoded answer, the next page's URL, and
    /// whether it was new (false: a 304, the kept value).
    func get<T: Sendable>(_ url: URL, now: Date, doing what: String,
                          decode: (Data) throws(SourceError) -> T) async throws -> (value: T, next: URL?, fresh: Bool) {
        if let q = quota, q.remaining <= 0, q.resetAt > now {
            let wait = Int(q.resetAt.timeIntervalSince(now).rounded(.up))
            throw SourceError(.rateLimited(until: q.resetAt), "GitHub: the token's quota of \(q.limit) requests an hour "
                + "is spent; waiting \(wait)s for it to reset", retryAfter: .seconds(Int64(wait)))
        }
        var headers: [(name: String, value: String)] = [
            ("Accept", "application/vnd.github+json"), ("X-GitHub-Api-Version", "2022-11-28"), ("User-Agent", "vigil"),
        ]
        if let token { headers.append(("Authorization", "Bearer \(token.value)")) }
        let kept = cache.withLock { $0[url] }
        if let kept { headers.append(("If-None-Match", kept.etag)) }
        let response: HTTPResponse
        do {
            response = try await transport.send(HTTPRequest(url: url, headers: headers, timeout: timeout),
                                                maxBodyBytes: Self.pageBytes)
        } catch let error as SourceError {
            throw error.prefixed("GitHub: ")
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            throw SourceError(.unreachable, "GitHub: \(error)")
        }
        counts.withLock { $0.sent += 1; if response.status == 304 { $0.notModified += 1 } }
        record(response)
        if response.status == 304, let kept, let value = kept.value as? T {
            cache.withLock { $0[url]?.usedAt = now }
            return (value, kept.next, false)
        }
        guard (200..<300).contains(response.status) else { throw refusal(response, doing: what, now: now) }
        let value = try decode(response.body)
        let next = response.header("link").flatMap(Self.nextLink)
        if let etag = response.header("etag"), !etag.isEmpty {
            cache.withLock { $0[url] = Cached(etag: etag, value: value, next: next, usedAt: now) }
        }
        return (value, next, true)
    }

    /// Forgets answers not used since `before` (their URLs name days now out of the window).
    func prune(before: Date) {
        cache.withLock { c in c = c.filter { $0.value.usedAt >= before } }
    }

    /// Keeps the `x-ratelimit-*` headers of an answer (the core resource's; a 304 carries them too).
    func record(_ response: HTTPResponse) {
        func int(_ name: String) -> Int? { response.header(name).flatMap { Int($0.trimmingCharacters(in: .whitespaces)) } }
        guard let limit = int("x-ratelimit-limit"), let remaining = int("x-ratelimit-remaining"),
              let reset = int("x-ratelimit-reset") else { return }
        if let resource = response.header("x-ratelimit-resource"), resource != "core" { return }
        quotaState.withLock { $0 = RateQuota(limit: limit, remaining: remaining,
                                             resetAt: Date(timeIntervalSince1970: TimeInterval(reset))) }
    }

    /// The `rel="next"` URL of a `link` header (RFC 8288).
    static func nextLink(_ header: String) -> URL? {
        for part in header.split(separator: ",") {
            let fields = part.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
            guard let target = fields.first, target.hasPrefix("<"), target.hasSuffix(">"),
                  fields.dropFirst().contains(where: { $0.replacingOccurrences(of: " ", with: "") == "rel=\"next\"" })
            else { continue }
            return URL(string: String(target.dropFirst().dropLast()))
        }
        return nil
    }

    /// What a non-2xx answer means, in words: which token, what to do.
    func refusal(_ response: HTTPResponse, doing what: String, now: Date) -> SourceError {
        let said = Self.message(response.body).map { " (\($0))" } ?? ""
        let origin = token?.origin ?? "none (no token: 60 requests an hour)"
        let remaining = response.header("x-ratelimit-remaining").flatMap { Int($0.trimmingCharacters(in: .whitespaces)) }
        if response.status == 403 || response.status == 429 {
            if let wait = response.header("retry-after").flatMap({ Int($0.trimmingCharacters(in: .whitespaces)) }) {
                let until = now.addingTimeInterval(TimeInterval(max(wait, 1)))
                return SourceError(.rateLimited(until: until), "GitHub: secondary rate limit (\(response.status)) while "
                    + "trying to \(what)\(said); waiting \(max(wait, 1))s as GitHub asks", retryAfter: .seconds(Int64(max(wait, 1))))
            }
            if remaining == 0 || response.status == 429 {
                let reset = quota?.resetAt ?? now.addingTimeInterval(60)
                let wait = max(1, Int(reset.timeIntervalSince(now).rounded(.up)))
                return SourceError(.rateLimited(until: reset), "GitHub: rate limited (\(response.status)) while trying to "
                    + "\(what); the token's quota resets in \(wait)s", retryAfter: .seconds(Int64(wait)))
            }
            return SourceError(.forbidden, "GitHub: the token from \(origin) may not \(what) (403)\(said); a fine-grained "
                + "token needs the repository's \"Actions: read\" permission, a classic token the repo scope")
        }
        switch response.status {
        case 401:
            return SourceError(.unauthorised, "GitHub refused the token from \(origin) (401)\(said); make a new token "
                + "and check that it has not expired")
        case 404:
            return SourceError(.rejected, "GitHub: not found while trying to \(what)\(said); check the name, and that "
                + "the token from \(origin) can see it (GitHub answers 404 for a private repository it may not read)")
        default:
            return SourceError(SourceError.kind(ofStatus: response.status), "GitHub: HTTP \(response.status) while "
                + "trying to \(what)\(said)")
        }
    }

    /// GitHub's error `message`, if the body has one.
    static func message(_ body: Data) -> String? {
        struct Error: Decodable { var message: String? }
        guard let text = (try? JSONDecoder().decode(Error.self, from: body))?.message, !text.isEmpty else { return nil }
        return String(text.prefix(200))
    }
}
