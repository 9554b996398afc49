import Foundation

/// What one source last told us and how healthy it is.
public struct SourceState: Sendable, Hashable {
    /// The latest snapshot (nil until the first successful poll).
    public var snapshot: SourceSnapshot? { didSet { snapshotVersion = DataVersion() } }
    /// Changes whenever `snapshot` is set: what `AppState` looks at to tell whether the data
    /// changed, without comparing the lists (10,000 incidents, three times per poll).
    public private(set) var snapshotVersion = DataVersion()
    /// When the last successful poll finished.
    public var lastSuccess: Date?
    /// The last failure, cleared by a success.
    public var lastFailure: SourceError?
    /// The last failure's message.
    public var lastError: String? { lastFailure?.message }
    /// When the last error happened.
    public var lastErrorAt: Date?
    /// Expected poll interval, seconds (data older than twice this is stale).
    public var pollInterval: TimeInterval
    /// Problems beside a successful poll (one failed query of several), by panel.
    public var warnings: [SourceWarning] = []
    /// What this source can provide.
    public var provides: Set<DataKind> = Set(DataKind.allCases)
    /// What can be done with its incidents (the key map offers only these).
    public var actions: Set<ActionKind> = []
    /// Whether acknowledging a page its alerts merged into (`PageMerge`) acknowledges the
    /// alerts here too (Alertmanager's `acknowledge_with_page`).
    public var acknowledgesWithPage = false
    /// Whether the source keeps its own history; Vigil records what a forgetful one reported
    /// (`Effect.recordHistory`) so outages, pages and MTTR survive restarts.
    public var keepsHistory = true
    /// Failed polls in a row; 0 after a success.
    public var consecutiveFailures = 0
    /// While failing: when the runner tries again (after its back-off, or the server's
    /// Retry-After). Nil while healthy, and when no retry is scheduled (a one-off poll).
    public var nextRetryAt: Date?
    /// How long the last poll took, seconds (nil before the first one ended).
    public var lastPollDuration: TimeInterval?
    /// The source's request quota after its last poll, when it reports one.
    public var quota: RateQuota?
    /// When its incidents were last handed to the store (`Effect.recordHistory`).
    public var historyRecordedAt: Date?
    /// Its last few failures, oldest first (at most `recentErrorsKept`), kept after a success:
    /// what the sources dialog (`H`) shows.
    public var recentErrors: [RecentError] = []
    /// How many failures `recentErrors` keeps.
    public static let recentErrorsKept = 5

    /// One failed poll: when, and what the source said.
    public struct RecentError: Sendable, Hashable {
        public var at: Date
        public var error: SourceError
        public init(at: Date, error: SourceError) { self.at = at; self.error = error }
    }

    /// Remembers a failure among the recent ones.
    mutating func remember(_ error: SourceError, at: Date) {
        recentErrors.append(RecentError(at: at, error: error))
        if recentErrors.count > Self.recentErrorsKept { recentErrors.removeFirst(recentErrors.count - Self.recentErrorsKept) }
    }
    /// Creates an empty state.
    public init(pollInterval: TimeInterval) { self.pollInterval = pollInterval }

    /// A poll succeeded at `at`: healthy, fresh.
    mutating func markSucceeded(at: Date) {
        lastSuccess = at
        lastFailure = nil
        lastErrorAt = nil
        consecutiveFailures = 0
        nextRetryAt = nil
    }

    /// True when the data is older than twice the poll interval at `now`.
    public func isStale(at now: Date) -> Bool {
        guard let t = lastSuccess else { return true }
        return now.timeIntervalSince(t) > 2 * pollInterval
    }

    /// True when the last poll failed.
    public var isFailing: Bool { lastError != nil }
}

/// A version stamp that takes no part in comparing or hashing what holds it: two source states
/// with the same data are equal whenever each was set.
public struct DataVersion: Sendable, Hashable {
    /// A value no other stamp has had.
    public let value = Revision.next()

    public init() {}

    public static func == (_: DataVersion, _: DataVersion) -> Bool { true }
    public func hash(into hasher: inout Hasher) {}
}
