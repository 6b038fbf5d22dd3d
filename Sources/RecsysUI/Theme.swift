/// The styles every screen draws with, in colour or in monochrome.
///
/// `Theme(colour: false)` (for `NO_COLOR`, `TERM=dumb`, terminals without
/// colours) keeps every distinction with bold, reverse, underline and dim only,
/// so nothing on screen depends on colour to be understood.
public struct Theme: Sendable, Equatable {
    public var colour: Bool
    /// Presenter mode: no dim colour or attribute anywhere (grey on a projector is unreadable);
    /// what was dim is drawn plain, a grey background becomes reverse video.
    public var highContrast: Bool

    public init(colour: Bool, highContrast: Bool = false) {
        self.colour = colour
        self.highContrast = highContrast
    }

    private func pick(_ c: Style, _ mono: Style) -> Style {
        var s = colour ? c : mono
        guard highContrast else { return s }
        s.dim = false
        if s.foreground == .brightBlack { s.foreground = .default }
        if s.background == .brightBlack {
            s.background = .default
            s.reverse = true
        }
        return s
    }

    /// The top bar (program, dataset, profile).
    public var header: Style { pick(Style(foreground: .black, background: .cyan, bold: true), Style(bold: true, reverse: true)) }
    public var text: Style { .plain }
    public var dim: Style { pick(Style(foreground: .brightBlack), Style(dim: true)) }
    public var border: Style { pick(Style(foreground: .brightBlack), .plain) }
    public var focusedBorder: Style { pick(Style(foreground: .cyan, bold: true), Style(bold: true)) }
    public var title: Style { pick(Style(foreground: .cyan, bold: true), Style(bold: true)) }
    /// The selected row of the focused list.
    public var selection: Style { pick(Style(foreground: .black, background: .cyan), Style(reverse: true)) }
    /// The selected row of a list that does not have focus.
    public var inactiveSelection: Style { pick(Style(background: .brightBlack), Style(underline: true)) }
    public var activeTab: Style { pick(Style(foreground: .black, background: .yellow, bold: true), Style(bold: true, reverse: true)) }
    public var tab: Style { pick(Style(foreground: .white), .plain) }
    public var star: Style { pick(Style(foreground: .yellow, bold: true), Style(bold: true)) }
    public var up: Style { pick(Style(foreground: .green, bold: true), Style(bold: true)) }
    public var down: Style { pick(Style(foreground: .red), Style(underline: true)) }
    public var new: Style { pick(Style(foreground: .magenta, bold: true), Style(bold: true)) }
    public var positive: Style { pick(Style(foreground: .green), .plain) }
    public var negative: Style { pick(Style(foreground: .red), Style(dim: true)) }
    public var bar: Style { pick(Style(foreground: .blue), .plain) }
    public var error: Style { pick(Style(foreground: .red, bold: true), Style(bold: true)) }
    public var key: Style { pick(Style(foreground: .yellow, bold: true), Style(bold: true)) }
    public var status: Style { pick(Style(foreground: .white, background: .blue), Style(reverse: true)) }
    public var input: Style { pick(Style(foreground: .brightWhite, bold: true), Style(bold: true)) }
}
