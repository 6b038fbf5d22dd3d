import Foundation

/// The dataset cache: parsed datasets saved as `DatasetImage`s in `datasets/`, read back
/// (memory-mapped) instead of parsing the source files again.
///
/// An image is found by the source's absolute path and the load options
/// (`datasets/<name>-<16 hex digits>.rsc`) and used only when its key still matches: the image
/// version and, for every file the load can read (each regular file of the folder, or the
/// ratings file and the `--items` file), its name, size, modification time and a checksum of its
/// first and last 64 KiB. Any change there makes the image stale: the dataset is parsed again
/// and the image replaced.
public struct DatasetCache: Sendable {
    public let location: CacheLocation

    public init(location: CacheLocation) { self.location = location }

    /// What a lookup found.
    public enum Lookup: Sendable {
        case hit(Dataset, DatasetFingerprint)
        case miss
        /// An image that could not be used (deleted).
        case refused(CacheRefusal)
    }

    static func absolute(_ path: String) -> String {
        let abs = path.hasPrefix("/") ? path : (FileManager.default.currentDirectoryPath as NSString).appendingPathComponent(path)
        return URL(fileURLWithPath: abs).standardizedFileURL.path
    }

    /// The fields that find the image: source and options.
    static func lookupFields(path: String, options: LoadOptions) -> [(String, String)] {
        [("kind", CacheEntryKind.dataset.name), ("source", absolute(path)),
         ("options", "skip-bad-lines=\(options.skipBadLines),items=\(options.itemsPath.map(absolute) ?? "-")")]
    }

    /// The expected key of the image of `path` as the files are now.
    public func key(path: String, options: LoadOptions) -> CacheKey {
        var k = CacheKey(Self.lookupFields(path: path, options: options))
        k.add("image-version", String(DatasetImage.version))
        k.add("files", Self.signature(path: path, options: options))
        return k
    }

    /// The dataset's name as the loader gives it ("ml-25m" for ".../ml-25m/").
    public static func displayName(_ path: String) -> String { DatasetLoader.name(of: path) }

    /// The image file of `path` loaded with `options`.
    public func file(path: String, options: LoadOptions) -> String {
        let digest = CacheKey(Self.lookupFields(path: path, options: options)).digest
        let name = String(DatasetLoader.name(of: path).map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "." ? $0 : "_" })
        return (location.datasets as NSString).appendingPathComponent("\(name)-\(digest)\(CacheFile.suffix)")
    }

    /// `name:size:mtime:checksum` of each file the load may read, `;`-separated, sorted by name.
    static func signature(path: String, options: LoadOptions) -> String {
        let fm = FileManager.default
        var files: [String] = []
        var isDir: ObjCBool = false
        if fm.fileExists(atPath: path, isDirectory: &isDir), isDir.boolValue {
            files = ((try? fm.contentsOfDirectory(atPath: path)) ?? []).filter { !$0.hasPrefix(".") }.sorted()
                .map { (path as NSString).appendingPathComponent($0) }
        } else {
            files = [path]
        }
        if let items = options.itemsPath { files.append(items) }
        return files.compactMap { f -> String? in
            var st = stat()
            guard stat(f, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else { return nil }
            let mtime = Int64(st.st_mtim.tv_sec) * 1_000_000_000 + Int64(st.st_mtim.tv_nsec)
            return "\((f as NSString).lastPathComponent):\(st.st_size):\(mtime):\(String(headTailChecksum(f, size: Int(st.st_size)), radix: 16))"
        }.joined(separator: ";")
    }

    /// `CacheChecksum` of the first and last 64 KiB of a file (the whole file when smaller).
    static func headTailChecksum(_ path: String, size: Int) -> UInt64 {
        guard let h = FileHandle(forReadingAtPath: path) else { return 0 }
        defer { try? h.close() }
        let span = 64 << 10
        var bytes = [UInt8]((try? h.read(upToCount: span)) ?? Data())
        if size > span {
            try? h.seek(toOffset: UInt64(max(span, size - span)))
            bytes += (try? h.read(upToCount: span)) ?? Data()
        }
        return CacheChecksum.hash(bytes)
    }

    /// The cached dataset of `path`, if a valid image exists. A damaged or stale image is deleted.
    public func load(path: String, options: LoadOptions) -> Lookup {
        let file = file(path: path, options: options)
        guard FileManager.default.fileExists(atPath: file) else { return .miss }
        let start = DispatchTime.now()
        do {
            var (ds, fp) = try Self.read(file: file, key: key(path: path, options: options))
            ds.source = path
            ds.loadReport.seconds = Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
            return .hit(ds, fp)
        } catch let e as LoadError {
            try? FileManager.default.removeItem(atPath: file)
            return .refused(e.message == CacheFile.staleMessage ? .stale(e.message) : .corrupt(e.message))
        } catch {
            try? FileManager.default.removeItem(atPath: file)
            return .refused(.corrupt("\(error)"))
        }
    }

    /// Reads a dataset image; with `key` nil any well-formed image is read (the fuzz target).
    public static func read(file: String, key: CacheKey?) throws -> (Dataset, DatasetFingerprint) {
        try CacheFile.read(path: file, kind: .dataset, key: key) { try DatasetImage.decode($0, path: file) }
    }

    /// Saves the image of `dataset` (loaded from `path` with `options`), atomically.
    public func store(_ dataset: Dataset, fingerprint: DatasetFingerprint, path: String, options: LoadOptions) throws {
        var k = key(path: path, options: options)
        k.add("dataset", dataset.name)
        try CacheFile.write(path: file(path: path, options: options), kind: .dataset, key: k,
                            payload: DatasetImage.encode(dataset, fingerprint: fingerprint))
    }
}
