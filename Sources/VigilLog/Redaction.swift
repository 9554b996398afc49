import Foundation
import Synchronization

/// Keeps secrets out of every log line. Two layers:
/// - every secret Vigil holds is registered when it is read (`Secret` does it as it is made),
///   and any occurrence of one in a line is replaced, wherever it came from (an error body
///   that echoes a token, a URL someone pasted a key into);
/// - what is secret by its place is replaced whatever its value: the values of credential
///   headers (`Authorization`, `X-Api-Key`, cookies, AWS session tokens), of query parameters
///   and `key=value` pairs named like a credential (`token`, `password`, `X-Amz-Signature`, …),
///   the password of a URL's user information, and the credential after `Bearer`, `Basic`,
///   `token` and AWS's `Credential=`/`Signature=`.
public enum Redaction {
    /// What a secret is replaced with.
    public static let mark = "[redacted]"

    /// Header names whose values are always secret (compared case-insensitively).
    public static let secretHeaders: Set<String> = [
        "authorization", "proxy-authorization", "x-api-key", "api-key", "x-auth-token", "cookie", "set-cookie",
        "x-amz-security-token", "x-amz-content-sha256-secret", "private-token", "x-jenkins-crumb", "jenkins-crumb",
    ]

    /// Names of query parameters and `key=value` pairs whose values are secret (lower-cased):
    /// these names, and names that end with one of `secretEndings`.
    static let secretNames: Set<String> = ["key", "sig", "auth", "authorization", "crumb", "pwd", "pass"]
    static let secretEndings = ["token", "password", "passwd", "secret", "signature", "credential", "apikey", "api_key",
                                "api-key", "access_key", "secret_key", "private_key", "accesskeyid"]

    /// Secrets shorter than this are not searched for in free text (a three-letter password
    /// would blank every word that contains it); their places are still redacted.
    static let shortest = 4

    private static let registered = Mutex<Set<String>>([])

    /// Registers a secret: from now on it never appears in a log line.
    public static func register(_ secret: String) {
        let trimmed = secret.trimmingCharacters(in: .whitespacesAndNewlines)
        guard trimmed.utf8.count >= shortest else { return }
        registered.withLock { _ = $0.insert(trimmed) }
    }

    /// `line` with every registered secret and every secret by its place replaced.
    public static func line(_ line: String) -> String {
        var out = line
        let secrets = registered.withLock { $0 }
        // Longest first, so a secret that contains another is replaced whole.
        for secret in secrets.sorted(by: { $0.utf8.count > $1.utf8.count }) where out.contains(secret) {
            out = out.replacingOccurrences(of: secret, with: mark)
        }
        return pairs(schemes(out))
    }

    /// The value of header `name`, as a log line may show it.
    public static func header(_ name: String, _ value: String) -> String {
        secretHeaders.contains(name.lowercased()) ? mark : line(value)
    }

    /// `url` with its password and the values of secret query parameters replaced (as text:
    /// the mark is not a valid URL, and must not make one fail).
    public static func url(_ url: URL) -> String {
        var text = url.absoluteString
        if let password = URLComponents(url: url, resolvingAgainstBaseURL: false)?.percentEncodedPassword,
           !password.isEmpty {
            text = text.replacingOccurrences(of: ":" + password + "@", with: ":" + mark + "@")
        }
        return line(text)
    }

    /// Whether a parameter or field named `name` holds a secret.
    static func isSecretName(_ name: String) -> Bool {
        let lower = name.lowercased()
        return secretNames.contains(lower) || secretEndings.contains { lower.hasSuffix($0) }
    }

    /// `Bearer X`, `Basic X`, `token X` (as in an `Authorization` value) and AWS's
    /// `Credential=…`/`Signature=…` with their credential replaced.
    static func schemes(_ text: String) -> String {
        var out = text
        for scheme in ["Bearer ", "Basic ", "token ", "Token "] {
            var searchFrom = out.startIndex
            while let found = out.range(of: scheme, range: searchFrom..<out.endIndex) {
                let valueStart = found.upperBound
                let valueEnd = out[valueStart...].firstIndex(where: { $0 == " " || $0 == "\"" || $0 == "," || $0 == "\n" })
                    ?? out.endIndex
                if valueStart == valueEnd || out[valueStart..<valueEnd] == mark { searchFrom = valueEnd; continue }
                out.replaceSubrange(valueStart..<valueEnd, with: mark)
                searchFrom = out.index(valueStart, offsetBy: mark.count)
            }
        }
        return out
    }

    /// `name=value`, `name: value` and `"name":"value"` pairs whose name is secret, with the
    /// value replaced (up to `&`, a space, a quote, a comma or the end).
    static func pairs(_ text: String) -> String {
        guard text.contains("=") || text.contains(":") else { return text }
        var out = ""
        out.reserveCapacity(text.utf8.count)
        var rest = Substring(text)
        while let sep = rest.firstIndex(where: { $0 == "=" || $0 == ":" }) {
            // The name: the letters, digits, '-', '_' and '.' right before the separator
            // (and a closing quote, in JSON).
            var nameEnd = sep
            if nameEnd > rest.startIndex, rest[rest.index(before: nameEnd)] == "\"" { nameEnd = rest.index(before: nameEnd) }
            var nameStart = nameEnd
            while nameStart > rest.startIndex {
                let c = rest[rest.index(before: nameStart)]
                guard c.isLetter || c.isNumber || c == "-" || c == "_" || c == "." else { break }
                nameStart = rest.index(before: nameStart)
            }
            let name = rest[nameStart..<nameEnd]
            out += rest[rest.startIndex...sep]
            rest = rest[rest.index(after: sep)...]
            guard !name.isEmpty, isSecretName(String(name)) else { continue }
            // The value: after optional spaces and an opening quote.
            var valueStart = rest.startIndex
            while valueStart < rest.endIndex, rest[valueStart] == " " { valueStart = rest.index(after: valueStart) }
            let quoted = valueStart < rest.endIndex && rest[valueStart] == "\""
            if quoted { valueStart = rest.index(after: valueStart) }
            let valueEnd = rest[valueStart...].firstIndex(where: { c in
                quoted ? c == "\"" : (c == "&" || c == " " || c == "\"" || c == "," || c == ";" || c == "}" || c == "\n")
            }) ?? rest.endIndex
            guard valueStart < valueEnd else { continue }
            // Already replaced, or a scheme whose credential `schemes` replaced ("Bearer [redacted]").
            let value = rest[valueStart..<valueEnd]
            if value == mark || ["Bearer", "Basic", "token", "Token"].contains(value) { continue }
            out += rest[rest.startIndex..<valueStart]
            out += mark
            rest = rest[valueEnd...]
        }
        out += rest
        return out
    }
}
