import Foundation

/// A seeded generator of MovieLens-shaped `ratings.csv` + `movies.csv` folders,
/// for loader benchmarks (the real 25M files may not be redistributed).
///
/// Shape of MovieLens 25M: 25,000,095 ratings by 162,541 users of 59,047 of
/// 62,423 movies; at least 20 ratings per user with a heavy right tail;
/// item popularity following a Zipf-like law; half-star ratings; rows sorted
/// by user then movie id; movie ids sparse up to ~209k; some titles quoted
/// because they contain commas and quotes.
///
/// The same seed and sizes produce the same bytes.
public struct SyntheticMovieLens: Sendable {
    public var rows: Int
    public var users: Int
    /// Items that receive ratings.
    public var ratedItems: Int
    /// Movies in `movies.csv` (≥ ratedItems).
    public var movies: Int
    public var seed: UInt64

    /// A MovieLens release whose sizes the generator can scale.
    public enum Shape: String, Sendable, CaseIterable {
        /// MovieLens 25M: 25,000,095 ratings, 162,541 users, 59,047 rated of 62,423 movies.
        case ml25m = "ml-25m"
        /// MovieLens 32M: 32,000,204 ratings, 200,948 users, 84,432 rated of 87,585 movies.
        case ml32m = "ml-32m"

        /// (ratings, users, rated movies, movies) of the full release.
        public var sizes: (rows: Int, users: Int, ratedItems: Int, movies: Int) {
            switch self {
            case .ml25m: return (25_000_095, 162_541, 59_047, 62_423)
            case .ml32m: return (32_000_204, 200_948, 84_432, 87_585)
            }
        }
    }

    /// The sizes of MovieLens 25M scaled to `rows` ratings.
    public init(rows: Int, seed: UInt64 = 42) {
        self.init(shape: .ml25m, rows: rows, seed: seed)
    }

    /// The sizes of `shape` scaled to `rows` ratings (`rows` = the release's count gives its exact sizes).
    public init(shape: Shape, rows: Int, seed: UInt64 = 42) {
        let full = shape.sizes
        let scale = Double(rows) / Double(full.rows)
        self.rows = max(0, rows)
        self.users = max(1, Int((Double(full.users) * scale).rounded()))
        self.ratedItems = max(1, Int((Double(full.ratedItems) * scale).rounded()))
        self.movies = max(self.ratedItems, Int((Double(full.movies) * scale).rounded()))
        self.seed = seed
    }

    public init(rows: Int, users: Int, ratedItems: Int, movies: Int, seed: UInt64) {
        self.rows = max(0, rows)
        self.users = max(1, users)
        self.ratedItems = max(1, ratedItems)
        self.movies = max(self.ratedItems, movies)
        self.seed = seed
    }

    static let genres = ["Action", "Adventure", "Animation", "Children", "Comedy", "Crime", "Documentary", "Drama",
                         "Fantasy", "Film-Noir", "Horror", "Musical", "Mystery", "Romance", "Sci-Fi", "Thriller",
                         "War", "Western"]

    /// Movie id of catalog slot `j`: strictly increasing and sparse, up to about 209k (three per slot
    /// beyond 69,723 movies, as in MovieLens 32M whose ids reach 292k). The step is at least 3 so
    /// that the `j % 3` jitter never makes two slots share an id.
    func movieID(_ j: Int) -> Int { 1 + j * max(3, 209_171 / max(movies, 1)) + j % 3 }

    /// Writes `ratings.csv` and `movies.csv` into `folder` (created if needed).
    ///
    /// - Returns: the number of ratings written (≤ `rows` when users × items is smaller).
    /// - Complexity: O(rows · log items) time, O(users + items) memory.
    @discardableResult
    public func write(to folder: String) throws -> Int {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        var rng = SplitMix64(seed: seed)

        // Catalog slots that get ratings, and their popularity (Zipf over a random order).
        var slots = Array(0..<movies)
        for k in stride(from: movies - 1, to: 0, by: -1) { slots.swapAt(k, rng.nextInt(k + 1)) }
        let rated = Array(slots.prefix(ratedItems))
        var cdf = [Double](repeating: 0, count: ratedItems)
        var acc = 0.0
        for k in 0..<ratedItems {
            acc += 1 / pow(Double(k) + 20, 1.1)
            cdf[k] = acc
        }
        var quality = [Float](repeating: 0, count: movies)
        for j in 0..<movies { quality[j] = rng.nextGaussian() * 0.45 }

        // Ratings per user: a floor of 20 (or less for tiny sizes) plus a log-normal share of the rest.
        let floor = min(20, rows / users, ratedItems)
        var weights = [Double](repeating: 0, count: users)
        var wsum = 0.0
        for u in 0..<users {
            weights[u] = exp(1.4 * Double(rng.nextGaussian()))
            wsum += weights[u]
        }
        let remaining = max(0, rows - floor * users)
        var counts = weights.map { min(ratedItems, floor + Int(Double(remaining) * $0 / wsum)) }
        var missing = rows - counts.reduce(0, +)
        var u = 0
        var stalled = 0
        while missing > 0 && stalled < users {
            if counts[u] < ratedItems { counts[u] += 1; missing -= 1; stalled = 0 } else { stalled += 1 }
            u = (u + 1) % users
        }

        // ratings.csv
        var out = ByteWriter(path: (folder as NSString).appendingPathComponent("ratings.csv"))
        try out.open()
        out.append("userId,movieId,rating,timestamp\n")
        var mark = [Int32](repeating: -1, count: ratedItems)
        var chosen: [Int] = []
        var written = 0
        let t0: Int64 = 789_652_009, t1: Int64 = 1_574_327_703
        for user in 0..<users {
            let n = counts[user]
            chosen.removeAll(keepingCapacity: true)
            if n > ratedItems / 4 {
                // Heavy users: uniform distinct items (partial Fisher–Yates over a scratch order).
                var order = Array(0..<ratedItems)
                for k in 0..<n {
                    order.swapAt(k, k + rng.nextInt(ratedItems - k))
                    chosen.append(order[k])
                }
            } else {
                var attempts = 0
                while chosen.count < n {
                    let r = rng.nextDouble() * acc
                    var lo = 0, hi = ratedItems - 1
                    while lo < hi {
                        let mid = (lo + hi) / 2
                        if cdf[mid] < r { lo = mid + 1 } else { hi = mid }
                    }
                    attempts += 1
                    if attempts > 40 * n { lo = rng.nextInt(ratedItems) }
                    if mark[lo] != Int32(user) {
                        mark[lo] = Int32(user)
                        chosen.append(lo)
                    }
                }
            }
            var ids = chosen.map { rated[$0] }
            ids.sort()
            let bias = rng.nextGaussian() * 0.4
            let start = t0 + Int64(rng.nextInt(Int(t1 - t0)))
            for slot in ids {
                let x = 3.55 + quality[slot] + bias + rng.nextGaussian() * 0.85
                let r = min(10, max(1, Int((x * 2).rounded())))
                let ts = min(t1, start + Int64(rng.nextInt(94_608_000)))
                out.appendInt(user + 1); out.append(ASCII.comma)
                out.appendInt(movieID(slot)); out.append(ASCII.comma)
                out.appendInt(r / 2); out.append(ASCII.dot); out.append(r % 2 == 0 ? ASCII.zero : ASCII.zero + 5)
                out.append(ASCII.comma)
                out.appendInt(Int(ts)); out.append(ASCII.newline)
                written += 1
            }
            try out.flushIfFull()
        }
        try out.close()

        // movies.csv
        var movies = ByteWriter(path: (folder as NSString).appendingPathComponent("movies.csv"))
        try movies.open()
        movies.append("movieId,title,genres\n")
        for j in 0..<self.movies {
            let year = 1902 + (j * 7919) % 118
            movies.appendInt(movieID(j))
            if j % 10 == 3 {
                movies.append(",\"Movie \(j), The \"\"Sequel\"\" (\(year))\",")
            } else {
                movies.append(",Movie \(j) (\(year)),")
            }
            if j % 50 == 7 {
                movies.append("(no genres listed)")
            } else {
                let k = 1 + rng.nextInt(3)
                var gs = Set<Int>()
                while gs.count < k { gs.insert(rng.nextInt(Self.genres.count)) }
                movies.append(gs.sorted().map { Self.genres[$0] }.joined(separator: "|"))
            }
            movies.append(ASCII.newline)
            try movies.flushIfFull()
        }
        try movies.close()
        return written
    }
}

/// A buffered byte writer with fast integer formatting.
struct ByteWriter {
    let path: String
    var buffer: [UInt8] = []
    var handle: FileHandle?

    init(path: String) {
        self.path = path
        buffer.reserveCapacity(1 << 22)
    }

    mutating func open() throws {
        guard FileManager.default.createFile(atPath: path, contents: nil), let h = FileHandle(forWritingAtPath: path)
        else { throw LoadError(file: path, "cannot create the file") }
        handle = h
    }

    mutating func append(_ b: UInt8) { buffer.append(b) }
    mutating func append(_ s: String) { buffer.append(contentsOf: s.utf8) }

    mutating func appendInt(_ v: Int) {
        var x = v
        if x < 0 { buffer.append(ASCII.minus); x = -x }
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                     UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var n = 0
        withUnsafeMutableBytes(of: &digits) { d in
            repeat {
                d[n] = ASCII.zero + UInt8(x % 10)
                x /= 10
                n += 1
            } while x > 0
            for k in stride(from: n - 1, through: 0, by: -1) { buffer.append(d[k]) }
        }
    }

    mutating func flushIfFull() throws {
        if buffer.count >= 1 << 22 { try flush() }
    }

    mutating func flush() throws {
        guard let h = handle else { return }
        try h.write(contentsOf: buffer)
        buffer.removeAll(keepingCapacity: true)
    }

    mutating func close() throws {
        try flush()
        try handle?.close()
        handle = nil
    }
}
