/// The shared vocabulary of user demographics: the seven MovieLens 1M age brackets, gender, the
/// MovieLens 1M occupation list and four US census regions.
///
/// Every dataset's raw attributes (`u.user` ages and occupations, `users.dat` codes, a `users.csv`
/// beside `ratings.csv`, a profile's `profile set` values) are mapped into this vocabulary, so a
/// demographic cell means the same thing on ml-100k, ml-1m and the sample:
///
/// - age → bracket `under-18`, `18-24`, `25-34`, `35-44`, `45-49`, `50-55`, `56+` (ml-1m's codes 1, 18,
///   25, 35, 45, 50, 56 are the brackets' lower bounds);
/// - ml-100k occupations → the nearest ml-1m one (`student` → `college/grad student`, `engineer` →
///   `technician/engineer`, …, see `occupationAliases`);
/// - region → given (`users.csv`), or from the first digit of a US zip code (0–1 northeast, 2, 3 and 7
///   south, 4–6 midwest, 8–9 west; other zips have no region). The zip zones follow state lines only
///   roughly, so ml-100k/ml-1m regions are approximate.
public enum Demographics {
    /// The attribute names, in display order.
    public static let attributes = ["age", "gender", "occupation", "region"]

    public static let ageBrackets = ["under-18", "18-24", "25-34", "35-44", "45-49", "50-55", "56+"]
    /// The lower bound of each bracket (ml-1m's age codes).
    public static let ageLowerBounds = [1, 18, 25, 35, 45, 50, 56]
    public static let genders = ["F", "M"]
    /// The MovieLens 1M occupations, in its README's code order.
    public static let occupations = ItemFiles.ml1MOccupations
    public static let regions = ["northeast", "midwest", "south", "west"]

    /// ml-100k `u.user` occupations that are not ml-1m occupations, and the ml-1m one they map to.
    public static let occupationAliases: [String: String] = [
        "administrator": "clerical/admin", "educator": "academic/educator", "engineer": "technician/engineer",
        "entertainment": "artist", "executive": "executive/managerial", "healthcare": "doctor/health care",
        "doctor": "doctor/health care", "librarian": "academic/educator", "marketing": "sales/marketing",
        "salesman": "sales/marketing", "student": "college/grad student", "technician": "technician/engineer",
        "none": "unemployed",
    ]

    /// The allowed values of `attribute`, or nil for an unknown attribute.
    public static func values(of attribute: String) -> [String]? {
        switch attribute {
        case "age": ageBrackets
        case "gender": genders
        case "occupation": occupations
        case "region": regions
        default: nil
        }
    }

    /// The bracket index of an age in years (or an ml-1m age code).
    public static func bracket(ofAge age: Int) -> Int {
        var b = 0
        for (k, lower) in ageLowerBounds.enumerated() where age >= lower { b = k }
        return b
    }

    /// A bracket label ("25-34") or a whole age ("29") as the bracket's lower bound; nil if neither.
    public static func age(fromText text: String) -> Int? {
        if let k = ageBrackets.firstIndex(of: text.lowercased()) { return ageLowerBounds[k] }
        if let n = Int(text), n >= 0, n < 200 { return n }
        return nil
    }

    /// The canonical occupation for a raw one (case-insensitive, ml-100k names mapped), or nil.
    public static func occupation(fromText text: String) -> String? {
        let t = text.lowercased()
        if let o = occupations.first(where: { $0.lowercased() == t }) { return o }
        return occupationAliases[t]
    }

    /// `F`/`M` for `f`, `female`, `M`, `male`; nil otherwise.
    public static func gender(fromText text: String) -> String? {
        switch text.lowercased() {
        case "f", "female": "F"
        case "m", "male": "M"
        default: nil
        }
    }

    /// A region name (case-insensitive) or nil.
    public static func region(fromText text: String) -> String? {
        regions.first { $0 == text.lowercased() }
    }

    /// The census region of a US zip code by its first digit, nil for anything else.
    public static func region(fromZip zip: String) -> String? {
        guard zip.count == 5, zip.allSatisfy(\.isASCII), zip.allSatisfy(\.isNumber), let d = zip.first?.wholeNumberValue
        else { return nil }
        switch d {
        case 0, 1: return "northeast"
        case 4, 5, 6: return "midwest"
        case 2, 3, 7: return "south"
        default: return "west"
        }
    }

    /// The canonical value index of each attribute for `a` (nil where unknown), in `attributes` order.
    public static func codes(of a: UserAttributes) -> [Int?] {
        let age = a.age.map { bracket(ofAge: $0) }
        let gender = a.gender.flatMap { g in self.gender(fromText: g).flatMap { genders.firstIndex(of: $0) } }
        let occupation = a.occupation.flatMap { o in self.occupation(fromText: o).flatMap { occupations.firstIndex(of: $0) } }
        let region = (a.region.flatMap { self.region(fromText: $0) } ?? a.zip.flatMap { self.region(fromZip: $0) })
            .flatMap { regions.firstIndex(of: $0) }
        return [age, gender, occupation, region]
    }

    /// The names of the attributes at least one of `users` has, in `attributes` order.
    public static func present(in users: [UserAttributes]) -> [String] {
        var seen = [Bool](repeating: false, count: attributes.count)
        for u in users {
            for (k, c) in codes(of: u).enumerated() where c != nil { seen[k] = true }
            if !seen.contains(false) { break }
        }
        return attributes.indices.filter { seen[$0] }.map { attributes[$0] }
    }

    /// The label of value `code` of attribute number `attribute`.
    public static func label(attribute: Int, code: Int) -> String {
        values(of: attributes[attribute])?[code] ?? "?"
    }
}
