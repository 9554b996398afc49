import Foundation
import Testing
import VigilCore
import VigilSources
import VigilTestSupport

/// Runs `body` beside a plain `Task.sleep(for: expected)` and returns its result and how much
/// longer it took than that sleep: the delay the code under test adds beyond `expected`, without
/// the test process' own scheduling delays (other suites run in parallel, on as few as 2 cores,
/// and a busy cooperative pool wakes every task late by the same amount).
func overrun<T: Sendable>(beyond expected: Duration, _ body: @Sendable () async -> T) async -> (T, Duration) {
    let clock = ContinuousClock()
    async let control: Duration = {
        let started = clock.now
        try? await Task.sleep(for: expected)
        return clock.now - started
    }()
    let started = clock.now
    let result = await body()
    let elapsed = clock.now - started
    return (result, elapsed - (await control))
}

/// Runs `body` and returns the message of the `SourceError` it threw (recording an issue if it
/// returned or threw something else).
func transportFailure(_ body: () async throws -> HTTPResponse) async -> String? {
    await transportError(body)?.message
}

/// Runs `body` and returns the `SourceError` it threw (recording an issue if it returned or
/// threw something else).
func transportError(_ body: () async throws -> HTTPResponse) async -> SourceError? {
    do {
        let response = try await body()
        Issue.record("expected a SourceError, got HTTP \(response.status)")
        return nil
    } catch let error as SourceError {
        return error
    } catch {
        Issue.record("expected a SourceError, got \(type(of: error)): \(error)")
        return nil
    }
}

/// The real transport (AsyncHTTPClient) against tiny loopback servers made in the test.
@Suite("AsyncHTTPTransport", .serialized)
struct HTTPTransportTests {
    let transport = AsyncHTTPTransport.shared

    @Test("a 200 answer comes back with status, headers and body; the request carries its headers")
    func answers() async throws {
        let server = try CannedHTTPServer(status: 200, headers: [("X-Test", "yes")], body: Array("hello".utf8))
        defer { server.stop() }
        let url = try #require(URL(string: "http://127.0.0.1:\(server.port)/api/v1/query?query=up"))
        let response = try await transport.send(
            HTTPRequest(url: url, headers: [("Authorization", "Bearer s3cret")]), maxBodyBytes: 1024)
        #expect(response.status == 200)
        #expect(response.header("x-test") == "yes")
        #expect(String(decoding: response.body, as: UTF8.self) == "hello")
        let head = try #require(server.requests.first)
        #expect(head.hasPrefix("GET /api/v1/query?query=up HTTP/1.1"))
        #expect(head.contains("Authorization: Bearer s3cret"))
    }

    @Test("an error status is a response, not a thrown error")
    func errorStatus() async throws {
        let server = try CannedHTTPServer(status: 503, body: Array("overloaded".utf8))
        defer { server.stop() }
        let response = try await transport.send(HTTPRequest(url: server.url), maxBodyBytes: 1024)
        #expect(response.status == 503)
        #expect(String(decoding: response.body, as: UTF8.self) == "overloaded")
    }

    @Test("a closed port gives 'connection refused' with host and port, at once")
    func refused() async throws {
        let port = try ProcessServer.freePort()
        let url = try #require(URL(string: "http://127.0.0.1:\(port)/api/v1/query"))
        let transport = self.transport
        // No waiting for the 10 s timeout: the refusal is reported as soon as it arrives.
        let (message, late) = await overrun(beyond: .zero) {
            await transportFailure { try await transport.send(HTTPRequest(url: url), maxBodyBytes: 1024) }
        }
        #expect(message?.contains("connection refused (127.0.0.1:\(port))") == true, "\(message ?? "")")
        #expect(late < .seconds(1), "took \(late) longer than an immediate answer")
    }

    @Test("unreachable and timed out are transient (worth retrying); an oversize body is not")
    func transience() async throws {
        let port = try ProcessServer.freePort()
        let closed = try #require(URL(string: "http://127.0.0.1:\(port)/"))
        let refused = await transportError { try await transport.send(HTTPRequest(url: closed), maxBodyBytes: 1024) }
        #expect(refused?.isTransient == true, "\(refused?.message ?? "")")
        let listener = try SilentListener()
        defer { listener.close() }
        let silent = await transportError {
            try await transport.send(HTTPRequest(url: listener.url, timeout: .milliseconds(300)), maxBodyBytes: 1024)
        }
        #expect(silent?.isTransient == true, "\(silent?.message ?? "")")
        let server = try CannedHTTPServer(status: 200, body: [UInt8](repeating: 65, count: 4096))
        defer { server.stop() }
        let large = await transportError { try await transport.send(HTTPRequest(url: server.url), maxBodyBytes: 1024) }
        #expect(large?.isTransient == false, "\(large?.message ?? "")")
    }

    @Test("user info in the URL never appears in an error message")
    func noCredentialsInMessages() async throws {
        let port = try ProcessServer.freePort()
        let url = try #require(URL(string: "http://alice:hunter2@127.0.0.1:\(port)/api/v1/query?token=abc"))
        let message = await transportFailure { try await transport.send(HTTPRequest(url: url), maxBodyBytes: 1024) }
        let text = try #require(message)
        #expect(!text.contains("hunter2"))
        #expect(!text.contains("alice"))
        #expect(!text.contains("token=abc"))
        #expect(text.contains("connection refused"))
    }

    @Test("a server that never answers gives 'timed out after 1s' within the timeout + 1 s")
    func timeout() async throws {
        let listener = try SilentListener()
        defer { listener.close() }
        let transport = self.transport
        let url = listener.url
        let (message, late) = await overrun(beyond: .seconds(1)) {
            await transportFailure { try await transport.send(HTTPRequest(url: url, timeout: .seconds(1)), maxBodyBytes: 1024) }
        }
        #expect(message?.hasPrefix("timed out after 1s") == true, "\(message ?? "")")
        #expect(message?.contains("127.0.0.1:\(listener.port)") == true)
        #expect(late > .milliseconds(-100) && late < .seconds(1), "took \(late) longer than the 1 s timeout")
    }

    @Test("a declared Content-Length above the limit is refused before the body is read")
    func oversizeDeclared() async throws {
        let server = try CannedHTTPServer(status: 200, body: [UInt8](repeating: 65, count: 3 << 20))
        defer { server.stop() }
        let message = await transportFailure { try await transport.send(HTTPRequest(url: server.url), maxBodyBytes: 1 << 20) }
        #expect(message?.contains("larger than 1 MB") == true, "\(message ?? "")")
        #expect(message?.contains("(3 MB)") == true, "\(message ?? "")")
    }

    @Test("a chunked body is refused as soon as it grows past the limit")
    func oversizeStreamed() async throws {
        let server = try CannedHTTPServer(status: 200, body: [UInt8](repeating: 66, count: 3 << 20), chunked: true)
        defer { server.stop() }
        let message = await transportFailure { try await transport.send(HTTPRequest(url: server.url), maxBodyBytes: 1 << 20) }
        #expect(message?.contains("larger than 1 MB refused") == true, "\(message ?? "")")
        // The same body within the limit is accepted whole.
        let whole = try await transport.send(HTTPRequest(url: server.url), maxBodyBytes: 4 << 20)
        #expect(whole.body.count == 3 << 20)
    }

    @Test("an unknown host gives a DNS error naming the host")
    func dns() async throws {
        let url = try #require(URL(string: "http://no-such-host.invalid:9090/"))
        let message = await transportFailure {
            try await transport.send(HTTPRequest(url: url, timeout: .seconds(5)), maxBodyBytes: 1024)
        }
        #expect(message?.contains("DNS lookup of no-such-host.invalid failed") == true, "\(message ?? "")")
    }

    @Test("TLS to a plain-HTTP port is reported as a TLS error")
    func tls() async throws {
        let server = try CannedHTTPServer(status: 200, body: Array("plain".utf8))
        defer { server.stop() }
        let url = try #require(URL(string: "https://127.0.0.1:\(server.port)/"))
        let message = await transportFailure {
            try await transport.send(HTTPRequest(url: url, timeout: .seconds(5)), maxBodyBytes: 1024)
        }
        #expect(message == "TLS error talking to 127.0.0.1:\(server.port): it does not speak TLS on this port "
                + "(should the url be http://?)", "\(message ?? "")")
    }

    @Test("a transport with its own client can be shut down")
    func ownClient() async throws {
        let server = try CannedHTTPServer(status: 204, body: [])
        defer { server.stop() }
        let own = AsyncHTTPTransport(connectTimeout: .seconds(2))
        let response = try await own.send(HTTPRequest(url: server.url), maxBodyBytes: 16)
        try await own.shutdown()
        #expect(response.status == 204)
    }
}
