import ArgumentParser
import Foundation
import RecsysEngine

/// `recsys-tui info`: statistics of a dataset, as text or JSON.
///
/// Text draws the rating histogram with block characters; JSON has the keys of
/// ``DatasetStatistics`` (`name`, `users`, `items`, `ratings`, `density`,
/// `rating_scale`, …). A load error prints one line and exits with status 2.
struct InfoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "info",
        abstract: "Show statistics of a dataset.",
        discussion: """
            Users, items, ratings, density, rating scale and histogram, ratings per user and per item, \
            top genres, the popularity long tail (fewest items covering 80% of ratings) and the time span.
            """)

    @OptionGroup var dataOptions: DataOptions

    @Option(help: "Output format: text or json.")
    var format: OutputFormat = .text

    enum OutputFormat: String, ExpressibleByArgument, CaseIterable { case text, json }

    func run() throws {
        let ds = try dataOptions.load()
        let stats = ds.statistics()
        switch format {
        case .json:
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            guard let data = try? encoder.encode(stats), let text = String(data: data, encoding: .utf8) else {
                throw CommandError("cannot encode the statistics as JSON")
            }
            print(text)
        case .text:
            print(InfoText.render(stats, source: ds.source, report: ds.loadReport), terminator: "")
        }
    }
}

/// The text rendering of `info`.
enum InfoText {
    static func render(_ s: DatasetStatistics, source: String, report: LoadReport) -> String {
        var out = "\(s.name)  (\(source))\n"
        func row(_ label: String, _ value: String) { out += "  " + label.padding(toLength: 18, withPad: " ", startingAt: 0) + value + "\n" }
        row("users", group(s.users))
        row("items", "\(group(s.items))  (\(group(s.ratedItems)) rated)")
        row("ratings", "\(group(s.ratings))  (density \(percent(s.density, digits: 3)))")
        row("rating scale", "\(number(s.ratingScale.min))–\(number(s.ratingScale.max)), step \(number(s.ratingScale.step))  (mean \(String(format: "%.2f", s.meanRating)))")
        row("ratings per user", distribution(s.ratingsPerUser))
        row("ratings per item", distribution(s.ratingsPerItem))
        row("long tail", "\(group(s.longTail.items)) items get \(Int(s.longTail.coverage * 100))% of the ratings (\(percent(s.longTail.shareOfRatedItems, digits: 1)) of rated items)")
        if let t = s.timeSpan {
            row("time span", "\(t.firstDate) → \(t.lastDate)  (\(group(t.days)) days)")
        } else {
            row("time span", "no timestamps")
        }
        if s.usersWithAttributes > 0 { row("user attributes", "\(group(s.usersWithAttributes)) users (age, gender, occupation, zip)") }
        row("load", "\(group(s.duplicateRatings)) duplicates merged · \(group(s.placeholderItems)) placeholder items · \(group(s.skippedLines)) lines skipped · \(String(format: "%.0f", report.seconds * 1000)) ms")
        for e in report.skippedExamples { out += "    skipped \(e.description)\n" }

        out += "\nrating histogram\n"
        let maxCount = s.histogram.map(\.count).max() ?? 0
        let labelWidth = s.histogram.map { number($0.value).count }.max() ?? 1
        for bin in s.histogram {
            let label = number(bin.value)
            let share = s.ratings > 0 ? Double(bin.count) / Double(s.ratings) : 0
            out += "  " + String(repeating: " ", count: labelWidth - label.count) + label + " "
                + bar(Double(bin.count), of: Double(maxCount), width: 40)
                + " " + group(bin.count).leftPadded(to: 11) + "  " + percent(share, digits: 1).leftPadded(to: 6) + "\n"
        }
        if !s.topGenres.isEmpty {
            out += "\ntop genres (by ratings)\n"
            let width = s.topGenres.prefix(10).map(\.genre.count).max() ?? 0
            for g in s.topGenres.prefix(10) {
                out += "  " + g.genre.padding(toLength: width, withPad: " ", startingAt: 0) + "  "
                    + group(g.ratings).leftPadded(to: 11) + " ratings  " + group(g.items).leftPadded(to: 7) + " items\n"
            }
        }
        return out
    }

    /// A horizontal bar of `width` cells drawn with eighth blocks.
    static func bar(_ value: Double, of maximum: Double, width: Int) -> String {
        guard maximum > 0 else { return String(repeating: " ", count: width) }
        let eighths = Int((value / maximum * Double(width * 8)).rounded())
        let partial = ["", "▏", "▎", "▍", "▌", "▋", "▊", "▉"]
        var s = String(repeating: "█", count: eighths / 8) + partial[eighths % 8]
        let cells = eighths / 8 + (eighths % 8 > 0 ? 1 : 0)
        s += String(repeating: " ", count: max(0, width - cells))
        return s
    }

    static func distribution(_ d: DatasetStatistics.Distribution) -> String {
        let median = d.median == d.median.rounded() ? group(Int(d.median)) : String(format: "%.1f", d.median)
        return "min \(group(d.min)) · median \(median) · mean \(String(format: "%.1f", d.mean)) · max \(group(d.max))"
    }

    /// 1234567 → "1,234,567".
    static func group(_ v: Int) -> String {
        let digits = String(abs(v))
        var out = ""
        for (k, c) in digits.enumerated() {
            if k > 0 && (digits.count - k) % 3 == 0 { out.append(",") }
            out.append(c)
        }
        return (v < 0 ? "-" : "") + out
    }

    static func number(_ v: Float) -> String {
        v == v.rounded() && abs(v) < 1e9 ? String(Int(v)) : String(format: "%g", Double(v))
    }

    static func percent(_ v: Double, digits: Int) -> String {
        String(format: "%.\(digits)f%%", v * 100)
    }
}

extension String {
    func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
    }
}
