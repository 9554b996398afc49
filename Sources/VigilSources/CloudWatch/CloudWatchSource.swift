import Foundation
import Synchronization
import VigilCore

/// CloudWatch alarms of the configured regions as incidents (`DescribeAlarms`, metric and
/// composite, every `NextToken` page), each row labelled with its region; severity and service
/// from the alarm's tags (`ListTagsForResource`, kept for 30 minutes, read within the calls a
/// minute left) or its name. No acknowledgement: CloudWatch has none (DECISIONS.md).
final class CloudWatchSource: Source {
    let settings: CloudWatchSettings
    let aws: AWSService
    var id: SourceID { settings.id }
    var pollInterval: Duration { settings.pollInterval }

    static let tagsKeptFor: TimeInterval = 1_800
    private let tags = Mutex<[String: (at: Date, tags: [String: String])]>([:])
    private let history = Mutex<[String: CloudWatchHistory]>([:])
    /// How far back alarm history is read (CloudWatch keeps two weeks of it).
    static let historyWindow: TimeInterval = 14 * 86_400

    init(settings: CloudWatchSettings, transport: any HTTPTransport,
         environment: [String: String] = ProcessInfo.processInfo.environment,
         chain: AWSCredentialChain? = nil) {
        self.settings = settings
        aws = AWSService(service: "monitoring", targetPrefix: "GraniteServiceVersion20100801", json: "1.0",
                         profile: settings.profile, endpointURL: settings.endpointURL, timeout: settings.timeout,
                         callsPerMinute: settings.callsPerMinute, transport: transport, environment: environment, chain: chain)
    }

    func poll(now: Date) async throws -> PollResult {
        let rules = CloudWatchDecoder.Rules(namePattern: try? Regex(settings.namePattern), settings: settings)
        var warnings: [SourceWarning] = [], notes: [SourceWarning] = []
        let incidents = try await aws.eachRegion(settings.regions, panel: .incidents, now: now, warnings: &warnings) {
            region, credentials in
            try await alarms(in: region, credentials: credentials, rules: rules, now: now, warnings: &notes)
        }
        return PollResult(SourceSnapshot(incidents: incidents), warnings: warnings + notes)
    }

    private func alarms(in region: String, credentials: AWSCredentials, rules: CloudWatchDecoder.Rules, now: Date,
                        warnings: inout [SourceWarning]) async throws -> [Incident] {
        var token: String?
        var all: [CloudWatchDecoder.Alarm] = []
        var pages = 0
        repeat {
            try Task.checkCancellation()
            var body: [String: Any] = ["AlarmTypes": ["MetricAlarm", "CompositeAlarm"], "MaxRecords": 100]
            if let token { body["NextToken"] = token }
            if let prefix = settings.namePrefix { body["AlarmNamePrefix"] = prefix }
            let page = try CloudWatchDecoder.page(try await aws.call("DescribeAlarms", body, region: region,
                                                                   credentials: credentials, now: now))
            all += (page.MetricAlarms ?? []) + (page.CompositeAlarms ?? [])
            token = page.NextToken.flatMap { $0.isEmpty ? nil : $0 }
            pages += 1
        } while token != nil && pages < 500
        var out: [Incident] = []
        var untagged = 0
        var tagsByName: [String: [String: String]] = [:]
        for alarm in all where ["ALARM", "INSUFFICIENT_DATA"].contains((alarm.StateValue ?? "").uppercased()) {
            var alarmTags: [String: String] = [:]
            if let arn = alarm.AlarmArn {
                if let kept = tags.withLock({ $0[arn] }), now.timeIntervalSince(kept.at) < Self.tagsKeptFor {
                    alarmTags = kept.tags
                } else if let fresh = try? await tagsOf(arn, region: region, credentials: credentials, now: now) {
                    alarmTags = fresh
                } else {
                    alarmTags = kept(arn)        // the minute's calls spent (or the call failed): next poll
                    untagged += 1
                }
            }
            tagsByName[alarm.AlarmName] = alarmTags
            if let i = CloudWatchDecoder.incident(alarm, region: region, tags: alarmTags, source: id, rules: rules, now: now) {
                out.append(i)
            }
        }
        for alarm in all where tagsByName[alarm.AlarmName] == nil { tagsByName[alarm.AlarmName] = kept(alarm.AlarmArn ?? "") }
        out += await pastEpisodes(in: region, alarms: all, tags: tagsByName, credentials: credentials, rules: rules, now: now,
                                  warnings: &warnings)
        if untagged > 0 {
            warnings.append(SourceWarning(panel: .incidents, message: "CloudWatch \(region): tags of \(untagged) alarms not "
                + "read yet (calls_per_minute: \(settings.callsPerMinute)); their severity and service are from the name"))
        }
        return out
    }

    private func kept(_ arn: String) -> [String: String] { tags.withLock { $0[arn]?.tags } ?? [:] }

    /// Episodes that ended in the last two weeks, from the alarm history (read once over the
    /// window, then from the last change seen; an unanswered history is said and tried hourly).
    private func pastEpisodes(in region: String, alarms: [CloudWatchDecoder.Alarm], tags: [String: [String: String]],
                              credentials: AWSCredentials, rules: CloudWatchDecoder.Rules, now: Date,
                              warnings: inout [SourceWarning]) async -> [Incident] {
        var state = history.withLock { $0[region] ?? CloudWatchHistory() }
        let since = now.addingTimeInterval(-Self.historyWindow)
        if state.unavailableUntil.map({ now >= $0 }) ?? true {
            do {
                var token: String?, pages = 0, fresh: [CloudWatchHistory.Change] = []
                repeat {
                    var body: [String: Any] = ["HistoryItemType": "StateUpdate", "MaxRecords": 100,
                                               "StartDate": (state.readUntil ?? since).timeIntervalSince1970,
                                               "EndDate": now.timeIntervalSince1970, "ScanBy": "TimestampDescending"]
                    if let token { body["NextToken"] = token }
                    let page = try CloudWatchHistory.changes(try await aws.call("DescribeAlarmHistory", body, region: region,
                                                                           credentials: credentials, now: now))
                    fresh += page.changes
                    token = page.next
                    pages += 1
                } while token != nil && pages < 50
                if token == nil {
                    let seen = Set(state.changes)
                    state.changes = (state.changes + fresh.filter { !seen.contains($0) }).filter { $0.at >= since }
                    state.readUntil = now.addingTimeInterval(-60)     // overlap a minute: late writes
                    state.unavailableUntil = nil
                }
            } catch let error as SourceError {
                // The minute's calls spent: simply the next poll. Anything else: not answered here.
                if case .rateLimited = error.kind {} else {
                    state.unavailableUntil = now.addingTimeInterval(3_600)
                    warnings.append(SourceWarning(panel: .incidents, message: "CloudWatch \(region): alarm history not read "
                        + "(\(error.message)); MTTR and outages count what Vigil saw; trying again in an hour"))
                }
            } catch {
                state.unavailableUntil = now.addingTimeInterval(3_600)
            }
        }
        history.withLock { $0[region] = state }
        let byName = Dictionary(alarms.map { ($0.AlarmName, $0) }, uniquingKeysWith: { a, _ in a })
        return state.resolved(region: region, source: id, since: since) { name, start, end, reason in
            var alarm = byName[name] ?? CloudWatchDecoder.Alarm(AlarmName: name)
            alarm.StateValue = "ALARM"
            alarm.StateReason = reason
            alarm.StateUpdatedTimestamp = start.timeIntervalSince1970
            guard var incident = CloudWatchDecoder.incident(alarm, region: region, tags: tags[name] ?? [:], source: id,
                                                            rules: rules, now: now) else { return nil }
            incident.status = .resolved
            incident.resolvedAt = end
            incident.labels.removeAll { $0.key == "state" }
            incident.timeline.append(TimelineEntry(at: end, text: "back to OK"))
            return incident
        }
    }

    private func tagsOf(_ arn: String, region: String, credentials: AWSCredentials, now: Date) async throws -> [String: String] {
        struct Answer: Decodable {
            struct Tag: Decodable { var Key: String; var Value: String? }
            var Tags: [Tag]?
        }
        let data = try await aws.call("ListTagsForResource", ["ResourceARN": arn], region: region, credentials: credentials, now: now)
        let answer = try SourceJSON.decode(Answer.self, from: data, what: "CloudWatch ListTagsForResource")
        var out: [String: String] = [:]
        for t in answer.Tags ?? [] { out[t.Key] = t.Value ?? "" }
        tags.withLock { $0[arn] = (now, out) }
        return out
    }
}
