import Foundation

/// Options for loading.
public struct LoadOptions: Sendable {
    /// Skip malformed lines (counted in the load report) instead of stopping at the first.
    public var skipBadLines: Bool

    public init(skipBadLines: Bool = false) {
        self.skipBadLines = skipBadLines
    }
}

/// Chooses a loader from a path (a MovieLens folder or a ratings file) and loads it.
///
/// PROVISIONAL: a minimal loader (ml-100k folders and tab/comma/whitespace ratings
/// files) that the foundation issue replaces with the full, fast one.
public enum DatasetLoader {
    public static func load(path: String, options: LoadOptions = LoadOptions()) throws -> Dataset {
        let start = Date()
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir) else {
            throw LoadError(file: path, "no such file or folder")
        }
        var ds: Dataset
        if isDir.boolValue {
            let udata = (path as NSString).appendingPathComponent("u.data")
            guard FileManager.default.fileExists(atPath: udata) else {
                throw LoadError(file: path, "not a recognised dataset folder")
            }
            ds = try loadRatingsFile(udata, name: (path as NSString).lastPathComponent, options: options)
        } else {
            ds = try loadRatingsFile(path, name: (path as NSString).lastPathComponent, options: options)
        }
        ds.loadReport.seconds = Date().timeIntervalSince(start)
        return ds
    }

    static func loadRatingsFile(_ path: String, name: String, options: LoadOptions) throws -> Dataset {
        var users = Vocabulary()
        var catalog = Catalog(items: [])
        var report = LoadReport()
        let triples = try readRatings(path: path, users: &users, catalog: &catalog, options: options,
                                      report: &report)
        let m = RatingMatrix(userCount: users.count, itemCount: catalog.count, triples: triples)
        report.duplicateRatings = m.duplicateCount
        return Dataset(name: name, source: path, catalog: catalog, users: users, ratings: m,
                       scale: RatingScale.infer(from: triples.map(\.rating)), loadReport: report)
    }

    /// Reads a generic ratings file (user, item, rating[, timestamp]; CSV, TSV, whitespace or `::`,
    /// header optional), mapping ids through existing vocabularies. New users are added to `users`;
    /// new items are added to `catalog` as placeholders (counted in `report.placeholderItems`).
    ///
    /// Evaluation uses this to read `--train/--test` files and the ml-100k `u1.base … u5.test`
    /// folds into the indices of an already loaded dataset.
    public static func readRatings(path: String, users: inout Vocabulary, catalog: inout Catalog,
                                   options: LoadOptions, report: inout LoadReport) throws -> [RatingTriple] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw LoadError(file: path, "cannot read file")
        }
        let text = String(decoding: data, as: UTF8.self)
        var triples: [RatingTriple] = []
        var lineNo = 0
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNo += 1
            if line.isEmpty { continue }
            let fields = line.split(whereSeparator: { $0 == "\t" || $0 == "," || $0 == " " || $0 == ":" })
            guard fields.count >= 3, let r = Float(fields[2]) else {
                if lineNo == 1 { continue }
                throw LoadError(file: path, line: lineNo, column: 3, "expected user, item, rating")
            }
            let u = users.insert(String(fields[0]))
            let rawItem = String(fields[1])
            var i = catalog.index(of: rawItem)
            if i == nil {
                i = catalog.append(Item(rawID: rawItem, title: "Item \(rawItem)", isPlaceholder: true))
                report.placeholderItems += 1
            }
            let ts = fields.count > 3 ? Int64(fields[3]) ?? 0 : 0
            triples.append(RatingTriple(user: u, item: i!, rating: r, timestamp: ts))
        }
        return triples
    }
}
