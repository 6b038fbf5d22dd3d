import Foundation
import Hummingbird
import Logging
import RecsysStore

/// Logs one line per request (`GET /v1/models 200 0.42 ms`) and turns every error into a JSON answer.
///
/// Errors become `APIError`s here rather than in each handler, so a 404 route, a 413 body and a
/// store error all leave as `{"error", "detail"}` with the right status, and are logged with it.
struct RequestLogMiddleware<Context: RequestContext>: RouterMiddleware {
    let logger: Logger

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response {
        let start = ContinuousClock.now
        var response: Response
        do {
            response = try await next(request, context)
        } catch {
            let api = apiError(for: error)
            if api.status.code >= 500 {
                logger.error("\(request.method) \(request.uri.path): \(error)")
            }
            response = try api.response(from: request, context: context)
        }
        let elapsed = ContinuousClock.now - start
        let ms = Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
        logger.info("\(request.method) \(request.uri.path) \(response.status.code) \(String(format: "%.2f", ms)) ms")
        return response
    }

    private func apiError(for error: any Error) -> APIError {
        if let e = error as? StoreError {
            switch e.kind {
            case .invalidName: return .badRequest("bad_path", e.message + (e.hint.isEmpty ? "" : " (\(e.hint))"))
            case .noSuchProfile: return .notFound("unknown_profile", e.message + (e.hint.isEmpty ? "" : " (\(e.hint))"))
            case .otherDataset, .ambiguousProfile:
                return APIError(.conflict, "profile_of_other_dataset", e.message + (e.hint.isEmpty ? "" : " — \(e.hint)"))
            case .locked:
                var api = APIError(.serviceUnavailable, "store_busy", "the profile database is busy; retry")
                api.headers[.retryAfter] = "1"
                return api
            default: return APIError(.internalServerError, "store_error", e.description)
            }
        }
        return APIError.from(error)
    }
}

/// Where blocking SQLite calls run, so they never stall Swift's cooperative threads.
///
/// Writes go through one serial queue (SQLite has one writer anyway); reads share a concurrent queue.
enum StoreQueues {
    private static let writes = DispatchQueue(label: "recsys-tui.serve.store-writes")
    private static let reads = DispatchQueue(label: "recsys-tui.serve.store-reads", attributes: .concurrent)

    static func write<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await run(on: writes, body)
    }

    static func read<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await run(on: reads, body)
    }

    private static func run<T: Sendable>(on queue: DispatchQueue, _ body: @escaping @Sendable () throws -> T)
        async throws -> T {
        try await withCheckedThrowingContinuation { c in
            queue.async { c.resume(with: Result { try body() }) }
        }
    }
}
