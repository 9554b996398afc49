import Foundation
import VigilCore

/// Settings of a PagerDuty source (from the config file).
public struct PagerDutySettings: SourceSettings {
    /// The source id.
    public var id: SourceID
    /// The REST API's base URL: `https://api.pagerduty.com`, the EU service region's
    /// `https://api.eu.pagerduty.com`, or a test server.
    public var url: URL
    /// The REST API key, sent as `Authorization: Token token=…`.
    public var apiKey: Secret
    /// The engineer's PagerDuty login e-mail: the `From` header every write needs. Without it the
    /// source reads but offers no actions.
    public var from: String?
    /// Services to watch, by id (`PXXXXXX`) or name; empty: every service the key can see.
    public var services: [String]
    /// Teams to watch, by id or name.
    public var teams: [String]
    /// How often to poll.
    public var pollInterval: Duration
    /// Per-request timeout.
    public var timeout: Duration
    /// How far back resolved incidents are read for MTTA, MTTR and pages.
    public var history: Duration

    /// The US service region's API.
    public static let usURL = URL(string: "https://api.pagerduty.com")!
    /// The EU service region's API.
    public static let euURL = URL(string: "https://api.eu.pagerduty.com")!

    /// Creates settings.
    public init(id: SourceID, url: URL = PagerDutySettings.usURL, apiKey: Secret, from: String? = nil,
                services: [String] = [], teams: [String] = [], pollInterval: Duration = .seconds(30),
                timeout: Duration = .seconds(10), history: Duration = .seconds(30 * 86_400)) {
        self.id = id; self.url = url; self.apiKey = apiKey; self.from = from; self.services = services
        self.teams = teams; self.pollInterval = pollInterval; self.timeout = timeout; self.history = history
    }

    /// The per-request timeout.
    public var requestTimeout: Duration? { timeout }

    /// Every write needs `From`: without it, no actions.
    public var actions: Set<ActionKind>? { from == nil ? [] : nil }

    /// URL, interval, where the key comes from, who acts, what is watched.
    public var summary: String {
        let f = DurationText.format
        let watched = (services.isEmpty ? [] : ["services " + services.joined(separator: ", ")])
            + (teams.isEmpty ? [] : ["teams " + teams.joined(separator: ", ")])
        return "\(url.absoluteString) every \(f(pollInterval)), timeout \(f(timeout)), API key from \(apiKey.origin), "
            + (from.map { "acting as \($0)" } ?? "read-only (no from:)") + ", "
            + (watched.isEmpty ? "every service" : watched.joined(separator: "; ")) + ", history \(f(history))"
    }
}

extension PagerDutySettings {
    /// The API URL.
    public var endpoints: [URL] { [url] }

    /// Whether a credential is sent.
    public var sendsCredentials: Bool { true }
}
