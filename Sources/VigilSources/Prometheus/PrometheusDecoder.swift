import Foundation
import VigilCore

/// Decodes Prometheus HTTP API responses (`GET /api/v1/query` and `/api/v1/query_range`) into
/// `MetricSeries`: one series per result, keyed by the given kind and the value of a label that
/// names the service (a result without that label is project-wide, service "").
public enum PrometheusDecoder {
    /// Decodes a `matrix`, `vector` or `scalar` result.
    ///
    /// Prometheus sends sample values as strings, including `"NaN"`, `"+Inf"` and `"-Inf"`.
    /// Unless `keepNonFinite` is set, those samples are left out: a NaN (0/0, no traffic) or an
    /// infinite quantile is "no data" at that instant, not a value to plot.
    /// A response with `"status":"error"` throws a `SourceError` carrying `errorType` and `error`.
    public static func series(from data: Data, kind: SeriesKind, serviceLabel: String = "service",
                              keepNonFinite: Bool = false) throws(SourceError) -> [MetricSeries] {
        let response = try SourceJSON.decode(Response.self, from: data, what: "Prometheus response")
        guard response.status == "success" else {
            let type = response.errorType.map { " (\($0))" } ?? ""
            throw SourceError(.rejected, "Prometheus query failed\(type): \(response.error ?? "status \(response.status)")")
        }
        guard let body = response.data else {
            throw SourceError(.malformed, "Prometheus response: status success but no 'data'")
        }
        func key(_ metric: [String: String]?) -> SeriesKey {
            SeriesKey(kind, service: metric?[serviceLabel] ?? "")
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
            var out: [MetricSeries] = []
            for result in results {
                out.append(MetricSeries(key: key(result.metric), samples: try samples(result.values ?? [])))
            }
            return out
        case .vector(let results):
            var out: [MetricSeries] = []
            for result in results {
                out.append(MetricSeries(key: key(result.metric), samples: try samples(result.value.map { [$0] } ?? [])))
            }
            return out
        case .scalar(let pair):
            return [MetricSeries(key: SeriesKey(kind), samples: try samples([pair]))]
        case .unsupported(let type):
            throw SourceError(.malformed, "Prometheus response: result type '\(type)' cannot be shown as a series")
        }
    }

    /// Parses a Prometheus sample value: a decimal number, `NaN`, `+Inf`, `-Inf` or `Inf`.
    static func parseValue(_ text: String) -> Double? {
        switch text.lowercased() {
        case "nan": return .nan
        case "+inf", "inf": return .infinity
        case "-inf": return -.infinity
        default: return Double(text)
        }
    }

    struct Response: Decodable {
        var status: String
        var data: Body?
        var errorType: String?
        var error: String?
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
