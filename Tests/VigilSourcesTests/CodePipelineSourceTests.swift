import Foundation
import Testing
import VigilCore
@testable import VigilSources
import VigilTestSupport

// CodePipelineSource against moto (pipelines and executions; moto's are always Succeeded) and
// against recorded answers for every other status, behind botocore's signature check.

private let keys = ["AWS_ACCESS_KEY_ID": "AKIDVIGILTEST", "AWS_SECRET_ACCESS_KEY": "vigil-test-secret-key"]

private func codepipeline(_ url: URL, pipelines: [String] = []) -> CodePipelineSource {
    CodePipelineSource(settings: CodePipelineSettings(id: "cp", regions: ["us-east-1"], endpointURL: url, pipelines: pipelines,
                                                      timeout: .seconds(10)),
                       transport: AsyncHTTPTransport.shared, environment: keys)
}

@Suite(.serialized) struct CodePipelineSourceTests {
    @Test func executionsOfMotoAsDeploymentsAndBuildsByPipelineName() async throws {
        let moto = try await MotoServer.start()
        try moto.query([("Action", "CreateRole"), ("Version", "2010-05-08"), ("RoleName", "cp-role"),
                        ("AssumeRolePolicyDocument", #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"codepipeline.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#)],
                       service: "iam")
        for name in ["checkout-release", "checkout-ci", "payments-main"] {
            let source: [String: Any] = ["name": "Source", "actions": [[
                "name": "Source", "actionTypeId": ["category": "Source", "owner": "AWS", "provider": "S3", "version": "1"],
                "configuration": ["S3Bucket": "b", "S3ObjectKey": "k"], "outputArtifacts": [["name": "out"]]]]]
            let build: [String: Any] = ["name": "Build", "actions": [[
                "name": "Build", "actionTypeId": ["category": "Build", "owner": "AWS", "provider": "CodeBuild", "version": "1"],
                "configuration": ["ProjectName": "p"], "inputArtifacts": [["name": "out"]]]]]
            let deployStage: [String: Any] = ["name": "DeployProd", "actions": [[
                "name": "Deploy", "actionTypeId": ["category": "Deploy", "owner": "AWS", "provider": "CodeDeploy", "version": "1"],
                "configuration": ["ApplicationName": "a", "DeploymentGroupName": "g"], "inputArtifacts": [["name": "out"]]]]]
            try moto.call("CodePipeline_20150709.CreatePipeline", ["pipeline": [
                "name": name, "roleArn": "arn:aws:iam::123456789012:role/cp-role",
                "artifactStore": ["type": "S3", "location": "bucket"],
                "stages": name == "payments-main" ? [source, deployStage] : [source, build]]],
                          service: "codepipeline", contentType: "application/x-amz-json-1.1")
            try moto.call("CodePipeline_20150709.StartPipelineExecution", ["name": name], service: "codepipeline",
                          contentType: "application/x-amz-json-1.1")
        }
        let result = try await codepipeline(moto.url).poll(now: Date().addingTimeInterval(5))
        #expect(result.snapshot.deployments?.map(\.service) == ["checkout-release"])      // "release": a deployment
        #expect(result.snapshot.deployments?.first?.outcome == .success)
        #expect(Set(result.snapshot.builds?.map(\.pipeline) ?? []) == ["checkout-ci", "payments-main"])
        #expect(result.snapshot.builds?.first?.conclusion == .success)
        // With deploy_stages: payments-main has a stage named DeployProd, so it deploys too.
        var byStage = CodePipelineSettings(id: "cp", regions: ["us-east-1"], endpointURL: moto.url, timeout: .seconds(10))
        byStage.deployStages = "(?i)^deploy"
        let staged = try await CodePipelineSource(settings: byStage, transport: AsyncHTTPTransport.shared, environment: keys)
            .poll(now: Date().addingTimeInterval(5))
        #expect(Set(staged.snapshot.deployments?.map(\.service) ?? []) == ["checkout-release", "payments-main"])
        #expect(staged.snapshot.builds?.map(\.pipeline) == ["checkout-ci"])
    }

    @Test func everyStatusMotoCannotMakeAndPagesBehindARealSignatureCheck() async throws {
        let aws = try await RecordedAWSServer.start()
        let now = Date().timeIntervalSince1970
        var executions: [[String: Any]] = (0..<120).map { k in
            ["pipelineExecutionId": "ok-\(k)", "status": "Succeeded", "startTime": now - 200_000 + Double(k) * 1_000,
             "lastUpdateTime": now - 200_000 + Double(k) * 1_000 + 300,
             "sourceRevisions": [["actionName": "Source", "revisionId": "abc\(k)defabcdef"]]]
        }
        executions += [
            ["pipelineExecutionId": "bad", "status": "Failed", "startTime": now - 5_000, "lastUpdateTime": now - 4_700],
            ["pipelineExecutionId": "back", "status": "Succeeded", "startTime": now - 4_000, "lastUpdateTime": now - 3_800,
             "executionType": "ROLLBACK"],
            ["pipelineExecutionId": "stop", "status": "Stopped", "startTime": now - 3_000, "lastUpdateTime": now - 2_990],
            ["pipelineExecutionId": "old", "status": "Superseded", "startTime": now - 2_000, "lastUpdateTime": now - 1_990],
            ["pipelineExecutionId": "now", "status": "InProgress", "startTime": now - 60, "lastUpdateTime": now - 30],
            ["pipelineExecutionId": "ancient", "status": "Succeeded", "startTime": now - 40 * 86_400,
             "lastUpdateTime": now - 40 * 86_400 + 60],
        ]
        try aws.addExecutions(executions, pipeline: "payments-deploy")
        let result = try await codepipeline(aws.url).poll(now: Date())
        let deployments = try #require(result.snapshot.deployments)
        #expect(deployments.count == 120 + 3)                   // Stopped, Superseded and the 40-day-old one left out
        #expect(deployments.first { $0.id.hasSuffix("/bad") }?.outcome == .failure)
        #expect(deployments.first { $0.id.hasSuffix("/back") }?.markedRollback == true)
        #expect(deployments.first { $0.id.hasSuffix("/now") }?.outcome == .inProgress)
        #expect(deployments.first { $0.id.hasSuffix("/ok-0") }?.version == "abc0def")
        // 126 executions, newest first in pages of 100: the second page reaches past the window.
        let targets = try aws.requests().compactMap { $0["target"] as? String }
        #expect(targets == ["CodePipeline_20150709.ListPipelines", "CodePipeline_20150709.ListPipelineExecutions",
                            "CodePipeline_20150709.ListPipelineExecutions"])
        let refused = try aws.violations()
        #expect(refused.isEmpty, "\(refused.joined(separator: "\n"))")

        // Throttled: a rate-limited failure (the runner backs off with jitter), then it reads again.
        try aws.throttle(1)
        let throttled = try #require(await failure { _ = try await codepipeline(aws.url).poll(now: Date()) })
        if case .rateLimited = throttled.kind {} else { Issue.record("throttling is \(throttled.kind)") }
        #expect(throttled.message.contains("throttled (ThrottlingException)"))
        #expect(try await codepipeline(aws.url).poll(now: Date()).snapshot.deployments?.count == 123)

        // calls_per_minute bounds the calls in a region: the third call of a minute is not sent.
        var tight = CodePipelineSettings(id: "cp", regions: ["us-east-1"], endpointURL: aws.url, timeout: .seconds(10))
        tight.callsPerMinute = 2
        let sent = try aws.requests().count
        let bounded = try #require(await failure {
            _ = try await CodePipelineSource(settings: tight, transport: AsyncHTTPTransport.shared, environment: keys)
                .poll(now: Date())
        })
        #expect(bounded.message.contains("2 calls a minute spent"))
        #expect(try aws.requests().count == sent + 2)
    }
}
