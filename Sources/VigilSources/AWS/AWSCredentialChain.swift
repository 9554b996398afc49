import Foundation
import Logging
import Synchronization
import VigilCore
import VigilLog

/// Finds AWS credentials the way the AWS CLI does, and keeps temporary ones until shortly before
/// they expire:
///
/// 1. A profile named in Vigil's config (`profile:`) is used as named; otherwise
///    `AWS_ACCESS_KEY_ID` and `AWS_SECRET_ACCESS_KEY` (with `AWS_SESSION_TOKEN`) win, then the
///    profile `AWS_PROFILE` names, or `default`.
/// 2. A profile: `role_arn` (with `source_profile` or `credential_source`) assumes the role with
///    STS `AssumeRole`; else `aws_access_key_id`/`aws_secret_access_key`
///    (`aws_session_token`); else `credential_process`, run and read as the CLI reads it.
/// 3. Without a profile: the ECS container endpoint (`AWS_CONTAINER_CREDENTIALS_FULL_URI` or
///    `_RELATIVE_URI`), then the EC2 instance metadata service, IMDSv2 with its token
///    (`AWS_EC2_METADATA_SERVICE_ENDPOINT` moves it, as the SDKs allow; `AWS_EC2_METADATA_DISABLED`).
///
/// Every failure says what to do; no secret is in any message.
final class AWSCredentialChain: Sendable {
    let profile: String?
    let environment: [String: String]
    let transport: any HTTPTransport
    let readFile: @Sendable (String) -> String?
    let runProcess: @Sendable (String) throws -> (status: Int32, output: Data, error: Data)
    private let cache = Mutex<AWSCredentials?>(nil)
    /// Where the credentials came from and when they expire, at `info`; never a secret.
    private let logger = VigilLogging.logger("vigil.aws")

    /// Temporary credentials are renewed this long before they expire.
    static let renewBefore: TimeInterval = 300

    init(profile: String?, environment: [String: String] = ProcessInfo.processInfo.environment, transport: any HTTPTransport,
         readFile: @escaping @Sendable (String) -> String? = { try? String(contentsOfFile: $0, encoding: .utf8) },
         runProcess: @escaping @Sendable (String) throws -> (status: Int32, output: Data, error: Data) = AWSCredentialChain.shell) {
        self.profile = profile; self.environment = environment; self.transport = transport
        self.readFile = readFile; self.runProcess = runProcess
    }

    /// Where credentials come from, in words, for `check-config` (no secret).
    var summary: String {
        if let profile { return "profile \(profile)" }
        if environment["AWS_ACCESS_KEY_ID"] != nil { return "env AWS_ACCESS_KEY_ID" }
        return "profile \(environment["AWS_PROFILE"] ?? "default") (or the instance's role)"
    }

    /// Current credentials.
    func credentials(now: Date) async throws -> AWSCredentials {
        if let kept = cache.withLock({ $0 }),
           kept.expiration.map({ $0.timeIntervalSince(now) > Self.renewBefore }) ?? true {
            return kept
        }
        let fresh: AWSCredentials
        do {
            fresh = try await resolve(now: now)
        } catch {
            logger.warning("AWS credentials could not be resolved", metadata: ["error": "\(error)"])
            throw error
        }
        let expires = fresh.expiration.map { ISO8601DateFormatter().string(from: $0) }
        if let expiration = fresh.expiration, let expired = expires, expiration <= now {
            logger.warning("AWS credentials expired", metadata: ["origin": "\(fresh.origin)", "expired": "\(expired)"])
            throw SourceError(.unauthorised, "AWS: the credentials from \(fresh.origin) expired at \(expired); "
                + "renew them (e.g. aws sso login, or a new session token)")
        }
        logger.info("AWS credentials resolved", metadata: ["origin": "\(fresh.origin)", "expires": "\(expires ?? "never")"])
        cache.withLock { $0 = fresh }
        return fresh
    }

    /// Forgets kept credentials (after AWS refused them as expired).
    func forget() {
        logger.info("AWS refused the kept credentials; they are resolved again on the next call")
        cache.withLock { $0 = nil }
    }

    private func resolve(now: Date) async throws -> AWSCredentials {
        if profile == nil, let id = nonEmpty(environment["AWS_ACCESS_KEY_ID"]) {
            guard let secret = nonEmpty(environment["AWS_SECRET_ACCESS_KEY"]) else {
                throw SourceError(.unauthorised, "AWS: AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not; set both, "
                    + "or unset AWS_ACCESS_KEY_ID to use a profile")
            }
            return AWSCredentials(accessKeyID: id, secretAccessKey: Secret(value: secret, origin: "env AWS_SECRET_ACCESS_KEY"),
                                  sessionToken: nonEmpty(environment["AWS_SESSION_TOKEN"]).map {
                                      Secret(value: $0, origin: "env AWS_SESSION_TOKEN")
                                  },
                                  origin: "env AWS_ACCESS_KEY_ID")
        }
        let files = AWSProfiles(environment: environment, read: readFile)
        let name = profile ?? nonEmpty(environment["AWS_PROFILE"]) ?? "default"
        if files.profiles[name] != nil { return try await fromProfile(name, files, now: now, depth: 0) }
        if profile != nil || name != "default" {
            throw SourceError(.unauthorised, "AWS: no profile \(name) in " + (files.files.isEmpty ? "~/.aws/config or "
                + "~/.aws/credentials (neither exists)" : files.files.joined(separator: " or ")) + "; add it (aws configure "
                + "--profile \(name)) or name another with profile:")
        }
        if let container = try await fromContainer(now: now) { return container }
        if let instance = try await fromInstance(now: now) { return instance }
        throw SourceError(.unauthorised, "AWS: no credentials found: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, "
            + "add a default profile (aws configure), name one with profile:, or run on an instance with a role")
    }

    private func fromProfile(_ name: String, _ files: AWSProfiles, now: Date, depth: Int) async throws -> AWSCredentials {
        guard depth < 5 else {
            throw SourceError(.unauthorised, "AWS: profile \(name): source_profile chains more than 5 deep (a loop?)")
        }
        guard let p = files.profiles[name] else {
            throw SourceError(.unauthorised, "AWS: no profile \(name) (named as a source_profile) in \(files.files.joined(separator: " or "))")
        }
        let origin = "profile \(name)"
        if let role = p["role_arn"] {
            let source: AWSCredentials
            if let sourceProfile = p["source_profile"] {
                // The source profile's own keys, not its role (as the CLI does for a self-reference).
                var keysOnly = files
                if sourceProfile == name { keysOnly.profiles[name]?["role_arn"] = nil }
                source = try await fromProfile(sourceProfile, keysOnly, now: now, depth: depth + 1)
            } else if let from = p["credential_source"] {
                switch from {
                case "Environment":
                    guard let id = nonEmpty(environment["AWS_ACCESS_KEY_ID"]), let secret = nonEmpty(environment["AWS_SECRET_ACCESS_KEY"]) else {
                        throw SourceError(.unauthorised, "AWS: profile \(name) takes its source credentials from the "
                            + "environment, and AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY are not set")
                    }
                    source = AWSCredentials(accessKeyID: id, secretAccessKey: Secret(value: secret, origin: "env"),
                                            sessionToken: nonEmpty(environment["AWS_SESSION_TOKEN"]).map { Secret(value: $0, origin: "env") },
                                            origin: "env")
                case "Ec2InstanceMetadata":
                    guard let c = try await fromInstance(now: now) else {
                        throw SourceError(.unauthorised, "AWS: profile \(name) takes its source credentials from the "
                            + "instance metadata service, which did not answer (not on EC2?)")
                    }
                    source = c
                case "EcsContainer":
                    guard let c = try await fromContainer(now: now) else {
                        throw SourceError(.unauthorised, "AWS: profile \(name) takes its source credentials from the ECS "
                            + "container endpoint, and AWS_CONTAINER_CREDENTIALS_RELATIVE_URI/FULL_URI are not set")
                    }
                    source = c
                default:
                    throw SourceError(.unauthorised, "AWS: profile \(name): credential_source \(from) is not one of "
                        + "Environment, Ec2InstanceMetadata, EcsContainer")
                }
            } else {
                throw SourceError(.unauthorised, "AWS: profile \(name) has role_arn but neither source_profile nor "
                    + "credential_source; add source_profile = <a profile with keys>")
            }
            return try await assumeRole(role, profile: p, name: name, with: source, now: now)
        }
        if let id = p["aws_access_key_id"] {
            guard let secret = p["aws_secret_access_key"] else {
                throw SourceError(.unauthorised, "AWS: profile \(name) has aws_access_key_id but no aws_secret_access_key")
            }
            return AWSCredentials(accessKeyID: id, secretAccessKey: Secret(value: secret, origin: origin),
                                  sessionToken: p["aws_session_token"].map { Secret(value: $0, origin: origin) }, origin: origin)
        }
        if let command = p["credential_process"] { return try process(command, profile: name) }
        throw SourceError(.unauthorised, "AWS: profile \(name) has no credentials (no aws_access_key_id, role_arn or "
            + "credential_process); aws configure --profile \(name) adds keys")
    }

    /// `credential_process`: its standard output is the CLI's JSON (`Version` 1).
    private func process(_ command: String, profile: String) throws -> AWSCredentials {
        let result: (status: Int32, output: Data, error: Data)
        do { result = try runProcess(command) } catch {
            throw SourceError(.unauthorised, "AWS: profile \(profile): credential_process could not be started: \(error)")
        }
        guard result.status == 0 else {
            let said = String(decoding: result.error.prefix(300), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            throw SourceError(.unauthorised, "AWS: profile \(profile): credential_process exited with status "
                + "\(result.status)" + (said.isEmpty ? "" : " (\(said))") + "; run it yourself to see why")
        }
        struct Answer: Decodable {
            var Version: Int?
            var AccessKeyId: String
            var SecretAccessKey: String
            var SessionToken: String?
            var Expiration: String?
        }
        guard let a = try? JSONDecoder().decode(Answer.self, from: result.output), a.Version == 1 else {
            throw SourceError(.unauthorised, "AWS: profile \(profile): credential_process did not print the credentials "
                + "JSON the CLI expects ({\"Version\": 1, \"AccessKeyId\": …, \"SecretAccessKey\": …})")
        }
        let origin = "profile \(profile) credential_process"
        return AWSCredentials(accessKeyID: a.AccessKeyId, secretAccessKey: Secret(value: a.SecretAccessKey, origin: origin),
                              sessionToken: a.SessionToken.map { Secret(value: $0, origin: origin) },
                              expiration: a.Expiration.flatMap(ISO8601Timestamp.parse), origin: origin)
    }

    /// STS `AssumeRole` (query protocol), signed with `source`.
    private func assumeRole(_ role: String, profile p: [String: String], name: String, with source: AWSCredentials,
                            now: Date) async throws -> AWSCredentials {
        let region = p["region"] ?? nonEmpty(environment["AWS_REGION"]) ?? nonEmpty(environment["AWS_DEFAULT_REGION"]) ?? "us-east-1"
        var query: [(String, String)] = [("Action", "AssumeRole"), ("Version", "2011-06-15"), ("RoleArn", role),
                                         ("RoleSessionName", p["role_session_name"] ?? "vigil")]
        if let d = p["duration_seconds"] { query.append(("DurationSeconds", d)) }
        if let e = p["external_id"] { query.append(("ExternalId", e)) }
        let body = Data(query.map { "\(HTTPRequest.percentEncoded($0.0))=\(HTTPRequest.percentEncoded($0.1))" }
            .joined(separator: "&").utf8)
        let endpoint = AWSEndpoints.url(service: "sts", region: region, environment: environment)
        let client = AWSClient(transport: transport, timeout: .seconds(10))
        let answer = try await client.send(endpoint: endpoint, region: region, service: "sts", credentials: source,
                                           contentType: "application/x-www-form-urlencoded; charset=utf-8", target: nil,
                                           body: body, now: now, doing: "assume role \(role) (profile \(name))")
        let text = String(decoding: answer, as: UTF8.self)
        func tag(_ t: String) -> String? {
            guard let a = text.range(of: "<\(t)>"), let b = text.range(of: "</\(t)>", range: a.upperBound..<text.endIndex)
            else { return nil }
            return String(text[a.upperBound..<b.lowerBound])
        }
        guard let id = tag("AccessKeyId"), let secret = tag("SecretAccessKey"), let token = tag("SessionToken") else {
            throw SourceError(.malformed, "AWS: STS AssumeRole answered without credentials")
        }
        let origin = "role \(role) (profile \(name))"
        return AWSCredentials(accessKeyID: id, secretAccessKey: Secret(value: secret, origin: origin),
                              sessionToken: Secret(value: token, origin: origin),
                              expiration: tag("Expiration").flatMap(ISO8601Timestamp.parse), origin: origin)
    }

    private struct Temporary: Decodable {
        var AccessKeyId: String
        var SecretAccessKey: String
        var Token: String?
        var Expiration: String?
    }

    /// The ECS container credentials endpoint, when the environment names one.
    private func fromContainer(now: Date) async throws -> AWSCredentials? {
        let url: URL?
        if let relative = nonEmpty(environment["AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"]) {
            url = URL(string: "http://169.254.170.2" + relative)
        } else {
            url = nonEmpty(environment["AWS_CONTAINER_CREDENTIALS_FULL_URI"]).flatMap(URL.init(string:))
        }
        guard let url else { return nil }
        var headers: [(name: String, value: String)] = []
        if let token = nonEmpty(environment["AWS_CONTAINER_AUTHORIZATION_TOKEN"])
            ?? nonEmpty(environment["AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"]).flatMap(readFile)?
                .trimmingCharacters(in: .whitespacesAndNewlines) {
            headers.append(("Authorization", token))
        }
        let response = try await metadata(HTTPRequest(url: url, headers: headers, timeout: .seconds(2)), what: "the ECS container credentials endpoint")
        guard response.status == 200, let t = try? JSONDecoder().decode(Temporary.self, from: response.body) else {
            throw SourceError(.unauthorised, "AWS: the ECS container credentials endpoint answered HTTP \(response.status)")
        }
        return temporary(t, origin: "the ECS container role")
    }

    /// The EC2 instance metadata service, IMDSv2 (a token first, then the role's credentials);
    /// nil when it does not answer (not on EC2).
    private func fromInstance(now: Date) async throws -> AWSCredentials? {
        if environment["AWS_EC2_METADATA_DISABLED"]?.lowercased() == "true" { return nil }
        var base = nonEmpty(environment["AWS_EC2_METADATA_SERVICE_ENDPOINT"]) ?? "http://169.254.169.254"
        while base.hasSuffix("/") { base.removeLast() }
        guard let tokenURL = URL(string: base + "/latest/api/token"),
              let listURL = URL(string: base + "/latest/meta-data/iam/security-credentials/") else { return nil }
        let tokenAnswer: HTTPResponse
        do {
            tokenAnswer = try await transport.send(HTTPRequest(method: "PUT", url: tokenURL,
                                                               headers: [("X-aws-ec2-metadata-token-ttl-seconds", "21600")],
                                                               timeout: .seconds(1)), maxBodyBytes: 4_096)
        } catch {
            return nil              // nothing there: not on EC2
        }
        guard tokenAnswer.status == 200 else {
            throw SourceError(.unauthorised, "AWS: the instance metadata service refused an IMDSv2 token (HTTP "
                + "\(tokenAnswer.status)); check the instance's metadata options (hop limit)")
        }
        let token = String(decoding: tokenAnswer.body, as: UTF8.self)
        let auth = [("X-aws-ec2-metadata-token", token)]
        let list = try await metadata(HTTPRequest(url: listURL, headers: auth, timeout: .seconds(1)), what: "the instance metadata service")
        let role = String(decoding: list.body, as: UTF8.self).split(whereSeparator: \.isNewline).first.map(String.init) ?? ""
        guard list.status == 200, !role.isEmpty, let roleURL = URL(string: listURL.absoluteString + role) else {
            throw SourceError(.unauthorised, "AWS: this instance has no IAM role (instance metadata: HTTP \(list.status)); "
                + "attach an instance profile, or give credentials another way")
        }
        let answer = try await metadata(HTTPRequest(url: roleURL, headers: auth, timeout: .seconds(1)), what: "the instance metadata service")
        guard answer.status == 200, let t = try? JSONDecoder().decode(Temporary.self, from: answer.body) else {
            throw SourceError(.unauthorised, "AWS: the instance metadata service did not give the role's credentials "
                + "(HTTP \(answer.status))")
        }
        return temporary(t, origin: "the instance role \(role)")
    }

    private func metadata(_ request: HTTPRequest, what: String) async throws -> HTTPResponse {
        do { return try await transport.send(request, maxBodyBytes: 64 << 10) } catch let error as SourceError {
            throw SourceError(.unauthorised, "AWS: \(what) did not answer: \(error.message)")
        }
    }

    private func temporary(_ t: Temporary, origin: String) -> AWSCredentials {
        AWSCredentials(accessKeyID: t.AccessKeyId, secretAccessKey: Secret(value: t.SecretAccessKey, origin: origin),
                       sessionToken: t.Token.map { Secret(value: $0, origin: origin) },
                       expiration: t.Expiration.flatMap(ISO8601Timestamp.parse), origin: origin)
    }

    /// Runs a command with `/bin/sh -c`.
    static func shell(_ command: String) throws -> (status: Int32, output: Data, error: Data) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/sh")
        p.arguments = ["-c", command]
        let out = Pipe(), err = Pipe()
        p.standardOutput = out; p.standardError = err
        try p.run()
        let output = out.fileHandleForReading.readDataToEndOfFile()
        let error = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, output, error)
    }
}
