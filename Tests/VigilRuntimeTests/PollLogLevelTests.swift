import Foundation
import Testing
@testable import VigilCore
@testable import VigilRuntime

/// Which poll outcomes reach the log at which level: a lasting problem that is not a failure (a
/// query that keeps failing, a cluster member down) is a `warning` when it starts and `info`
/// when it ends, not a line at every poll, and invisible at the default level never.
@Suite struct PollLogLevelTests {
    private let ok = SourceRunner.Attempt(result: PollResult(SourceSnapshot(incidents: [])), duration: .milliseconds(5))
    private let warned = SourceRunner.Attempt(
        result: PollResult(SourceSnapshot(incidents: []), warnings: [SourceWarning(panel: .builds, message: "builds query failed")]),
        duration: .milliseconds(5))
    private let failed = SourceRunner.Attempt(error: SourceError(.refused, "connection refused"), duration: .milliseconds(5))

    @Test func failuresAndNewWarningsAreWarningsTheRestQuieter() {
        #expect(SourceRunner.level(of: failed, recovered: false, warningsChanged: false) == .warning)
        #expect(SourceRunner.level(of: warned, recovered: false, warningsChanged: true) == .warning)
        #expect(SourceRunner.level(of: warned, recovered: false, warningsChanged: false) == .debug,
                "the same warnings again: one line at debug, not a warning every poll")
        #expect(SourceRunner.level(of: ok, recovered: false, warningsChanged: true) == .info, "warnings cleared")
        #expect(SourceRunner.level(of: ok, recovered: true, warningsChanged: false) == .info, "ok again after failures")
        #expect(SourceRunner.level(of: ok, recovered: false, warningsChanged: false) == .debug)
    }
}
