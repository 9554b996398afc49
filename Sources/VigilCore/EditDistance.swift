/// Edit distance for "did you mean …?" hints in config and theme errors.
public enum EditDistance {
    /// Words longer than this get no spelling suggestion: no option, key or name is this long,
    /// and the distance costs length × length (fuzz finding F6: a 50,000-character unknown time
    /// zone took 45 s to report).
    public static let longestWord = 64

    /// Optimal-string-alignment distance: insertions, deletions, substitutions and swaps of two
    /// neighbouring characters each cost 1 ("critcal" → "critical" is 1, "sevreity" → "severity" is 1).
    public static func between(_ a: String, _ b: String) -> Int {
        between(a, b, atMost: Int.max) ?? Int.max
    }

    /// The distance, or nil when it is more than `limit`. Costs at most
    /// `min(a, b) × (2 × limit + 1)` cells: only the diagonal band that can stay within the limit
    /// is computed, and the work stops as soon as a whole row is past it.
    public static func between(_ a: String, _ b: String, atMost limit: Int) -> Int? {
        var a = Array(a), b = Array(b)
        if a.count > b.count { swap(&a, &b) }
        let n = a.count, m = b.count
        guard m - n <= limit else { return nil }
        if n == 0 { return m }
        let band = limit >= m ? m : limit
        let beyond = Int.max / 2
        // Three rows: i-2, i-1, i (the swap rule looks two rows back).
        var before = [Int](repeating: beyond, count: m + 1)
        var previous = Array(0...m)
        var current = [Int](repeating: beyond, count: m + 1)
        for j in 0...m where j > band { previous[j] = beyond }
        for i in 1...n {
            let low = max(1, i - band), high = min(m, i + band)
            current[0] = i <= band ? i : beyond
            if low > 1 { current[low - 1] = beyond }
            var rowMinimum = current[0]
            if low <= high {
                for j in low...high {
                    let cost = a[i - 1] == b[j - 1] ? 0 : 1
                    var d = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
                    if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                        d = min(d, before[j - 2] + 1)
                    }
                    current[j] = d
                    rowMinimum = min(rowMinimum, d)
                }
            }
            if high < m { current[high + 1] = beyond }
            if rowMinimum > limit { return nil }
            (before, previous, current) = (previous, current, before)
            for j in 0...m { current[j] = beyond }
        }
        let d = previous[m]
        return d <= limit ? d : nil
    }
}
