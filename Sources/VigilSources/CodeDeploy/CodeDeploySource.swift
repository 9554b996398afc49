import Foundation
import Synchronization
import VigilCore

/// AWS CodeDeploy: deployments of the configured applications (`ListDeployments` over the
/// history window, every `nextToken` page; `BatchGetDeployments` 25 at a time, only for
/// deployments not seen finished before). The application is the service, the deployment group
/// gives the environment. Rollbacks, automatic (`creator: codeDeployRollback`) or manual (a
/// deployment carrying `rollbackInfo.rollbackTriggeringDeploymentId`), are rollbacks; a
/// deployment that was rolled back failed.
final class CodeDeploySource: Source {
    let settings: CodeDeploySettings
    let aws: AWSService
    var id: SourceID { settings.id }
    var pollInterval: Duration { settings.pollInterval }

    /// Deployments that ended, by region and id: they do not change.
    private let finished = Mutex<[String: Info]>([:])

    struct Info: Decodable, Sendable {
        struct Rollback: Decodable, Sendable {
            var rollbackDeploymentId: String?
            var rollbackTriggeringDeploymentId: String?
        }
        struct Revision: Decodable, Sendable {
            struct GitHub: Decodable, Sendable { var commitId: String? }
            struct S3: Decodable, Sendable { var key: String?; var version: String?; var eTag: String? }
            var gitHubLocation: GitHub?
            var s3Location: S3?
        }
        var deploymentId: String
        var applicationName: String?
        var deploymentGroupName: String?
        var status: String?
        var createTime: AWSTime?
        var startTime: AWSTime?
        var completeTime: AWSTime?
        var creator: String?
        var rollbackInfo: Rollback?
        var revision: Revision?
    }

    init(settings: CodeDeploySettings, transport: any HTTPTransport,
         environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.settings = settings
        aws = AWSService(service: "codedeploy", targetPrefix: "CodeDeploy_20141006", json: "1.1", profile: settings.profile,
                         endpointURL: settings.endpointURL, timeout: settings.timeout,
                         callsPerMinute: settings.callsPerMinute, transport: transport,
                         environment: environment)
    }

    func poll(now: Date) async throws -> PollResult {
        let production = try? Regex(settings.productionGroups)
        var warnings: [SourceWarning] = []
        var deployments = try await aws.eachRegion(settings.regions, panel: .deployments, now: now, warnings: &warnings) {
            region, credentials in
            Self.deployments(try await read(region, credentials: credentials, now: now), region: region,
                             multiRegion: settings.regions.count > 1, production: production)
        }
        deployments.sort { ($0.at, $0.id) < ($1.at, $1.id) }
        return PollResult(SourceSnapshot(deployments: deployments), warnings: warnings)
    }

    /// Every deployment of the window in `region`, new or unfinished ones read again.
    private func read(_ region: String, credentials: AWSCredentials, now: Date) async throws -> [Info] {
        struct List: Decodable { var deployments: [String]?; var nextToken: String? }
        let start = now.addingTimeInterval(-settings.history.seconds).timeIntervalSince1970
        var ids: [String] = [], token: String?, pages = 0
        repeat {
            try Task.checkCancellation()
            var body: [String: Any] = ["createTimeRange": ["start": start, "end": now.timeIntervalSince1970 + 60]]
            if let token { body["nextToken"] = token }
            let page = try SourceJSON.decode(List.self, from: try await aws.call("ListDeployments", body, region: region,
                                                                             credentials: credentials, now: now),
                                             what: "CodeDeploy ListDeployments")
            ids += page.deployments ?? []
            token = page.nextToken.flatMap { $0.isEmpty ? nil : $0 }
            pages += 1
        } while token != nil && pages < 200
        let known = finished.withLock { f in ids.compactMap { f["\(region)/\($0)"] } }
        let knownIDs = Set(known.map(\.deploymentId))
        let wanted = ids.filter { !knownIDs.contains($0) }
        var fresh: [Info] = []
        for chunk in stride(from: 0, to: wanted.count, by: 25).map({ Array(wanted[$0..<min($0 + 25, wanted.count)]) }) {
            try Task.checkCancellation()
            fresh += try Self.infos(try await aws.call("BatchGetDeployments", ["deploymentIds": chunk], region: region,
                                                   credentials: credentials, now: now))
        }
        finished.withLock { f in
            for i in fresh where ["Succeeded", "Failed", "Stopped"].contains(i.status ?? "") { f["\(region)/\(i.deploymentId)"] = i }
            // Forget what left the window.
            let keep = Set(ids.map { "\(region)/\($0)" })
            f = f.filter { !$0.key.hasPrefix("\(region)/") || keep.contains($0.key) }
        }
        let apps = Set(settings.applications)
        return (known + fresh).filter { apps.isEmpty || apps.contains($0.applicationName ?? "") }
    }

    /// A `BatchGetDeployments` answer's deployments.
    static func infos(_ data: Data) throws(SourceError) -> [Info] {
        struct Batch: Decodable { var deploymentsInfo: [Info]? }
        return try SourceJSON.decode(Batch.self, from: data, what: "CodeDeploy BatchGetDeployments").deploymentsInfo ?? []
    }

    /// Deployments from what CodeDeploy said.
    static func deployments(_ infos: [Info], region: String, multiRegion: Bool,
                            production: Regex<AnyRegexOutput>?) -> [Deployment] {
        let rolledBack = Set(infos.filter { $0.rollbackInfo?.rollbackDeploymentId != nil }.map(\.deploymentId))
        return infos.compactMap { i in
            let outcome: DeploymentOutcome
            switch i.status ?? "" {
            case "Succeeded": outcome = .success
            case "Failed": outcome = .failure
            case "Stopped":
                // Stopped by an alarm or a person: a failure when it was rolled back, else left out.
                guard rolledBack.contains(i.deploymentId) else { return nil }
                outcome = .failure
            default: outcome = .inProgress
            }
            let at = i.completeTime?.date ?? i.startTime?.date ?? i.createTime?.date ?? Date(timeIntervalSince1970: 0)
            let group = i.deploymentGroupName ?? "default"
            let isProduction = production.map { (try? $0.firstMatch(in: String(group.prefix(256)))) != nil } ?? false
            let env = isProduction ? "production" : group
            let version = i.revision?.gitHubLocation?.commitId.map { String($0.prefix(7)) }
                ?? i.revision?.s3Location.flatMap { s in s.version ?? s.eTag.map { String($0.prefix(8)) } ?? s.key }
                ?? i.deploymentId
            let rollback = i.creator == "codeDeployRollback" || i.rollbackInfo?.rollbackTriggeringDeploymentId != nil
            return Deployment(id: "CD-\(region)/\(i.deploymentId)", service: i.applicationName ?? "unknown",
                              environment: multiRegion && !isProduction ? "\(env) (\(region))" : env,
                              version: version, at: at, outcome: outcome, markedRollback: rollback)
        }
    }
}
