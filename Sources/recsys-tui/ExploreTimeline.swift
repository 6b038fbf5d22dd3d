import Dispatch
import Foundation
import RecsysUI

/// What the explorer's scale benchmark reads back (`Tests/Bench/scale-explorer.sh`, through
/// `$RECSYS_TUI_FRAME_STATS`): when each model became ready or failed, every recompute's time, and
/// the process's peak resident memory, and when every model was first ready or deferred (which
/// `--exit-when-ready` waits for). Fed from the UI thread's `update` only.
final class ExploreTimeline: @unchecked Sendable {
    private let start: DispatchTime
    private var events: [(name: String, seconds: Double)] = []
    private var recomputeMs: [Double] = []
    /// Each model's share of the recomputes (ms), by algorithm.
    private var perModelMs: [String: [Double]] = [:]
    /// models_ready_ms and models_from_cache, once every model is ready, failed or deferred.
    private var allReady: [String] = []

    init(start: DispatchTime) { self.start = start }

    private var elapsed: Double { Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9 }

    func observe(_ message: Message) {
        switch message {
        case .modelFitted(let name, _, _, _, _): events.append(("ready_" + name, elapsed))
        case .fitFailed(let name, _): events.append(("ended_" + name, elapsed))
        case .recommendationsReady(let r):
            recomputeMs.append(r.millis)
            for a in r.algorithms { perModelMs[a.algorithm, default: []].append(a.millis) }
        default: break
        }
    }

    /// True once every model is ready, failed or deferred; the first time, the time and how many
    /// models came from the cache are noted.
    func checkAllReady(_ state: AppState) -> Bool {
        if !allReady.isEmpty { return true }
        let done = state.algorithms.allSatisfy { name in
            switch state.fitStatus[name] ?? .waiting {
            case .ready, .failed, .deferred: return true
            case .waiting, .fitting: return false
            }
        }
        guard done else { return false }
        let cached = state.modelSources.values.filter { $0 == .cache }.count
        allReady = [String(format: "models_ready_ms=%.1f", elapsed * 1000),
                    "models_from_cache=\(cached)/\(state.algorithms.count)"]
        return true
    }

    /// `key=value` fields: models_ready_ms and models_from_cache (see `checkAllReady`), ready_ALGO_s (seconds since start, the last time it became ready),
    /// ended_ALGO_s (failed or cancelled), recompute_n / recompute_p50_ms / recompute_p99_ms over every
    /// recompute and recompute_last30_p50_ms / _p99_ms over the last 30 (the benchmark's ratings once
    /// every fit is done), recompute_ALGO_p99_ms (each model's part, last 30), peak_rss_mb.
    func fields() -> [String] {
        var out: [String: Double] = [:]
        for e in events { out[e.name] = e.seconds }
        var lines = allReady + out.keys.sorted().map { "\($0)_s=" + String(format: "%.1f", out[$0]!) }
        func q(_ values: [Double], _ p: Double) -> String {
            let sorted = values.sorted()
            let v = sorted.isEmpty ? 0 : sorted[min(sorted.count - 1, max(0, Int((p * Double(sorted.count)).rounded(.up)) - 1))]
            return String(format: "%.2f", v)
        }
        let last = Array(recomputeMs.suffix(30))
        lines += ["recompute_n=\(recomputeMs.count)", "recompute_p50_ms=" + q(recomputeMs, 0.5),
                  "recompute_p99_ms=" + q(recomputeMs, 0.99),
                  "recompute_last30_p50_ms=" + q(last, 0.5), "recompute_last30_p99_ms=" + q(last, 0.99)]
        lines += perModelMs.keys.sorted().map { "recompute_\($0)_p99_ms=" + q(Array(perModelMs[$0]!.suffix(30)), 0.99) }
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        lines.append("peak_rss_mb=\(usage.ru_maxrss / 1024)")  // ru_maxrss is in KiB on Linux
        return lines
    }
}
