import Foundation

/// The SGD updates of one SVD epoch, over raw pointers to the parameters (see `SVDRecommender`).
///
/// Two equivalent forms of Surprise's per-rating update (e = r − r̂, keep = 1 − γλ):
///
///     p_u ← keep·p_u + γe·q_i        q_i ← keep·q_i + γe·p_u   (old p_u)
///
/// - `step` applies it as written: per factor 3 multiplies and 1 add for each of p and q, after
///   the dot product. Used by the Hogwild threads, whose races must stay on independent floats.
/// - `scaledStep` keeps every row as a scale times a vector, p_u = s_u·P_u, q_i = t_i·Q_i, so the
///   shrink by `keep` is one scalar multiply per row and the vectors only get an axpy:
///
///         s_u ← keep·s_u,  P_u ← P_u + (γe·t_i / s_u')·Q_i
///         t_i ← keep·t_i,  Q_i ← Q_i + (γe·s_u / t_i')·P_u      (old P_u)
///
///   and r̂ uses s_u·t_i·(P_u·Q_i). That is 6 floating-point operations per factor instead of 8 for
///   the same update (exact in real arithmetic; in Float it rounds differently, not worse). A row
///   whose scale falls under `foldBelow` is multiplied out at once; `foldScales` multiplies every
///   row out at the end of the epoch, so nothing outside this file ever sees a scale. Needs
///   keep > 0 (γλ < 1, always true for sensible settings; the fit uses `step` otherwise).
///
/// The dot product runs four independent SIMD8 sums and adds them as a tree, which shortens the
/// dependency chain every update waits on (the next update of the same user needs the new p_u).
struct SVDSweep: @unchecked Sendable {
    let p: UnsafeMutablePointer<SIMD8<Float>>
    let q: UnsafeMutablePointer<SIMD8<Float>>
    let userBias: UnsafeMutablePointer<Float>
    let itemBias: UnsafeMutablePointer<Float>
    /// Per-row scales of the scaled form (1 for a row stored plainly).
    let userScale: UnsafeMutablePointer<Float>
    let itemScale: UnsafeMutablePointer<Float>
    let items: UnsafePointer<Int32>
    let ratings: UnsafePointer<Float>
    let lanes: Int
    /// The last lane holds 1–4 factors (its upper half is padding, always 0).
    let halfTail: Bool
    let mu: Float, lr: Float, reg: Float

    /// Under this scale a row is multiplied out (its vector would otherwise grow as 1/scale).
    static let foldBelow: Float = 1e-3

    /// Whole SIMD8 lanes of a row that hold factors: all of them, or all but the last when the
    /// last holds 1–4 factors (100 factors: 12 lanes and a half). That half lane is handled as a
    /// SIMD4 (`halfTail`), which on 4-wide hardware saves one of every 26 vector operations.
    @inline(__always) var fullLanes: Int { halfTail ? lanes - 1 : lanes }

    @inline(__always) func dot(_ a: UnsafeMutablePointer<SIMD8<Float>>, _ b: UnsafeMutablePointer<SIMD8<Float>>) -> Float {
        var a0 = SIMD8<Float>.zero, a1 = SIMD8<Float>.zero, a2 = SIMD8<Float>.zero, a3 = SIMD8<Float>.zero
        let full = fullLanes
        var l = 0
        while l + 4 <= full {
            a0 += a[l] * b[l]
            a1 += a[l + 1] * b[l + 1]
            a2 += a[l + 2] * b[l + 2]
            a3 += a[l + 3] * b[l + 3]
            l += 4
        }
        while l < full { a0 += a[l] * b[l]; l += 1 }
        var h = (a0 + a1) + (a2 + a3)
        if halfTail { h.lowHalf += a[full].lowHalf * b[full].lowHalf }
        return horizontalSum(h)
    }

    /// The plain update of the rating at CSR position `pos` by user u; returns e².
    @inline(__always) func step(_ pos: Int, _ u: Int) -> Double {
        let i = Int(items[pos])
        let pu = p + u * lanes, qi = q + i * lanes
        let e = ratings[pos] - (mu + userBias[u] + itemBias[i] + dot(pu, qi))
        userBias[u] += lr * (e - reg * userBias[u])
        itemBias[i] += lr * (e - reg * itemBias[i])
        let le = lr * e, keep = 1 - lr * reg
        for l in 0..<lanes {
            let pv = pu[l], qv = qi[l]
            pu[l] = keep * pv + le * qv
            qi[l] = keep * qv + le * pv
        }
        return Double(e * e)
    }

    /// The same update in the scaled form (see the type's comment); returns e².
    ///
    /// The user's bias and scale are passed in registers (`bu`, `su`; the caller loads them before
    /// the user's ratings and stores them after): consecutive updates of one user form a chain
    /// (each needs the previous p_u and b_u), and every store-and-reload on it costs cycles.
    @inline(__always) func scaledStep(_ pos: Int, _ u: Int, bu: inout Float, su: inout Float, keep: Float) -> Double {
        let i = Int(items[pos])
        let pu = p + u * lanes, qi = q + i * lanes
        let ti = itemScale[i], bi = itemBias[i]
        let su2 = keep * su, ti2 = keep * ti
        // The ratios do not depend on e: computed while the dot product runs, off the chain.
        let pa = ti / su2, qb = su / ti2
        let e = ratings[pos] - ((mu + bu + bi) + (su * ti) * dot(pu, qi))
        bu += lr * (e - reg * bu)
        itemBias[i] = bi + lr * (e - reg * bi)
        let le = lr * e
        let a = le * pa, b = le * qb
        let full = fullLanes
        for l in 0..<full {
            let pv = pu[l], qv = qi[l]
            pu[l] = pv + a * qv
            qi[l] = qv + b * pv
        }
        if halfTail {
            let pv = pu[full].lowHalf, qv = qi[full].lowHalf
            pu[full].lowHalf = pv + a * qv
            qi[full].lowHalf = qv + b * pv
        }
        su = su2
        itemScale[i] = ti2
        if su2 < Self.foldBelow { fold(pu, su2); su = 1 }
        if ti2 < Self.foldBelow { fold(qi, ti2); itemScale[i] = 1 }
        return Double(e * e)
    }

    /// The scaled updates of two users' ratings, interleaved (a₁ b₁ a₂ b₂ …, then the longer one's
    /// rest). `b` may be nil (an odd user out). Every rating is still visited once per epoch; only
    /// the order differs from visiting the two users one after the other.
    ///
    /// Each user's updates are a dependency chain (r̂ needs the p_u of the update before), about
    /// 70 cycles long at 100 factors, longer than the work of a step. A pair aᵢ bᵢ on two different
    /// items touches disjoint parameters, so `twoSteps` runs both in one pass over the lanes: the
    /// same result as one after the other, with two chains in flight (12% less time per epoch on
    /// ml-100k's shape, measured on a 4-wide build). On the same item they run one after the other.
    func scaledPair(_ a: Int, _ b: Int?, starts: UnsafePointer<Int>, keep: Float) -> Double {
        var s: Double = 0
        var A = SVDChain(pos: starts[a], end: starts[a + 1], u: a, bu: userBias[a], su: userScale[a])
        guard let b else {
            while A.pos < A.end { s += scaledStep(A.pos, a, bu: &A.bu, su: &A.su, keep: keep); A.pos += 1 }
            userBias[a] = A.bu; userScale[a] = A.su
            return s
        }
        var B = SVDChain(pos: starts[b], end: starts[b + 1], u: b, bu: userBias[b], su: userScale[b])
        while A.pos < A.end && B.pos < B.end {
            if items[A.pos] != items[B.pos] {
                s += twoSteps(&A, &B, keep: keep)
            } else {
                s += scaledStep(A.pos, a, bu: &A.bu, su: &A.su, keep: keep); A.pos += 1
                s += scaledStep(B.pos, b, bu: &B.bu, su: &B.su, keep: keep); B.pos += 1
            }
        }
        while A.pos < A.end { s += scaledStep(A.pos, a, bu: &A.bu, su: &A.su, keep: keep); A.pos += 1 }
        while B.pos < B.end { s += scaledStep(B.pos, b, bu: &B.bu, su: &B.su, keep: keep); B.pos += 1 }
        userBias[a] = A.bu; userScale[a] = A.su
        userBias[b] = B.bu; userScale[b] = B.su
        return s
    }

    /// `scaledStep` on A's next rating and on B's, in one pass (their items differ).
    @inline(__always) private func twoSteps(_ A: inout SVDChain, _ B: inout SVDChain, keep: Float) -> Double {
        let i = Int(items[A.pos]), j = Int(items[B.pos])
        let pa = p + A.u * lanes, qi = q + i * lanes, pb = p + B.u * lanes, qj = q + j * lanes
        let full = fullLanes
        // Two sums per dot product (four registers in all: more would spill on 16-register hardware).
        var x0 = SIMD8<Float>.zero, x1 = SIMD8<Float>.zero, y0 = SIMD8<Float>.zero, y1 = SIMD8<Float>.zero
        var l = 0
        while l + 2 <= full {
            x0 += pa[l] * qi[l]; x1 += pa[l + 1] * qi[l + 1]
            y0 += pb[l] * qj[l]; y1 += pb[l + 1] * qj[l + 1]
            l += 2
        }
        if l < full { x0 += pa[l] * qi[l]; y0 += pb[l] * qj[l] }
        var hx = x0 + x1, hy = y0 + y1
        if halfTail {
            hx.lowHalf += pa[full].lowHalf * qi[full].lowHalf
            hy.lowHalf += pb[full].lowHalf * qj[full].lowHalf
        }
        let ti = itemScale[i], bi = itemBias[i], tj = itemScale[j], bj = itemBias[j]
        let sa2 = keep * A.su, ti2 = keep * ti, sb2 = keep * B.su, tj2 = keep * tj
        let ra = ti / sa2, rqi = A.su / ti2, rb = tj / sb2, rqj = B.su / tj2
        let ea = ratings[A.pos] - ((mu + A.bu + bi) + (A.su * ti) * horizontalSum(hx))
        let eb = ratings[B.pos] - ((mu + B.bu + bj) + (B.su * tj) * horizontalSum(hy))
        A.bu += lr * (ea - reg * A.bu)
        B.bu += lr * (eb - reg * B.bu)
        itemBias[i] = bi + lr * (ea - reg * bi)
        itemBias[j] = bj + lr * (eb - reg * bj)
        let lea = lr * ea, leb = lr * eb
        let aa = lea * ra, ba = lea * rqi, ab = leb * rb, bb = leb * rqj
        for l in 0..<full {
            let pv = pa[l], qv = qi[l], pw = pb[l], qw = qj[l]
            pa[l] = pv + aa * qv; qi[l] = qv + ba * pv
            pb[l] = pw + ab * qw; qj[l] = qw + bb * pw
        }
        if halfTail {
            let pv = pa[full].lowHalf, qv = qi[full].lowHalf, pw = pb[full].lowHalf, qw = qj[full].lowHalf
            pa[full].lowHalf = pv + aa * qv; qi[full].lowHalf = qv + ba * pv
            pb[full].lowHalf = pw + ab * qw; qj[full].lowHalf = qw + bb * pw
        }
        A.su = sa2; B.su = sb2
        itemScale[i] = ti2; itemScale[j] = tj2
        if sa2 < Self.foldBelow { fold(pa, sa2); A.su = 1 }
        if sb2 < Self.foldBelow { fold(pb, sb2); B.su = 1 }
        if ti2 < Self.foldBelow { fold(qi, ti2); itemScale[i] = 1 }
        if tj2 < Self.foldBelow { fold(qj, tj2); itemScale[j] = 1 }
        A.pos += 1; B.pos += 1
        return Double(ea * ea) + Double(eb * eb)
    }

    @inline(__always) private func fold(_ row: UnsafeMutablePointer<SIMD8<Float>>, _ s: Float) {
        for l in 0..<lanes { row[l] *= s }
    }

    /// Multiplies every scaled row out (scales back to 1).
    func foldScales(users: Int, items itemCount: Int) {
        for u in 0..<users where userScale[u] != 1 { fold(p + u * lanes, userScale[u]); userScale[u] = 1 }
        for i in 0..<itemCount where itemScale[i] != 1 { fold(q + i * lanes, itemScale[i]); itemScale[i] = 1 }
    }
}

/// The sum of the eight lanes as a tree (three dependent adds, not seven).
@inline(__always) func horizontalSum(_ v: SIMD8<Float>) -> Float {
    let h = v.lowHalf + v.highHalf
    let h2 = h.lowHalf + h.highHalf
    return h2[0] + h2[1]
}

/// One user's place in their ratings during `SVDSweep.scaledPair`, with their bias and scale in registers.
struct SVDChain {
    var pos: Int
    let end: Int
    let u: Int
    var bu: Float
    var su: Float
}
