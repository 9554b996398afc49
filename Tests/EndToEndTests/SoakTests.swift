import Foundation
import Testing

extension EndToEnd {
/// A simulated week of polls, frames, acknowledgements and key presses (`vigil soak`, the built
/// binary, on an accelerated clock, after the demo's data has grown to its steady volume):
/// resident memory must show no upward trend, and the data volume must stay level.
@Suite(.serialized) struct SoakTests {
    struct Sample: Sendable {
        var hours: Double
        var rssKB: Double
        var cpuSeconds: Double
        var allIncidents: Int
        var heapKB: Double
    }

    static func run(_ args: [String]) throws -> [Sample] {
        guard let bin = TmuxSession.binary else { throw E2EError.missing("no built vigil binary: run scripts/test") }
        // CPU-bound for tens of seconds: at the lowest priority, one at a time, so the suites that
        // run beside it (servers that must start within their time limits) are not starved.
        let result = try TmuxSession.run("/usr/bin/nice", ["-n", "19", bin, "soak", "--data",
                                                          TmuxSession.repo.appendingPathComponent("sample-data").path] + args)
        guard result.status == 0 else { throw E2EError.missing("vigil soak failed (\(result.status)): \(result.output)") }
        return result.output.split(separator: "\n").dropFirst().compactMap { line in
            let f = line.split(separator: ",").map(String.init)
            guard f.count >= 8, let h = Double(f[1]), let rss = Double(f[2]), let cpu = Double(f[3]), let all = Int(f[5]),
                  let heap = Double(f[7]) else {
                return nil
            }
            return Sample(hours: h, rssKB: rss, cpuSeconds: cpu, allIncidents: all, heapKB: heap)
        }
    }

    /// Least-squares slope of y over x.
    static func slope(_ points: [(Double, Double)]) -> Double {
        let n = Double(points.count)
        let mx = points.map(\.0).reduce(0, +) / n, my = points.map(\.1).reduce(0, +) / n
        let sxx = points.map { ($0.0 - mx) * ($0.0 - mx) }.reduce(0, +)
        let sxy = points.map { ($0.0 - mx) * ($0.1 - my) }.reduce(0, +)
        return sxx == 0 ? 0 : sxy / sxx
    }

    @Test("a simulated week at the desk and on the wall: memory flat, data level", arguments: [false, true])
    func aWeekWithoutGrowth(wall: Bool) async throws {
        // Hourly polls keep a debug build within about half a minute per run; the benchmarks
        // and scripts/measure cover speed, this covers growth.
        let args = ["--days", "7", "--poll", "3600", "--samples", "15", "--width", "120", "--height", "40"]
            + (wall ? ["--wall"] : [])
        let samples = try await offThePool { try Self.run(args) }
        try #require(samples.count >= 10, "too few samples")
        let report = samples.map { "\($0.hours)h resident \(Int($0.rssKB)) kB, heap in use \(Int($0.heapKB)) kB, "
            + "\($0.allIncidents) incidents" }.joined(separator: "\n")
        // The first day settles allocator pools and caches; the trend is read over the rest.
        let settled = samples.filter { $0.hours >= 24 }
        // What a leak grows: the bytes malloc has handed out. Then what the system sees.
        let heapPerDay = Self.slope(settled.map { ($0.hours / 24, $0.heapKB / 1_024) })
        #expect(heapPerDay < 0.1, "the heap grows \(heapPerDay) MB per simulated day:\n\(report)")
        let perDay = Self.slope(settled.map { ($0.hours / 24, $0.rssKB / 1_024) })
        #expect(perDay < 0.25, "resident memory grows \(perDay) MB per simulated day:\n\(report)")
        let rss = settled.map(\.rssKB)
        #expect((rss.max() ?? 0) - (rss.min() ?? 0) < 2 * 1_024, "resident memory spread over the week:\n\(report)")
        // The data stays at its steady volume (the demo keeps 31 days), so flat memory means no leak.
        let counts = settled.map(\.allIncidents)
        #expect(Double((counts.max() ?? 0) - (counts.min() ?? 0)) <= 0.1 * Double(counts.max() ?? 1), "\(report)")
    }
}
}

