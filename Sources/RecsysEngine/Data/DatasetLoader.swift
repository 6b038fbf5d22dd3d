import Foundation

/// Options for loading.
public struct LoadOptions: Sendable {
    /// Skip malformed lines (counted in the load report) instead of stopping at the first.
    public var skipBadLines: Bool
    /// An items file to use with a generic ratings file (MovieLens `movies.csv`,
    /// `movies.dat` or `u.item` layout); ignored for dataset folders.
    public var itemsPath: String?
    /// Ratings files at least this large are parsed in two halves on two threads
    /// (same result as one thread). `Int.max` disables it.
    public var parallelMinimumBytes: Int

    public init(skipBadLines: Bool = false, itemsPath: String? = nil, parallelMinimumBytes: Int = 32 << 20) {
        self.skipBadLines = skipBadLines
        self.itemsPath = itemsPath
        self.parallelMinimumBytes = parallelMinimumBytes
    }
}

/// The dataset layouts the loader recognises.
public enum DatasetFormat: String, Sendable, Equatable {
    /// MovieLens 100K: `u.data` (tab), `u.item` (pipe, Latin-1), `u.genre`, `u.user`.
    case movieLens100K = "movielens-100k"
    /// MovieLens 1M / 10M: `ratings.dat`, `movies.dat`, `users.dat` (1M), `tags.dat` (10M), `::` separators.
    case movieLensDat = "movielens-dat"
    /// MovieLens latest, latest-small, 20M, 25M, 32M (and the project's sample data):
    /// `ratings.csv`, `movies.csv`, optional `tags.csv`, `links.csv` and `users.csv` (demographics).
    case movieLensCSV = "movielens-csv"
    /// One ratings file: user, item, rating[, timestamp], CSV/TSV/whitespace/`::`, header optional.
    case ratingsFile = "ratings-file"
}

/// Chooses a loader from a path (a MovieLens folder or a ratings file) and loads it.
///
/// A folder is recognised by its ratings file: `u.data` (100K), `ratings.dat`
/// (1M/10M) or `ratings.csv` (latest/20M/25M/32M). A file is read as a generic
/// ratings file. Loading is strict: the first malformed line stops it with a
/// ``LoadError`` carrying file, line, field and what was expected, unless
/// ``LoadOptions/skipBadLines`` is set, in which case bad lines are counted in
/// the ``LoadReport`` and skipped.
///
/// Ratings are parsed straight from bytes into compact columns and turned into
/// the CSR/CSC ``RatingMatrix`` without an intermediate triple array.
public enum DatasetLoader {
    /// How many rejected lines the load report keeps as examples.
    public static let keptExamples = 5

    /// Loads a dataset folder or a ratings file.
    ///
    /// - Parameters:
    ///   - path: a MovieLens folder or a ratings file.
    ///   - options: strictness and an optional items file.
    /// - Throws: ``LoadError`` (missing file, empty file, malformed line, bad encoding, …).
    /// - Complexity: O(bytes of the files); see ``RatingsReader`` for memory.
    public static func load(path: String, options: LoadOptions = LoadOptions()) throws -> Dataset {
        let start = DispatchTime.now()
        let format = try detectFormat(path: path)
        var ds: Dataset
        switch format {
        case .movieLens100K: ds = try loadML100K(folder: path, options: options)
        case .movieLensDat: ds = try loadMLDat(folder: path, options: options)
        case .movieLensCSV: ds = try loadMLCSV(folder: path, options: options)
        case .ratingsFile: ds = try loadRatingsFile(path, options: options)
        }
        ds.loadReport.seconds = Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
        return ds
    }

    /// Which loader a path calls for.
    public static func detectFormat(path: String) throws -> DatasetFormat {
        var isDir: ObjCBool = false
        guard !path.isEmpty, FileManager.default.fileExists(atPath: path, isDirectory: &isDir) else {
            throw LoadError(file: path, "no such file or folder")
        }
        guard isDir.boolValue else { return .ratingsFile }
        func has(_ name: String) -> Bool { FileManager.default.fileExists(atPath: join(path, name)) }
        if has("u.data") { return .movieLens100K }
        if has("ratings.dat") { return .movieLensDat }
        if has("ratings.csv") { return .movieLensCSV }
        throw LoadError(file: path, "not a recognised dataset folder: expected u.data (MovieLens 100K), ratings.dat (1M/10M) or ratings.csv (latest/20M/25M/32M)")
    }

    /// Reads a generic ratings file (user, item, rating[, timestamp]; CSV, TSV, whitespace or `::`,
    /// header optional), mapping ids through existing vocabularies. New users are added to `users`;
    /// new items are added to `catalog` as placeholders (counted in `report.placeholderItems`).
    ///
    /// Evaluation uses this to read `--train/--test` files and the ml-100k `u1.base … u5.test`
    /// folds into the indices of an already loaded dataset.
    public static func readRatings(path: String, users: inout Vocabulary, catalog: inout Catalog,
                                   options: LoadOptions, report: inout LoadReport) throws -> [RatingTriple] {
        try requireFile(path)
        let layout = try RatingsLayout.detect(path: path)
        var reader = RatingsReader(path: path, layout: layout, rule: .any, options: options,
                                   users: users, catalog: catalog, report: report)
        try reader.run()
        users = reader.users
        catalog = reader.catalog
        report = reader.report
        let c = reader.columns
        var triples = [RatingTriple]()
        triples.reserveCapacity(c.count)
        for k in 0..<c.count {
            triples.append(RatingTriple(user: c.users[k], item: c.items[k], rating: c.ratings[k],
                                        timestamp: c.stamps.isEmpty ? 0 : c.stamps[k]))
        }
        return triples
    }

    // MARK: - Formats

    static func loadML100K(folder: String, options: LoadOptions) throws -> Dataset {
        var report = LoadReport()
        let genrePath = join(folder, "u.genre")
        let genres = FileManager.default.fileExists(atPath: genrePath)
            ? try ItemFiles.readUGenre(path: genrePath, options: options, report: &report)
            : ItemFiles.defaultML100KGenres
        let itemPath = join(folder, "u.item")
        let items = FileManager.default.fileExists(atPath: itemPath)
            ? try ItemFiles.readUItem(path: itemPath, genres: genres, options: options, report: &report) : []
        let layout = RatingsLayout(delimiter: .tab, hasHeader: false)
        var ds = try loadRatings(path: join(folder, "u.data"), layout: layout, rule: .wholeStars,
                                 catalog: Catalog(items: items), name: name(of: folder), source: folder,
                                 options: options, report: report)
        let userPath = join(folder, "u.user")
        if FileManager.default.fileExists(atPath: userPath) {
            let attributes = try ItemFiles.readUsers(path: userPath, delimiter: .pipe, order: .ml100K,
                                                     options: options, report: &ds.loadReport)
            ds.userAttributes = align(attributes, to: ds.users)
        }
        return ds
    }

    static func loadMLDat(folder: String, options: LoadOptions) throws -> Dataset {
        var report = LoadReport()
        let moviesPath = join(folder, "movies.dat")
        let items = FileManager.default.fileExists(atPath: moviesPath)
            ? try ItemFiles.readMoviesDat(path: moviesPath, options: options, report: &report) : []
        let usersPath = join(folder, "users.dat")
        let hasUsers = FileManager.default.fileExists(atPath: usersPath)
        // 1M (with users.dat) documents whole stars; 10M half stars.
        let layout = RatingsLayout(delimiter: .doubleColon, hasHeader: false)
        var ds = try loadRatings(path: join(folder, "ratings.dat"), layout: layout,
                                 rule: hasUsers ? .wholeStars : .halfStars, catalog: Catalog(items: items),
                                 name: name(of: folder), source: folder, options: options, report: report)
        if hasUsers {
            let attributes = try ItemFiles.readUsers(path: usersPath, delimiter: .doubleColon, order: .ml1M,
                                                     options: options, report: &ds.loadReport)
            ds.userAttributes = align(attributes, to: ds.users)
        }
        let tagsPath = join(folder, "tags.dat")
        if FileManager.default.fileExists(atPath: tagsPath) {
            try ItemFiles.readTags(path: tagsPath, csv: false, catalog: &ds.catalog, options: options,
                                   report: &ds.loadReport)
        }
        return ds
    }

    static func loadMLCSV(folder: String, options: LoadOptions) throws -> Dataset {
        var report = LoadReport()
        let moviesPath = join(folder, "movies.csv")
        let items = FileManager.default.fileExists(atPath: moviesPath)
            ? try ItemFiles.readMoviesCSV(path: moviesPath, options: options, report: &report) : []
        let ratingsPath = join(folder, "ratings.csv")
        try requireFile(ratingsPath)
        var layout = try RatingsLayout.detect(path: ratingsPath)
        guard layout.hasHeader, layout.delimiter == .comma else {
            throw LoadError(file: ratingsPath, line: 1, column: 1,
                            "expected the header userId,movieId,rating,timestamp")
        }
        layout.delimiter = .comma
        var ds = try loadRatings(path: ratingsPath, layout: layout, rule: .halfStars,
                                 catalog: Catalog(items: items), name: name(of: folder), source: folder,
                                 options: options, report: report)
        let tagsPath = join(folder, "tags.csv")
        if FileManager.default.fileExists(atPath: tagsPath) {
            try ItemFiles.readTags(path: tagsPath, csv: true, catalog: &ds.catalog, options: options,
                                   report: &ds.loadReport)
        }
        let usersPath = join(folder, "users.csv")
        if FileManager.default.fileExists(atPath: usersPath) {
            let attributes = try ItemFiles.readUsersCSV(path: usersPath, options: options, report: &ds.loadReport)
            ds.userAttributes = align(attributes, to: ds.users)
            ds.loadReport.usersCSV = usersPath
        }
        let tastesPath = join(folder, "tastes.csv")
        if FileManager.default.fileExists(atPath: tastesPath) {
            ds.tastes = try UserTastes.read(path: tastesPath, users: ds.users)
        }
        return ds
    }

    static func loadRatingsFile(_ path: String, options: LoadOptions) throws -> Dataset {
        var report = LoadReport()
        var items: [Item] = []
        if let itemsPath = options.itemsPath {
            items = try ItemFiles.readAnyItemsFile(path: itemsPath, options: options, report: &report)
        }
        try requireFile(path)
        let layout = try RatingsLayout.detect(path: path)
        let base = (name(of: path) as NSString).deletingPathExtension
        return try loadRatings(path: path, layout: layout, rule: .any, catalog: Catalog(items: items),
                               name: base.isEmpty ? name(of: path) : base, source: path, options: options,
                               report: report)
    }

    /// Parses a ratings file with a known layout into a dataset over `catalog`.
    static func loadRatings(path: String, layout: RatingsLayout, rule: ScaleRule, catalog: Catalog, name: String,
                            source: String, options: LoadOptions, report: LoadReport) throws -> Dataset {
        try requireFile(path)
        let t0 = DispatchTime.now().uptimeNanoseconds
        var reader = RatingsReader(path: path, layout: layout, rule: rule, options: options,
                                   users: Vocabulary(), catalog: catalog, report: report)
        try reader.run()
        let t1 = DispatchTime.now().uptimeNanoseconds
        guard reader.columns.count > 0 else {
            if reader.report.skippedLines > 0 {
                throw LoadError(file: path, "no valid ratings: all \(reader.report.skippedLines) lines were malformed (first: \(reader.report.skippedExamples.first?.description ?? "?"))")
            }
            throw LoadError(file: path, "no ratings found: expected lines of user, item, rating[, timestamp]")
        }
        let users = reader.users
        let finalCatalog = reader.catalog
        var finalReport = reader.report
        // MovieLens folders report their documented scale (whole stars when a
        // half-star format holds only whole stars, as the sample data does);
        // generic files report what they contain.
        let observed = reader.columns.observedScale
        let scale: RatingScale
        switch rule {
        case .any: scale = observed
        case .wholeStars: scale = .wholeStars
        case .halfStars: scale = observed.step == 1 && observed.min >= 1 ? .wholeStars : .halfStars
        }
        let columns = reader.columns
        reader.columns = RatingColumns()  // release the reader's reference before building
        let matrix = columns.buildMatrix(userCount: users.count, itemCount: finalCatalog.count)
        let t2 = DispatchTime.now().uptimeNanoseconds
        finalReport.duplicateRatings += matrix.duplicateCount
        finalReport.ratingsBytes += reader.bytesRead
        finalReport.parseSeconds += Double(t1 - t0) / 1e9
        finalReport.buildSeconds += Double(t2 - t1) / 1e9
        return Dataset(name: name, source: source, catalog: finalCatalog, users: users, ratings: matrix,
                       scale: scale, loadReport: finalReport)
    }

    // MARK: - Helpers

    /// Records a rejected line: throws it when strict, counts it (keeping the first few) otherwise.
    static func reject(_ error: LoadError, options: LoadOptions, report: inout LoadReport) throws {
        guard options.skipBadLines else { throw error }
        report.skippedLines += 1
        if report.skippedExamples.count < keptExamples { report.skippedExamples.append(error) }
    }

    static func requireFile(_ path: String) throws {
        try ByteParsing.requireRegularFile(path)
    }

    static func join(_ folder: String, _ name: String) -> String {
        (folder as NSString).appendingPathComponent(name)
    }

    /// The last path component of the absolute, standardised path ("ml-100k").
    static func name(of path: String) -> String {
        let absolute = path.hasPrefix("/") ? path : join(FileManager.default.currentDirectoryPath, path)
        let name = URL(fileURLWithPath: absolute).standardizedFileURL.lastPathComponent
        return name.isEmpty ? path : name
    }

    static func align(_ attributes: [String: UserAttributes], to users: Vocabulary) -> [UserAttributes] {
        users.ids.map { attributes[$0] ?? UserAttributes() }
    }
}
