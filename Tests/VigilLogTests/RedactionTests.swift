import Foundation
import Testing
@testable import VigilLog

/// No secret reaches a log line: registered secrets wherever they appear, and secrets by their
/// place (credential headers, query parameters, `key=value` and JSON pairs, schemes) whatever
/// their value; what is not secret is left as it was.
@Suite struct RedactionTests {
    @Test func registeredSecretsAreReplacedWhereverTheyAppear() {
        let secret = "s3cr3t-\(UUID().uuidString)"
        Redaction.register(secret)
        let line = Redaction.line("error body: {\"message\":\"bad credentials \(secret)\"} at \(secret)/x")
        #expect(!line.contains(secret))
        #expect(line.contains("bad credentials [redacted]"))
        // Too short to search for: left (its places are still redacted).
        Redaction.register("abc")
        #expect(Redaction.line("abcdef") == "abcdef")
    }

    @Test func secretsByTheirPlace() {
        let cases: [(String, String)] = [
            ("Authorization: Bearer eyJhbGciOi.x.y", "Authorization: Bearer [redacted]"),
            ("Authorization: AWS4-HMAC-SHA256 Credential=AKIA/20261206, SignedHeaders=host, Signature=ab12",
             "Authorization: [redacted] Credential=[redacted], SignedHeaders=host, Signature=[redacted]"),
            ("sent Bearer eyJhbGciOi.x.y to api", "sent Bearer [redacted] to api"),
            ("Basic YWxpY2U6aHVudGVyMg==", "Basic [redacted]"),
            ("GET /api?token=abc123&state=firing", "GET /api?token=[redacted]&state=firing"),
            ("X-Amz-Credential=AKIAEXAMPLE/20261206/eu-west-1&X-Amz-Signature=deadbeef",
             "X-Amz-Credential=[redacted]&X-Amz-Signature=[redacted]"),
            (#"{"password":"hunter2","user":"alice"}"#, #"{"password":"[redacted]","user":"alice"}"#),
            ("api_key: k-123 service: checkout", "api_key: [redacted] service: checkout"),
            ("aws_secret_access_key=wJalrXUtnFEMI", "aws_secret_access_key=[redacted]"),
        ]
        for (input, expected) in cases {
            #expect(Redaction.line(input) == expected, "\(input)")
        }
    }

    @Test func whatIsNotSecretIsLeftAlone() {
        for text in ["poll ok source=am duration_ms=12 incidents=10000", "dedup_key=checkout-high service=checkout",
                     "url=http://127.0.0.1:9093/api/v2/alerts?active=true&silenced=false", "status=429 retry-after=30",
                     "keys=3 monkey=1"] {
            #expect(Redaction.line(text) == text)
        }
    }

    @Test func urlsLoseTheirPasswordAndSecretParameters() {
        let url = URL(string: "https://alice:hunter2@jenkins.example/job/x/api/json?tree=jobs&token=t0k3n&depth=1")!
        let shown = Redaction.url(url)
        #expect(!shown.contains("hunter2") && !shown.contains("t0k3n"))
        #expect(shown.contains("alice:") && shown.contains("tree=jobs") && shown.contains("depth=1"))
    }

    @Test func credentialHeadersAreAlwaysHidden() {
        #expect(Redaction.header("Authorization", "token ghp_abc") == "[redacted]")
        #expect(Redaction.header("X-Amz-Security-Token", "FQoGZXIvYXdz") == "[redacted]")
        #expect(Redaction.header("Cookie", "session=1") == "[redacted]")
        #expect(Redaction.header("X-RateLimit-Remaining", "4999") == "4999")
    }
}
