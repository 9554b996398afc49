import Crypto
import Foundation
import VigilCore

/// AWS credentials: a key pair and, for temporary credentials, a session token and when they
/// expire. The secret parts are `Secret`s, so no description, log line or error shows them.
public struct AWSCredentials: Sendable, Hashable {
    /// The access key id (not secret: it names the key, as in CloudTrail).
    public var accessKeyID: String
    /// The secret access key.
    public var secretAccessKey: Secret
    /// The session token of temporary credentials.
    public var sessionToken: Secret?
    /// When temporary credentials expire.
    public var expiration: Date?
    /// Where they came from ("env AWS_ACCESS_KEY_ID", "profile prod in ~/.aws/credentials").
    public var origin: String

    /// Creates credentials.
    public init(accessKeyID: String, secretAccessKey: Secret, sessionToken: Secret? = nil, expiration: Date? = nil,
                origin: String) {
        self.accessKeyID = accessKeyID; self.secretAccessKey = secretAccessKey; self.sessionToken = sessionToken
        self.expiration = expiration; self.origin = origin
    }
}

/// AWS Signature Version 4 (header-based), as AWS documents it and its published test suite
/// checks it byte for byte (`Tests/VigilSourcesTests/SigV4Tests.swift` runs every case):
/// the canonical request (method; the path with dot segments removed, repeated slashes collapsed
/// and each segment URI-encoded; the query sorted and encoded; the headers lower-cased, trimmed,
/// repeated spaces collapsed, folded lines and repeated headers joined with commas, sorted; the
/// signed header names; the payload's SHA-256), the string to sign, the signing key derived from
/// the secret, date, region and service, and the `Authorization` header.
public enum SigV4 {
    /// What signing produced, each step kept for the tests and for messages.
    public struct Signed: Sendable {
        public var canonicalRequest: String
        public var stringToSign: String
        public var signature: String
        public var authorization: String
        /// The headers to send: the request's, `X-Amz-Date` (and `X-Amz-Security-Token`) when they
        /// were not there, and `Authorization`.
        public var headers: [(name: String, value: String)]
    }

    /// Signs a request. `path` is the raw path, `query` the raw query (without `?`), `headers`
    /// must include `Host`; `X-Amz-Date` is added from `date` when missing, and with a session
    /// token `X-Amz-Security-Token` is added and signed (`tokenSigned: false` adds it after
    /// signing, as some services want).
    public static func sign(method: String, path: String, query: String, headers: [(name: String, value: String)],
                            body: Data, credentials: AWSCredentials, region: String, service: String, date: Date,
                            tokenSigned: Bool = true) -> Signed {
        let amzDate = timestamp(date)
        var all = headers
        if !all.contains(where: { $0.name.lowercased() == "x-amz-date" }) { all.append(("X-Amz-Date", amzDate)) }
        let stamp = all.first { $0.name.lowercased() == "x-amz-date" }?.value ?? amzDate
        let hasToken = all.contains { $0.name.lowercased() == "x-amz-security-token" }
        if let token = credentials.sessionToken, tokenSigned, !hasToken { all.append(("X-Amz-Security-Token", token.value)) }
        let (canonicalHeaders, signedHeaders) = canonical(headers: all)
        let payload = sha256Hex(body)
        let creq = [method.uppercased(), canonicalPath(path), canonicalQuery(query), canonicalHeaders, signedHeaders, payload]
            .joined(separator: "\n")
        let day = String(stamp.prefix(8))
        let scope = "\(day)/\(region)/\(service)/aws4_request"
        let sts = ["AWS4-HMAC-SHA256", stamp, scope, hex(SHA256.hash(data: Data(creq.utf8)))].joined(separator: "\n")
        var key = SymmetricKey(data: Data(("AWS4" + credentials.secretAccessKey.value).utf8))
        for part in [day, region, service, "aws4_request"] {
            key = SymmetricKey(data: Data(HMAC<SHA256>.authenticationCode(for: Data(part.utf8), using: key)))
        }
        let signature = hex(HMAC<SHA256>.authenticationCode(for: Data(sts.utf8), using: key))
        let authorization = "AWS4-HMAC-SHA256 Credential=\(credentials.accessKeyID)/\(scope), "
            + "SignedHeaders=\(signedHeaders), Signature=\(signature)"
        if let token = credentials.sessionToken, !tokenSigned, !hasToken { all.append(("X-Amz-Security-Token", token.value)) }
        all.append(("Authorization", authorization))
        return Signed(canonicalRequest: creq, stringToSign: sts, signature: signature, authorization: authorization,
                      headers: all)
    }

    /// `20150830T123600Z`.
    public static func timestamp(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        return String(format: "%04d%02d%02dT%02d%02d%02dZ", c.year ?? 1970, c.month ?? 1, c.day ?? 1, c.hour ?? 0,
                      c.minute ?? 0, c.second ?? 0)
    }

    /// RFC 3986 encoding of everything but the unreserved characters, as SigV4 wants it.
    static func encode(_ s: String) -> String {
        var out = ""
        for byte in s.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."),
                 UInt8(ascii: "~"):
                out.unicodeScalars.append(UnicodeScalar(byte))
            default:
                out += String(format: "%%%02X", byte)
            }
        }
        return out
    }

    /// The path with `.` and `..` segments removed and empty segments collapsed (every service
    /// but S3), each segment encoded; "/" for none.
    static func canonicalPath(_ raw: String) -> String {
        var segments: [String] = []
        for part in raw.split(separator: "/", omittingEmptySubsequences: true) {
            switch part {
            case ".": continue
            case "..": _ = segments.popLast()
            default: segments.append(String(part).removingPercentEncoding ?? String(part))
            }
        }
        let trailing = raw.hasSuffix("/") && !segments.isEmpty
        return "/" + segments.map(encode).joined(separator: "/") + (trailing ? "/" : "")
    }

    /// The query's parameters encoded and sorted by name, then value.
    static func canonicalQuery(_ raw: String) -> String {
        guard !raw.isEmpty else { return "" }
        let pairs = raw.split(separator: "&", omittingEmptySubsequences: true).map { item -> (String, String) in
            let kv = item.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func plain(_ s: Substring) -> String { String(s).removingPercentEncoding ?? String(s) }
            return (encode(plain(kv[0])), kv.count > 1 ? encode(plain(kv[1])) : "")
        }
        return pairs.sorted { $0.0 != $1.0 ? $0.0 < $1.0 : $0.1 < $1.1 }.map { "\($0.0)=\($0.1)" }.joined(separator: "&")
    }

    /// Canonical headers (with the final newline) and the signed header names.
    static func canonical(headers: [(name: String, value: String)]) -> (String, String) {
        var byName: [String: [String]] = [:]
        for h in headers {
            // Folded lines are joined with commas; runs of spaces become one; ends trimmed.
            let lines = h.value.split(separator: "\n", omittingEmptySubsequences: false).map { line in
                line.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
                    .trimmingCharacters(in: .whitespaces)
            }
            byName[h.name.lowercased(), default: []].append(lines.joined(separator: ","))
        }
        let names = byName.keys.sorted()
        let text = names.map { "\($0):\(byName[$0]!.joined(separator: ","))\n" }.joined()
        return (text, names.joined(separator: ";"))
    }

    /// The SHA-256 of `data` in lower-case hex.
    public static func sha256Hex(_ data: Data) -> String { hex(SHA256.hash(data: data)) }

    static func hex<D: Sequence>(_ digest: D) -> String where D.Element == UInt8 {
        digest.map { String(format: "%02x", $0) }.joined()
    }
}
