import Foundation
import Testing
import VigilCore
@testable import VigilSources

/// The committed sample data, decoded with the real decoders.
@Suite struct SampleDataTests {
    func read(_ name: String) throws -> Data {
        try Data(contentsOf: sampleDataURL.appendingPathComponent(name))
    }

    func scenario() throws -> DemoScenario {
        try SourceJSON.decode(DemoScenario.self, from: try read("scenario.json"), what: "scenario")
    }

    @Test func scenarioNamesItsServicesAndEnd() throws {
        let s = try scenario()
        #expect(s.services.count >= 6)
        #expect(s.user == "demo-oncall")
        #expect(s.endsAt == date("2026-11-26T14:37:00Z"))
        #expect(!s.name.isEmpty && !s.description.isEmpty)
    }

    @Test func pagerDutyIncidentsAreCompleteAndOrdered() throws {
        let s = try scenario()
        let raw = try PagerDutyDecoder.incidents(from: try read("pagerduty-incidents.json"), source: "demo")
        let entries = try PagerDutyDecoder.logEntries(from: try read("pagerduty-log-entries.json"))
        let incidents = PagerDutyDecoder.merging(entries, into: raw)
        #expect(incidents.count >= 60)
        #expect(Set(incidents.map(\.service)).count >= 6)
        #expect(Set(incidents.map(\.service)).isSubset(of: Set(s.services)))
        #expect(Set(incidents.map(\.severity)) == Set(Severity.allCases))
        #expect(incidents.contains { !$0.paged })
        #expect(incidents.filter { $0.status == .triggered }.count >= 2)
        #expect(incidents.contains { $0.status == .acknowledged })
        #expect(incidents.filter { $0.status == .resolved }.count > incidents.count / 2)
        // An outage is going on at the end.
        #expect(incidents.contains { $0.severity == .critical && $0.isOpen })
        for incident in incidents {
            #expect(incident.triggeredAt <= s.endsAt)
            if let ack = incident.acknowledgedAt {
                #expect(incident.triggeredAt <= ack, "\(incident.id)")
                #expect(ack <= (incident.resolvedAt ?? s.endsAt), "\(incident.id)")
                #expect(incident.acknowledgedBy != nil)
            }
            if let resolved = incident.resolvedAt { #expect(incident.triggeredAt <= resolved, "\(incident.id)") }
            #expect((incident.status == .resolved) == (incident.resolvedAt != nil))
            #expect(incident.links.contains { $0.title == "PagerDuty" })
            #expect(incident.links.contains { $0.title == "Runbook" })
            #expect(incident.timeline.first?.at == incident.triggeredAt)
        }
        // Most resolved incidents were acknowledged by a person first (recovered from the log).
        let resolved = incidents.filter { $0.status == .resolved }
        #expect(resolved.filter { $0.acknowledgedAt != nil }.count > resolved.count * 3 / 4)
        // Pages outside working hours exist.
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? .current
        #expect(incidents.contains { incident in
            let hour = calendar.component(.hour, from: incident.triggeredAt)
            return incident.paged && (hour < 8 || hour >= 19 || calendar.isDateInWeekend(incident.triggeredAt))
        })
    }

    @Test func twoOutagesOverlapOnOneService() throws {
        let incidents = try PagerDutyDecoder.incidents(from: try read("pagerduty-incidents.json"), source: "demo")
        let outages = incidents.filter { $0.severity == .critical && $0.status == .resolved }
        #expect(outages.count >= 4)
        let overlapping = outages.contains { a in
            outages.contains { b in
                a.id != b.id && a.service == b.service && a.triggeredAt < b.triggeredAt
                    && b.triggeredAt < (a.resolvedAt ?? .distantFuture)
            }
        }
        #expect(overlapping)
    }

    @Test func githubRunsHoldBuildsDeploysAndRollbacks() throws {
        let s = try scenario()
        let runs = try GitHubActionsDecoder().decode(try read("github-actions-runs.json"))
        let production = runs.deployments.filter(\.isProduction)
        #expect(production.filter { !$0.markedRollback }.count >= 300)
        #expect(production.contains { $0.outcome == .failure })
        #expect(runs.deployments.contains { $0.environment == "staging" })
        #expect(runs.deployments.filter(\.markedRollback).count >= 3)
        #expect(Set(production.map(\.service)).isSubset(of: Set(s.services)))
        // A deployment of an earlier version than the one running (a rollback by redeploy).
        var running: [String: String] = [:]
        var redeployedEarlier = false
        for deployment in production where deployment.outcome == .success && !deployment.markedRollback {
            if let current = running[deployment.service], VersionOrder.isEarlier(deployment.version, than: current) {
                redeployedEarlier = true
            }
            running[deployment.service] = deployment.version
        }
        #expect(redeployedEarlier)
        #expect(runs.deployments.allSatisfy { deployment in deployment.commitAt.map { $0 <= deployment.at } ?? true })

        let ci = runs.builds
        #expect(ci.count >= 20 * 30)
        let finished = ci.filter { $0.finishedAt != nil }
        let success = Double(finished.filter { $0.conclusion == .success }.count) / Double(finished.count)
        #expect(success > 0.85 && success < 0.95)
        #expect(ci.contains { $0.conclusion == .inProgress })
        #expect(finished.allSatisfy { ($0.duration ?? 0) >= 60 && ($0.duration ?? 0) <= 16 * 60 })
        #expect(ci.allSatisfy { $0.startedAt <= s.endsAt && ($0.finishedAt ?? $0.startedAt) <= s.endsAt })
        #expect(runs.deployments.allSatisfy { $0.at <= s.endsAt })
        #expect(runs.totalCount == ci.count + runs.deployments.count)
    }

    @Test func someFailedDeploysAreFollowedByAnIncident() throws {
        let runs = try GitHubActionsDecoder().decode(try read("github-actions-runs.json"))
        let incidents = try PagerDutyDecoder.incidents(from: try read("pagerduty-incidents.json"), source: "demo")
        let followed = runs.deployments.filter { $0.isProduction && $0.outcome == .failure }.filter { deployment in
            incidents.contains {
                $0.service == deployment.service && $0.triggeredAt >= deployment.at
                    && $0.triggeredAt.timeIntervalSince(deployment.at) <= 3600
            }
        }
        #expect(followed.count >= 2)
    }

    @Test func alertmanagerAlertsAreFiring() throws {
        let silences = try AlertmanagerDecoder.silences(from: try read("alertmanager-silences.json"))
        let alerts = try AlertmanagerDecoder().incidents(from: try read("alertmanager-alerts.json"), source: "demo",
                                                         silences: silences)
        #expect(alerts.count == 4)
        #expect(alerts.allSatisfy { $0.isOpen && $0.id.hasPrefix("AM-") })
        #expect(alerts.contains { $0.status == .acknowledged && $0.acknowledgedBy != nil })
        // Routed to chat, not to PagerDuty: the paging problems are PagerDuty incidents, so the
        // demo never shows one problem twice.
        #expect(!alerts.contains { $0.paged })
        #expect(alerts.allSatisfy { $0.links.contains { $0.title == "Runbook" } })
    }

    @Test func prometheusSeriesCoverEveryService() throws {
        let s = try scenario()
        let p99 = try PrometheusDecoder.series(from: try read("prometheus-latency-p99.json"), kind: .latencyP99)
        let p50 = try PrometheusDecoder.series(from: try read("prometheus-latency-p50.json"), kind: .latencyP50)
        let errors = try PrometheusDecoder.series(from: try read("prometheus-error-rate.json"), kind: .errorRate)
        let coverage = try PrometheusDecoder.series(from: try read("prometheus-coverage.json"), kind: .coverage)
        for series in [p99, p50, errors] {
            #expect(Set(series.map(\.key.service)) == Set(s.services))
            #expect(series.allSatisfy { $0.samples.count >= 700 })
        }
        #expect(errors.contains { $0.samples.count < 721 })  // NaN samples dropped
        #expect(coverage.count == 1)
        #expect(coverage.first?.key == SeriesKey(.coverage))
        let values = coverage.first?.samples.map(\.value) ?? []
        #expect(values.count == 121)
        #expect((values.last ?? 0) > (values.first ?? 0))
        #expect(values.allSatisfy { $0 > 50 && $0 < 100 })
        // p99 is above p50 at every instant.
        for (slow, typical) in zip(p99, p50) where slow.key.service == typical.key.service {
            #expect(zip(slow.samples, typical.samples).allSatisfy { $0.value > $1.value })
        }
    }

    @Test func sampleDataStaysSmall() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: sampleDataURL.path)
        var total = 0
        for name in files {
            let attributes = try FileManager.default.attributesOfItem(atPath: sampleDataURL.appendingPathComponent(name).path)
            total += (attributes[.size] as? Int) ?? 0
        }
        #expect(total < 3_000_000)
    }
}
