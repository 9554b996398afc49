import VigilCore

extension PollResult {
    /// The warnings of failed queries, by query name ("deployments query failed: …" under
    /// "deployments"), as the tests check them.
    var queryErrors: [String: String] {
        var out: [String: String] = [:]
        for w in warnings {
            guard let r = w.message.range(of: " query failed: ") else { continue }
            out[String(w.message[..<r.lowerBound])] = w.message
        }
        return out
    }
}
