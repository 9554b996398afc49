import Foundation
import VigilCore

/// Settings of a CloudWatch alarms source (from the config file).
public struct CloudWatchSettings: SourceSettings {
    /// The source id.
    public var id: SourceID
    /// The regions read (each row says its region).
    public var regions: [String]
    /// The AWS CLI profile whose credentials sign the calls; nil: the CLI's order (environment,
    /// `AWS_PROFILE` or default, the container or instance role).
    public var profile: String?
    /// Another endpoint (an emulator, a VPC endpoint); nil: each region's, or `AWS_ENDPOINT_URL`.
    public var endpointURL: URL?
    /// Only alarms whose name starts with this.
    public var namePrefix: String?
    /// The alarm tag holding its severity (critical, high, warning, info; SEV1–4 and P1–4 too).
    public var severityTag: String
    /// The alarm tag holding its service.
    public var serviceTag: String
    /// Without a service tag, the named group `service` of this pattern on the alarm's name.
    public var namePattern: String
    /// Severity of an alarm without a severity tag.
    public var defaultSeverity: Severity
    /// Severities whose alarms page a person (`INSUFFICIENT_DATA` never pages).
    public var pagingSeverities: Set<Severity>
    /// Calls per minute at most, per region (tags are read within what is left).
    public var callsPerMinute: Int
    /// How often to poll.
    public var pollInterval: Duration
    /// Per-request timeout.
    public var timeout: Duration

    /// The default name pattern: "checkout-5xx" is of service checkout.
    public static let defaultNamePattern = #"^(?<service>[A-Za-z0-9]+)[-_.:/ ]"#

    /// Creates settings.
    public init(id: SourceID, regions: [String], profile: String? = nil, endpointURL: URL? = nil, namePrefix: String? = nil,
                severityTag: String = "severity", serviceTag: String = "service",
                namePattern: String = CloudWatchSettings.defaultNamePattern, defaultSeverity: Severity = .high,
                pagingSeverities: Set<Severity> = [.critical, .high], callsPerMinute: Int = 60,
                pollInterval: Duration = .seconds(60), timeout: Duration = .seconds(10)) {
        self.id = id; self.regions = regions; self.profile = profile; self.endpointURL = endpointURL
        self.namePrefix = namePrefix; self.severityTag = severityTag; self.serviceTag = serviceTag
        self.namePattern = namePattern; self.defaultSeverity = defaultSeverity; self.pagingSeverities = pagingSeverities
        self.callsPerMinute = callsPerMinute; self.pollInterval = pollInterval; self.timeout = timeout
    }

    /// The per-request timeout.
    public var requestTimeout: Duration? { timeout }

    /// Regions, credentials' origin, what pages.
    public var summary: String {
        let f = DurationText.format
        return "regions \(regions.joined(separator: ", ")) every \(f(pollInterval)), timeout \(f(timeout)), credentials from "
            + (profile.map { "profile \($0)" } ?? "the AWS CLI's order (env, AWS_PROFILE/default, instance role)")
            + (endpointURL.map { ", endpoint \($0.absoluteString)" } ?? "")
            + "; severity from tag \(severityTag), service from tag \(serviceTag); at most \(callsPerMinute) calls a minute "
            + "per region"
    }
}

extension CloudWatchSettings {
    /// `endpoint_url`, else each region's endpoint (or `AWS_ENDPOINT_URL…`).
    public var endpoints: [URL] {
        endpointURL.map { [$0] } ?? regions.map {
            AWSEndpoints.url(service: "monitoring", region: $0, environment: ProcessInfo.processInfo.environment)
        }
    }

    /// Every request is signed.
    public var sendsCredentials: Bool { true }
}
