import VigilCore
import VigilYAML

/// Why a theme could not be loaded: the file, line and key, what is wrong and what to do about it.
public typealias ThemeError = LocatedError<ThemeProblem>

/// What can be wrong in a theme file.
public enum ThemeProblem: YAMLProblem {
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
    case unreadable(reason: String)
    /// Anything else: a complete "what is wrong; how to fix it" sentence.
    case invalid(String)

    static let colourHint = "expected #RRGGBB, 0-255 or an ANSI name such as brightred"

    public var isSyntax: Bool { if case .syntax = self { return true } else { return false } }

    /// What is wrong and how to fix it.
    public var message: String {
        switch self {
        case let .unknownRole(role, nearest):
            var hint = "did you mean '\(nearest)'?"
            if Role.allCases.contains(where: { $0.rawValue.hasPrefix(role + ".") }) {
                hint = "roles are written as dotted keys, e.g. '\(nearest): red'"
            }
            return "unknown role '\(role)'; \(hint) (themes/default.yaml lists every role)"
        case let .unknownKey(name, valid):
            let nearest = Spelling.nearest(to: name, in: valid, maxDistance: .max).map { "did you mean '\($0)'? " } ?? ""
            return "unknown key '\(name)'; \(nearest)allowed here: \(valid.joined(separator: ", "))"
        case let .badColor(value):
            if value.isEmpty {
                return "no colour given; \(Self.colourHint). An unquoted # starts a YAML comment: "
                    + "write \"#88C0D0\" in quotes"
            }
            return "bad colour '\(value)'; \(Self.colourHint)"
        case let .unknownPaletteReference(name, nearest):
            let mean = nearest.map { "did you mean '\($0)'? Otherwise " } ?? ""
            return "'\(name)' is neither a colour nor a name under palette:; \(mean)"
                + "define it under palette: or write a colour (\(Self.colourHint))"
        case let .unknownAttribute(name, nearest):
            return "unknown attribute '\(name)'; did you mean '\(nearest)'? "
                + "Valid attributes: \(ThemeSyntax.attributeNames.map(\.0).joined(separator: ", "))"
        case let .notANSIColor(value):
            return "'\(value)' is not one of the 16 ANSI colours; ansi16: takes black, red, green, "
                + "yellow, blue, magenta, cyan, white, their bright variants (brightred…), 0-15 or default"
        case let .wrongShape(expected):
            return "expected \(expected)"
        case let .syntax(message):
            return "YAML syntax error: \(message). Check indentation and quoting near this line"
        case let .missingFile(what, available):
            let list = available.isEmpty ? "none found" : available.joined(separator: ", ")
            var stem = Substring(what.split(separator: "/").last ?? Substring(what))
            for ext in [".yaml", ".yml"] where stem.hasSuffix(ext) { stem = stem.dropLast(ext.count) }
            let mean = Spelling.nearest(to: String(stem), in: available, maxDistance: max(2, stem.count / 2)).map { " Did you mean '\($0)'?" } ?? ""
            return "theme '\(what)' not found. Available themes: \(list).\(mean) "
                + "Pass one of those names or the path of a .yaml file"
        case let .unreadable(reason):
            return "cannot read the theme file (\(reason)); check that it exists and is UTF-8 text"
        case let .invalid(sentence):
            return sentence
        }
    }
}
