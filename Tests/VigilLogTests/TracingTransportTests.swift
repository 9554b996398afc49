import Foundation
import Logging
import Testing
import VigilCore
import VigilLog
@testable import VigilSources
import VigilTestSupport

/// At `trace`, every request of a source is a line: method, URL, status, duration, sizes, the
/// rate-limit headers and the start of an error's body, with no secret in it, whether the
/// secret was sent in a header, in the query, or echoed back by the server.
@Suite struct TracingTransportTests {
    static func logger(_ path: String, level: Logger.Level = .trace) throws -> Logger {
        let file = try LogFile(path: path)
        var logger = Logger(label: "vigil.http") { label in FileLogHandler(label: label, file: file, level: level) }
        logger[metadataKey: "source"] = "gh"
        return logger
    }

    @Test func aRequestIsOneRedactedLineWithWhatHappened() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-trace-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let token = Secret(value: "ghp_\(UUID().uuidString.prefix(12))", origin: "test").value
        let server = try CannedHTTPServer(status: 429, headers: [("Retry-After", "30"), ("X-RateLimit-Remaining", "0"),
                                                                  ("X-RateLimit-Reset", "1765000000")],
                                          body: Array(#"{"message":"API rate limit exceeded for token \#(token)"}"#.utf8))
        defer { server.stop() }
        let transport = TracingTransport(AsyncHTTPTransport.shared, logger: try Self.logger(dir + "/vigil.log"))
        let url = HTTPRequest.url(server.url, "/repos/o/r/actions/runs", [("per_page", "100"), ("access_token", "qs-secret-1")])
        let response = try await transport.send(HTTPRequest(url: url, headers: [("Authorization", "Bearer \(token)")]),
                                                maxBodyBytes: 1 << 20)
        #expect(response.status == 429)
        let text = try String(contentsOfFile: dir + "/vigil.log", encoding: .utf8)
        #expect(!text.contains(token) && !text.contains("qs-secret-1"))
        let line = try #require(text.split(separator: "\n").first.map(String.init))
        #expect(line.contains("trace vigil.http: HTTP GET 429"))
        for part in ["method=GET", "status=429", "retry-after=30", "x-ratelimit-remaining=0", "source=gh", "sent_bytes=0",
                     "per_page=100", "access_token=[redacted]", "API rate limit exceeded for token [redacted]"] {
            #expect(line.contains(part), "\(part) in \(line)")
        }
        #expect(line.contains(#/duration_ms=\d+/#) && line.contains(#/received_bytes=\d+/#))
    }

    @Test func aRequestWithNoAnswerSaysWhyAndBelowTraceNothingIsWritten() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-trace-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let closed = try SilentListener()
        let port = closed.url.port ?? 9
        closed.close()
        let url = URL(string: "http://127.0.0.1:\(port)/api/v2/alerts")!
        let quiet = TracingTransport(AsyncHTTPTransport.shared, logger: try Self.logger(dir + "/quiet.log", level: .debug))
        _ = try? await quiet.send(HTTPRequest(url: url, timeout: .seconds(2)), maxBodyBytes: 1 << 20)
        #expect(((try? String(contentsOfFile: dir + "/quiet.log", encoding: .utf8)) ?? "").isEmpty)
        let traced = TracingTransport(AsyncHTTPTransport.shared, logger: try Self.logger(dir + "/vigil.log"))
        await #expect(throws: (any Error).self) {
            _ = try await traced.send(HTTPRequest(url: url, timeout: .seconds(2)), maxBodyBytes: 1 << 20)
        }
        let text = try String(contentsOfFile: dir + "/vigil.log", encoding: .utf8)
        #expect(text.contains("HTTP GET failed") && text.contains("url=http://127.0.0.1:\(port)/api/v2/alerts"))
        #expect(text.contains("error="))
    }
}
