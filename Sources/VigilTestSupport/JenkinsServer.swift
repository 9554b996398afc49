import Foundation

/// The Jenkins test server (`Tests/Servers/jenkins/server.py`) on a free loopback port: jobs,
/// folders, multibranch projects and builds kept as Jenkins keeps them, answered through `tree=`
/// with ranges, behind HTTP Basic with an API token; requests Vigil promises not to send (no
/// `tree=`, `depth=`, a build list without a range) are refused and recorded. Stopped when released.
public final class JenkinsServer: PythonTestServer {
    /// The process.
    public let process: ProcessServer
    /// The user and API token the server accepts.
    public static let user = "vigil", token = "jenkins-token"

    private init(process: ProcessServer) { self.process = process }

    /// Starts the server.
    public static func start() async throws -> JenkinsServer {
        JenkinsServer(process: try await startProcess("jenkins"))
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
}
