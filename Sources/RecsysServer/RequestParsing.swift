import Foundation
import Hummingbird
import RecsysEngine

/// The body of `POST /v1/recommend`: an anonymous profile folded in, nothing stored.
struct RecommendBody: Decodable, Sendable {
    struct Rating: Decodable, Sendable {
        var item: String
        var rating: Double

        enum CodingKeys: String, CodingKey { case item, rating }

        init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            try rejectUnknownKeys(decoder, allowed: ["item", "rating"])
            // Raw ids are strings; a bare integer (MovieLens ids) is accepted too.
            if let s = try? c.decode(String.self, forKey: .item) {
                item = s
            } else if let n = try? c.decode(Int.self, forKey: .item) {
                item = String(n)
            } else {
                item = try c.decode(String.self, forKey: .item)
            }
            rating = try c.decode(Double.self, forKey: .rating)
        }
    }

    var ratings: [Rating]
    var algorithm: String?
    var n: Int?
    var explain: Bool?

    enum CodingKeys: String, CodingKey { case ratings, algorithm, n, explain }

    init(from decoder: any Decoder) throws {
        try rejectUnknownKeys(decoder, allowed: ["ratings", "algorithm", "n", "explain"])
        let c = try decoder.container(keyedBy: CodingKeys.self)
        ratings = try c.decode([Rating].self, forKey: .ratings)
        algorithm = try c.decodeIfPresent(String.self, forKey: .algorithm)
        n = try c.decodeIfPresent(Int.self, forKey: .n)
        explain = try c.decodeIfPresent(Bool.self, forKey: .explain)
    }
}

/// The body of `PUT /v1/profiles/{name}/ratings/{item}`.
struct RatingBody: Decodable, Sendable {
    var rating: Double

    enum CodingKeys: String, CodingKey { case rating }

    init(from decoder: any Decoder) throws {
        try rejectUnknownKeys(decoder, allowed: ["rating"])
        rating = try decoder.container(keyedBy: CodingKeys.self).decode(Double.self, forKey: .rating)
    }
}

private struct AnyKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}

/// A misspelt key ("rating" for "ratings") is an error, not silently ignored.
private func rejectUnknownKeys(_ decoder: any Decoder, allowed: Set<String>) throws {
    let c = try decoder.container(keyedBy: AnyKey.self)
    if let bad = c.allKeys.first(where: { !allowed.contains($0.stringValue) }) {
        throw DecodingError.dataCorrupted(.init(
            codingPath: c.codingPath + [bad],
            debugDescription: "unknown key (expected one of: \(allowed.sorted().joined(separator: ", ")))"))
    }
}

/// "ratings[2].rating" for a coding path.
private func describe(_ path: [any CodingKey]) -> String {
    var s = ""
    for k in path {
        if let i = k.intValue { s += "[\(i)]" } else { s += (s.isEmpty ? "" : ".") + k.stringValue }
    }
    return s.isEmpty ? "the body" : s
}

/// Decodes a JSON body, turning every decoding failure into a 400 that names the field.
func decodeBody<T: Decodable>(_ type: T.Type, from buffer: ByteBuffer) throws -> T {
    let data = Data(buffer.readableBytesView)
    if data.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) {
        throw APIError.badRequest("malformed_body", "the request body is empty; expected a JSON object")
    }
    do {
        return try JSONDecoder().decode(T.self, from: data)
    } catch let e as DecodingError {
        let detail: String
        switch e {
        case .typeMismatch(let t, let ctx):
            detail = "\(describe(ctx.codingPath)): expected \(jsonTypeName(t))"
        case .valueNotFound(let t, let ctx):
            detail = "\(describe(ctx.codingPath)): expected \(jsonTypeName(t)), got null"
        case .keyNotFound(let key, let ctx):
            detail = "\(describe(ctx.codingPath + [key])): missing"
        case .dataCorrupted(let ctx):
            detail = ctx.codingPath.isEmpty ? "not valid JSON" : "\(describe(ctx.codingPath)): \(ctx.debugDescription)"
        @unknown default:
            detail = "not a valid request body"
        }
        throw APIError.badRequest("malformed_body", detail)
    } catch {
        throw APIError.badRequest("malformed_body", "not valid JSON")
    }
}

private func jsonTypeName(_ t: Any.Type) -> String {
    switch t {
    case is String.Type: return "a string"
    case is Double.Type, is Float.Type: return "a number"
    case is Int.Type: return "an integer"
    case is Bool.Type: return "true or false"
    case is [Any].Type: return "an array"
    default: return "an object"
    }
}

/// Query-string and path helpers with 400s that name the parameter.
enum Query {
    /// `n`: 1…`max`, default `fallback`.
    static func count(_ raw: Substring?, fallback: Int, max: Int) throws -> Int {
        guard let raw else { return fallback }
        guard let n = Int(raw) else { throw APIError.badRequest("bad_parameter", "n must be an integer (got '\(raw)')") }
        try checkCount(n, max: max)
        return n
    }

    static func checkCount(_ n: Int, max: Int) throws {
        guard (1...max).contains(n) else {
            throw APIError.badRequest("bad_parameter", "n must be between 1 and \(max) (got \(n))")
        }
    }

    /// `explain`: true/false/1/0, default false.
    static func flag(_ raw: Substring?, name: String) throws -> Bool {
        switch raw {
        case nil, "false", "0": return false
        case "true", "1", "": return true
        default: throw APIError.badRequest("bad_parameter", "\(name) must be true or false (got '\(raw!)')")
        }
    }

    /// A required query parameter.
    static func required(_ raw: Substring?, name: String) throws -> String {
        guard let raw, !raw.isEmpty else { throw APIError.badRequest("missing_parameter", "query parameter '\(name)' is required") }
        return String(raw)
    }

    /// A path segment, percent-decoded.
    static func segment(_ context: some RequestContext, _ name: String) throws -> String {
        guard let raw = context.parameters.get(name), let s = raw.removingPercentEncoding, !s.isEmpty else {
            throw APIError.badRequest("bad_path", "the path segment '\(name)' is empty or badly percent-encoded")
        }
        return s
    }
}

extension RatingScale {
    /// Whether `x` is a rating of this scale: finite, within [min, max] and on a step.
    func accepts(_ x: Double) -> Bool {
        guard x.isFinite, contains(Float(x)) else { return false }
        let k = (x - Double(min)) / Double(step)
        return abs(k - k.rounded()) < 1e-4
    }

    /// A rating as a person writes it: "4", "3.5", "1e+308".
    static func plain(_ x: Double) -> String {
        x.isFinite && x == x.rounded() && abs(x) < 1e15 ? String(Int64(x)) : "\(x)"
    }

    /// "1–5 in steps of 1".
    var text: String { "\(JSONText.number(min))–\(JSONText.number(max)) in steps of \(JSONText.number(step))" }
}
