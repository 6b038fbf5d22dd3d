import Foundation

/// Fuzz targets for the cache readers: a fitted-model entry (`ModelCache.read`) and a dataset
/// image (`DatasetCache.read`).
///
/// Mutated files mostly fail the container's checksum; to reach the decoders behind it, half of
/// the cases "reseal" the mutated file first (rewrite the header's payload length and checksum to
/// match the damaged bytes), as a file damaged before it was written would be. Either way the
/// reader must return or throw a one-line `LoadError` naming the file.
public enum CacheFuzzTargets {
    public static func all() -> [FuzzTarget] {
        let ds = dataset()
        var seeds: [FuzzSeed] = []
        for (name, params) in [("popularity", [:]), ("baseline", ["epochs": "3"]), ("svd", ["factors": "3", "epochs": "3"]),
                               ("item-knn", [:]), ("ease", [:]), ("content", [:])] as [(String, [String: String])] {
            guard let m = try? Algorithms.make(name, parameters: Parameters(params)),
                  (try? m.fit(ds, context: FitContext(seed: 3))) != nil,
                  let archive = try? ModelFiles.archive(m, dataset: ds) else { continue }
            var key = CacheKey()
            key.add("kind", "model"); key.add("dataset", ds.name); key.add("algorithm", name)
            seeds.append(FuzzSeed(name: name, files: ["entry.rsc": entry(kind: .model, key: key, payload: archive.encoded())],
                                  entry: "entry.rsc"))
        }
        let image = DatasetImage.encode(ds, fingerprint: DatasetFingerprint(ds))
        let imageSeed = FuzzSeed(name: "image", files: ["image.rsc": entry(kind: .dataset, key: CacheKey([("kind", "dataset")]),
                                                                        payload: image)], entry: "image.rsc")
        return [
            FuzzTarget(name: "model-cache", seeds: seeds) { path, rng in
                if rng.nextInt(2) == 0 { try reseal(path) }
                _ = try ModelCache.read(path: path, key: nil, dataset: ds)
            },
            FuzzTarget(name: "dataset-image", seeds: [imageSeed]) { path, rng in
                if rng.nextInt(2) == 0 { try reseal(path) }
                _ = try DatasetCache.read(file: path, key: nil)
            },
        ]
    }

    /// The bytes `CacheFile.write` would write.
    static func entry(kind: CacheEntryKind, key: CacheKey, payload: [UInt8]) -> [UInt8] {
        let path = NSTemporaryDirectory() + "recsys-fuzz-seed-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).rsc"
        defer { unlink(path) }
        guard (try? CacheFile.write(path: path, kind: kind, key: key, payload: payload)) != nil,
              let data = FileManager.default.contents(atPath: path) else { return [] }
        return [UInt8](data)
    }

    /// Rewrites the header of a (mutated) cache file so that its length and checksum agree with its bytes.
    static func reseal(_ path: String) throws {
        guard var bytes = FileManager.default.contents(atPath: path).map({ [UInt8]($0) }),
              bytes.count >= CacheFile.headerSize else { return }
        let keyLength = Int(UInt32(bytes[16]) | UInt32(bytes[17]) << 8 | UInt32(bytes[18]) << 16 | UInt32(bytes[19]) << 24)
        let start = CacheFile.headerSize + CacheFile.padded(keyLength)
        guard start <= bytes.count else { return }
        let length = UInt64(bytes.count - start)
        for k in 0..<8 { bytes[24 + k] = UInt8(truncatingIfNeeded: length >> (8 * k)) }
        let sum = bytes.withUnsafeBytes { b in
            CacheFile.checksum(UnsafeRawBufferPointer(rebasing: b[CacheFile.headerSize..<start]),
                               UnsafeRawBufferPointer(rebasing: b[start...]))
        }
        for k in 0..<8 { bytes[32 + k] = UInt8(truncatingIfNeeded: sum >> (8 * k)) }
        try Data(bytes).write(to: URL(fileURLWithPath: path))
    }

    /// 10 users × 8 items, two taste groups, with demographics and a placeholder item.
    static func dataset() -> Dataset {
        var items = (0..<8).map { i in
            Item(rawID: "\(i + 1)", title: "Movie \(i) (19\(80 + i))", year: 1980 + i,
                 genres: i < 4 ? ["Action"] : ["Drama", "Romance"], keywords: ["k\(i % 3)"], director: i == 2 ? "D" : nil)
        }
        items.append(Item(rawID: "99", title: "99", isPlaceholder: true))
        var rng = SplitMix64(seed: 5)
        var triples: [RatingTriple] = []
        for u in 0..<10 {
            for i in 0..<9 where rng.nextInt(10) < 6 {
                let good = (i < 4) == (u % 2 == 0)
                triples.append(RatingTriple(user: Int32(u), item: Int32(i), rating: Float(good ? 4 + rng.nextInt(2) : 1 + rng.nextInt(3)),
                                            timestamp: Int64(1000 + u * 10 + i)))
            }
        }
        let attributes = (0..<10).map { UserAttributes(age: 20 + $0, gender: $0 % 2 == 0 ? "F" : "M", occupation: "student",
                                                       zip: "0213\($0)") }
        return Dataset(name: "fuzz", source: "memory", catalog: Catalog(items: items), users: Vocabulary((0..<10).map { "u\($0)" }),
                       ratings: RatingMatrix(userCount: 10, itemCount: 9, triples: triples), userAttributes: attributes,
                       scale: .wholeStars)
    }
}
