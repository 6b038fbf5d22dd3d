import Foundation

/// Reads the catalog of an explicit split (`--items FILE`): MovieLens `movies.csv`
/// with `|`-separated genres and keywords, titles may be quoted
/// (`movieId,title,genres[,keywords,director]`, as in the bundled sample), MovieLens 100K
/// `u.item` (`id|title|date|video date|url|19 genre flags`, Latin-1), or a tab-separated
/// `id<TAB>title[<TAB>genres]` file.
///
/// A small reader kept beside evaluation so that explicit splits can carry titles and
/// genres (for the diversity metric) whatever loader the data layer uses.
enum ItemsFileReader {
    static let ml100kGenres = ["unknown", "Action", "Adventure", "Animation", "Children's", "Comedy", "Crime",
                               "Documentary", "Drama", "Fantasy", "Film-Noir", "Horror", "Musical", "Mystery",
                               "Romance", "Sci-Fi", "Thriller", "War", "Western"]

    static func read(path: String) throws -> Catalog {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw LoadError(file: path, "cannot read items file")
        }
        let text = String(data: data, encoding: .utf8) ?? String(String.UnicodeScalarView(data.map { Unicode.Scalar($0) }))
        var catalog = Catalog(items: [])
        var lineNo = 0
        for raw in text.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNo += 1
            let line = raw.hasSuffix("\r") ? raw.dropLast() : raw
            if line.isEmpty { continue }
            let item: Item?
            if line.contains("\t") {
                item = parseTab(line)
            } else if let bar = line.firstIndex(of: "|"), Int(line[..<bar]) != nil {
                item = parsePipe(line)
            } else {
                item = parseCSV(line)
            }
            guard let item else {
                if lineNo == 1 { continue }  // header
                throw LoadError(file: path, line: lineNo, column: 1, "expected an item: id, title[, genres]")
            }
            catalog.append(item)
        }
        return catalog
    }

    static func parsePipe(_ line: Substring) -> Item? {
        let f = line.split(separator: "|", omittingEmptySubsequences: false)
        guard f.count >= 2, !f[0].isEmpty, Int(f[0]) != nil || f.count < 24 else { return nil }
        let (title, year) = Item.splitTitleYear(String(f[1]))
        var genres: [String] = []
        if f.count >= 24 {
            for (g, flag) in f.suffix(19).enumerated() where flag == "1" { genres.append(ml100kGenres[g]) }
        } else if f.count >= 3 {
            genres = f[2].split(separator: ",").map { String($0) }
        }
        return Item(rawID: String(f[0]), title: title, year: year, genres: genres)
    }

    static func parseTab(_ line: Substring) -> Item? {
        let f = line.split(separator: "\t", omittingEmptySubsequences: false)
        guard f.count >= 2, !f[0].isEmpty else { return nil }
        if f[0].lowercased().contains("id") && Int(f[0]) == nil { return nil }
        let (title, year) = Item.splitTitleYear(String(f[1]))
        let genres = f.count >= 3 ? f[2].split(separator: "|").map(String.init).filter { $0 != "(no genres listed)" } : []
        return Item(rawID: String(f[0]), title: title, year: year, genres: genres)
    }

    /// `id,title,genres` where the title may be quoted with doubled quotes inside.
    static func parseCSV(_ line: Substring) -> Item? {
        var fields: [String] = []
        var cur = "", quoted = false
        var it = line.makeIterator()
        while let c = it.next() {
            if quoted {
                if c == "\"" {
                    if let n = it.next() {
                        if n == "\"" { cur.append("\"") } else if n == "," { quoted = false; fields.append(cur); cur = "" } else {
                            quoted = false; cur.append(n)
                        }
                    } else { quoted = false }
                } else { cur.append(c) }
            } else if c == "\"" && cur.isEmpty {
                quoted = true
            } else if c == "," {
                fields.append(cur); cur = ""
            } else { cur.append(c) }
        }
        fields.append(cur)
        guard fields.count >= 2, !fields[0].isEmpty, fields[0] != "movieId" else { return nil }
        let (title, year) = Item.splitTitleYear(fields[1])
        let genres = fields.count >= 3
            ? fields[2].split(separator: "|").map(String.init).filter { $0 != "(no genres listed)" } : []
        // The bundled sample's movies.csv adds keywords and director columns.
        let keywords = fields.count >= 4 ? fields[3].split(separator: "|").map(String.init) : []
        let director = fields.count >= 5 && !fields[4].isEmpty ? fields[4] : nil
        return Item(rawID: fields[0], title: title, year: year, genres: genres, keywords: keywords, director: director)
    }
}
