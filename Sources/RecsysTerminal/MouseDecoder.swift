import RecsysUI

/// The curses mouse masks the decoder needs (`BUTTON1_PRESSED`, …), as plain numbers.
public struct MouseMasks: Sendable {
    public var button1Pressed, button1Clicked, button1DoubleClicked, wheelUp, wheelDown: UInt

    public init(button1Pressed: UInt, button1Clicked: UInt, button1DoubleClicked: UInt, wheelUp: UInt, wheelDown: UInt) {
        self.button1Pressed = button1Pressed
        self.button1Clicked = button1Clicked
        self.button1DoubleClicked = button1DoubleClicked
        self.wheelUp = wheelUp
        self.wheelDown = wheelDown
    }

    /// Every event the explorer asks curses to report.
    public var wanted: UInt { button1Pressed | button1Clicked | button1DoubleClicked | wheelUp | wheelDown }

    /// A curses mouse report → a UI mouse event. Button 4 is the wheel rolled
    /// up, button 5 rolled down; a press or click of button 1 is a click.
    /// Releases and motion are dropped (nil).
    public func decode(x: Int, y: Int, state: UInt) -> MouseEvent? {
        if wheelUp != 0, state & wheelUp != 0 { return .wheelUp(x: x, y: y) }
        if wheelDown != 0, state & wheelDown != 0 { return .wheelDown(x: x, y: y) }
        if state & (button1Pressed | button1Clicked | button1DoubleClicked) != 0 { return .click(x: x, y: y) }
        return nil
    }
}
