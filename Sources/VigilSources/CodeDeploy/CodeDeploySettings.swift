import Foundation
import VigilCore

/// Settings of a CodeDeploy source (from the config file).
public struct CodeDeploySettings: SourceSettings {
    /// The source id.
    public var id: SourceID
    /// The regions read.
    public var regions: [String]
    /// The AWS CLI profile; nil: the CLI's order.
    public var profile: String?
    /// Another endpoint (an emulator, a VPC endpoint).
    public var endpointURL: URL?
    /// Applications to read (by name); empty: every application.
    public var applications: [String]
    /// Deployment groups whose name matches this go to production; the others' environment is
    /// the group's name.
    public var productionGroups: String
    /// How far back deployments are read.
    public var history: Duration
    /// Calls per minute at most, per region.
    public var callsPerMinute = 60
    /// How often to poll.
    public var pollInterval: Duration
    /// Per-request timeout.
    public var timeout: Duration

    /// Creates settings.
    public init(id: SourceID, regions: [String], profile: String? = nil, endpointURL: URL? = nil, applications: [String] = [],
                productionGroups: String = "(?i)prod", history: Duration = .seconds(30 * 86_400),
                pollInterval: Duration = .seconds(60), timeout: Duration = .seconds(10)) {
        self.id = id; self.regions = regions; self.profile = profile; self.endpointURL = endpointURL
        self.applications = applications; self.productionGroups = productionGroups; self.history = history
        self.pollInterval = pollInterval; self.timeout = timeout
    }

    /// The per-request timeout.
    public var requestTimeout: Duration? { timeout }

    /// Regions, credentials, applications.
    public var summary: String {
        let f = DurationText.format
        return "regions \(regions.joined(separator: ", ")) every \(f(pollInterval)), timeout \(f(timeout)), credentials from "
            + (profile.map { "profile \($0)" } ?? "the AWS CLI's order") + (endpointURL.map { ", endpoint \($0.absoluteString)" } ?? "")
            + "; " + (applications.isEmpty ? "every application" : "applications " + applications.joined(separator: ", "))
            + "; production: groups matching /\(productionGroups)/; history \(f(history))"
    }
}

extension CodeDeploySettings {
    /// `endpoint_url`, else each region's endpoint (or `AWS_ENDPOINT_URL…`).
    public var endpoints: [URL] {
        endpointURL.map { [$0] } ?? regions.map {
            AWSEndpoints.url(service: "codedeploy", region: $0, environment: ProcessInfo.processInfo.environment)
        }
    }

    /// Every request is signed.
    public var sendsCredentials: Bool { true }
}
