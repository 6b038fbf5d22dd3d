// Number formatting shared by the views and the status line: seconds, stars, ratings and fixed
// decimals without Foundation's formatter (which costs microseconds per call on Linux).

func formatSeconds(_ s: Double) -> String {
    s < 1 ? "\(Int((s * 1000).rounded())) ms" : fixed(Double(s), 1) + " s"
}

/// A rating as text, the one formatter of ratings (views, exports, the CLI): "4" for whole values, "3.5" for
/// one decimal, and every digit a Float needs otherwise ("3.25"), so a rating someone entered is never shown
/// rounded. Non-finite values give "–".
public func formatRating(_ v: Float) -> String {
    guard v.isFinite else { return "–" }
    if abs(v) >= 1e9 { return "\(v)" }
    if v == v.rounded() { return String(Int(v)) }
    let one = fixed(Double(v), 1)
    return Float(one) == v ? one : "\(v)"
}

/// `v` with `decimals` digits after the point, like `String(format: "%.2f")` but without Foundation's
/// formatter (which costs microseconds per call on Linux and runs for every row of every frame).
/// Non-finite values give "–".
func fixed(_ v: Double, _ decimals: Int) -> String {
    guard v.isFinite else { return "–" }
    var scale = 1.0
    for _ in 0..<max(0, decimals) { scale *= 10 }
    let scaled = (abs(v) * scale).rounded()
    guard scaled < 9e15 else { return String(v) }
    let n = Int64(scaled)
    let p = Int64(scale)
    var s = String(n / p)
    if decimals > 0 {
        let frac = String(n % p)
        s += "." + String(repeating: "0", count: decimals - frac.count) + frac
    }
    return v < 0 && n != 0 ? "-" + s : s
}

/// `fixed`, right-aligned in `width` columns.
func fixed(_ v: Double, _ decimals: Int, width: Int) -> String {
    let s = fixed(v, decimals)
    return String(repeating: " ", count: max(0, width - s.count)) + s
}

/// "4★", "3.5★": the one star formatter (lists, details, status line, explanations, CLI).
public func starText(_ v: Float) -> String { formatRating(v) + "★" }

/// 583 → "583", 1234 → "1.2k", 12345 → "12k", 1234567 → "1.2M".
func compactCount(_ n: Int) -> String {
    if n < 1000 { return String(n) }
    if n < 10_000 { return fixed(Double(n) / 1000, 1) + "k" }
    if n < 1_000_000 { return "\(n / 1000)k" }
    return fixed(Double(n) / 1_000_000, 1) + "M"
}

/// Scores in at most 7 columns: 583.4 → "583", 12.34 → "12.3", 4.123 → "4.12", −0.0417 → "-0.042".
func formatScore(_ s: Float) -> String {
    let a = abs(s)
    if !s.isFinite { return "–" }
    if a >= 1e6 { return String(format: "%.2g", s) }
    if a >= 100 { return fixed(Double(s), 0) }
    if a >= 10 { return fixed(Double(s), 1) }
    if a >= 1 { return fixed(Double(s), 2) }
    if a >= 0.01 || a == 0 { return fixed(Double(s), 3) }
    if a >= 0.001 { return fixed(Double(s), 4) }
    return a >= 0.00001 ? fixed(Double(s), 5) : (s > 0 ? "≈0" : "-≈0")
}

func formatMillis(_ ms: Double) -> String {
    ms < 10 ? fixed(Double(ms), 1) + " ms" : "\(Int(ms.rounded())) ms"
}

/// 62423 → "62,423": counts written out in full (fit limits, the models panel).
func groupedCount(_ n: Int) -> String {
    let digits = String(abs(n))
    var out = ""
    for (k, c) in digits.enumerated() {
        if k > 0 && (digits.count - k) % 3 == 0 { out.append(",") }
        out.append(c)
    }
    return n < 0 ? "-" + out : out
}

/// A duration for ETAs and estimates: "45 s", "3 min", "1 h 20 min".
func formatDuration(_ s: Double) -> String {
    guard s.isFinite else { return "–" }
    if s < 60 { return "\(max(0, Int(s.rounded()))) s" }
    let m = Int((s / 60).rounded())
    return m < 60 ? "\(m) min" : "\(m / 60) h" + (m % 60 == 0 ? "" : " \(m % 60) min")
}
