import Foundation
import Testing
import VigilSources
@testable import VigilConfig

/// A recognisable secret: no description of a config or an error may ever contain it.
let token = "vgl7f3a9c1eSECRETd4b2TOKEN0042"
/// The config file name used in error messages.
let configFile = "/etc/vigil/config.yaml"

struct NoSuchFile: Error {}

/// Loads text as `/etc/vigil/config.yaml`; `files` stands in for the disk.
func load(_ yaml: String, env: [String: String] = [:], files: [String: String] = [:]) throws(ConfigError) -> VigilConfig {
    try ConfigLoader.load(yaml: yaml, file: configFile, environment: env) { path in
        guard let text = files[path] else { throw NoSuchFile() }
        return text
    }
}

/// The error loading `yaml` gives; records an issue when it loads.
func loadError(_ yaml: String, env: [String: String] = [:], files: [String: String] = [:],
               sourceLocation: SourceLocation = #_sourceLocation) -> ConfigError? {
    do {
        let config = try load(yaml, env: env, files: files)
        Issue.record("expected an error, loaded \(config)", sourceLocation: sourceLocation)
        return nil
    } catch {
        return error
    }
}

/// The repository's config.example.yaml.
func exampleConfig() throws -> String {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    return try String(contentsOf: root.appendingPathComponent("config.example.yaml"), encoding: .utf8)
}

/// The settings of a parsed source, by kind (nil when it is another kind).
extension SourceConfig {
    var prometheus: PrometheusSettings? { settings as? PrometheusSettings }
    var alertmanager: AlertmanagerSettings? { settings as? AlertmanagerSettings }

    static func prometheus(_ s: PrometheusSettings) -> SourceConfig { SourceConfig(PrometheusKind.self, s) }
    static func alertmanager(_ s: AlertmanagerSettings) -> SourceConfig { SourceConfig(AlertmanagerKind.self, s) }
    static func demo(id: String, data: String?) -> SourceConfig { SourceConfig(DemoKind.self, DemoSettings(id: id, data: data)) }
}
