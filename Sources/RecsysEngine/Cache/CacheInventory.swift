import Foundation

/// One file of the cache, as `cache list` shows it.
public struct CacheEntryInfo: Sendable, Equatable {
    /// The file name ("svd-0123456789abcdef.rsc").
    public var entry: String
    public var path: String
    /// "model", "dataset", or "unreadable" (a file whose header does not parse; `cache clear` removes it).
    public var kind: String
    /// The dataset's name ("ml-100k"), "" when unknown.
    public var dataset: String
    /// The algorithm of a model entry, "" for a dataset image.
    public var algorithm: String
    /// The parameters of a model entry (`key=value,…`), the source folder of a dataset image.
    public var detail: String
    public var bytes: Int
    /// Seconds since the file was written.
    public var ageSeconds: Double
}

/// Lists and removes the files under a `CacheLocation` (`recsys-tui cache list|clear`).
public enum CacheInventory {
    /// Every entry, datasets first, then models; each group by dataset, algorithm and name.
    /// Leftover temporary files of interrupted writes are listed as "unreadable".
    public static func entries(_ location: CacheLocation, now: Date = Date()) -> [CacheEntryInfo] {
        var out: [CacheEntryInfo] = []
        let fm = FileManager.default
        for dir in [location.datasets, location.models] {
            for name in ((try? fm.contentsOfDirectory(atPath: dir)) ?? []).sorted() {
                let path = (dir as NSString).appendingPathComponent(name)
                guard let attrs = try? fm.attributesOfItem(atPath: path), attrs[.type] as? FileAttributeType == .typeRegular
                else { continue }
                let size = (attrs[.size] as? NSNumber)?.intValue ?? 0
                let age = max(0, now.timeIntervalSince((attrs[.modificationDate] as? Date) ?? now))
                var info = CacheEntryInfo(entry: name, path: path, kind: "unreadable", dataset: "", algorithm: "",
                                          detail: "", bytes: size, ageSeconds: age)
                if !name.hasPrefix("."), let h = try? CacheFile.readHeader(path: path) {
                    info.kind = h.kind.name
                    info.dataset = h.key["dataset"] ?? ""
                    info.algorithm = h.key["algorithm"] ?? ""
                    info.detail = h.kind == .model ? (h.key["parameters"] ?? "") : (h.key["source"] ?? "")
                }
                out.append(info)
            }
        }
        return out.sorted { a, b in
            (a.kind, a.dataset, a.algorithm, a.entry) < (b.kind, b.dataset, b.algorithm, b.entry)
        }
    }

    /// Removes the entries matching the filters (nil: any) and returns them. With a filter, only
    /// readable entries can match; `algorithm` matches model entries only. `dataset` matches the
    /// dataset's name or its source folder.
    public static func clear(_ location: CacheLocation, dataset: String? = nil, algorithm: String? = nil) -> [CacheEntryInfo] {
        var removed: [CacheEntryInfo] = []
        for e in entries(location) {
            if let dataset, e.dataset != dataset && !(e.kind == "dataset" && e.detail == DatasetCache.absolute(dataset)) {
                continue
            }
            if let algorithm, e.algorithm != algorithm { continue }
            if (try? FileManager.default.removeItem(atPath: e.path)) != nil { removed.append(e) }
        }
        return removed
    }
}
