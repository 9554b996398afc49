import Foundation

/// The PagerDuty test server (`Tests/Servers/pagerduty/server.py`) on a free loopback port: it
/// keeps state like PagerDuty (an acknowledgement shows on the next read) and refuses, and
/// records, every request PagerDuty's OpenAPI document does not allow. Tests read
/// `violations()` and fail on any.
///
/// It runs on the Python of `.build/test-python` (made by `scripts/deps.sh test`, with
/// openapi-core from PyPI), or `$VIGIL_TEST_PYTHON`. Stopped when released.
public final class PagerDutyServer: PythonTestServer {
    /// The process.
    public let process: ProcessServer
    /// An API key with full access.
    public static let fullKey = "full-key"
    /// A read-only API key.
    public static let readOnlyKey = "read-key"

    private init(process: ProcessServer) { self.process = process }

    /// The repository's root (from this file's path).
    static var repository: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    /// The Python that has openapi-core.
    public static func python() throws -> String {
        if let explicit = ProcessInfo.processInfo.environment["VIGIL_TEST_PYTHON"], !explicit.isEmpty {
            return try ProcessServer.requireBinary(explicit)
        }
        let venv = repository.appendingPathComponent(".build/test-python/bin/python3").path
        guard FileManager.default.isExecutableFile(atPath: venv) else {
            throw ServerUnavailable("""
                SERVER NOT AVAILABLE: the PagerDuty test server needs Python with openapi-core in \
                .build/test-python, which is missing. Run `scripts/deps.sh test` once (it creates it with \
                python3 -m venv and pip install openapi-core), or set VIGIL_TEST_PYTHON to a python3 that has it.
                """)
        }
        return venv
    }

    /// Starts the server.
    public static func start() async throws -> PagerDutyServer {
        PagerDutyServer(process: try await startProcess("pagerduty"))
    }

    /// Creates incidents (see `create_incident` in server.py for the fields); returns their ids.
    @discardableResult
    public func create(_ incidents: [[String: Any]]) throws -> [String] {
        let answer = try control("POST", "/-/incidents", ["incidents": incidents]) as? [String: Any]
        return (answer?["incidents"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
    }

    /// Sets the rate limit per key: `limit` requests per `window` seconds.
    public func rateLimit(_ limit: Int, window: Int = 60) throws {
        try control("POST", "/-/rate", ["limit": limit, "window": window])
    }

    /// Moves the server's clock.
    public func advanceClock(by seconds: Double) throws { try control("POST", "/-/clock", ["advance": seconds]) }

    /// The incidents as the server holds them (with notes and snooze).
    public func incidents() throws -> [[String: Any]] {
        let answer = try control("GET", "/-/state") as? [String: Any]
        return answer?["incidents"] as? [[String: Any]] ?? []
    }

    /// Every Events API v2 event received (`POST /v2/enqueue`), as sent.
    public func events() throws -> [[String: Any]] {
        let answer = try control("GET", "/-/events") as? [String: Any]
        return answer?["events"] as? [[String: Any]] ?? []
    }

    /// The Events API v2 integration (routing) key of a service of the test account.
    public static func integrationKey(service: String) -> String {
        let id = service.lowercased()
        return id + String(repeating: "0", count: max(0, 32 - id.count))
    }

    /// The Events API v2 endpoint, for an Alertmanager `pagerduty_configs` `url:`.
    public var eventsURL: URL { url.appendingPathComponent("v2/enqueue") }

    /// An Alertmanager configuration whose `severity="critical"` alerts page this server's
    /// PSVC001 (receiver `pagerduty`, grouped by alertname and cluster, sent within a second);
    /// the rest go to a receiver that sends nothing.
    public var alertmanagerConfiguration: String {
        """
        route:
          receiver: 'null'
          group_by: [alertname]
          group_wait: 1s
          group_interval: 1s
          repeat_interval: 1h
          routes:
            - receiver: pagerduty
              matchers: ['severity="critical"']
              group_by: [alertname, cluster]
        receivers:
          - name: 'null'
          - name: pagerduty
            pagerduty_configs:
              - routing_key: \(Self.integrationKey(service: "PSVC001"))
                url: \(eventsURL.absoluteString)

        """
    }
}
