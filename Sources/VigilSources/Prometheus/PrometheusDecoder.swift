import Foundation
import VigilCore

/// Decodes Prometheus HTTP API responses (`GET /api/v1/query` and `/api/v1/query_range`): one
/// decoding path (`results`) yields every result series with its labels (`labelledSeries`, for
/// `PrometheusSource`); `series` keys them by a kind and the value of a label that names the
/// service (a result without that label is project-wide, service "").
public enum PrometheusDecoder {
    /// Decodes a `matrix`, `vector` or `scalar` result.
    ///
    /// Prometheus sends sample values as strings, including `"NaN"`, `"+Inf"` and `"-Inf"`.
    /// Unless `keepNonFinite` is set, those samples are left out: a NaN (0/0, no traffic) or an
    /// infinite quantile is "no data" at that instant, not a value to plot.
    /// A response with `"status":"error"` throws a `SourceError` carrying `errorType` and `error`.
    public static func series(from data: Data, kind: SeriesKind, serviceLabel: String = "service",
                              keepNonFinite: Bool = false) throws(SourceError) -> [MetricSeries] {
        let results = try results(from: data, keepNonFinite: keepNonFinite) { status in
            let type = status.errorType.map { " (\($0))" } ?? ""
            return "Prometheus query failed\(type): \(status.error ?? "status \(status.status)")"
        }
        return results.map { MetricSeries(key: SeriesKey(kind, service: $0.labels[serviceLabel] ?? ""), samples: $0.samples) }
    }

    /// The one decoding path: every result series of a successful `matrix`, `vector` or `scalar`
    /// answer with all its labels, samples oldest first (non-finite ones only if `keepNonFinite`).
    /// An answer whose status is not "success" throws a `.rejected` `SourceError` with the message
    /// `rejected` makes of its status fields; anything else that is not a valid answer throws a
    /// `.malformed` one naming the defect.
    static func results(from data: Data, keepNonFinite: Bool,
                        rejected: (Status) -> String) throws(SourceError) -> [LabelledSeries] {
        let response = try SourceJSON.decode(Response.self, from: data, what: "Prometheus response")
        guard response.status.status == "success" else {
            throw SourceError(.rejected, rejected(response.status))
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
                if value.isFinite || keepNonFinite {
                    out.append(Sample(at: Date(timeIntervalSince1970: pair.time), value: value))
                }
            }
            return out.sorted { $0.at < $1.at }
        }
        switch body.result {
        case .matrix(let results):
            var out: [LabelledSeries] = []
            out.reserveCapacity(results.count)
            for result in results {
                out.append(LabelledSeries(labels: result.metric ?? [:], samples: try samples(result.values ?? [])))
            }
            return out
        case .vector(let results):
            var out: [LabelledSeries] = []
            out.reserveCapacity(results.count)
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

    /// Parses a Prometheus sample value: a decimal number, `NaN`, `+Inf`, `-Inf` or `Inf`.
    /// `Double(_:)` reads all of them (in any case); the spellings are matched again only when it
    /// does not, so the common case makes no lowercased copy (4% of decoding the demo's sample files).
    static func parseValue(_ text: String) -> Double? {
        if let value = Double(text) { return value }
        switch text.lowercased() {
        case "nan": return .nan
        case "+inf", "inf": return .infinity
        case "-inf": return -.infinity
        default: return nil
        }
    }

    /// The status fields of every answer: `{"status":"error","errorType":"bad_data","error":"…"}`.
    struct Status: Decodable {
        var status: String
        var errorType: String?
        var error: String?

        /// `"<errorType>: <error>"` (either alone when the other is missing); nil without both.
        var text: String? {
            guard errorType != nil || error != nil else { return nil }
            return [errorType, error].compactMap { $0 }.joined(separator: ": ")
        }
    }

    struct Response: Decodable {
        var status: Status
        var data: Body?

        enum CodingKeys: String, CodingKey { case status, data, errorType, error }

        /// Reads the keys in the order of the envelope's fields (status, data, errorType, error).
        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            let status = try container.decode(String.self, forKey: .status)
            data = try container.decodeIfPresent(Body.self, forKey: .data)
            self.status = Status(status: status, errorType: try container.decodeIfPresent(String.self, forKey: .errorType),
                                 error: try container.decodeIfPresent(String.self, forKey: .error))
        }
    }

    /// `[ <unix seconds>, "<value>" ]`.
    struct Pair: Decodable {
        var time: Double
        var value: String

        init(from decoder: any Decoder) throws {
            var container = try decoder.unkeyedContainer()
            time = try container.decode(Double.self)
            value = try container.decode(String.self)
        }
    }

    struct SeriesResult: Decodable {
        var metric: [String: String]?
        var values: [Pair]?
        var value: Pair?
    }

    enum Result {
        case matrix([SeriesResult]), vector([SeriesResult]), scalar(Pair), unsupported(String)
    }

    struct Body: Decodable {
        var result: Result

        enum CodingKeys: String, CodingKey { case resultType, result }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            let type = try container.decode(String.self, forKey: .resultType)
            switch type {
            case "matrix": result = .matrix(try container.decode([SeriesResult].self, forKey: .result))
            case "vector": result = .vector(try container.decode([SeriesResult].self, forKey: .result))
            case "scalar": result = .scalar(try container.decode(Pair.self, forKey: .result))
            default: result = .unsupported(type)
            }
        }
    }
}
