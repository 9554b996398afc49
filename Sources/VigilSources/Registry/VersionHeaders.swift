import Foundation
import Synchronization

/// A transport that passes every request on and keeps the version a server states in a header
/// of its answers (Jenkins's `X-Jenkins`, GitHub Enterprise Server's
/// `X-GitHub-Enterprise-Version`), for `check-config --online`'s version column when the kind's
/// check does not read one itself.
final class VersionHeaders: HTTPTransport {
    /// The headers read.
    static let known = ["X-Jenkins", "X-GitHub-Enterprise-Version"]

    let base: any HTTPTransport
    private let seen = Mutex<String?>(nil)

    init(_ base: any HTTPTransport) { self.base = base }

    /// The version the last answer that stated one gave, e.g. "2.479.1" (at most 40 characters).
    var version: String? { seen.withLock { $0 } }

    func send(_ request: HTTPRequest, maxBodyBytes: Int) async throws -> HTTPResponse {
        keep(try await base.send(request, maxBodyBytes: maxBodyBytes))
    }

    func stream(_ request: HTTPRequest, maxBodyBytes: Int, to sink: any HTTPBodySink) async throws -> HTTPResponse {
        keep(try await base.stream(request, maxBodyBytes: maxBodyBytes, to: sink))
    }

    private func keep(_ response: HTTPResponse) -> HTTPResponse {
        for header in Self.known {
            if let value = response.header(header)?.trimmingCharacters(in: .whitespaces), !value.isEmpty {
                let text = String(value.prefix(40))
                seen.withLock { $0 = text }
            }
        }
        return response
    }
}
