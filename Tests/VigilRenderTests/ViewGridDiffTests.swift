import Testing
@testable import VigilCore
@testable import VigilRender

@Suite struct GridDiffTests {
    /// Applies runs the way a backend does.
    func apply(_ runs: [CellGrid.Run], to grid: inout CellGrid) {
        for r in runs { for (i, c) in r.cells.enumerated() { grid[r.x + i, r.y] = c } }
    }

    @Test func noChangeSendsNothing() {
        let g = CellGrid(width: 10, height: 3, filling: "x")
        #expect(g.changes(since: g).isEmpty)
    }

    @Test func nearbyChangesMergeFarOnesDoNot() {
        let old = CellGrid(width: 20, height: 1, filling: ".")
        var new = old
        new[2, 0] = Cell("a"); new[5, 0] = Cell("b"); new[15, 0] = Cell("c")
        let runs = new.changes(since: old)
        #expect(runs.map(\.x) == [2, 15])
        #expect(runs.map(\.cells.count) == [4, 1])
    }

    @Test func aChangeInTheLastColumnAndGapsAtTheEnd() {
        let old = CellGrid(width: 8, height: 2, filling: ".")
        var new = old
        new[7, 0] = Cell("z"); new[0, 1] = Cell("y")
        #expect(new.changes(since: old).map { [$0.y, $0.x, $0.cells.count] } == [[0, 7, 1], [1, 0, 1]])
    }

    @Test func aNewSizeIsAFullRepaint() {
        let a = CellGrid(width: 4, height: 2), b = CellGrid(width: 5, height: 2)
        #expect(b.changes(since: a).count == 2)
        #expect(b.changes(since: nil).count == 2)
    }

    @Test func randomGridsRoundTrip() {
        var rng = SystemRandomNumberGenerator()
        let glyphs: [Character] = [".", "a", "b", "─", "界"]
        for _ in 0..<300 {
            let w = Int.random(in: 1...30, using: &rng), h = Int.random(in: 1...4, using: &rng)
            var old = CellGrid(width: w, height: h), new = CellGrid(width: w, height: h)
            for y in 0..<h {
                var s1 = "", s2 = ""
                for _ in 0..<w { s1.append(glyphs.randomElement(using: &rng) ?? "."); s2.append(glyphs.randomElement(using: &rng) ?? ".") }
                old.put(s1, x: 0, y: y)
                new.put(Bool.random(using: &rng) ? s1 : s2, x: 0, y: y)
            }
            var applied = old
            apply(new.changes(since: old), to: &applied)
            #expect(applied == new)
        }
    }
}
