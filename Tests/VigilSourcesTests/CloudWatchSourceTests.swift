import Foundation
import Testing
import VigilCore
@testable import VigilSources
import VigilTestSupport

// CloudWatchSource against moto (the AWS emulator, from PyPI), signed with the SigV4 signer under
// test, and the AWS credential chain against profile files, credential_process, STS AssumeRole
// (moto) and an IMDSv2 metadata server on loopback.

private let keys = ["AWS_ACCESS_KEY_ID": "AKIDVIGILTEST", "AWS_SECRET_ACCESS_KEY": "vigil-test-secret-key"]

private func cloudwatch(_ moto: MotoServer, regions: [String] = ["us-east-1"], profile: String? = nil,
                        environment: [String: String] = keys, callsPerMinute: Int = 60) -> CloudWatchSource {
    CloudWatchSource(settings: CloudWatchSettings(id: "cw", regions: regions, profile: profile, endpointURL: moto.url,
                                                  callsPerMinute: callsPerMinute, timeout: .seconds(10)),
                     transport: AsyncHTTPTransport.shared, environment: environment)
}

/// A directory with AWS CLI files.
private func awsFiles(config: String, credentials: String = "") throws -> (dir: URL, env: [String: String]) {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-aws-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    try config.write(to: dir.appendingPathComponent("config"), atomically: true, encoding: .utf8)
    try credentials.write(to: dir.appendingPathComponent("credentials"), atomically: true, encoding: .utf8)
    return (dir, ["AWS_CONFIG_FILE": dir.appendingPathComponent("config").path,
                  "AWS_SHARED_CREDENTIALS_FILE": dir.appendingPathComponent("credentials").path, "HOME": dir.path])
}

@Suite(.serialized) struct CloudWatchSourceTests {
    @Test func alarmsInAlarmArePagesInsufficientDataIsShownAndOKLeaves() async throws {
        let moto = try await MotoServer.start()
        try moto.putAlarm("checkout-5xx", tags: ["severity": "critical", "service": "checkout-api", "team": "payments"],
                          description: "5xx above 5 a minute", actions: ["arn:aws:sns:us-east-1:123456789012:oncall-page"])
        try moto.putAlarm("search-latency")
        try moto.putAlarm("payments-errors", tags: ["severity": "warning"])
        try moto.setState("checkout-5xx", "ALARM", reason: "Threshold Crossed: 1 datapoint [12.0] > 5.0")
        try moto.setState("search-latency", "INSUFFICIENT_DATA")
        let cw = cloudwatch(moto)
        let first = try await cw.poll(now: Date())
        let incidents = try #require(first.snapshot.incidents)
        #expect(incidents.count == 2)
        let page = try #require(incidents.first { $0.title.hasPrefix("checkout-5xx") })
        #expect(page.title == "checkout-5xx: 5xx above 5 a minute" && page.service == "checkout-api")
        #expect(page.severity == .critical && page.paged && page.status == .triggered)
        #expect(page.labels.contains(KeyValue("region", "us-east-1")) && page.labels.contains(KeyValue("tag:team", "payments")))
        #expect(page.labels.contains(KeyValue("account", MotoServer.account)))
        #expect(page.labels.contains(KeyValue("acknowledge", "not in CloudWatch; it pages through oncall-page")))
        #expect(page.timeline.first?.text.contains("Threshold Crossed") == true)
        #expect(abs(page.triggeredAt.timeIntervalSinceNow) < 30)
        // moto does not implement DescribeAlarmHistory: said on the panel, the alarms still read.
        #expect(first.warnings.contains { $0.message.contains("alarm history not read") && $0.message.contains("what Vigil saw") })
        let data = try #require(incidents.first { $0.title == "search-latency" })
        #expect(data.severity == .info && !data.paged && data.service == "search")    // service from the name

        // Back to OK: not open any more. ALARM again: a new episode, a new incident.
        try moto.setState("checkout-5xx", "OK")
        #expect(try await cw.poll(now: Date()).snapshot.incidents?.contains { $0.title.hasPrefix("checkout-5xx") } == false)
        try await Task.sleep(for: .milliseconds(1_100))
        try moto.setState("checkout-5xx", "ALARM")
        let again = try #require(try await cw.poll(now: Date()).snapshot.incidents?.first { $0.title.hasPrefix("checkout-5xx") })
        #expect(again.id != page.id)
    }

    @Test func pagesOfAlarmsAndEpisodesThatEndedFromTheAlarmHistory() async throws {
        let aws = try await RecordedAWSServer.start()
        let now = Date().timeIntervalSince1970
        func alarm(_ name: String, _ state: String, since: Double) -> [String: Any] {
            ["AlarmName": name, "AlarmArn": "arn:aws:cloudwatch:us-east-1:123456789012:alarm:\(name)", "StateValue": state,
             "StateReason": "Threshold Crossed", "StateUpdatedTimestamp": since, "Namespace": "AWS/SQS",
             "MetricName": "ApproximateNumberOfMessagesVisible", "AlarmActions": []]
        }
        func change(_ name: String, _ from: String, _ to: String, at: Double) -> [String: Any] {
            ["AlarmName": name, "AlarmType": "MetricAlarm", "Timestamp": at, "HistoryItemType": "StateUpdate",
             "HistorySummary": "Alarm updated from \(from) to \(to)",
             "HistoryData": #"{"version":"1.0","oldState":{"stateValue":"\#(from)"},"newState":{"stateValue":"\#(to)","stateReason":"Threshold Crossed: orders piling up"}}"#]
        }
        // Seven alarms (three pages of DescribeAlarms); orders-dlq fired twice and recovered, and
        // fires now; the history comes four items a page.
        var alarms = (0..<6).map { alarm("svc\($0)-errors", "OK", since: now - 86_400) }
        alarms.append(alarm("orders-dlq", "ALARM", since: now - 1_800))
        try aws.addAlarms(alarms, history: [
            change("orders-dlq", "OK", "ALARM", at: now - 5 * 3_600), change("orders-dlq", "ALARM", "OK", at: now - 4 * 3_600),
            change("orders-dlq", "OK", "ALARM", at: now - 2 * 3_600), change("orders-dlq", "ALARM", "OK", at: now - 3_600 - 600),
            change("orders-dlq", "OK", "ALARM", at: now - 1_800), change("svc1-errors", "OK", "INSUFFICIENT_DATA", at: now - 9_000),
        ])
        let cw = CloudWatchSource(settings: CloudWatchSettings(id: "cw", regions: ["us-east-1"], endpointURL: aws.url,
                                                               timeout: .seconds(10)),
                                  transport: AsyncHTTPTransport.shared,
                                  environment: ["AWS_ACCESS_KEY_ID": "AKIDVIGILTEST", "AWS_SECRET_ACCESS_KEY": "vigil-test-secret-key"])
        let result = try await cw.poll(now: Date())
        let incidents = try #require(result.snapshot.incidents).filter { $0.title == "orders-dlq" }
        #expect(incidents.count == 3)
        let open = try #require(incidents.first { $0.status == .triggered })
        #expect(abs(open.triggeredAt.timeIntervalSince1970 - (now - 1_800)) < 1 && open.severity == .critical)
        let past = incidents.filter { $0.status == .resolved }.sorted { $0.triggeredAt < $1.triggeredAt }
        #expect(past.map { Int(($0.resolvedAt ?? .distantPast).timeIntervalSince($0.triggeredAt).rounded()) } == [3_600, 3_000])
        #expect(past.allSatisfy { $0.id.hasPrefix("CW-us-east-1/orders-dlq@") && $0.service == "orders" })
        #expect(!incidents.contains { $0.id == past.first?.id && $0.status == .triggered })
        let targets = try aws.requests().compactMap { $0["target"] as? String }.map { $0.split(separator: ".").last ?? "" }
        #expect(targets.filter { $0 == "DescribeAlarms" }.count == 3 && targets.filter { $0 == "DescribeAlarmHistory" }.count == 2)
        // The next poll reads the history from where it stopped; the episodes stay.
        let again = try await cw.poll(now: Date())
        #expect(again.snapshot.incidents?.filter { $0.title == "orders-dlq" }.count == 3)
        let refused = try aws.violations()
        #expect(refused.isEmpty, "\(refused)")
    }

    @Test func severalRegionsEachRowLabelledWithItsRegion() async throws {
        let moto = try await MotoServer.start()
        try moto.putAlarm("api-errors", region: "us-east-1")
        try moto.putAlarm("api-errors", region: "eu-west-1")
        try moto.setState("api-errors", "ALARM", region: "us-east-1")
        try moto.setState("api-errors", "ALARM", region: "eu-west-1")
        let result = try await cloudwatch(moto, regions: ["us-east-1", "eu-west-1"]).poll(now: Date())
        let regions = (result.snapshot.incidents ?? []).compactMap { $0.labels.first { $0.key == "region" }?.value }
        #expect(regions.sorted() == ["eu-west-1", "us-east-1"])
        #expect(Set((result.snapshot.incidents ?? []).map(\.id)).count == 2)
    }

    @Test func aProfileFileCredentialProcessAnAssumedRoleAndTheInstanceRole() async throws {
        let moto = try await MotoServer.start()
        try moto.putAlarm("orders-dlq")
        try moto.setState("orders-dlq", "ALARM")

        // A named profile in ~/.aws/credentials (environment keys are not used when profile: names one).
        let files = try awsFiles(config: "[profile prod]\nregion = us-east-1\n",
                                 credentials: "[prod]\naws_access_key_id = AKIDPROFILE\naws_secret_access_key = profile-secret\n")
        defer { try? FileManager.default.removeItem(at: files.dir) }
        let chain = AWSCredentialChain(profile: "prod", environment: files.env.merging(keys) { a, _ in a },
                                       transport: AsyncHTTPTransport.shared)
        let fromFile = try await chain.credentials(now: Date())
        #expect(fromFile.accessKeyID == "AKIDPROFILE" && fromFile.origin == "profile prod")
        #expect(try await cloudwatch(moto, profile: "prod", environment: files.env).poll(now: Date()).snapshot.incidents?.count == 1)

        // credential_process, as the CLI runs it.
        let process = try awsFiles(config: """
            [default]
            credential_process = printf '{"Version": 1, "AccessKeyId": "AKIDPROCESS", "SecretAccessKey": "process-secret", "SessionToken": "tok", "Expiration": "2099-01-01T00:00:00Z"}'
            """)
        defer { try? FileManager.default.removeItem(at: process.dir) }
        let byProcess = try await AWSCredentialChain(profile: nil, environment: process.env, transport: AsyncHTTPTransport.shared)
            .credentials(now: Date())
        #expect(byProcess.accessKeyID == "AKIDPROCESS" && byProcess.sessionToken?.value == "tok")
        #expect(byProcess.origin == "profile default credential_process")

        // An expired session token: refused before any call, saying what to do, no secret.
        let expired = try awsFiles(config: """
            [default]
            credential_process = printf '{"Version": 1, "AccessKeyId": "AKIDOLD", "SecretAccessKey": "old-secret", "SessionToken": "old-token", "Expiration": "2020-01-01T00:00:00Z"}'
            """)
        defer { try? FileManager.default.removeItem(at: expired.dir) }
        let stale = try #require(await failure {
            _ = try await cloudwatch(moto, environment: expired.env).poll(now: Date())
        })
        #expect(stale.kind == .unauthorised && stale.message.contains("expired") && stale.message.contains("renew"))
        #expect(!stale.message.contains("old-secret") && !stale.message.contains("old-token"))

        // A role assumed with STS (moto's), from a source profile; kept until shortly before it expires.
        let role = try awsFiles(config: """
            [profile reader]
            role_arn = arn:aws:iam::123456789012:role/vigil-reader
            source_profile = base
            role_session_name = vigil-test
            """, credentials: "[base]\naws_access_key_id = AKIDBASE\naws_secret_access_key = base-secret\n")
        defer { try? FileManager.default.removeItem(at: role.dir) }
        var roleEnv = role.env
        roleEnv["AWS_ENDPOINT_URL_STS"] = moto.url.absoluteString
        let assumed = AWSCredentialChain(profile: "reader", environment: roleEnv, transport: AsyncHTTPTransport.shared)
        let a1 = try await assumed.credentials(now: Date())
        #expect(a1.accessKeyID.hasPrefix("ASIA") && a1.sessionToken != nil && a1.expiration != nil)
        #expect(a1.origin == "role arn:aws:iam::123456789012:role/vigil-reader (profile reader)")
        #expect(try await assumed.credentials(now: Date()).accessKeyID == a1.accessKeyID)             // kept
        let later = try #require(a1.expiration).addingTimeInterval(-60)
        #expect(try await assumed.credentials(now: later).accessKeyID != a1.accessKeyID)             // renewed

        // The instance role through IMDSv2 (token first), at the endpoint the SDKs' variable names.
        let imds = try await MetadataServer.start()
        let instance = try await AWSCredentialChain(profile: nil, environment: [
            "HOME": files.dir.appendingPathComponent("none").path,
            "AWS_EC2_METADATA_SERVICE_ENDPOINT": imds.url.absoluteString,
        ], transport: AsyncHTTPTransport.shared).credentials(now: Date())
        #expect(instance.accessKeyID == "ASIAIMDSEXAMPLE" && instance.origin == "the instance role vigil-reader")
        #expect(instance.sessionToken?.value == "imds-session-token")
        let calls = try imds.requests().map { "\($0["method"] ?? "") \($0["path"] ?? "")" }
        #expect(calls == ["PUT /latest/api/token", "GET /latest/meta-data/iam/security-credentials/",
                          "GET /latest/meta-data/iam/security-credentials/vigil-reader"])

        // An ECS task's role, from the container endpoint with its authorization token (before IMDS).
        let task = try await AWSCredentialChain(profile: nil, environment: [
            "HOME": files.dir.appendingPathComponent("none").path,
            "AWS_CONTAINER_CREDENTIALS_FULL_URI": imds.url.absoluteString + "v2/credentials/task-1",
            "AWS_CONTAINER_AUTHORIZATION_TOKEN": "ecs-token",
            "AWS_EC2_METADATA_SERVICE_ENDPOINT": imds.url.absoluteString,
        ], transport: AsyncHTTPTransport.shared).credentials(now: Date())
        #expect(task.accessKeyID == "ASIAECSEXAMPLE" && task.origin == "the ECS container role")
    }

    @Test func missingAndWrongCredentialsSayWhatToDo() async throws {
        let none = try awsFiles(config: "")
        defer { try? FileManager.default.removeItem(at: none.dir) }
        var env = none.env
        env["AWS_EC2_METADATA_DISABLED"] = "true"
        let missing = try #require(await failure {
            _ = try await AWSCredentialChain(profile: nil, environment: env, transport: AsyncHTTPTransport.shared).credentials(now: Date())
        })
        #expect(missing.message.contains("no credentials found") && missing.message.contains("aws configure"))
        let noProfile = try #require(await failure {
            _ = try await AWSCredentialChain(profile: "staging", environment: env, transport: AsyncHTTPTransport.shared)
                .credentials(now: Date())
        })
        #expect(noProfile.message.contains("no profile staging") && noProfile.message.contains("aws configure --profile staging"))
        let half = try #require(await failure {
            _ = try await AWSCredentialChain(profile: nil, environment: ["AWS_ACCESS_KEY_ID": "AKID"], transport: AsyncHTTPTransport.shared)
                .credentials(now: Date())
        })
        #expect(half.message.contains("AWS_SECRET_ACCESS_KEY is not"))
    }

    @Test func awsErrorAnswersAreNamedAndThrottlingBacksOff() {
        let creds = AWSCredentials(accessKeyID: "AKID", secretAccessKey: Secret(value: "s3cr3t", origin: "env"),
                                   origin: "env AWS_ACCESS_KEY_ID")
        func refusal(_ status: Int, _ body: String, headers: [(name: String, value: String)] = []) -> SourceError {
            AWSClient.refusal(HTTPResponse(status: status, headers: headers, body: Data(body.utf8)), service: "monitoring",
                              region: "eu-west-1", credentials: creds, doing: "call cloudwatch:DescribeAlarms", now: Date())
        }
        let denied = refusal(400, #"{"__type": "com.amazonaws#AccessDeniedException", "message": "User: arn:aws:iam::1:user/v is not authorized to perform: cloudwatch:DescribeAlarms"}"#)
        #expect(denied.kind == .forbidden && denied.message.contains("may not call cloudwatch:DescribeAlarms")
                && denied.message.contains("IAM policy"))
        let throttled = refusal(400, "<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code><Message>Rate exceeded</Message></Error></ErrorResponse>")
        if case .rateLimited = throttled.kind {} else { Issue.record("throttling is \(throttled.kind)") }
        #expect(refusal(400, #"{"__type": "ExpiredTokenException", "message": "The security token included in the request is expired"}"#)
            .message.contains("have expired"))
        let bad = refusal(403, "", headers: [("x-amzn-ErrorType", "UnrecognizedClientException:http://internal")])
        #expect(bad.kind == .unauthorised && !bad.message.contains("s3cr3t"))
    }
}
