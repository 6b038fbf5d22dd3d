import Foundation
import RecsysLessons
import XCTest
@testable import RecsysUI

/// Issue 14: "every term a lesson uses is defined in the glossary". The `terms:` header must name every
/// glossary term (or alias) the lesson's text, tasks and hints use, so that `?` shows it under "In this
/// lesson"; and every term the header names is defined (LessonFileTests checks that half with the loader).
final class LessonGlossaryTests: XCTestCase {
    /// Glossary terms (by their main name) that `text` uses as whole words, case ignored.
    static func termsUsed(in text: String, glossary: [GlossaryTerm]) -> Set<String> {
        var used: Set<String> = []
        for t in glossary {
            for name in [t.term] + t.aliases {
                let pattern = "(?<![\\w-])" + NSRegularExpression.escapedPattern(for: name) + "(?![\\w-])"
                let re = try! NSRegularExpression(pattern: pattern, options: [.caseInsensitive])
                if re.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil {
                    used.insert(t.term)
                    break
                }
            }
        }
        return used
    }

    func testEveryGlossaryTermALessonsTextUsesIsInItsTermsHeader() throws {
        let course = try LessonLibrary.builtIn()
        for l in course.lessons {
            let text = ([l.summary] + l.steps.flatMap { [$0.title, $0.task] + $0.text + $0.hints }).joined(separator: "\n")
            let listed = Set(course.glossary.filter { g in l.terms.contains { g.matches($0) } }.map(\.term))
            let missing = Self.termsUsed(in: text, glossary: course.glossary).subtracting(listed)
            XCTAssertEqual(missing, [], "\(l.file) uses these glossary terms without naming them in 'terms:'")
        }
    }

    func testTheTermMatcherFindsWholeWordsOnly() {
        let glossary = [GlossaryTerm(term: "SVD", text: "x", aliases: ["matrix factorisation"]),
                        GlossaryTerm(term: "cold start", text: "x"), GlossaryTerm(term: "loss", text: "x")]
        XCTAssertEqual(Self.termsUsed(in: "Show svd's list; Matrix factorisation in short.", glossary: glossary), ["SVD"])
        XCTAssertEqual(Self.termsUsed(in: "the cold-start curve; no glosses", glossary: glossary), [],
                       "a hyphenated compound and a longer word are other words")
        XCTAssertEqual(Self.termsUsed(in: "beat the item cold start.", glossary: glossary), ["cold start"])
    }
}
