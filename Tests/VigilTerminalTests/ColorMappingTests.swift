import Testing
import VigilRender
@testable import VigilTerminal

@Suite struct ColorMappingTests {
    @Test func cubeColoursMapExactly() {
        #expect(ColorMapping.xterm256(r: 255, g: 0, b: 0) == 196)
        #expect(ColorMapping.xterm256(r: 0, g: 255, b: 0) == 46)
        #expect(ColorMapping.xterm256(r: 0, g: 0, b: 255) == 21)
        #expect(ColorMapping.xterm256(r: 0, g: 0, b: 0) == 16)
        #expect(ColorMapping.xterm256(r: 255, g: 255, b: 255) == 231)
        #expect(ColorMapping.xterm256(r: 0x87, g: 0xAF, b: 0xD7) == 110)
    }

    @Test func greysUseTheRamp() {
        #expect(ColorMapping.xterm256(r: 128, g: 128, b: 128) == 244)
        #expect(ColorMapping.xterm256(r: 8, g: 8, b: 8) == 232)
        #expect(ColorMapping.xterm256(r: 238, g: 238, b: 238) == 255)
        let dark = ColorMapping.xterm256(r: 30, g: 30, b: 30)
        #expect(dark >= 232)
    }

    @Test func nearColoursSnapToTheCube() {
        #expect(ColorMapping.xterm256(r: 250, g: 5, b: 5) == 196)
        #expect(ColorMapping.xterm256(r: 0xFF, g: 0x88, b: 0x00) == 208)
    }

    @Test func everyIndexRoundTripsThroughRGB() {
        for i in 16...255 {
            let c = ColorMapping.rgb(ofIndexed: UInt8(i))
            let back = ColorMapping.xterm256(r: c.r, g: c.g, b: c.b)
            // 16 and 231 equal cube corners; some grey-ramp entries equal cube greys.
            let again = ColorMapping.rgb(ofIndexed: back)
            #expect(again == c, "index \(i) → \(back)")
        }
    }

    @Test func indexedToAnsi16() {
        #expect(ColorMapping.ansi16(fromIndexed: 196) == 9)
        #expect(ColorMapping.ansi16(fromIndexed: 46) == 10)
        #expect(ColorMapping.ansi16(fromIndexed: 16) == 0)
        #expect(ColorMapping.ansi16(fromIndexed: 231) == 15)
        #expect(ColorMapping.ansi16(fromIndexed: 244) == 8)
        #expect(ColorMapping.ansi16(fromIndexed: 5) == 5)
        #expect(ColorMapping.ansi16(r: 128, g: 0, b: 0) == 1)
        #expect(ColorMapping.ansi16(r: 200, g: 200, b: 200) == 7)
    }

    @Test func rgbOfIndexed() {
        #expect(ColorMapping.rgb(ofIndexed: 196) == (255, 0, 0))
        #expect(ColorMapping.rgb(ofIndexed: 232) == (8, 8, 8))
        #expect(ColorMapping.rgb(ofIndexed: 255) == (238, 238, 238))
        #expect(ColorMapping.rgb(ofIndexed: 9) == (255, 0, 0))
    }

    @Test func directColourPacksRGB() {
        #expect(ColorMapping.directColor(r: 0x12, g: 0x34, b: 0x56) == 0x123456)
        #expect(ColorMapping.directColor(r: 0, g: 0, b: 0) == 8)
        #expect(ColorMapping.directColor(r: 0, g: 0, b: 7) == 8)
    }

    @Test func terminalColourPerDepth() {
        func tc(_ c: Color, _ d: ColorDepth, colors: Int = 256, fg: Bool = true) -> TerminalColor {
            ColorMapping.terminalColor(c, depth: d, colorCount: colors, foreground: fg)
        }
        #expect(tc(.default, .indexed256) == .default)
        #expect(tc(.rgb(255, 0, 0), .mono) == .default)
        #expect(tc(.rgb(255, 0, 0), .indexed256) == TerminalColor(number: 196))
        #expect(tc(.ansi(9), .indexed256) == TerminalColor(number: 9))
        #expect(tc(.indexed(196), .ansi16, colors: 16) == TerminalColor(number: 9))
        #expect(tc(.indexed(196), .ansi16, colors: 8) == TerminalColor(number: 1, needsBold: true))
        #expect(tc(.ansi(12), .ansi16, colors: 8, fg: false) == TerminalColor(number: 4))
        #expect(tc(.ansi(3), .ansi16, colors: 8) == TerminalColor(number: 3))
        #expect(tc(.rgb(0, 0, 200), .ansi16, colors: 16) == TerminalColor(number: 4))
        #expect(tc(.rgb(0x12, 0x34, 0x56), .truecolor) == TerminalColor(number: 0x123456))
        #expect(tc(.ansi(2), .truecolor) == TerminalColor(number: 2))
        #expect(tc(.ansi(9), .truecolor) == TerminalColor(number: 0xFF0000))
        #expect(tc(.indexed(196), .truecolor) == TerminalColor(number: 0xFF0000))
    }

    @Test func downgrade() {
        #expect(ColorMapping.downgrade(.rgb(255, 0, 0), to: .indexed256) == .indexed(196))
        #expect(ColorMapping.downgrade(.rgb(255, 0, 0), to: .ansi16) == .ansi(9))
        #expect(ColorMapping.downgrade(.indexed(46), to: .ansi16) == .ansi(10))
        #expect(ColorMapping.downgrade(.ansi(4), to: .mono) == .default)
        #expect(ColorMapping.downgrade(.rgb(1, 2, 3), to: .truecolor) == .rgb(1, 2, 3))
        #expect(ColorMapping.downgrade(.indexed(7), to: .indexed256) == .indexed(7))
    }

    @Test func depthDetection() {
        #expect(NcursesTerminal.detectDepth(colors: 1 << 24, hasColors: true) == .truecolor)
        #expect(NcursesTerminal.detectDepth(colors: 256, hasColors: true) == .indexed256)
        #expect(NcursesTerminal.detectDepth(colors: 88, hasColors: true) == .ansi16)
        #expect(NcursesTerminal.detectDepth(colors: 8, hasColors: true) == .ansi16)
        #expect(NcursesTerminal.detectDepth(colors: -1, hasColors: false) == .mono)
        #expect(NcursesTerminal.detectDepth(colors: 256, hasColors: false) == .mono)
    }

    @Test func timeoutMilliseconds() {
        #expect(NcursesTerminal.milliseconds(nil) == -1)
        #expect(NcursesTerminal.milliseconds(.zero) == 0)
        #expect(NcursesTerminal.milliseconds(.microseconds(400)) == 1)
        #expect(NcursesTerminal.milliseconds(.milliseconds(1500)) == 1500)
        #expect(NcursesTerminal.milliseconds(.seconds(-3)) == 0)
        #expect(NcursesTerminal.milliseconds(.seconds(Int64.max)) == Int32.max)
    }
}
