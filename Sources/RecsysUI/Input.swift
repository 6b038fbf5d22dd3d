/// A key press, decoded by the terminal backend.
public enum Key: Sendable, Equatable, Hashable {
    case char(Character)
    /// Ctrl + a letter ("c" for Ctrl-C).
    case ctrl(Character)
    case up, down, left, right, home, end, pageUp, pageDown
    case enter, escape, tab, backTab, backspace, delete
    case function(Int)
}

/// A mouse event in screen cells.
public enum MouseEvent: Sendable, Equatable {
    case click(x: Int, y: Int)
    case wheelUp(x: Int, y: Int)
    case wheelDown(x: Int, y: Int)
}

/// Everything the backend feeds into the UI core.
public enum InputEvent: Sendable, Equatable {
    case key(Key)
    case mouse(MouseEvent)
    case resize(width: Int, height: Int)
}
