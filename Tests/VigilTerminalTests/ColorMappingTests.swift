import Testing
import VigilRender
@testable import VigilTerminal

@Suite struct ColorMappingTests {
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
