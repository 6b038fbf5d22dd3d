import Foundation

/// One changed cell between two frames.
public struct CellChange: Sendable, Equatable {
    public var x: Int
    public var y: Int
    public var cell: Cell
}

extension ScreenBuffer {
    /// The cells of `self` that differ from `previous` (all cells when the sizes differ), row by row.
    ///
    /// What a backend draws after each update. Continuation cells of wide characters are skipped
    /// (drawing the wide character covers them). Complexity: O(width × height).
    public func changes(from previous: ScreenBuffer?) -> [CellChange] {
        var out: [CellChange] = []
        let full = previous == nil || previous!.width != width || previous!.height != height
        for y in 0..<height {
            for x in 0..<width {
                let c = cells[y * width + x]
                if c.isContinuation { continue }
                if full || previous!.cells[y * width + x] != c { out.append(CellChange(x: x, y: y, cell: c)) }
            }
        }
        return out
    }
}

/// Times what each key press costs the UI thread: `update` + `view` + diff against the previous frame.
///
/// Used by `recsys-tui bench` to check the 16 ms budget at 120×40.
public enum RenderBenchmark {
    /// Timing percentiles in milliseconds.
    public struct Result: Sendable, Equatable {
        public var p50: Double
        public var p99: Double
        public var max: Double
        public var iterations: Int
    }

    /// Alternates Down/Up key presses (moving the catalog selection, which redraws the catalog, details and
    /// recommendations) and times `update` + `view` + `changes(from:)` for each; effects are discarded.
    ///
    /// - Parameters:
    ///   - state: the starting state (its size is used; set it to 120×40 for the standard figure).
    ///   - iterations: frames to time (after 10 warm-up frames).
    /// - Returns: p50, p99 and max in ms.
    public static func measure(state: AppState, iterations: Int = 500) -> Result {
        var s = state
        var previous = view(s)
        var times: [Double] = []
        times.reserveCapacity(iterations)
        for k in 0..<(iterations + 10) {
            let key: Key = (k / 5) % 2 == 0 ? .down : .up
            let t0 = DispatchTime.now().uptimeNanoseconds
            _ = update(&s, .input(.key(key)))
            let frame = view(s)
            let changes = frame.changes(from: previous)
            let t1 = DispatchTime.now().uptimeNanoseconds
            precondition(changes.count >= 0)
            previous = frame
            if k >= 10 { times.append(Double(t1 - t0) / 1_000_000) }
        }
        times.sort()
        func pct(_ p: Double) -> Double { times.isEmpty ? 0 : times[min(times.count - 1, Int(Double(times.count) * p))] }
        return Result(p50: pct(0.5), p99: pct(0.99), max: times.last ?? 0, iterations: times.count)
    }
}
