import Foundation
import Testing
import VigilTestSupport
@testable import VigilCore
@testable import VigilRender
@testable import VigilSources

/// Whole demo screens at a fixed clock, compared with text files in Golden/. Rewrite them on
/// purpose with `VIGIL_UPDATE_GOLDEN=1 swift test --filter ViewGoldenTests`, and review the diff
/// like code.
@Suite struct ViewGoldenTests {
    static let here = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    static let repo = here.deletingLastPathComponent().deletingLastPathComponent()
    /// A fixed "now": the demo is shifted to end here.
    static let now = Date(timeIntervalSince1970: 1_795_694_400)   // 2026-11-26 12:00 UTC

    static func demoState(size: Size) async throws -> AppState {
        let demo = try DemoSource(directory: repo.appendingPathComponent("sample-data"), startedAt: now,
                                  ackLatencyMilliseconds: 0...0)
        var state = AppState(now: now, size: size, user: "golden", sources: [("demo", 1)])
        state.sources["demo"]?.actions = DemoKind.actions
        let snapshot = try await demo.poll(now: now).snapshot
        _ = reduce(&state, .sourceUpdated("demo", snapshot, at: now))
        return state
    }

    func check(_ name: String, _ grid: CellGrid) throws {
        let file = Self.here.appendingPathComponent("Golden/\(name).txt")
        let actual = grid.lines.joined(separator: "\n") + "\n"
        if ProcessInfo.processInfo.environment["VIGIL_UPDATE_GOLDEN"] == "1" {
            try actual.write(to: file, atomically: true, encoding: .utf8)
            return
        }
        let expected = try String(contentsOf: file, encoding: .utf8)
        let a = actual.components(separatedBy: "\n"), e = expected.components(separatedBy: "\n")
        #expect(a.count == e.count, "\(name): \(a.count) lines, golden has \(e.count)")
        for (i, (x, y)) in zip(a, e).enumerated() where x != y {
            Issue.record("\(name) line \(i + 1) differs:\n  got:    \(x)\n  golden: \(y)")
        }
    }

    @Test(arguments: [(80, 24), (120, 40), (200, 60)])
    func demoScreen(width: Int, height: Int) async throws {
        let state = try await Self.demoState(size: Size(width: width, height: height))
        let grid = DashboardView.render(state, ViewContext(theme: .monochrome, glyphs: .unicode))
        try check("demo-\(width)x\(height)", grid)
        #expect(grid.lines.allSatisfy { GlyphWidth.of($0) == width })
    }

    @Test func asciiScreenHasOnlyASCII() async throws {
        let state = try await Self.demoState(size: Size(width: 80, height: 24))
        let grid = DashboardView.render(state, ViewContext(theme: .monochrome, glyphs: .ascii))
        try check("demo-80x24-ascii", grid)
        let nonASCII = grid.lines.joined().unicodeScalars.filter { !$0.isASCII }
        #expect(nonASCII.isEmpty, "non-ASCII glyphs: \(String(String.UnicodeScalarView(nonASCII)))")
    }

    @Test func everyPanelHasRealNumbers() async throws {
        let state = try await Self.demoState(size: Size(width: 200, height: 60))
        let f = DashboardFigures(state)
        #expect(f.builds.now.finished > 100)
        #expect(f.deploys.now.successful > 50)
        #expect(f.deploys.now.changeFailureRate != nil)
        #expect(f.pages.now.count > 0)
        #expect(f.mttr.now.count > 0 && f.mtta.now.count > 0)
        #expect(f.coverage.now != nil)
        #expect(f.services.count >= 6)
        #expect(f.tier != .none)
        let text = DashboardView.render(state, ViewContext(theme: .monochrome, glyphs: .unicode)).lines.joined()
        #expect(!text.contains("no data"))
    }
}
