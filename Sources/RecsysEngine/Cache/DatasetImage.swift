import Foundation

/// A parsed dataset as bytes: what the dataset cache stores so that a second start skips parsing.
///
/// Payload layout (little-endian; `str` = u32 length + UTF-8; arrays = u64 count, zero padding to
/// a multiple of 8, then the values): name, source, the rating scale (3 × f32), the fingerprint
/// (name, 3 counts, 3 hashes: docs/model-format.md), the catalog (per item: raw id, title, year or
/// `Int64.min`, genres, keywords, director, placeholder flag), the user ids, the user attributes,
/// the load report, the tastes (flag, genres, liked/disliked masks, known flags), then the rating
/// matrix: user and item counts, duplicate count, `rowStart`, `rowItems`, `rowRatings`,
/// `rowTimestamps`, `colStart`, `colUsers`, `colRatings`.
///
/// Reading checks every count and index (a start array must rise from 0 to the rating count, every
/// item and user index must be in range), so even a file that passed its checksum cannot make a
/// model read out of bounds.
public enum DatasetImage {
    /// Bump when the layout or the meaning of a field changes (or the loader changes what it builds).
    public static let version = 1

    /// The image of `dataset`. Complexity: O(size).
    public static func encode(_ ds: Dataset, fingerprint f: DatasetFingerprint) -> [UInt8] {
        let m = ds.ratings
        var w = ImageWriter(capacity: m.count * 32 + ds.itemCount * 64 + ds.userCount * 16 + 4096)
        w.string(ds.name)
        w.string(ds.source)
        w.f32(ds.scale.min); w.f32(ds.scale.max); w.f32(ds.scale.step)
        w.string(f.name)
        for v in [f.userCount, f.itemCount, f.ratingCount] { w.int(v) }
        w.u64(f.itemIDHash); w.u64(f.userIDHash); w.u64(f.ratingHash)
        w.u64(UInt64(ds.catalog.count))
        for item in ds.catalog.items {
            w.string(item.rawID)
            w.string(item.title)
            w.i64(item.year.map(Int64.init) ?? Int64.min)
            w.strings(item.genres)
            w.strings(item.keywords)
            w.optionalString(item.director)
            w.u8(item.isPlaceholder ? 1 : 0)
        }
        w.strings(ds.users.ids)
        w.u64(UInt64(ds.userAttributes.count))
        for a in ds.userAttributes {
            w.i64(a.age.map(Int64.init) ?? Int64.min)
            for s in [a.gender, a.occupation, a.zip, a.region] { w.optionalString(s) }
        }
        let r = ds.loadReport
        for v in [r.skippedLines, r.duplicateRatings, r.placeholderItems, r.ratingsBytes] { w.int(v) }
        for v in [r.seconds, r.parseSeconds, r.buildSeconds] { w.f64(v) }
        w.optionalString(r.usersCSV)
        w.u64(UInt64(r.skippedExamples.count))
        for e in r.skippedExamples {
            w.string(e.file); w.int(e.line); w.int(e.column); w.string(e.message)
        }
        w.u8(ds.tastes == nil ? 0 : 1)
        if let t = ds.tastes {
            w.strings(t.genres)
            w.array(t.liked)
            w.array(t.disliked)
            w.array(t.known.map { $0 ? UInt8(1) : 0 })
        }
        w.int(m.userCount); w.int(m.itemCount); w.int(m.duplicateCount)
        w.array(m.rowStart); w.array(m.rowItems); w.array(m.rowRatings); w.array(m.rowTimestamps)
        w.array(m.colStart); w.array(m.colUsers); w.array(m.colRatings)
        return w.bytes
    }

    /// The dataset and fingerprint in an image; `path` names the file in errors (`LoadError`).
    public static func decode(_ bytes: UnsafeRawBufferPointer, path: String) throws -> (Dataset, DatasetFingerprint) {
        var r = ImageReader(bytes, path: path)
        let name = try r.string("name"), source = try r.string("source")
        let scale = RatingScale(min: try r.f32("scale"), max: try r.f32("scale"), step: try r.f32("scale"))
        let fp = DatasetFingerprint(name: try r.string("fingerprint name"), userCount: try r.int("user count"),
                                    itemCount: try r.int("item count"), ratingCount: try r.int("rating count", in: 0...Int.max),
                                    itemIDHash: try r.u64("item-id hash"), userIDHash: try r.u64("user-id hash"),
                                    ratingHash: try r.u64("rating hash"))
        let itemCount = try r.count("item count", minimumBytes: 27)
        var items: [Item] = []
        items.reserveCapacity(itemCount)
        for _ in 0..<itemCount {
            let id = try r.string("item id"), title = try r.string("title")
            let year = try r.i64("year")
            let genres = try r.strings("genres"), keywords = try r.strings("keywords")
            let director = try r.optionalString("director")
            let placeholder = try r.u8("placeholder flag")
            guard placeholder <= 1 else { throw r.corrupt("placeholder flag is \(placeholder)") }
            items.append(Item(rawID: id, title: title, year: year == Int64.min ? nil : Int(truncatingIfNeeded: year),
                              genres: genres, keywords: keywords, director: director, isPlaceholder: placeholder == 1))
        }
        let catalog = Catalog(items: items)
        guard catalog.count == itemCount else { throw r.corrupt("repeated item ids") }
        let users = Vocabulary(try r.strings("user ids"))
        let attributeCount = try r.count("user attribute count", minimumBytes: 12)
        guard attributeCount == 0 || attributeCount == users.count else { throw r.corrupt("\(attributeCount) user attributes") }
        var attributes: [UserAttributes] = []
        attributes.reserveCapacity(attributeCount)
        for _ in 0..<attributeCount {
            let age = try r.i64("age")
            attributes.append(UserAttributes(age: age == Int64.min ? nil : Int(truncatingIfNeeded: age),
                                             gender: try r.optionalString("gender"), occupation: try r.optionalString("occupation"),
                                             zip: try r.optionalString("zip"), region: try r.optionalString("region")))
        }
        var report = LoadReport()
        report.skippedLines = try r.int("skipped lines", in: 0...Int.max)
        report.duplicateRatings = try r.int("duplicates", in: 0...Int.max)
        report.placeholderItems = try r.int("placeholders", in: 0...Int.max)
        report.ratingsBytes = try r.int("ratings bytes", in: 0...Int.max)
        report.seconds = try r.f64("seconds"); report.parseSeconds = try r.f64("seconds"); report.buildSeconds = try r.f64("seconds")
        report.usersCSV = try r.optionalString("users.csv path")
        let examples = try r.count("example count", minimumBytes: 24)
        for _ in 0..<examples {
            report.skippedExamples.append(LoadError(file: try r.string("file"), line: try r.int("line"),
                                                    column: try r.int("column"), try r.string("message")))
        }
        var tastes: UserTastes?
        switch try r.u8("tastes flag") {
        case 0: break
        case 1:
            let genres = try r.strings("taste genres")
            let n = users.count
            tastes = UserTastes(genres: genres, liked: try r.array(UInt64.self, "liked", count: n),
                                disliked: try r.array(UInt64.self, "disliked", count: n),
                                known: try r.array(UInt8.self, "known", count: n).map { $0 != 0 })
        case let f: throw r.corrupt("tastes flag is \(f)")
        }
        let uc = try r.int("matrix users"), ic = try r.int("matrix items"), dups = try r.int("duplicate count", in: 0...Int.max)
        guard uc == users.count, ic == catalog.count else { throw r.corrupt("the matrix is \(uc) × \(ic)") }
        let rowStart = try r.array(Int.self, "rowStart", count: uc + 1)
        let rowItems = try r.array(Int32.self, "rowItems")
        let n = rowItems.count
        let rowRatings = try r.array(Float.self, "rowRatings", count: n)
        let stamps = try r.array(Int64.self, "rowTimestamps")
        guard stamps.isEmpty || stamps.count == n else { throw r.corrupt("\(stamps.count) timestamps for \(n) ratings") }
        let colStart = try r.array(Int.self, "colStart", count: ic + 1)
        let colUsers = try r.array(Int32.self, "colUsers", count: n)
        let colRatings = try r.array(Float.self, "colRatings", count: n)
        guard r.offset == bytes.count else { throw r.corrupt("\(bytes.count - r.offset) bytes after the matrix") }
        guard validStarts(rowStart, total: n), validStarts(colStart, total: n),
              validIndices(rowItems, below: ic), validIndices(colUsers, below: uc) else {
            throw r.corrupt("the rating matrix has out-of-range positions or indices")
        }
        guard fp.userCount == uc, fp.itemCount == ic, fp.ratingCount == n else {
            throw r.corrupt("the fingerprint does not describe the matrix")
        }
        let matrix = RatingMatrix(userCount: uc, itemCount: ic, rowStart: rowStart, rowItems: rowItems,
                                  rowRatings: rowRatings, rowTimestamps: stamps, colStart: colStart, colUsers: colUsers,
                                  colRatings: colRatings, duplicateCount: dups)
        let ds = Dataset(name: name, source: source, catalog: catalog, users: users, ratings: matrix,
                         userAttributes: attributes, scale: scale, loadReport: report, tastes: tastes)
        return (ds, fp)
    }

    static func validStarts(_ s: [Int], total: Int) -> Bool {
        guard s.first == 0, s.last == total else { return false }
        return s.withUnsafeBufferPointer { b in
            for k in 1..<b.count where b[k] < b[k - 1] { return false }
            return true
        }
    }

    static func validIndices(_ a: [Int32], below bound: Int) -> Bool {
        a.withUnsafeBufferPointer { b in
            var bad = false
            for v in b { bad = bad || v < 0 || Int(v) >= bound }
            return !bad
        }
    }
}

extension RatingMatrix {
    /// A matrix from both of its views, already built (a dataset image); the caller checked them.
    init(userCount: Int, itemCount: Int, rowStart: [Int], rowItems: [Int32], rowRatings: [Float], rowTimestamps: [Int64],
         colStart: [Int], colUsers: [Int32], colRatings: [Float], duplicateCount: Int) {
        self.userCount = userCount
        self.itemCount = itemCount
        self.rowStart = rowStart
        self.rowItems = rowItems
        self.rowRatings = rowRatings
        self.rowTimestamps = rowTimestamps
        self.colStart = colStart
        self.colUsers = colUsers
        self.colRatings = colRatings
        self.duplicateCount = duplicateCount
    }
}
