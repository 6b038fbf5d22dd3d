import Foundation
import HTTPTypes
import Hummingbird
import RecsysEngine

/// An error answer of the API: a status and the body `{"error": code, "detail": text}`.
///
/// `code` is a short stable word a client can branch on (`unknown_item`, `bad_parameter`);
/// `detail` is one sentence for people that names the parameter, file or value at fault.
public struct APIError: Error, Sendable, HTTPResponseError {
    public var status: HTTPResponse.Status
    public var code: String
    public var detail: String
    /// Extra response headers (`WWW-Authenticate` on a 401).
    public var headers: HTTPFields = [:]

    public init(_ status: HTTPResponse.Status, _ code: String, _ detail: String) {
        self.status = status
        self.code = code
        self.detail = detail
    }

    /// 400: a malformed body, parameter or path segment.
    static func badRequest(_ code: String, _ detail: String) -> APIError { APIError(.badRequest, code, detail) }
    /// 404: an unknown user, item, profile, algorithm or route.
    static func notFound(_ code: String, _ detail: String) -> APIError { APIError(.notFound, code, detail) }
    /// 422: a well-formed value the data cannot take (a rating off the scale).
    static func unprocessable(_ code: String, _ detail: String) -> APIError {
        APIError(.unprocessableContent, code, detail)
    }

    /// The JSON body.
    public var json: String {
        "{\"error\": \(JSONText.quoted(code)), \"detail\": \(JSONText.quoted(detail))}"
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var headers = self.headers
        headers[.contentType] = "application/json; charset=utf-8"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: json + "\n")))
    }

    /// Any error thrown while answering, as an API error: ours as they are, Hummingbird's
    /// (404 route, 413 body) with their status, anything else as a 500 that names its type only.
    static func from(_ error: any Error) -> APIError {
        if let e = error as? APIError { return e }
        if let e = error as? any HTTPResponseError {
            switch e.status {
            case .notFound: return .notFound("not_found", "no such route; see docs/openapi.yaml")
            case .contentTooLarge:
                return APIError(.contentTooLarge, "body_too_large", "the request body is larger than the server's limit")
            default:
                return APIError(e.status, "http_error", e.status.reasonPhrase)
            }
        }
        return APIError(.internalServerError, "internal", "internal error (\(type(of: error)))")
    }
}

/// A JSON response from a body already encoded.
func jsonResponse(_ body: String, status: HTTPResponse.Status = .ok) -> Response {
    Response(status: status, headers: [.contentType: "application/json; charset=utf-8"],
             body: .init(byteBuffer: ByteBuffer(string: body + "\n")))
}
