import Foundation
import VigilCore

/// The built-in demo: a replay of recorded data (sample-data/) that keeps generating.
public enum DemoKind: SourceKind {
    public static let type = "demo"
    public static let summary = "the built-in demo replay of sample-data/: every panel, and every action PagerDuty offers"
    public static let provides = Set(DataKind.allCases)
    public static let keepsHistory = true
    /// What PagerDuty offers, so a newcomer can try every action without an account.
    public static let actions: Set<ActionKind> = [.acknowledge, .resolve, .snooze, .note, .reassign, .escalate]

    public static let keys = ["data"]

    public static func settings(from entry: SourceEntry) -> DemoSettings? {
        let data = entry.optional("data") { (n, p) throws(ConfigError) in
            entry.reader.resolve(try entry.reader.text(n, p, expected: "the path of a directory of demo data"))
        }
        return entry.value("data") != nil && data == nil ? nil : DemoSettings(id: entry.id, data: data)
    }

    public static func make(_ settings: DemoSettings, _ context: SourceContext) throws -> any Source {
        guard let dir = DemoSource.locateSampleData(explicit: settings.data) else {
            throw SourceError(.notSupported, "demo source: no scenario.json in \(settings.data ?? "sample-data"); "
                + "set data: to the sample-data directory")
        }
        return try DemoSource(directory: dir, startedAt: context.now)
    }

    /// Wraps an already loaded demo source (the dashboard's `--demo`).
    public static func configured(_ demo: DemoSource) -> ConfiguredSource {
        ConfiguredSource(demo, type: type, provides: provides, keepsHistory: keepsHistory, actions: actions)
    }
}

/// Settings of a demo source.
public struct DemoSettings: SourceSettings {
    /// The source id.
    public var id: SourceID
    /// An absolute directory of demo data, or nil for the built-in sample data.
    public var data: String?

    /// Creates settings.
    public init(id: SourceID, data: String? = nil) { self.id = id; self.data = data }

    /// The demo replays on its own clock; the runner polls it this often.
    public var pollInterval: Duration { DemoSource.interval }
    /// No requests.
    public var requestTimeout: Duration? { nil }
    /// Where the data comes from.
    public var summary: String { "data \(data ?? "built-in sample data")" }
}
