import Foundation
import VigilCore

/// Settings of an Alertmanager source (from the config file).
public struct AlertmanagerSettings: Sendable, Hashable {
    /// The source id.
    public var id: SourceID
    /// One URL per Alertmanager; several for an HA pair (alerts are de-duplicated by fingerprint).
    public var urls: [URL]
    /// How often to poll.
    public var pollInterval: Duration
    /// Per-request timeout.
    public var timeout: Duration
    /// Authentication (the same for every member).
    public var auth: HTTPAuth
    /// Label holding the severity.
    public var severityLabel: String
    /// Label holding the service.
    public var serviceLabel: String
    /// Severities that page a person.
    public var pagingSeverities: [String]
    /// Length of each acknowledgement silence; Vigil extends it while the alert fires and lets
    /// it lapse after the alert resolves.
    public var ackSilence: Duration
    /// Labels left out of an acknowledgement silence's matchers (noise like `instance` may stay in).
    public var excludedMatcherLabels: [String]
    /// Whether acknowledging a PagerDuty incident that alerts of this Alertmanager opened (one
    /// problem, one row) also acknowledges those alerts here, with Vigil's silence.
    public var acknowledgeWithPage = false

    /// Creates settings.
    public init(id: SourceID, urls: [URL], pollInterval: Duration = .seconds(15), timeout: Duration = .seconds(10),
                auth: HTTPAuth = .none, severityLabel: String = "severity", serviceLabel: String = "service",
                pagingSeverities: [String] = ["critical", "page"], ackSilence: Duration = .seconds(900),
                excludedMatcherLabels: [String] = []) {
        self.id = id; self.urls = urls; self.pollInterval = pollInterval; self.timeout = timeout; self.auth = auth
        self.severityLabel = severityLabel; self.serviceLabel = serviceLabel; self.pagingSeverities = pagingSeverities
        self.ackSilence = ackSilence; self.excludedMatcherLabels = excludedMatcherLabels
    }
}

extension AlertmanagerSettings {
    /// Every member of the cluster.
    public var endpoints: [URL] { urls }

    /// Whether a credential is sent.
    public var sendsCredentials: Bool { auth != .none }
}
