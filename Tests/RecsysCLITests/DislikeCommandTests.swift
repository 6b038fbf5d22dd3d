import Foundation
import RecsysEngine
import RecsysTestSupport
import XCTest

/// The dislike suite through the commands a learner would use: `profile import` of a profile that
/// likes 10 Romance films, then of the same plus 10 Sci-Fi films rated 1★, and `recommend --profile`.
final class DislikeCommandTests: XCTestCase {
    /// The genre fixture written as a MovieLens-latest folder (ratings.csv, movies.csv).
    private func writeFixture(_ dir: URL) throws -> Dataset {
        let data = Conformance.genreFixture()
        var movies = ["movieId,title,genres"]
        for item in data.catalog.items { movies.append("\(item.rawID),\(item.title),\(item.genres.joined(separator: "|"))") }
        var ratings = ["userId,movieId,rating,timestamp"]
        for t in data.ratings.triples() {
            ratings.append("\(data.users.ids[Int(t.user)]),\(data.catalog[t.item].rawID),\(Int(t.rating)),1000000000")
        }
        try (movies.joined(separator: "\n") + "\n").write(to: dir.appendingPathComponent("movies.csv"),
                                                           atomically: true, encoding: .utf8)
        try (ratings.joined(separator: "\n") + "\n").write(to: dir.appendingPathComponent("ratings.csv"),
                                                            atomically: true, encoding: .utf8)
        return data
    }

    func testOneStarRatingsImportedAsAProfileAreDislikes() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("recsys-dislike-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let data = try writeFixture(dir)
        let likes = Conformance.mostPopular("Romance", in: data), dislikes = Conformance.mostPopular("Sci-Fi", in: data)
        let db = dir.appendingPathComponent("profiles.sqlite").path
        func importProfile(_ name: String, _ rows: [(Int32, Int)]) throws {
            let file = dir.appendingPathComponent(name + ".csv")
            let lines = ["user,item,rating,timestamp"]
                + rows.enumerated().map { k, r in "\(name),\(data.catalog[r.0].rawID),\(r.1),\(1_700_000_000 + k)" }
            try (lines.joined(separator: "\n") + "\n").write(to: file, atomically: true, encoding: .utf8)
            let r = try CLI.run(["profile", "import", name, file.path, "--db", db])
            XCTAssertEqual(r.status, 0, r.stderr)
        }
        try importProfile("lovesromance", likes.map { ($0, 5) })
        try importProfile("hatesscifi", likes.map { ($0, 5) } + dislikes.map { ($0, 1) })
        let hated = Set(dislikes.map { data.catalog[$0].title })
        // Smaller factor models than the defaults, so the debug binary fits them quickly.
        let quick = ["als": ["--param", "factors=16", "--param", "iterations=5"],
                     "bpr": ["--param", "factors=16", "--param", "iterations=20"]]
        for algorithm in ["item-knn", "user-knn", "ease", "als", "bpr", "content"] {
            func top(_ profile: String) throws -> [[String: Any]] {
                let r = try CLI.run(["recommend", "--data", dir.path, "--profile", profile, "--db", db,
                                     "--algorithm", algorithm, "-n", "20", "--format", "json"] + (quick[algorithm] ?? []))
                XCTAssertEqual(r.status, 0, r.stderr)
                return try XCTUnwrap(CLI.json(r.stdout)["items"] as? [[String: Any]], r.stdout)
            }
            func sciFiShare(_ items: [[String: Any]]) -> Double {
                Double(items.filter { ($0["title"] as? String ?? "").hasPrefix("Sci-Fi") }.count) / Double(max(1, items.count))
            }
            let l = try top("lovesromance"), d = try top("hatesscifi")
            XCTAssertEqual(d.count, 20, algorithm)
            XCTAssertLessThanOrEqual(sciFiShare(d), sciFiShare(l) + 0.05, "\(algorithm): disliking Sci-Fi raised its share")
            for row in d {
                let reason = row["reason"] as? String ?? ""
                XCTAssertFalse(hated.contains { reason.contains($0) }, "\(algorithm) cites a 1★ film: \(reason)")
            }
        }
    }
}
