// Text widgets: the one-line text input (search, `:`), paragraphs and word wrapping.

/// What the user is typing into a one-line input: text and cursor (in characters).
public struct TextInputState: Sendable, Equatable {
    public var text: String
    public var cursor: Int

    public init(_ text: String = "") {
        self.text = text
        cursor = text.count
    }

    /// Applies an editing key; returns false when the key is not an editing key.
    ///
    /// Handles printable characters, Backspace, Delete, Left, Right, Home, End,
    /// Ctrl-A / Ctrl-E (line start / end), Ctrl-U (clear before cursor) and Ctrl-W (delete word).
    public mutating func handle(_ key: Key) -> Bool {
        var chars = Array(text)
        switch key {
        case .char(let c):
            chars.insert(c, at: cursor)
            cursor += 1
        case .backspace:
            guard cursor > 0 else { return true }
            chars.remove(at: cursor - 1)
            cursor -= 1
        case .delete:
            guard cursor < chars.count else { return true }
            chars.remove(at: cursor)
        case .left: cursor = max(0, cursor - 1)
        case .right: cursor = min(chars.count, cursor + 1)
        case .home, .ctrl("a"): cursor = 0
        case .end, .ctrl("e"): cursor = chars.count
        case .ctrl("u"):
            chars.removeSubrange(0..<cursor)
            cursor = 0
        case .ctrl("w"):
            var k = cursor
            while k > 0 && chars[k - 1] == " " { k -= 1 }
            while k > 0 && chars[k - 1] != " " { k -= 1 }
            chars.removeSubrange(k..<cursor)
            cursor = k
        default:
            return false
        }
        text = String(chars)
        return true
    }
}

/// A one-line input with a prompt (`/`, `:`) and a block cursor.
public struct TextInput {
    public var prompt: String
    public var style: Style

    public init(prompt: String, style: Style = .plain) {
        self.prompt = prompt
        self.style = style
    }

    public func render(_ area: Rect, into buffer: inout ScreenBuffer, state: TextInputState) {
        guard !area.isEmpty else { return }
        var x = area.x + buffer.write(prompt, x: area.x, y: area.y, style: style, maxWidth: area.width)
        let chars = Array(state.text)
        // Keep the cursor in view on long input: show the tail.
        let room = area.maxX - x - 1
        var start = 0
        while start < state.cursor && DisplayWidth.of(String(chars[start..<state.cursor])) > room { start += 1 }
        for (k, ch) in chars[start...].enumerated() {
            let idx = start + k
            let w = DisplayWidth.of(ch)
            if x + w > area.maxX { break }
            buffer.write(String(ch), x: x, y: area.y, style: idx == state.cursor ? Style(reverse: true) : style)
            x += w
        }
        if state.cursor >= chars.count && x < area.maxX { buffer.write(" ", x: x, y: area.y, style: Style(reverse: true)) }
    }
}

// MARK: - Paragraph

/// Lines of text, each clipped to the area; `scroll` skips lines at the top.
public struct Paragraph: Widget {
    public var lines: [Line]
    public var scroll: Int

    public init(_ lines: [Line], scroll: Int = 0) {
        self.lines = lines
        self.scroll = scroll
    }

    public func render(_ area: Rect, into buffer: inout ScreenBuffer) {
        guard !area.isEmpty else { return }
        for r in 0..<area.height {
            let i = scroll + r
            guard i >= 0, i < lines.count else { continue }
            lines[i].draw(into: &buffer, x: area.x, y: area.y + r, maxWidth: area.width)
        }
    }
}

/// Word-wraps `text` to lines of at most `width` columns.
public func wrap(_ text: String, width: Int) -> [String] {
    guard width > 0 else { return [] }
    var out: [String] = []
    var current = ""
    for word in text.split(separator: " ", omittingEmptySubsequences: true) {
        let w = String(word)
        if current.isEmpty {
            current = w
        } else if DisplayWidth.of(current) + 1 + DisplayWidth.of(w) <= width {
            current += " " + w
        } else {
            out.append(current)
            current = w
        }
        while DisplayWidth.of(current) > width {
            let head = String(current.prefix(width))
            out.append(head)
            current = String(current.dropFirst(width))
        }
    }
    if !current.isEmpty { out.append(current) }
    return out
}
