#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CNcursesw
import CVigilSignal
import VigilCore
import VigilRender

extension NcursesTerminal {
    // MARK: - Drawing

    /// Draws `grid`: only the cells that differ from what is on screen, in one update wrapped in
    /// synchronized output. Writes nothing when nothing changed. `previous` is the grid drawn
    /// last (the terminal also remembers that itself, and trusts its own record when they
    /// differ); `nil` rewrites every cell, though ncurses still sends only what differs from the
    /// screen. Cells outside the screen are clipped.
    public func draw(_ grid: CellGrid, previous: CellGrid?) {
        guard let win = window else { return }
        let full = needsFullRepaint
        let base: CellGrid? = (full || previous == nil) ? nil : (lastDrawn ?? previous)
        let runs = grid.changes(since: base)
        if runs.isEmpty && !full { return }

        let screenSize = size
        // A full rewrite starts from blank, so nothing outside a smaller grid survives.
        if base == nil || base?.size != grid.size { werase(win) }
        if full, let cur = vigil_curscr() { clearok(cur, true) }

        paint(runs, in: win, screen: screenSize)
        if pairsOverflowed {
            // Out of colour pairs: forget them all and paint everything again with fresh ones.
            resetPairs()
            werase(win)
            paint(grid.changes(since: nil), in: win, screen: screenSize)
            pairsOverflowed = false
        }

        wnoutrefresh(win)
        // Straight to the fd: putp would go through stdio's stdout, not this screen's buffer.
        // ncurses then sends the whole frame in one write(2) at the end of doupdate.
        if synchronizedOutput { writeToTerminal(NcursesTerminal.beginSynchronizedUpdate) }
        // ncurses leaves the terminal in normal mode after every update and assumes it still is.
        // A stray write (`\e[41m`, `\e(0`) breaks that; its clear would then fill the screen
        // with the stray background. Say what "normal" is again before starting from scratch.
        if full { writeToTerminal(resetSequence) }
        doupdate()
        if synchronizedOutput { writeToTerminal(NcursesTerminal.endSynchronizedUpdate) }
        lastDrawn = grid
        needsFullRepaint = false
    }

    /// Draws `grid` against what this terminal drew last.
    public func draw(_ grid: CellGrid) { draw(grid, previous: lastDrawn) }

    /// Makes the next `draw` clear the terminal and send every cell again. `repaintAll()` does
    /// it at once.
    public func forceRepaint() {
        needsFullRepaint = true
    }

    /// Repaints the whole screen now, from scratch, with what was drawn last: resets the
    /// terminal's attributes, character set and cursor visibility, clears it and sends every
    /// cell again (ncurses `clearok(curscr)`), in one synchronized frame. Recovers from `wall`
    /// broadcasts and any other stray output that a diff-only update would leave on screen.
    /// Ctrl-L calls it; so can a periodic repaint on a wall monitor. Before the first `draw`
    /// it makes that draw a full one.
    public func repaintAll() {
        needsFullRepaint = true
        guard let grid = lastDrawn else { return }
        draw(grid, previous: nil)
    }

    /// Rings the terminal's bell (or flashes the screen where the terminal has no bell).
    public func bell() {
        _ = beep()
    }

    /// Reads the rows of the screen as ncurses holds them (wide glyphs once, like `CellGrid.lines`).
    public func screenLines() -> [String] {
        guard let win = window else { return [] }
        let s = size
        let capacity = s.width * 5 + 1
        var buffer = [wchar_t](repeating: 0, count: capacity)
        return (0..<s.height).map { y in
            let n = buffer.withUnsafeMutableBufferPointer { p -> Int32 in
                guard let base = p.baseAddress else { return 0 }
                return mvwinnwstr(win, Int32(y), 0, base, Int32(capacity - 1))
            }
            var line = String.UnicodeScalarView()
            for i in 0..<max(0, Int(n)) {
                if let scalar = Unicode.Scalar(UInt32(bitPattern: buffer[i])) { line.append(scalar) }
            }
            return String(line)
        }
    }

    private func paint(_ runs: [CellGrid.Run], in win: UnsafeMutablePointer<WINDOW>, screen: Size) {
        var cc = cchar_t()
        var text = [wchar_t](repeating: 0, count: 6)
        for run in runs where run.y >= 0 && run.y < screen.height {
            var previousWidth = 1
            for (offset, cell) in run.cells.enumerated() {
                let x = run.x + offset
                guard x >= 0, x < screen.width else { break }
                let nextIsContinuation = offset + 1 < run.cells.count && run.cells[offset + 1].isContinuation
                if cell.isContinuation {
                    // Covered by the wide glyph to its left, unless ncurses drew that one narrow.
                    if previousWidth == 2 { previousWidth = 1; continue }
                    putGlyph([0x20], style: cell.style, x: x, y: run.y, win: win, cc: &cc, text: &text)
                    previousWidth = 1
                    continue
                }
                var scalars = glyphScalars(cell.glyph)
                var width = scalars.first.map { Int(vigil_wcwidth(wchar_t(bitPattern: $0))) } ?? 1
                if width < 0 || (width == 2 && !nextIsContinuation) {
                    scalars = [0x3F] // "?": unprintable here, or wider than the grid thinks
                    width = 1
                } else if width == 0 {
                    scalars = [0x20]
                    width = 1
                } else if width == 2 && x + 1 >= screen.width {
                    scalars = [0x20] // a wide glyph in the last column would wrap
                    width = 1
                }
                putGlyph(scalars, style: cell.style, x: x, y: run.y, win: win, cc: &cc, text: &text)
                previousWidth = width
            }
        }
    }

    /// The scalars to draw for a glyph: at most five (CCHARW_MAX), control characters as a space,
    /// non-ASCII as "?" in ASCII mode.
    private func glyphScalars(_ glyph: Character) -> [UInt32] {
        let all = glyph.unicodeScalars
        guard let first = all.first?.value else { return [0x20] }
        if first < 0x20 || (first >= 0x7F && first < 0xA0) { return [0x20] }
        if asciiOnly { return first < 0x80 ? [first] : [0x3F] }
        if all.count == 1 { return [first] }
        // A ZWJ sequence cannot be one cchar_t (its parts are spacing): draw its first emoji.
        if all.contains(where: { $0.value == 0x200D }) { return [first] }
        return Array(all.prefix(5).map(\.value))
    }

    private func putGlyph(_ scalars: [UInt32], style: Style, x: Int, y: Int,
                          win: UnsafeMutablePointer<WINDOW>, cc: inout cchar_t, text: inout [wchar_t]) {
        let (pair, extraBold) = colorPair(for: style)
        var attrs = attributes(style.attrs)
        if extraBold { attrs |= attrBold }
        var count = 0
        for s in scalars.prefix(5) {
            text[count] = wchar_t(bitPattern: s)
            count += 1
        }
        text[count] = 0
        var rc = text.withUnsafeBufferPointer { p -> Int32 in
            guard let base = p.baseAddress else { return vigil_err() }
            return vigil_setcchar(&cc, base, attrs, pair)
        }
        if rc == vigil_err() {
            // ncurses refused the sequence (e.g. an unprintable first scalar): draw "?".
            text[0] = 0x3F
            text[1] = 0
            rc = text.withUnsafeBufferPointer { p -> Int32 in
                guard let base = p.baseAddress else { return vigil_err() }
                return vigil_setcchar(&cc, base, attrs, pair)
            }
            if rc == vigil_err() { return }
        }
        _ = mvwadd_wch(win, Int32(y), Int32(x), &cc)
    }

    private func attributes(_ a: Attributes) -> attr_t {
        var result = vigil_wa_normal()
        if a.isEmpty { return result }
        for (flag, value) in attrTable where a.contains(flag) { result |= value }
        return result
    }

    // MARK: - Colour pairs

    /// The pair number for a style's colours, and whether bold is needed for a bright foreground.
    private func colorPair(for style: Style) -> (Int32, Bool) {
        if colorDepth == .mono { return (0, false) }
        let key = ColorKey(fg: style.fg, bg: style.bg)
        if let cached = styleCache[key] { return (cached.pair, cached.bold) }

        let fg = ColorMapping.terminalColor(style.fg, depth: colorDepth, colorCount: colorCount, foreground: true)
        let bg = ColorMapping.terminalColor(style.bg, depth: colorDepth, colorCount: colorCount, foreground: false)
        var fgNumber = fg.number, bgNumber = bg.number
        if !defaultColorsWork {
            if fgNumber < 0 { fgNumber = 7 }
            if bgNumber < 0 { bgNumber = 0 }
        }
        let pair: Int32
        if (fgNumber == -1 && bgNumber == -1) || (!defaultColorsWork && fgNumber == 7 && bgNumber == 0) {
            pair = 0
        } else if let existing = pairs[PairKey(fg: fgNumber, bg: bgNumber)] {
            pair = existing
        } else if nextPair <= maxPair {
            pair = nextPair
            var ok = init_extended_pair(pair, fgNumber, bgNumber) == vigil_ok()
            if !ok, pair <= Int32(Int16.max), let f = Int16(exactly: fgNumber), let b = Int16(exactly: bgNumber) {
                ok = init_pair(Int16(pair), f, b) == vigil_ok()
            }
            if !ok { return (0, fg.needsBold) }
            nextPair += 1
            pairs[PairKey(fg: fgNumber, bg: bgNumber)] = pair
        } else {
            pairsOverflowed = true
            return (0, fg.needsBold)
        }
        styleCache[key] = (pair, fg.needsBold)
        return (pair, fg.needsBold)
    }

    private func resetPairs() {
        pairResets += 1
        pairs.removeAll(keepingCapacity: true)
        styleCache.removeAll(keepingCapacity: true)
        nextPair = 1
    }

    /// Colour pairs in use (for tests and diagnostics).
    public var colorPairsInUse: Int { Int(nextPair) - 1 }
}
