import Foundation
import VigilCore

/// Durations as the config file writes them (`500ms`, `30s`, `1h30m`, `1d`): the same rules as
/// everywhere else in Vigil, `DurationText`.
public typealias ConfigDuration = DurationText

/// Spelling suggestions for error messages ("did you mean 'poll_interval'?").
enum Spelling {

    /// The candidate closest to `word` (case-insensitive; `-` and `_` and camelCase humps count as
    /// the same), or nil when none is within `maxDistance` (default: a third of the word, at least
    /// 1; none for words of three characters or fewer, where any guess is as good as another, and
    /// none for words longer than `EditDistance.longestWord`).
    static func nearest(to word: String, in candidates: [String], maxDistance: Int? = nil) -> String? {
        func normal(_ s: String) -> String {
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
        guard word.count <= EditDistance.longestWord else { return nil }
        let limit = maxDistance ?? (word.count <= 3 ? 0 : max(1, word.count / 3))
        let w = normal(word)
        var best: (String, Int)?
        for c in candidates {
            // Only candidates closer than the best so far need their distance.
            guard let d = EditDistance.between(w, normal(c), atMost: min(limit, (best?.1 ?? Int.max) - 1)) else { continue }
            best = (c, d)
        }
        guard let best, best.0 != word else { return nil }
        return best.0
    }
}
