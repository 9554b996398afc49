import Foundation
import VigilCore

extension PrometheusDecoder {
    /// One result series with all its labels, samples oldest first.
    struct LabelledSeries: Sendable, Hashable {
        /// The series' labels (`__name__` included when Prometheus sends it).
        var labels: [String: String]
        /// Finite samples, oldest first (all samples when decoded with `keepNonFinite`).
        var samples: [Sample]
    }

    /// Decodes a successful `matrix`, `vector` or `scalar` result keeping every label.
    ///
    /// Non-finite samples (`NaN`, `±Inf`) are left out, as `series(from:kind:)` does.
    /// Throws a `SourceError` whose message is `"<errorType>: <error>"` for Prometheus'
    /// `"status":"error"` answers, and names the defect for anything that is not a valid response.
    static func labelledSeries(from data: Data) throws(SourceError) -> [LabelledSeries] {
        try results(from: data, keepNonFinite: false) { status in
            status.text ?? "Prometheus answered status '\(status.status)'"
        }
    }

    /// `"<errorType>: <error>"` when `data` is Prometheus' error answer
    /// (`{"status":"error","errorType":"bad_data","error":"…"}`), else nil.
    static func errorText(from data: Data) -> String? {
        guard let status = try? JSONDecoder().decode(Status.self, from: data), status.status == "error" else { return nil }
        return status.text ?? ""
    }
}
