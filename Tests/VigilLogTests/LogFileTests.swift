import Foundation
import Logging
import Testing
@testable import VigilLog

/// The log file: lines appended, rotated at the size limit keeping `keep` old files, made with
/// its directory and mode 0600; the handler writes records at its level and above, one line
/// each, in a fixed form.
@Suite struct LogFileTests {
    static func directory() -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-log-\(UUID().uuidString)").path
        return dir
    }

    static func lines(_ path: String) -> [String] {
        ((try? String(contentsOfFile: path, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
    }

    @Test func rotatesAtTheLimitAndKeepsTheNewestLines() throws {
        let dir = Self.directory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/nested/vigil.log"
        let file = try LogFile(path: path, maxBytes: 1_024, keep: 2)
        // 100 lines of 100 bytes (with the newline): ten files' worth.
        for n in 0..<100 { file.write(String(format: "line %03d ", n) + String(repeating: "x", count: 90)) }
        let current = Self.lines(path), one = Self.lines(file.rotated(1)), two = Self.lines(file.rotated(2))
        #expect(!FileManager.default.fileExists(atPath: file.rotated(3)))
        for p in [path, file.rotated(1), file.rotated(2)] {
            let size = (try FileManager.default.attributesOfItem(atPath: p)[.size] as? Int) ?? 0
            #expect(size <= 1_024 && size > 0, "\(p): \(size)")
        }
        // Newest last, nothing lost between the kept files, the oldest dropped.
        let kept = two + one + current
        #expect(kept.last?.hasPrefix("line 099") == true)
        let numbers = kept.compactMap { Int($0.dropFirst(5).prefix(3)) }
        #expect(numbers == Array((100 - numbers.count)..<100))
        #expect(numbers.count == 30)
        // Only its owner reads it.
        let mode = (try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int) ?? 0
        #expect(mode == 0o600)
    }

    @Test func appendsToAnExistingFileAndCountsItsSize() throws {
        let dir = Self.directory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/vigil.log"
        try LogFile(path: path, maxBytes: 1_024).write(String(repeating: "a", count: 1_019))
        let again = try LogFile(path: path, maxBytes: 1_024)
        again.write("bb")   // 1,020 + 3 bytes: still fits
        #expect(Self.lines(path).count == 2)
        again.write("cc")   // would pass 1,024: the file rotates first
        #expect(Self.lines(path) == ["cc"] && Self.lines(again.rotated(1)).count == 2)
    }

    @Test func anUnwritablePlaceIsAnErrorWithThePath() {
        #expect(throws: LogFileError.self) { try LogFile(path: "/proc/vigil-cannot/vigil.log") }
        do {
            _ = try LogFile(path: "/proc/vigil-cannot/vigil.log")
        } catch {
            #expect(error.message.contains("/proc/vigil-cannot"))
        }
    }

    /// Vigil's loggers always have Vigil's handler, made before any set-up or without one:
    /// never swift-log's default, which writes to standard error (the dashboard's terminal).
    @Test func vigilsLoggersNeverUseTheDefaultHandler() {
        #expect(VigilLogging.logger("vigil.test").handler is VigilLogging.Handler)
        #expect(VigilLogging.level(named: "WARN") == .warning && VigilLogging.level(named: "trace") == .trace)
        #expect(VigilLogging.level(named: "loud") == nil)
    }

    @Test func recordsAtTheLevelAndAboveOneLineEachInAFixedForm() throws {
        let dir = Self.directory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let file = try LogFile(path: dir + "/vigil.log")
        let logger = Logger(label: "vigil.poll") { label in FileLogHandler(label: label, file: file, level: .warning) }
        logger.debug("not written")
        logger.info("not written either")
        logger.warning("poll failed", metadata: ["source": "am", "duration_ms": "12", "error": "connection refused (127.0.0.1:9)"])
        logger.error("two\nlines")
        let lines = Self.lines(dir + "/vigil.log")
        #expect(lines.count == 2)
        let pattern = #/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z warning vigil\.poll: poll failed duration_ms=12 error="connection refused \(127\.0\.0\.1:9\)" source=am$/#
        #expect(lines.first?.wholeMatch(of: pattern) != nil, "\(lines.first ?? "")")
        #expect(lines.last?.hasSuffix("error vigil.poll: two ⏎ lines") == true)
    }
}
