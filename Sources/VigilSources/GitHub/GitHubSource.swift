import Foundation
import Synchronization
import VigilCore

/// GitHub Actions: workflow runs of the configured repositories as CI runs and deployments.
///
/// Each repository's runs of the last `history` are read with `created` filters on whole UTC
/// days, so a URL stays the same all day and its ETag keeps answering 304 while nothing changed:
/// a quiet repository costs no quota. A repository whose runs fit in one page is read with one
/// request; a busier one is read as today and yesterday on every poll, and the older days every
/// `historyRefresh` (re-runs of old runs show then). GitHub lists at most 1,000 runs for a
/// filtered query: a range over that is split in halves down to single days, and a single day
/// over it is named on the panel with how many runs were left out.
final class GitHubSource: Source {
    let settings: GitHubSettings
    let api: GitHubAPI
    var id: SourceID { settings.id }
    var pollInterval: Duration { settings.pollInterval }

    /// What GitHub lists at most for one filtered query.
    static let searchCap = 1_000
    static let perPage = 100

    private struct RepoState {
        /// More than one page of runs: read in two ranges.
        var split = false
        var historyRange = ""
        var historyReadAt: Date?
        var history: [GitHubActionsDecoder.RawRun] = []
        var historyWarnings: [String] = []
    }

    private struct OrgRepos: Sendable { var names: [String] }

    private let repos = Mutex<[String: RepoState]>([:])
    private let orgListing = Mutex<(at: Date, names: [String])?>(nil)

    init(settings: GitHubSettings, transport: any HTTPTransport) {
        self.settings = settings
        api = GitHubAPI(transport: transport, base: settings.url, token: settings.token, timeout: settings.timeout)
    }

    func poll(now: Date) async throws -> PollResult {
        let names = try await repositories(now: now)
        var runs: [(repo: String, runs: [GitHubActionsDecoder.RawRun])] = []
        var warnings: [SourceWarning] = []
        var firstError: SourceError?
        for repo in names {
            try Task.checkCancellation()
            do {
                let (list, notes) = try await self.runs(of: repo, now: now)
                runs.append((repo, list))
                warnings += notes.map { SourceWarning(panel: .deployments, message: $0) }
            } catch let error as SourceError {
                if case .rateLimited = error.kind { throw error }
                if case .unauthorised = error.kind { throw error }
                firstError = firstError ?? error
                warnings.append(SourceWarning(panel: .deployments, message: "\(repo): \(error.message)"))
            }
        }
        if runs.isEmpty, let firstError { throw firstError }
        api.prune(before: now.addingTimeInterval(-2 * max(settings.historyRefresh.seconds, 86_400)))

        let start = now.addingTimeInterval(-settings.history.seconds)
        var builds: [BuildRun] = [], deployments: [Deployment] = []
        for (repo, list) in runs {
            let recent = list.filter { $0.createdAt >= start }
            let split = try settings.decoder.classify(recent, repository: repo)
            builds += split.builds
            deployments += split.deployments
        }
        builds.sort { ($0.startedAt, $0.id) < ($1.startedAt, $1.id) }
        deployments.sort { ($0.at, $0.id) < ($1.at, $1.id) }
        return PollResult(SourceSnapshot(deployments: deployments, builds: builds), warnings: warnings,
                          quota: api.quota)
    }

    // MARK: - Repositories

    /// The configured repositories, and the organisation's (read again every ten minutes).
    func repositories(now: Date) async throws -> [String] {
        var names = settings.repositories
        guard let org = settings.organization else { return names }
        if let kept = orgListing.withLock({ $0 }), now.timeIntervalSince(kept.at) < 600 {
            return names + kept.names.filter { !names.contains($0) }
        }
        let filter = try settings.repositoryFilter.map { p throws(SourceError) in
            do { return try Regex(p) } catch {
                throw SourceError(.rejected, "GitHub: repository_filter is not a valid regular expression: \(error)")
            }
        }
        var url: URL? = api.url("/orgs/\(org)/repos", [("type", "all"), ("per_page", String(Self.perPage))])
        var found: [String] = []
        var pages = 0
        while let next = url, pages < 50 {
            let page = try await api.get(next, now: now, doing: "list the repositories of \(org)") { (data) throws(SourceError) in
                OrgRepos(names: try SourceJSON.decode([Repo].self, from: data, what: "GitHub repositories")
                    .filter { $0.archived != true }.map(\.fullName))
            }
            found += page.value.names
            url = page.next
            pages += 1
        }
        if let filter {
            found = found.filter { full in
                let name = String(full.split(separator: "/").last ?? Substring(full))
                return (try? filter.firstMatch(in: name)) != nil
            }
        }
        orgListing.withLock { $0 = (now, found) }
        names += found.filter { !names.contains($0) }
        return names
    }

    private struct Repo: Decodable {
        var fullName: String
        var archived: Bool?
        enum CodingKeys: String, CodingKey { case fullName = "full_name", archived }
    }

    // MARK: - Runs

    /// The runs of one repository created since the first day of the window, and what could
    /// not be counted.
    func runs(of repo: String, now: Date) async throws -> ([GitHubActionsDecoder.RawRun], [String]) {
        let first = Self.day(now.addingTimeInterval(-settings.history.seconds))
        var state = repos.withLock { $0[repo] ?? RepoState() }
        defer { let s = state; repos.withLock { $0[repo] = s } }
        if !state.split {
            let (runs, total, notes) = try await collect(repo, from: first, to: nil, now: now)
            if total > Self.perPage { state.split = true }
            return (runs, notes)
        }
        let yesterday = Self.day(now.addingTimeInterval(-86_400))
        let (recent, _, notes) = try await collect(repo, from: yesterday, to: nil, now: now)
        let lastOld = Self.day(now.addingTimeInterval(-2 * 86_400))
        guard lastOld >= first else { return (recent, notes) }
        let range = "\(first)..\(lastOld)"
        let stale = state.historyReadAt.map { now.timeIntervalSince($0) >= settings.historyRefresh.seconds } ?? true
        if state.historyRange != range || stale {
            let (old, _, oldNotes) = try await collect(repo, from: first, to: lastOld, now: now)
            state.history = old; state.historyRange = range; state.historyReadAt = now; state.historyWarnings = oldNotes
        }
        var byID: [Int64: GitHubActionsDecoder.RawRun] = [:]
        for run in state.history + recent { byID[run.id] = run }
        return (Array(byID.values), state.historyWarnings + notes)
    }

    /// Every page of `created` from `from` to `to` (days, inclusive; nil: on). Over the 1,000
    /// GitHub lists, the range is halved; a single day over it is taken as far as GitHub lists it
    /// and named. Returns the runs, the `total_count` of the whole range, and notes.
    func collect(_ repo: String, from: String, to: String?, now: Date) async throws
        -> ([GitHubActionsDecoder.RawRun], Int, [String]) {
        let created = to.map { $0 == from ? from : "\(from)..\($0)" } ?? ">=\(from)"
        var url: URL? = api.url("/repos/\(repo)/actions/runs", [("created", created), ("per_page", String(Self.perPage))])
        var runs: [GitHubActionsDecoder.RawRun] = []
        var total = 0, first = true
        while let next = url {
            try Task.checkCancellation()
            let page = try await api.get(next, now: now, doing: "read the workflow runs of \(repo)") { (data) throws(SourceError) in
                try GitHubActionsDecoder.page(data)
            }
            if first {
                total = page.value.totalCount ?? 0
                first = false
                if total > Self.searchCap {
                    let end = to ?? Self.day(now)
                    if from < end, let (a, b) = Self.halves(from, end) {
                        let (r1, t1, n1) = try await collect(repo, from: from, to: a, now: now)
                        let (r2, t2, n2) = try await collect(repo, from: b, to: to, now: now)
                        return (r1 + r2, t1 + t2, n1 + n2)
                    }
                }
            }
            runs += page.value.workflowRuns
            url = page.next
            if runs.count >= Self.searchCap { break }
        }
        var notes: [String] = []
        if total > runs.count, runs.count >= Self.searchCap {
            notes.append("\(repo): \(total) runs created \(created.replacingOccurrences(of: ">=", with: "since ")); GitHub "
                + "lists at most \(Self.searchCap) per query, so \(total - runs.count) are not counted")
        }
        return (runs, total, notes)
    }

    /// A UTC day, "2026-12-05".
    static func day(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let c = calendar.dateComponents([.year, .month, .day], from: date)
        return String(format: "%04d-%02d-%02d", c.year ?? 1970, c.month ?? 1, c.day ?? 1)
    }

    /// The days `from...to` split in two: the last day of the first half and the first of the second.
    static func halves(_ from: String, _ to: String) -> (String, String)? {
        let format = DateFormatter()
        format.locale = Locale(identifier: "en_US_POSIX")
        format.timeZone = TimeZone(identifier: "UTC")
        format.dateFormat = "yyyy-MM-dd"
        guard let a = format.date(from: from), let b = format.date(from: to) else { return nil }
        let days = Int((b.timeIntervalSince(a) / 86_400).rounded())
        guard days >= 1 else { return nil }
        let mid = a.addingTimeInterval(Double(days / 2) * 86_400)
        return (day(mid), day(mid.addingTimeInterval(86_400)))
    }
}
