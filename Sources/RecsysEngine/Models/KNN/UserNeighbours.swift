/// A user close to another by the cosine of their rating vectors.
public struct UserNeighbour: Sendable, Equatable {
    public var user: Int32
    /// sim(u, v) = Σ_i r_ui r_vi / (‖r_u‖ ‖r_v‖), over the items both rated in the numerator.
    public var similarity: Double
    /// Items both users rated.
    public var common: Int

    public init(user: Int32, similarity: Double, common: Int) {
        self.user = user
        self.similarity = similarity
        self.common = common
    }
}

extension RatingMatrix {
    /// The `count` users most similar to `user` by raw-rating cosine,
    /// sim(u, v) = Σ_i r_ui r_vi / (‖r_u‖ ‖r_v‖) (norms over each user's whole row), among users
    /// sharing at least one item; best first, ties by lower index.
    ///
    /// This is the plain cosine the explorer's Users screen shows, not user-kNN's shrunk, centred
    /// similarity. Complexity: O(Σ_{i ∈ I_u} |U_i| + users) through the item columns.
    public func cosineNeighbours(of user: Int32, count: Int) -> [UserNeighbour] {
        let row = self.row(user)
        var dot = [Double](repeating: 0, count: userCount)
        var common = [Int](repeating: 0, count: userCount)
        for (i, r) in zip(row.items, row.ratings) {
            let col = column(i)
            for (v, rv) in zip(col.users, col.ratings) {
                dot[Int(v)] += Double(r) * Double(rv)
                common[Int(v)] += 1
            }
        }
        func norm(_ u: Int32) -> Double { self.row(u).ratings.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot() }
        let nu = norm(user)
        var sims: [UserNeighbour] = []
        for v in 0..<userCount where v != Int(user) && common[v] > 0 {
            sims.append(UserNeighbour(user: Int32(v), similarity: dot[v] / max(1e-9, nu * norm(Int32(v))), common: common[v]))
        }
        sims.sort { $0.similarity != $1.similarity ? $0.similarity > $1.similarity : $0.user < $1.user }
        return Array(sims.prefix(count))
    }
}
