import Foundation
import RecsysEngine

/// The fuzz target for `--class DIR` and `class summary DIR`: a folder of exported profiles
/// (CSV and JSON, plus a foreign file) whose files are mutated, read with `FolderClass.load`.
///
/// The rules: loading a class folder never throws for a bad file (only for a missing folder);
/// every skipped file is one line that starts with that file's path; and no learner is lost:
/// every file not reported loads as a learner.
public enum ClassFolderFuzz {
    public static func target() -> FuzzTarget {
        var files: [String: [UInt8]] = [:]
        for (k, name) in ["alice", "bob", "chloé, \"c\""].enumerated() {
            let summary = ProfileSummary(name: name, created: 0, dataset: "sample", ratingCount: 0, lastRated: nil)
            let ratings = (0..<12).map { j in
                StoredRating(item: String(1 + (j * 7 + k * 3) % 90), value: Float(1 + (j + k) % 5),
                             timestamp: 1_700_000_000 + Int64(j * 60 + k))
            }
            let format: ProfileFile.Format = k == 1 ? .json : .csv
            files["\(name.prefix(5)).\(format.rawValue)"] = [UInt8](ProfileFile.export(profile: summary, ratings: ratings,
                                                                                     format: format))
        }
        var foreign = files
        foreign["notes.txt"] = Array("bring popcorn\n".utf8)
        return FuzzTarget(name: "class-folder", seeds: [
            FuzzSeed(name: "exports", files: files, entry: ""),
            FuzzSeed(name: "exports-and-notes", files: foreign, entry: ""),
        ]) { path, _ in
            let snapshot = try FolderClass(folder: path).load(excluding: "nobody")
            let names = try FolderClass(folder: path).files()
            for p in snapshot.problems {
                if p.contains("\n") { throw ClassFuzzFinding("a problem spans several lines: \(p.prefix(120))") }
                if !names.contains(where: { p.hasPrefix($0 + ":") }) {
                    throw ClassFuzzFinding("a problem names no file of the folder: \(p.prefix(120))")
                }
            }
            if snapshot.members.count + snapshot.problems.count != names.count {
                throw ClassFuzzFinding("\(names.count) files but \(snapshot.members.count) learners and \(snapshot.problems.count) problems")
            }
        }
    }
}

/// A broken rule of the class-folder target (not a `LoadError`, so the fuzzer reports it).
struct ClassFuzzFinding: Error, CustomStringConvertible {
    var description: String
    init(_ d: String) { description = d }
}
