import Testing
import VigilCore
@testable import VigilTerminal

@Suite struct KeyDecoderTests {
    @Test(arguments: [
        (UInt32(9), Key.tab), (10, .enter), (13, .enter), (27, .escape),
        (127, .backspace), (8, .backspace),
        (1, .ctrl("a")), (3, .ctrl("c")), (12, .ctrl("l")), (19, .ctrl("s")), (26, .ctrl("z")),
        (0x61, .char("a")), (0x41, .char("A")), (0x20, .char(" ")), (0x3F, .char("?")),
        (0xE9, .char("é")), (0x4E2D, .char("中")),
    ])
    func characters(code: UInt32, key: Key) {
        #expect(KeyDecoder.decode(character: code) == key)
    }

    @Test(arguments: [UInt32(0), 28, 29, 30, 31, 0x80, 0x9B, 0xD800])
    func ignoredCharacters(code: UInt32) {
        #expect(KeyDecoder.decode(character: code) == nil)
    }

    @Test func specialKeysRoundTrip() {
        let keys: [Key] = [.up, .down, .left, .right, .home, .end, .pageUp, .pageDown, .backTab,
                           .backspace, .enter] + (1...12).map { Key.function($0) }
        for key in keys {
            let code = KeyDecoder.keyCode(for: key)
            #expect(code != nil, "\(key)")
            if let code { #expect(KeyDecoder.decode(keyCode: code) == key) }
        }
    }

    @Test func ncursesValues() {
        // The octal constants of <curses.h>, as ncurses 6 defines them.
        #expect(KeyDecoder.decode(keyCode: 0o402) == .down)
        #expect(KeyDecoder.decode(keyCode: 0o403) == .up)
        #expect(KeyDecoder.decode(keyCode: 0o404) == .left)
        #expect(KeyDecoder.decode(keyCode: 0o405) == .right)
        #expect(KeyDecoder.decode(keyCode: 0o406) == .home)
        #expect(KeyDecoder.decode(keyCode: 0o407) == .backspace)
        #expect(KeyDecoder.decode(keyCode: 0o410 + 1) == .function(1))
        #expect(KeyDecoder.decode(keyCode: 0o410 + 12) == .function(12))
        #expect(KeyDecoder.decode(keyCode: 0o522) == .pageDown)
        #expect(KeyDecoder.decode(keyCode: 0o523) == .pageUp)
        #expect(KeyDecoder.decode(keyCode: 0o527) == .enter)
        #expect(KeyDecoder.decode(keyCode: 0o541) == .backTab)
        #expect(KeyDecoder.decode(keyCode: 0o550) == .end)
    }

    @Test func unknownKeyCodesAreIgnored() {
        #expect(KeyDecoder.decode(keyCode: 0o410 + 13) == nil) // F13
        #expect(KeyDecoder.decode(keyCode: 0o512) == nil) // KEY_DC
        #expect(KeyDecoder.decode(keyCode: KeyDecoder.resizeCode) == nil)
        #expect(KeyDecoder.decode(keyCode: 0o777) == nil)
    }
}
