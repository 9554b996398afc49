import Foundation

/// Settings that METRICS.md calls configurable.
public struct MetricsConfig: Sendable, Hashable {
    /// Severities that count as an outage (default: the highest).
    public var outageSeverities: Set<Severity> = [.critical]
    /// An incident on the same service this soon after a deployment marks the deployment failed.
    public var failureLinkWindow: TimeInterval = 3_600
    /// Working hours, local to `timeZone`: [start, end) hour of day, Monday–Friday.
    public var workingHours: Range<Int> = 9..<18
    /// The on-call team's time zone for off-hours pages.
    public var timeZone: TimeZone = TimeZone(identifier: "UTC") ?? .current
    /// Creates the defaults.
    public init() {}
}

/// CI throughput over one window.
public struct BuildStats: Sendable, Hashable {
    /// Runs that finished in the window.
    public var finished: Int
    /// Finished runs per day.
    public var perDay: Double
    /// Successful / finished (cancelled and skipped runs excluded); nil with none.
    public var successRate: Double?
    /// Finished runs that failed or timed out (the runs `successRate` counts against).
    public var failed: Int = 0
    /// Durations of finished runs.
    public var duration: DurationSummary
    /// Finished runs per bucket, for the sparkline.
    public var buckets: [Int]
    /// Finished runs per pipeline, most first.
    public var byPipeline: [NamedCount]
}

/// DORA deployment-frequency tier.
public enum DoraTier: String, Sendable, Hashable {
    case daily = "daily", weekly = "weekly", monthly = "monthly", yearly = "yearly", none = "no deploys"

    /// The DORA performance label for the tier.
    public var performance: String {
        switch self {
        case .daily: return "Elite"
        case .weekly: return "High"
        case .monthly: return "Medium"
        case .yearly: return "Low"
        case .none: return "—"
        }
    }
}

/// A production deployment on a graph's time axis.
public struct DeployMark: Sendable, Hashable {
    /// When it finished.
    public var at: Date
    /// Whether it was a rollback (marked, or an earlier version than the one running).
    public var rollback: Bool
    /// The service deployed.
    public var service: String

    /// Creates a mark.
    public init(at: Date, rollback: Bool, service: String) { self.at = at; self.rollback = rollback; self.service = service }
}

/// Production deployments over one window.
public struct DeployStats: Sendable, Hashable {
    /// Successful production deployments in the window.
    public var successful: Int
    /// Successful production deployments per day.
    public var perDay: Double
    /// Finished production deployments (successful or failed).
    public var total: Int
    /// Rollbacks (marked, or a deployment of an earlier version), each counted once.
    public var rollbacks: Int
    /// Deployments that failed (ended in failure, were rolled back, or were followed by an incident).
    public var failed: Int
    /// failed / total; nil with no deployments.
    public var changeFailureRate: Double?
    /// Successful production deploys per bucket.
    public var buckets: [Int]
    /// Median lead time (deploy − commit), seconds, when commit times are known.
    public var leadTime: Double?
    /// Failed deployment recovery time: for each failed deployment in the window, until the
    /// service's next successful deployment (or its rollback), over those recovered by the
    /// window's end.
    public var recovery: DurationSummary
    /// Failed deployments of the window not recovered by its end (shown open, not counted).
    public var unrecovered: Int
    /// The age of the oldest of them at the window's end, seconds.
    public var oldestUnrecovered: Double?
    /// Deployments that were rework: rollbacks, and deployments within the change-failure window
    /// after a failed one of the same service.
    public var reworked: Int
    /// reworked / total; nil with no deployments.
    public var reworkRate: Double?
}

/// Alert pages over one window.
public struct PageStats: Sendable, Hashable {
    /// Pages triggered in the window.
    public var count: Int
    /// Pages per day.
    public var perDay: Double
    /// Pages outside working hours.
    public var offHours: Int
    /// Pages per service, most first (ties by name).
    public var byService: [NamedCount]
    /// Pages per bucket.
    public var buckets: [Int]
}

/// A name (service, pipeline) with a count.
public struct NamedCount: Sendable, Hashable {
    /// The service or pipeline.
    public var name: String
    /// How many.
    public var count: Int
    /// Creates a pair.
    public init(_ name: String, _ count: Int) { self.name = name; self.count = count }

    /// Counts as pairs, most first, ties by name.
    public static func ranked(_ counts: [String: Int]) -> [NamedCount] {
        counts.map { NamedCount($0.key, $0.value) }.sorted { $0.count != $1.count ? $0.count > $1.count : $0.name < $1.name }
    }
}

/// An outage still open now.
public struct OngoingOutage: Sendable, Hashable {
    /// The incident.
    public var incidentID: String
    /// Its service.
    public var service: String
    /// Its title.
    public var title: String
    /// Seconds since it started.
    public var running: TimeInterval
}

/// One outage incident's time down inside a window (`MetricsIndex.outageSpans`).
public struct OutageSpan: Sendable, Hashable {
    /// The incident.
    public var incidentID: String
    /// Its service.
    public var service: String
    /// Its title.
    public var title: String
    /// When it started.
    public var start: Date
    /// When it was resolved; nil while it is open.
    public var end: Date?
    /// Seconds down inside the window (clipped to the window and to `now`), this outage alone:
    /// overlapping outages of one service count once in `OutageStats.minutes`, here each in full.
    public var secondsInWindow: Double
}

/// Outages over one window.
public struct OutageStats: Sendable, Hashable {
    /// Outages that started in the window.
    public var count: Int
    /// Outage minutes inside the window, overlapping outages of one service merged.
    public var minutes: Double
    /// Outages open now, longest first (ties by incident id): the first `OutageStats.listed`
    /// of them; `ongoingCount` says how many there are.
    public var ongoing: [OngoingOutage]
    /// How many outages are open now.
    public var ongoingCount: Int
    /// Outages started per bucket.
    public var buckets: [Int]

    /// How many of the outages open now are listed: more than the outages panel (5) and the
    /// wall (1) show. A list of them all held 4,000 rows per revision for a big Alertmanager.
    public static let listed = 10

    /// Creates the figures; `ongoing` is every outage open now (in any order), of which the
    /// longest `listed` are kept.
    public init(count: Int, minutes: Double, ongoing: [OngoingOutage], buckets: [Int]) {
        var longest = LongestOutages()
        for o in ongoing { longest.add(o) }
        self.init(count: count, minutes: minutes, longest: longest, buckets: buckets)
    }

    /// Creates the figures from the longest outages open now, counted as they were added.
    init(count: Int, minutes: Double, longest: LongestOutages, buckets: [Int]) {
        self.count = count; self.minutes = minutes; self.buckets = buckets
        self.ongoing = longest.list; self.ongoingCount = longest.count
    }
}

/// The longest-running outages open now, at most `OutageStats.listed`, longest first (ties by
/// incident id), and how many were offered.
struct LongestOutages {
    private(set) var list: [OngoingOutage] = []
    private(set) var count = 0

    /// Whether `a` comes before `b`: running longer, or as long with the smaller id.
    static func precedes(_ a: OngoingOutage, _ b: OngoingOutage) -> Bool {
        a.running != b.running ? a.running > b.running : a.incidentID < b.incidentID
    }

    mutating func add(_ o: OngoingOutage) {
        count += 1
        if list.count == OutageStats.listed {
            guard Self.precedes(o, list[list.count - 1]) else { return }
            list.removeLast()
        }
        let at = list.firstIndex { Self.precedes(o, $0) } ?? list.count
        list.insert(o, at: at)
    }
}

/// The metric functions of METRICS.md: pure, `now` and the window passed in. Each computes its
/// figure through a `MetricsIndex` of the lists given; the dashboard keeps one index per revision
/// of its data instead (`MetricsIndex.of`).
public enum Metrics {
    // MARK: Delivery

    /// CI runs that finished in the window; a run in progress counts when it ends.
    public static func builds(_ runs: [BuildRun], in w: DateInterval, bucket: TimeInterval) -> BuildStats {
        MetricsIndex(builds: runs).builds(in: w, bucket: bucket)
    }

    /// Production deployments: frequency, rollbacks, change failure rate, lead time.
    public static func deployments(_ all: [Deployment], incidents: [Incident], in w: DateInterval,
                                   bucket: TimeInterval, config: MetricsConfig = MetricsConfig()) -> DeployStats {
        MetricsIndex(incidents: incidents, deployments: all, config: config).deployments(in: w, bucket: bucket)
    }

    /// DORA deployment-frequency tier over the 90 days before `now`, as the four-keys project
    /// computes it: daily when the median week has deploys on ≥ 3 days; weekly when most weeks
    /// have a deploy; monthly when the median month has ≥ 1; otherwise yearly.
    ///
    /// When the history known to Vigil is shorter than 90 days (`historyStart`, e.g. the oldest
    /// deployment any source returned), only the whole weeks and months inside it are judged:
    /// weeks before the data begins are unknown, not weeks without deploys.
    public static func doraTier(_ all: [Deployment], now: Date, historyStart: Date? = nil) -> DoraTier {
        MetricsIndex(deployments: all).doraTier(now: now, historyStart: historyStart)
    }

    // MARK: Operations

    /// Incidents that paged a person, triggered in the window.
    public static func pages(_ incidents: [Incident], in w: DateInterval, bucket: TimeInterval,
                             config: MetricsConfig = MetricsConfig()) -> PageStats {
        MetricsIndex(incidents: incidents, config: config).pages(in: w, bucket: bucket)
    }

    /// Outages: count started in the window, merged minutes per service inside it, open ones now.
    public static func outages(_ incidents: [Incident], in w: DateInterval, now: Date, bucket: TimeInterval,
                               config: MetricsConfig = MetricsConfig()) -> OutageStats {
        MetricsIndex(incidents: incidents, config: config).outages(in: w, now: now, bucket: bucket)
    }

    /// MTTA: acknowledged − triggered over incidents triggered in the window that were acknowledged.
    public static func mtta(_ incidents: [Incident], in w: DateInterval) -> DurationSummary {
        MetricsIndex(incidents: incidents).mtta(in: w)
    }

    /// MTTR: resolved − triggered over incidents resolved in the window. Open incidents are not in it.
    public static func mttr(_ incidents: [Incident], in w: DateInterval) -> DurationSummary {
        MetricsIndex(incidents: incidents).mttr(in: w)
    }

    // MARK: Series

    /// The last value in the window and the samples in it (NaN dropped). Unlike event counts,
    /// a sample taken exactly at the window's end (now) belongs to it: it is the latest reading.
    public static func seriesWindow(_ s: MetricSeries?, in w: DateInterval) -> (latest: Double?, values: [Double]) {
        guard let s else { return (nil, []) }
        let vals = s.samples.filter { $0.at >= w.start && $0.at <= w.end && $0.value.isFinite }
        return (vals.last?.value, vals.map(\.value))
    }

    /// Mean of the samples in the window (NaN dropped); nil when none.
    public static func seriesMean(_ s: MetricSeries?, in w: DateInterval) -> Double? {
        Stats.mean(seriesWindow(s, in: w).values)
    }
}

/// Compares version strings ("v1.10.2" > "v1.9.9"): numeric where both parts are numbers.
///
/// A version is an optional leading `v` or `V` and parts separated by `.`, `-` or `+` (empty parts
/// skipped); a missing part is "0". Parts compare as integers when both are decimal numbers that
/// fit an `Int`, otherwise as strings. ASCII versions are compared byte by byte without making
/// strings; others by splitting them into strings.
public enum VersionOrder {
    /// True when `a` is an earlier version than `b`.
    public static func isEarlier(_ a: String, than b: String) -> Bool {
        if let x = packed(a), let y = packed(b) { return x < y }
        let fast = a.utf8.withContiguousStorageIfAvailable { x in
            b.utf8.withContiguousStorageIfAvailable { y in asciiIsEarlier(x, y) } ?? nil
        } ?? nil
        return fast ?? splitIsEarlier(a, b)
    }

    /// Up to four numeric parts below 65,535 packed into one integer whose order is the order of
    /// the versions (parts high to low, missing parts 0); nil for any other version.
    static func packed(_ v: String) -> UInt64? {
        var v = v
        return v.withUTF8 { packed($0) }
    }

    /// `packed` of a version's UTF-8 bytes, in one pass without overflow checks (a part stops
    /// at 65,535, so `part * 10 + 9` fits; this was 11 % of computing every figure from nothing).
    @inline(__always)
    private static func packed(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64? {
        let n = bytes.count
        guard let base = bytes.baseAddress, n > 0 else { return 0 }
        var i = base[0] | 0x20 == UInt8(ascii: "v") ? 1 : 0
        var packed: UInt64 = 0, part: UInt64 = 0, inPart = false, shift: UInt64 = 48, parts = 0
        while true {
            let c = i < n ? base[i] : UInt8(ascii: ".")
            i &+= 1
            let digit = c &- 48
            if digit < 10 {
                part = part &* 10 &+ UInt64(digit)
                if part >= 0xFFFF { return nil }
                inPart = true
            } else if c == UInt8(ascii: ".") || c == UInt8(ascii: "-") || c == UInt8(ascii: "+") {
                if inPart {
                    if parts == 4 { return nil }
                    packed |= part &<< shift
                    shift &-= 16; parts &+= 1; part = 0; inPart = false
                }
            } else {
                return nil
            }
            if i > n { return packed }
        }
    }

    /// The comparison over ASCII bytes; nil when either version has other bytes.
    private static func asciiIsEarlier(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Bool? {
        if a.contains(where: { $0 >= 0x80 }) || b.contains(where: { $0 >= 0x80 }) { return nil }
        var ia = a.first == UInt8(ascii: "v") || a.first == UInt8(ascii: "V") ? 1 : 0
        var ib = b.first == UInt8(ascii: "v") || b.first == UInt8(ascii: "V") ? 1 : 0
        let zero: StaticString = "0"
        let zeroPart = UnsafeBufferPointer(start: zero.utf8Start, count: 1)
        while true {
            let x = nextPart(a, &ia), y = nextPart(b, &ib)
            if x == nil && y == nil { return false }
            let px = x.map { UnsafeBufferPointer(rebasing: a[$0]) } ?? zeroPart
            let py = y.map { UnsafeBufferPointer(rebasing: b[$0]) } ?? zeroPart
            if let xi = decimal(px), let yi = decimal(py) {
                if xi != yi { return xi < yi }
            } else if !px.elementsEqual(py) {
                return px.lexicographicallyPrecedes(py)
            }
        }
    }

    /// The next non-empty part from `i`, moving `i` past it; nil at the end.
    private static func nextPart(_ s: UnsafeBufferPointer<UInt8>, _ i: inout Int) -> Range<Int>? {
        func isSeparator(_ c: UInt8) -> Bool { c == UInt8(ascii: ".") || c == UInt8(ascii: "-") || c == UInt8(ascii: "+") }
        while i < s.count && isSeparator(s[i]) { i += 1 }
        guard i < s.count else { return nil }
        let start = i
        while i < s.count && !isSeparator(s[i]) { i += 1 }
        return start..<i
    }

    /// The part as an `Int` when it is a decimal number that fits one (as `Int(_:)` reads it).
    private static func decimal(_ p: UnsafeBufferPointer<UInt8>) -> Int? {
        var value = 0
        for c in p {
            guard c >= 48 && c <= 57 else { return nil }
            let (m, o1) = value.multipliedReportingOverflow(by: 10)
            let (s, o2) = m.addingReportingOverflow(Int(c - 48))
            if o1 || o2 { return nil }
            value = s
        }
        return p.isEmpty ? nil : value
    }

    /// The comparison by splitting into strings, for versions that are not ASCII.
    static func splitIsEarlier(_ a: String, _ b: String) -> Bool {
        let pa = parts(a), pb = parts(b)
        for i in 0..<max(pa.count, pb.count) {
            let x = i < pa.count ? pa[i] : "0", y = i < pb.count ? pb[i] : "0"
            if let xi = Int(x), let yi = Int(y) {
                if xi != yi { return xi < yi }
            } else if x != y {
                return x < y
            }
        }
        return false
    }

    private static func parts(_ v: String) -> [String] {
        var s = Substring(v)
        if s.first == "v" || s.first == "V" { s = s.dropFirst() }
        return s.split(whereSeparator: { $0 == "." || $0 == "-" || $0 == "+" }).map(String.init)
    }
}
