import Foundation
import VigilCore

/// One kind of source (Prometheus, Alertmanager, the demo…): everything Vigil needs to know about
/// it, declared in one place, in its own folder under `Sources/VigilSources/<Name>/`. The config
/// parser, `check-config`, the runtime and the help text read these declarations through
/// `SourceRegistry`; nothing else switches over kinds of source. CONTRIBUTING.md, "Adding a
/// source", has the recipe.
public protocol SourceKind: SendableMetatype {
    /// What its config entry holds once parsed and checked.
    associatedtype Settings: SourceSettings
    /// The `type:` name in the config ("prometheus").
    static var type: String { get }
    /// One line for `vigil --help` and `check-config`: what it reads and what it can do.
    static var summary: String { get }
    /// The data it provides (a panel without data names the sources that should have given it).
    static var provides: Set<DataKind> { get }
    /// Whether the source keeps its own history. Alertmanager forgets resolved alerts, so Vigil
    /// records what it saw to keep MTTR, outages and pages right across restarts.
    static var keepsHistory: Bool { get }
    /// What can be done with its incidents; the key map offers only these.
    static var actions: Set<ActionKind> { get }
    /// Its config keys besides `name` and `type` (any other key is reported, with the nearest of
    /// these as a suggestion).
    static var keys: [String] { get }
    /// Reads and checks its config entry. Each key is read through `entry`, which records what is
    /// wrong and carries on; nil when a required key is missing or wrong.
    static func settings(from entry: SourceEntry) -> Settings?
    /// Makes the source from its settings.
    static func make(_ settings: Settings, _ context: SourceContext) throws -> any Source
    /// `check-config --online`: one cheap real call or two. The default polls the source once.
    static func check(_ settings: Settings, _ context: SourceContext) async -> OnlineCheck
}

/// The settings of one configured source.
public protocol SourceSettings: Sendable, Hashable {
    /// Its name in the config.
    var id: SourceID { get }
    /// How often it is polled.
    var pollInterval: Duration { get }
    /// Its per-request timeout, when it has one (the poll's outer time limit is derived from it:
    /// a kind that forgot it would be cut off at the wrong time, so it is declared here).
    var requestTimeout: Duration? { get }
    /// One line for `check-config`, after the name and type; secrets only as their origin.
    var summary: String { get }
    /// The actions this configured source offers, when its settings narrow what its kind
    /// declares (a PagerDuty source without `from:` cannot act); nil: the kind's.
    var actions: Set<ActionKind>? { get }
    /// Whether acknowledging a page that merged this source's alerts (one problem, one row)
    /// also acknowledges those alerts here; false unless the settings ask for it.
    var acknowledgesWithPage: Bool { get }
    /// The servers it calls (`check-config --online` says TLS was used when all are https);
    /// empty for a source that calls none (the demo).
    var endpoints: [URL] { get }
    /// Whether it sends credentials (a token, a password, an AWS signature).
    var sendsCredentials: Bool { get }
}

extension SourceSettings {
    public var actions: Set<ActionKind>? { nil }
    public var acknowledgesWithPage: Bool { false }
    public var endpoints: [URL] { [] }
    public var sendsCredentials: Bool { false }
}

/// What building a source may need besides its settings.
public struct SourceContext: Sendable {
    /// How to send HTTP requests (one client shared by every source).
    public var transport: any HTTPTransport
    /// When the dashboard starts (the demo replays from it).
    public var now: Date

    /// Creates a context.
    public init(transport: any HTTPTransport, now: Date) { self.transport = transport; self.now = now }
}

extension SourceKind {
    public static func check(_ settings: Settings, _ context: SourceContext) async -> OnlineCheck {
        do {
            return await OnlineCheck.byPolling(try make(settings, context), now: context.now)
        } catch {
            return OnlineCheck(passed: false, findings: ["cannot be built: \(error)"])
        }
    }

    /// `check(settings, context)`, with what it left unknown filled from the settings and from
    /// a version header of the answers (`VersionHeaders`).
    public static func completeCheck(_ settings: Settings, _ context: SourceContext) async -> OnlineCheck {
        let headers = VersionHeaders(context.transport)
        var recording = context
        recording.transport = headers
        var result = await check(settings, recording)
        if result.version == nil { result.version = headers.version }
        return result.completed(endpoints: settings.endpoints, credentials: settings.sendsCredentials,
                                actions: settings.actions ?? actions)
    }

    /// Builds the source and wraps it with what this kind declares.
    public static func configured(_ settings: Settings, _ context: SourceContext) throws -> ConfiguredSource {
        ConfiguredSource(try make(settings, context), type: type, requestTimeout: settings.requestTimeout,
                         provides: provides, keepsHistory: keepsHistory, actions: settings.actions ?? actions,
                         acknowledgesWithPage: settings.acknowledgesWithPage)
    }
}

extension HTTPAuth {
    /// Whose credentials a 401 or 403 refused, for its message: "user vigil with the password
    /// from file /run/secrets/am was refused", "no credentials are configured". Never the secret.
    public var refused: String {
        switch self {
        case .none: return "no credentials are configured"
        case .bearer(let token): return "the token from \(token.origin) was refused"
        case .basic(let user, let password): return "user \(user) with the password from \(password.origin) was refused"
        }
    }

    /// For `check-config`: the kind of auth and where the secret comes from, never the secret.
    public var summary: String {
        switch self {
        case .none: return "no auth"
        case .bearer(let s): return "bearer token from \(s.origin)"
        case .basic(let user, let s): return "basic auth as \(user), password from \(s.origin)"
        }
    }
}
