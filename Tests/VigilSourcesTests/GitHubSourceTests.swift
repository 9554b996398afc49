import Foundation
import Testing
import VigilCore
@testable import VigilSources
import VigilTestSupport

// GitHubSource against the GitHub test server (Tests/Servers/github/server.py), which keeps runs
// like GitHub (pages, the 1,000 cap, re-runs, ETags, the quota per token) and refuses, and
// records, every request the API document does not allow. Every test ends by asserting that
// Vigil sent no such request.

private func github(_ server: GitHubServer, token: String? = GitHubServer.token, repositories: [String] = ["octo-org/checkout"],
                    organization: String? = nil, filter: String? = nil,
                    history: Duration = .seconds(30 * 86_400)) -> GitHubSource {
    GitHubSource(settings: GitHubSettings(id: "gh", url: server.url, token: token.map { Secret(value: $0, origin: "env GH_TOKEN") },
                                          repositories: repositories, organization: organization, repositoryFilter: filter,
                                          history: history, timeout: .seconds(10)),
                 transport: AsyncHTTPTransport.shared)
}

private func expectNoViolations(_ server: GitHubServer, sourceLocation: SourceLocation = #_sourceLocation) throws {
    let violations = try server.violations()
    #expect(violations.isEmpty, "requests GitHub's document does not allow:\n\(violations.joined(separator: "\n"))",
            sourceLocation: sourceLocation)
}

/// Seconds ago that fall at noon of yesterday (UTC), whatever the time now.
private func yesterdayNoonAgo() -> Double {
    let now = Date().timeIntervalSince1970
    return now.truncatingRemainder(dividingBy: 86_400) + 43_200
}

@Suite(.serialized) struct GitHubSourceTests {
    @Test func readsRunsAsBuildsAndDeploymentsAndFollowsTheDocument() async throws {
        let server = try await GitHubServer.start()
        try server.addRuns("octo-org/checkout", [
            ["workflow": "CI", "ago": 7_200, "duration": 300],
            ["workflow": "CI", "ago": 5_000, "duration": 420, "conclusion": "failure"],
            ["workflow": "CI", "ago": 60, "status": "in_progress"],
            ["workflow": "Deploy", "ago": 6_000, "duration": 240, "title": "Deploy checkout v1.4.0 to production",
             "commit_ago": 3_600],
            ["workflow": "Deploy", "ago": 4_000, "duration": 240, "conclusion": "failure",
             "title": "Deploy checkout v1.5.0 to production"],
            ["workflow": "Rollback", "ago": 3_000, "duration": 120, "title": "Rollback checkout to v1.4.0"],
            ["workflow": "Deploy", "ago": 1_000, "duration": 200, "title": "Deploy checkout v1.5.1 to production",
             "branch": "hotfix/timeout"],
            ["workflow": "Deploy", "ago": 900, "conclusion": "cancelled", "title": "Deploy checkout v1.5.2 to production"],
        ])
        let result = try await github(server).poll(now: Date())
        let builds = try #require(result.snapshot.builds)
        #expect(builds.map(\.pipeline) == ["checkout/CI", "checkout/CI", "checkout/CI"])
        #expect(builds.map(\.conclusion) == [.success, .failure, .inProgress])
        #expect(abs((builds[0].duration ?? 0) - 300) < 2)
        let deploys = try #require(result.snapshot.deployments)
        #expect(deploys.map(\.version) == ["v1.4.0", "v1.5.0", "v1.4.0", "v1.5.1"])      // cancelled left out
        #expect(deploys.map(\.outcome) == [.success, .failure, .success, .success])
        #expect(deploys.map(\.markedRollback) == [false, false, true, false])
        #expect(deploys.map(\.markedRework) == [false, false, false, true])             // the hotfix/ branch
        #expect(deploys.allSatisfy { $0.service == "checkout" && $0.environment == "production" })
        // Lead time from the deployed commit: committed an hour before the run was created.
        let lead = try #require(deploys[0].commitAt).distance(to: deploys[0].at)
        #expect(abs(lead - (3_600 + 5 + 240)) < 2)
        #expect(result.quota?.limit == 5_000 && result.quota?.remaining == 4_999)

        for request in try server.requests() {
            let headers = request["headers"] as? [String: String] ?? [:]
            #expect(headers["Accept"] == "application/vnd.github+json")
            #expect(headers["X-GitHub-Api-Version"] == "2022-11-28")
            #expect(headers["Authorization"] == "(redacted)")
        }
        try expectNoViolations(server)
    }

    @Test func tenPollsOfAnUnchangedRepositoryCostOneRequestOfQuota() async throws {
        let server = try await GitHubServer.start()
        try server.addRuns("octo-org/checkout", [["workflow": "CI", "ago": 600], ["workflow": "Deploy", "ago": 300]])
        let gh = github(server)
        for _ in 0..<10 { _ = try await gh.poll(now: Date()) }
        #expect(try server.charged() == 1)
        let statuses = try server.requests().map { $0["status"] as? Int ?? 0 }
        #expect(statuses == [200] + Array(repeating: 304, count: 9))
        #expect(gh.api.requestCounts.notModified == 9)

        // Something changes: the next poll sees it, for one request more.
        try server.addRuns("octo-org/checkout", [["workflow": "CI", "ago": 10, "conclusion": "failure"]])
        let result = try await gh.poll(now: Date())
        #expect(result.snapshot.builds?.count == 2 && result.snapshot.builds?.last?.conclusion == .failure)
        #expect(try server.charged() == 2)
        try expectNoViolations(server)
    }

    @Test func pagesThroughSeveralPagesThenReadsOnlyTheRecentDaysEachPoll() async throws {
        let server = try await GitHubServer.start()
        // 250 runs over the last ten days: three pages of 100.
        try server.addRuns("octo-org/checkout", (0..<250).map { ["workflow": "CI", "ago": 3_600 + Double($0) * 3_400] })
        let gh = github(server)
        let first = try await gh.poll(now: Date())
        #expect(first.snapshot.builds?.count == 250)
        let pages = try server.requests().compactMap { ($0["query"] as? String)?.split(separator: "&").first { $0.hasPrefix("page=") } }
        #expect(pages == ["page=2", "page=3"])
        // Busy: from now on today and yesterday each poll, the older days once an hour; unchanged, all 304.
        _ = try await gh.poll(now: Date())
        let charged = try server.charged()
        for _ in 0..<3 { #expect(try await gh.poll(now: Date()).snapshot.builds?.count == 250) }
        #expect(try server.charged() == charged)
        let created = try server.requests().suffix(3).map { ($0["query"] as? String) ?? "" }
        #expect(created.allSatisfy { $0.contains("created=%3E%3D") })
        try expectNoViolations(server)
    }

    @Test func overTheThousandCapTheRangeIsSplitAndASingleDayOverItIsNamed() async throws {
        let server = try await GitHubServer.start()
        // 1,500 runs over three days before today: split into ranges under 1,000, all counted.
        let base = yesterdayNoonAgo()
        try server.addRuns("octo-org/checkout", (0..<1_500).map { ["workflow": "CI", "ago": base + Double($0 % 3) * 86_400
                                                                                + Double($0 / 3)] })
        let result = try await github(server).poll(now: Date())
        #expect(result.snapshot.builds?.count == 1_500)
        #expect(result.warnings.isEmpty)
        try expectNoViolations(server)

        // 1,200 on one day: GitHub lists 1,000 of them, and the panel says how many are missing.
        let busy = try await GitHubServer.start()
        try busy.addRuns("octo-org/checkout", (0..<1_200).map { ["workflow": "CI", "ago": base + Double($0)] })
        let capped = try await github(busy).poll(now: Date())
        #expect(capped.snapshot.builds?.count == 1_000)
        let warning = try #require(capped.warnings.first)
        #expect(warning.panel == .deployments)
        #expect(warning.message.contains("1200 runs") && warning.message.contains("200 are not counted"))
        try expectNoViolations(busy)
    }

    @Test func aReRunIsCountedOnceWithItsFinalResult() async throws {
        let server = try await GitHubServer.start()
        let ids = try server.addRuns("octo-org/checkout", [
            ["workflow": "Deploy", "ago": 900, "conclusion": "failure", "title": "Deploy checkout v2.0.0 to production"],
        ])
        let gh = github(server)
        #expect(try await gh.poll(now: Date()).snapshot.deployments?.map(\.outcome) == [.failure])
        try server.updateRun(ids[0], ["rerun": true])
        #expect(try await gh.poll(now: Date()).snapshot.deployments?.map(\.outcome) == [.inProgress])
        try server.updateRun(ids[0], ["status": "completed", "conclusion": "success"])
        let done = try await gh.poll(now: Date())
        #expect(done.snapshot.deployments?.map(\.outcome) == [.success])
        #expect(done.snapshot.deployments?.count == 1)
        try expectNoViolations(server)
    }

    @Test func rateLimitsAreWaitedForAndNotRunInto() async throws {
        let server = try await GitHubServer.start()
        try server.addRuns("octo-org/checkout", [["workflow": "CI", "ago": 600]])
        try server.rateLimit(5_000, used: 5_000, resetIn: 1_800)
        let gh = github(server)
        let error = try #require(await failure { _ = try await gh.poll(now: Date()) })
        guard case .rateLimited(let until?) = error.kind else { Issue.record("expected rate limited, got \(error)"); return }
        #expect(abs(until.timeIntervalSinceNow - 1_800) < 5)
        #expect(error.message.contains("quota resets in"))
        // Spent: the next poll does not send a request that would be refused.
        let sent = try server.requests().count
        #expect(await failure { _ = try await gh.poll(now: Date()) }?.message.contains("is spent") == true)
        #expect(try server.requests().count == sent)

        // A secondary limit: 403 with retry-after, waited for as asked.
        let other = try await GitHubServer.start()
        try other.addRuns("octo-org/checkout", [["workflow": "CI", "ago": 600]])
        try other.secondaryLimit(count: 1, retryAfter: 45)
        let secondary = try #require(await failure { _ = try await github(other).poll(now: Date()) })
        #expect(secondary.retryAfter == .seconds(45))
        #expect(secondary.message.contains("secondary rate limit"))
        // The same as 429, which GitHub also sends.
        try other.secondaryLimit(count: 1, retryAfter: 20, status: 429)
        let tooMany = try #require(await failure { _ = try await github(other).poll(now: Date()) })
        #expect(tooMany.retryAfter == .seconds(20) && tooMany.message.contains("(429)"))
        #expect(try await github(other).poll(now: Date()).snapshot.builds?.count == 1)   // and then it reads again
        try expectNoViolations(server)
        try expectNoViolations(other)
    }

    @Test func badTokensBrokenAnswersAndMissingRepositoriesSayWhatIsWrong() async throws {
        let server = try await GitHubServer.start()
        try server.addRepositories([["full_name": "octo-org/secret", "private": true]])
        try server.addRuns("octo-org/checkout", [["workflow": "CI", "ago": 600]])
        let bad = try #require(await failure { _ = try await github(server, token: "ghp_wrong").poll(now: Date()) })
        #expect(bad.kind == .unauthorised && bad.message.contains("env GH_TOKEN") && !bad.message.contains("ghp_wrong"))

        for fault: [String: Any] in [["body": "{\"total_count\": 1, \"workflow_runs\": [{\"id\": \"x\"}]}"], ["body": "<html>"],
                                     ["truncate": 40]] {
            try server.fault(fault)
            let error = try #require(await failure { _ = try await github(server).poll(now: Date()) })
            #expect(error.kind == .malformed || error.kind == .unreachable, "\(fault): \(error)")
            #expect(error.message.hasPrefix("GitHub"))
        }
        try server.fault(["status": 502])
        #expect(await failure { _ = try await github(server).poll(now: Date()) }?.message.contains("HTTP 502") == true)

        // One repository it may not see: named on the panel, the others still read.
        let mixed = try await github(server, token: nil, repositories: ["octo-org/checkout", "octo-org/secret"]).poll(now: Date())
        #expect(mixed.snapshot.builds?.count == 1)
        #expect(mixed.warnings.map(\.message).contains { $0.hasPrefix("octo-org/secret:") && $0.contains("404") })
        try expectNoViolations(server)
    }

    @Test func anOrganisationsRepositoriesFilteredByNameWithoutTheArchivedOnes() async throws {
        let server = try await GitHubServer.start()
        try server.addRepositories([["full_name": "octo-org/svc-old", "archived": true], ["full_name": "octo-org/website"]])
        try server.addRuns("octo-org/svc-checkout", [["workflow": "CI", "ago": 600]])
        try server.addRuns("octo-org/svc-search", [["workflow": "CI", "ago": 500]])
        try server.addRuns("octo-org/website", [["workflow": "CI", "ago": 400]])
        let gh = github(server, repositories: [], organization: "octo-org", filter: "^svc-")
        let result = try await gh.poll(now: Date())
        #expect(Set(result.snapshot.builds?.map(\.pipeline) ?? []) == ["svc-checkout/CI", "svc-search/CI"])
        #expect(try server.requests().filter { ($0["path"] as? String) == "/orgs/octo-org/repos" }.count == 1)
        try expectNoViolations(server)
    }
}
