import XCTest
@testable import RecsysEngine

final class RatingMatrixTests: XCTestCase {
    func testCSRAndCSCAgreeAndDuplicatesKeepLast() {
        let t: [RatingTriple] = [
            .init(user: 1, item: 2, rating: 3), .init(user: 0, item: 1, rating: 4),
            .init(user: 1, item: 0, rating: 5), .init(user: 1, item: 2, rating: 1),
            .init(user: 0, item: 2, rating: 2),
        ]
        let m = RatingMatrix(userCount: 2, itemCount: 3, triples: t)
        XCTAssertTrue(m.checkInvariants())
        XCTAssertEqual(m.count, 4)
        XCTAssertEqual(m.duplicateCount, 1)
        XCTAssertEqual(m.rating(user: 1, item: 2), 1)
        XCTAssertEqual(Array(m.row(1).items), [0, 2])
        XCTAssertEqual(Array(m.column(2).users), [0, 1])
        XCTAssertEqual(Array(m.column(2).ratings), [2, 1])
        XCTAssertNil(m.rating(user: 0, item: 0))
    }

    func testVocabularyRoundTrip() {
        var v = Vocabulary(["b", "a", "b", "c"])
        XCTAssertEqual(v.count, 3)
        XCTAssertEqual(v.index(of: "a"), 1)
        XCTAssertEqual(v.id(at: 2), "c")
        XCTAssertEqual(v.insert("d"), 3)
        XCTAssertNil(v.index(of: "zz"))
        for i in 0..<Int32(v.count) { XCTAssertEqual(v.index(of: v.id(at: i)), i) }
    }

    func testTopKOrdersAndBreaksTiesByIndex() {
        let s: [Float] = [1, 5, 3, 5, .nan, 2]
        XCTAssertEqual(topK(s, k: 3).map(\.item), [1, 3, 2])
        XCTAssertEqual(topK(s, k: 3) { $0 != 1 }.map(\.item), [3, 2, 5])
        XCTAssertEqual(topK(s, k: 0), [])
    }

    func testSplitMixIsDeterministic() {
        var a = SplitMix64(seed: 7), b = SplitMix64(seed: 7)
        for _ in 0..<100 { XCTAssertEqual(a.next(), b.next()) }
        var c = SplitMix64(seed: 8)
        XCTAssertNotEqual(SplitMix64(seed: 7).state, c.state)
        _ = c.next()
    }
}
