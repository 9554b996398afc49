import Testing
import VigilCore
@testable import VigilTerminal

/// The bytes of the title and notification sequences.
@Suite struct TerminalEscapesTests {
    @Test func osc9AndOsc777AreExact() {
        #expect(TerminalEscapes.osc9(title: "Vigil: New page", body: "PD-2 SEV1 search: down")
                == "\u{1B}]9;Vigil: New page: PD-2 SEV1 search: down\u{07}")
        #expect(TerminalEscapes.osc777(title: "Vigil: New page", body: "PD-2 a;b")
                == "\u{1B}]777;notify;Vigil: New page;PD-2 a,b\u{07}")
        // A body that would read as ConEmu's progress report ("9;4;…") is never sent as one.
        #expect(TerminalEscapes.osc9(title: "4", body: "x").hasPrefix("\u{1B}]9;Vigil: 4"))
    }

    @Test func controlCharactersCannotEndTheSequenceEarly() {
        let evil = "title\u{07}\u{1B}]2;pwned\u{1B}\\\nmore"
        let seq = TerminalEscapes.osc9(title: "Vigil", body: evil)
        #expect(seq.filter { $0 == "\u{07}" }.count == 1 && seq.last == "\u{07}")
        #expect(seq.filter { $0 == "\u{1B}" }.count == 1)
        #expect(TerminalEscapes.title("a\u{07}b") == "\u{1B}]2;a b\u{07}")
        #expect(TerminalEscapes.clean(String(repeating: "x", count: 500), limit: 10) == "xxxxxxxxxx…")
    }

    @Test func insideTmuxTheSequenceIsPassedThroughWithItsEscapesDoubled() {
        let wrapped = TerminalEscapes.notification(title: "T", body: "B", using: .osc9, term: "tmux-256color", insideTmux: true)
        #expect(wrapped == "\u{1B}Ptmux;\u{1B}\u{1B}]9;T: B\u{07}\u{1B}\\")
    }

    @Test func autoPicksWhatTheTerminalReads() {
        #expect(TerminalEscapes.notification(title: "T", body: "B", using: .auto, term: "foot", insideTmux: false)
                == "\u{1B}]777;notify;T;B\u{07}")
        #expect(TerminalEscapes.notification(title: "T", body: "B", using: .auto, term: "xterm-kitty", insideTmux: false)
                == "\u{1B}]9;T: B\u{07}")
        #expect(TerminalEscapes.notification(title: "T", body: "B", using: .both, term: "xterm", insideTmux: false)
                == "\u{1B}]9;T: B\u{07}\u{1B}]777;notify;T;B\u{07}")
        #expect(!TerminalEscapes.readsOSC(term: "linux") && !TerminalEscapes.readsOSC(term: "vt100"))
        #expect(TerminalEscapes.readsOSC(term: "xterm-256color") && TerminalEscapes.readsOSC(term: "tmux-256color"))
    }
}
