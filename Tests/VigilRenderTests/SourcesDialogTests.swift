import Foundation
import Testing
@testable import VigilCore
@testable import VigilRender

/// 2026-11-26 12:00:00 UTC.
private let noon = Date(timeIntervalSince1970: 1_795_694_400)
private let ctx = ViewContext(theme: .monochrome, glyphs: .unicode)

/// `H`: every source's state, its last errors with their times (newest first, at most five),
/// and where the log file is; Esc closes it, the keys of help scroll it.
@Suite struct SourcesDialogTests {
    static func state() -> AppState {
        var s = AppState(now: noon, size: Size(width: 100, height: 30), user: "alice", sources: [("prom", 30), ("am", 15)])
        _ = reduce(&s, .sourcePolled("prom", PollReport(outcome: .updated(SourceSnapshot(series: []), warnings: []),
                                                         at: noon.addingTimeInterval(-10), duration: 0.25, consecutiveFailures: 0,
                                                         nextPollAt: noon.addingTimeInterval(20))))
        // Alertmanager failed six times, the last two minutes ago; the next try in 40 s.
        for n in 1...6 {
            let at = noon.addingTimeInterval(Double(-420 + 60 * n))
            _ = reduce(&s, .sourcePolled("am", PollReport(outcome: .failed(SourceError(.unreachable, "connection refused (am:9093) #\(n)")),
                                                           at: at, duration: 0.01, consecutiveFailures: n,
                                                           nextPollAt: noon.addingTimeInterval(40))))
        }
        s.logFile = LogFileInfo(path: "/home/alice/.local/state/vigil/vigil.log", level: "error")
        return s
    }

    @Test func hOpensTheSourcesWithTheirLastErrorsAndTheLogFile() {
        var s = Self.state()
        _ = reduce(&s, .key(.char("H")))
        #expect(s.mode == .health(returnTo: .dashboard))
        let lines = DashboardView.render(s, ctx).lines
        let dialog = lines.filter { $0.contains("┃") }.joined(separator: "\n")
        #expect(lines.contains { $0.contains("┏ Sources ━") })
        #expect(dialog.contains("prom  fresh"))
        #expect(dialog.contains("last answer 11:59:50 (1m ago)  poll took 250ms"))
        #expect(dialog.contains("am  failing"))
        #expect(dialog.contains("failures in a row 6  next try 12:00:40 (in 40s)"))
        // The five newest, newest first, with their times (the first is forgotten).
        #expect(dialog.contains("11:59:00 unreachable: connection refused (am:9093) #6"))
        #expect(dialog.contains("11:55:00 unreachable: connection refused (am:9093) #2"))
        #expect(!dialog.contains("#1"))
        let six = dialog.range(of: "#6")!.lowerBound, two = dialog.range(of: "#2")!.lowerBound
        #expect(six < two)
        #expect(dialog.contains("log /home/alice/.local/state/vigil/vigil.log (level error)"))
        #expect(dialog.contains("every poll: --log-level debug; every request: --log-level trace"))
        _ = reduce(&s, .key(.escape))
        #expect(s.mode == .dashboard)
    }

    @Test func errorsAreKeptAfterASuccessAndBounded() {
        var s = Self.state()
        _ = reduce(&s, .sourcePolled("am", PollReport(outcome: .updated(SourceSnapshot(incidents: []), warnings: []), at: noon,
                                                       duration: 0.1, consecutiveFailures: 0, nextPollAt: noon.addingTimeInterval(15))))
        #expect(s.sources["am"]?.recentErrors.count == SourceState.recentErrorsKept)
        #expect(s.sources["am"]?.lastError == nil)
        let health = DialogContent.health(s).map { $0.map(\.text).joined() }
        #expect(health.contains("am  fresh"))
        #expect(health.contains("last errors, newest first"))
        #expect(health.contains { $0.contains("prom") } && health.contains("no errors since start"))
    }
}
