import Foundation
import VigilCore

/// Alertmanager's API v2: alerts as incidents, acknowledged by silences Vigil keeps alive.
public enum AlertmanagerKind: SourceKind {
    public static let type = "alertmanager"
    public static let summary = "Alertmanager API v2: firing alerts as incidents; acknowledge by silence, take it back"
    public static let provides: Set<DataKind> = [.incidents]
    /// Alertmanager forgets resolved alerts.
    public static let keepsHistory = false
    public static let actions: Set<ActionKind> = [.acknowledge, .unacknowledge]

    public static func make(_ settings: AlertmanagerSettings, _ context: SourceContext) throws -> any Source {
        AlertmanagerSource(settings: settings, transport: context.transport)
    }
}

extension AlertmanagerSettings: SourceSettings {
    /// The per-request timeout.
    public var requestTimeout: Duration? { timeout }

    /// URLs, interval, timeout, auth, labels, paging severities and the acknowledgement silence.
    public var summary: String {
        let f = DurationText.format
        return "\(urls.map(\.absoluteString).joined(separator: ", ")) every \(f(pollInterval)), timeout \(f(timeout)), "
            + "\(auth.summary), severity label \(severityLabel), service label \(serviceLabel), "
            + "paging: \(pagingSeverities.joined(separator: ", ")), ack silence \(f(ackSilence))"
            + (excludedMatcherLabels.isEmpty ? "" : ", matchers exclude \(excludedMatcherLabels.joined(separator: ", "))")
    }
}
