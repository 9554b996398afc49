import Foundation

/// What the Python test servers (`Tests/Servers/<name>/server.py`: PagerDuty, GitHub, Jenkins)
/// share: started on a free loopback port with the Python of `.build/test-python`, ready when
/// `/-/ready` answers, driven through JSON test controls under `/-/`, and asked for the requests
/// they refused (`/-/violations`).
public protocol PythonTestServer: Sendable {
    /// The process.
    var process: ProcessServer { get }
}

extension PythonTestServer {
    /// `http://127.0.0.1:<port>/`.
    public var url: URL { process.url }

    /// Starts `Tests/Servers/<name>/server.py`.
    static func startProcess(_ name: String) async throws -> ProcessServer {
        let python = try PagerDutyServer.python()
        let script = PagerDutyServer.repository.appendingPathComponent("Tests/Servers/\(name)/server.py").path
        let work = try ProcessServer.makeWorkDirectory(prefix: name)
        return try await ProcessServer.start(python, workDirectory: work, readyPath: "/-/ready",
                                             readyDeadline: .seconds(30)) { port in
            [script, "--port", String(port)]
        }
    }

    /// Sends a test control request and returns the JSON answer.
    @discardableResult
    public func control(_ method: String, _ path: String, _ body: Any? = nil) throws -> Any {
        let data = try body.map { try JSONSerialization.data(withJSONObject: $0) }
        let (status, answer) = try LoopbackHTTP.exchange(port: process.port, method: method, path: path, body: data)
        guard status == 200 else {
            throw AlertmanagerServer.RequestFailed(description: "\(method) \(path) → HTTP \(status): "
                + String(decoding: answer, as: UTF8.self))
        }
        return try JSONSerialization.jsonObject(with: answer)
    }

    /// Makes the next `count` API answers fail: `["status": 500]`, `["body": "not json"]`,
    /// `["truncate": 100]` (and what each server adds); `[:]` clears it.
    public func fault(_ fault: [String: Any], count: Int = 1) throws {
        var f = fault
        if !fault.isEmpty { f["count"] = count }
        try control("POST", "/-/fault", f)
    }

    /// Every API request received, as the server recorded it (Authorization redacted).
    public func requests() throws -> [[String: Any]] {
        (try control("GET", "/-/requests") as? [String: Any])?["requests"] as? [[String: Any]] ?? []
    }

    /// Requests the server refused as not allowed (each with its problems).
    public func violations() throws -> [String] {
        let answer = try control("GET", "/-/violations") as? [String: Any]
        return (answer?["violations"] as? [[String: Any]] ?? []).map { v in
            "\(v["method"] ?? "GET") \(v["path"] ?? "")?\(v["query"] ?? ""): "
                + ((v["problems"] as? [String]) ?? []).joined(separator: "; ")
        }
    }

    /// Stops the server; returns its log.
    @discardableResult
    public func stop() -> String { process.stop() }
}
