/// Where each pane goes for a terminal size. `view` draws into these rectangles
/// and `update` uses the same ones to hit-test mouse clicks and size pages.
///
/// ```
/// row 0        header: program · dataset · profile · N ratings
/// rows 1…      ┌ Catalog ───────────┐┌ Details ──────┐
///              └────────────────────┘└───────────────┘
///              ┌ Recommendations ──────────────────────┐
///              │ tabs                                  │
///              └───────────────────────────────────────┘
/// row h−2      status line (messages, fit progress, recompute ms)
/// row h−1      key hints, or the `/` and `:` input line
/// ```
public struct Layout: Sendable, Equatable {
    /// The smallest usable terminal.
    public static let minWidth = 80
    public static let minHeight = 24

    public var width: Int
    public var height: Int
    public var header: Rect
    /// Everything between the header and the status line (full-screen views draw here).
    public var body: Rect
    public var catalog: Rect
    public var details: Rect
    public var recommendations: Rect
    public var status: Rect
    public var hints: Rect
    /// The lesson panel between the body and the status line (zero rows when closed).
    public var lessonPanel: Rect

    /// - Parameter lessonRows: rows the open lesson panel takes from the body (0: closed).
    public init(width: Int, height: Int, lessonRows: Int = 0) {
        self.width = width
        self.height = height
        header = Rect(x: 0, y: 0, width: width, height: 1)
        status = Rect(x: 0, y: height - 2, width: width, height: 1)
        hints = Rect(x: 0, y: height - 1, width: width, height: 1)
        let lesson = max(0, min(lessonRows, height - 3 - 8))
        body = Rect(x: 0, y: 1, width: width, height: height - 3 - lesson)
        lessonPanel = Rect(x: 0, y: 1 + body.height, width: width, height: lesson)
        let top = body.height / 2 + 1
        let catalogWidth = width * 3 / 5
        catalog = Rect(x: 0, y: 1, width: catalogWidth, height: top)
        details = Rect(x: catalogWidth, y: 1, width: width - catalogWidth, height: top)
        recommendations = Rect(x: 0, y: 1 + top, width: width, height: body.height - top)
    }

    /// True below 80×24: `view` shows only "terminal too small (need 80×24)".
    public var isTooSmall: Bool { width < Layout.minWidth || height < Layout.minHeight }

    /// Rows of the catalog list (inside the border).
    public var catalogList: Rect { Block.inner(catalog) }
    /// The tab row inside the Recommendations box.
    public var tabRow: Rect {
        let r = Block.inner(recommendations)
        return Rect(x: r.x, y: r.y, width: r.width, height: 1)
    }
    /// Rows of the recommendations list (under the tabs).
    public var recommendationList: Rect {
        let r = Block.inner(recommendations)
        return Rect(x: r.x, y: r.y + 1, width: r.width, height: r.height - 1)
    }
    /// The user list of the Users screen.
    public var usersList: Rect {
        Block.inner(Rect(x: body.x, y: body.y, width: min(34, body.width / 3), height: body.height))
    }
}

extension Rect {
    /// True when (x, y) lies inside.
    public func contains(x px: Int, y py: Int) -> Bool { px >= x && px < maxX && py >= y && py < maxY }
}
