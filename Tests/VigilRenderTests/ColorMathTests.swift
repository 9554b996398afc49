import Testing
@testable import VigilRender

@Suite struct ColorMathTests {
    @Test func indexedToRGB() {
        #expect(ColorMath.rgb(ofIndexed: 1) == (205, 0, 0))
        #expect(ColorMath.rgb(ofIndexed: 16) == (0, 0, 0))
        #expect(ColorMath.rgb(ofIndexed: 196) == (255, 0, 0))
        #expect(ColorMath.rgb(ofIndexed: 75) == (95, 175, 255))
        #expect(ColorMath.rgb(ofIndexed: 231) == (255, 255, 255))
        #expect(ColorMath.rgb(ofIndexed: 232) == (8, 8, 8))
        #expect(ColorMath.rgb(ofIndexed: 255) == (238, 238, 238))
    }

    @Test func every256ColourMapsBackToItselfFrom16On() {
        for i in 16...255 {
            let (r, g, b) = ColorMath.rgb(ofIndexed: UInt8(i))
            #expect(ColorMath.nearest256(r: r, g: g, b: b) == UInt8(i), "index \(i)")
        }
    }

    @Test func rgbToNearest256() {
        #expect(ColorMath.nearest256(r: 0x88, g: 0xC0, b: 0xD0) == 110)   // nord frost → muted blue
        #expect(ColorMath.nearest256(r: 0x30, g: 0x30, b: 0x30) == 236)   // dark grey → grey ramp
        #expect(ColorMath.nearest256(r: 0xFF, g: 0x00, b: 0x00) == 196)
        #expect(ColorMath.nearest256(r: 0xFF, g: 0xFF, b: 0xFF) == 231)
        #expect(ColorMath.nearest256(r: 0x00, g: 0x00, b: 0x00) == 16)
        #expect(ColorMath.nearest256(r: 0x80, g: 0x80, b: 0x80) == 244)
    }

    @Test func sixteenColoursKeepTheHue() {
        #expect(ColorMath.nearestANSI16(r: 0, g: 0, b: 0) == 0)
        #expect(ColorMath.nearestANSI16(r: 255, g: 255, b: 255) == 15)
        #expect(ColorMath.nearestANSI16(r: 128, g: 128, b: 128) == 8)
        #expect(ColorMath.nearestANSI16(r: 205, g: 0, b: 0) == 1)
        #expect(ColorMath.nearestANSI16(r: 255, g: 0, b: 0) == 9)
        #expect(ColorMath.nearestANSI16(r: 0xBF, g: 0x61, b: 0x6A) == 1)    // nord red stays red, not grey
        #expect(ColorMath.nearestANSI16(r: 0xA3, g: 0xBE, b: 0x8C) == 10)   // nord green
        #expect(ColorMath.nearestANSI16(r: 0x88, g: 0xC0, b: 0xD0) == 14)   // nord frost → bright cyan
        #expect(ColorMath.nearestANSI16(r: 0xD8, g: 0xDE, b: 0xE9) == 7)    // nord snow → white
        #expect(ColorMath.nearestANSI16(r: 0x2E, g: 0x34, b: 0x40) == 0)    // nord night → black
        #expect(ColorMath.nearestANSI16(r: 0, g: 0, b: 238) == 4)
        // Every ANSI colour's own RGB maps back to it.
        for (i, c) in ColorMath.ansiRGB.enumerated() {
            #expect(ColorMath.nearestANSI16(r: c.0, g: c.1, b: c.2) == UInt8(i), "ANSI \(i)")
        }
    }
}

@Suite struct ThemeMappingTests {
    let theme = Theme(name: "t", styles: [
        .text: Style(fg: .rgb(0x88, 0xC0, 0xD0)),
        .selection: Style(fg: .rgb(255, 255, 255), bg: .indexed(24), attrs: .bold),
        .severityCritical: Style(fg: .rgb(0xBF, 0x61, 0x6A), attrs: .bold),
        .border: Style(fg: .ansi(8)),
    ])

    @Test func truecolorKeepsEverything() {
        let m = theme.mapped(to: .truecolor)
        #expect(m[.text] == theme[.text])
        #expect(m[.selection] == theme[.selection])
        #expect(m.name == "t")
    }

    @Test func mappingFillsEveryRole() {
        for depth in ColorDepth.allCases {
            #expect(Set(theme.mapped(to: depth).styles.keys) == Set(Role.allCases), "\(depth)")
        }
    }

    @Test func twoFiftySixMapsRGBToIndices() {
        let m = theme.mapped(to: .indexed256)
        #expect(m[.text] == Style(fg: .indexed(110)))
        #expect(m[.selection] == Style(fg: .indexed(231), bg: .indexed(24), attrs: .bold))
        #expect(m[.border] == Style(fg: .ansi(8)))
        for role in Role.allCases {
            for c in [m[role].fg, m[role].bg] {
                if case .rgb = c { Issue.record("\(role) still rgb") }
            }
        }
    }

    @Test func sixteenUsesOverridesWhereGiven() {
        let m = theme.mapped(to: .ansi16, ansi16: [.severityCritical: ANSI16Override(fg: .ansi(9))])
        #expect(m[.severityCritical] == Style(fg: .ansi(9), attrs: .bold))
        #expect(m[.text] == Style(fg: .ansi(14)))
        #expect(m[.selection] == Style(fg: .ansi(15), bg: .ansi(6), attrs: .bold))
        // A role the theme leaves out is mapped from the built-in default, not left indexed.
        #expect(m[.statusResolved] == Style(fg: .ansi(10)))
        for role in Role.allCases {
            for c in [m[role].fg, m[role].bg] {
                switch c {
                case .ansi, .default: break
                default: Issue.record("\(role) is \(c)")
                }
            }
        }
    }

    @Test func documentsApplyTheirOverrides() throws {
        let doc = try ThemeLoader.document(nameOrPath: "default", themesDirectory: themesDirectory)
        #expect(doc.theme(for: .ansi16)[.severityCritical].fg == .ansi(9))
        #expect(doc.theme(for: .ansi16)[.selection] == Style(fg: .ansi(15), bg: .ansi(4), attrs: .bold))
        #expect(doc.theme(for: .indexed256) == Theme.builtinDefault.mapped(to: .indexed256))
    }

    @Test func monoDropsColourButKeepsMeaning() {
        let m = theme.mapped(to: .mono)
        for role in Role.allCases {
            #expect(m[role].fg == .default && m[role].bg == .default, "\(role)")
            #expect(m[role].attrs.isSuperset(of: Theme.monochrome[role].attrs), "\(role)")
        }
        #expect(m[.selection].attrs.contains(.reverse))
        #expect(m[.selection].attrs.contains(.bold))           // the theme's own attribute stays
        #expect(m[.borderFocused].attrs.contains(.bold))
        #expect(m[.severityCritical].attrs == [.bold, .underline])
    }
}
