import Foundation
import VigilCore
import Yams
import VigilYAML

/// A theme as read from a file: the styles, plus the hand-picked colours for 16-colour terminals.
public struct ThemeDocument: Sendable, Equatable {
    /// The styles the file gives (missing roles fall back to `Theme.builtinDefault`).
    public var theme: Theme
    /// The file's `ansi16:` section: colours to use instead of the automatic mapping on a
    /// 16-colour terminal.
    public var ansi16: [Role: ANSI16Override]

    /// Creates a document.
    public init(theme: Theme, ansi16: [Role: ANSI16Override] = [:]) { self.theme = theme; self.ansi16 = ansi16 }

    /// The theme mapped to a colour depth, using the `ansi16:` overrides on 16-colour terminals.
    public func theme(for depth: ColorDepth) -> Theme { theme.mapped(to: depth, ansi16: ansi16) }
}

/// Reads theme files (YAML: `name`, `palette`, `roles`, optional `ansi16`) and finds the themes
/// directory. See `themes/default.yaml` for the format.
public enum ThemeLoader {
    /// Parses a theme from YAML text; `file` names it in errors (and gives the name when the text
    /// has no `name:`).
    public static func load(yaml: String, file: String) throws(ThemeError) -> Theme {
        try document(yaml: yaml, file: file).theme
    }

    /// Parses a theme with its `ansi16:` overrides from YAML text.
    public static func document(yaml: String, file: String) throws(ThemeError) -> ThemeDocument {
        try ThemeParser(file: file).parse(yaml)
    }

    /// Loads a theme by name (`nord` → `<themesDirectory>/nord.yaml`) or by path (anything with a
    /// `/` or ending in `.yaml`/`.yml`).
    public static func load(nameOrPath: String, themesDirectory: URL?) throws(ThemeError) -> Theme {
        try document(nameOrPath: nameOrPath, themesDirectory: themesDirectory).theme
    }

    /// Loads a theme with its `ansi16:` overrides by name or path (see `load(nameOrPath:themesDirectory:)`).
    public static func document(nameOrPath: String, themesDirectory: URL?) throws(ThemeError) -> ThemeDocument {
        let fm = FileManager.default
        let available = themesDirectory.map { self.available(in: $0) } ?? []
        let url: URL
        if isPath(nameOrPath) {
            var path = nameOrPath
            if path.hasPrefix("~/"), let home = ProcessInfo.processInfo.environment["HOME"] {
                path = home + path.dropFirst(1)
            }
            url = URL(fileURLWithPath: path)
        } else {
            guard let dir = themesDirectory else {
                throw ThemeError(file: "\(nameOrPath).yaml", problem: .missingFile(nameOrPath, available: []))
            }
            let yml = dir.appendingPathComponent("\(nameOrPath).yml")
            let yaml = dir.appendingPathComponent("\(nameOrPath).yaml")
            url = !fm.fileExists(atPath: yaml.path) && fm.fileExists(atPath: yml.path) ? yml : yaml
        }
        var isDirectory: ObjCBool = false
        guard fm.fileExists(atPath: url.path, isDirectory: &isDirectory), !isDirectory.boolValue else {
            throw ThemeError(file: url.path, problem: .missingFile(nameOrPath, available: available))
        }
        let text: String
        do {
            text = try String(contentsOf: url, encoding: .utf8)
        } catch {
            throw ThemeError(file: url.path, problem: .unreadable(reason: "\(error.localizedDescription)"))
        }
        return try document(yaml: text, file: url.path)
    }

    /// Names of the themes in a directory (`*.yaml`, `*.yml`, without the extension), sorted.
    public static func available(in directory: URL) -> [String] {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: directory.path) else { return [] }
        var names = Set<String>()
        for entry in entries where !entry.hasPrefix(".") {
            for ext in [".yaml", ".yml"] where entry.hasSuffix(ext) {
                names.insert(String(entry.dropLast(ext.count)))
            }
        }
        return names.sorted()
    }

    /// Where the themes live. In order: `explicit` (a `--themes` option), `$VIGIL_THEMES`,
    /// `./themes`, a `themes/` holding `default.yaml` in the executable's directory or one of its
    /// parents, and the source tree's `themes/` (for `swift run`). Nil when none exists.
    public static func locateThemesDirectory(explicit: String?) -> URL? {
        let exe = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")
        return locateThemesDirectory(explicit: explicit, environment: ProcessInfo.processInfo.environment,
                                     currentDirectory: FileManager.default.currentDirectoryPath,
                                     executablePath: exe ?? CommandLine.arguments.first,
                                     sourceFile: #filePath)
    }

    /// `locateThemesDirectory(explicit:)` with every input given, for tests.
    static func locateThemesDirectory(explicit: String?, environment: [String: String], currentDirectory: String,
                                      executablePath: String?, sourceFile: String) -> URL? {
        let fm = FileManager.default
        func isDirectory(_ url: URL) -> Bool {
            var dir: ObjCBool = false
            return fm.fileExists(atPath: url.path, isDirectory: &dir) && dir.boolValue
        }
        func hasDefault(_ url: URL) -> Bool { fm.fileExists(atPath: url.appendingPathComponent("default.yaml").path) }

        // Asked for by name: used even if it does not exist, so the error names it.
        if let explicit, !explicit.isEmpty { return URL(fileURLWithPath: explicit, isDirectory: true) }
        if let env = environment["VIGIL_THEMES"], !env.isEmpty { return URL(fileURLWithPath: env, isDirectory: true) }

        let cwd = URL(fileURLWithPath: currentDirectory, isDirectory: true).appendingPathComponent("themes")
        if isDirectory(cwd) { return cwd }

        if let exe = executablePath, !exe.isEmpty {
            var dir = URL(fileURLWithPath: exe).deletingLastPathComponent()
            for _ in 0..<8 {
                let candidate = dir.appendingPathComponent("themes")
                if hasDefault(candidate) { return candidate }
                let parent = dir.deletingLastPathComponent()
                if parent.path == dir.path { break }
                dir = parent
            }
        }

        let source = URL(fileURLWithPath: sourceFile)
            .deletingLastPathComponent()   // Sources/VigilRender
            .deletingLastPathComponent()   // Sources
            .deletingLastPathComponent()   // package root
            .appendingPathComponent("themes")
        return hasDefault(source) ? source : nil
    }

    private static func isPath(_ s: String) -> Bool {
        s.contains("/") || s.hasSuffix(".yaml") || s.hasSuffix(".yml")
    }
}

/// The spellings a theme file may use for colours and attributes.
enum ThemeSyntax {
    /// ANSI colour names and their numbers.
    static let ansiNames: [(String, UInt8)] = [
        ("black", 0), ("red", 1), ("green", 2), ("yellow", 3), ("blue", 4), ("magenta", 5), ("cyan", 6),
        ("white", 7), ("brightblack", 8), ("gray", 8), ("grey", 8), ("brightred", 9), ("brightgreen", 10),
        ("brightyellow", 11), ("brightblue", 12), ("brightmagenta", 13), ("brightcyan", 14), ("brightwhite", 15),
    ]

    /// Attribute names.
    static let attributeNames: [(String, Attributes)] = [
        ("bold", .bold), ("dim", .dim), ("underline", .underline), ("reverse", .reverse), ("italic", .italic),
        ("blink", .blink),
    ]

    /// A colour literal: `#RRGGBB`, `0`–`255`, an ANSI name, or `default`. Nil when it is none.
    static func color(_ text: String) -> Color? {
        let s = text.trimmingCharacters(in: .whitespaces)
        if s.hasPrefix("#") {
            let hex = s.dropFirst()
            guard hex.count == 6, let v = UInt32(hex, radix: 16) else { return nil }
            return .rgb(UInt8((v >> 16) & 0xFF), UInt8((v >> 8) & 0xFF), UInt8(v & 0xFF))
        }
        if !s.isEmpty, s.allSatisfy(\.isASCII), s.allSatisfy(\.isNumber) {
            guard let n = Int(s), (0...255).contains(n) else { return nil }
            return .indexed(UInt8(n))
        }
        let name = s.lowercased().filter { $0 != "-" && $0 != "_" && $0 != " " }
        if name == "default" { return .default }
        return ansiNames.first { $0.0 == name }.map { .ansi($0.1) }
    }

    /// True when the text was meant as a colour literal (so a typo is a bad colour, not a
    /// palette reference).
    static func looksLikeColorLiteral(_ s: String) -> Bool {
        s.hasPrefix("#") || (!s.isEmpty && s.allSatisfy { $0.isASCII && ($0.isNumber || $0 == "-") })
    }
}

/// Walks the YAML node tree of one theme file.
private struct ThemeParser {
    let file: String

    var reader: YAMLReader<ThemeProblem> { YAMLReader(file: file) }

    func error(_ node: Node?, _ key: String?, _ problem: ThemeProblem) -> ThemeError {
        reader.error(node, key, problem)
    }

    func parse(_ yaml: String) throws(ThemeError) -> ThemeDocument {
        let root = try reader.compose(yaml)
        guard let root else {
            throw ThemeError(file: file, line: 1, problem: .wrongShape(expected: "a mapping with palette: and roles: (the file is empty)"))
        }
        guard let top = root.mapping else {
            throw error(root, nil, .wrongShape(expected: "a mapping with name:, palette: and roles: at the top level"))
        }

        var name = defaultName
        var paletteNode: Node?
        var rolesNode: Node?
        var ansiNode: Node?
        let topKeys = ["name", "description", "palette", "roles", "ansi16"]
        for (k, v) in top {
            let key = k.string ?? ""
            switch key {
            case "name":
                guard let s = v.scalar?.string, !s.isEmpty else { throw error(v, "name", .wrongShape(expected: "a theme name")) }
                name = s
            case "description": break
            case "palette": paletteNode = v
            case "roles": rolesNode = v
            case "ansi16": ansiNode = v
            default: throw error(k, key, .unknownKey(key, valid: topKeys))
            }
        }

        let palette = try parsePalette(paletteNode)
        var styles: [Role: Style] = [:]
        if let rolesNode, !isNull(rolesNode) {
            guard let roles = rolesNode.mapping else {
                throw error(rolesNode, "roles", .wrongShape(expected: "a mapping of role names to colours or styles"))
            }
            for (k, v) in roles {
                let role = try parseRole(k, section: "roles")
                styles[role] = try parseStyle(v, key: "roles.\(role.rawValue)", palette: palette)
            }
        }
        var overrides: [Role: ANSI16Override] = [:]
        if let ansiNode, !isNull(ansiNode) {
            guard let ansi = ansiNode.mapping else {
                throw error(ansiNode, "ansi16", .wrongShape(expected: "a mapping of role names to ANSI colour names"))
            }
            for (k, v) in ansi {
                let role = try parseRole(k, section: "ansi16")
                overrides[role] = try parseOverride(v, key: "ansi16.\(role.rawValue)", palette: palette)
            }
        }
        return ThemeDocument(theme: Theme(name: name, styles: styles), ansi16: overrides)
    }

    var defaultName: String {
        var base = Substring(file.split(separator: "/").last ?? Substring(file))
        for ext in [".yaml", ".yml"] where base.hasSuffix(ext) { base = base.dropLast(ext.count) }
        return base.isEmpty ? "custom" : String(base)
    }

    func isNull(_ node: Node) -> Bool { reader.isNull(node) }

    func parsePalette(_ node: Node?) throws(ThemeError) -> [String: Color] {
        guard let node, !isNull(node) else { return [:] }
        guard let map = node.mapping else {
            throw error(node, "palette", .wrongShape(expected: "a mapping of names to colours, e.g. frost: \"#88C0D0\""))
        }
        var palette: [String: Color] = [:]
        for (k, v) in map {
            let name = k.string ?? ""
            let key = "palette.\(name)"
            guard let text = v.scalar?.string else {
                throw error(v, key, .wrongShape(expected: "a colour (\(ThemeProblem.colourHint))"))
            }
            // A palette entry may name an earlier one.
            if let c = palette[text] ?? ThemeSyntax.color(text) {
                palette[name] = c
            } else {
                throw error(v, key, .badColor(text))
            }
        }
        return palette
    }

    func parseRole(_ keyNode: Node, section: String) throws(ThemeError) -> Role {
        let name = keyNode.string ?? ""
        if let role = Role(rawValue: name) { return role }
        let nearest = Spelling.nearest(to: name, in: Role.allCases.map(\.rawValue), maxDistance: .max, preferPrefix: true) ?? Role.text.rawValue
        throw error(keyNode, "\(section).\(name)", .unknownRole(name, nearest: nearest))
    }

    func color(_ node: Node, key: String, palette: [String: Color]) throws(ThemeError) -> Color {
        guard let text = node.scalar?.string else {
            throw error(node, key, .wrongShape(expected: "a colour or a palette name"))
        }
        let s = text.trimmingCharacters(in: .whitespaces)
        if let c = palette[s] ?? ThemeSyntax.color(s) { return c }
        if s.isEmpty || ThemeSyntax.looksLikeColorLiteral(s) { throw error(node, key, .badColor(s)) }
        let nearest = Spelling.nearest(to: s, in: Array(palette.keys).sorted(), maxDistance: max(2, s.count / 3))
        throw error(node, key, .unknownPaletteReference(s, nearest: nearest))
    }

    func parseStyle(_ node: Node, key: String, palette: [String: Color]) throws(ThemeError) -> Style {
        if node.scalar != nil {
            return Style(fg: try color(node, key: key, palette: palette))
        }
        guard let map = node.mapping else {
            throw error(node, key, .wrongShape(expected: "a colour, a palette name, or {fg: …, bg: …, attrs: [bold]}"))
        }
        var style = Style()
        for (k, v) in map {
            let field = k.string ?? ""
            switch field {
            case "fg": style.fg = try color(v, key: "\(key).fg", palette: palette)
            case "bg": style.bg = try color(v, key: "\(key).bg", palette: palette)
            case "attrs": style.attrs = try attributes(v, key: "\(key).attrs")
            default: throw error(k, "\(key).\(field)", .unknownKey(field, valid: ["fg", "bg", "attrs"]))
            }
        }
        return style
    }

    func attributes(_ node: Node, key: String) throws(ThemeError) -> Attributes {
        let items: [Node]
        if let seq = node.sequence {
            items = Array(seq)
        } else if node.scalar != nil {
            items = isNull(node) ? [] : [node]
        } else {
            throw error(node, key, .wrongShape(expected: "a list of attributes, e.g. [bold, underline]"))
        }
        var attrs: Attributes = []
        for item in items {
            let name = (item.string ?? "").lowercased()
            if let a = ThemeSyntax.attributeNames.first(where: { $0.0 == name }) {
                attrs.insert(a.1)
            } else {
                let nearest = Spelling.nearest(to: name, in: ThemeSyntax.attributeNames.map(\.0), maxDistance: .max) ?? "bold"
                throw error(item, key, .unknownAttribute(name, nearest: nearest))
            }
        }
        return attrs
    }

    /// A colour under `ansi16:`: ANSI names, 0–15 and `default` mean themselves here (even when the
    /// palette reuses a name such as `white`); a palette name is accepted if its colour is ANSI.
    func ansiColor(_ node: Node, key: String, palette: [String: Color]) throws(ThemeError) -> Color {
        let text = (node.scalar?.string ?? "").trimmingCharacters(in: .whitespaces)
        let c: Color
        if let literal = ThemeSyntax.color(text) { c = literal } else { c = try color(node, key: key, palette: palette) }
        switch c {
        case .default, .ansi: return c
        case .indexed(let i) where i < 16: return .ansi(i)
        default: throw error(node, key, .notANSIColor(text))
        }
    }

    func parseOverride(_ node: Node, key: String, palette: [String: Color]) throws(ThemeError) -> ANSI16Override {
        if node.scalar != nil {
            return ANSI16Override(fg: try ansiColor(node, key: key, palette: palette))
        }
        guard let map = node.mapping else {
            throw error(node, key, .wrongShape(expected: "an ANSI colour name or {fg: …, bg: …}"))
        }
        var o = ANSI16Override()
        for (k, v) in map {
            let field = k.string ?? ""
            switch field {
            case "fg": o.fg = try ansiColor(v, key: "\(key).fg", palette: palette)
            case "bg": o.bg = try ansiColor(v, key: "\(key).bg", palette: palette)
            default: throw error(k, "\(key).\(field)", .unknownKey(field, valid: ["fg", "bg"]))
            }
        }
        return o
    }
}
