import Foundation

// MARK: - A server killed and brought back on its port

extension AlertmanagerServer {
    /// Starts a fresh Alertmanager (clustering off, empty storage) that also listens on `port`,
    /// the port of one a test stopped, so the clients that knew the old one find it there again.
    /// The returned process stops when released.
    /// - Throws: `ServerUnavailable` when the binary is missing or the server does not come up
    ///   (for example because `port` is still taken).
    public static func restart(onPort port: Int) async throws -> ProcessServer {
        let path = try ProcessServer.requireBinary(binary)
        let work = try ProcessServer.makeWorkDirectory(prefix: "alertmanager-restarted")
        let config = work.appendingPathComponent("alertmanager.yml")
        let storage = work.appendingPathComponent("data", isDirectory: true)
        do {
            try FileManager.default.createDirectory(at: storage, withIntermediateDirectories: true)
            try Data(minimalConfig.utf8).write(to: config)
        } catch {
            try? FileManager.default.removeItem(at: work)
            throw error
        }
        // Alertmanager listens on every --web.listen-address given: the new free port (which
        // ProcessServer checks for readiness) and the old one.
        return try await ProcessServer.start(path, workDirectory: work) { readyPort in
            ["--config.file=\(config.path)", "--storage.path=\(storage.path)",
             "--web.listen-address=127.0.0.1:\(readyPort)", "--web.listen-address=127.0.0.1:\(port)",
             "--cluster.listen-address="]
        }
    }

    /// Posts alerts to whatever Alertmanager listens on 127.0.0.1:`port` (`POST /api/v2/alerts`).
    public static func post(_ alerts: [Alert], port: Int) throws {
        let (status, answer) = try LoopbackHTTP.exchange(port: port, method: "POST", path: "/api/v2/alerts",
                                                         body: try JSONEncoder().encode(alerts))
        guard (200..<300).contains(status) else {
            throw RequestFailed(description: "POST /api/v2/alerts → HTTP \(status): \(String(decoding: answer, as: UTF8.self))")
        }
    }
}
