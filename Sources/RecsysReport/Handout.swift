/// The workshop handout as data: a title, a few lines about it, and sections of blocks (text,
/// tables, preformatted formulas, charts). `HandoutBuilder` fills it from a profile, its fitted
/// models, its last lab run and the class; `HandoutHTML` and `HandoutMarkdown` write it. Nothing
/// here is markup: every string is plain text that the writers escape.
public struct Handout: Sendable, Equatable {
    public var title: String
    /// Lines under the title (profile, dataset, seed, when).
    public var meta: [String]
    public var sections: [Section]

    public init(title: String, meta: [String] = [], sections: [Section] = []) {
        self.title = title
        self.meta = meta
        self.sections = sections
    }

    /// One part of the handout; each starts on a new printed page.
    public struct Section: Sendable, Equatable {
        /// A stable anchor and file-name part ("ratings", "top10", …).
        public var id: String
        public var title: String
        public var blocks: [Block]

        public init(id: String, title: String, blocks: [Block] = []) {
            self.id = id
            self.title = title
            self.blocks = blocks
        }
    }

    public enum Block: Sendable, Equatable {
        case paragraph(String)
        /// A smaller, secondary line (how to read a chart, where a number comes from).
        case note(String)
        case heading(String)
        case table(Table)
        /// Lines kept as they are (a worked formula), in a monospaced font.
        case preformatted([String])
        case chart(Chart)
        /// Blocks that belong together (a heading and its table): kept on one printed page when they fit.
        case group([Block])
    }

    /// A table of plain-text cells. A row's `mark` lets a writer set it apart (a dislike).
    public struct Table: Sendable, Equatable {
        public enum Mark: String, Sendable, Equatable { case like, dislike, neutral, you }
        public struct Row: Sendable, Equatable {
            public var cells: [String]
            public var mark: Mark?
            public init(_ cells: [String], mark: Mark? = nil) {
                self.cells = cells
                self.mark = mark
            }
        }

        public var header: [String]
        public var rows: [Row]
        /// Columns whose cells are numbers (right-aligned).
        public var numeric: Set<Int>

        public init(header: [String], rows: [Row], numeric: Set<Int> = []) {
            self.header = header
            self.rows = rows
            self.numeric = numeric
        }
    }

    /// A chart's data; `SVGChart` draws it. `file` names it in the Markdown variant (FILE-<file>.svg).
    public struct Chart: Sendable, Equatable {
        public enum Kind: Sendable, Equatable {
            /// One bar per label (vertical bars), values ≥ 0.
            case bars(labels: [String], values: [Double], valueDecimals: Int)
            /// A square matrix of values in 0…1, labelled the same way on both axes.
            case heatmap(labels: [String], values: [[Double]])
            /// Lines through points, one per series.
            case lines(series: [Series], xLabel: String, yLabel: String)
        }

        public struct Series: Sendable, Equatable {
            public var name: String
            public var x: [Double]
            public var y: [Double]
            public init(name: String, x: [Double], y: [Double]) {
                self.name = name
                self.x = x
                self.y = y
            }
        }

        public var file: String
        public var title: String
        public var kind: Kind

        public init(file: String, title: String, kind: Kind) {
            self.file = file
            self.title = title
            self.kind = kind
        }
    }
}

extension Handout {
    /// Every chart, in document order (the Markdown variant writes each to its own file).
    public var charts: [Chart] {
        func charts(_ blocks: [Block]) -> [Chart] {
            blocks.flatMap { b -> [Chart] in
                switch b {
                case .chart(let c): return [c]
                case .group(let inner): return charts(inner)
                default: return []
                }
            }
        }
        return sections.flatMap { charts($0.blocks) }
    }
}
