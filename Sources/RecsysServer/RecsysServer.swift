import Foundation
import HTTPTypes
import Hummingbird
import Logging
import RecsysEngine
import RecsysStore
import RecsysUI

/// How the service listens and what it accepts.
public struct ServerSettings: Sendable {
    public static let defaultBodyLimit = 1 << 20
    public static let defaultPort = 8080

    public var host: String
    public var port: Int
    /// When set, every write (PUT, DELETE, POST /v1/models/reload) needs `Authorization: Bearer <token>`.
    public var token: String?
    /// Largest request body accepted; larger ones get 413.
    public var bodyLimit: Int
    /// Largest `n` a listing may ask for.
    public var maxCount: Int

    public init(host: String = "127.0.0.1", port: Int = ServerSettings.defaultPort, token: String? = nil,
                bodyLimit: Int = ServerSettings.defaultBodyLimit, maxCount: Int = 1000) {
        self.host = host
        self.port = port
        self.token = token
        self.bodyLimit = bodyLimit
        self.maxCount = maxCount
    }

    /// Whether `host` only accepts connections from this machine.
    public var isLoopback: Bool {
        host == "localhost" || host == "::1" || host.hasPrefix("127.")
    }
}

/// `recsys-tui serve`: the HTTP API over served models and the profile store (see docs/openapi.yaml).
///
/// Every handler takes the current `ModelSet` once, so a reload never switches models under a
/// request in flight. Store calls run on dispatch queues, off Swift's cooperative pool, and a
/// rating is committed (fsync) before its 2xx answer is written.
public struct RecsysServer: Sendable {
    public let registry: ModelRegistry
    public let store: SQLiteProfileStore
    /// The store seen from the served dataset, as the explorer sees it: a new name is created and
    /// bound to this dataset; a name that belongs to a dataset with other ids is refused.
    public let profiles: DatasetProfiles
    public let settings: ServerSettings
    public let logger: Logger

    public init(registry: ModelRegistry, store: SQLiteProfileStore, settings: ServerSettings, logger: Logger) {
        self.registry = registry
        self.store = store
        self.profiles = DatasetProfiles(store: store, dataset: DatasetIdentity(registry.current.dataset))
        self.settings = settings
        self.logger = logger
    }

    /// Every route of the API, as (method, path) in Hummingbird's `:parameter` syntax; the
    /// contract test checks it against docs/openapi.yaml.
    public static let routes: [(method: String, path: String)] = [
        ("GET", "/healthz"),
        ("GET", "/v1/models"),
        ("POST", "/v1/models/reload"),
        ("GET", "/v1/recommend"),
        ("POST", "/v1/recommend"),
        ("GET", "/v1/similar"),
        ("GET", "/v1/profiles/:name/recommendations"),
        ("PUT", "/v1/profiles/:name/ratings/:item"),
        ("DELETE", "/v1/profiles/:name/ratings/:item"),
    ]

    /// The router with the request log and JSON errors around every route.
    public func router() -> Router<BasicRequestContext> {
        let router = Router(context: BasicRequestContext.self)
        router.add(middleware: RequestLogMiddleware(logger: logger))
        router.get("/healthz") { _, _ in jsonResponse("{\"status\": \"ok\"}") }
        router.get("/v1/models") { _, _ in jsonResponse(modelsJSON(registry.current)) }
        router.post("/v1/models/reload") { request, _ in try await reload(request) }
        router.get("/v1/recommend") { request, _ in try recommendForUser(request) }
        router.post("/v1/recommend") { request, _ in try await recommendForRatings(request) }
        router.get("/v1/similar") { request, _ in try similar(request) }
        router.get("/v1/profiles/:name/recommendations") { request, context in
            try await recommendForProfile(request, context: context)
        }
        router.put("/v1/profiles/:name/ratings/:item") { request, context in
            try await putRating(request, context: context)
        }
        router.delete("/v1/profiles/:name/ratings/:item") { request, context in
            try await deleteRating(request, context: context)
        }
        return router
    }

    /// The Hummingbird application bound to `settings.host:settings.port` (port 0: any free port).
    /// `onRunning` receives the bound port once the server listens.
    public func application(onRunning: @escaping @Sendable (Int) async -> Void = { _ in })
        -> some ApplicationProtocol {
        let port = settings.port
        return Application(
            router: router(),
            configuration: ApplicationConfiguration(address: .hostname(settings.host, port: port),
                                                    serverName: "recsys-tui"),
            onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? port) },
            logger: logger)
    }

    /// Serves until SIGINT or SIGTERM, then stops accepting and lets requests in flight finish.
    public func run(onRunning: @escaping @Sendable (Int) async -> Void = { _ in }) async throws {
        try await application(onRunning: onRunning).runService(gracefulShutdownSignals: [.sigterm, .sigint])
    }

    // MARK: Models

    private func model(_ set: ModelSet, _ name: String?) throws -> ServedModel {
        guard let name else { return set.defaultModel }
        if let m = set.model(named: name) { return m }
        let known = Algorithms.type(named: name) != nil
        throw APIError.notFound("unknown_algorithm", (known ? "algorithm '\(name)' is not loaded" :
            "no algorithm named '\(name)'") + " (served: \(set.algorithmNames.joined(separator: ", ")))")
    }

    private func item(_ set: ModelSet, _ raw: String) throws -> Int32 {
        guard let i = set.dataset.catalog.index(of: raw) else {
            throw APIError.notFound("unknown_item", "no item '\(raw)' in \(set.dataset.name)")
        }
        return i
    }

    // MARK: Handlers

    private func recommendForUser(_ request: Request) throws -> Response {
        let q = request.uri.queryParameters
        let set = registry.current
        let user = try Query.required(q["user"], name: "user")
        let n = try Query.count(q["n"], fallback: 10, max: settings.maxCount)
        let explain = try Query.flag(q["explain"], name: "explain")
        let m = try model(set, q["algorithm"].map(String.init))
        guard let u = set.dataset.users.index(of: user) else {
            throw APIError.notFound("unknown_user", "no user '\(user)' in \(set.dataset.name)")
        }
        let profile = Profile.training(u, in: set.dataset.ratings)
        return jsonResponse(listingJSON(set, m.model, profile: profile, n: n, explain: explain,
                                        key: "user", value: JSONText.quoted(user), notes: []))
    }

    private func recommendForRatings(_ request: Request) async throws -> Response {
        let buffer = try await collect(request)
        let body = try decodeBody(RecommendBody.self, from: buffer)
        let set = registry.current
        let n = body.n ?? 10
        try Query.checkCount(n, max: settings.maxCount)
        let m = try model(set, body.algorithm)
        var pairs: [(Int32, Float)] = []
        pairs.reserveCapacity(body.ratings.count)
        for (k, r) in body.ratings.enumerated() {
            guard let i = set.dataset.catalog.index(of: r.item) else {
                throw APIError.notFound("unknown_item", "ratings[\(k)].item: no item '\(r.item)' in \(set.dataset.name)")
            }
            guard set.dataset.scale.accepts(r.rating) else {
                throw APIError.unprocessable("rating_off_scale", "ratings[\(k)].rating: \(RatingScale.plain(r.rating)) is not on the scale "
                    + set.dataset.scale.text)
            }
            pairs.append((i, Float(r.rating)))
        }
        let profile = Profile(pairs)
        return jsonResponse(listingJSON(set, m.model, profile: profile, n: n, explain: body.explain ?? false,
                                        key: "ratings", value: String(profile.count), notes: []))
    }

    private func similar(_ request: Request) throws -> Response {
        let q = request.uri.queryParameters
        let set = registry.current
        let raw = try Query.required(q["item"], name: "item")
        let n = try Query.count(q["n"], fallback: 10, max: settings.maxCount)
        let m = try model(set, q["algorithm"].map(String.init))
        let target = try item(set, raw)
        let rows = Listings.similar(m.model, to: target, catalog: set.dataset.catalog, count: n)
        return jsonResponse("{\"algorithm\": \(JSONText.quoted(m.algorithm)), \"item\": \(JSONText.quoted(raw)), "
            + "\"items\": [" + rows.map { $0.json() }.joined(separator: ", ") + "]}")
    }

    private func recommendForProfile(_ request: Request, context: BasicRequestContext) async throws -> Response {
        let name = try Query.segment(context, "name")
        let q = request.uri.queryParameters
        let set = registry.current
        let n = try Query.count(q["n"], fallback: 10, max: settings.maxCount)
        let explain = try Query.flag(q["explain"], name: "explain")
        let m = try model(set, q["algorithm"].map(String.init))
        let store = self.store, identity = profiles.dataset
        // Read-only, as `recommend --profile`: never creates or binds a profile.
        let (stored, sharedFrom) = try await StoreQueues.read { try store.readProfile(name, on: identity) }
        var pairs: [(Int32, Float)] = []
        var unknown = 0
        for r in stored {
            if let i = set.dataset.catalog.index(of: r.item) { pairs.append((i, r.value)) } else { unknown += 1 }
        }
        var notes: [String] = []
        if let sharedFrom { notes.append("profile \(name) belongs to \(sharedFrom), which shares movie ids with \(set.dataset.name)") }
        if unknown > 0 { notes.append("\(unknown) rated items of this profile are not in \(set.dataset.name)") }
        return jsonResponse(listingJSON(set, m.model, profile: Profile(pairs), n: n, explain: explain,
                                        key: "profile", value: JSONText.quoted(name), notes: notes))
    }

    private func putRating(_ request: Request, context: BasicRequestContext) async throws -> Response {
        try authorize(request)
        let name = try Query.segment(context, "name")
        let raw = try Query.segment(context, "item")
        let buffer = try await collect(request)
        let body = try decodeBody(RatingBody.self, from: buffer)
        let set = registry.current
        _ = try item(set, raw)
        guard set.dataset.scale.accepts(body.rating) else {
            throw APIError.unprocessable("rating_off_scale", "rating \(RatingScale.plain(body.rating)) is not on the scale \(set.dataset.scale.text)")
        }
        let value = Float(body.rating)
        let timestamp = Int64(Date().timeIntervalSince1970)
        let profiles = self.profiles
        // Returns only after the transaction is committed and synced: the 200 means it is on disk.
        try await StoreQueues.write { try profiles.setRating(profile: name, item: raw, value: value, timestamp: timestamp) }
        return jsonResponse("{\"profile\": \(JSONText.quoted(name)), \"item\": \(JSONText.quoted(raw)), "
            + "\"rating\": \(JSONText.number(value)), \"timestamp\": \(timestamp)}")
    }

    private func deleteRating(_ request: Request, context: BasicRequestContext) async throws -> Response {
        try authorize(request)
        let name = try Query.segment(context, "name")
        let raw = try Query.segment(context, "item")
        let store = self.store, profiles = self.profiles
        let removed = try await StoreQueues.write { () -> Bool in
            // An unknown name is a 404 here, not a new profile.
            let (stored, _) = try store.readProfile(name, on: profiles.dataset)
            let had = stored.contains { $0.item == raw }
            if had { try profiles.removeRating(profile: name, item: raw) }
            return had
        }
        return jsonResponse("{\"profile\": \(JSONText.quoted(name)), \"item\": \(JSONText.quoted(raw)), "
            + "\"removed\": \(removed)}")
    }

    private func reload(_ request: Request) async throws -> Response {
        try authorize(request)
        let registry = self.registry
        let report: ReloadReport
        do {
            report = try await StoreQueues.write { try registry.reload() }
        } catch let e as ModelFileError {
            throw APIError(.conflict, "reload_failed", e.description + "; the models in service are unchanged")
        } catch let e as ServeSetupError {
            throw APIError(.conflict, "reload_failed", e.description + "; the models in service are unchanged")
        }
        return jsonResponse("{\"generation\": \(report.generation), \"reloaded\": "
            + jsonStrings(report.reloaded) + ", \"unchanged\": " + jsonStrings(report.unchanged) + "}")
    }

    // MARK: Helpers

    /// The body, up to the limit (413 beyond it, checked on Content-Length first).
    private func collect(_ request: Request) async throws -> ByteBuffer {
        let tooLarge = APIError(.contentTooLarge, "body_too_large",
                                "the request body is larger than the limit of \(settings.bodyLimit) bytes")
        if let length = request.headers[.contentLength].flatMap({ Int($0) }), length > settings.bodyLimit {
            throw tooLarge
        }
        do {
            return try await request.body.collect(upTo: settings.bodyLimit)
        } catch let e as any HTTPResponseError where e.status == .contentTooLarge {
            throw tooLarge
        }
    }

    /// 401 unless the request carries the bearer token (when one is configured).
    private func authorize(_ request: Request) throws {
        guard let token = settings.token else { return }
        let given = request.headers[.authorization] ?? ""
        let prefix = "Bearer "
        guard given.hasPrefix(prefix), constantTimeEqual(Array(given.dropFirst(prefix.count).utf8), Array(token.utf8))
        else {
            var e = APIError(.unauthorized, "unauthorized", "writes need the header 'Authorization: Bearer <token>' "
                + "with the token this server was started with")
            e.headers[.wwwAuthenticate] = "Bearer realm=\"recsys-tui\""
            throw e
        }
    }

    private func listingJSON(_ set: ModelSet, _ m: any Recommender, profile: Profile, n: Int, explain: Bool,
                             key: String, value: String, notes: [String]) -> String {
        let listing = Listings.recommendations(m, profile: profile, dataset: set.dataset, count: n)
        let items = listing.items.enumerated().map { (k, row) in
            row.json(extra: explain ? ["\"explanation\": " + explanationJSON(listing.explanations[k], set: set)] : [])
        }
        var s = "{\"algorithm\": \(JSONText.quoted(m.name)), \(JSONText.quoted(key)): \(value), \"items\": ["
            + items.joined(separator: ", ") + "]"
        let all = notes + listing.notes
        if !all.isEmpty { s += ", \"notes\": " + jsonStrings(all) }
        return s + "}"
    }
}

/// `{"summary", "score", "terms": [{"kind", "label", "value", "detail", "item"?}], "notes"}`.
func explanationJSON(_ e: Explanation, set: ModelSet) -> String {
    // Words from the one renderer, so the API says what the CLI and the explorer say.
    let text = ExplanationText(dataset: set.dataset)
    let terms = e.terms.map { t -> String in
        var s = "{\"kind\": \(JSONText.quoted(t.kind.rawValue)), \"label\": \(JSONText.quoted(text.label(t))), "
            + "\"value\": \(JSONText.number(t.value)), \"detail\": \(JSONText.quoted(text.detail(t)))"
        if let i = t.item, i >= 0, Int(i) < set.dataset.itemCount {
            s += ", \"item\": \(JSONText.quoted(set.dataset.catalog[i].rawID))"
        }
        return s + "}"
    }
    return "{\"summary\": \(JSONText.quoted(text.reason(e))), \"score\": \(JSONText.number(e.score)), "
        + "\"formula\": \(JSONText.quoted(e.formula)), \"terms\": ["
        + terms.joined(separator: ", ") + "], \"notes\": " + jsonStrings(e.notes.map { text.note($0, algorithm: e.algorithm) }) + "}"
}

/// The answer of `GET /v1/models`.
func modelsJSON(_ set: ModelSet) -> String {
    let f = set.fingerprint, ds = set.dataset
    func hex(_ x: UInt64) -> String { JSONText.quoted(String(format: "%016llx", x)) }
    func seconds(_ x: Double?) -> String { x.map { String(format: "%.3f", $0) } ?? "null" }
    let models = set.models.map { m -> String in
        let ps = m.model.parameters.values.keys.sorted()
            .map { "\(JSONText.quoted($0)): \(JSONText.quoted(m.model.parameters.values[$0]!))" }
            .joined(separator: ", ")
        return "{\"algorithm\": \(JSONText.quoted(m.algorithm)), \"file\": \(m.file.map(JSONText.quoted) ?? "null"), "
            + "\"parameters\": {\(ps)}, \"fitSeconds\": \(seconds(m.fitSeconds)), "
            + "\"loadSeconds\": \(seconds(m.loadSeconds))}"
    }
    return "{\"generation\": \(set.generation), \"default\": \(JSONText.quoted(set.defaultModel.algorithm)), "
        + "\"dataset\": {\"name\": \(JSONText.quoted(ds.name)), \"users\": \(f.userCount), \"items\": \(f.itemCount), "
        + "\"ratings\": \(f.ratingCount), \"scale\": {\"min\": \(JSONText.number(ds.scale.min)), "
        + "\"max\": \(JSONText.number(ds.scale.max)), \"step\": \(JSONText.number(ds.scale.step))}, "
        + "\"fingerprint\": {\"items\": \(hex(f.itemIDHash)), \"users\": \(hex(f.userIDHash)), "
        + "\"ratings\": \(hex(f.ratingHash))}}, \"models\": [" + models.joined(separator: ", ") + "]}"
}

func jsonStrings(_ list: [String]) -> String { "[" + list.map(JSONText.quoted).joined(separator: ", ") + "]" }

private func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
    var diff = UInt8(a.count == b.count ? 0 : 1)
    for k in 0..<max(a.count, b.count) {
        diff |= (k < a.count ? a[k] : 0) ^ (k < b.count ? b[k] : 0)
    }
    return diff == 0
}
