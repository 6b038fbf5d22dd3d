import ArgumentParser
import Foundation
import RecsysEngine

/// Output formats of the listing commands.
enum ListFormat: String, ExpressibleByArgument, CaseIterable {
    case table, json, csv
}

/// Writes a listing as a table, JSON (`{"algorithm": …, key: value, "items": [...]}`) or CSV.
///
/// - Parameters:
///   - preface: lines printed above the table (not in JSON or CSV).
///   - jsonFields: extra JSON members (name, already-encoded value) placed after `key`.
func printListing(_ rows: [ListedItem], algorithm: String, key: String, value: String, format: ListFormat,
                  notes: [String] = [], preface: [String] = [], jsonFields: [(String, String)] = []) {
    switch format {
    case .json:
        var s = "{\"algorithm\": \(jsonString(algorithm)), \(jsonString(key)): \(jsonString(value)), "
        for (name, encoded) in jsonFields { s += "\(jsonString(name)): \(encoded), " }
        s += "\"items\": ["
        s += rows.map { $0.json() }.joined(separator: ", ")
        s += "]"
        if !notes.isEmpty { s += ", \"notes\": [" + notes.map(jsonString).joined(separator: ", ") + "]" }
        print(s + "}")
    case .csv:
        print("rank,item,title,score,reason")
        for r in rows {
            print([String(r.rank), csvField(r.item), csvField(r.title), jsonNumber(r.score), csvField(r.reason)]
                .joined(separator: ","))
        }
    case .table:
        for line in preface { print(line) }
        for note in notes { print("note: \(note)") }
        let titleWidth = min(48, max(5, rows.map { $0.title.count }.max() ?? 5))
        let idWidth = max(4, rows.map { $0.item.count }.max() ?? 4)
        print(padCell("#", 4) + padCell("item", idWidth + 2) + padCell("title", titleWidth + 2) + padCell("score", 10) + "reason")
        for r in rows {
            let t = r.title.count > titleWidth ? String(r.title.prefix(titleWidth - 1)) + "…" : r.title
            print(padCell(String(r.rank), 4) + padCell(r.item, idWidth + 2) + padCell(t, titleWidth + 2)
                  + padCell(jsonNumber(r.score), 10) + r.reason)
        }
    }
}

func padCell(_ s: String, _ width: Int) -> String {
    s.count >= width ? s + " " : s + String(repeating: " ", count: width - s.count)
}

/// A JSON string literal with the required escapes.
func jsonString(_ s: String) -> String { JSONText.quoted(s) }

/// A finite number with at most 4 decimals ("4.61", "12", "-0.0312").
func jsonNumber(_ x: Float) -> String { JSONText.number(x) }

func csvField(_ s: String) -> String {
    s.contains(",") || s.contains("\"") || s.contains("\n") ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
}
