import CNcursesw
import VigilCore

/// Turns what `wget_wch` returns into a `Key`. Pure: no terminal needed.
public enum KeyDecoder {
    /// Decodes a character `wget_wch` returned with `OK`. Control characters map to Tab, Enter,
    /// Esc, Backspace or `.ctrl(letter)`; other control characters give `nil`.
    public static func decode(character code: UInt32) -> Key? {
        switch code {
        case 8, 127: return .backspace
        case 9: return .tab
        case 10, 13: return .enter
        case 27: return .escape
        case 1...26:
            guard let scalar = Unicode.Scalar(code + 0x60) else { return nil }
            return .ctrl(Character(scalar))
        case 0, 28...31, 0x80...0x9F: return nil
        default:
            guard let scalar = Unicode.Scalar(code) else { return nil }
            return .char(Character(scalar))
        }
    }

    /// Decodes a key code `wget_wch` returned with `KEY_CODE_YES` (`KEY_UP`, `KEY_F(3)`, …).
    /// Unknown codes and `KEY_RESIZE` give `nil`.
    public static func decode(keyCode code: Int32) -> Key? {
        switch code {
        case KEY_UP: return .up
        case KEY_DOWN: return .down
        case KEY_LEFT: return .left
        case KEY_RIGHT: return .right
        case KEY_HOME: return .home
        case KEY_END: return .end
        case KEY_PPAGE: return .pageUp
        case KEY_NPAGE: return .pageDown
        case KEY_ENTER: return .enter
        case KEY_BTAB: return .backTab
        case KEY_BACKSPACE: return .backspace
        default:
            let f1 = vigil_key_f(1)
            if code >= f1 && code <= vigil_key_f(12) { return .function(Int(code - f1) + 1) }
            return nil
        }
    }

    /// The ncurses code of a special key, for tests and for feeding input by hand.
    public static func keyCode(for key: Key) -> Int32? {
        switch key {
        case .up: return KEY_UP
        case .down: return KEY_DOWN
        case .left: return KEY_LEFT
        case .right: return KEY_RIGHT
        case .home: return KEY_HOME
        case .end: return KEY_END
        case .pageUp: return KEY_PPAGE
        case .pageDown: return KEY_NPAGE
        case .backTab: return KEY_BTAB
        case .backspace: return KEY_BACKSPACE
        case .enter: return KEY_ENTER
        case .function(let n) where (1...12).contains(n): return vigil_key_f(Int32(n))
        default: return nil
        }
    }

    /// The ncurses code `wget_wch` returns for a resize (`KEY_RESIZE`).
    public static var resizeCode: Int32 { vigil_key_resize() }
}
