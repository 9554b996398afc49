import Foundation
import Testing
import VigilCore
@testable import VigilSources

/// The repository's sample-data directory, found from this file's path.
let sampleDataURL = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("sample-data")

/// Parses an ISO 8601 date in a test (crashes the test on a typo, which is what we want).
func date(_ text: String) -> Date {
    guard let value = ISO8601Timestamp.parse(text) else {
        Issue.record("bad test date \(text)")
        return .distantPast
    }
    return value
}

/// UTF-8 bytes of a JSON literal.
func json(_ text: String) -> Data { Data(text.utf8) }

/// Awaits `body` and returns the `SourceError` it threw, or nil (any other error is an issue).
func failure(_ body: () async throws -> Void) async -> SourceError? {
    do {
        try await body()
        return nil
    } catch let error as SourceError {
        return error
    } catch {
        Issue.record("expected a SourceError, got \(error)")
        return nil
    }
}

/// Runs `body` and returns the `SourceError` it threw, or nil.
func sourceError(_ body: () throws -> Void) -> SourceError? {
    do {
        try body()
        return nil
    } catch let error as SourceError {
        return error
    } catch {
        Issue.record("expected a SourceError, got \(error)")
        return nil
    }
}
