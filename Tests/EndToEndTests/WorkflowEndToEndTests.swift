import Foundation
import Testing

extension EndToEnd {
/// The on-call workflow on the built binary in tmux, checked by what a person sees: find an
/// incident (`/`), order the table (`o`), show only mine (`m`), add a note, snooze.
///
/// The demo runs without `--now`: the interactive dashboard runs on the wall clock (`--now` only
/// moves the demo's start, so a past instant would replay days of generated incidents up to
/// the real time). Started now, the demo opens on the end of its recorded scenario: the nine
/// open incidents of the README, the same every run (ages and clock times move with the clock,
/// so they are matched as digits). Teammates acknowledge the first page two and a half minutes
/// in, and the demo's own first page comes at three: each test is done well before.
@Suite(.serialized) struct WorkflowEndToEndTests {
    /// The running demo and its private state directory (removed with it).
    final class Demo {
        let tmux: TmuxSession
        let state: URL

        init() throws {
            guard TmuxSession.tmuxAvailable else { throw E2EError.missing("tmux is not installed: run scripts/test") }
            guard let bin = TmuxSession.binary else {
                throw E2EError.missing("no built vigil binary: run `swift build --product vigil` (scripts/test does)")
            }
            state = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-e2e-workflow-\(getpid())-\(UUID())")
            try FileManager.default.createDirectory(at: state, withIntermediateDirectories: true)
            let repo = TmuxSession.repo.path
            tmux = try TmuxSession(width: 120, height: 40, command:
                "VIGIL_USER=e2e-user \(bin) --demo --state \(state.path) --data \(repo)/sample-data "
                + "--themes-dir \(repo)/themes; echo EXIT=$?")
            try tmux.waitFor(timeout: 20, "the nine open incidents") { Demo.rows($0).count == 9 }
        }

        deinit { try? FileManager.default.removeItem(at: state) }

        /// Quits with `q` and checks the exit status.
        func quit() throws {
            try tmux.send(keys: ["q"])
            try tmux.waitFor("EXIT=0")
        }

        /// Walks the selection down from the first row until the selected row shows `text`.
        func select(_ text: String) throws {
            try tmux.send(keys: ["g"])
            try tmux.waitFor(timeout: 5, "the first row selected") { Demo.selected($0) == Demo.rows($0).first }
            for _ in 0..<12 {
                if Demo.selected(try screen()).contains(text) { return }
                let before = Demo.selected(try screen())
                try tmux.send(keys: ["j"])
                try tmux.waitFor(timeout: 5, "the selection to move") { Demo.selected($0) != before }
            }
            Issue.record("no row shows \(text):\n\(try screen())")
        }

        func screen() throws -> String { try tmux.screen().joined(separator: "\n") }

        /// The incident panel's title line (with the counts at its right end).
        static func title(_ screen: String) -> String {
            screen.components(separatedBy: "\n").first { $0.contains("Incidents") && $0.contains(" open · ") } ?? ""
        }

        /// The incident table's header line.
        static func header(_ screen: String) -> String {
            screen.components(separatedBy: "\n").first { $0.contains("STATUS") && $0.contains("TITLE") } ?? ""
        }

        /// The table's rows: the lines below its header down to the panel's bottom that show a severity.
        static func rows(_ screen: String) -> [String] {
            let lines = screen.components(separatedBy: "\n")
            guard let h = lines.firstIndex(where: { $0.contains("STATUS") && $0.contains("TITLE") }) else { return [] }
            return lines[(h + 1)...].prefix { !$0.contains("┗") && !$0.contains("└") }
                .filter { $0.range(of: #"SEV\d"#, options: .regularExpression) != nil }
        }

        /// The selected row ("▶"), or "".
        static func selected(_ screen: String) -> String { rows(screen).first { $0.contains("▶") } ?? "" }

        /// The footer (the last line: key hints, or a flash message).
        static func footer(_ screen: String) -> String {
            screen.components(separatedBy: "\n").last { !$0.trimmingCharacters(in: .whitespaces).isEmpty } ?? ""
        }
    }

    /// The scenario's open incidents, newest first (the titles as the table shows them at 120 columns).
    static let newestFirst = [
        "Search p99 latency > 1.5s",                                    // search, 4m
        "SMS gateway returning HTTP 429",                               // notifications, 8m
        "p99 latency 3.4s on checkout (threshold 2s)",                  // checkout, 23m
        "Checkout error rate 38%: payment step failing",                // checkout, 24m
        "notifications-worker restarted 6 times in 30 minutes…",        // notifications, 42m
        "Consumer group inventory-sync is 61k messages behind",         // inventory, 2h10m
        "Inventory sync with warehouse WMS failing",                    // inventory, 2h13m
        "Volume data-inventory-db-0 will be full in about 4 h…",        // inventory, 3h03m
        "TLS certificate for partners.northwind.example expir…",        // api-gateway, 5h05m
    ]

    /// `/` + "inventory": only the three inventory rows; the title says what is typed and how
    /// many it hides, the counts stay over all nine; Enter keeps it, Esc clears it.
    @Test func findFiltersToOneServiceEnterKeepsEscClears() throws {
        let demo = try Demo()
        let t = demo.tmux
        let start = try demo.screen()
        #expect(Demo.title(start).contains("┏ Incidents ━"), "\(Demo.title(start))")
        #expect(Demo.title(start).contains("9 open · 6 unacked"))
        #expect(Demo.footer(start).contains("/ filter  w window"), "\(Demo.footer(start))")

        try t.send(keys: ["/"])
        // A frame can be captured half drawn: wait for the footer of the same frame too.
        let typing = try t.waitFor(timeout: 5, "the filter prompt") {
            Demo.title($0).contains("┏ Incidents · /█ ━") && Demo.footer($0).hasPrefix("Enter keep")
        }.joined(separator: "\n")
        #expect(Demo.footer(typing).hasPrefix("Enter keep  Esc clear"), "\(Demo.footer(typing))")

        try t.send(literal: "inventory")
        let filtered = try t.waitFor(timeout: 5, "/inventory typed") {
            Demo.title($0).contains("┏ Incidents · /inventory█ · 6 hidden ━") && Demo.rows($0).count == 3
        }.joined(separator: "\n")
        let rows = Demo.rows(filtered)
        #expect(rows.count == 3, "\(rows)")
        #expect(rows.allSatisfy { $0.range(of: #"SEV3 . \w+ +inventory "#, options: .regularExpression) != nil }, "\(rows)")
        #expect(rows.map { $0.contains("Volume data-inventory-db-0") } == [true, false, false], "\(rows)")
        #expect(rows.map { $0.contains("Inventory sync with warehouse WMS failing") } == [false, true, false], "\(rows)")
        #expect(rows.map { $0.contains("Consumer group inventory-sync is 61k messages behind") } == [false, false, true])
        // The counts are over every open incident: the filter hides no waiting page.
        #expect(Demo.title(filtered).contains("━ 9 open · 6 unacked · "), "\(Demo.title(filtered))")

        try t.send(keys: ["Enter"])
        let kept = try t.waitFor(timeout: 5, "the filter kept") {
            Demo.title($0).contains("┏ Incidents · /inventory · 6 hidden ━")
        }.joined(separator: "\n")
        #expect(Demo.rows(kept).count == 3, "\(Demo.rows(kept))")
        #expect(Demo.footer(kept).contains("/ filter  w window"), "\(Demo.footer(kept))")
        // Keys are keys again: j moves the selection, not the filter.
        try t.send(keys: ["j"])
        try t.waitFor(timeout: 5, "j moving within the filtered rows") {
            Demo.selected($0).contains("Inventory sync with warehouse WMS failing")
        }
        #expect(Demo.title(try demo.screen()).contains("/inventory · 6 hidden"))

        try t.send(keys: ["Escape"])
        let cleared = try t.waitFor(timeout: 5, "the filter cleared") {
            Demo.title($0).contains("┏ Incidents ━") && Demo.rows($0).count == 9
        }.joined(separator: "\n")
        #expect(!Demo.title(cleared).contains("hidden") && !Demo.title(cleared).contains("/"))
        #expect(Demo.selected(cleared).contains("Inventory sync with warehouse WMS failing"), "the selection stays")
        try demo.quit()
    }

    /// `n` on the first row, a line with a wide word, Enter to review, `y`: confirmed, and in
    /// the details' timeline.
    @Test func aNoteWithAWideWordShowsInTheDetails() throws {
        let demo = try Demo()
        let t = demo.tmux
        try demo.select("Checkout error rate 38%: payment step failing")
        try t.send(keys: ["n"])
        try t.waitFor(timeout: 5, "the note input") { $0.contains("Add a note to PD-Q0BP1RV") }
        try t.send(literal: "DB 障害 ok")
        let typed = try t.waitFor(timeout: 5, "the note typed") { $0.contains("> DB 障害 ok█") }.joined(separator: "\n")
        #expect(typed.contains("A note for PD-Q0BP1RV at demo, one line (8/500):"), "\(typed)")

        try t.send(keys: ["Enter"])
        let review = try t.waitFor(timeout: 5, "the review") {
            $0.contains("Add a note to PD-Q0BP1RV: \"DB 障害 ok\" at demo as e2e-user?")
        }.joined(separator: "\n")
        #expect(review.contains("┏ Add a note to PD-Q0BP1RV: \"DB 障害 ok\"? ━"), "\(review)")
        #expect(review.contains("y  yes     n  no"))

        try t.send(keys: ["y"])
        let confirmed = try t.waitFor(timeout: 15, "the note confirmed") {
            Demo.footer($0).range(of: #"^ PD-Q0BP1RV: note confirmed by e2e-user at \d\d:\d\d$"#,
                                  options: .regularExpression) != nil
        }.joined(separator: "\n")
        #expect(!confirmed.contains("Add a note to"), "the dialog is closed")

        try t.send(keys: ["Enter"])
        try t.waitFor(timeout: 5, "the details") { $0.contains("┏ PD-Q0BP1RV ━") && $0.contains("Timeline, newest first") }
        // As the demo records it (the next poll replaces what Vigil showed meanwhile).
        let details = try t.waitFor(timeout: 15, "the note in the timeline") {
            $0.range(of: #"┃   \d\d:\d\d Note by e2e-user: DB 障害 ok +┃"#, options: .regularExpression) != nil
        }.joined(separator: "\n")
        #expect(details.components(separatedBy: "by e2e-user: DB 障害 ok").count == 2, "the note once:\n\(details)")
        // Newest first: above the teammate's note of 14:25.
        let lines = details.components(separatedBy: "\n")
        let mine = lines.firstIndex { $0.contains("Note by e2e-user: DB 障害 ok") }
        let theirs = lines.firstIndex { $0.contains("Note added by Aisha Okafor: Suspect the v2.22.4 deploy") }
        #expect(mine != nil && theirs != nil && mine! < theirs!, "\(details)")

        try t.send(keys: ["Escape"])
        try t.waitFor(timeout: 5, "back to the dashboard") { !$0.contains("Timeline, newest first") }
        try demo.quit()
    }

    /// `s`, `2`, `y` on an unacknowledged page: the demo (as PagerDuty) acknowledges it for the
    /// snoozing engineer, so the row turns from TRIG to acked by them, one fewer unacked, and the
    /// details say it was snoozed for an hour.
    @Test func snoozeForAnHourAcknowledgesTheRow() throws {
        let demo = try Demo()
        let t = demo.tmux
        try demo.select("Search p99 latency > 1.5s")
        let before = try demo.screen()
        #expect(Demo.selected(before).range(of: #"▶ ◆ SEV2 ● TRIG    search +\d+m - +Search p99 latency > 1\.5s"#,
                                            options: .regularExpression) != nil, "\(Demo.selected(before))")
        #expect(Demo.title(before).contains("9 open · 6 unacked"))

        try t.send(keys: ["s"])
        let picker = try t.waitFor(timeout: 5, "the snooze picker") {
            $0.contains("Snooze PD-Q1QHMKT at demo for how long? It pages again afterwards.")
        }.joined(separator: "\n")
        #expect(picker.contains("1  30m   2  1h   3  4h   4  8h   5  1d"), "\(picker)")

        try t.send(keys: ["2"])
        try t.waitFor(timeout: 5, "the confirmation") { $0.contains("Snooze PD-Q1QHMKT for 1h at demo as e2e-user?") }
        try t.send(keys: ["y"])
        try t.waitFor(timeout: 15, "the snooze confirmed") {
            Demo.footer($0).range(of: #"^ PD-Q1QHMKT snoozed by e2e-user at \d\d:\d\d$"#, options: .regularExpression) != nil
        }
        // Acknowledged by the one who snoozed it, at once and by the demo's next poll.
        let after = try t.waitFor(timeout: 15, "the row acknowledged") {
            Demo.selected($0).range(of: #"▶ ◆ SEV2 ✓ acked   search +\d+m e2e-user \d\d:\d\d +Search p99 latency > 1\.5s"#,
                                    options: .regularExpression) != nil
        }.joined(separator: "\n")
        #expect(Demo.title(after).contains("9 open · 5 unacked"), "\(Demo.title(after))")
        #expect(Demo.rows(after).count == 9, "still open, still listed")

        try t.send(keys: ["Enter"])
        // Shown acknowledged as soon as the demo confirmed; its own timeline lines come with the next poll.
        let details = try t.waitFor(timeout: 15, "the details, with the demo's timeline") {
            $0.contains("┏ PD-Q1QHMKT ━") && $0.contains("Snoozed for 1h by e2e-user.")
        }.joined(separator: "\n")
        #expect(details.contains("status acknowledged"), "\(details)")
        #expect(details.range(of: #"\d\d:\d\d Snoozed for 1h by e2e-user\."#, options: .regularExpression) != nil, "\(details)")
        #expect(details.range(of: #"\d\d:\d\d Acknowledged by e2e-user\."#, options: .regularExpression) != nil, "\(details)")
        try t.send(keys: ["Escape"])
        try t.waitFor(timeout: 5, "back to the dashboard") { !$0.contains("┏ PD-Q1QHMKT ━") }
        try demo.quit()
    }

    /// `o` orders newest first: the AGE header gets the arrow, the title says so; round the
    /// cycle back to severity.
    @Test func sortNewestFirstMarksTheAgeColumn() throws {
        let demo = try Demo()
        let t = demo.tmux
        let start = try demo.screen()
        #expect(Demo.header(start).contains("  SEV↓   STATUS    SERVICE            AGE ACK "), "\(Demo.header(start))")

        try t.send(keys: ["o"])
        let newest = try t.waitFor(timeout: 5, "newest first") { Demo.title($0).contains("┏ Incidents · by newest first ━") }
            .joined(separator: "\n")
        #expect(Demo.header(newest).contains("  SEV    STATUS    SERVICE           AGE↓ ACK "), "\(Demo.header(newest))")
        #expect(Demo.footer(newest) == " Incidents by newest first", "\(Demo.footer(newest))")
        let rows = Demo.rows(newest)
        #expect(rows.count == Self.newestFirst.count, "\(rows)")
        for (row, title) in zip(rows, Self.newestFirst) {
            #expect(row.contains(title), "expected \(title) in \(row)")
        }
        #expect(Demo.title(newest).contains("9 open · 6 unacked"))

        try t.send(keys: ["o"])
        let service = try t.waitFor(timeout: 5, "by service") { Demo.title($0).contains("┏ Incidents · by service ━") }
            .joined(separator: "\n")
        #expect(Demo.header(service).contains("SERVICE↓"), "\(Demo.header(service))")
        try t.send(keys: ["o"])
        let unacked = try t.waitFor(timeout: 5, "unacknowledged first") {
            Demo.title($0).contains("┏ Incidents · by unacknowledged first ━")
        }.joined(separator: "\n")
        #expect(Demo.header(unacked).contains("STATUS↓"), "\(Demo.header(unacked))")
        #expect(Demo.rows(unacked).prefix(6).allSatisfy { $0.contains("● TRIG") }, "\(Demo.rows(unacked))")
        try t.send(keys: ["o"])
        let back = try t.waitFor(timeout: 5, "back to severity") { Demo.title($0).contains("┏ Incidents ━") }
            .joined(separator: "\n")
        #expect(Demo.header(back).contains("SEV↓") && !Demo.header(back).contains("AGE↓"), "\(Demo.header(back))")
        try demo.quit()
    }

    /// `m` before anything is mine: none, and says so; after `a` `y` on a page, `m` shows just
    /// that one, acknowledged by me, and the title says "mine".
    @Test func mineShowsWhatIAcknowledged() throws {
        let demo = try Demo()
        let t = demo.tmux
        try t.send(keys: ["m"])
        let none = try t.waitFor(timeout: 5, "mine, empty") { Demo.title($0).contains("┏ Incidents · mine · 9 hidden ━") }
            .joined(separator: "\n")
        #expect(none.contains("None of the 9 open incidents is yours (Esc: show all)"), "\(none)")
        #expect(Demo.footer(none) == " Mine: assigned to or acknowledged by e2e-user (m again: everyone's)",
                "\(Demo.footer(none))")
        try t.send(keys: ["m"])
        try t.waitFor(timeout: 5, "everyone's again") { Demo.title($0).contains("┏ Incidents ━") && Demo.rows($0).count == 9 }

        try demo.select("Search p99 latency > 1.5s")
        try t.send(keys: ["a"])
        try t.waitFor(timeout: 5, "the confirmation") { $0.contains("Acknowledge PD-Q1QHMKT?") }
        try t.send(keys: ["y"])
        try t.waitFor(timeout: 15, "acknowledged") {
            Demo.footer($0).range(of: #"^ PD-Q1QHMKT acknowledged by e2e-user at \d\d:\d\d$"#, options: .regularExpression) != nil
        }

        try t.send(keys: ["m"])
        let mine = try t.waitFor(timeout: 5, "mine") { Demo.title($0).contains("┏ Incidents · mine · 8 hidden ━") }
            .joined(separator: "\n")
        let rows = Demo.rows(mine)
        #expect(rows.count == 1, "\(rows)")
        #expect(rows.first?.range(of: #"▶ ◆ SEV2 ✓ acked   search +\d+m e2e-user \d\d:\d\d +Search p99 latency > 1\.5s"#,
                                  options: .regularExpression) != nil, "\(rows)")
        #expect(Demo.title(mine).contains("9 open · 5 unacked"), "\(Demo.title(mine))")

        try t.send(keys: ["Escape"])
        try t.waitFor(timeout: 5, "Esc: everyone's") { Demo.title($0).contains("┏ Incidents ━") && Demo.rows($0).count == 9 }
        try demo.quit()
    }
}
}
