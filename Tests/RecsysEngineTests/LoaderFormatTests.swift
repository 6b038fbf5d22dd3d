import Foundation
import XCTest
@testable import RecsysEngine

/// One test per dataset layout, on fixtures written here.
final class LoaderFormatTests: XCTestCase {
    func testML100KFolderDecodesLatin1GenresUsersAndTimestamps() throws {
        let dir = LoaderFixtureDir()
        let ds = try DatasetLoader.load(path: dir.ml100K())
        XCTAssertEqual(ds.name, "ml-100k")
        XCTAssertEqual(ds.userCount, 3)
        XCTAssertEqual(ds.itemCount, 3)
        XCTAssertEqual(ds.ratings.count, 5)
        XCTAssertEqual(ds.scale, .wholeStars)
        XCTAssertTrue(ds.ratings.checkInvariants())

        let les = try XCTUnwrap(ds.catalog.index(of: "2"))
        XCTAssertEqual(ds.catalog[les].title, "Misérables, Les (1995)")
        XCTAssertEqual(ds.catalog[les].displayTitle, "Misérables, Les")
        XCTAssertEqual(ds.catalog[les].year, 1995)
        XCTAssertEqual(ds.catalog[les].genres, ["Drama", "Romance"])
        let toy = try XCTUnwrap(ds.catalog.index(of: "1"))
        XCTAssertEqual(ds.catalog[toy].genres, ["Animation", "Children's", "Comedy"])
        // "unknown" genre flag means no genre; no year anywhere.
        let unknown = try XCTUnwrap(ds.catalog.index(of: "3"))
        XCTAssertEqual(ds.catalog[unknown].genres, [])
        XCTAssertNil(ds.catalog[unknown].year)

        let u2 = try XCTUnwrap(ds.users.index(of: "2"))
        XCTAssertEqual(ds.userAttributes.count, 3)
        XCTAssertEqual(ds.userAttributes[Int(u2)], UserAttributes(age: 53, gender: "F", occupation: "other", zip: "94043"))
        XCTAssertEqual(ds.ratings.rating(user: u2, item: toy), 4)
        XCTAssertEqual(ds.ratings.rating(user: u2, item: unknown), 2)
        XCTAssertNil(ds.ratings.rating(user: u2, item: les))
        // Timestamps follow their ratings into CSR order.
        let u1 = try XCTUnwrap(ds.users.index(of: "1"))
        let p = ds.ratings.rowStart[Int(u1)]
        XCTAssertEqual(ds.ratings.rowItems[p], toy)
        XCTAssertEqual(ds.ratings.rowTimestamps[p], 881250949)
    }

    func testML1MFolderDoubleColonLatin1AndOccupationCodes() throws {
        let dir = LoaderFixtureDir()
        dir.write("ml-1m/ratings.dat", "1::1193::5::978300760\n1::661::3::978302109\n2::1193::4::978298413\n")
        dir.write("ml-1m/movies.dat", bytes: Array("1193::One Flew Over the Cuckoo's Nest (1975)::Drama\n661::James and the Giant Peach (1996)::Animation|Children's|Musical\n2::Am".utf8) + [0xE9] + Array("lie (2001)::Comedy|Romance\n".utf8))
        dir.write("ml-1m/users.dat", "1::F::1::10::48067\n2::M::56::16::70072\n")
        let ds = try DatasetLoader.load(path: dir.path("ml-1m"))
        XCTAssertEqual(ds.name, "ml-1m")
        XCTAssertEqual(ds.ratings.count, 3)
        XCTAssertEqual(ds.itemCount, 3)  // the unrated Amélie is still in the catalog
        XCTAssertEqual(ds.catalog[try XCTUnwrap(ds.catalog.index(of: "2"))].title, "Amélie (2001)")
        XCTAssertEqual(ds.catalog[try XCTUnwrap(ds.catalog.index(of: "661"))].genres, ["Animation", "Children's", "Musical"])
        let u2 = try XCTUnwrap(ds.users.index(of: "2"))
        XCTAssertEqual(ds.userAttributes[Int(u2)], UserAttributes(age: 56, gender: "M", occupation: "self-employed", zip: "70072"))
        XCTAssertEqual(ds.scale, .wholeStars)

        // 1M documents whole stars: a half star is an error at the rating field.
        dir.write("ml-1m/ratings.dat", "1::1193::5::978300760\n1::661::3.5::978302109\n")
        let e = try XCTUnwrap(LoadError.of { try DatasetLoader.load(path: dir.path("ml-1m")) })
        XCTAssertEqual(e.line, 2)
        XCTAssertEqual(e.column, 3)
        XCTAssertTrue(e.file.hasSuffix("ratings.dat"))
        XCTAssertTrue(e.message.contains("1–5"), e.message)
    }

    func testML10MFolderHalfStarsAndTags() throws {
        let dir = LoaderFixtureDir()
        dir.write("ml-10m/ratings.dat", "1::122::5::838985046\n1::185::4.5::838983525\n2::122::0.5::838983392\n")
        dir.write("ml-10m/movies.dat", "122::Boomerang (1992)::Comedy|Romance\n185::Net, The (1995)::Action|Crime|Thriller\n")
        dir.write("ml-10m/tags.dat", "15::122::dark hero::1215184630\n20::122::Dark Hero::1215184631\n20::122::funny::1215184632\n")
        let ds = try DatasetLoader.load(path: dir.path("ml-10m"))
        XCTAssertEqual(ds.scale, RatingScale(min: 0.5, max: 5, step: 0.5))
        XCTAssertEqual(ds.ratings.rating(user: try XCTUnwrap(ds.users.index(of: "1")), item: try XCTUnwrap(ds.catalog.index(of: "185"))), 4.5)
        XCTAssertEqual(ds.catalog[try XCTUnwrap(ds.catalog.index(of: "122"))].keywords, ["dark hero", "funny"])
        XCTAssertEqual(ds.catalog[try XCTUnwrap(ds.catalog.index(of: "185"))].displayTitle, "Net, The")
        XCTAssertTrue(ds.userAttributes.isEmpty)
        // 10M ratings stay within 0.5–5.
        dir.write("ml-10m/ratings.dat", "1::122::5.5::838985046\n")
        let e = try XCTUnwrap(LoadError.of { try DatasetLoader.load(path: dir.path("ml-10m")) })
        XCTAssertEqual([e.line, e.column], [1, 3])
    }

    func testLatestCSVFolderQuotedTitlesTagsPlaceholders() throws {
        let dir = LoaderFixtureDir()
        let ds = try DatasetLoader.load(path: dir.latest())
        XCTAssertEqual(ds.name, "ml-latest-small")
        XCTAssertEqual(ds.ratings.count, 5)
        XCTAssertEqual(ds.userCount, 2)
        XCTAssertEqual(ds.itemCount, 5)  // 4 movies + placeholder 99
        XCTAssertEqual(ds.loadReport.placeholderItems, 1)
        let thing = try XCTUnwrap(ds.catalog.index(of: "2"))
        XCTAssertEqual(ds.catalog[thing].title, "Thing, The (1982)")
        XCTAssertEqual(ds.catalog[thing].year, 1982)
        XCTAssertEqual(ds.catalog[thing].genres, ["Horror", "Sci-Fi"])
        // Tags become keywords, most frequent first; case-insensitive duplicates merge; unknown items ignored.
        XCTAssertEqual(ds.catalog[thing].keywords, ["creepy, icy", "Antarctica", "Creepy"])
        let quoted = try XCTUnwrap(ds.catalog.index(of: "3"))
        XCTAssertEqual(ds.catalog[quoted].title, "Movie \"Quoted\" Title (2001)")
        XCTAssertEqual(ds.catalog[quoted].genres, [])
        let multi = try XCTUnwrap(ds.catalog.index(of: "10"))
        XCTAssertEqual(ds.catalog[multi].title, "Multi\nLine (1999)")
        XCTAssertEqual(ds.catalog[multi].year, 1999)
        let placeholder = try XCTUnwrap(ds.catalog.index(of: "99"))
        XCTAssertTrue(ds.catalog[placeholder].isPlaceholder)
        XCTAssertEqual(ds.catalog[placeholder].title, "Item 99")
        XCTAssertEqual(ds.scale, RatingScale(min: 0.5, max: 5, step: 0.5))
        XCTAssertNil(ds.catalog.index(of: "77"))
        XCTAssertTrue(ds.ratings.checkInvariants())
    }

    func testSampleDataStyleMoviesWithKeywordsAndDirector() throws {
        let dir = LoaderFixtureDir()
        dir.write("sample/movies.csv", """
            movieId,title,genres,keywords,director
            1,Heat (1995),Action|Crime|Thriller,heist|los angeles|cat-and-mouse|crime epic,Michael Mann
            2,"Good, the Bad and the Ugly, The (1966)",Western,spaghetti western| gold |civil war,Sergio Leone
            3,Untitled (2020),(no genres listed),,

            """)
        dir.write("sample/ratings.csv", "userId,movieId,rating,timestamp\n1,1,5,1000000000\n1,2,4,1000000001\n2,3,1,1000000002\n")
        let ds = try DatasetLoader.load(path: dir.path("sample"))
        XCTAssertEqual(ds.name, "sample")
        let heat = ds.catalog[try XCTUnwrap(ds.catalog.index(of: "1"))]
        XCTAssertEqual(heat.keywords, ["heist", "los angeles", "cat-and-mouse", "crime epic"])
        XCTAssertEqual(heat.director, "Michael Mann")
        let good = ds.catalog[try XCTUnwrap(ds.catalog.index(of: "2"))]
        XCTAssertEqual(good.keywords, ["spaghetti western", "gold", "civil war"])
        XCTAssertEqual(good.title, "Good, the Bad and the Ugly, The (1966)")
        let untitled = ds.catalog[try XCTUnwrap(ds.catalog.index(of: "3"))]
        XCTAssertEqual(untitled.keywords, [])
        XCTAssertNil(untitled.director)
        XCTAssertEqual(untitled.genres, [])
        // Integer stars: the scale is inferred as whole stars 1–5.
        XCTAssertEqual(ds.scale, .wholeStars)
    }

    func testGenericRatingsFilesInEveryLayout() throws {
        let dir = LoaderFixtureDir()
        let layouts: [(String, String)] = [
            ("tab.tsv", "u1\ti1\t4\t100\nu2\ti1\t3\t200\nu1\ti2\t2.5\t300\n"),
            ("comma.csv", "user,item,rating\nu1,i1,4\nu2,i1,3\nu1,i2,2.5\n"),
            ("space.txt", "u1  i1 4 100\n u2 i1\t3 200\nu1 i2 2.5 300\n"),
            ("colons.dat", "u1::i1::4::100\nu2::i1::3::200\nu1::i2::2.5::300\n"),
            ("reordered.csv", "item,rating,user\ni1,4,u1\ni1,3,u2\ni2,2.5,u1\n"),
            ("crlf.csv", "u1,i1,4\r\nu2,i1,3\r\nu1,i2,2.5\r\n"),
        ]
        for (file, text) in layouts {
            let ds = try DatasetLoader.load(path: dir.write(file, text))
            XCTAssertEqual(ds.ratings.count, 3, file)
            XCTAssertEqual(ds.userCount, 2, file)
            XCTAssertEqual(ds.itemCount, 2, file)
            XCTAssertEqual(ds.loadReport.placeholderItems, 2, file)
            let u1 = try XCTUnwrap(ds.users.index(of: "u1"), file)
            let i2 = try XCTUnwrap(ds.catalog.index(of: "i2"), file)
            XCTAssertEqual(ds.ratings.rating(user: u1, item: i2), 2.5, file)
            XCTAssertEqual(ds.name, (file as NSString).deletingPathExtension)
            XCTAssertEqual(ds.ratings.rowTimestamps.isEmpty, !text.contains("100"), file)
        }
    }

    func testGenericFileWithItemsFile() throws {
        let dir = LoaderFixtureDir()
        let ratings = dir.write("r.tsv", "1\t10\t5\n1\t20\t3\n2\t30\t4\n")
        let items = dir.write("movies.csv", "movieId,title,genres\n10,\"Alien, The (1979)\",Horror|Sci-Fi\n20,Heat (1995),Crime\n")
        let ds = try DatasetLoader.load(path: ratings, options: LoadOptions(itemsPath: items))
        XCTAssertEqual(ds.itemCount, 3)
        XCTAssertEqual(ds.loadReport.placeholderItems, 1)
        XCTAssertEqual(ds.catalog[try XCTUnwrap(ds.catalog.index(of: "10"))].displayTitle, "Alien, The")
        let dat = dir.write("movies.dat", "10::Alien (1979)::Horror\n30::Ran (1985)::Drama|War\n")
        let ds2 = try DatasetLoader.load(path: ratings, options: LoadOptions(itemsPath: dat))
        XCTAssertEqual(ds2.catalog[try XCTUnwrap(ds2.catalog.index(of: "30"))].genres, ["Drama", "War"])
    }

    func testDuplicatesKeepTheLastValueAndAreCounted() throws {
        let dir = LoaderFixtureDir()
        // Unsorted by user (the scatter path) with a duplicate pair for user 2 and for user 1.
        let ds = try DatasetLoader.load(path: dir.write("dups.csv", "2,5,1\n1,5,2\n2,3,4\n2,5,5\n1,5,3\n1,1,1\n"))
        XCTAssertEqual(ds.ratings.count, 4)
        XCTAssertEqual(ds.loadReport.duplicateRatings, 2)
        XCTAssertEqual(ds.ratings.rating(user: try XCTUnwrap(ds.users.index(of: "2")), item: try XCTUnwrap(ds.catalog.index(of: "5"))), 5)
        XCTAssertEqual(ds.ratings.rating(user: try XCTUnwrap(ds.users.index(of: "1")), item: try XCTUnwrap(ds.catalog.index(of: "5"))), 3)
        XCTAssertTrue(ds.ratings.checkInvariants())
        XCTAssertEqual(ds.statistics().duplicateRatings, 2)
    }

    func testReadRatingsMapsIntoAnExistingDataset() throws {
        let dir = LoaderFixtureDir()
        var ds = try DatasetLoader.load(path: dir.ml100K())
        let fold = dir.write("u1.test", "2\t2\t5\t881250949\n9\t1\t3\t881250950\n1\t42\t4\t0\n")
        var users = ds.users, catalog = ds.catalog
        var report = LoadReport()
        let triples = try DatasetLoader.readRatings(path: fold, users: &users, catalog: &catalog,
                                                    options: LoadOptions(), report: &report)
        XCTAssertEqual(triples.count, 3)
        XCTAssertEqual(triples[0], RatingTriple(user: ds.users.index(of: "2")!, item: ds.catalog.index(of: "2")!, rating: 5, timestamp: 881250949))
        XCTAssertEqual(users.count, 4)  // user 9 is new
        XCTAssertEqual(triples[1].user, 3)
        XCTAssertEqual(catalog.count, 4)  // item 42 became a placeholder
        XCTAssertTrue(catalog[triples[2].item].isPlaceholder)
        XCTAssertEqual(report.placeholderItems, 1)
        ds.users = users
    }

    func testVocabularyRoundTripsAndCSRMatchesTheTripleBuilder() throws {
        // Random triples with repeats, written as a file, loaded, and compared with RatingMatrix(triples:).
        var rng = SplitMix64(seed: 11)
        var lines = ""
        var raw: [(String, String, Float, Int64)] = []
        for k in 0..<2000 {
            let u = "user\(rng.nextInt(60))", i = String(rng.nextInt(90) * 7), r = Float(1 + rng.nextInt(9)) / 2
            raw.append((u, i, r, Int64(k)))
            lines += "\(u)\t\(i)\t\(r)\t\(k)\n"
        }
        let dir = LoaderFixtureDir()
        let ds = try DatasetLoader.load(path: dir.write("random.tsv", lines))
        for u in 0..<Int32(ds.userCount) { XCTAssertEqual(ds.users.index(of: ds.users.id(at: u)), u) }
        for i in 0..<Int32(ds.itemCount) { XCTAssertEqual(ds.catalog.index(of: ds.catalog.vocabulary.id(at: i)), i) }
        let triples = raw.map { RatingTriple(user: ds.users.index(of: $0.0)!, item: ds.catalog.index(of: $0.1)!, rating: $0.2, timestamp: $0.3) }
        let reference = RatingMatrix(userCount: ds.userCount, itemCount: ds.itemCount, triples: triples)
        XCTAssertEqual(ds.ratings.rowStart, reference.rowStart)
        XCTAssertEqual(ds.ratings.rowItems, reference.rowItems)
        XCTAssertEqual(ds.ratings.rowRatings, reference.rowRatings)
        XCTAssertEqual(ds.ratings.rowTimestamps, reference.rowTimestamps)
        XCTAssertEqual(ds.ratings.colStart, reference.colStart)
        XCTAssertEqual(ds.ratings.colUsers, reference.colUsers)
        XCTAssertEqual(ds.ratings.colRatings, reference.colRatings)
        XCTAssertEqual(ds.loadReport.duplicateRatings, reference.duplicateCount)
        XCTAssertGreaterThan(reference.duplicateCount, 0)
        XCTAssertTrue(ds.ratings.checkInvariants())
    }

    func testSyntheticGeneratorIsDeterministicAndLoads() throws {
        let dir = LoaderFixtureDir()
        let spec = SyntheticMovieLens(rows: 3000, users: 40, ratedItems: 120, movies: 130, seed: 5)
        let written = try spec.write(to: dir.path("a"))
        try spec.write(to: dir.path("b"))
        XCTAssertEqual(written, 3000)
        for f in ["ratings.csv", "movies.csv"] {
            XCTAssertEqual(FileManager.default.contents(atPath: dir.path("a/\(f)")),
                           FileManager.default.contents(atPath: dir.path("b/\(f)")), f)
        }
        let other = SyntheticMovieLens(rows: 3000, users: 40, ratedItems: 120, movies: 130, seed: 6)
        try other.write(to: dir.path("c"))
        XCTAssertNotEqual(FileManager.default.contents(atPath: dir.path("a/ratings.csv")),
                          FileManager.default.contents(atPath: dir.path("c/ratings.csv")))
        let ds = try DatasetLoader.load(path: dir.path("a"))
        XCTAssertEqual(ds.ratings.count, 3000)
        XCTAssertEqual(ds.userCount, 40)
        XCTAssertEqual(ds.itemCount, 130)
        XCTAssertEqual(ds.loadReport.placeholderItems, 0)
        XCTAssertEqual(ds.loadReport.duplicateRatings, 0)
        XCTAssertTrue(ds.catalog.items.contains { $0.title.contains("\"Sequel\"") && $0.title.contains(",") })
        XCTAssertTrue(ds.ratings.checkInvariants())
    }
}

final class LoaderParallelTests: XCTestCase {
    /// Two-thread parsing gives exactly the sequential result, also when the second half needs the slow path.
    func testTwoHalvesEqualOneThread() throws {
        let dir = LoaderFixtureDir()
        let spec = SyntheticMovieLens(rows: 600, users: 20, ratedItems: 60, movies: 70, seed: 9)
        try spec.write(to: dir.path("p"))
        let ratings = dir.path("p/ratings.csv")
        func same(_ a: Dataset, _ b: Dataset, _ note: String) {
            XCTAssertEqual(a.users, b.users, note)
            XCTAssertEqual(a.catalog.vocabulary, b.catalog.vocabulary, note)
            XCTAssertEqual(a.ratings.rowStart, b.ratings.rowStart, note)
            XCTAssertEqual(a.ratings.rowItems, b.ratings.rowItems, note)
            XCTAssertEqual(a.ratings.rowRatings, b.ratings.rowRatings, note)
            XCTAssertEqual(a.ratings.rowTimestamps, b.ratings.rowTimestamps, note)
            XCTAssertEqual(a.scale, b.scale, note)
            XCTAssertEqual(a.loadReport.placeholderItems, b.loadReport.placeholderItems, note)
        }
        let one = LoadOptions(parallelMinimumBytes: .max), two = LoadOptions(parallelMinimumBytes: 0)
        same(try DatasetLoader.load(path: dir.path("p"), options: one), try DatasetLoader.load(path: dir.path("p"), options: two), "clean")
        // Unknown items and string ids late in the file (second half → sequential fallback).
        var text = try String(contentsOfFile: ratings, encoding: .utf8)
        text += "9999,777777,4.5,1\nu-x,1,3.0,2\n\n"
        try text.write(toFile: ratings, atomically: true, encoding: .utf8)
        same(try DatasetLoader.load(path: dir.path("p"), options: one), try DatasetLoader.load(path: dir.path("p"), options: two), "fallback")
        // An error in the second half is reported at the same line either way.
        try (text + "1,2,9.0,3\n").write(toFile: ratings, atomically: true, encoding: .utf8)
        let e1 = LoadError.of { try DatasetLoader.load(path: dir.path("p"), options: one) }
        let e2 = LoadError.of { try DatasetLoader.load(path: dir.path("p"), options: two) }
        XCTAssertEqual(e1, e2)
        XCTAssertEqual(e1?.line, 600 + 5)
    }
}
