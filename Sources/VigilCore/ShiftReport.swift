import Foundation

/// The shift in one page (`vigil report`): what is open and who has it, what paged, what was
/// down, how fast incidents were acknowledged and resolved against the window before, and what
/// was deployed and built. A pure value built from an `AppState`; every figure comes from the
/// dashboard's own metric functions (`MetricsIndex`), so the report and the panels agree.
///
/// Its JSON form is a documented, stable schema (`docs/report-schema.md`): fields are only
/// added, never renamed or removed, and `schemaVersion` changes if that promise is ever broken.
/// Optional fields are left out when they have no value.
public struct ShiftReport: Codable, Sendable, Hashable {
    /// The version of the JSON schema this value follows.
    public static let currentSchemaVersion = 1

    /// The schema version (1).
    public var schemaVersion: Int
    /// What the report covers ("demo", a config file's name).
    public var title: String
    /// The window and the one it is compared with.
    public var window: Window
    /// The team's time zone (IANA identifier) and working hours, for off-hours pages and the
    /// clock times of the text forms.
    public var timeZone: String
    /// Working hours, local to `timeZone`, Monday to Friday: [start, end) hours.
    public var workingHours: HourRange
    /// Every configured source: whether it answered, and if not, why.
    public var sources: [SourceStatus]
    /// Incidents open at the window's end, most severe first, then oldest first.
    public var openIncidents: [OpenIncident]
    /// Pages in the window (METRICS.md "Alert pages").
    public var pages: Pages
    /// Outages in the window (METRICS.md "Outages").
    public var outages: Outages
    /// Time to acknowledge, this window against the previous one.
    public var mtta: Comparison
    /// Time to resolve, this window against the previous one.
    public var mttr: Comparison
    /// Production deployments in the window.
    public var deployments: Deployments
    /// CI runs that finished in the window.
    public var builds: Builds

    /// `[start, end)`, its length, and the previous window of the same length.
    public struct Window: Codable, Sendable, Hashable {
        /// Start of the window (inclusive).
        public var start: Date
        /// End of the window (exclusive): the report's "now".
        public var end: Date
        /// Length in seconds.
        public var seconds: Double
        /// Length as written on the command line ("24h", "7d", "12h").
        public var label: String
        /// Start of the previous window; it ends at `start`.
        public var previousStart: Date
    }

    /// Working hours as [start, end) hours of the day.
    public struct HourRange: Codable, Sendable, Hashable {
        /// First working hour (0–23).
        public var start: Int
        /// First hour after work (1–24).
        public var end: Int
    }

    /// One configured source after its poll.
    public struct SourceStatus: Codable, Sendable, Hashable {
        /// The source's id (its `name:` in the config).
        public var id: String
        /// True when it answered.
        public var ok: Bool
        /// When it did not: a few words ("connection refused", "timed out", "HTTP 500").
        public var problem: String?
        /// When it did not: the full message.
        public var message: String?
    }

    /// An incident still open.
    public struct OpenIncident: Codable, Sendable, Hashable {
        /// Vigil's id ("PD-Q1W2E3", "AM-e75db90e").
        public var id: String
        /// The source that owns it.
        public var source: String
        /// "SEV1" … "SEV4".
        public var severity: String
        /// The service.
        public var service: String
        /// One-line summary.
        public var title: String
        /// "triggered" or "acknowledged".
        public var status: String
        /// Whether it paged a person.
        public var paged: Bool
        /// When it started.
        public var triggeredAt: Date
        /// Seconds from `triggeredAt` to the window's end.
        public var ageSeconds: Double
        /// Who acknowledged it, as the source says.
        public var acknowledgedBy: String?
        /// When it was acknowledged.
        public var acknowledgedAt: Date?
        /// Timeline entries that are notes (text starting with "note"), oldest first, its own
        /// and those of the incidents merged into it.
        public var notes: [Note]
        /// How many incidents of other sources are this same problem (alerts inside the page they opened).
        public var mergedCount: Int
        /// What was done to it through Vigil (the audit log's confirmed actions), oldest first.
        public var vigilActions: [VigilAction]
    }

    /// A note on an incident's timeline.
    public struct Note: Codable, Sendable, Hashable {
        /// When it was written.
        public var at: Date
        /// The text, as the source gives it.
        public var text: String
    }

    /// An action taken through Vigil and confirmed by the source (from the audit log).
    public struct VigilAction: Codable, Sendable, Hashable {
        /// When the source confirmed it.
        public var at: Date
        /// Who asked for it.
        public var by: String
        /// The action ("acknowledge", "note", …; `ActionKind`'s raw value).
        public var action: String
        /// Creates one.
        public init(at: Date, by: String, action: String) { self.at = at; self.by = by; self.action = action }
    }

    /// A count for a name (service).
    public struct Count: Codable, Sendable, Hashable {
        /// The service.
        public var name: String
        /// How many.
        public var count: Int
    }

    /// A count for one 24-hour slice of the window.
    public struct DayCount: Codable, Sendable, Hashable {
        /// Start of the slice (slices run from `window.start`, 24 h each; the last may be shorter).
        public var start: Date
        /// How many.
        public var count: Int
    }

    /// Pages in the window.
    public struct Pages: Codable, Sendable, Hashable {
        /// Pages triggered in the window.
        public var count: Int
        /// Of them, outside working hours.
        public var offHours: Int
        /// Pages per day over the window.
        public var perDay: Double
        /// Per 24-hour slice of the window.
        public var days: [DayCount]
        /// Per service, most first.
        public var byService: [Count]
        /// Pages in the previous window.
        public var previousCount: Int
        /// Off-hours pages in the previous window.
        public var previousOffHours: Int
    }

    /// Outages in the window.
    public struct Outages: Codable, Sendable, Hashable {
        /// Outages that started in the window.
        public var count: Int
        /// Minutes down inside the window, overlapping outages of one service counted once.
        public var minutes: Double
        /// Outages still open at the window's end.
        public var ongoing: Int
        /// Every outage down at some time in the window, oldest first.
        public var list: [Outage]
        /// Outages that started in the previous window.
        public var previousCount: Int
        /// Minutes down in the previous window.
        public var previousMinutes: Double
    }

    /// One outage.
    public struct Outage: Codable, Sendable, Hashable {
        /// The incident.
        public var incidentId: String
        /// Its service.
        public var service: String
        /// Its title.
        public var title: String
        /// When it started (possibly before the window).
        public var start: Date
        /// When it ended; absent while ongoing.
        public var end: Date?
        /// True while it is still open.
        public var ongoing: Bool
        /// Minutes down inside the window (clipped to the window).
        public var minutes: Double
    }

    /// Mean, median and p90 of a set of durations, in seconds (absent with no durations).
    public struct Durations: Codable, Sendable, Hashable {
        /// How many incidents the figure is over.
        public var count: Int
        /// Mean seconds.
        public var meanSeconds: Double?
        /// Median seconds (nearest rank).
        public var medianSeconds: Double?
        /// 90th percentile seconds (nearest rank).
        public var p90Seconds: Double?

        init(_ d: DurationSummary) {
            count = d.count; meanSeconds = d.mean; medianSeconds = d.median; p90Seconds = d.p90
        }
    }

    /// A duration figure this window and the previous one.
    public struct Comparison: Codable, Sendable, Hashable {
        /// This window.
        public var current: Durations
        /// The previous window.
        public var previous: Durations
        /// current mean − previous mean, seconds (negative is faster); absent unless both exist.
        public var changeSeconds: Double?
    }

    /// Production deployments in the window.
    public struct Deployments: Codable, Sendable, Hashable {
        /// Finished production deployments.
        public var count: Int
        /// Of them, successful.
        public var successful: Int
        /// Failed: ended in failure, were rolled back, or an incident of the service followed within the link window.
        public var failed: Int
        /// Rollbacks.
        public var rollbacks: Int
        /// failed / count; absent with no deployments.
        public var changeFailureRate: Double?
        /// The failed deployments, oldest first.
        public var failures: [DeploymentFailure]
        /// Deployments in the previous window.
        public var previousCount: Int
        /// Failed deployments in the previous window.
        public var previousFailed: Int
        /// The previous window's change failure rate.
        public var previousChangeFailureRate: Double?
    }

    /// One failed production deployment.
    public struct DeploymentFailure: Codable, Sendable, Hashable {
        /// The service.
        public var service: String
        /// When it finished.
        public var at: Date
        /// True when it was itself a rollback.
        public var rollback: Bool
    }

    /// CI runs in the window.
    public struct Builds: Codable, Sendable, Hashable {
        /// Runs that finished in the window.
        public var count: Int
        /// Of them, failed or timed out.
        public var failed: Int
        /// Successful / (finished − cancelled − skipped); absent with none.
        public var successRate: Double?
        /// Runs that finished in the previous window.
        public var previousCount: Int
        /// Of them, failed.
        public var previousFailed: Int
    }
}

extension ShiftReport {
    /// The report of a state's data at `state.now` over the `seconds` before it.
    /// - Parameters:
    ///   - label: the window as the user wrote it ("24h").
    ///   - vigilActions: confirmed actions from the audit log, by incident id.
    public init(state: AppState, seconds: TimeInterval, label: String, vigilActions: [String: [VigilAction]] = [:]) {
        let now = state.now
        let w = TimeWindow.interval(seconds: seconds, endingAt: now)
        let p = TimeWindow.previousInterval(seconds: seconds, endingAt: now)
        let index = MetricsIndex.of(state)
        let config = state.metricsConfig
        schemaVersion = Self.currentSchemaVersion
        title = state.title
        window = Window(start: w.start, end: w.end, seconds: seconds, label: label, previousStart: p.start)
        timeZone = config.timeZone.identifier
        workingHours = HourRange(start: config.workingHours.lowerBound, end: config.workingHours.upperBound)
        sources = state.sourceOrder.map { id in
            let failure = state.sources[id]?.lastFailure
            return SourceStatus(id: id, ok: failure == nil && state.sources[id]?.lastSuccess != nil,
                                problem: failure.map { $0.kind.label } ?? (state.sources[id]?.lastSuccess == nil ? "no answer" : nil),
                                message: failure?.message)
        }
        openIncidents = state.openIncidents.map { i in
            let all = [i] + i.merged
            var actions = all.flatMap { vigilActions[$0.id] ?? [] }
            actions.sort { $0.at < $1.at }
            return OpenIncident(
                id: i.id, source: i.source, severity: i.severity.label, service: i.service, title: i.title,
                status: i.status.rawValue, paged: i.paged, triggeredAt: i.triggeredAt,
                ageSeconds: max(0, now.timeIntervalSince(i.triggeredAt)),
                acknowledgedBy: i.acknowledgedBy, acknowledgedAt: i.acknowledgedAt,
                notes: all.flatMap(\.timeline).filter(Self.isNote).sorted { $0.at < $1.at }
                    .map { Note(at: $0.at, text: $0.text) },
                mergedCount: i.merged.count, vigilActions: actions)
        }
        let day: TimeInterval = 86_400
        let pageNow = index.pages(in: w, bucket: day), pageBefore = index.pages(in: p, bucket: day)
        pages = Pages(count: pageNow.count, offHours: pageNow.offHours, perDay: pageNow.perDay,
                      days: pageNow.buckets.enumerated().map { DayCount(start: w.start.addingTimeInterval(Double($0.offset) * day),
                                                                        count: $0.element) },
                      byService: pageNow.byService.map { Count(name: $0.name, count: $0.count) },
                      previousCount: pageBefore.count, previousOffHours: pageBefore.offHours)
        // As the dashboard compares them: the previous window's outages as of its own end.
        let outNow = index.outages(in: w, now: now, bucket: day), outBefore = index.outages(in: p, now: p.end, bucket: day)
        outages = Outages(count: outNow.count, minutes: outNow.minutes, ongoing: outNow.ongoingCount,
                          list: index.outageSpans(in: w, now: now).map {
                              Outage(incidentId: $0.incidentID, service: $0.service, title: $0.title, start: $0.start,
                                     end: $0.end, ongoing: $0.end == nil, minutes: $0.secondsInWindow / 60)
                          },
                          previousCount: outBefore.count, previousMinutes: outBefore.minutes)
        mtta = Comparison(index.mtta(in: w), index.mtta(in: p))
        mttr = Comparison(index.mttr(in: w), index.mttr(in: p))
        let depNow = index.deployments(in: w, bucket: day), depBefore = index.deployments(in: p, bucket: day)
        deployments = Deployments(count: depNow.total, successful: depNow.successful, failed: depNow.failed,
                                  rollbacks: depNow.rollbacks, changeFailureRate: depNow.changeFailureRate,
                                  failures: index.failedDeployments(in: w).map {
                                      DeploymentFailure(service: $0.service, at: $0.at, rollback: $0.rollback)
                                  },
                                  previousCount: depBefore.total, previousFailed: depBefore.failed,
                                  previousChangeFailureRate: depBefore.changeFailureRate)
        let buildNow = index.builds(in: w, bucket: day), buildBefore = index.builds(in: p, bucket: day)
        builds = Builds(count: buildNow.finished, failed: buildNow.failed, successRate: buildNow.successRate,
                        previousCount: buildBefore.finished, previousFailed: buildBefore.failed)
    }

    /// True for a timeline entry that is a note: its text starts with "note" ("Note by alice: …",
    /// "note by bob: …" from Vigil, "Note added by …", PagerDuty's annotations).
    public static func isNote(_ entry: TimelineEntry) -> Bool {
        entry.text.trimmingCharacters(in: .whitespaces).lowercased().hasPrefix("note")
    }

    /// The sources that did not answer.
    public var failedSources: [SourceStatus] { sources.filter { !$0.ok } }

    /// The encoder of the JSON form: ISO 8601 dates, sorted keys, pretty printed.
    public static var jsonEncoder: JSONEncoder {
        let e = JSONEncoder()
        e.dateEncodingStrategy = .iso8601
        e.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return e
    }

    /// The decoder that reads the JSON form back.
    public static var jsonDecoder: JSONDecoder {
        let d = JSONDecoder()
        d.dateDecodingStrategy = .iso8601
        return d
    }

    /// The JSON form (UTF-8, ending in a newline).
    public func json() throws -> String {
        String(decoding: try Self.jsonEncoder.encode(self), as: UTF8.self) + "\n"
    }
}

extension ShiftReport.Comparison {
    init(_ current: DurationSummary, _ previous: DurationSummary) {
        self.current = ShiftReport.Durations(current)
        self.previous = ShiftReport.Durations(previous)
        if let c = current.mean, let p = previous.mean { changeSeconds = c - p } else { changeSeconds = nil }
    }
}
