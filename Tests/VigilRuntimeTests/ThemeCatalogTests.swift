import Foundation
import Testing
import VigilCore
import VigilRender
import VigilRuntime

private let t0 = Date(timeIntervalSince1970: 1_795_694_400)

/// A themes directory holding `files` (name → YAML), removed by `remove()`.
private struct ThemesDirectory {
    let url: URL

    init(_ files: [String: String]) throws {
        url = FileManager.default.temporaryDirectory
            .appendingPathComponent("vigil-themes-\(getpid())-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        for (name, yaml) in files { try write(name, yaml) }
    }

    func write(_ name: String, _ yaml: String) throws {
        try yaml.write(to: url.appendingPathComponent("\(name).yaml"), atomically: true, encoding: .utf8)
    }

    func delete(_ name: String) throws { try FileManager.default.removeItem(at: url.appendingPathComponent("\(name).yaml")) }

    func remove() { try? FileManager.default.removeItem(at: url) }
}

private func theme(_ name: String, text: String = "#101010") -> String { "name: \(name)\nroles:\n  text: \"\(text)\"\n" }
private let broken = "name: broken\nroles:\n  severity.critcal: \"#ff0000\"\n"

/// The state `App` starts with for a catalog.
private func state(_ catalog: (list: [LoadedTheme], selected: Int)) -> AppState {
    var state = AppState(now: t0, size: Size(width: 100, height: 30), user: "alice",
                         themeNames: catalog.list.map(\.name))
    state.themeIndex = catalog.selected
    return state
}

/// What `t` does in the runtime loop: reduce, then perform each theme read it asks for.
private func pressT(_ state: inout AppState, _ themes: inout [LoadedTheme]) {
    var effects = reduce(&state, .key(.char("t")))
    while case .loadTheme(let index)? = effects.first {
        let problem = LoadedTheme.load(at: index, &themes, names: state.themeNames)
        effects = reduce(&state, .themeLoaded(index: index, problem: problem))
    }
}

@Suite struct ThemeCatalogTests {
    @Test func startUpReadsOnlyTheSelectedTheme() throws {
        let dir = try ThemesDirectory(["default": theme("default"), "nord": theme("nord"), "light": theme("light")])
        defer { dir.remove() }
        let catalog = try LoadedTheme.catalog(selected: "nord", themesDirectory: dir.url)
        #expect(catalog.list.map(\.name) == ["default", "light", "nord"])
        #expect(catalog.selected == 2)
        // Read later: what the files hold when the theme is first shown, not at start-up.
        try dir.write("light", theme("light", text: "#202020"))
        try dir.delete("default")
        try dir.delete("nord")
        #expect(catalog.list[1].forDepth(.truecolor)?[.text].fg == .rgb(0x20, 0x20, 0x20))
        #expect(catalog.list[2].forDepth(.truecolor)?[.text].fg == .rgb(0x10, 0x10, 0x10))
        // A "default" that cannot be read is the built-in default, as before.
        #expect(catalog.list[0].load() == nil)
        #expect(catalog.list[0].forDepth(.truecolor) == Theme.builtinDefault.mapped(to: .truecolor))
    }

    @Test func aBrokenSelectedThemeIsAnErrorAtStartUp() throws {
        let dir = try ThemesDirectory(["default": theme("default"), "broken": broken])
        defer { dir.remove() }
        #expect(throws: ThemeError.self) { try LoadedTheme.catalog(selected: "broken", themesDirectory: dir.url) }
        #expect(throws: ThemeError.self) { try LoadedTheme.catalog(selected: "nope", themesDirectory: dir.url) }
        #expect(try LoadedTheme.catalog(selected: "default", themesDirectory: dir.url).list.count == 2)
    }

    @Test func withoutAThemesDirectoryTheDefaultIsBuiltIn() throws {
        let catalog = try LoadedTheme.catalog(selected: "default", themesDirectory: nil)
        #expect(catalog.list.map(\.name) == ["default"])
        #expect(catalog.selected == 0)
        #expect(catalog.list[0].forDepth(.indexed256) == Theme.builtinDefault.mapped(to: .indexed256))
    }

    @Test func aThemeFileOutsideTheDirectoryIsAddedAtTheEnd() throws {
        let dir = try ThemesDirectory(["default": theme("default")])
        let elsewhere = try ThemesDirectory(["mine": theme("mine")])
        defer { dir.remove(); elsewhere.remove() }
        let path = elsewhere.url.appendingPathComponent("mine.yaml").path
        let catalog = try LoadedTheme.catalog(selected: path, themesDirectory: dir.url)
        #expect(catalog.list.map(\.name) == ["default", "mine"])
        #expect(catalog.selected == 1)
    }

    @Test func tSkipsABrokenThemeAsIfItWereNotThere() throws {
        let dir = try ThemesDirectory(["a": theme("a"), "b": broken, "c": theme("c")])
        defer { dir.remove() }
        var (themes, selected) = try LoadedTheme.catalog(selected: "a", themesDirectory: dir.url)
        var state = state((themes, selected))
        #expect(state.themeNames == ["a", "b", "c"])  // b is not read yet

        pressT(&state, &themes)
        #expect(themes.map(\.name) == ["a", "c"])
        #expect(state.themeNames == ["a", "c"])
        #expect(state.themeName == "c")
        #expect(state.flash?.text == "theme: c")
        #expect(themes[state.themeIndex].forDepth(.truecolor) != nil)

        pressT(&state, &themes)
        #expect(state.themeName == "a")
        #expect(state.flash?.text == "theme: a")
    }

    @Test func tSkipsBrokenThemesWhenItWrapsAround() throws {
        let dir = try ThemesDirectory(["a": broken, "b": broken, "c": theme("c"), "d": theme("d")])
        defer { dir.remove() }
        var (themes, selected) = try LoadedTheme.catalog(selected: "d", themesDirectory: dir.url)
        var state = state((themes, selected))
        pressT(&state, &themes)
        #expect(state.themeNames == ["c", "d"])
        #expect(state.themeName == "c")
        pressT(&state, &themes)
        #expect(state.themeName == "d")
    }

    @Test func tStaysOnTheOnlyReadableTheme() throws {
        let dir = try ThemesDirectory(["a": theme("a"), "b": broken])
        defer { dir.remove() }
        var (themes, selected) = try LoadedTheme.catalog(selected: "a", themesDirectory: dir.url)
        var state = state((themes, selected))
        pressT(&state, &themes)
        #expect(state.themeNames == ["a"])
        #expect(state.themeName == "a")
        #expect(state.flash?.text == "theme: a")
    }

    @Test func monochromeKeepsItsSingleName() throws {
        let dir = try ThemesDirectory(["a": theme("a"), "b": broken])
        defer { dir.remove() }
        var (themes, _) = try LoadedTheme.catalog(selected: "a", themesDirectory: dir.url)
        var state = AppState(now: t0, size: Size(width: 100, height: 30), user: "alice", themeNames: ["monochrome"])
        pressT(&state, &themes)
        #expect(themes.count == 2)
        #expect(state.themeNames == ["monochrome"])
    }
}
