import Foundation

/// The GitHub test server (`Tests/Servers/github/server.py`) on a free loopback port: workflow
/// runs kept like GitHub keeps them (pages, the 1,000 cap, re-runs, ETags and 304s not charged,
/// the rate limit per token) and every request the API document does not allow refused and
/// recorded. Tests read `violations()` and fail on any. Runs on the Python of
/// `.build/test-python` (see `PagerDutyServer.python()`). Stopped when released.
public final class GitHubServer: PythonTestServer {
    /// The process.
    public let process: ProcessServer
    /// A token the server accepts.
    public static let token = "gh-token"

    private init(process: ProcessServer) { self.process = process }

    /// Starts the server.
    public static func start() async throws -> GitHubServer {
        GitHubServer(process: try await startProcess("github"))
    }

    /// Adds repositories: `["full_name": "octo-org/x", "archived": false, "private": false]`.
    public func addRepositories(_ repos: [[String: Any]]) throws { try control("POST", "/-/repos", ["repos": repos]) }

    /// Adds runs to a repository (fields in server.py's docstring: workflow, ago, duration,
    /// status, conclusion, title, branch, message, commit_ago); returns their ids.
    @discardableResult
    public func addRuns(_ repo: String, _ runs: [[String: Any]]) throws -> [Int] {
        let answer = try control("POST", "/-/runs", ["repo": repo, "runs": runs]) as? [String: Any]
        return answer?["ids"] as? [Int] ?? []
    }

    /// Changes a run: `["rerun": true]`, or `["status": "completed", "conclusion": "failure"]`.
    public func updateRun(_ id: Int, _ fields: [String: Any]) throws {
        var f = fields
        f["id"] = id
        try control("POST", "/-/runs/update", f)
    }

    /// Sets every token's quota: `limit` an hour, `used` already, resetting in `resetIn` seconds.
    public func rateLimit(_ limit: Int, used: Int = 0, resetIn: Int = 3_600) throws {
        try control("POST", "/-/rate", ["limit": limit, "used": used, "reset_in": resetIn])
    }

    /// The next `count` answers hit a secondary rate limit (`status` with `retry-after`).
    public func secondaryLimit(count: Int, retryAfter: Int, status: Int = 403) throws {
        try control("POST", "/-/secondary", ["count": count, "retry_after": retryAfter, "status": status])
    }

    /// Requests charged against each token's quota (304s are not).
    public func charged(token: String = GitHubServer.token) throws -> Int {
        let answer = try control("GET", "/-/quota") as? [String: Any]
        return (answer?["used"] as? [String: Int])?["token:\(token)"] ?? 0
    }
}
