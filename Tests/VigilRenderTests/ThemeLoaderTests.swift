import Foundation
import Testing
@testable import VigilRender

/// The repository's themes/ directory.
let themesDirectory = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("themes")

/// Loads YAML and returns the error it throws (nil when it loads).
func themeError(_ yaml: String, file: String = "themes/bad.yaml") -> ThemeError? {
    do {
        _ = try ThemeLoader.load(yaml: yaml, file: file)
        return nil
    } catch {
        return error
    }
}

@Suite struct ThemeFiles {
    @Test func theRepositoryShipsTheExpectedThemes() {
        let names = ThemeLoader.available(in: themesDirectory)
        #expect(names == names.sorted())
        for name in ["ansi16", "default", "high-contrast", "light"] { #expect(names.contains(name)) }
    }

    @Test(arguments: ThemeLoader.available(in: themesDirectory))
    func everyThemeFileLoadsAndCoversEveryRole(name: String) throws {
        let doc = try ThemeLoader.document(nameOrPath: name, themesDirectory: themesDirectory)
        #expect(doc.theme.name == name)
        for role in Role.allCases {
            // Every role resolves, from the file or the built-in default, at every depth.
            #expect(doc.theme.styles[role] != nil || Theme.builtinDefault.styles[role] != nil, "\(name): \(role)")
            for depth in ColorDepth.allCases {
                #expect(doc.theme(for: depth).styles[role] != nil, "\(name) \(depth): \(role)")
            }
        }
        // ansi16 overrides are ANSI colours only.
        for o in doc.ansi16.values {
            for c in [o.fg, o.bg].compactMap({ $0 }) {
                if case .ansi = c { continue }
                #expect(c == .default)
            }
        }
    }

    @Test func defaultYamlIsTheBuiltinDefault() throws {
        let theme = try ThemeLoader.load(nameOrPath: "default", themesDirectory: themesDirectory)
        for role in Role.allCases {
            #expect(theme.styles[role] == Theme.builtinDefault.styles[role], "\(role.rawValue)")
        }
    }

    @Test func ansi16ThemeUsesOnlyTheSixteenColours() throws {
        let theme = try ThemeLoader.load(nameOrPath: "ansi16", themesDirectory: themesDirectory)
        for role in Role.allCases {
            for c in [theme[role].fg, theme[role].bg] {
                switch c {
                case .default, .ansi: break
                default: Issue.record("\(role.rawValue) uses \(c)")
                }
            }
        }
    }

    @Test func aPathLoadsTheFile() throws {
        let path = themesDirectory.appendingPathComponent("light.yaml").path
        let theme = try ThemeLoader.load(nameOrPath: path, themesDirectory: nil)
        #expect(theme.name == "light")
    }
}

@Suite struct ThemeFormat {
    @Test func paletteRolesAndStyleMappings() throws {
        let doc = try ThemeLoader.document(yaml: """
            name: mine
            palette:
              frost: "#88C0D0"
              hot: 196
              alias: frost
            roles:
              text: frost
              severity.critical: {fg: hot, bg: black, attrs: [bold, underline]}
              selection: {bg: "#000080", attrs: reverse}
              panel.border: brightblack
              label: default
            ansi16:
              severity.critical: brightred
              selection: {fg: brightwhite, bg: blue}
            """, file: "mine.yaml")
        let t = doc.theme
        #expect(t.name == "mine")
        #expect(t[.text] == Style(fg: .rgb(0x88, 0xC0, 0xD0)))
        #expect(t[.severityCritical] == Style(fg: .indexed(196), bg: .ansi(0), attrs: [.bold, .underline]))
        #expect(t[.selection] == Style(bg: .rgb(0, 0, 0x80), attrs: .reverse))
        #expect(t[.border] == Style(fg: .ansi(8)))
        #expect(t[.label] == Style())
        // A missing role falls back to the built-in default.
        #expect(t.styles[.value] == nil)
        #expect(t[.value] == Theme.builtinDefault[.value])
        #expect(doc.ansi16[.severityCritical] == ANSI16Override(fg: .ansi(9)))
        #expect(doc.ansi16[.selection] == ANSI16Override(fg: .ansi(15), bg: .ansi(4)))
    }

    @Test func theNameDefaultsToTheFileName() throws {
        #expect(try ThemeLoader.load(yaml: "roles: {text: red}", file: "/x/y/solar.yaml").name == "solar")
    }

    @Test func anEmptyRolesSectionIsAllDefaults() throws {
        let t = try ThemeLoader.load(yaml: "name: bare\nroles:\n", file: "bare.yaml")
        #expect(t.styles.isEmpty)
        #expect(t[.selection] == Theme.builtinDefault[.selection])
    }
}

@Suite struct ThemeErrors {
    @Test func unknownRoleNamesFileLineKeyAndTheNearestRole() throws {
        let e = try #require(themeError("""
            name: bad
            roles:
              text: red
              severity.critcal: red
            """))
        #expect(e.line == 4)
        #expect(e.key == "roles.severity.critcal")
        #expect(e.problem == .unknownRole("severity.critcal", nearest: "severity.critical"))
        #expect(e.description.hasPrefix("themes/bad.yaml:4: roles.severity.critcal: unknown role 'severity.critcal'"))
        #expect(e.description.contains("did you mean 'severity.critical'?"))
    }

    @Test func nestedRoleKeysAreExplained() throws {
        let e = try #require(themeError("roles:\n  severity:\n    critical: red\n"))
        #expect(e.line == 2)
        #expect(e.description.contains("roles are written as dotted keys"))
    }

    @Test func badColourSaysWhatIsExpected() throws {
        let e = try #require(themeError("""
            palette:
              ok: "#112233"
              broken: "#12345"
            """))
        #expect(e.line == 3)
        #expect(e.key == "palette.broken")
        #expect(e.problem == .badColor("#12345"))
        #expect(e.description == "themes/bad.yaml:3: palette.broken: bad colour '#12345'; "
            + "expected #RRGGBB, 0-255 or an ANSI name such as brightred")
    }

    @Test func anIndexAbove255IsABadColour() throws {
        let e = try #require(themeError("roles:\n  text: 300\n"))
        #expect(e.line == 2)
        #expect(e.problem == .badColor("300"))
    }

    @Test func anUnquotedHashIsAComment() throws {
        let e = try #require(themeError("palette:\n  frost: #88C0D0\n"))
        #expect(e.line == 2)
        #expect(e.key == "palette.frost")
        #expect(e.description.contains("write \"#88C0D0\" in quotes"))
    }

    @Test func unknownPaletteReferenceSuggestsTheNearestName() throws {
        let e = try #require(themeError("""
            palette:
              frost: "#88C0D0"
            roles:
              text: {fg: frsot}
            """))
        #expect(e.line == 4)
        #expect(e.key == "roles.text.fg")
        #expect(e.problem == .unknownPaletteReference("frsot", nearest: "frost"))
        #expect(e.description.contains("did you mean 'frost'?"))
        #expect(e.description.contains("define it under palette:"))
    }

    @Test func unknownAttributeListsTheValidOnes() throws {
        let e = try #require(themeError("""
            roles:
              selection:
                bg: blue
                attrs: [bold, blod]
            """))
        #expect(e.line == 4)
        #expect(e.key == "roles.selection.attrs")
        #expect(e.problem == .unknownAttribute("blod", nearest: "bold"))
        #expect(e.description.contains("bold, dim, underline, reverse, italic, blink"))
    }

    @Test func unknownStyleKeyAndTopLevelKey() throws {
        let a = try #require(themeError("roles:\n  text: {fg: red, colour: blue}\n"))
        #expect(a.line == 2)
        #expect(a.problem == .unknownKey("colour", valid: ["fg", "bg", "attrs"]))
        let b = try #require(themeError("name: x\npallete:\n  a: red\n"))
        #expect(b.line == 2)
        #expect(b.description.contains("did you mean 'palette'?"))
    }

    @Test func ansi16TakesOnlyANSIColours() throws {
        let e = try #require(themeError("ansi16:\n  text: \"#ff0000\"\n"))
        #expect(e.line == 2)
        #expect(e.key == "ansi16.text")
        #expect(e.problem == .notANSIColor("#ff0000"))
        // A palette that reuses an ANSI name does not change what the name means under ansi16.
        let doc = try ThemeLoader.document(yaml: "palette: {white: 231}\nansi16: {text: white}\n", file: "ok.yaml")
        #expect(doc.ansi16[.text] == ANSI16Override(fg: .ansi(7)))
    }

    @Test func yamlSyntaxErrorCarriesLineAndColumn() throws {
        let e = try #require(themeError("""
            name: bad
            roles:
              text: [red
              label: blue
            """))
        guard case .syntax = e.problem else { Issue.record("\(e.problem)"); return }
        #expect(e.line != nil)
        #expect(e.column != nil)
        #expect(e.description.hasPrefix("themes/bad.yaml:"))
        #expect(e.description.contains("YAML syntax error"))
    }

    @Test func badIndentationIsASyntaxErrorOnItsLine() throws {
        let e = try #require(themeError("roles:\n  text: red\n label: blue\n"))
        guard case .syntax = e.problem else { Issue.record("\(e.problem)"); return }
        #expect(e.line == 3)
    }

    @Test func missingFileListsTheAvailableThemes() throws {
        do {
            _ = try ThemeLoader.load(nameOrPath: "nrod", themesDirectory: themesDirectory)
            Issue.record("loaded a theme that does not exist")
        } catch {
            #expect(error.file.hasSuffix("themes/nrod.yaml"))
            #expect(error.description.contains("theme 'nrod' not found"))
            #expect(error.description.contains("Available themes: "))
            #expect(error.description.contains("default"))
            #expect(error.description.contains("high-contrast"))
            #expect(error.description.contains("Did you mean 'nord'?"))
        }
    }

    @Test func aMissingPathIsAMissingFile() throws {
        do {
            _ = try ThemeLoader.load(nameOrPath: "/nonexistent/mine.yaml", themesDirectory: themesDirectory)
            Issue.record("loaded a theme that does not exist")
        } catch {
            #expect(error.file == "/nonexistent/mine.yaml")
            guard case .missingFile = error.problem else { Issue.record("\(error.problem)"); return }
        }
    }

    @Test func aListAtTheTopIsTheWrongShape() throws {
        let e = try #require(themeError("- red\n- blue\n"))
        #expect(e.line == 1)
        #expect(e.description.contains("expected a mapping"))
    }
}

@Suite struct LocatingThemes {
    let repoRoot = themesDirectory.deletingLastPathComponent().path

    @Test func explicitThenEnvironmentThenWorkingDirectory() {
        let explicit = ThemeLoader.locateThemesDirectory(
            explicit: "/opt/mine", environment: ["VIGIL_THEMES": "/env/themes"], currentDirectory: "/",
            executablePath: nil, sourceFile: "/nowhere/a/b.swift")
        #expect(explicit?.path == "/opt/mine")
        let env = ThemeLoader.locateThemesDirectory(
            explicit: nil, environment: ["VIGIL_THEMES": "/env/themes"], currentDirectory: "/",
            executablePath: nil, sourceFile: "/nowhere/a/b.swift")
        #expect(env?.path == "/env/themes")
        let cwd = ThemeLoader.locateThemesDirectory(
            explicit: nil, environment: [:], currentDirectory: repoRoot, executablePath: nil,
            sourceFile: "/nowhere/a/b.swift")
        #expect(cwd?.standardizedFileURL.path == themesDirectory.standardizedFileURL.path)
    }

    @Test func walksUpFromTheExecutable() {
        let found = ThemeLoader.locateThemesDirectory(
            explicit: nil, environment: [:], currentDirectory: "/",
            executablePath: repoRoot + "/.build/debug/vigil", sourceFile: "/nowhere/a/b.swift")
        #expect(found?.standardizedFileURL.path == themesDirectory.standardizedFileURL.path)
    }

    @Test func fallsBackToTheSourceTree() {
        let found = ThemeLoader.locateThemesDirectory(
            explicit: nil, environment: [:], currentDirectory: "/", executablePath: "/usr/bin/vigil",
            sourceFile: repoRoot + "/Sources/VigilRender/ThemeLoader.swift")
        #expect(found?.standardizedFileURL.path == themesDirectory.standardizedFileURL.path)
        let none = ThemeLoader.locateThemesDirectory(
            explicit: nil, environment: [:], currentDirectory: "/", executablePath: "/usr/bin/vigil",
            sourceFile: "/nowhere/Sources/VigilRender/ThemeLoader.swift")
        #expect(none == nil)
    }

    @Test func thePublicEntryPointFindsTheRepositoryThemes() {
        #expect(ThemeLoader.locateThemesDirectory(explicit: nil) != nil)
    }
}
