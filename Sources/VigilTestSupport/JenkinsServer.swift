import Foundation

/// The Jenkins test server (`Tests/Servers/jenkins/server.py`) on a free loopback port: jobs,
/// folders, multibranch projects and builds kept as Jenkins keeps them, answered through `tree=`
/// with ranges, behind HTTP Basic with an API token; requests Vigil promises not to send (no
/// `tree=`, `depth=`, a build list without a range) are refused and recorded. Stopped when released.
public final class JenkinsServer: Sendable {
    /// The process.
    public let process: ProcessServer
    /// `http://127.0.0.1:<port>/`.
    public var url: URL { process.url }
    /// The user and API token the server accepts.
    public static let user = "vigil", token = "jenkins-token"

    private init(process: ProcessServer) { self.process = process }

    /// Starts the server.
    public static func start() async throws -> JenkinsServer {
        let python = try PagerDutyServer.python()
        let script = PagerDutyServer.repository.appendingPathComponent("Tests/Servers/jenkins/server.py").path
        let work = try ProcessServer.makeWorkDirectory(prefix: "jenkins")
        let process = try await ProcessServer.start(python, workDirectory: work, readyPath: "/-/ready",
                                                    readyDeadline: .seconds(30)) { port in
            [script, "--port", String(port)]
        }
        return JenkinsServer(process: process)
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

    /// Adds jobs: `["path": "team/deploy-api", "kind": "freestyle"]`, or
    /// `["multibranch": "team/app", "branches": ["main"]]`.
    public func addJobs(_ jobs: [[String: Any]]) throws { try control("POST", "/-/jobs", ["jobs": jobs]) }

    /// Adds builds to a job, newest last (fields in server.py: result, ago, duration, building,
    /// display, commits); returns their numbers.
    @discardableResult
    public func addBuilds(_ job: String, _ builds: [[String: Any]]) throws -> [Int] {
        let answer = try control("POST", "/-/builds", ["job": job, "builds": builds]) as? [String: Any]
        return answer?["numbers"] as? [Int] ?? []
    }

    /// Ends a build in progress.
    public func finish(_ job: String, number: Int, result: String, duration: Double = 60) throws {
        try control("POST", "/-/builds/update", ["job": job, "number": number, "result": result, "duration": duration])
    }

    /// Makes the next `count` answers fail: `["status": 500]`, `["body": "…"]`, `["truncate": 50]`.
    public func fault(_ fault: [String: Any], count: Int = 1) throws {
        var f = fault
        if !fault.isEmpty { f["count"] = count }
        try control("POST", "/-/fault", f)
    }

    /// Every request: path, query, status.
    public func requests() throws -> [[String: Any]] {
        (try control("GET", "/-/requests") as? [String: Any])?["requests"] as? [[String: Any]] ?? []
    }

    /// Requests refused as not what Vigil promises to send.
    public func violations() throws -> [String] {
        let answer = try control("GET", "/-/violations") as? [String: Any]
        return (answer?["violations"] as? [[String: Any]] ?? []).map { v in
            "\(v["path"] ?? "")?\(v["query"] ?? ""): " + ((v["problems"] as? [String]) ?? []).joined(separator: "; ")
        }
    }

    /// Stops the server; returns its log.
    @discardableResult
    public func stop() -> String { process.stop() }
}
