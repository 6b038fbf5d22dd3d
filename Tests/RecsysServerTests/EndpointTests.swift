import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import RecsysEngine
import RecsysServer
import RecsysStore
import RecsysUI
import RecsysTestSupport
import XCTest

/// Every endpoint and every error status, on a live server on an ephemeral port.
private let data = ServerFixture.dataset

final class EndpointTests: XCTestCase {
    func testHealthzAndModels() async throws {
        let (server, _) = try ServerFixture.server()
        try await server.application().test(.live) { client in
            let h = try await client.call(.get, "/healthz")
            XCTAssertEqual(h.status, .ok)
            XCTAssertEqual(try h.object["status"] as? String, "ok")
            XCTAssertEqual(h.headers[.contentType], "application/json; charset=utf-8")

            let m = try await client.call(.get, "/v1/models")
            XCTAssertEqual(m.status, .ok)
            let o = try m.object
            XCTAssertEqual(o["default"] as? String, "ease")
            XCTAssertEqual(o["generation"] as? Int, 1)
            let ds = try XCTUnwrap(o["dataset"] as? [String: Any])
            XCTAssertEqual(ds["users"] as? Int, 10)
            XCTAssertEqual(ds["items"] as? Int, 16)
            let fp = try XCTUnwrap(ds["fingerprint"] as? [String: String])
            XCTAssertEqual(fp["items"], String(format: "%016llx", DatasetFingerprint(data).itemIDHash))
            let models = try XCTUnwrap(o["models"] as? [[String: Any]])
            XCTAssertEqual(models.map { $0["algorithm"] as? String }, ["ease", "item-knn"])
            let params = try XCTUnwrap(models[0]["parameters"] as? [String: String])
            XCTAssertEqual(params["lambda"], server.registry.current.models[0].model.parameters["lambda"])
            XCTAssertNotNil(models[0]["fitSeconds"] as? Double)
            XCTAssertTrue(models[0]["file"] is NSNull)
        }
    }

    func testRecommendForUserMatchesTheEngine() async throws {
        let (server, _) = try ServerFixture.server()
        let ease = server.registry.current.models[0].model
        let u1 = Profile.training(data.users.index(of: "u1")!, in: data.ratings)
        let expected = Listings.recommendations(ease, profile: u1, dataset: data, count: 3).items
        try await server.application().test(.live) { client in
            let a = try await client.call(.get, "/v1/recommend?user=u1&n=3")
            XCTAssertEqual(a.status, .ok, a.text)
            let o = try a.object
            XCTAssertEqual(o["algorithm"] as? String, "ease")
            XCTAssertEqual(o["user"] as? String, "u1")
            let items = try a.items
            XCTAssertEqual(items.count, 3)
            // The CLI's item objects: the same keys, the same values.
            for (row, want) in zip(items, expected) {
                XCTAssertEqual(Set(row.keys), ["rank", "item", "title", "score", "reason"])
                XCTAssertEqual(row["rank"] as? Int, want.rank)
                XCTAssertEqual(row["item"] as? String, want.item)
                XCTAssertEqual(row["title"] as? String, want.title)
                XCTAssertEqual(row["reason"] as? String, want.reason)
                XCTAssertEqual((row["score"] as? NSNumber)?.floatValue ?? .nan, want.score, accuracy: 1e-4)
            }
            for row in items { XCTAssertFalse(u1.contains(data.catalog.index(of: row["item"] as! String)!)) }

            let knn = try await client.call(.get, "/v1/recommend?user=u1&algorithm=item-knn&n=2&explain=true")
            XCTAssertEqual(try knn.object["algorithm"] as? String, "item-knn")
            let first = try XCTUnwrap(try knn.items.first)
            let e = try XCTUnwrap(first["explanation"] as? [String: Any], knn.text)
            XCTAssertEqual(e["summary"] as? String, first["reason"] as? String)
            XCTAssertNotNil(e["terms"] as? [[String: Any]])

            for (uri, status, code) in [
                ("/v1/recommend", HTTPResponse.Status.badRequest, "missing_parameter"),
                ("/v1/recommend?user=nobody", .notFound, "unknown_user"),
                ("/v1/recommend?user=u1&n=0", .badRequest, "bad_parameter"),
                ("/v1/recommend?user=u1&n=1001", .badRequest, "bad_parameter"),
                ("/v1/recommend?user=u1&n=ten", .badRequest, "bad_parameter"),
                ("/v1/recommend?user=u1&explain=maybe", .badRequest, "bad_parameter"),
                ("/v1/recommend?user=u1&algorithm=svd", .notFound, "unknown_algorithm"),
                ("/v1/recommend?user=u1&algorithm=nope", .notFound, "unknown_algorithm"),
            ] {
                let r = try await client.call(.get, uri)
                XCTAssertEqual(r.status, status, uri)
                XCTAssertEqual(try r.errorCode, code, uri)
            }
        }
    }

    func testAnonymousRecommendFoldsInAndStoresNothing() async throws {
        let (server, dbPath) = try ServerFixture.server()
        let ease = server.registry.current.models[0].model
        let pairs: [(String, Double)] = [("1", 5), ("2", 5), ("6", 1)]
        let profile = Profile(pairs.map { (data.catalog.index(of: $0.0)!, Float($0.1)) })
        let expected = Listings.recommendations(ease, profile: profile, dataset: data, count: 5).items
        try await server.application().test(.live) { client in
            let body = "{\"ratings\": \(ratingsJSON(pairs)), \"algorithm\": \"ease\", \"n\": 5, \"explain\": true}"
            let a = try await client.call(.post, "/v1/recommend", body: body)
            XCTAssertEqual(a.status, .ok, a.text)
            XCTAssertEqual(try a.object["ratings"] as? Int, 3)
            XCTAssertEqual(try a.items.map { $0["item"] as? String }, expected.map(\.item))
            XCTAssertNotNil(try a.items.first?["explanation"] as? [String: Any])
            // Integer item ids are accepted as raw ids.
            let ints = try await client.call(.post, "/v1/recommend", body: "{\"ratings\": [{\"item\": 1, \"rating\": 5}]}")
            XCTAssertEqual(ints.status, .ok, ints.text)
            // An empty profile is a cold start, not an error.
            let empty = try await client.call(.post, "/v1/recommend", body: "{\"ratings\": []}")
            XCTAssertEqual(empty.status, .ok, empty.text)
            XCTAssertEqual(try empty.items.count, 10)

            for (body, status, code, names) in [
                ("{\"ratings\": [{\"item\": \"999\", \"rating\": 4}]}", HTTPResponse.Status.notFound, "unknown_item", "ratings[0].item"),
                ("{\"ratings\": [{\"item\": \"1\", \"rating\": 6}]}", .unprocessableContent, "rating_off_scale", "ratings[0].rating"),
                ("{\"ratings\": [{\"item\": \"1\", \"rating\": 5}, {\"item\": \"2\", \"rating\": 3.5}]}", .unprocessableContent, "rating_off_scale", "ratings[1].rating"),
                ("{\"ratings\": [{\"item\": \"1\", \"rating\": 0}]}", .unprocessableContent, "rating_off_scale", "ratings[0]"),
                ("{\"ratings\": [{\"item\": \"1\", \"rating\": \"5\"}]}", .badRequest, "malformed_body", "ratings[0].rating"),
                ("{\"ratings\": [{\"item\": \"1\"}]}", .badRequest, "malformed_body", "ratings[0].rating"),
                ("{\"rating\": []}", .badRequest, "malformed_body", "rating"),
                ("{\"ratings\": [], \"n\": 0}", .badRequest, "bad_parameter", "n"),
                ("{\"ratings\": [], \"algorithm\": \"bpr\"}", .notFound, "unknown_algorithm", "bpr"),
                ("{\"ratings\": [], \"explain\": \"yes\"}", .badRequest, "malformed_body", "explain"),
                ("{\"ratings\": [", .badRequest, "malformed_body", "JSON"),
                ("[1, 2]", .badRequest, "malformed_body", "expected an object"),
                ("", .badRequest, "malformed_body", "empty"),
            ] {
                let r = try await client.call(.post, "/v1/recommend", body: body)
                XCTAssertEqual(r.status, status, body + " → " + r.text)
                XCTAssertEqual(try r.errorCode, code, body)
                XCTAssertTrue((try r.object["detail"] as? String ?? "").contains(names), r.text)
            }
        }
        let store = try SQLiteProfileStore(path: dbPath)
        XCTAssertEqual(try store.profileNames(), [], "POST /v1/recommend must store nothing")
    }

    func testBodyOverTheLimitIs413() async throws {
        let (server, _) = try ServerFixture.server(settings: ServerSettings(port: 0, bodyLimit: 4096))
        let big = "{\"ratings\": " + ratingsJSON(Array(repeating: ("1", 5.0), count: 400)) + "}"
        XCTAssertGreaterThan(big.utf8.count, 4096)
        try await server.application().test(.live) { client in
            let r = try await client.call(.post, "/v1/recommend", body: big)
            XCTAssertEqual(r.status, .contentTooLarge)
            XCTAssertEqual(try r.errorCode, "body_too_large")
            let put = try await client.call(.put, "/v1/profiles/p/ratings/1",
                                           body: "{\"rating\": 5" + String(repeating: " ", count: 5000) + "}")
            XCTAssertEqual(put.status, .contentTooLarge)
            // The connection still serves the next request.
            let ok = try await client.call(.get, "/healthz")
            XCTAssertEqual(ok.status, .ok)
        }
    }

    func testDefaultBodyLimitIsOneMegabyte() async throws {
        let (server, _) = try ServerFixture.server()
        XCTAssertEqual(server.settings.bodyLimit, 1 << 20)
        let pad = String(repeating: " ", count: (1 << 20) + 10)
        try await server.application().test(.live) { client in
            let r = try await client.call(.post, "/v1/recommend", body: "{\"ratings\": []" + pad + "}")
            XCTAssertEqual(r.status, .contentTooLarge)
            let small = try await client.call(.post, "/v1/recommend", body: "{\"ratings\": []" + pad.prefix(1000) + "}")
            XCTAssertEqual(small.status, .ok)
        }
    }

    func testSimilar() async throws {
        let (server, _) = try ServerFixture.server()
        let knn = server.registry.current.models[1].model
        let expected = Listings.similar(knn, to: data.catalog.index(of: "1")!, catalog: data.catalog, count: 4)
        try await server.application().test(.live) { client in
            let a = try await client.call(.get, "/v1/similar?item=1&algorithm=item-knn&n=4")
            XCTAssertEqual(a.status, .ok, a.text)
            XCTAssertEqual(try a.object["item"] as? String, "1")
            XCTAssertEqual(try a.items.map { $0["item"] as? String }, expected.map(\.item))
            XCTAssertEqual(try a.items.map { $0["reason"] as? String }, expected.map(\.reason))
            for (uri, status) in [("/v1/similar", HTTPResponse.Status.badRequest), ("/v1/similar?item=999", .notFound),
                                  ("/v1/similar?item=1&algorithm=als", .notFound), ("/v1/similar?item=1&n=-3", .badRequest)] {
                let r = try await client.call(.get, uri)
                XCTAssertEqual(r.status, status, uri)
                _ = try r.errorCode
            }
        }
    }

    func testProfilesRateRecommendAndDeleteThroughTheStore() async throws {
        let (server, dbPath) = try ServerFixture.server()
        try await server.application().test(.live) { client in
            let missing = try await client.call(.get, "/v1/profiles/ann/recommendations")
            XCTAssertEqual(missing.status, .notFound)
            XCTAssertEqual(try missing.errorCode, "unknown_profile")

            for (item, stars) in [("1", 5), ("2", 5), ("6", 2)] {
                let r = try await client.call(.put, "/v1/profiles/ann/ratings/\(item)", body: "{\"rating\": \(stars)}")
                XCTAssertEqual(r.status, .ok, r.text)
                XCTAssertEqual(try r.object["rating"] as? Int, stars)
            }
            // Durable before the answer: a second connection to the file sees it at once.
            let other = try SQLiteProfileStore(path: dbPath)
            XCTAssertEqual(try other.existingRatings(profile: "ann").map(\.item), ["1", "2", "6"])

            let recs = try await client.call(.get, "/v1/profiles/ann/recommendations?n=4&algorithm=item-knn")
            XCTAssertEqual(recs.status, .ok, recs.text)
            XCTAssertEqual(try recs.object["profile"] as? String, "ann")
            let knn = server.registry.current.models[1].model
            let profile = Profile([("1", 5), ("2", 5), ("6", 2)].map { (data.catalog.index(of: $0.0)!, Float($0.1)) })
            let expected = Listings.recommendations(knn, profile: profile, dataset: data, count: 4).items
            XCTAssertEqual(try recs.items.map { $0["item"] as? String }, expected.map(\.item))

            let del = try await client.call(.delete, "/v1/profiles/ann/ratings/6")
            XCTAssertEqual(del.status, .ok, del.text)
            XCTAssertEqual(try del.object["removed"] as? Bool, true)
            let again = try await client.call(.delete, "/v1/profiles/ann/ratings/6")
            XCTAssertEqual(try again.object["removed"] as? Bool, false)
            XCTAssertEqual(try other.existingRatings(profile: "ann").map(\.item), ["1", "2"])

            // A percent-encoded name is decoded once.
            let spaced = try await client.call(.put, "/v1/profiles/room%2012/ratings/3", body: "{\"rating\": 4}")
            XCTAssertEqual(spaced.status, .ok, spaced.text)
            XCTAssertEqual(try spaced.object["profile"] as? String, "room 12")
            XCTAssertEqual(try other.existingRatings(profile: "room 12").map(\.value), [4])

            for (method, uri, body, status, code) in [
                (HTTPRequest.Method.put, "/v1/profiles/ann/ratings/999", "{\"rating\": 4}", HTTPResponse.Status.notFound, "unknown_item"),
                (.put, "/v1/profiles/ann/ratings/1", "{\"rating\": 5.5}", .unprocessableContent, "rating_off_scale"),
                (.put, "/v1/profiles/ann/ratings/1", "{\"rating\": -1}", .unprocessableContent, "rating_off_scale"),
                (.put, "/v1/profiles/ann/ratings/1", "{\"rating\": null}", .badRequest, "malformed_body"),
                (.put, "/v1/profiles/ann/ratings/1", "{\"stars\": 4}", .badRequest, "malformed_body"),
                (.put, "/v1/profiles/ann/ratings/1", "4", .badRequest, "malformed_body"),
                (.put, "/v1/profiles/%20ann/ratings/1", "{\"rating\": 4}", .badRequest, "bad_path"),
                (.put, "/v1/profiles/%ZZ/ratings/1", "{\"rating\": 4}", .badRequest, "bad_path"),
                (.delete, "/v1/profiles/nobody/ratings/1", "", .notFound, "unknown_profile"),
                (.get, "/v1/profiles/ann/recommendations?algorithm=x", "", .notFound, "unknown_algorithm"),
                (.get, "/v1/nothing", "", .notFound, "not_found"),
                (.delete, "/v1/models", "", .notFound, "not_found"),
            ] {
                let r = try await client.call(method, uri, body: body.isEmpty ? nil : body)
                XCTAssertEqual(r.status, status, "\(method) \(uri) \(body) → \(r.text)")
                XCTAssertEqual(try r.errorCode, code, uri)
            }
            let offScale = try await client.call(.put, "/v1/profiles/ann/ratings/1", body: "{\"rating\": 6}")
            XCTAssertEqual(try offScale.object["detail"] as? String, "rating 6 is not on the scale 1–5 in steps of 1")
            // Failed writes changed nothing.
            XCTAssertEqual(try other.existingRatings(profile: "ann").map(\.value), [5, 5])
            XCTAssertEqual(try other.profileNames(), ["ann", "room 12"])
        }
    }

    func testProfilesAreBoundToTheServedDatasetAsInTheExplorer() async throws {
        let (server, dbPath) = try ServerFixture.server()
        let store = try SQLiteProfileStore(path: dbPath)
        let elsewhere = UIFixtures.synthetic(items: 40, users: 10, ratingsPerUser: 5, seed: 9)
        _ = try store.createProfile("theirs", on: DatasetIdentity(elsewhere))
        try await server.application().test(.live) { client in
            for (method, uri) in [(HTTPRequest.Method.get, "/v1/profiles/theirs/recommendations"),
                                  (.put, "/v1/profiles/theirs/ratings/1"), (.delete, "/v1/profiles/theirs/ratings/1")] {
                let r = try await client.call(method, uri, body: method == .put ? "{\"rating\": 4}" : nil)
                XCTAssertEqual(r.status, .conflict, "\(method) \(uri): \(r.text)")
                XCTAssertEqual(try r.errorCode, "profile_of_other_dataset")
            }
            let mine = try await client.call(.put, "/v1/profiles/mine/ratings/1", body: "{\"rating\": 4}")
            XCTAssertEqual(mine.status, .ok, mine.text)
        }
        XCTAssertEqual(try store.match(profile: "mine", on: DatasetIdentity(data)), .own(id: try XCTUnwrap(try store.profileID(named: "mine")), adopt: false))
        XCTAssertEqual(try store.existingRatings(profile: "theirs"), [], "a refused write stored nothing")
    }

    func testTokenGuardsWritesOnly() async throws {
        let (server, _) = try ServerFixture.server(settings: ServerSettings(port: 0, token: "s3cret"))
        try await server.application().test(.live) { client in
            for auth in [nil, "Bearer wrong", "s3cret", "Bearer s3cre", "Bearer s3cret2", "Basic s3cret"] {
                var h = HTTPFields()
                if let auth { h[.authorization] = auth }
                for (method, uri) in [(HTTPRequest.Method.put, "/v1/profiles/a/ratings/1"),
                                      (.delete, "/v1/profiles/a/ratings/1"), (.post, "/v1/models/reload")] {
                    let r = try await client.call(method, uri, body: "{\"rating\": 4}", headers: h)
                    XCTAssertEqual(r.status, .unauthorized, "\(method) \(uri) with \(auth ?? "no header")")
                    XCTAssertEqual(try r.errorCode, "unauthorized")
                    XCTAssertEqual(r.headers[.wwwAuthenticate], "Bearer realm=\"recsys-tui\"")
                }
            }
            let ok: HTTPFields = [.authorization: "Bearer s3cret"]
            let put = try await client.call(.put, "/v1/profiles/a/ratings/1", body: "{\"rating\": 4}", headers: ok)
            XCTAssertEqual(put.status, .ok, put.text)
            let del = try await client.call(.delete, "/v1/profiles/a/ratings/1", headers: ok)
            XCTAssertEqual(del.status, .ok, del.text)
            let reload = try await client.call(.post, "/v1/models/reload", headers: ok)
            XCTAssertEqual(reload.status, .ok, reload.text)
            // Reads stay open, including the anonymous POST /v1/recommend (it stores nothing).
            for (method, uri) in [(HTTPRequest.Method.get, "/v1/models"), (.get, "/v1/recommend?user=u1"),
                                  (.get, "/v1/similar?item=1"), (.get, "/v1/profiles/a/recommendations")] {
                let r = try await client.call(method, uri)
                XCTAssertEqual(r.status, .ok, uri)
            }
            let post = try await client.call(.post, "/v1/recommend", body: "{\"ratings\": []}")
            XCTAssertEqual(post.status, .ok)
        }
    }

    func testReloadSwapsChangedModelFilesAtomically() async throws {
        let dir = try ServerFixture.temporaryDirectory()
        let file = dir.appendingPathComponent("ease.rsm").path
        try ModelFiles.save(try ServerFixture.fitted("ease", parameters: RecsysEngine.Parameters(["lambda": "10"])),
                            dataset: data, to: file)
        let (server, _) = try ServerFixture.server(algorithms: ["popularity"], files: [file])
        try await server.application().test(.live) { client in
            let before = try await client.call(.get, "/v1/models")
            let models = try XCTUnwrap(try before.object["models"] as? [[String: Any]])
            XCTAssertEqual(models[0]["file"] as? String, file)
            XCTAssertEqual((models[0]["parameters"] as? [String: String])?["lambda"], "10")
            XCTAssertNotNil(models[0]["loadSeconds"] as? Double)

            let same = try await client.call(.post, "/v1/models/reload")
            XCTAssertEqual(same.status, .ok, same.text)
            XCTAssertEqual(try same.object["generation"] as? Int, 1)
            XCTAssertEqual(try same.object["unchanged"] as? [String], [file])

            // A request holding the old set keeps it through the swap.
            let held = server.registry.current
            try await Task.sleep(for: .milliseconds(1100))  // file times have 1 s resolution on some systems
            try ModelFiles.save(try ServerFixture.fitted("ease", parameters: RecsysEngine.Parameters(["lambda": "500"])),
                                dataset: data, to: file)
            let swapped = try await client.call(.post, "/v1/models/reload")
            XCTAssertEqual(swapped.status, .ok, swapped.text)
            XCTAssertEqual(try swapped.object["generation"] as? Int, 2)
            XCTAssertEqual(try swapped.object["reloaded"] as? [String], [file])
            let after = try await client.call(.get, "/v1/models")
            let m2 = try XCTUnwrap(try after.object["models"] as? [[String: Any]])
            XCTAssertEqual((m2[0]["parameters"] as? [String: String])?["lambda"], "500")
            XCTAssertEqual(held.models[0].model.parameters["lambda"], "10")
            XCTAssertFalse(held.models[0].model === server.registry.current.models[0].model)
            XCTAssertTrue(held.models[1].model === server.registry.current.models[1].model, "fitted models are kept")

            // A broken file: 409, and the models in service stay.
            try await Task.sleep(for: .milliseconds(1100))
            try Data("not a model".utf8).write(to: URL(fileURLWithPath: file))
            let broken = try await client.call(.post, "/v1/models/reload")
            XCTAssertEqual(broken.status, .conflict, broken.text)
            XCTAssertEqual(try broken.errorCode, "reload_failed")
            XCTAssertTrue((try broken.object["detail"] as? String ?? "").contains(file))
            XCTAssertEqual(server.registry.current.generation, 2)
            let still = try await client.call(.get, "/v1/recommend?user=u1")
            XCTAssertEqual(still.status, .ok)
        }
    }

    func testSetupRefusesTwoModelsOfOneAlgorithm() throws {
        XCTAssertThrowsError(try ServerFixture.server(algorithms: ["ease", "ease"])) { error in
            XCTAssertTrue("\(error)".contains("two models for ease"), "\(error)")
        }
        XCTAssertThrowsError(try ModelSet(dataset: data, models: []))
    }

    func testLoopbackDetection() {
        XCTAssertTrue(ServerSettings().isLoopback)
        XCTAssertEqual(ServerSettings().host, "127.0.0.1")
        XCTAssertTrue(ServerSettings(host: "localhost").isLoopback)
        XCTAssertTrue(ServerSettings(host: "::1").isLoopback)
        XCTAssertFalse(ServerSettings(host: "0.0.0.0").isLoopback)
        XCTAssertFalse(ServerSettings(host: "192.168.1.4").isLoopback)
    }
}
