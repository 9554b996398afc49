import Foundation
import Logging

/// A swift-log handler that writes one line per record to a `LogFile`:
///
///     2026-12-06T11:02:24.123Z warning vigil.poll: poll failed source=am duration_ms=12 kind=unreachable
///
/// the time in UTC, the level, the logger's label, the message, then the metadata sorted by
/// key (values with spaces or quotes quoted). Every line passes through `Redaction.line`.
public struct FileLogHandler: LogHandler {
    /// Where the lines go.
    public let file: LogFile
    /// The logger's label.
    public let label: String
    public var logLevel: Logger.Level
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?

    /// A handler for the logger `label`, writing records at `level` and above to `file`.
    public init(label: String, file: LogFile, level: Logger.Level) {
        self.label = label; self.file = file; self.logLevel = level
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(level: Logger.Level, message: Logger.Message, metadata explicit: Logger.Metadata?,
                    source: String, file: String, function: String, line: UInt) {
        var all = metadata
        if let provided = metadataProvider?.get() { all.merge(provided) { _, new in new } }
        if let explicit { all.merge(explicit) { _, new in new } }
        self.file.write(Self.format(level: level, label: label, message: "\(message)", metadata: all, at: Date()))
    }

    /// One record as a line (redacted).
    static func format(level: Logger.Level, label: String, message: String, metadata: Logger.Metadata, at: Date) -> String {
        var line = timestamp(at) + " " + level.rawValue + " " + label + ": " + message.replacingOccurrences(of: "\n", with: " ⏎ ")
        for key in metadata.keys.sorted() {
            line += " " + key + "=" + quoted("\(metadata[key]!)")
        }
        return Redaction.line(line)
    }

    /// A value as it is written: bare when it has no space, quote or `=`, else in quotes.
    static func quoted(_ value: String) -> String {
        let flat = value.replacingOccurrences(of: "\n", with: " ⏎ ")
        guard flat.isEmpty || flat.contains(where: { $0 == " " || $0 == "\"" || $0 == "=" }) else { return flat }
        return "\"" + flat.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }

    /// `2026-12-06T11:02:24.123Z`.
    static func timestamp(_ date: Date) -> String {
        let t = date.timeIntervalSince1970
        var seconds = time_t(t.rounded(.down))
        var parts = tm()
        gmtime_r(&seconds, &parts)
        let ms = min(999, Int(((t - t.rounded(.down)) * 1_000).rounded(.down)))
        func two(_ n: Int32) -> String { n < 10 ? "0\(n)" : "\(n)" }
        let msText = ms < 10 ? "00\(ms)" : ms < 100 ? "0\(ms)" : "\(ms)"
        return "\(parts.tm_year + 1900)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday))T\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec)).\(msText)Z"
    }
}
