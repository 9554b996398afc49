import Foundation
import VigilCore
import VigilSources

/// Finds, reads and validates the config file (`config.example.yaml` documents the format).
///
/// Secrets are read while loading, from the environment variables and files the config names,
/// so a missing token is a config error at start-up, not a failed poll later.
public enum ConfigLoader {
    /// Parses and validates config text. `file` names it in errors, and relative paths in it
    /// (`data:`, `*_file:`, a theme path) resolve against its directory. `environment` supplies
    /// `*_env` secrets and the default user; `readFile` reads `*_file` secrets.
    /// Throws the first problem in file order (`validate` lists them all).
    public static func load(yaml: String, file: String, environment: [String: String],
                            readFile: (String) throws -> String,
                            registry: SourceRegistry = .standard) throws(ConfigError) -> VigilConfig {
        let (config, errors) = parse(yaml: yaml, file: file, environment: environment, readFile: readFile, registry: registry)
        if let first = errors.first { throw first }
        guard let config else { throw ConfigError(file: file, problem: .empty) }
        return config
    }

    /// Reads and validates the config file at `path`, with the process environment and real files.
    public static func load(path: String) throws(ConfigError) -> VigilConfig {
        let text = try readConfig(path)
        return try load(yaml: text, file: path, environment: ProcessInfo.processInfo.environment, readFile: readSecretFile)
    }

    /// Every problem in config text, in file order (empty when it is valid). For `vigil check-config`.
    public static func validate(yaml: String, file: String, environment: [String: String],
                                readFile: (String) throws -> String, registry: SourceRegistry = .standard) -> [ConfigError] {
        parse(yaml: yaml, file: file, environment: environment, readFile: readFile, registry: registry).errors
    }

    /// Every problem in the config file at `path` (empty when it is valid).
    public static func validate(path: String) -> [ConfigError] {
        do {
            let text = try readConfig(path)
            return validate(yaml: text, file: path, environment: ProcessInfo.processInfo.environment, readFile: readSecretFile)
        } catch {
            return [error]
        }
    }

    /// Where the config lives when `--config` is not given: `$XDG_CONFIG_HOME/vigil/config.yaml`,
    /// else `$HOME/.config/vigil/config.yaml`. A relative `XDG_CONFIG_HOME` is ignored, as the XDG
    /// base directory specification says.
    public static func defaultPath(environment: [String: String]) -> String {
        if let xdg = environment["XDG_CONFIG_HOME"], xdg.hasPrefix("/") {
            return URL(fileURLWithPath: xdg, isDirectory: true).appendingPathComponent("vigil/config.yaml").path
        }
        let home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
        return URL(fileURLWithPath: home, isDirectory: true).appendingPathComponent(".config/vigil/config.yaml").path
    }

    /// The config to use. An explicit path (`--config FILE`) is always returned, with whether it
    /// exists (the caller reports a missing one as an error). Otherwise the default path if a
    /// file is there, or nil when there is none: run the demo.
    public static func locate(explicit: String?, environment: [String: String],
                              fileExists: (String) -> Bool = { FileManager.default.fileExists(atPath: $0) })
        -> (path: String, exists: Bool)? {
        if let explicit, !explicit.isEmpty { return (explicit, fileExists(explicit)) }
        let path = defaultPath(environment: environment)
        return fileExists(path) ? (path, true) : nil
    }

    // MARK: Internals

    static func parse(yaml: String, file: String, environment: [String: String], readFile: (String) throws -> String,
                      registry: SourceRegistry) -> (config: VigilConfig?, errors: [ConfigError]) {
        withoutActuallyEscaping(readFile) { readFile in
            var parser = ConfigParser(file: file, environment: environment, registry: registry, readFile: readFile)
            let config = parser.parse(yaml)
            return (parser.errors.isEmpty ? config : nil, parser.errors)
        }
    }

    /// Why a file could not be read, in words that never include its content.
    typealias ReadFailure = ConfigReader.ReadFailure

    static func readConfig(_ path: String) throws(ConfigError) -> String {
        do {
            return try readText(path)
        } catch let failure where failure.description == "no such file" {
            throw ConfigError(file: path, problem: .fileNotFound)
        } catch {
            throw ConfigError(file: path, problem: .unreadable(reason: error.description))
        }
    }

    /// Reads a secret file for `load(path:)`.
    static func readSecretFile(_ path: String) throws -> String {
        try readText(path)
    }

    static func readText(_ path: String) throws(ReadFailure) -> String {
        let fm = FileManager.default
        var isDirectory: ObjCBool = false
        guard fm.fileExists(atPath: path, isDirectory: &isDirectory) else { throw ReadFailure("no such file") }
        if isDirectory.boolValue { throw ReadFailure("it is a directory") }
        guard fm.isReadableFile(atPath: path) else { throw ReadFailure("permission denied") }
        guard let data = fm.contents(atPath: path) else { throw ReadFailure("it cannot be read") }
        guard let text = String(data: data, encoding: .utf8) else { throw ReadFailure("it is not UTF-8 text") }
        return text
    }
}
