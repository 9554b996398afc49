/// Spelling suggestions for error messages ("did you mean 'poll_interval'?"), one for the config
/// and the theme files.
public enum Spelling {
    /// The candidate closest to `word` (case-insensitive; `-`, `_`, a space and camelCase humps
    /// count as the same), or nil when none is within `maxDistance` (default: a third of the word,
    /// at least 1; none for words of three characters or fewer, where any guess is as good as
    /// another, and none for words longer than `EditDistance.longestWord`). Ties go to the first.
    ///
    /// With `preferPrefix`, a candidate that continues the word after a dot ("severity" →
    /// "severity.critical") counts as distance 1: dotted theme roles are misread that way.
    public static func nearest(to word: String, in candidates: [String], maxDistance: Int? = nil,
                               preferPrefix: Bool = false) -> String? {
        guard word.count <= EditDistance.longestWord else { return nil }
        let limit = maxDistance ?? (word.count <= 3 ? 0 : max(1, word.count / 3))
        let w = normal(word)
        var best: (String, Int)?
        for c in candidates {
            let n = normal(c)
            // Only candidates closer than the best so far need their distance.
            let bound = min(limit, (best?.1 ?? Int.max) - 1)
            if preferPrefix, n.hasPrefix(w + "."), bound >= 1 {
                best = (c, 1)
                continue
            }
            guard let d = EditDistance.between(w, n, atMost: bound) else { continue }
            best = (c, d)
        }
        guard let best, best.0 != word else { return nil }
        return best.0
    }

    /// Lowercase, with `-`, spaces and camelCase humps as `_`.
    private static func normal(_ s: String) -> String {
        var out = ""
        for c in s {
            if c == "-" || c == " " {
                out.append("_")
            } else if c.isUppercase {
                out += "_" + c.lowercased()
            } else {
                out.append(c)
            }
        }
        return out.hasPrefix("_") ? String(out.dropFirst()) : out
    }
}
