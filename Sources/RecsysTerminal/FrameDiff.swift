import RecsysUI

/// A horizontal run of cells with one style, ready to be drawn with one call.
public struct DrawRun: Sendable, Equatable {
    public var x: Int
    public var y: Int
    /// The run's text; wide characters appear once and cover two columns.
    public var text: String
    /// Columns covered (the sum of the display widths).
    public var width: Int
    public var style: Style

    public init(x: Int, y: Int, text: String, width: Int, style: Style) {
        self.x = x
        self.y = y
        self.text = text
        self.width = width
        self.style = style
    }
}

/// Diffs two frames into the runs that must be redrawn (ratatui's `Buffer::diff` idea).
///
/// A cell is redrawn when its text, style or continuation flag changed. Runs
/// join adjacent changed cells that share a style. Wide characters are kept
/// whole: a changed continuation cell pulls in the wide character to its left,
/// and a wide character always covers its continuation, so the terminal never
/// sees half of a wide glyph.
///
/// Complexity: O(width × height) comparisons; drawing work is proportional to the change.
public enum FrameDiff {
    /// Makes a frame safe to draw: orphan continuation cells (no wide character
    /// on their left) and wide characters without a continuation cell (or at the
    /// last column) become spaces; text with control characters becomes a space.
    ///
    /// A well-formed frame is returned as is, without copying.
    public static func sanitized(_ frame: ScreenBuffer) -> ScreenBuffer {
        var repairs: [Int] = []
        let w = frame.width
        frame.cells.withUnsafeBufferPointer { cells in
            for y in 0..<frame.height {
                let row = y * w
                var x = 0
                while x < w {
                    let c = cells[row + x]
                    if c.isContinuation {
                        // Valid only directly after a wide character (skipped below), so orphaned here.
                        repairs.append(row + x)
                        x += 1
                        continue
                    }
                    switch cellWidth(c.text) {
                    case 0:
                        repairs.append(row + x)
                        x += 1
                    case 2:
                        if x + 1 < w, cells[row + x + 1].isContinuation {
                            x += 2
                        } else {
                            repairs.append(row + x)
                            x += 1
                        }
                    default:
                        x += 1
                    }
                }
            }
        }
        if repairs.isEmpty { return frame }
        var out = frame
        for k in repairs { out[k % w, k / w] = Cell(" ", style: frame.cells[k].style) }
        return out
    }

    /// Display width of a cell's text: 1 or 2, or 0 when it cannot be drawn as one glyph
    /// (empty, several graphemes, control characters). ASCII takes a fast path.
    @inline(__always)
    static func cellWidth(_ text: String) -> Int {
        let u = text.utf8
        let n = u.count
        if n == 1 {
            let b = u.first!
            return b >= 0x20 && b < 0x7F ? 1 : 0
        }
        if n == 0 { return 0 }
        return wideCellWidth(text)
    }

    static func wideCellWidth(_ text: String) -> Int {
        guard let ch = text.first, text.index(after: text.startIndex) == text.endIndex else { return 0 }
        for s in ch.unicodeScalars where s.value < 0x20 || (s.value >= 0x7F && s.value < 0xA0) { return 0 }
        return DisplayWidth.of(ch)
    }

    /// The runs that turn `previous` into `next`. With `previous == nil`, or a
    /// different size, every cell is drawn.
    public static func runs(from previous: ScreenBuffer?, to next: ScreenBuffer) -> [DrawRun] {
        let w = next.width, h = next.height
        let full = previous == nil || previous!.width != w || previous!.height != h
        var runs: [DrawRun] = []
        runs.reserveCapacity(full ? h : 16)
        next.cells.withUnsafeBufferPointer { newCells in
            let oldCells = full ? nil : previous!.cells
            for y in 0..<h {
                let row = y * w
                var x = 0
                var current: DrawRun? = nil
                while x < w {
                    let cell = newCells[row + x]
                    var changed = full
                    if !changed, let old = oldCells {
                        let o = old[row + x]
                        changed = o != cell
                        // A wide character's continuation changed → the wide character must be redrawn too.
                        if !changed, !cell.isContinuation, x + 1 < w, newCells[row + x + 1].isContinuation,
                           old[row + x + 1] != newCells[row + x + 1] {
                            changed = true
                        }
                    }
                    if !changed {
                        if let r = current { runs.append(r); current = nil }
                        x += 1
                        continue
                    }
                    if cell.isContinuation {
                        // Its wide character was drawn (or will be) as part of the run; a
                        // continuation that changed alone is covered by redrawing its owner.
                        if current == nil, x > 0 {
                            let owner = newCells[row + x - 1]
                            current = DrawRun(x: x - 1, y: y, text: owner.text, width: 2, style: owner.style)
                        }
                        x += 1
                        continue
                    }
                    let cw = max(1, cellWidth(cell.text))
                    if var r = current, r.style == cell.style {
                        r.text += cell.text
                        r.width += cw
                        current = r
                    } else {
                        if let r = current { runs.append(r) }
                        current = DrawRun(x: x, y: y, text: cell.text, width: cw, style: cell.style)
                    }
                    x += cw
                }
                if let r = current { runs.append(r) }
            }
        }
        return runs
    }
}
