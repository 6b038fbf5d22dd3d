import RecsysUI

/// One raw read from curses `get_wch`: a character (`OK`) or a key code (`KEY_CODE_YES`).
public enum RawInput: Sendable, Equatable {
    /// A Unicode scalar value or a control code (0x00–0x1F, 0x7F).
    case character(UInt32)
    /// A curses key code (`KEY_UP`, `KEY_F(1)`, `KEY_RESIZE`, …).
    case keyCode(Int32)
}

/// What one raw read means once decoded.
public enum DecodedInput: Sendable, Equatable {
    case key(Key)
    /// `KEY_MOUSE`: the caller asks curses for the event (`getmouse`).
    case mouse
    /// `KEY_RESIZE`: the caller reads the new size.
    case resize
    /// Nothing the UI understands (Alt sequences, unknown codes): drop it.
    case ignored
}

/// The curses key codes the decoder needs, read once from the C headers.
///
/// A value type so the decoder stays pure and testable without a terminal.
public struct CursesKeyCodes: Sendable {
    public var up, down, left, right, home, end, pageDown, pageUp: Int32
    public var backspace, delete, enter, backTab, resize, mouse: Int32
    /// `KEY_F(0)`; `KEY_F(n)` is `f0 + n` for n in 1…63.
    public var f0: Int32
    public var shiftHome, shiftEnd, scrollForward, scrollBackward: Int32
    /// Keypad corners and centre: upper left (Home), upper right (PgUp), centre, lower left (End), lower right (PgDn).
    public var a1, a3, b2, c1, c3: Int32

    public init(up: Int32, down: Int32, left: Int32, right: Int32, home: Int32, end: Int32, pageDown: Int32,
                pageUp: Int32, backspace: Int32, delete: Int32, enter: Int32, backTab: Int32, resize: Int32,
                mouse: Int32, f0: Int32, shiftHome: Int32, shiftEnd: Int32, scrollForward: Int32,
                scrollBackward: Int32, a1: Int32, a3: Int32, b2: Int32, c1: Int32, c3: Int32) {
        self.up = up; self.down = down; self.left = left; self.right = right
        self.home = home; self.end = end; self.pageDown = pageDown; self.pageUp = pageUp
        self.backspace = backspace; self.delete = delete; self.enter = enter; self.backTab = backTab
        self.resize = resize; self.mouse = mouse; self.f0 = f0
        self.shiftHome = shiftHome; self.shiftEnd = shiftEnd
        self.scrollForward = scrollForward; self.scrollBackward = scrollBackward
        self.a1 = a1; self.a3 = a3; self.b2 = b2; self.c1 = c1; self.c3 = c3
    }
}

/// Turns curses reads into `Key`s.
///
/// Rules (one table, as htop's key bindings):
/// - Key codes map to their keys; `KEY_F(n)` to `.function(n)`.
/// - Tab (9) → `.tab`; LF/CR (10, 13) → `.enter`; BS/DEL (8, 127) → `.backspace`.
/// - Other control codes 1…26 → `.ctrl(letter)` (Ctrl-A is 1).
/// - ESC (27): curses has already waited `ESCDELAY` for a known escape
///   sequence, so an ESC here is either the Esc key alone, or the prefix of an
///   Alt-chord / unknown sequence. The decoder peeks once without waiting: if
///   nothing follows it is `.escape`; if something follows, the whole chord is
///   consumed (a CSI/SS3 sequence up to its final byte) and ignored, so Alt-x
///   never reads as "Esc, then x". A key code after ESC (an arrow, a resize)
///   is not part of a chord: it is handed back with `unread` and the ESC is Esc.
/// - Any other scalar → `.char`.
///
/// Complexity: O(length of the sequence).
public struct KeyDecoder: Sendable {
    public var codes: CursesKeyCodes

    public init(codes: CursesKeyCodes) { self.codes = codes }

    /// Decodes `first`; `next` returns a further read that is *already waiting* (no blocking), or nil;
    /// `unread` hands back a read that belongs to the next event.
    public func decode(_ first: RawInput, next: () -> RawInput?, unread: (RawInput) -> Void) -> DecodedInput {
        switch first {
        case .keyCode(let code): return decodeKeyCode(code)
        case .character(let c): return decodeCharacter(c, next: next, unread: unread)
        }
    }

    func decodeKeyCode(_ k: Int32) -> DecodedInput {
        switch k {
        case codes.up, codes.scrollBackward: return .key(.up)
        case codes.down, codes.scrollForward: return .key(.down)
        case codes.left: return .key(.left)
        case codes.right: return .key(.right)
        case codes.home, codes.a1, codes.shiftHome: return .key(.home)
        case codes.end, codes.c1, codes.shiftEnd: return .key(.end)
        case codes.pageUp, codes.a3: return .key(.pageUp)
        case codes.pageDown, codes.c3: return .key(.pageDown)
        case codes.backspace: return .key(.backspace)
        case codes.delete: return .key(.delete)
        case codes.enter: return .key(.enter)
        case codes.backTab: return .key(.backTab)
        case codes.resize: return .resize
        case codes.mouse: return .mouse
        case (codes.f0 + 1)...(codes.f0 + 63): return .key(.function(Int(k - codes.f0)))
        default: return .ignored
        }
    }

    func decodeCharacter(_ c: UInt32, next: () -> RawInput?, unread: (RawInput) -> Void) -> DecodedInput {
        switch c {
        case 9: return .key(.tab)
        case 10, 13: return .key(.enter)
        case 8, 127: return .key(.backspace)
        case 27: return decodeEscape(next: next, unread: unread)
        case 1...26:
            return .key(.ctrl(Character(Unicode.Scalar(UInt8(c) + 0x60))))
        case 0, 28...31: return .ignored
        default:
            guard let scalar = Unicode.Scalar(c) else { return .ignored }
            return .key(.char(Character(scalar)))
        }
    }

    func decodeEscape(next: () -> RawInput?, unread: (RawInput) -> Void) -> DecodedInput {
        guard let second = next() else { return .key(.escape) }
        // A decoded key or a resize right after ESC is its own event.
        if case .keyCode = second {
            unread(second)
            return .key(.escape)
        }
        // ESC ESC: treat as one Esc press (a user hitting Esc twice quickly).
        if second == .character(27) { return .key(.escape) }
        // CSI ("ESC [") and SS3 ("ESC O") sequences curses did not recognise:
        // swallow parameter bytes up to the final byte (0x40–0x7E).
        if second == .character(0x5B) || second == .character(0x4F) {
            var guardCount = 0
            while guardCount < 32, let more = next() {
                guardCount += 1
                if case .character(let b) = more, (0x40...0x7E).contains(b) { break }
                if case .keyCode = more {
                    unread(more)
                    break
                }
            }
        }
        return .ignored
    }
}
