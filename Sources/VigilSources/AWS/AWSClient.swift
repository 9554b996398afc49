import Foundation
import Synchronization
import VigilCore

/// Where an AWS service answers: `AWS_ENDPOINT_URL_<SERVICE>` or `AWS_ENDPOINT_URL` (the
/// variables the AWS SDKs and CLI honour, e.g. for an emulator), else its regional endpoint.
enum AWSEndpoints {
    /// The endpoint prefix of each service id Vigil calls.
    static let prefixes = ["cloudwatch": "monitoring", "sts": "sts", "codedeploy": "codedeploy",
                           "codepipeline": "codepipeline", "monitoring": "monitoring"]

    static func url(service: String, region: String, environment: [String: String]) -> URL {
        let key = "AWS_ENDPOINT_URL_" + service.uppercased().replacingOccurrences(of: "-", with: "_")
        if let text = environment[key] ?? environment["AWS_ENDPOINT_URL"], let url = URL(string: text), !text.isEmpty {
            return url
        }
        let prefix = prefixes[service] ?? service
        let suffix = region.hasPrefix("cn-") ? "amazonaws.com.cn" : "amazonaws.com"
        return URL(string: "https://\(prefix).\(region).\(suffix)")!
    }
}

/// A timestamp of an AWS JSON answer: epoch seconds, as AWS's JSON protocols send them, or an
/// ISO 8601 text, as some emulators (moto's CodePipeline) do. A value out of any plausible range
/// (0 … 1e11 s) reads as none.
struct AWSTime: Decodable, Sendable {
    var seconds: Double?

    init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if let n = try? c.decode(Double.self) {
            seconds = (0...1e11).contains(n) ? n : nil
        } else if let text = try? c.decode(String.self), let date = ISO8601Timestamp.parse(text) {
            seconds = date.timeIntervalSince1970
        } else {
            seconds = nil
        }
    }

    var date: Date? { seconds.map { Date(timeIntervalSince1970: $0) } }
}

/// Signed calls to AWS's JSON and query protocols, and what their errors mean in words.
struct AWSClient: Sendable {
    let transport: any HTTPTransport
    let timeout: Duration
    static let maxBytes = 32 << 20

    /// POSTs `body` to `endpoint`, signed for `region` and `service`; the body of a 2xx answer.
    func send(endpoint: URL, region: String, service: String, credentials: AWSCredentials, contentType: String,
              target: String?, body: Data, now: Date, doing what: String) async throws -> Data {
        var host = endpoint.host ?? ""
        if let port = endpoint.port { host += ":\(port)" }
        var headers: [(name: String, value: String)] = [("Host", host), ("Content-Type", contentType)]
        if let target { headers.append(("X-Amz-Target", target)) }
        let path = endpoint.path.isEmpty ? "/" : endpoint.path
        let signed = SigV4.sign(method: "POST", path: path, query: "", headers: headers, body: body,
                                credentials: credentials, region: region, service: service, date: now)
        let request = HTTPRequest(method: "POST", url: endpoint, headers: signed.headers.filter { $0.name != "Host" },
                                  body: body, timeout: timeout)
        let response: HTTPResponse
        do {
            response = try await transport.send(request, maxBodyBytes: Self.maxBytes)
        } catch let error as SourceError {
            throw error.prefixed("AWS \(service) \(region): ")
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            throw SourceError(.unreachable, "AWS \(service) \(region): \(error)")
        }
        guard !(200..<300).contains(response.status) else { return response.body }
        throw Self.refusal(response, service: service, region: region, credentials: credentials, doing: what, now: now)
    }

    /// An error answer's code and message (JSON `__type`/`message`, or query XML `Code`/`Message`).
    static func code(of response: HTTPResponse) -> (code: String, message: String) {
        var code = response.header("x-amzn-ErrorType")?.split(separator: ":").first.map(String.init) ?? ""
        var message = ""
        if let object = try? JSONSerialization.jsonObject(with: response.body) as? [String: Any] {
            if let t = object["__type"] as? String { code = t }
            message = (object["message"] as? String) ?? (object["Message"] as? String) ?? ""
        } else {
            let text = String(decoding: response.body.prefix(4_096), as: UTF8.self)
            func tag(_ t: String) -> String? {
                guard let a = text.range(of: "<\(t)>"), let b = text.range(of: "</\(t)>", range: a.upperBound..<text.endIndex)
                else { return nil }
                return String(text[a.upperBound..<b.lowerBound])
            }
            code = tag("Code") ?? code
            message = tag("Message") ?? ""
        }
        if let hash = code.lastIndex(of: "#") { code = String(code[code.index(after: hash)...]) }
        return (code, String(message.prefix(200)))
    }

    static func refusal(_ response: HTTPResponse, service: String, region: String, credentials: AWSCredentials,
                        doing what: String, now: Date) -> SourceError {
        let (code, message) = code(of: response)
        let said = message.isEmpty ? "" : ": \(message)"
        let head = "AWS \(service) \(region)"
        switch code {
        case "ThrottlingException", "Throttling", "TooManyRequestsException", "RequestLimitExceeded",
             "ProvisionedThroughputExceededException":
            return SourceError(.rateLimited(until: nil), "\(head): throttled (\(code)) while trying to \(what); backing off")
        case "ExpiredToken", "ExpiredTokenException", "RequestExpired", "TokenRefreshRequired":
            return SourceError(.unauthorised, "\(head): the credentials from \(credentials.origin) have expired (\(code)); "
                + "renew them (aws sso login, a new session token, or restart the credential_process)")
        case "UnrecognizedClientException", "InvalidClientTokenId", "SignatureDoesNotMatch", "IncompleteSignature",
             "MissingAuthenticationToken", "InvalidSignatureException", "AuthFailure":
            return SourceError(.unauthorised, "\(head) refused the credentials from \(credentials.origin) (\(code))\(said); "
                + "check the access key and secret")
        case "AccessDenied", "AccessDeniedException", "UnauthorizedOperation":
            return SourceError(.forbidden, "\(head): the credentials from \(credentials.origin) may not \(what) "
                + "(\(code))\(said); allow it in the IAM policy")
        default:
            if response.status == 429 {
                return SourceError(.rateLimited(until: nil), "\(head): throttled (HTTP 429) while trying to \(what)")
            }
            let kind = (400..<500).contains(response.status) ? SourceError.Kind.rejected
                : SourceError.kind(ofStatus: response.status, retryAfter: response.retryAfter(now: now), now: now)
            return SourceError(kind, "\(head): HTTP \(response.status)" + (code.isEmpty ? "" : " \(code)") + "\(said) "
                + "while trying to \(what)")
        }
    }
}

/// Calls a minute, at most, per region: AWS throttles per account and region, and a dashboard
/// must not use up what the team's own tools need.
final class CallBudget: Sendable {
    let perMinute: Int
    private let calls = Mutex<[String: [Date]]>([:])

    init(perMinute: Int) { self.perMinute = perMinute }

    /// Takes one call from the region's minute; false when it is spent.
    func take(_ region: String, now: Date) -> Bool {
        calls.withLock { b in
            var recent = (b[region] ?? []).filter { now.timeIntervalSince($0) < 60 }
            defer { b[region] = recent }
            guard recent.count < perMinute else { return false }
            recent.append(now)
            return true
        }
    }
}

/// What every AWS source shares: its credentials (the CLI's chain), its client, how one of its
/// service's operations is called (within the calls a minute it may make in a region), and reading
/// each region in turn with a failing region named on the panel while the others still count.
struct AWSService: Sendable {
    let chain: AWSCredentialChain
    let client: AWSClient
    let environment: [String: String]
    let endpointURL: URL?
    /// The endpoint id and signing name ("monitoring", "codedeploy"…).
    let service: String
    /// The `X-Amz-Target` prefix ("GraniteServiceVersion20100801").
    let targetPrefix: String
    /// `application/x-amz-json-1.0` or `-1.1`.
    let contentType: String
    /// The calls a minute it may make per region.
    let budget: CallBudget

    init(service: String, targetPrefix: String, json: String, profile: String?, endpointURL: URL?, timeout: Duration,
         callsPerMinute: Int, transport: any HTTPTransport, environment: [String: String], chain: AWSCredentialChain? = nil) {
        self.service = service; self.targetPrefix = targetPrefix; self.contentType = "application/x-amz-json-\(json)"
        budget = CallBudget(perMinute: callsPerMinute)
        self.endpointURL = endpointURL; self.environment = environment
        self.chain = chain ?? AWSCredentialChain(profile: profile, environment: environment, transport: transport)
        client = AWSClient(transport: transport, timeout: timeout)
    }

    /// One operation, signed; the answer's body. Refused without a call when the region's calls
    /// a minute are spent.
    func call(_ operation: String, _ body: [String: Any], region: String, credentials: AWSCredentials,
              now: Date) async throws -> Data {
        let name = service == "monitoring" ? "cloudwatch" : service
        guard budget.take(region, now: now) else {
            throw SourceError(.rateLimited(until: now.addingTimeInterval(60)), "AWS \(name) \(region): \(budget.perMinute) "
                + "calls a minute spent (calls_per_minute:); reading again in a minute")
        }
        let endpoint = endpointURL ?? AWSEndpoints.url(service: service, region: region, environment: environment)
        return try await client.send(endpoint: endpoint, region: region, service: service, credentials: credentials,
                                     contentType: contentType, target: "\(targetPrefix).\(operation)",
                                     body: try JSONSerialization.data(withJSONObject: body), now: now,
                                     doing: "call \(name):\(operation)")
    }

    /// `read` for each region with the current credentials; a region that fails is a warning on
    /// `panel` (refused credentials are dropped so the next poll finds them again), and only when
    /// every region failed is the poll a failure.
    func eachRegion<T>(_ regions: [String], panel: PanelID, now: Date, warnings: inout [SourceWarning],
                       _ read: (String, AWSCredentials) async throws -> [T]) async throws -> [T] {
        let credentials = try await chain.credentials(now: now)
        var out: [T] = [], firstError: SourceError?, answered = 0
        for region in regions {
            do {
                out += try await read(region, credentials)
                answered += 1
            } catch let error as SourceError {
                if case .unauthorised = error.kind { chain.forget() }
                firstError = firstError ?? error
                warnings.append(SourceWarning(panel: panel, message: "\(region): \(error.message)"))
            }
        }
        if answered == 0, let firstError { throw firstError }
        return out
    }
}
