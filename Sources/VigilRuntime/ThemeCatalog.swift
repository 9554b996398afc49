import Foundation
import Synchronization
import VigilCore
import VigilRender
import VigilSources
import VigilStore
import VigilTerminal

/// A theme as loaded, ready to map to whatever colour depth the terminal has. A theme made with
/// `init(name:parse:)` is read the first time it is needed, so start-up reads only the theme it
/// shows (`catalog(selected:themesDirectory:)`).
public struct LoadedTheme: Sendable {
    /// Name shown in the header.
    public var name: String
    private let slot: ThemeSlot

    /// A theme that is ready: `forDepth` gives it for a depth.
    public init(name: String, forDepth: @escaping @Sendable (ColorDepth) -> Theme) {
        self.name = name
        slot = ThemeSlot(.ready(forDepth))
    }

    /// A theme read when first needed: `parse` runs once, on the first `load()` or `forDepth(_:)`.
    public init(name: String, parse: @escaping @Sendable () throws(ThemeError) -> ThemeDocument) {
        self.name = name
        slot = ThemeSlot(.unread(parse))
    }

    /// Reads the theme if that was not done yet. Nil when it can be shown, else why not.
    @discardableResult
    public func load() -> ThemeError? {
        if case .failure(let error) = slot.resolved() { return error }
        return nil
    }

    /// The theme for a depth (with the file's `ansi16:` overrides on 16-colour terminals); nil
    /// when its file cannot be read or parsed.
    public func forDepth(_ depth: ColorDepth) -> Theme? {
        try? slot.resolved().get()(depth)
    }

    /// The themes `t` cycles through, and the index of `selected` among them: every theme of
    /// `themesDirectory` (or the built-in default when it has none), plus `selected` when it is a
    /// file elsewhere. Only `selected` is read here; the others when first shown. A theme named
    /// "default" that cannot be read is the built-in default.
    /// - Throws: `ThemeError` when `selected` is missing or malformed (unless it is "default" and
    ///   there is no themes directory: then it is the built-in default).
    public static func catalog(selected: String, themesDirectory dir: URL?)
        throws(ThemeError) -> (list: [LoadedTheme], selected: Int) {
        let chosen: ThemeDocument?
        do {
            chosen = try ThemeLoader.document(nameOrPath: selected, themesDirectory: dir)
        } catch {
            guard selected == "default" && dir == nil else { throw error }
            chosen = nil
        }
        var names = dir.map { ThemeLoader.available(in: $0) } ?? []
        if names.isEmpty { names = ["default"] }
        var list: [LoadedTheme] = []
        var index: Int?
        for name in names {
            if name == selected, let chosen {
                index = list.count
                list.append(LoadedTheme(name: name, forDepth: { chosen.theme(for: $0) }))
            } else if let dir {
                list.append(LoadedTheme(name: name) { () throws(ThemeError) -> ThemeDocument in
                    do throws(ThemeError) {
                        return try ThemeLoader.document(nameOrPath: name, themesDirectory: dir)
                    } catch {
                        guard name == "default" else { throw error }
                        return ThemeDocument(theme: Theme.builtinDefault)
                    }
                })
            } else {
                list.append(LoadedTheme(name: "default", forDepth: { Theme.builtinDefault.mapped(to: $0) }))
            }
        }
        if let index { return (list, index) }
        guard let chosen else { return (list, 0) }
        list.append(LoadedTheme(name: chosen.theme.name, forDepth: { chosen.theme(for: $0) }))
        return (list, list.count - 1)
    }
}

extension LoadedTheme {
    /// Performs `Effect.loadTheme`: reads the theme at `index` the first time it is shown and
    /// drops it from `themes` when it cannot be read or parsed. Returns why it cannot be shown (for
    /// `Event.themeLoaded`), or nil. Does nothing when `names` does not list `themes` (monochrome).
    public static func load(at index: Int, _ themes: inout [LoadedTheme], names: [String]) -> String? {
        guard names == themes.map(\.name), themes.indices.contains(index) else { return nil }
        guard let problem = themes[index].load() else { return nil }
        themes.remove(at: index)
        return "\(problem)"
    }
}

/// A theme, read at most once, from whichever thread needs it first.
private final class ThemeSlot: Sendable {
    enum State {
        case ready(@Sendable (ColorDepth) -> Theme)
        case unread(@Sendable () throws(ThemeError) -> ThemeDocument)
        case failed(ThemeError)
    }

    private let state: Mutex<State>

    init(_ state: State) { self.state = Mutex(state) }

    func resolved() -> Result<@Sendable (ColorDepth) -> Theme, ThemeError> {
        state.withLock { state in
            switch state {
            case .ready(let forDepth):
                return .success(forDepth)
            case .failed(let error):
                return .failure(error)
            case .unread(let parse):
                do throws(ThemeError) {
                    let document = try parse()
                    let forDepth: @Sendable (ColorDepth) -> Theme = { document.theme(for: $0) }
                    state = .ready(forDepth)
                    return .success(forDepth)
                } catch {
                    state = .failed(error)
                    return .failure(error)
                }
            }
        }
    }
}
