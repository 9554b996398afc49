import Foundation
import Testing
import VigilCore
@testable import VigilSources
import VigilTestSupport

// JenkinsSource against the Jenkins test server (Tests/Servers/jenkins/server.py): folders,
// multibranch projects and builds kept as Jenkins keeps them, answered through tree= with ranges
// and HTTP Basic with an API token.

private func jenkins(_ server: JenkinsServer, token: String = JenkinsServer.token, jobs: [String] = [],
                     maxBuilds: Int = 100, deployFolders: [String] = []) -> JenkinsSource {
    JenkinsSource(settings: JenkinsSettings(id: "ci", url: server.url, user: JenkinsServer.user,
                                            token: Secret(value: token, origin: "env JENKINS_TOKEN"), jobs: jobs,
                                            deployFolders: deployFolders, maxBuilds: maxBuilds, timeout: .seconds(10)),
                  transport: AsyncHTTPTransport.shared)
}

private func expectNoViolations(_ server: JenkinsServer, sourceLocation: SourceLocation = #_sourceLocation) throws {
    let violations = try server.violations()
    #expect(violations.isEmpty, "requests refused:\n\(violations.joined(separator: "\n"))", sourceLocation: sourceLocation)
}

@Suite(.serialized) struct JenkinsSourceTests {
    @Test func readsAFolderTreeWithMultibranchAndMapsEveryResultDeliberately() async throws {
        let server = try await JenkinsServer.start()
        try server.addJobs([["path": "checkout/build", "kind": "pipeline"], ["path": "checkout/deploy-checkout"],
                            ["path": "platform/tools/nightly"],
                            ["multibranch": "checkout/app", "branches": ["main", "hotfix%2Fpayment-timeout"]]])
        try server.addBuilds("checkout/build", [
            ["result": "SUCCESS", "ago": 7_200, "duration": 300], ["result": "UNSTABLE", "ago": 6_000],
            ["result": "ABORTED", "ago": 5_000], ["result": "NOT_BUILT", "ago": 4_000], ["building": true, "ago": 60],
        ])
        try server.addBuilds("platform/tools/nightly", [["result": "FAILURE", "ago": 3_000, "duration": 30]])
        try server.addBuilds("checkout/deploy-checkout", [
            ["result": "SUCCESS", "ago": 5_000, "duration": 120, "display": "#1 checkout v1.4.0",
             "commits": [["msg": "Add retries", "ago": 9_000]]],
            ["result": "UNSTABLE", "ago": 3_000, "display": "#2 checkout v1.5.0"],
            ["result": "ABORTED", "ago": 2_000, "display": "#3 checkout v1.5.1"],
            ["result": "SUCCESS", "ago": 1_000, "display": "#4 checkout v1.5.2 to staging",
             "commits": [["msg": "Revert \"Add retries\"", "ago": 1_500]]],
        ])
        try server.addBuilds("checkout/app/hotfix%2Fpayment-timeout", [["result": "SUCCESS", "ago": 500]])
        let result = try await jenkins(server).poll(now: Date())
        let builds = try #require(result.snapshot.builds)
        let conclusions = Dictionary(grouping: builds, by: \.pipeline).mapValues { $0.map(\.conclusion) }
        #expect(conclusions["checkout/build"] == [.success, .failure, .cancelled, .skipped, .inProgress])
        #expect(conclusions["platform/tools/nightly"] == [.failure])                  // two folders deep
        #expect(conclusions["checkout/app/hotfix%2Fpayment-timeout"] == [.success])   // a multibranch branch
        let deploys = try #require(result.snapshot.deployments)
        #expect(deploys.map(\.version) == ["v1.4.0", "v1.5.0", "v1.5.2"])           // ABORTED left out
        #expect(deploys.map(\.outcome) == [.success, .failure, .success])            // UNSTABLE failed
        #expect(deploys.map(\.environment) == ["production", "production", "staging"])
        #expect(deploys.map(\.markedRework) == [false, false, true])                 // the revert
        #expect(deploys.allSatisfy { $0.service == "checkout" })
        // Lead time from the commit built: 9,000 s before now; the deploy ended 5,000 - 120 s ago.
        let lead = try #require(deploys[0].commitAt).distance(to: deploys[0].at)
        #expect(abs(lead - (9_000 - 5_000 + 120)) < 2)
        // One request per folder: the root, checkout, platform, platform/tools, checkout/app.
        #expect(try server.requests().count == 5)
        try expectNoViolations(server)
    }

    @Test func aBuildInProgressCountsWhenItEnds() async throws {
        let server = try await JenkinsServer.start()
        try server.addJobs([["path": "deploy-api"]])
        let numbers = try server.addBuilds("deploy-api", [["building": true, "ago": 30, "display": "api v2.0.0"]])
        let source = jenkins(server, jobs: ["deploy-api"])
        #expect(try await source.poll(now: Date()).snapshot.deployments?.map(\.outcome) == [.inProgress])
        try server.finish("deploy-api", number: numbers[0], result: "FAILURE", duration: 20)
        let ended = try await source.poll(now: Date()).snapshot.deployments
        #expect(ended?.map(\.outcome) == [.failure] && ended?.first?.service == "api")
        try expectNoViolations(server)
    }

    @Test func rangesAndAllBuildsAndSayingWhatWasNotRead() async throws {
        let server = try await JenkinsServer.start()
        try server.addJobs([["path": "ci"]])
        try server.addBuilds("ci", (0..<150).map { ["ago": 60_000 - Double($0) * 60] })
        let newest = try await jenkins(server, jobs: ["ci"], maxBuilds: 40).poll(now: Date())
        #expect(newest.snapshot.builds?.count == 40)
        #expect(newest.warnings.first?.message.contains("newest 40 builds") == true)
        #expect(try server.requests().last?["query"] as? String ?? "" == "tree=builds%5Bnumber,result,building,timestamp,"
            + "duration,displayName,changeSets%5Bitems%5Btimestamp,msg%5D%5D,changeSet%5Bitems%5Btimestamp,msg%5D%5D%5D"
            + "%7B0,40%7D,jobs%5Bname,jobs%5Bname%5D,builds%5Bnumber,result,building,timestamp,duration,displayName,"
            + "changeSets%5Bitems%5Btimestamp,msg%5D%5D,changeSet%5Bitems%5Btimestamp,msg%5D%5D%5D%7B0,40%7D%5D")
        // Over 100: allBuilds, which holds more than Jenkins's newest 100.
        let all = try await jenkins(server, jobs: ["ci"], maxBuilds: 500).poll(now: Date())
        #expect(all.snapshot.builds?.count == 150 && all.warnings.isEmpty)
        #expect((try server.requests().last?["query"] as? String)?.hasPrefix("tree=allBuilds") == true)
        try expectNoViolations(server)
    }

    @Test func deployFoldersAndAMissingJobBesideAGoodOne() async throws {
        let server = try await JenkinsServer.start()
        try server.addJobs([["path": "release/payments"], ["path": "ci"]])
        try server.addBuilds("release/payments", [["ago": 600, "display": "payments 3.1.0"]])
        try server.addBuilds("ci", [["ago": 500]])
        let result = try await jenkins(server, jobs: ["release", "ci", "gone"], deployFolders: ["release"]).poll(now: Date())
        #expect(result.snapshot.deployments?.map(\.service) == ["payments"])
        #expect(result.snapshot.builds?.map(\.pipeline) == ["ci"])
        #expect(result.warnings.map(\.message).contains { $0.hasPrefix("gone:") && $0.contains("404") })
        try expectNoViolations(server)
    }

    @Test func badTokensAndBrokenAnswersSayWhatIsWrong() async throws {
        let server = try await JenkinsServer.start()
        try server.addJobs([["path": "ci"]])
        try server.addBuilds("ci", [["ago": 500]])
        let bad = try #require(await failure { _ = try await jenkins(server, token: "wrong-token").poll(now: Date()) })
        #expect(bad.kind == .unauthorised && bad.message.contains("env JENKINS_TOKEN") && !bad.message.contains("wrong-token"))
        for fault: [String: Any] in [["body": "<html>Jenkins is starting</html>"], ["truncate": 30],
                                     ["body": "{\"jobs\": [{\"name\": \"ci\", \"builds\": [{\"number\": \"one\"}]}]}"]] {
            try server.fault(fault)
            let error = try #require(await failure { _ = try await jenkins(server).poll(now: Date()) })
            #expect(error.kind == .malformed || error.kind == .unreachable, "\(fault): \(error)")
            #expect(error.message.hasPrefix("Jenkins"))
        }
        try server.fault(["status": 503])
        #expect(await failure { _ = try await jenkins(server).poll(now: Date()) }?.message.contains("HTTP 503") == true)
        try expectNoViolations(server)
    }
}
