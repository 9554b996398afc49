import Foundation
import VigilCore

/// Alarm state changes from `DescribeAlarmHistory` (`HistoryItemType: StateUpdate`), kept per
/// region, so alarms that fired and recovered — before Vigil started, or while it was not
/// looking — are resolved incidents with their exact times, and MTTR and outages survive a
/// restart. Read over the whole window once, then from the last change seen; where the service
/// does not answer it (moto does not implement it), the panel says so and it is tried again in an
/// hour, while the figures come from what Vigil saw.
struct CloudWatchHistory: Sendable {
    /// One state change of one alarm.
    struct Change: Sendable, Hashable {
        var alarm: String
        var at: Date
        var from: String
        var to: String
        var reason: String
    }

    var changes: [Change] = []
    /// Read up to here.
    var readUntil: Date?
    /// Not answered: tried again after this.
    var unavailableUntil: Date?

    /// The answer's items as changes (the summary "Alarm updated from OK to ALARM", or the
    /// `HistoryData` JSON's oldState/newState).
    static func changes(_ data: Data) throws(SourceError) -> (changes: [Change], next: String?) {
        struct Page: Decodable {
            struct Item: Decodable {
                var AlarmName: String?
                var Timestamp: AWSTime?
                var HistoryItemType: String?
                var HistorySummary: String?
                var HistoryData: String?
            }
            var AlarmHistoryItems: [Item]?
            var NextToken: String?
        }
        struct Detail: Decodable {
            struct State: Decodable { var stateValue: String?; var stateReason: String? }
            var oldState: State?
            var newState: State?
        }
        let page = try SourceJSON.decode(Page.self, from: data, what: "CloudWatch DescribeAlarmHistory")
        var out: [Change] = []
        for item in page.AlarmHistoryItems ?? [] where (item.HistoryItemType ?? "StateUpdate") == "StateUpdate" {
            guard let name = item.AlarmName, let at = item.Timestamp?.date else { continue }
            let detail = item.HistoryData.flatMap { try? JSONDecoder().decode(Detail.self, from: Data($0.prefix(100_000).utf8)) }
            var from = detail?.oldState?.stateValue, to = detail?.newState?.stateValue
            if from == nil || to == nil, let summary = item.HistorySummary,
               let m = summary.firstMatch(of: /from (\w+) to (\w+)/) {
                from = from ?? String(m.output.1); to = to ?? String(m.output.2)
            }
            guard let from, let to else { continue }
            out.append(Change(alarm: name, at: at, from: from.uppercased(), to: to.uppercased(),
                              reason: String((detail?.newState?.stateReason ?? item.HistorySummary ?? "").prefix(500))))
        }
        return (out, page.NextToken.flatMap { $0.isEmpty ? nil : $0 })
    }

    /// Episodes that ended: each `→ ALARM` followed by a change away from ALARM, as resolved
    /// incidents shaped like the live ones (the same id, so a live one and its history are one).
    func resolved(region: String, source: SourceID, since: Date, describe: (String, Date, Date, String) -> Incident?)
        -> [Incident] {
        var out: [Incident] = []
        let byAlarm = Dictionary(grouping: changes, by: \.alarm)
        for (alarm, list) in byAlarm {
            var open: Change?
            for change in list.sorted(by: { $0.at < $1.at }) {
                if change.to == "ALARM" {
                    open = open ?? change
                } else if let start = open {
                    if change.at >= since, let incident = describe(alarm, start.at, change.at, start.reason) {
                        out.append(incident)
                    }
                    open = nil
                }
            }
        }
        return out.sorted { ($0.triggeredAt, $0.id) < ($1.triggeredAt, $1.id) }
    }
}
