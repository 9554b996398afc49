import Foundation
import VigilCore
import Yams

/// PagerDuty's REST API v2: incidents, who is on call, and every action an on-call engineer takes.
public enum PagerDutyKind: SourceKind {
    public static let type = "pagerduty"
    public static let summary = "PagerDuty REST API v2: open and recent incidents; acknowledge, resolve, snooze, note, "
        + "reassign, escalate"
    public static let provides: Set<DataKind> = [.incidents]
    /// PagerDuty keeps every incident; the month of history is read back at start.
    public static let keepsHistory = true
    public static let actions: Set<ActionKind> = [.acknowledge, .resolve, .snooze, .note, .reassign, .escalate]
    public static let keys = ["api_key_env", "api_key_file", "from", "services", "teams", "region", "url",
                              "poll_interval", "timeout", "history"]

    public static func settings(from entry: SourceEntry) -> PagerDutySettings? {
        let r = entry.reader
        var key: Secret?
        let env = entry.value("api_key_env"), file = entry.value("api_key_file")
        if env != nil, let file {
            entry.record(r.error(file, entry.path("api_key_file"), .conflictingKeys("api_key_env", "api_key_file")))
        } else if env != nil {
            key = entry.optional("api_key_env") { (n, p) throws(ConfigError) in
                try r.secretFromEnvironment(n, p, fileKey: "api_key_file")
            }
        } else if file != nil {
            key = entry.optional("api_key_file") { (n, p) throws(ConfigError) in try r.secretFromFile(n, p) }
        } else {
            entry.record(r.error(entry.node, entry.path, .missingKey("api_key_env", example: "api_key_env: PAGERDUTY_TOKEN "
                + "(or api_key_file: PATH; a REST API key, General Access or User token)")))
        }

        var url = PagerDutySettings.usURL
        let regionNode = entry.value("region"), urlNode = entry.value("url")
        if regionNode != nil, let urlNode {
            entry.record(r.error(urlNode, entry.path("url"), .conflictingKeys("region", "url")))
        } else if let region = entry.text("region", expected: "us or eu") {
            switch region.lowercased() {
            case "us": url = PagerDutySettings.usURL
            case "eu": url = PagerDutySettings.euURL
            default: entry.record(r.error(regionNode, entry.path("region"), .notOneOf(r.shown(region), valid: ["us", "eu"])))
            }
        } else if let u = entry.optional("url", { (n, p) throws(ConfigError) in try r.url(n, p) }) {
            url = u
        }

        let from = entry.optional("from") { (n, p) throws(ConfigError) in
            let text = try r.text(n, p, expected: "your PagerDuty login e-mail, e.g. aisha@example.com")
            let parts = text.split(separator: "@")
            guard parts.count == 2, parts[1].contains("."), !text.contains(" ") else {
                throw r.error(n, p, .invalid("'\(r.shown(text))' is not an e-mail address; write the e-mail you log in "
                    + "to PagerDuty with (PagerDuty records your actions under it), e.g. from: aisha@example.com"))
            }
            return text
        }
        var s = PagerDutySettings(id: entry.id, url: url, apiKey: key ?? Secret(value: "", origin: "none"), from: from)
        if let list = entry.texts("services", expected: "a list of service ids or names, e.g. [PXYZ123, checkout-api]",
                                  item: "a service id or name") { s.services = list }
        if let list = entry.texts("teams", expected: "a list of team ids or names, e.g. [Checkout]",
                                  item: "a team id or name") { s.teams = list }
        entry.timing(interval: &s.pollInterval, timeout: &s.timeout)
        if let d = entry.duration("history", minimum: .seconds(86_400), reason: "MTTR and pages need at least a day") {
            if d > .seconds(180 * 86_400) {
                entry.record(r.error(entry.value("history"), entry.path("history"), .invalid("PagerDuty searches at most "
                    + "6 months at once; use at most 180d")))
            }
            s.history = d
        }
        return key == nil ? nil : s
    }

    public static func make(_ settings: PagerDutySettings, _ context: SourceContext) throws -> any Source {
        PagerDutySource(settings: settings, transport: context.transport)
    }

    /// Reads the account's abilities (any key may), then sends a write that can change nothing
    /// (an acknowledgement of an incident that does not exist): a read-only key is refused with
    /// 403 before the incident is looked for, a full-access key gets 404, and a `from:` that is
    /// not a user of the account is named. Then looks the watched services and teams up.
    public static func check(_ settings: PagerDutySettings, _ context: SourceContext) async -> OnlineCheck {
        let source = PagerDutySource(settings: settings, transport: context.transport)
        return await source.check(now: context.now)
    }
}
