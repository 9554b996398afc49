import Foundation
import Testing
import VigilCore
@testable import VigilSources
import VigilTestSupport

// CodeDeploySource against moto (applications, groups, deployments; moto leaves every deployment
// "Created") and against recorded answers in AWS's shapes for the states moto cannot make, served
// behind a signature check done with botocore's signer.

private let keys = ["AWS_ACCESS_KEY_ID": "AKIDVIGILTEST", "AWS_SECRET_ACCESS_KEY": "vigil-test-secret-key"]

private func codedeploy(_ url: URL, environment: [String: String] = keys, applications: [String] = []) -> CodeDeploySource {
    CodeDeploySource(settings: CodeDeploySettings(id: "cd", regions: ["us-east-1"], endpointURL: url, applications: applications,
                                                  timeout: .seconds(10)),
                     transport: AsyncHTTPTransport.shared, environment: environment)
}

@Suite(.serialized) struct CodeDeploySourceTests {
    @Test func deploymentsOfMotoPerApplicationAndGroup() async throws {
        let moto = try await MotoServer.start()
        func cd(_ op: String, _ body: [String: Any]) throws -> [String: Any] {
            try moto.call("CodeDeploy_20141006.\(op)", body, service: "codedeploy", contentType: "application/x-amz-json-1.1")
        }
        try cd("CreateApplication", ["applicationName": "checkout", "computePlatform": "Server"])
        for group in ["checkout-prod", "checkout-staging"] {
            try cd("CreateDeploymentGroup", ["applicationName": "checkout", "deploymentGroupName": group,
                                             "serviceRoleArn": "arn:aws:iam::123456789012:role/cd"])
        }
        for (group, commit) in [("checkout-prod", "abcdef1234567"), ("checkout-staging", "1234567abcdef")] {
            try cd("CreateDeployment", ["applicationName": "checkout", "deploymentGroupName": group,
                                        "revision": ["revisionType": "GitHub",
                                                     "gitHubLocation": ["repository": "octo/checkout", "commitId": commit]]])
        }
        let result = try await codedeploy(moto.url).poll(now: Date())
        let deployments = try #require(result.snapshot.deployments)
        #expect(deployments.count == 2)
        #expect(Set(deployments.map(\.environment)) == ["production", "checkout-staging"])
        #expect(deployments.allSatisfy { $0.service == "checkout" && $0.outcome == .inProgress })   // moto: "Created"
        #expect(Set(deployments.map(\.version)) == ["abcdef1", "1234567"])
    }

    @Test func failuresRollbacksAndBatchesOfTwentyFiveBehindARealSignatureCheck() async throws {
        let aws = try await RecordedAWSServer.start()
        let now = Date().timeIntervalSince1970
        var infos: [[String: Any]] = (0..<27).map { k in
            ["deploymentId": "d-OK\(k)", "applicationName": "checkout", "deploymentGroupName": "checkout-prod",
             "status": "Succeeded", "creator": "user", "createTime": now - 86_400 + Double(k) * 600,
             "completeTime": now - 86_400 + Double(k) * 600 + 300,
             "revision": ["revisionType": "S3", "s3Location": ["bucket": "b", "key": "checkout.zip", "eTag": "e\(k)abcdef99"]]]
        }
        infos += [
            // Failed, and CodeDeploy rolled it back automatically (d-RB1, created by codeDeployRollback).
            ["deploymentId": "d-BAD1", "applicationName": "checkout", "deploymentGroupName": "checkout-prod", "status": "Failed",
             "creator": "user", "createTime": now - 3_000, "completeTime": now - 2_900,
             "rollbackInfo": ["rollbackDeploymentId": "d-RB1", "rollbackMessage": "Automatic rollback"]],
            ["deploymentId": "d-RB1", "applicationName": "checkout", "deploymentGroupName": "checkout-prod", "status": "Succeeded",
             "creator": "codeDeployRollback", "createTime": now - 2_890, "completeTime": now - 2_700,
             "rollbackInfo": ["rollbackTriggeringDeploymentId": "d-BAD1"]],
            // Stopped by a person without a rollback: changed nothing, left out.
            ["deploymentId": "d-STOP", "applicationName": "checkout", "deploymentGroupName": "checkout-prod", "status": "Stopped",
             "creator": "user", "createTime": now - 2_000, "completeTime": now - 1_950],
            ["deploymentId": "d-NOW", "applicationName": "checkout", "deploymentGroupName": "checkout-prod", "status": "InProgress",
             "creator": "user", "createTime": now - 100, "startTime": now - 90],
            ["deploymentId": "d-OTHER", "applicationName": "search", "deploymentGroupName": "search-prod", "status": "Succeeded",
             "creator": "user", "createTime": now - 500, "completeTime": now - 400],
        ]
        try aws.addDeployments(infos)
        let source = codedeploy(aws.url, applications: ["checkout"])
        let result = try await source.poll(now: Date())
        let deployments = try #require(result.snapshot.deployments)
        #expect(deployments.count == 27 + 3)                     // d-STOP left out, search not watched
        let bad = try #require(deployments.first { $0.id.hasSuffix("d-BAD1") })
        #expect(bad.outcome == .failure && !bad.markedRollback)
        let rollback = try #require(deployments.first { $0.id.hasSuffix("d-RB1") })
        #expect(rollback.outcome == .success && rollback.markedRollback)
        #expect(deployments.first { $0.id.hasSuffix("d-NOW") }?.outcome == .inProgress)
        #expect(deployments.first { $0.id.hasSuffix("d-OK0") }?.version == "e0abcdef")

        // 31 ids in pages of 20; details 25 at a time. The next poll asks only for the unfinished one.
        let targets = try aws.requests().compactMap { $0["target"] as? String }
        #expect(targets == ["CodeDeploy_20141006.ListDeployments", "CodeDeploy_20141006.ListDeployments",
                            "CodeDeploy_20141006.BatchGetDeployments", "CodeDeploy_20141006.BatchGetDeployments"])
        _ = try await source.poll(now: Date())
        #expect(try aws.requests().compactMap { $0["target"] as? String }.suffix(3)
                == ["CodeDeploy_20141006.ListDeployments", "CodeDeploy_20141006.ListDeployments",
                    "CodeDeploy_20141006.BatchGetDeployments"])
        let refused = try aws.violations()
        #expect(refused.isEmpty, "signatures botocore does not agree with, or requests AWS refuses:\n\(refused.joined(separator: "\n"))")

        // A wrong secret: AWS's InvalidSignatureException, said as such, the secret nowhere.
        let wrong = try #require(await failure {
            _ = try await codedeploy(aws.url, environment: ["AWS_ACCESS_KEY_ID": "AKIDVIGILTEST",
                                                            "AWS_SECRET_ACCESS_KEY": "not-the-secret"]).poll(now: Date())
        })
        #expect(wrong.kind == .unauthorised && wrong.message.contains("InvalidSignatureException"))
        #expect(!wrong.message.contains("not-the-secret"))

        // Signed right, but the policy allows nothing: AccessDenied, naming the call to allow.
        let denied = try #require(await failure {
            _ = try await codedeploy(aws.url, environment: ["AWS_ACCESS_KEY_ID": "AKIDDENIED",
                                                            "AWS_SECRET_ACCESS_KEY": "denied-secret-key"]).poll(now: Date())
        })
        #expect(denied.kind == .forbidden && denied.message.contains("may not call codedeploy:ListDeployments")
                && denied.message.contains("allow it in the IAM policy"), "\(denied.message)")
    }
}
