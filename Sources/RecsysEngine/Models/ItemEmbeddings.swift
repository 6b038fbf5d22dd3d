/// Item vectors of the factor and tower models, read-only, for the embedding map and other inspectors.

/// A model whose items live in a vector space: svd, svd++, als, bpr, two-tower.
public protocol ItemEmbeddingProviding {
    /// Item vectors as an itemCount × dim row-major matrix, nil before the model is fitted.
    var itemEmbeddingMatrix: (dim: Int, values: [Float])? { get }
}

/// The item vectors of `model` when it has any (see `ItemEmbeddingProviding`), else nil
/// (popularity, kNN, content, EASE …, or an unfitted model).
public func itemEmbeddings(of model: any Recommender) -> (dim: Int, values: [Float])? {
    guard let m = (model as? any ItemEmbeddingProviding)?.itemEmbeddingMatrix, m.dim > 0, !m.values.isEmpty else {
        return nil
    }
    return m
}

extension FactorTable {
    /// Rows without the SIMD padding, row-major (rows × factors).
    var dense: [Float] {
        var out = [Float](repeating: 0, count: rows * factors)
        for r in 0..<rows { for f in 0..<factors { out[r * factors + f] = value(r, f) } }
        return out
    }
}

/// Drops the padding of a row-major matrix stored with row stride `ld` ≥ `k`.
func unpadded(_ values: [Float], k: Int, ld: Int) -> [Float] {
    guard k > 0, ld >= k, !values.isEmpty else { return [] }
    let rows = values.count / ld
    var out = [Float](repeating: 0, count: rows * k)
    for r in 0..<rows { for c in 0..<k { out[r * k + c] = values[r * ld + c] } }
    return out
}

extension SVDRecommender: ItemEmbeddingProviding {
    /// The item factors q_i.
    public var itemEmbeddingMatrix: (dim: Int, values: [Float])? {
        model.items.rows == 0 ? nil : (model.items.factors, model.items.dense)
    }
}

extension SVDppRecommender: ItemEmbeddingProviding {
    /// The item factors q_i.
    public var itemEmbeddingMatrix: (dim: Int, values: [Float])? {
        model.items.rows == 0 ? nil : (model.items.factors, model.items.dense)
    }
}

extension ALSRecommender: ItemEmbeddingProviding {
    /// The item factors y_i.
    public var itemEmbeddingMatrix: (dim: Int, values: [Float])? {
        itemFactors.isEmpty ? nil : (k, unpadded(itemFactors, k: k, ld: ld))
    }
}

extension BPRRecommender: ItemEmbeddingProviding {
    /// The item factors h_i.
    public var itemEmbeddingMatrix: (dim: Int, values: [Float])? {
        itemFactors.isEmpty ? nil : (k, unpadded(itemFactors, k: k, ld: ld))
    }
}

extension TwoTowerRecommender: ItemEmbeddingProviding {
    /// The candidate tower's output for every item.
    public var itemEmbeddingMatrix: (dim: Int, values: [Float])? {
        let e = itemEmbeddings
        return e.values.isEmpty ? nil : e
    }
}
