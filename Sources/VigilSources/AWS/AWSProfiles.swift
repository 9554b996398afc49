import Foundation

/// The AWS CLI's shared files: `~/.aws/credentials` (sections named by profile) and
/// `~/.aws/config` (`[default]`, `[profile NAME]`), or the files `AWS_SHARED_CREDENTIALS_FILE`
/// and `AWS_CONFIG_FILE` name. Keys are read as the CLI reads them: `key = value`, `#`/`;`
/// comments, names case-insensitive; a nested block (a key with an empty value and indented lines,
/// as `s3 =`) is skipped.
struct AWSProfiles: Sendable {
    /// Each profile's keys, the credentials file's over the config file's.
    var profiles: [String: [String: String]] = [:]
    /// Where each profile's keys came from, for messages.
    var files: [String] = []

    /// Reads both files (missing ones are empty).
    init(environment: [String: String], read: (String) -> String?) {
        let home = environment["HOME"] ?? NSHomeDirectory()
        let config = environment["AWS_CONFIG_FILE"] ?? "\(home)/.aws/config"
        let credentials = environment["AWS_SHARED_CREDENTIALS_FILE"] ?? "\(home)/.aws/credentials"
        if let text = read(config) {
            files.append(config)
            for (section, keys) in Self.parse(text) {
                let name = section == "default" ? "default" : section.hasPrefix("profile ")
                    ? String(section.dropFirst("profile ".count)).trimmingCharacters(in: .whitespaces) : nil
                guard let name else { continue }
                profiles[name, default: [:]].merge(keys) { _, new in new }
            }
        }
        if let text = read(credentials) {
            files.append(credentials)
            for (section, keys) in Self.parse(text) { profiles[section, default: [:]].merge(keys) { _, new in new } }
        }
    }

    /// Sections and their keys, in order.
    static func parse(_ text: String) -> [(String, [String: String])] {
        var out: [(String, [String: String])] = []
        var nested = false
        for raw in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline) {
            let line = String(raw)
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty || trimmed.hasPrefix("#") || trimmed.hasPrefix(";") { continue }
            if trimmed.hasPrefix("[") && trimmed.hasSuffix("]") {
                out.append((String(trimmed.dropFirst().dropLast()).trimmingCharacters(in: .whitespaces), [:]))
                nested = false
                continue
            }
            if line.first == " " || line.first == "\t" {
                if nested { continue }
            } else {
                nested = false
            }
            guard !out.isEmpty, let eq = trimmed.firstIndex(of: "=") else { continue }
            let key = trimmed[..<eq].trimmingCharacters(in: .whitespaces).lowercased()
            var value = trimmed[trimmed.index(after: eq)...].trimmingCharacters(in: .whitespaces)
            if let hash = value.range(of: " #") ?? value.range(of: " ;") { value = String(value[..<hash.lowerBound]) }
            if value.isEmpty { nested = true; continue }
            out[out.count - 1].1[key] = value
        }
        return out
    }
}
