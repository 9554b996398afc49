import Foundation

/// A real Prometheus (Debian's 2.42 `/usr/bin/prometheus`) on a free loopback port, with a
/// temporary TSDB that can be filled with a known history first.
///
/// `start(history:)` backfills the history with
/// `promtool tsdb create-blocks-from openmetrics --max-block-duration=24h` into the data directory,
/// then starts Prometheus on it with a 90-day retention, a minimal config (no scrape targets) and
/// `--web.enable-lifecycle`. The server is stopped (and its directory removed) by `stop()` or when
/// the value is released, also when a test fails.
public final class PrometheusServer: Sendable {
    /// The process.
    public let process: ProcessServer

    /// `http://127.0.0.1:<port>/`.
    public var url: URL { process.url }

    private init(process: ProcessServer) { self.process = process }

    /// Starts Prometheus, first loading `openMetrics` (an OpenMetrics text ending in `# EOF`,
    /// timestamps in seconds) when given; with `basicAuth`, every request must carry
    /// `WebBasicAuth`'s user and password; with `selfSignedTLS`, it speaks only HTTPS, with the
    /// self-signed certificate of `Tests/Fixtures/tls` (which no client trusts).
    /// - Throws: `ServerUnavailable` when prometheus or promtool is missing (the message names the
    ///   package and the apt command) or the server does not become ready; `ProcessFailure` when
    ///   promtool rejects the history.
    public static func start(history openMetrics: String? = nil, basicAuth: Bool = false, selfSignedTLS: Bool = false)
        async throws -> PrometheusServer {
        let prometheus = try ProcessServer.requireBinary("prometheus")
        let promtool = try ProcessServer.requireBinary("promtool")
        let work = try ProcessServer.makeWorkDirectory(prefix: "prometheus")
        let data = work.appendingPathComponent("data", isDirectory: true)
        let config = work.appendingPathComponent("prometheus.yml")
        var web: [String] = []
        do {
            if basicAuth || selfSignedTLS {
                let file = try WebBasicAuth.write(into: work, basicAuth: basicAuth, selfSignedTLS: selfSignedTLS)
                web = ["--web.config.file=\(file)"]
            }
            try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
            try Data(minimalConfig.utf8).write(to: config)
            if let openMetrics {
                let file = work.appendingPathComponent("history.om")
                try Data(openMetrics.utf8).write(to: file)
                try await ProcessServer.run(promtool, [
                    "tsdb", "create-blocks-from", "openmetrics", "--max-block-duration=24h", file.path, data.path,
                ])
            }
        } catch {
            try? FileManager.default.removeItem(at: work)
            throw error
        }
        let process = try await ProcessServer.start(prometheus, workDirectory: work,
                                                    readyHeaders: basicAuth ? [WebBasicAuth.header] : [],
                                                    readyStatus: selfSignedTLS ? 400 : 200) { port in
            [
                "--config.file=\(config.path)",
                "--storage.tsdb.path=\(data.path)",
                "--storage.tsdb.retention.time=90d",
                "--web.listen-address=127.0.0.1:\(port)",
                "--web.external-url=http://127.0.0.1:\(port)/",
                "--web.enable-lifecycle",
            ] + web
        }
        return PrometheusServer(process: process)
    }

    /// Stops the server and removes its directory; returns its whole log (empty if already stopped).
    @discardableResult
    public func stop() -> String { process.stop() }

    /// The last lines of its log, for failure messages.
    public func logTail(_ lines: Int = 30) -> String { process.logTail(lines) }

    /// No scrape targets: the tests' data comes from the backfilled history only.
    static let minimalConfig = """
        global:
          scrape_interval: 15s
          evaluation_interval: 15s
        scrape_configs: []

        """
}
