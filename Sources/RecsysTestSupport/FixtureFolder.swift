import Foundation

/// Fixture folders in a MovieLens layout are committed with their data files renamed
/// (`u.data.fixture`, `u.item.fixture`), so that no file in the repository carries a MovieLens file
/// name: these are data we wrote, and GroupLens' files are never committed.
public enum FixtureFolder {
    /// A copy of `source` in a fresh temporary folder, under the same folder name (the dataset's
    /// name), with every `NAME.fixture` restored to `NAME`. Returns the copy's path.
    public static func materialize(_ source: String) throws -> String {
        let fm = FileManager.default
        let parent = NSTemporaryDirectory() + "recsys-fixture-\(getpid())-\(UUID().uuidString.prefix(8))"
        let target = parent + "/" + (source as NSString).lastPathComponent
        try fm.createDirectory(atPath: target, withIntermediateDirectories: true)
        for name in try fm.contentsOfDirectory(atPath: source) {
            let restored = name.hasSuffix(".fixture") ? String(name.dropLast(".fixture".count)) : name
            try fm.copyItem(atPath: source + "/" + name, toPath: target + "/" + restored)
        }
        return target
    }
}
