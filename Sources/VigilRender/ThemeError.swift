import VigilCore
/// Why a theme could not be loaded, with the file, line and key, and what to do about it.
public struct ThemeError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What went wrong.
    public enum Problem: Sendable, Equatable {
        /// A key under `roles:` or `ansi16:` that is not a role; `nearest` is the closest role name.
        case unknownRole(String, nearest: String)
        /// A key that is not allowed where it is (top level, or inside a style mapping).
        case unknownKey(String, valid: [String])
        /// A value that is not a colour.
        case badColor(String)
        /// A name that is neither a colour nor an entry of `palette:`.
        case unknownPaletteReference(String, nearest: String?)
        /// An attribute that does not exist.
        case unknownAttribute(String, nearest: String)
        /// A colour under `ansi16:` that is not one of the 16 ANSI colours.
        case notANSIColor(String)
        /// A value of the wrong kind (a list where a mapping belongs, a missing value…).
        case wrongShape(expected: String)
        /// The YAML itself does not parse.
        case syntax(String)
        /// No theme of that name or path; `available` lists the themes that do exist.
        case missingFile(String, available: [String])
        /// The file exists but cannot be read as UTF-8 text.
        case unreadable(String)
    }

    /// The theme file (as given, or the path that was tried).
    public var file: String
    /// 1-based line of the offending key or value, when known.
    public var line: Int?
    /// 1-based column, when known.
    public var column: Int?
    /// Dotted path of the offending key, such as `roles.severity.critical` or `palette.frost`.
    public var key: String?
    /// What went wrong.
    public var problem: Problem

    /// Creates an error.
    public init(file: String, line: Int? = nil, column: Int? = nil, key: String? = nil, problem: Problem) {
        self.file = file; self.line = line; self.column = column; self.key = key; self.problem = problem
    }

    static let colourHint = "expected #RRGGBB, 0-255 or an ANSI name such as brightred"

    /// One line (two for syntax errors): `file:line: key: what is wrong; how to fix it`.
    public var description: String {
        var location = file
        if let line { location += ":\(line)" }
        if let line, column != nil, case .syntax = problem { location = "\(file):\(line):\(column ?? 0)" }
        let keyPart = key.map { "\($0): " } ?? ""
        let prefix = "\(location): \(keyPart)"
        switch problem {
        case let .unknownRole(role, nearest):
            var hint = "did you mean '\(nearest)'?"
            if Role.allCases.contains(where: { $0.rawValue.hasPrefix(role + ".") }) {
                hint = "roles are written as dotted keys, e.g. '\(nearest): red'"
            }
            return prefix + "unknown role '\(role)'; \(hint) (themes/default.yaml lists every role)"
        case let .unknownKey(name, valid):
            let nearest = Spelling.nearest(to: name, in: valid).map { "did you mean '\($0)'? " } ?? ""
            return prefix + "unknown key '\(name)'; \(nearest)allowed here: \(valid.joined(separator: ", "))"
        case let .badColor(value):
            if value.isEmpty {
                return prefix + "no colour given; \(Self.colourHint). An unquoted # starts a YAML comment: "
                    + "write \"#88C0D0\" in quotes"
            }
            return prefix + "bad colour '\(value)'; \(Self.colourHint)"
        case let .unknownPaletteReference(name, nearest):
            let mean = nearest.map { "did you mean '\($0)'? Otherwise " } ?? ""
            return prefix + "'\(name)' is neither a colour nor a name under palette:; \(mean)"
                + "define it under palette: or write a colour (\(Self.colourHint))"
        case let .unknownAttribute(name, nearest):
            return prefix + "unknown attribute '\(name)'; did you mean '\(nearest)'? "
                + "Valid attributes: \(ThemeSyntax.attributeNames.map(\.0).joined(separator: ", "))"
        case let .notANSIColor(value):
            return prefix + "'\(value)' is not one of the 16 ANSI colours; ansi16: takes black, red, green, "
                + "yellow, blue, magenta, cyan, white, their bright variants (brightred…), 0-15 or default"
        case let .wrongShape(expected):
            return prefix + "expected \(expected)"
        case let .syntax(message):
            return prefix + "YAML syntax error: \(message). Check indentation and quoting near this line"
        case let .missingFile(what, available):
            let list = available.isEmpty ? "none found" : available.joined(separator: ", ")
            var stem = Substring(what.split(separator: "/").last ?? Substring(what))
            for ext in [".yaml", ".yml"] where stem.hasSuffix(ext) { stem = stem.dropLast(ext.count) }
            let mean = Spelling.nearest(to: String(stem), in: available, maxDistance: max(2, stem.count / 2)).map { " Did you mean '\($0)'?" } ?? ""
            return "\(file): theme '\(what)' not found. Available themes: \(list).\(mean) "
                + "Pass one of those names or the path of a .yaml file"
        case let .unreadable(reason):
            return "\(file): cannot read the theme file (\(reason)); check that it exists and is UTF-8 text"
        }
    }
}

/// Spelling suggestions for error messages.
enum Spelling {

    /// The candidate closest to `word` (ties: the first), or nil when there are none within
    /// `maxDistance`, or the word is longer than `EditDistance.longestWord`.
    static func nearest(to word: String, in candidates: [String], maxDistance: Int = Int.max) -> String? {
        guard word.count <= EditDistance.longestWord else { return nil }
        var best: (String, Int)?
        let w = word.lowercased()
        for c in candidates {
            let lower = c.lowercased()
            let bound = min(maxDistance, (best?.1 ?? Int.max) - 1)
            // A prefix ("severity" for "severity.critical") is a better hint than its raw distance says.
            if lower.hasPrefix(w + "."), bound >= 1 {
                best = (c, 1)
                continue
            }
            guard let d = EditDistance.between(w, lower, atMost: bound) else { continue }
            best = (c, d)
        }
        return best?.0
    }
}
