import Foundation
import VigilConfig
import VigilCore
import VigilSources

/// Builds the sources a config names, all sharing one HTTP client.
public enum SourceFactory {
    /// The sources for a config, in config order, each with what its kind declares. `now` is
    /// when the demo replay starts.
    public static func make(_ config: VigilConfig, now: Date, transport: any HTTPTransport = AsyncHTTPTransport.shared)
        throws -> [ConfiguredSource] {
        let context = SourceContext(transport: transport, now: now)
        return try config.sources.map { try $0.make(context) }
    }
}
