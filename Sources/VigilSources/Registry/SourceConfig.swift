import Foundation
import VigilCore

/// One configured source, read and checked: its name, its kind, the kind's settings, and how to
/// build it. Made only by a kind (`SourceConfig(PrometheusKind.self, settings)`), so the settings
/// always match the kind that builds them.
public struct SourceConfig: Sendable, Hashable, CustomStringConvertible {
    /// The source's name.
    public let id: SourceID
    /// Its kind's `type:` name.
    public let type: String
    /// The kind's settings (for `check-config` and tests; the runtime uses `make`).
    public let settings: any SourceSettings
    private let build: @Sendable (SourceContext) throws -> ConfiguredSource
    private let checker: @Sendable (SourceContext) async -> OnlineCheck

    /// A source of kind `K`.
    public init<K: SourceKind>(_ kind: K.Type, _ settings: K.Settings) {
        id = settings.id
        type = K.type
        self.settings = settings
        build = { context in try K.configured(settings, context) }
        checker = { context in await K.completeCheck(settings, context) }
    }

    /// `check-config --online`: what one cheap real call or two says about it (its requests
    /// logged at `trace` under its name).
    public func check(_ context: SourceContext) async -> OnlineCheck { await checker(traced(context)) }

    /// How often it is polled.
    public var pollInterval: Duration { settings.pollInterval }

    /// Builds the source, wrapped with what its kind declares; its requests are logged at
    /// `trace` under its name (`TracingTransport`).
    public func make(_ context: SourceContext) throws -> ConfiguredSource { try build(traced(context)) }

    /// `context` with its transport logging this source's requests.
    private func traced(_ context: SourceContext) -> SourceContext {
        var traced = context
        traced.transport = TracingTransport(context.transport, source: id)
        return traced
    }

    /// One line; the auth shows where the secret comes from, never the secret.
    public var description: String { "\(id) (\(type)) \(settings.summary)" }

    public static func == (a: SourceConfig, b: SourceConfig) -> Bool {
        a.id == b.id && a.type == b.type && AnyHashable(a.settings) == AnyHashable(b.settings)
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(id)
        hasher.combine(type)
        hasher.combine(AnyHashable(settings))
    }
}
