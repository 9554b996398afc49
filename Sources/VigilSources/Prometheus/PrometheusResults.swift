import Foundation
import VigilCore

extension PrometheusDecoder {
    /// One result series with all its labels, samples oldest first.
    struct LabelledSeries: Sendable, Hashable {
        /// The series' labels (`__name__` included when Prometheus sends it).
        var labels: [String: String]
        /// Finite samples, oldest first.
        var samples: [Sample]
    }

    /// Decodes a successful `matrix`, `vector` or `scalar` result keeping every label.
    ///
    /// Non-finite samples (`NaN`, `±Inf`) are left out, as `series(from:kind:)` does.
    /// Throws a `SourceError` whose message is `"<errorType>: <error>"` for Prometheus'
    /// `"status":"error"` answers, and names the defect for anything that is not a valid response.
    static func labelledSeries(from data: Data) throws(SourceError) -> [LabelledSeries] {
        let response = try SourceJSON.decode(Response.self, from: data, what: "Prometheus response")
        guard response.status == "success" else {
            throw SourceError(.rejected, errorText(response) ?? "Prometheus answered status '\(response.status)'")
        }
        guard let body = response.data else {
            throw SourceError(.malformed, "Prometheus response: status success but no 'data'")
        }
        func samples(_ pairs: [Pair]) throws(SourceError) -> [Sample] {
            var out: [Sample] = []
            out.reserveCapacity(pairs.count)
            for pair in pairs {
                guard let value = parseValue(pair.value) else {
                    throw SourceError(.malformed, "Prometheus response: '\(pair.value)' is not a sample value")
                }
                if value.isFinite { out.append(Sample(at: Date(timeIntervalSince1970: pair.time), value: value)) }
            }
            return out.sorted { $0.at < $1.at }
        }
        switch body.result {
        case .matrix(let results):
            var out: [LabelledSeries] = []
            for result in results {
                out.append(LabelledSeries(labels: result.metric ?? [:], samples: try samples(result.values ?? [])))
            }
            return out
        case .vector(let results):
            var out: [LabelledSeries] = []
            for result in results {
                out.append(LabelledSeries(labels: result.metric ?? [:], samples: try samples(result.value.map { [$0] } ?? [])))
            }
            return out
        case .scalar(let pair):
            return [LabelledSeries(labels: [:], samples: try samples([pair]))]
        case .unsupported(let type):
            throw SourceError(.malformed, "Prometheus response: result type '\(type)' cannot be shown")
        }
    }

    /// `"<errorType>: <error>"` when `data` is Prometheus' error answer
    /// (`{"status":"error","errorType":"bad_data","error":"…"}`), else nil.
    static func errorText(from data: Data) -> String? {
        guard let response = try? JSONDecoder().decode(ErrorResponse.self, from: data),
              response.status == "error" else { return nil }
        return [response.errorType, response.error].compactMap { $0 }.joined(separator: ": ")
    }

    private static func errorText(_ response: Response) -> String? {
        guard response.errorType != nil || response.error != nil else { return nil }
        return [response.errorType, response.error].compactMap { $0 }.joined(separator: ": ")
    }

    private struct ErrorResponse: Decodable {
        var status: String
        var errorType: String?
        var error: String?
    }
}
