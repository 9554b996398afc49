import Foundation
import Testing

extension EndToEnd {
/// `vigil --wall` in tmux, as a team would leave it on a screen.
@Suite(.serialized) struct WallEndToEndTests {
    @Test func theWallRotatesShowsLargeFiguresHidesTheCursorAndChangesNothing() throws {
        guard TmuxSession.tmuxAvailable else { throw E2EError.missing("tmux is not installed: run scripts/test") }
        guard let bin = TmuxSession.binary else { throw E2EError.missing("no built vigil binary: run scripts/test") }
        let repo = TmuxSession.repo.path
        let state = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-e2e-wall-\(getpid())").path
        defer { try? FileManager.default.removeItem(atPath: state) }
        let t = try TmuxSession(width: 100, height: 30, command:
            "\(bin) --demo --data \(repo)/sample-data --themes-dir \(repo)/themes --state \(state) --wall --rotate 5s; echo EXIT=$?")
        // The labels show at once; the figures and the banner once the demo has answered.
        let now = try t.waitFor(timeout: 15, "the Now page with data") {
            $0.contains("WALL · Now 1/2") && $0.contains("MTTR median") && $0.contains("OUTAGE  SEV1")
        }
        #expect(now.contains { $0.contains("███") }, "no large digits:\n\(now.joined(separator: "\n"))")
        #expect(now.contains { $0.contains("UNACKNOWLEDGED PAGE") })
        #expect(!now.contains { $0.contains("▶") })
        // No cursor on a wall.
        #expect(try t.tmux(["display-message", "-p", "-t", t.name, "#{cursor_flag}"]).trimmingCharacters(in: .whitespacesAndNewlines) == "0")

        // Nothing that changes a source is bound: `a` explains, and no dialog opens.
        try t.send(keys: ["a"])
        let refused = try t.waitFor(timeout: 5, "read-only message") { $0.contains("Read-only mode") }
        #expect(!refused.contains { $0.contains("Acknowledge") && $0.contains("?") })

        // The next page comes by itself, and Space turns back.
        try t.waitFor(timeout: 10, "rotation to the panels") { $0.contains("WALL · Panels 2/2") && $0.contains("Build throughput") }
        try t.send(keys: ["Space"])
        try t.waitFor(timeout: 5, "back to Now") { $0.contains("WALL · Now 1/2") }
        try t.send(keys: ["q"])
        try t.waitFor("EXIT=0")
    }

    @Test func rotateAndBellNeedTheWall() throws {
        guard let bin = TmuxSession.binary else { throw E2EError.missing("no built vigil binary: run scripts/test") }
        let result = try TmuxSession.run(bin, ["--demo", "--rotate", "30s"])
        #expect(result.status != 0)
        #expect(result.output.contains("--rotate and --bell are for the wall monitor: add --wall."), "\(result.output)")
        let short = try TmuxSession.run(bin, ["--demo", "--wall", "--rotate", "1s"])
        #expect(short.output.contains("--rotate must be a duration of at least 5s"), "\(short.output)")
    }
}
}

