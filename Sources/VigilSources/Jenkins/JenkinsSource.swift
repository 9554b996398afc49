import Foundation
import Synchronization
import VigilCore

/// Jenkins: builds of jobs, folders and multibranch projects as CI runs and deployments, read
/// with `tree=` queries so Jenkins sends only the fields used. One request per folder (its jobs'
/// newest builds come in the same answer), read through however deep the folders go.
final class JenkinsSource: Source {
    let settings: JenkinsSettings
    let transport: any HTTPTransport
    var id: SourceID { settings.id }
    var pollInterval: Duration { settings.pollInterval }

    /// Folders and jobs read at most, so a huge instance says so instead of taking the poll's time.
    static let maxRequests = 500
    static let maxBytes = 32 << 20

    init(settings: JenkinsSettings, transport: any HTTPTransport) {
        self.settings = settings; self.transport = transport
    }

    /// The tree of one request: the object's own builds when it is a job, and its children's
    /// (a child with `jobs` is a folder, read next).
    var tree: String {
        let fields = "number,result,building,timestamp,duration,displayName,changeSets[items[timestamp,msg]],"
            + "changeSet[items[timestamp,msg]]"
        let builds = (settings.maxBuilds > 100 ? "allBuilds" : "builds") + "[\(fields)]{0,\(settings.maxBuilds)}"
        return "\(builds),jobs[name,jobs[name],\(builds)]"
    }

    func poll(now: Date) async throws -> PollResult {
        let rules = try JenkinsDecoder.Rules(settings)
        let since = now.addingTimeInterval(-settings.history.seconds)
        var queue: [[String]] = settings.jobs.isEmpty ? [[]] : settings.jobs.map { $0.split(separator: "/").map(String.init) }
        var runs: [BuildRun] = [], deployments: [Deployment] = [], warnings: [SourceWarning] = []
        var requests = 0, succeeded = 0
        var firstError: SourceError?
        while !queue.isEmpty {
            try Task.checkCancellation()
            let path = queue.removeFirst()
            guard requests < Self.maxRequests else {
                warnings.append(SourceWarning(panel: .builds, message: "Jenkins: more than \(Self.maxRequests) folders; "
                    + "\(queue.count + 1) not read. List the folders that matter under jobs:"))
                break
            }
            requests += 1
            let item: JenkinsDecoder.Item
            do {
                item = try await fetch(path, now: now)
            } catch let error as SourceError {
                if case .unauthorised = error.kind { throw error }
                if case .forbidden = error.kind { throw error }
                firstError = firstError ?? error
                warnings.append(SourceWarning(panel: .builds, message: "\(path.joined(separator: "/")): \(error.message)"))
                continue
            }
            succeeded += 1
            if let own = item.builds ?? item.allBuilds, !path.isEmpty {
                take(own, job: path.joined(separator: "/"), rules: rules, since: since, now: now, &runs, &deployments,
                     &warnings)
            }
            for child in item.jobs ?? [] {
                guard let name = child.name, !name.isEmpty else { continue }
                if child.jobs != nil {
                    queue.append(path + [name])
                } else if let builds = child.builds ?? child.allBuilds {
                    take(builds, job: (path + [name]).joined(separator: "/"), rules: rules, since: since, now: now,
                         &runs, &deployments, &warnings)
                }
            }
        }
        if succeeded == 0, let firstError { throw firstError }
        runs.sort { ($0.startedAt, $0.id) < ($1.startedAt, $1.id) }
        deployments.sort { ($0.at, $0.id) < ($1.at, $1.id) }
        return PollResult(SourceSnapshot(deployments: deployments, builds: runs), warnings: warnings)
    }

    private func take(_ builds: [JenkinsDecoder.Build], job: String, rules: JenkinsDecoder.Rules, since: Date, now: Date,
                      _ runs: inout [BuildRun], _ deployments: inout [Deployment], _ warnings: inout [SourceWarning]) {
        JenkinsDecoder.classify(builds, job: job, rules: rules, since: since, into: &runs, &deployments)
        // Every build read is inside the window: older ones in it were not read.
        if builds.count >= settings.maxBuilds, let oldest = builds.map(\.timestamp).min(),
           Date(timeIntervalSince1970: oldest / 1_000) > since {
            warnings.append(SourceWarning(panel: .builds, message: "\(job): its newest \(settings.maxBuilds) builds "
                + "reach back only \(DurationText.format(.seconds(Int64(now.timeIntervalSince1970 - oldest / 1_000)))); "
                + "older builds in the window are not counted: raise max_builds"))
        }
    }

    /// One `api/json` of the job or folder at `path`.
    func fetch(_ path: [String], now: Date) async throws -> JenkinsDecoder.Item {
        var text = settings.url.absoluteString
        if !text.hasSuffix("/") { text += "/" }
        for part in path { text += "job/" + HTTPRequest.percentEncoded(part) + "/" }
        // The tree's commas stay as they are (Jenkins's own examples), brackets and braces encoded.
        text += "api/json?tree=" + HTTPRequest.percentEncoded(tree).replacingOccurrences(of: "%2C", with: ",")
        guard let url = URL(string: text) else { throw SourceError(.rejected, "Jenkins: cannot make a URL of \(text)") }
        let auth = HTTPAuth.basic(username: settings.user, password: settings.token).header!
        let what = path.isEmpty ? "the job list" : path.joined(separator: "/")
        let response: HTTPResponse
        do {
            response = try await transport.send(HTTPRequest(url: url, headers: [auth, ("Accept", "application/json")],
                                                            timeout: settings.timeout), maxBodyBytes: Self.maxBytes)
        } catch let error as SourceError {
            throw error.prefixed("Jenkins: ")
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            throw SourceError(.unreachable, "Jenkins: \(error)")
        }
        switch response.status {
        case 200..<300: return try JenkinsDecoder.item(response.body)
        case 401:
            throw SourceError(.unauthorised, "Jenkins refused user \(settings.user) with the API token from "
                + "\(settings.token.origin) (401); make a token under your user's Security page and check user:")
        case 403:
            throw SourceError(.forbidden, "Jenkins: user \(settings.user) may not read \(what) (403); it needs the "
                + "Overall/Read and Job/Read permissions")
        case 404:
            throw SourceError(.rejected, "Jenkins: no job or folder \(what) (404); write its path as in its URL, "
                + "folders separated by /, e.g. team/deploy-api")
        default:
            throw SourceError(SourceError.kind(ofStatus: response.status, retryAfter: response.retryAfter(now: now), now: now),
                              "Jenkins: HTTP \(response.status) while reading \(what)")
        }
    }
}
