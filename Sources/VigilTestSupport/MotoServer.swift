import Foundation

/// moto (PyPI), the AWS emulator, as `moto_server` on a free loopback port, from the venv
/// `scripts/deps.sh test` makes (or `$VIGIL_TEST_PYTHON`'s directory). Its account is always
/// 123456789012. moto does not check signatures but routes by the credential scope of the
/// `Authorization` header, so the test controls here send a scope-only header; the source under
/// test signs for real. Stopped when released.
public final class MotoServer: Sendable {
    /// The process.
    public let process: ProcessServer
    /// `http://127.0.0.1:<port>/`.
    public var url: URL { process.url }
    /// moto's account id.
    public static let account = "123456789012"

    private init(process: ProcessServer) { self.process = process }

    /// Starts moto_server.
    public static func start() async throws -> MotoServer {
        let python = try PagerDutyServer.python()
        let binary = URL(fileURLWithPath: python).deletingLastPathComponent().appendingPathComponent("moto_server").path
        guard FileManager.default.isExecutableFile(atPath: binary) else {
            throw ServerUnavailable("SERVER NOT AVAILABLE: moto_server is not in \(binary); run `scripts/deps.sh test` "
                + "(it installs moto from PyPI into .build/test-python)")
        }
        let work = try ProcessServer.makeWorkDirectory(prefix: "moto")
        let process = try await ProcessServer.start(binary, workDirectory: work, readyPath: "/moto-api/data.json",
                                                    readyDeadline: .seconds(30)) { port in
            ["-H", "127.0.0.1", "-p", String(port)]
        }
        return MotoServer(process: process)
    }

    /// Calls an operation of a JSON-protocol service (CloudWatch's awsJson1.0 by default).
    @discardableResult
    public func call(_ target: String, _ body: [String: Any], service: String = "monitoring", region: String = "us-east-1",
                     contentType: String = "application/x-amz-json-1.0") throws -> [String: Any] {
        let day = String(ISO8601DateFormatter().string(from: Date()).prefix(10)).replacingOccurrences(of: "-", with: "")
        let auth = "AWS4-HMAC-SHA256 Credential=testing/\(day)/\(region)/\(service)/aws4_request, SignedHeaders=host, "
            + "Signature=0"
        let (status, answer) = try LoopbackHTTP.exchange(
            port: process.port, method: "POST", path: "/", body: try JSONSerialization.data(withJSONObject: body),
            headers: [("Content-Type", contentType), ("X-Amz-Target", target), ("Authorization", auth)])
        guard status == 200 else {
            throw AlertmanagerServer.RequestFailed(description: "moto \(target) → HTTP \(status): "
                + String(decoding: answer.prefix(500), as: UTF8.self))
        }
        return (try? JSONSerialization.jsonObject(with: answer) as? [String: Any]) ?? [:]
    }

    /// Calls an operation of a query-protocol service (IAM, STS): form-encoded, XML answer.
    @discardableResult
    public func query(_ params: [(String, String)], service: String, region: String = "us-east-1") throws -> String {
        let day = String(ISO8601DateFormatter().string(from: Date()).prefix(10)).replacingOccurrences(of: "-", with: "")
        let auth = "AWS4-HMAC-SHA256 Credential=testing/\(day)/\(region)/\(service)/aws4_request, SignedHeaders=host, "
            + "Signature=0"
        let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-._~"))
        let body = params.map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: allowed) ?? $0.1)" }
            .joined(separator: "&")
        let (status, answer) = try LoopbackHTTP.exchange(
            port: process.port, method: "POST", path: "/", body: Data(body.utf8),
            headers: [("Content-Type", "application/x-www-form-urlencoded"), ("Authorization", auth)])
        guard status == 200 else {
            throw AlertmanagerServer.RequestFailed(description: "moto \(service) → HTTP \(status): "
                + String(decoding: answer.prefix(500), as: UTF8.self))
        }
        return String(decoding: answer, as: UTF8.self)
    }

    /// Creates a metric alarm (in `OK`, as moto starts them) with tags.
    public func putAlarm(_ name: String, tags: [String: String] = [:], description: String? = nil, region: String = "us-east-1",
                         actions: [String] = []) throws {
        var body: [String: Any] = [
            "AlarmName": name, "MetricName": "HTTPCode_Target_5XX_Count", "Namespace": "AWS/ApplicationELB",
            "Statistic": "Sum", "Period": 60, "EvaluationPeriods": 1, "Threshold": 5,
            "ComparisonOperator": "GreaterThanThreshold", "Dimensions": [["Name": "LoadBalancer", "Value": "app/\(name)"]],
            "Tags": tags.map { ["Key": $0.key, "Value": $0.value] }, "AlarmActions": actions,
        ]
        if let description { body["AlarmDescription"] = description }
        try call("GraniteServiceVersion20100801.PutMetricAlarm", body, region: region)
    }

    /// Sets an alarm's state (`ALARM`, `OK`, `INSUFFICIENT_DATA`).
    public func setState(_ name: String, _ state: String, reason: String = "set by the test", region: String = "us-east-1") throws {
        try call("GraniteServiceVersion20100801.SetAlarmState", ["AlarmName": name, "StateValue": state, "StateReason": reason],
                 region: region)
    }

    /// Stops the server; returns its log.
    @discardableResult
    public func stop() -> String { process.stop() }
}

/// An EC2 instance metadata service on loopback (`Tests/Servers/imds/server.py`, IMDSv2 only),
/// for `AWS_EC2_METADATA_SERVICE_ENDPOINT`.
public final class MetadataServer: PythonTestServer {
    /// The process.
    public let process: ProcessServer
    private init(process: ProcessServer) { self.process = process }

    /// Starts the server.
    public static func start() async throws -> MetadataServer {
        MetadataServer(process: try await startProcess("imds"))
    }
}

/// AWS answers moto cannot produce, in AWS's documented shapes, behind a signature check done with
/// botocore's signer (`Tests/Servers/aws/server.py`). Its one key is `AKIDVIGILTEST` /
/// `vigil-test-secret-key`.
public final class RecordedAWSServer: PythonTestServer {
    /// The process.
    public let process: ProcessServer
    private init(process: ProcessServer) { self.process = process }

    /// Starts the server.
    public static func start() async throws -> RecordedAWSServer {
        RecordedAWSServer(process: try await startProcess("aws"))
    }

    /// The next `count` calls are answered `ThrottlingException`, as AWS throttles.
    public func throttle(_ count: Int) throws { try control("POST", "/-/throttle", ["count": count]) }

    /// Adds CloudWatch alarms (`DescribeAlarms`' MetricAlarm shape) and alarm history items
    /// (`DescribeAlarmHistory`'s shape) to a region.
    public func addAlarms(_ alarms: [[String: Any]], history: [[String: Any]] = [], region: String = "us-east-1") throws {
        try control("POST", "/-/alarms", ["region": region, "alarms": alarms, "history": history])
    }

    /// Adds CodePipeline executions (`ListPipelineExecutions`' summary shape) to a pipeline.
    public func addExecutions(_ executions: [[String: Any]], pipeline: String, region: String = "us-east-1") throws {
        try control("POST", "/-/executions", ["region": region, "pipeline": pipeline, "executions": executions])
    }

    /// Adds CodeDeploy deployments (`BatchGetDeployments`' deploymentInfo shape) to a region.
    public func addDeployments(_ deployments: [[String: Any]], region: String = "us-east-1") throws {
        try control("POST", "/-/deployments", ["region": region, "deployments": deployments])
    }
}
