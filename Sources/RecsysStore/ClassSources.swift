import Foundation
import GRDB
import RecsysEngine

/// A class on one shared profile database: every profile but the learner's own that belongs
/// to the dataset being explored (bound to it, sharing its movie ids, or never bound, as
/// imported profiles are). Profiles bound to datasets whose ids mean other films are left out.
///
/// The fingerprint is one read of a few aggregates (the newest event id, the number of events
/// and of undone ones, the profiles' names): cheap enough to poll every second, and it changes
/// on every rating set, removed or undone by someone else, and when a profile appears, is
/// renamed or deleted. The learner's own events are left out of it, so their own rating does
/// not make the class look changed.
public struct StoreClass: ClassSource {
    public let store: SQLiteProfileStore
    public let dataset: DatasetIdentity

    public init(store: SQLiteProfileStore, dataset: DatasetIdentity) {
        self.store = store
        self.dataset = dataset
    }

    public var label: String { "the class of " + (store.path as NSString).lastPathComponent }

    public func fingerprint(excluding me: String) throws -> String {
        try store.read { db in
            let events = try Row.fetchOne(db, sql: """
                SELECT IFNULL(MAX(id), 0) AS last, COUNT(*) AS n, IFNULL(SUM(undone), 0) AS undone FROM event
                WHERE profileId NOT IN (SELECT id FROM profile WHERE name = ?)
                """, arguments: [me])
            let people = try Row.fetchOne(db, sql: """
                SELECT COUNT(*) AS n, IFNULL(group_concat(id || ':' || name || ':' || datasetKey, '|'), '') AS who FROM profile
                """)
            let e: (Int64, Int64, Int64) = (events?["last"] ?? 0, events?["n"] ?? 0, events?["undone"] ?? 0)
            let p: (Int64, String) = (people?["n"] ?? 0, people?["who"] ?? "")
            return "\(e.0)/\(e.1)/\(e.2)/\(p.0)/\(p.1)"
        }
    }

    public func load(excluding me: String) throws -> ClassSnapshot {
        let d = self.dataset
        let fingerprint = try self.fingerprint(excluding: me)
        let members: [ClassMember] = try store.read { db in
            let rows = try Row.fetchAll(db, sql: "SELECT id, name, datasetKey, datasetScheme FROM profile ORDER BY id")
            // One profile per name: this dataset's own first, then unbound or legacy ones, then shared ids.
            var chosen: [String: (rank: Int, id: Int64)] = [:]
            for r in rows {
                let name: String = r["name"]
                if name == me { continue }
                let key: String = r["datasetKey"]
                let scheme: String? = r["datasetScheme"]
                let rank: Int
                if key == d.key { rank = 0 }
                else if key.isEmpty || key == SQLiteProfileStore.legacyPrefix + d.name { rank = 1 }
                else if key.hasPrefix(SQLiteProfileStore.legacyPrefix) { continue }
                else if let s = d.idScheme, scheme == s { rank = 2 }
                else { continue }
                if let old = chosen[name], old.rank <= rank { continue }
                chosen[name] = (rank, r["id"])
            }
            let ids = chosen.values.map(\.id).sorted()
            var out: [ClassMember] = []
            for id in ids {
                let name = chosen.first { $0.value.id == id }!.key
                let ratings = try store.storedRatings(db, id)
                let pairs: [(String, String)] = try Row.fetchAll(
                    db, sql: "SELECT attribute, value FROM profile_attribute WHERE profileId = ?", arguments: [id]
                ).map { ($0["attribute"], $0["value"]) }
                let attributes = (try? Demographics.attributes(from: pairs)) ?? UserAttributes()
                out.append(ClassMember(name: name, ratings: ratings, attributes: attributes))
            }
            return out
        }
        return ClassSnapshot(members: members, fingerprint: fingerprint)
    }
}

/// A class in a folder of `profile export` files (CSV or JSON), one learner per file, for
/// classes whose learners run on their own laptops and hand their files in.
///
/// A learner is named by the file's profile (the JSON `profile`, the CSV user column). A file
/// that cannot be read — damaged, foreign, several users, a name already taken — is skipped
/// with one line naming the file (and the line, when it is about one), and the rest load.
/// Hidden files and sub-folders are ignored. The fingerprint is the names, sizes and
/// modification times of the files.
public struct FolderClass: ClassSource {
    public let folder: String

    public init(folder: String) {
        self.folder = folder
    }

    public var label: String { "the class in " + folder }

    /// The files considered, sorted by name.
    func files() throws -> [String] {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDir) else {
            throw LoadError(file: folder, "no such folder (expected a folder of 'profile export' files)")
        }
        guard isDir.boolValue else {
            throw LoadError(file: folder, "is a file; expected a folder of 'profile export' files")
        }
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else {
            throw LoadError(file: folder, "cannot list the folder (permissions?)")
        }
        return names.filter { !$0.hasPrefix(".") }.sorted().map { (folder as NSString).appendingPathComponent($0) }
            .filter { p in
                var d: ObjCBool = false
                return FileManager.default.fileExists(atPath: p, isDirectory: &d) && !d.boolValue
            }
    }

    public func fingerprint(excluding me: String) throws -> String {
        try files().map { p -> String in
            let a = try? FileManager.default.attributesOfItem(atPath: p)
            let size = (a?[.size] as? NSNumber)?.int64Value ?? -1
            let time = (a?[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
            return "\(p):\(size):\(time)"
        }.joined(separator: "|")
    }

    public func load(excluding me: String) throws -> ClassSnapshot {
        let fingerprint = try self.fingerprint(excluding: me)
        var members: [ClassMember] = []
        var from: [String: String] = [:]
        var problems: [String] = []
        for path in try files() {
            do {
                let parsed = try ProfileFile.read(path: path)
                guard let name = parsed.users.first, !name.isEmpty else {
                    throw LoadError(file: path, "no ratings found: expected a 'profile export' file")
                }
                if name == me { continue }
                if let first = from[name] {
                    throw LoadError(file: path, "learner \(String(reflecting: name)) is already loaded from "
                                    + (first as NSString).lastPathComponent + "; this file is skipped")
                }
                from[name] = path
                members.append(ClassMember(name: name, ratings: parsed.ratings))
            } catch let e as LoadError {
                problems.append(e.description)
            } catch {
                problems.append("\(path): \(error)")
            }
        }
        return ClassSnapshot(members: members, problems: problems, fingerprint: fingerprint)
    }
}
