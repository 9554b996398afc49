import Foundation
import Testing

extension EndToEnd {
/// The mouse in tmux: the terminal's own report of a press (xterm's X10 form, which ncurses reads
/// for TERM=tmux-256color) typed into the pane, as a terminal would send it.
@Suite(.serialized) struct MouseEndToEndTests {
    func vigil(_ args: String) throws -> String {
        guard TmuxSession.tmuxAvailable else { throw E2EError.missing("tmux is not installed: run scripts/test") }
        guard let bin = TmuxSession.binary else { throw E2EError.missing("no built vigil binary: run scripts/test") }
        let repo = TmuxSession.repo.path
        return "\(bin) --demo --state /tmp/vigil-e2e-mouse-\(getpid()) "
            + "--data \(repo)/sample-data --themes-dir \(repo)/themes \(args); echo EXIT=$?"
    }

    /// Press and release of the first button at a cell (0-based), X10-encoded.
    func click(_ t: TmuxSession, x: Int, y: Int) throws {
        let cx = String(UnicodeScalar(UInt8(33 + x))), cy = String(UnicodeScalar(UInt8(33 + y)))
        try t.send(literal: "\u{1B}[M " + cx + cy + "\u{1B}[M#" + cx + cy)
    }

    /// The wheel turned down once at a cell.
    func wheelDown(_ t: TmuxSession, x: Int, y: Int) throws {
        try t.send(literal: "\u{1B}[Ma" + String(UnicodeScalar(UInt8(33 + x))) + String(UnicodeScalar(UInt8(33 + y))))
    }

    /// The screen row of the incident table row whose line contains `text`.
    func row(_ screen: [String], _ text: String) -> Int? { screen.firstIndex { $0.contains(text) && $0.contains("SEV") } }

    @Test func aClickSelectsAnotherClickOpensAndTheWheelMoves() throws {
        let t = try TmuxSession(width: 100, height: 30, command: try vigil("--mouse"))
        var screen = try t.waitFor("Search p99 latency")
        let search = try #require(row(screen, "Search p99 latency"))
        #expect(!screen[search].contains("▶"))
        try click(t, x: 20, y: search)
        screen = try t.waitFor(timeout: 10, "the search row selected") { $0.contains("▶ ◆ SEV2") }
        try click(t, x: 20, y: search)
        try t.waitFor(timeout: 10, "its details") { $0.contains("PD-Q1QHMKT") && $0.contains("service search") }
        try t.send(keys: ["Escape"])
        try t.waitFor(timeout: 10, "back") { !$0.contains("service search") }
        // Three rows down with one turn of the wheel: search (row 2) → row 5.
        try wheelDown(t, x: 20, y: search)
        screen = try t.waitFor(timeout: 10, "the wheel") { $0.contains("▶ ▲ SEV3 ● TRIG    inventory") }
        try t.send(keys: ["q"])
        try t.waitFor("EXIT=0")
    }

    @Test func withoutTheMouseAClickChangesNothingAndBreaksNothing() throws {
        let t = try TmuxSession(width: 100, height: 30, command: try vigil(""))
        let screen = try t.waitFor("Search p99 latency")
        let search = try #require(row(screen, "Search p99 latency"))
        try click(t, x: 20, y: search)
        try wheelDown(t, x: 20, y: search)
        Thread.sleep(forTimeInterval: 1)
        let after = try t.screen()
        #expect(!after[search].contains("▶"))
        #expect(after.contains { $0.contains("▶ ● SEV1") })    // the selection stayed on the first row
        #expect(!after.joined().contains("service search"))
        try t.send(keys: ["q"])
        try t.waitFor("EXIT=0")
    }
}
}
