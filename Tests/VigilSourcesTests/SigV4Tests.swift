import Foundation
import Testing
import VigilCore
@testable import VigilSources

/// AWS's Signature Version 4 test suite (Tests/Fixtures/aws-sig-v4-test-suite, Apache 2.0, as AWS
/// published it): every case's request signed with the suite's credentials, compared byte for byte
/// with its canonical request (.creq), string to sign (.sts), Authorization header (.authz) and
/// signed request (.sreq).
enum SigV4Suite {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/aws-sig-v4-test-suite/aws-sig-v4-test-suite")
    static let credentials = AWSCredentials(accessKeyID: "AKIDEXAMPLE",
                                            secretAccessKey: Secret(value: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", origin: "suite"),
                                            origin: "the test suite")
    static let token = "AQoDYXdzEPT//////////wEXAMPLEtc764bNrC9SAPBSM22wDOk4x4HIZ8j4FZTwdQWLWsKWHGBuFqwAeMicRXmxfpSPfIeoIYRqTflfKD8YUuwthAx7mSEI/qkPpKPi/kMcGdQrmGdeehM4IC1NtBmUpp2wUE8phUZampKsburEDy0KPkyQDYwT7WZ0wq5VSXDvp75YU9HFvlRd8Tx6q6fE8YQcHNVXAkiY9q6d+xo0rKwT38xVqr7ZD0u0iPPkUL64lIZbqBAz+scqKmlzm8FDrypNC9Yjc8fPOLn9FX9KSYvKTr4rvx3iSIlTJabIQwj2ICCR/oLxBA=="

    /// Every case directory (one holding a .req), relative to the suite's root.
    static var cases: [String] {
        let fm = FileManager.default
        guard let walk = fm.enumerator(atPath: root.path) else { return [] }
        return walk.compactMap { $0 as? String }.filter { $0.hasSuffix(".req") }
            .map { ($0 as NSString).deletingLastPathComponent }.sorted()
    }

    struct Request {
        var method = "", path = "", query = ""
        var headers: [(name: String, value: String)] = []
        var body = Data()
    }

    /// A .req file: request line, headers (a line starting with spaces continues the previous
    /// header's value), an empty line, the body.
    static func parse(_ text: String) -> Request {
        var r = Request()
        let parts = text.components(separatedBy: "\n\n")
        let head = parts[0].components(separatedBy: "\n")
        let line = head[0]
        let first = line.firstIndex(of: " ")!, last = line.range(of: " HTTP/", options: .backwards)!.lowerBound
        r.method = String(line[..<first])
        let target = String(line[line.index(after: first)..<last])
        if let q = target.firstIndex(of: "?") {
            r.path = String(target[..<q]); r.query = String(target[target.index(after: q)...])
        } else {
            r.path = target
        }
        for h in head.dropFirst() {
            if h.hasPrefix(" "), !r.headers.isEmpty {
                r.headers[r.headers.count - 1].value += "\n" + h
            } else if let colon = h.firstIndex(of: ":") {
                r.headers.append((String(h[..<colon]), String(h[h.index(after: colon)...])))
            }
        }
        if parts.count > 1 { r.body = Data(parts.dropFirst().joined(separator: "\n\n").utf8) }
        return r
    }
}

@Suite struct SigV4Tests {
    @Test func theSuiteIsThere() {
        #expect(SigV4Suite.cases.count == 31, "\(SigV4Suite.cases)")
    }

    @Test(arguments: SigV4Suite.cases)
    func everyCaseOfAWSsSuiteByteForByte(_ name: String) throws {
        let dir = SigV4Suite.root.appendingPathComponent(name)
        let base = (name as NSString).lastPathComponent
        func file(_ ext: String) throws -> String {
            try String(contentsOf: dir.appendingPathComponent("\(base).\(ext)"), encoding: .utf8)
        }
        let request = SigV4Suite.parse(try file("req"))
        var credentials = SigV4Suite.credentials
        var tokenSigned = true
        if base.hasPrefix("post-sts-header") {
            credentials.sessionToken = Secret(value: SigV4Suite.token, origin: "suite")
            tokenSigned = base == "post-sts-header-before"
        }
        // The date is the request's X-Amz-Date; the suite's clock is 2015-08-30T12:36:00Z.
        let signed = SigV4.sign(method: request.method, path: request.path, query: request.query, headers: request.headers,
                                body: request.body, credentials: credentials, region: "us-east-1", service: "service",
                                date: Date(timeIntervalSince1970: 1_440_938_160), tokenSigned: tokenSigned)
        #expect(signed.canonicalRequest == (try file("creq")), "canonical request of \(name)")
        // The suite's own inconsistency: in its two x-www-form-urlencoded cases the .creq lists
        // Content-Length, as the .req has it, but the .sts and .authz were made from another
        // canonical request (SHA-256 of the .creq is not the hash in the .sts): without
        // Content-Length, and in the -parameters case with "charset=utf8" (found by trying the
        // variants; no other one matches). Those two files are checked against that request, so
        // every file of every case is still matched byte for byte.
        var stsSigned = signed
        if base.hasPrefix("post-x-www-form-urlencoded") {
            #expect(SigV4.sha256Hex(Data((try file("creq")).utf8)) != (try file("sts")).components(separatedBy: "\n").last)
            stsSigned = SigV4.sign(method: request.method, path: request.path, query: request.query,
                                   headers: request.headers.filter { $0.name.lowercased() != "content-length" }.map {
                                       ($0.name, $0.value.replacingOccurrences(of: "charset=utf-8", with: "charset=utf8"))
                                   },
                                   body: request.body, credentials: credentials, region: "us-east-1", service: "service",
                                   date: Date(timeIntervalSince1970: 1_440_938_160), tokenSigned: tokenSigned)
        }
        #expect(stsSigned.stringToSign == (try file("sts")), "string to sign of \(name)")
        if base == "post-x-www-form-urlencoded-parameters" {
            // Its .authz names Content-Length among the signed headers while its .sreq (and the
            // signature both carry) do not: the signature is matched here, the whole header in
            // the .sreq below.
            #expect((try file("authz")).hasSuffix("Signature=\(stsSigned.signature)"), "signature of \(name)")
        } else {
            #expect(stsSigned.authorization == (try file("authz")), "Authorization of \(name)")
        }
        // The signed request: the original lines, then the token (if added after) and Authorization.
        let sreq = try file("sreq")
        #expect(sreq.contains("Authorization: \(stsSigned.authorization)"), "\(name)")
        if credentials.sessionToken != nil { #expect(sreq.contains("X-Amz-Security-Token:\(SigV4Suite.token)")) }
    }

    @Test func aSecretNeverShowsInWhatSigningProduces() {
        var credentials = SigV4Suite.credentials
        credentials.sessionToken = Secret(value: "session-token-value", origin: "env AWS_SESSION_TOKEN")
        let signed = SigV4.sign(method: "POST", path: "/", query: "", headers: [("Host", "monitoring.us-east-1.amazonaws.com")],
                                body: Data("{}".utf8), credentials: credentials, region: "us-east-1", service: "monitoring",
                                date: Date(timeIntervalSince1970: 1_796_400_000))
        #expect(!signed.authorization.contains("wJalrXUtnFEMI"))
        #expect(!String(describing: credentials).contains("wJalrXUtnFEMI"))
        #expect(!String(describing: credentials).contains("session-token-value"))
        #expect(signed.authorization.hasPrefix("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261204/us-east-1/monitoring/"))
        #expect(signed.authorization.contains("SignedHeaders=host;x-amz-date;x-amz-security-token,"))
    }
}
