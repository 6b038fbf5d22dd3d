import Foundation
import RecsysEngine

/// The fuzz target for `profile import`: parse a mutated file with `ProfileFile.read`, then
/// store the result in an in-memory database, as the command does.
///
/// A parse that succeeds must also store: a rating the parser accepts but the store refuses
/// (a `StoreError`, not a `LoadError`) is reported as a finding, so the two validations
/// cannot drift apart.
public enum ProfileImportFuzz {
    public static func target() -> FuzzTarget {
        let store = try? SQLiteProfileStore(path: StorePaths.memory)
        let summary = ProfileSummary(name: "fuzz, \"quoted\"", created: 0, dataset: nil, ratingCount: 0, lastRated: nil)
        var ratings: [StoredRating] = []
        for k in 0..<25 {
            let item: String = k % 6 == 0 ? "tt\(k),x" : String(k * 7)
            let value: Float = Float(1 + k % 5) / (k % 3 == 0 ? 2 : 1)
            ratings.append(StoredRating(item: item, value: value, timestamp: 1_700_000_000 + Int64(k)))
        }
        let csv = [UInt8](ProfileFile.export(profile: summary, ratings: ratings, format: .csv))
        let json = [UInt8](ProfileFile.export(profile: summary, ratings: ratings, format: .json))
        var multi = "userId\tmovieId\trating\ttimestamp\n"
        var colons = ""
        for k in 0..<40 {
            multi += "\(k % 3)\t\(k)\t\(1 + k % 5)\t\(880_000_000 + k)\n"
            colons += "7::\(k)::\(1 + k % 5)::\(880_000_000 + k)\n"
        }
        return FuzzTarget(name: "profile-import", seeds: [
            FuzzSeed(name: "export-csv", files: ["p.csv": csv], entry: "p.csv"),
            FuzzSeed(name: "export-json", files: ["p.json": json], entry: "p.json"),
            FuzzSeed(name: "multi-user-tsv", files: ["r.tsv": Array(multi.utf8)], entry: "r.tsv"),
            FuzzSeed(name: "colons", files: ["r.dat": Array(colons.utf8)], entry: "r.dat"),
        ]) { path, rng in
            let user: String? = path.hasSuffix(".tsv") ? String(rng.nextInt(4)) : nil
            let parsed = try ProfileFile.read(path: path, user: user)
            if let store {
                try store.importRatings(profile: "fuzz", parsed.ratings, replace: true)
            }
        }
    }
}
